/* Continuum: small progressive enhancements. Every feature works without this file. */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function setButton(button, active, value) {
    button.classList.toggle("is-active", active);
    button.setAttribute("aria-pressed", active ? "true" : "false");
    button.value = String(value);
  }

  function showError(form, message) {
    var box = form.querySelector(".vote-error");
    if (!box) return;
    box.textContent = message || "";
    box.hidden = !message;
  }

  // Votes: POST the same form with fetch and update the score in place.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-vote-form")) return;
    var button = event.submitter;
    if (!button || !window.fetch || !window.FormData) return;
    event.preventDefault();
    var data = new FormData(form);
    data.set("value", button.value);
    form.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }
    })
      .then(function (resp) {
        if (resp.status === 401) {
          window.location.href = "/login?next=" + encodeURIComponent(window.location.pathname);
          return null;
        }
        return resp.json().then(function (body) { return { ok: resp.ok, body: body }; });
      })
      .then(function (result) {
        if (!result) return;
        if (!result.ok) {
          showError(form, result.body && result.body.error ? result.body.error.message : "");
          return;
        }
        var mine = result.body.my_vote;
        var score = form.querySelector(".vote-score");
        if (score) score.textContent = String(result.body.score);
        var up = form.querySelector('[data-dir="1"]');
        var down = form.querySelector('[data-dir="-1"]');
        if (up) setButton(up, mine === 1, mine === 1 ? 0 : 1);
        if (down) setButton(down, mine === -1, mine === -1 ? 0 : -1);
        showError(form, "");
      })
      .catch(function () {
        // The network failed: fall back to the ordinary form post.
        form.removeAttribute("data-vote-form");
        if (form.requestSubmit) form.requestSubmit(button); else form.submit();
      })
      .then(function () { form.removeAttribute("aria-busy"); });
  });

  // The staff menu (<details> in the header) closes on a click elsewhere or Escape.
  function closeMenus(except) {
    document.querySelectorAll("details.staff-menu[open]").forEach(function (menu) {
      if (menu !== except) menu.removeAttribute("open");
    });
  }
  document.addEventListener("click", function (event) {
    closeMenus(event.target.closest ? event.target.closest("details.staff-menu") : null);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") closeMenus(null);
  });

  // Folded filters (search) start unfolded where the screen has room for them.
  if (window.matchMedia && window.matchMedia("(min-width: 48rem)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (box) { box.open = true; });
  }
})();
