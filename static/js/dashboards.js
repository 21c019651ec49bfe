/* Draws every <canvas data-chart="id"> from the JSON in <script id="id"> (Django's
   json_script). The same numbers are in the table next to each chart. */
(function () {
  if (!window.Chart) { return; }
  var palette = ["#0d6efd", "#198754", "#dc3545", "#fd7e14", "#6f42c1"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    spec.datasets.forEach(function (dataset, index) {
      dataset.backgroundColor = palette[index % palette.length];
      dataset.borderColor = palette[index % palette.length];
      dataset.spanGaps = true;
      dataset.maxBarThickness = 48;  // one or two bars (a short series) stay bars, not blocks
    });
    var chart = new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: spec.datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: document.documentElement.lang || undefined,  // numbers as the page's language writes them
        plugins: { legend: { position: "bottom" } },
        // Zero always shown (NPS may go below it); whole-number ticks for counts and percentages.
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
    canvas.dataset.rendered = "true";
    canvas.chart = chart;
  });
})();
