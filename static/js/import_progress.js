// Live progress for import batches in the admin: polls the batch's JSON status until done.
(function () {
  "use strict";
  function watch(bar) {
    var label = bar.parentNode.querySelector(".import-progress-label");
    function tick() {
      fetch(bar.dataset.url, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (state) {
          bar.value = state.percent;
          if (label) {
            label.textContent = state.percent + "% · " + state.processed + "/" + state.total +
              " · " + state.status_display + " (created " + state.created + ", updated " + state.updated +
              ", unchanged " + state.unchanged + ", review " + state.review + ", failed " + state.failed + ")";
            if (state.status === "done") {
              label.textContent += state.identity_settled ? " · names clustered again" : " · clustering names again…";
            }
          }
          var settling = state.status === "done" && !state.identity_settled;
          if (settling || (state.status !== "done" && state.status !== "failed" && state.status !== "undone")) {
            window.setTimeout(tick, 1000);
          }
        })
        .catch(function () { window.setTimeout(tick, 5000); });
    }
    tick();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("progress.import-progress").forEach(watch);
  });
})();
