// Every text box with a length limit shows how much of it is used ("120 / 5000"), so the
// limit is stated where the text is typed; the server refuses a longer text all the same.
(function () {
  function attach(box) {
    if (box.dataset.counted) return;
    box.dataset.counted = "1";
    const counter = document.createElement("small");
    counter.className = "text-counter muted";
    counter.setAttribute("aria-live", "polite");
    const limit = Number(box.getAttribute("maxlength"));
    function update() {
      counter.textContent = box.value.length + " / " + limit;
      counter.classList.toggle("over", box.value.length > limit);
    }
    box.addEventListener("input", update);
    box.insertAdjacentElement("afterend", counter);
    update();
  }
  function scan(root) {
    root.querySelectorAll("textarea[maxlength]").forEach(attach);
  }
  document.addEventListener("DOMContentLoaded", function () {
    scan(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    scan(event.target);
  });
})();
