/* SLA countdowns (service/_countdown.html): keep "1 h 20 min left" / "5 min overdue" current.
 *
 * The server renders each countdown's text for the moment of the request; every 30 seconds this script
 * rewrites the text from the element's data-due (an ISO 8601 time) with the words the server put on the
 * page's [data-countdown-words] element, and turns the badge red (badge-breached) once it is overdue.
 * Whole minutes, rounded down like the server: negative once overdue.
 */
(function () {
  "use strict";

  var words = document.querySelector("[data-countdown-words]");
  if (!words) return;
  var formats = words.dataset;

  function fill(format, values) {
    return format.replace(/%\((\w+)\)s/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : match;
    });
  }

  function text(minutes) {
    var span = Math.abs(minutes);
    var days = Math.floor(span / 1440);
    var hours = Math.floor((span % 1440) / 60);
    var mins = span % 60;
    var time;
    if (days) time = fill(formats.days, { days: days, hours: hours });
    else if (hours) time = fill(formats.hours, { hours: hours, minutes: mins });
    else time = fill(formats.minutes, { minutes: mins });
    return fill(minutes < 0 ? formats.overdue : formats.left, { time: time });
  }

  function tick() {
    var now = Date.now();
    var items = document.querySelectorAll("[data-due]");
    for (var i = 0; i < items.length; i++) {
      var due = Date.parse(items[i].getAttribute("data-due"));
      if (isNaN(due)) continue;
      var minutes = Math.floor((due - now) / 60000);
      items[i].textContent = text(minutes);
      items[i].classList.toggle("badge-breached", minutes < 0);
    }
  }

  window.setInterval(tick, 30000);
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) tick(); // back from the browser's page cache: the server's text is old
  });
})();
