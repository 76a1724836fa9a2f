/* The deal board (records/deal_board.html).
 *
 * Drag a card onto another column (HTML5 drag and drop), or pick a stage in the card's "Move to" menu
 * (keyboard and phones). Both POST the card's own form to /deals/<id>/move/ — the deal_move service the
 * API uses — with the page's CSRF token from that form. The server answers with the re-rendered
 * columns (counts and totals included), or with status 400/403 and the reason as plain text: then the
 * card goes back where it was and the reason is shown in the board's role="alert" element.
 * Without JavaScript the same forms post normally and the server redirects back.
 */
(function () {
  "use strict";

  var board = document.getElementById("deal-board");
  if (!board) return;
  board.classList.add("board-js");

  var columns = board.querySelector("[data-board-columns]");
  var alertBox = board.querySelector("[data-board-alert]");
  var statusBox = board.querySelector("[data-board-status]");
  var dragged = null;

  function showError(message) {
    alertBox.textContent = message;
    alertBox.hidden = false;
  }

  function clearError() {
    alertBox.textContent = "";
    alertBox.hidden = true;
  }

  function columnOf(element) {
    return element && element.closest ? element.closest(".board-column") : null;
  }

  function clearDropTargets() {
    board.querySelectorAll(".board-column.is-drop-target").forEach(function (column) {
      column.classList.remove("is-drop-target");
    });
  }

  function putBack(card, origin) {
    origin.parent.insertBefore(card, origin.next);
    var select = card.querySelector("select[name=stage]");
    if (select) select.value = card.dataset.stage;
    card.classList.remove("is-saving");
  }

  function move(card, stage) {
    if (!card || !stage || card.dataset.stage === stage || card.classList.contains("is-saving")) return;
    var form = card.querySelector("form.deal-move");
    var target = columns.querySelector('.board-column[data-stage="' + stage + '"] .board-cards');
    var origin = { parent: card.parentNode, next: card.nextSibling };
    if (target) target.insertBefore(card, target.firstChild);
    card.classList.add("is-saving");
    var body = new FormData(form);
    body.set("stage", stage);
    // keep the board's filters (?owner=...) for the columns the server sends back
    fetch(form.action + window.location.search, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "board" }
    }).then(function (response) {
      return response.text().then(function (text) {
        if (response.redirected) {  // logged out meanwhile: let the login page take over
          window.location.reload();
          return;
        }
        if (response.ok) {
          columns.innerHTML = text;
          clearError();
          var name = card.querySelector(".deal-name");
          var title = board.querySelector("#column-title-" + stage);
          statusBox.textContent = (name ? name.textContent + ": " : "") + board.dataset.movedMessage + " " +
            (title ? title.firstChild.textContent.trim() : stage);
        } else {
          putBack(card, origin);
          showError(text || board.dataset.networkError);
        }
      });
    }).catch(function () {
      putBack(card, origin);
      showError(board.dataset.networkError);
    });
  }

  board.addEventListener("dragstart", function (event) {
    var card = event.target.closest ? event.target.closest(".deal-card") : null;
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.deal);
    card.classList.add("is-dragging");
  });

  board.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    dragged = null;
    clearDropTargets();
  });

  board.addEventListener("dragover", function (event) {
    var column = columnOf(event.target);
    if (!column || !dragged) return;
    event.preventDefault();  // allows the drop
    event.dataTransfer.dropEffect = "move";
    if (!column.classList.contains("is-drop-target")) {
      clearDropTargets();
      column.classList.add("is-drop-target");
    }
  });

  board.addEventListener("dragleave", function (event) {
    var column = columnOf(event.target);
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("is-drop-target");
  });

  board.addEventListener("drop", function (event) {
    var column = columnOf(event.target);
    if (!column) return;
    event.preventDefault();
    var id = event.dataTransfer.getData("text/plain");
    var card = dragged || (id ? board.querySelector('.deal-card[data-deal="' + id + '"]') : null);
    clearDropTargets();
    if (card) card.classList.remove("is-dragging");
    dragged = null;
    move(card, column.dataset.stage);
  });

  board.addEventListener("change", function (event) {
    if (!event.target.matches("form.deal-move select[name=stage]")) return;
    move(event.target.closest(".deal-card"), event.target.value);
  });

  board.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form.deal-move")) return;
    event.preventDefault();
    move(form.closest(".deal-card"), form.querySelector("select[name=stage]").value);
  });
})();
