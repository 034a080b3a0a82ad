/* Live preview under the ask and answer forms: the server renders the text with the
   function that renders it on save (POST /api/v1/preview), so what is shown is exactly
   what will be posted. A textarea opts in with data-preview="<id of its preview box>". */
(function () {
  "use strict";
  var DELAY = 400;

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function attach(area) {
    var box = document.getElementById(area.getAttribute("data-preview"));
    if (!box) { return; }
    var body = box.querySelector(".preview-body");
    var timer = null;
    var latest = 0;

    function render() {
      var asked = ++latest;
      var text = area.value;
      if (!text.trim()) { box.hidden = true; return; }
      fetch("/api/v1/preview", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json",
                   "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ body: text })
      }).then(function (resp) {
        return resp.ok ? resp.json() : null;
      }).then(function (data) {
        // An older answer arriving late must not replace a newer one.
        if (!data || asked !== latest) { return; }
        body.innerHTML = data.html;  // sanitised by the server (community/rendering.py)
        box.hidden = false;
      }).catch(function () { /* the preview is a help: the form still works without it */ });
    }

    area.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(render, DELAY);
    });
    if (area.value.trim()) { render(); }
  }

  document.querySelectorAll("textarea[data-preview]").forEach(attach);
})();
