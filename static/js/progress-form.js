// The weekly-report form saves itself (htmx) as the liaison types or picks a file. Every save
// is written against the version the page holds and answers the new one; a save written
// against an older version is refused as stale (as if someone else had saved in between).
// So a button pressed while an autosave is on its way waits for it and then goes with the
// new version; and once a button has sent the form, an autosave still waiting for its delay
// is dropped: the button's request carries the same text and files.
(function () {
  const form = document.getElementById("progress-form");
  if (!form) return;
  let sending = false;
  form.addEventListener("submit", function (event) {
    if (form.classList.contains("htmx-request")) {
      event.preventDefault();
      const submitter = event.submitter;
      form.addEventListener(
        "htmx:afterRequest",
        function () {
          form.requestSubmit(submitter || undefined);
        },
        { once: true },
      );
      return;
    }
    sending = true;
  });
  form.addEventListener("htmx:beforeRequest", function (event) {
    if (sending) event.preventDefault();
  });
  // Back from the browser's cache after a submission, the form may autosave again.
  window.addEventListener("pageshow", function () {
    sending = false;
  });
})();
