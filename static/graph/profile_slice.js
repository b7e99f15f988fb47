// Profile page: fetch the research-graph slice after the page has rendered and show it in place.
(function () {
  "use strict";

  function showError(box, retry) {
    box.setAttribute("aria-busy", "false");
    box.innerHTML = "";
    var message = document.createElement("div");
    message.className = "graph-error";
    message.setAttribute("role", "alert");
    message.textContent = "The graph slice could not be loaded. ";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--small button--ghost";
    button.textContent = "Try again";
    button.addEventListener("click", retry);
    message.appendChild(button);
    box.appendChild(message);
  }

  function load(box, loading) {
    box.setAttribute("aria-busy", "true");
    if (!box.contains(loading)) {
      box.innerHTML = "";
      box.appendChild(loading);
    }
    loading.hidden = false;
    fetch(box.dataset.graphSliceUrl, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (html) {
        // Rendered by our own template, which escapes every imported name and title.
        box.innerHTML = html;
        box.setAttribute("aria-busy", "false");
      })
      .catch(function () { showError(box, function () { load(box, loading); }); });
  }

  function start() {
    document.querySelectorAll("[data-graph-slice-url]").forEach(function (box) {
      var loading = box.querySelector(".graph-loading");
      load(box, loading);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
