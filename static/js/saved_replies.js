/* The staff's saved replies in the answer form (templates/replies/_picker.html): the
   list comes from GET /api/v1/saved-replies, the chosen one is rendered for the thread by
   GET /api/v1/saved-replies/<id>/render?thread=<id> (placeholders filled on the server)
   and inserted at the cursor as plain text: the answer is sanitised when it is posted. */
(function () {
  "use strict";

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (resp) {
        if (!resp.ok) { throw new Error("HTTP " + resp.status); }
        return resp.json();
      });
  }

  function insertAtCursor(area, text) {
    var start = area.selectionStart, end = area.selectionEnd;
    if (typeof start !== "number") { start = end = area.value.length; }
    area.value = area.value.slice(0, start) + text + area.value.slice(end);
    var caret = start + text.length;
    area.focus();
    area.setSelectionRange(caret, caret);
    area.dispatchEvent(new Event("input", { bubbles: true }));  // the live preview
  }

  function attach(box) {
    var select = box.querySelector("select");
    var area = document.getElementById(box.getAttribute("data-target"));
    if (!select || !area) { return; }
    getJSON(box.getAttribute("data-saved-replies")).then(function (data) {
      (data.items || []).forEach(function (item) {
        var option = document.createElement("option");
        option.value = String(item.id);
        option.textContent = item.title;
        select.appendChild(option);
      });
      if (data.items && data.items.length) { box.hidden = false; }
    }).catch(function () { /* no picker: the answer box still works */ });

    select.addEventListener("change", function () {
      var id = select.value;
      if (!id) { return; }
      var url = box.getAttribute("data-saved-replies") + "/" + encodeURIComponent(id) +
        "/render?thread=" + encodeURIComponent(box.getAttribute("data-thread"));
      getJSON(url).then(function (data) {
        insertAtCursor(area, data.body || "");
      }).catch(function () {
        window.alert(box.getAttribute("data-error"));
      }).then(function () { select.value = ""; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-saved-replies]"), attach);
  });
}());
