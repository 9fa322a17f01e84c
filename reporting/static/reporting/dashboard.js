// Draws the dashboard's charts from the JSON the page embeds; each bar opens its records.
(function () {
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const links = JSON.parse(document.getElementById("chart-links").textContent);
  const red = "#a4161a";
  // The lights' palette is the CSS custom properties --light-* (static/css/app.css).
  const lightColour = (light) =>
    getComputedStyle(document.documentElement).getPropertyValue(`--light-${light}`).trim() || "#9e9e9e";
  function open(key) {
    return function (event, elements) {
      if (elements.length && links[key] && links[key][elements[0].index]) {
        window.location.href = links[key][elements[0].index];
      }
    };
  }
  const common = { responsive: true, maintainAspectRatio: false, animation: false };
  new Chart(document.getElementById("chart-rate"), {
    type: "line",
    data: { labels: data.weeks, datasets: [{ label: "%", data: data.rates, borderColor: red, backgroundColor: red }] },
    options: { ...common, onClick: open("weeks"), scales: { y: { min: 0, max: 100 } }, plugins: { legend: { display: false } } },
  });
  new Chart(document.getElementById("chart-lights"), {
    type: "doughnut",
    data: {
      labels: data.lightLabels,
      datasets: [{ data: data.lights, backgroundColor: data.lightKeys.map(lightColour) }],
    },
    options: { ...common, onClick: open("lights") },
  });
  new Chart(document.getElementById("chart-closures"), {
    type: "bar",
    data: { labels: data.closureWeeks, datasets: [{ data: data.closures, backgroundColor: "#1565c0" }] },
    options: { ...common, onClick: open("closures"), plugins: { legend: { display: false } } },
  });
  new Chart(document.getElementById("chart-overdue"), {
    type: "bar",
    data: { labels: data.overdueUnits, datasets: [{ data: data.overdue, backgroundColor: "#c62828" }] },
    options: { ...common, indexAxis: "y", onClick: open("overdue"), plugins: { legend: { display: false } } },
  });
})();
