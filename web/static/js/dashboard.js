// Draws each <canvas data-chart="{type, labels, datasets, stacked}"> of the dashboard with Chart.js; the same
// figures are in the table under each chart, for readers without the picture.
(function () {
  "use strict";
  var palette = ["#0d6efd", "#198754", "#dc3545", "#fd7e14", "#6f42c1", "#20c997", "#6c757d", "#ffc107",
                 "#0dcaf0", "#d63384", "#adb5bd", "#212529"];

  function draw(canvas) {
    var spec = JSON.parse(canvas.getAttribute("data-chart"));
    var round = spec.type === "doughnut";
    spec.datasets.forEach(function (set, i) {
      if (set.type === "line") {
        set.borderColor = "#dc3545";
        set.backgroundColor = "#dc3545";
        set.borderDash = [6, 4];
        set.stack = "limit";  // the legal limit is a reference line, never added onto the stages
      } else {
        set.backgroundColor = round ? palette.slice(0, set.data.length) : palette[i % palette.length];
      }
    });
    var options = { responsive: true, aspectRatio: round ? 1.4 : 1.6, animation: false,
                    plugins: { legend: { display: round || spec.datasets.length > 1, position: "bottom" } } };
    if (!round) {
      options.scales = { x: { stacked: !!spec.stacked }, y: { stacked: !!spec.stacked, beginAtZero: true } };
    }
    new window.Chart(canvas, { type: spec.type, data: { labels: spec.labels, datasets: spec.datasets },
                               options: options });
  }

  function start() {
    if (!window.Chart) { return; }
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
