/* The configuration editor pages (customization/*.html): small enhancements of forms that work without it.
 *
 * - Reordering: rows marked [data-sortable-item] inside a [data-sortable] list move by native HTML5 drag
 *   and drop (from their [data-drag-handle], or anywhere on rows marked [data-drag-anywhere]) or by their
 *   up/down buttons [data-move]. Without the script those buttons submit and the server moves the row.
 *   After a move the list fires "config:sorted"; a form marked [data-sort-submit] is then submitted
 *   (htmx posts it and swaps the answer in), other forms simply post their rows in the new order.
 * - Rows: "Add" buttons [data-add-row=name] copy <template id="name-template"> (instead of asking the
 *   server for a blank row); ticking a row's "Remove" box greys it out.
 * - The field form shows only the inputs that apply to the chosen type (#config-applies-to), suggests
 *   keys from English labels until a key is typed, and pairs colour inputs with the native colour picker.
 * - htmx: answers 400/409 are swapped into targets marked [data-swap-errors] (they carry the messages);
 *   the event "config-saved" (HX-Trigger) updates every base_version input to the new version.
 * - JSON page: a chosen .json file is loaded into the text area, so it can be read before validating.
 */
(function () {
  "use strict";

  var HEX = /^#[0-9a-fA-F]{6}$/;
  var INTERACTIVE = "input, textarea, select, button, a, label, summary";
  var dragged = null;
  var before = null;
  var counter = 0;

  function items(list) {
    return Array.prototype.filter.call(list.children, function (child) {
      return child.matches("[data-sortable-item]");
    });
  }

  function orderOf(list) {
    return items(list).map(function (item) { return item.dataset.key || item.dataset.row || ""; }).join(",");
  }

  function sorted(list) {
    list.dispatchEvent(new CustomEvent("config:sorted", { bubbles: true }));
    var form = list.closest("form");
    if (form && form.hasAttribute("data-sort-submit")) {
      if (form.requestSubmit) form.requestSubmit();
      else form.submit();
    }
  }

  // --- drag and drop ------------------------------------------------------------------------------

  document.addEventListener("pointerdown", function (event) {
    var item = event.target.closest ? event.target.closest("[data-sortable-item]") : null;
    if (!item) return;
    var onHandle = event.target.closest("[data-drag-handle]");
    var anywhere = item.hasAttribute("data-drag-anywhere") && !event.target.closest(INTERACTIVE);
    if (onHandle || anywhere) item.setAttribute("draggable", "true");
  });

  document.addEventListener("pointerup", function () {
    if (dragged) return;
    document.querySelectorAll("[data-sortable-item][draggable]").forEach(function (item) {
      item.removeAttribute("draggable");
    });
  });

  document.addEventListener("dragstart", function (event) {
    var item = event.target.closest ? event.target.closest("[data-sortable-item]") : null;
    if (!item || item.getAttribute("draggable") !== "true") return;
    dragged = item;
    before = orderOf(item.parentNode);
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.dataset.key || item.dataset.row || "");
    item.classList.add("is-dragging");
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var over = event.target.closest ? event.target.closest("[data-sortable-item]") : null;
    var list = dragged.parentNode;
    if (!over || over.parentNode !== list) {
      if (event.target.closest && event.target.closest("[data-sortable]") === list) event.preventDefault();
      return;
    }
    event.preventDefault();  // allows the drop
    event.dataTransfer.dropEffect = "move";
    if (over === dragged) return;
    var box = over.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? over.nextSibling : over);
  });

  document.addEventListener("drop", function (event) {
    if (dragged) event.preventDefault();
  });

  document.addEventListener("dragend", function () {
    if (!dragged) return;
    var item = dragged;
    var list = item.parentNode;
    dragged = null;
    item.classList.remove("is-dragging");
    item.removeAttribute("draggable");
    if (list && orderOf(list) !== before) sorted(list);
  });

  // --- up / down buttons, add and remove rows ----------------------------------------------------------

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-move]") : null;
    if (button) {
      var item = button.closest("[data-sortable-item]");
      if (!item) return;
      event.preventDefault();
      var up = button.dataset.move === "up";
      var sibling = up ? item.previousElementSibling : item.nextElementSibling;
      while (sibling && !sibling.matches("[data-sortable-item]")) {
        sibling = up ? sibling.previousElementSibling : sibling.nextElementSibling;
      }
      if (!sibling) return;
      var list = item.parentNode;
      list.insertBefore(item, up ? sibling : sibling.nextSibling);
      button.focus();
      sorted(list);
      return;
    }
    var add = event.target.closest ? event.target.closest("button[data-add-row]") : null;
    if (add) {
      var name = add.dataset.addRow;
      var template = document.getElementById(name + "-template");
      var form = add.closest("form");
      var rows = form ? form.querySelector('[data-rows="' + name + '"]') : null;
      if (!template || !rows) return;
      event.preventDefault();
      counter += 1;
      var id = "n" + Date.now().toString(36) + counter;
      rows.insertAdjacentHTML("beforeend", template.innerHTML.split("__ROW__").join(id));
      var row = rows.lastElementChild;
      setUp(row);
      var first = row.querySelector("input[type=text]");
      if (first) first.focus();
      rows.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[data-remove]")) {
      var row = event.target.closest("[data-sortable-item]");
      if (row) row.classList.toggle("is-removed", event.target.checked);
    }
  });

  // --- keys suggested from English labels ------------------------------------------------------------

  function suggestKey(text) {
    var key = text.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^[^a-z]+/, "").replace(/_+$/, "");
    return key.slice(0, 40).replace(/_+$/, "");
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.name || !input.form) return;
    if (/(^|-)key$/.test(input.name)) {
      input.dataset.touched = "1";
      return;
    }
    if (!/(^|-)label_en$/.test(input.name)) return;
    var key = input.form.querySelector('[name="' + input.name.replace(/label_en$/, "key") + '"]');
    if (key && !key.readOnly && !key.dataset.touched) key.value = suggestKey(input.value);
  });

  // --- colour pickers -----------------------------------------------------------------------------

  function colourPickers(root) {
    root.querySelectorAll("input[data-color]").forEach(function (text) {
      if (text.dataset.colorReady) return;
      text.dataset.colorReady = "1";
      var picker = document.createElement("input");
      picker.type = "color";
      picker.className = "color-picker";
      picker.tabIndex = -1;
      picker.setAttribute("aria-hidden", "true");
      function follow() {  // the picker always holds a colour: it looks faded while the text has none
        var valid = HEX.test(text.value);
        if (valid) picker.value = text.value.toLowerCase();
        picker.classList.toggle("is-empty", !valid);
      }
      picker.addEventListener("input", function () {
        text.value = picker.value;
        text.dispatchEvent(new Event("input", { bubbles: true }));
      });
      text.addEventListener("input", follow);
      follow();
      text.classList.add("has-picker");
      text.insertAdjacentElement("afterend", picker);
    });
  }

  function markTypedKeys(root) {
    root.querySelectorAll("input[name$='key']").forEach(function (key) {
      if (key.value) key.dataset.touched = "1";
    });
  }

  function setUp(root) {
    // the script moves and adds rows itself: those buttons no longer submit (nor add their value to a
    // submission, which htmx would otherwise do for the last button clicked or focused)
    root.querySelectorAll("button[data-move], button[data-add-row]").forEach(function (button) {
      button.removeAttribute("name");
      button.type = "button";
    });
    colourPickers(root);
    markTypedKeys(root);
  }

  // --- inputs that apply to the chosen field type ----------------------------------------------------

  function typeToggles() {
    var source = document.getElementById("config-applies-to");
    var form = document.getElementById("field-form");
    if (!source || !form) return;
    var applies = JSON.parse(source.textContent);
    var type = form.querySelector("[name=type]");
    function toggle() {
      Object.keys(applies).forEach(function (name) {
        form.querySelectorAll('[data-field="' + name + '"]').forEach(function (element) {
          element.hidden = applies[name].indexOf(type.value) < 0;
        });
      });
    }
    type.addEventListener("change", toggle);
    toggle();
  }

  // --- the JSON page: read a chosen file into the text area ------------------------------------------

  function jsonUpload() {
    var form = document.querySelector("[data-testid=json-form]");
    if (!form || !window.FileReader) return;
    var upload = form.querySelector("input[type=file][name=upload]");
    var text = form.querySelector("textarea[name=text]");
    if (!upload || !text) return;
    upload.addEventListener("change", function () {
      var file = upload.files && upload.files[0];
      if (!file) return;
      var reader = new FileReader();
      reader.onload = function () {
        text.value = String(reader.result).replace(/^\uFEFF/, "");
        upload.value = "";  // the text area now holds it, edits included
        text.focus();
      };
      reader.readAsText(file);
    });
  }

  // --- htmx --------------------------------------------------------------------------------------

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (target && target.closest && target.closest("[data-swap-errors]") && (status === 400 || status === 409)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("config-saved", function (event) {
    var version = event.detail && event.detail.version;
    if (version === undefined || version === null) return;
    document.querySelectorAll("input[name=base_version]").forEach(function (input) {
      input.value = version;
    });
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    setUp(event.detail.target || document);
  });

  setUp(document);
  typeToggles();
  jsonUpload();
  var tab = document.querySelector(".tabs [aria-current=page]");
  if (tab && tab.parentNode.scrollWidth > tab.parentNode.clientWidth) {
    tab.parentNode.scrollLeft = tab.offsetLeft - tab.parentNode.offsetLeft - 16;
  }
})();
