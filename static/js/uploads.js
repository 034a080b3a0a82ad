/* Attaching files to the ask and answer boxes: a button, a drop on the text box or a
   paste of a file (a screenshot) uploads it through POST /api/v1/uploads and puts the
   returned Markdown at the cursor. A bar opts in with data-upload-for="<textarea id>";
   its words (uploading, done, failed) come translated in its data attributes, and a
   refusal shows the server's own sentence (it names the limit or the type). */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function attach(bar) {
    var area = document.getElementById(bar.getAttribute("data-upload-for"));
    if (!area) { return; }
    var button = bar.querySelector(".upload-button");
    var input = bar.querySelector(".upload-input");
    var status = bar.querySelector(".upload-status");
    var pending = 0;

    function say(text, isError) {
      status.textContent = text;
      status.classList.toggle("is-error", !!isError);
    }

    function space() {
      var select = bar.getAttribute("data-upload-space-select");
      if (select) {
        var box = document.getElementById(select);
        return box ? box.value : "";
      }
      return bar.getAttribute("data-upload-space") || "";
    }

    function insert(markdown) {
      var start = area.selectionStart, end = area.selectionEnd;
      var before = area.value.slice(0, start);
      var text = (before && !/\s$/.test(before) ? "\n" : "") + markdown + "\n";
      area.setRangeText(text, start, end, "end");
      area.focus();
      // The live preview (preview.js) listens for input.
      area.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function upload(file) {
      var form = new FormData();
      form.append("file", file, file.name || "pasted.png");
      if (space()) { form.append("space", space()); }
      pending += 1;
      button.disabled = true;
      bar.setAttribute("aria-busy", "true");
      say(bar.getAttribute("data-uploading"));
      fetch("/api/v1/uploads", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() },
        body: form
      }).then(function (resp) {
        return resp.json().catch(function () { return null; }).then(function (data) {
          return { ok: resp.ok, data: data };
        });
      }).then(function (result) {
        if (result.ok && result.data && result.data.markdown) {
          insert(result.data.markdown);
          say(bar.getAttribute("data-uploaded"));
          return;
        }
        var error = result.data && result.data.error;
        var message = error && ((error.fields && error.fields.file && error.fields.file[0]) ||
                                error.message);
        say(message || bar.getAttribute("data-failed"), true);
      }).catch(function () {
        say(bar.getAttribute("data-failed"), true);
      }).then(function () {
        pending -= 1;
        if (!pending) {
          button.disabled = false;
          bar.removeAttribute("aria-busy");
        }
      });
    }

    function uploadAll(files) {
      for (var i = 0; i < files.length; i++) { upload(files[i]); }
    }

    button.addEventListener("click", function () { input.click(); });
    input.addEventListener("change", function () {
      uploadAll(input.files);
      input.value = "";
    });
    area.addEventListener("dragover", function (e) {
      if (e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types, "Files") >= 0) {
        e.preventDefault();
        area.classList.add("is-dropping");
      }
    });
    area.addEventListener("dragleave", function () { area.classList.remove("is-dropping"); });
    area.addEventListener("drop", function (e) {
      area.classList.remove("is-dropping");
      if (e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files.length) {
        e.preventDefault();
        uploadAll(e.dataTransfer.files);
      }
    });
    area.addEventListener("paste", function (e) {
      var files = e.clipboardData && e.clipboardData.files;
      if (files && files.length) {
        e.preventDefault();
        uploadAll(files);
      }
    });
    bar.hidden = false;
  }

  document.querySelectorAll("[data-upload-for]").forEach(attach);
})();
