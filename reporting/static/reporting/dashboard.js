// Draws the dashboard's charts from the JSON the page embeds; each bar opens its records.
// The lights' colours are the palette's (static/css/app.css :root --light-*), read here so
// that the palette lives in the CSS only.
(function () {
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const links = JSON.parse(document.getElementById("chart-links").textContent);
  const styles = getComputedStyle(document.documentElement);
  function light(key) {
    return styles.getPropertyValue("--light-" + key).trim() || "gray";
  }
  const brand = "#a4161a";
  function open(key) {
    return function (event, elements) {
      if (elements.length && links[key] && links[key][elements[0].index]) {
        window.location.href = links[key][elements[0].index];
      }
    };
  }
  // A unit's name on the bar's axis, shortened past `max` characters (the tooltip says it whole).
  function short(text, max) {
    return text.length > max ? text.slice(0, max - 1) + "…" : text;
  }
  const common = { responsive: true, maintainAspectRatio: false, animation: false };
  new Chart(document.getElementById("chart-rate"), {
    type: "line",
    data: { labels: data.weeks, datasets: [{ label: "%", data: data.rates, borderColor: brand, backgroundColor: brand }] },
    options: { ...common, onClick: open("weeks"), scales: { y: { min: 0, max: 100 } }, plugins: { legend: { display: false } } },
  });
  new Chart(document.getElementById("chart-lights"), {
    type: "doughnut",
    data: {
      labels: data.lightLabels,
      datasets: [{ data: data.lights, backgroundColor: data.lightKeys.map(light) }],
    },
    options: { ...common, onClick: open("lights") },
  });
  new Chart(document.getElementById("chart-closures"), {
    type: "bar",
    data: { labels: data.closureWeeks, datasets: [{ data: data.closures, backgroundColor: light("closed") }] },
    options: { ...common, onClick: open("closures"), plugins: { legend: { display: false } } },
  });
  // One horizontal bar per unit, every bar labelled: the box grows with the bars (1.75rem each)
  // instead of Chart.js skipping every other label.
  const box = document.getElementById("chart-overdue-box");
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  box.style.height = Math.max(16 * rem, (data.overdueUnits.length * 1.75 + 3) * rem) + "px";
  new Chart(document.getElementById("chart-overdue"), {
    type: "bar",
    data: { labels: data.overdueUnits, datasets: [{ data: data.overdue, backgroundColor: light("red") }] },
    options: {
      ...common,
      indexAxis: "y",
      onClick: open("overdue"),
      scales: {
        x: { beginAtZero: true, ticks: { precision: 0 } },
        y: {
          ticks: {
            autoSkip: false,
            font: { size: 12 },
            callback: function (value) {
              return short(this.getLabelForValue(value), 12);
            },
          },
        },
      },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { title: (items) => data.overdueUnits[items[0].dataIndex] } },
      },
    },
  });
})();
