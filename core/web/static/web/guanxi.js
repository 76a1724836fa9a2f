// Small behaviours of every page, written here rather than in the HTML: the Content-Security-Policy
// runs no inline script and no on…= handler.
"use strict";

// <select data-submit-on-change>: choosing an option submits its form (the team page's role picker).
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field instanceof HTMLElement && field.matches("[data-submit-on-change]") && field.form) {
    if (typeof field.form.requestSubmit === "function") field.form.requestSubmit();
    else field.form.submit();
  }
});

// <a href="/" data-history-back>: back to the previous page when there is one, else the link's own address.
document.addEventListener("click", function (event) {
  var link = event.target instanceof Element ? event.target.closest("[data-history-back]") : null;
  if (link && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});
