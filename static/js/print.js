// A button marked data-print prints the page (no inline script: the pages run under a CSP).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
