/* Drafts: the ask form and the answer box keep what is typed on the server
   (PUT /api/v1/drafts/<key>), so it is back on any device the member opens the form on.
   The server puts a saved draft into the form when it renders the page; this script only
   saves: 1.5 s after the last keystroke, when a field loses focus and when the page is
   hidden. Posting the form deletes the draft on the server, in the same transaction.
   A form opts in with data-draft (its key; the ask form's comes from its space select's
   data-draft-spaces, "slug=id" pairs) and marks its fields with data-draft-field; its
   status messages come translated in data-draft-* attributes. */
(function () {
  "use strict";
  var DELAY = 1500;

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function attach(form) {
    var fields = form.querySelectorAll("[data-draft-field]");
    var space = form.querySelector('select[name="space"]');
    var status = form.querySelector(".draft-status");
    var discardButton = form.querySelector("[data-draft-discard]");
    var timer = null;
    var busy = null;  // the save on its way, if any
    var again = false;
    var submitting = false;

    var spaceIds = {};
    if (space) {
      (space.getAttribute("data-draft-spaces") || "").split(/\s+/).forEach(function (pair) {
        var at = pair.lastIndexOf("=");
        if (at > 0) { spaceIds[pair.slice(0, at)] = pair.slice(at + 1); }
      });
    }

    function keyNow() {
      if (space) { return spaceIds[space.value] ? "new:" + spaceIds[space.value] : ""; }
      return form.getAttribute("data-draft") || "";
    }

    function values() {
      var out = {};
      fields.forEach(function (field) { out[field.getAttribute("data-draft-field")] = field.value; });
      if (!("body" in out)) { out.body = ""; }
      return out;
    }

    function isEmpty(data) {
      return Object.keys(data).every(function (name) { return !data[name].trim(); });
    }

    var key = keyNow();
    var saved = JSON.stringify(values());  // what the server rendered is what it holds

    function say(name) {
      if (status) { status.textContent = name ? form.getAttribute("data-draft-" + name) || "" : ""; }
    }

    function showDiscard(on) {
      if (discardButton) { discardButton.hidden = !on; }
    }

    function send(method, draftKey, data, keepalive) {
      return fetch("/api/v1/drafts/" + encodeURIComponent(draftKey), {
        method: method,
        credentials: "same-origin",
        keepalive: !!keepalive,
        headers: { "Content-Type": "application/json", "Accept": "application/json",
                   "X-CSRFToken": csrfToken() },
        body: data ? JSON.stringify(data) : undefined
      });
    }

    function save(keepalive) {
      clearTimeout(timer);
      if (submitting || !key) { return; }
      var data = values();
      var snapshot = JSON.stringify(data);
      if (snapshot === saved) { return; }
      if (busy) { again = true; return; }
      say("saving");
      var empty = isEmpty(data);
      busy = send(empty ? "DELETE" : "PUT", key, empty ? null : data, keepalive).then(function (resp) {
        busy = null;
        if (resp.ok) {
          saved = snapshot;
          say(empty ? "" : "saved");
          showDiscard(!empty);
        } else {
          say("failed");
          // Too many saves: try again once the server says it is time.
          var wait = parseInt(resp.headers.get("Retry-After") || "", 10);
          if (resp.status === 429 && wait > 0) { timer = setTimeout(save, wait * 1000); }
        }
        if (again) { again = false; save(); }
      }).catch(function () {
        busy = null;
        say("failed");
      });
    }

    function later() {
      clearTimeout(timer);
      // "Draft saved" would no longer be true of what is in the form.
      if (JSON.stringify(values()) !== saved) { say(""); }
      timer = setTimeout(save, DELAY);
    }

    fields.forEach(function (field) {
      field.addEventListener("input", later);
      field.addEventListener("blur", function () { save(); });
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { save(true); }
    });
    window.addEventListener("pagehide", function () { save(true); });
    form.addEventListener("submit", function (event) {
      // The post deletes the draft on the server: a save now would bring it back, and
      // one already on its way must land before the post does.
      submitting = true;
      clearTimeout(timer);
      if (busy) {
        event.preventDefault();
        var post = function () { form.submit(); };
        busy.then(post, post);
      }
    });

    if (space) {
      // The ask form's draft belongs to its space: moving the text moves the draft.
      space.addEventListener("change", function () {
        var old = key;
        key = keyNow();
        if (old === key || isEmpty(values())) { return; }
        saved = null;
        save();
        send("DELETE", old).catch(function () { /* the retention purge ends it */ });
      });
    }

    if (discardButton) {
      discardButton.addEventListener("click", function () {
        clearTimeout(timer);
        var draftKey = key;
        fields.forEach(function (field) {
          field.value = "";
          field.dispatchEvent(new Event("input", { bubbles: true }));  // the preview empties
        });
        clearTimeout(timer);
        saved = JSON.stringify(values());
        send("DELETE", draftKey).then(function (resp) {
          say(resp.ok ? "discarded" : "failed");
          if (resp.ok) { showDiscard(false); }
        }).catch(function () { say("failed"); });
      });
    }

    showDiscard(!isEmpty(values()));
  }

  document.querySelectorAll("form[data-draft]").forEach(attach);
})();
