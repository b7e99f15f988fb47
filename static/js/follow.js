// Follow / unfollow without a page reload. Without JavaScript the form posts and redirects back.
(function () {
  "use strict";
  if (window.followFormsBound) return; // the partial may appear (and load this file) several times
  window.followFormsBound = true;

  function render(form, following, count) {
    var button = form.querySelector("button");
    form.action = following ? form.dataset.unfollowUrl : form.dataset.followUrl;
    button.setAttribute("aria-pressed", following ? "true" : "false");
    button.classList.toggle("button--on", following);
    form.querySelector("[data-follow-label]").textContent = following ? "Following" : "Follow researcher";
    // Every count for this researcher on the page (the button, the identity box) shows the new figure.
    document.querySelectorAll("[data-follow-form]").forEach(function (other) {
      if (other.dataset.followUrl === form.dataset.followUrl) {
        other.querySelector("[data-follower-count]").textContent = count;
      }
    });
    var status = form.querySelector("[data-follow-status]");
    if (status) status.textContent = following ? "You follow this researcher." : "You no longer follow this researcher.";
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-follow-form]")) return;
    event.preventDefault();
    var button = form.querySelector("button");
    if (button.disabled) return;
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: {
        "Accept": "application/json",
        "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value,
      },
    })
      .then(function (response) {
        return response.json().then(function (data) {
          if (response.status === 401 && data.login_url) {
            window.location.href = data.login_url;
            return;
          }
          if (!response.ok) throw new Error(data.error || "Could not update the follow.");
          render(form, data.following, data.follower_count);
        });
      })
      .catch(function (error) {
        var status = form.querySelector("[data-follow-status]");
        if (status) status.textContent = error.message;
        window.alert(error.message);
      })
      .finally(function () {
        button.disabled = false;
      });
  });
})();
