// The admin dashboard's charts: each <canvas data-chart="ID"> is drawn with Chart.js (static/vendor/chartjs) from the
// JSON of <script id="ID" type="application/json"> (Django's json_script), so no inline script is needed (CSP).
// The same figures are in the table next to each chart; without JavaScript the tables alone remain.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") return;
  const palette = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#57606a"];
  const dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  const html = document.documentElement.dataset.theme;
  const text = (html === "dark" || (html !== "light" && dark)) ? "#e6edf3" : "#24292f";
  window.Chart.defaults.color = text;
  window.Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    const spec = JSON.parse(source.textContent);
    const line = spec.type === "line";
    const chart = new window.Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map((dataset, n) => ({
          label: dataset.label,
          data: dataset.data,
          backgroundColor: palette[n % palette.length] + (line ? "33" : "cc"),
          borderColor: palette[n % palette.length],
          borderWidth: line ? 2 : 0,
          pointRadius: line ? 2 : 0,
        })),
      },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        maintainAspectRatio: false,
        animation: false,
        responsive: true,
        plugins: { legend: { position: "bottom" } },
        scales: {
          x: { stacked: !!spec.stacked, beginAtZero: true, ticks: { maxRotation: 0, autoSkip: true } },
          y: { stacked: !!spec.stacked, beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    });
    canvas.dataset.drawn = String(chart.data.datasets.reduce((n, d) => n + d.data.length, 0));
  });
})();
