// The Cite dialog on paper pages: one request to the cite API gives every format; the
// select switches between them; Copy puts the shown text on the clipboard. Text is only
// ever set with textContent, so imported titles stay text.
(function () {
  "use strict";

  var opener = document.querySelector("[data-cite-open]");
  var dialog = document.getElementById("cite-dialog");
  if (!opener || !dialog || typeof dialog.showModal !== "function") return; // the link still opens the API

  var select = dialog.querySelector("[data-cite-style]");
  var output = dialog.querySelector("[data-cite-text]");
  var copy = dialog.querySelector("[data-cite-copy]");
  var status = dialog.querySelector("[data-cite-status]");
  var texts = null;

  function show() {
    if (!texts) return;
    output.textContent = texts[select.value] || "Not available for this paper.";
    copy.disabled = !texts[select.value];
    status.textContent = "";
  }

  function load() {
    output.textContent = "Loading…";
    return fetch(dialog.dataset.citeUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("Could not load the citation (" + response.status + ").");
        return response.json();
      })
      .then(function (data) {
        texts = { bibtex: data.bibtex, csl_json: JSON.stringify([data.csl_json], null, 2) };
        data.styles.forEach(function (style) {
          texts[style.key] = style.text;
        });
        show();
      })
      .catch(function (error) {
        output.textContent = error.message;
      });
  }

  opener.addEventListener("click", function (event) {
    event.preventDefault();
    dialog.showModal();
    if (!texts) load();
  });
  select.addEventListener("change", show);

  function copied() {
    status.textContent = "Copied to the clipboard.";
  }

  function copyBySelection() {
    var range = document.createRange();
    range.selectNodeContents(output);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    var done = false;
    try {
      done = document.execCommand("copy");
    } catch (error) {
      done = false;
    }
    status.textContent = done ? "Copied to the clipboard." : "Press Ctrl+C (⌘C) to copy the selected text.";
  }

  copy.addEventListener("click", function () {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(output.textContent).then(copied, copyBySelection);
    } else {
      copyBySelection();
    }
  });
})();
