/* Similar questions while a title is typed on /ask: GET /api/v1/search/similar.
   The list is built with textContent only (titles are user text). Works without it. */
(function () {
  "use strict";
  var input = document.querySelector('form input[name="title"]');
  if (!input || !window.fetch) return;

  var label = input.getAttribute("data-similar-label") || "Similar questions already asked";
  // The page's random token (no account, no address) lets the analytics count a
  // suggestion opened instead of asking.
  var tokenField = input.form && input.form.querySelector('input[name="ask_form"]');
  var token = tokenField ? tokenField.value : "";
  var box = document.createElement("section");
  box.className = "similar-threads";
  box.setAttribute("aria-live", "polite");
  box.hidden = true;
  var heading = document.createElement("h2");
  heading.className = "similar-heading";
  heading.textContent = label;
  var list = document.createElement("ul");
  list.className = "similar-list";
  box.appendChild(heading);
  box.appendChild(list);
  var field = input.closest(".field") || input.parentNode;
  field.parentNode.insertBefore(box, field.nextSibling);

  var timer = null;
  var controller = null;
  var last = "";

  function show(items) {
    while (list.firstChild) list.removeChild(list.firstChild);
    items.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "/threads/" + encodeURIComponent(item.thread_id) +
        (token ? "?suggested=" + encodeURIComponent(token) : "");
      a.textContent = item.title;
      a.target = "_blank";
      a.rel = "noopener";
      if (item.kind === "article") {
        // A knowledge article: labelled, and its question is not listed beside it.
        var kind = document.createElement("span");
        kind.className = "chip kind-chip kind-article";
        kind.textContent = input.getAttribute("data-article-label") || "Article";
        li.appendChild(kind);
        li.appendChild(document.createTextNode(" "));
      }
      li.appendChild(a);
      if (item.status && item.kind !== "article") {
        var chip = document.createElement("span");
        chip.className = "chip status-chip status-" + String(item.status).replace(/[^a-z_]/g, "");
        chip.textContent = " " + item.status.replace("_", " ");
        li.appendChild(chip);
      }
      list.appendChild(li);
    });
    box.hidden = items.length === 0;
  }

  function lookup() {
    var title = input.value.trim();
    if (title === last) return;
    last = title;
    if (title.length < 8 || title.length > 255) { show([]); return; }
    if (controller) controller.abort();
    controller = window.AbortController ? new AbortController() : null;
    fetch("/api/v1/search/similar?title=" + encodeURIComponent(title) +
          (token ? "&form=" + encodeURIComponent(token) : ""), {
      credentials: "same-origin",
      headers: { "Accept": "application/json" },
      signal: controller ? controller.signal : undefined
    })
      .then(function (resp) { return resp.ok ? resp.json() : { items: [] }; })
      .then(function (body) { show(body.items || []); })
      .catch(function () { /* aborted or offline: keep what is shown */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lookup, 300);
  });
  if (input.value) lookup();
})();
