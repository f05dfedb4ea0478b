// Live countdowns: every <time data-countdown> says how long is left, or how long it is overdue.
(function () {
  function span(ms) {
    var minutes = Math.round(Math.abs(ms) / 60000);
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var rest = minutes % 60;
    if (days > 0) return days + ' d ' + hours + ' h';
    if (hours > 0) return hours + ' h ' + rest + ' min';
    return rest + ' min';
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll('time[data-countdown]').forEach(function (el) {
      var left = Date.parse(el.getAttribute('datetime')) - now;
      el.textContent = left >= 0 ? 'in ' + span(left) : 'overdue by ' + span(left);
      el.classList.toggle('overdue', left < 0);
    });
  }
  document.addEventListener('DOMContentLoaded', tick);
  document.addEventListener('htmx:afterSwap', tick);
  setInterval(tick, 30000);
})();

// "Select every case listed": a button with data-select-all="<name>" ticks its form's checkboxes of that name.
document.addEventListener('click', function (event) {
  var button = event.target.closest && event.target.closest('[data-select-all]');
  if (!button || !button.form) return;
  var name = button.getAttribute('data-select-all');
  button.form.querySelectorAll('input[type=checkbox]').forEach(function (box) {
    if (box.name === name) box.checked = true;
  });
});
