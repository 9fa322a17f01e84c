// The weekly-report form saves itself (htmx) as the liaison types or picks a file. A button
// pressed while such a save is still on its way waits for it: the save's answer carries the
// report's new version, and the button's request must be written against that version, or
// the server refuses it as stale (as if someone else had saved in between).
(function () {
  const form = document.getElementById("progress-form");
  if (!form) return;
  form.addEventListener("submit", function (event) {
    if (!form.classList.contains("htmx-request")) return;
    event.preventDefault();
    const submitter = event.submitter;
    form.addEventListener(
      "htmx:afterRequest",
      function () {
        form.requestSubmit(submitter || undefined);
      },
      { once: true },
    );
  });
})();
