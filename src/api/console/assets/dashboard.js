// The dashboard's charts, drawn with uPlot from the numbers each chart's element carries
// (data-chart: the days and a series per line). The tables on the page hold the same numbers.
(function () {
  var COLOURS = ['#0b57d0', '#b3261e', '#146c2e', '#7d5260'];
  function draw() {
    document.querySelectorAll('[data-chart]').forEach(function (el) {
      var chart = JSON.parse(el.getAttribute('data-chart'));
      if (chart.x.length === 0) {
        el.textContent = 'Nothing in this range.';
        return;
      }
      var days = chart.x.map(function (day) {
        return Date.parse(day + 'T00:00:00Z') / 1000;
      });
      var series = [{}].concat(
        chart.series.map(function (s, i) {
          return { label: s.label, stroke: COLOURS[i % COLOURS.length], width: 2, dash: i === 1 ? [6, 4] : [] };
        }),
      );
      var data = [days].concat(
        chart.series.map(function (s) {
          return s.values;
        }),
      );
      var width = Math.max(300, el.clientWidth);
      new window.uPlot({ width: width, height: 260, series: series, axes: [{}, { label: 'cases' }] }, data, el);
    });
  }
  document.addEventListener('DOMContentLoaded', draw);
})();
