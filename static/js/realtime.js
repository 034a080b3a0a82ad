/* Continuum real time: the bell, toasts, and live activity on a thread page.
 * The server picks every room; this script only asks to watch the thread on screen.
 * After a drop it fetches what it missed over HTTP: a lost push never loses anything. */
(function () {
  "use strict";
  if (typeof window.io !== "function") return;
  var script = document.querySelector("script[data-realtime]");
  var cfg = script ? script.dataset : {};
  var signedIn = cfg.signedIn === "1";
  var bell = document.querySelector("[data-bell-count]");
  var toasts = document.querySelector("[data-toasts]");
  var threadEl = document.querySelector("article.thread[id^='thread-']");
  var threadId = threadEl ? parseInt(threadEl.id.slice(7), 10) : null;
  var lastSeen = 0;
  var newPosts = [];
  var banner = null;

  function setCount(n) {
    if (!bell || typeof n !== "number") return;
    bell.textContent = String(n);
    bell.hidden = n <= 0;
  }

  function toast(item) {
    if (!toasts || !item || typeof item.text !== "string") return;
    var box = document.createElement("div");
    box.className = "toast";
    box.setAttribute("role", "status");
    var link = document.createElement("a");
    link.href = typeof item.url === "string" && item.url.charAt(0) === "/" && item.url.charAt(1) !== "/" ? item.url : "/notifications";
    link.textContent = item.text;  // text, never HTML
    box.appendChild(link);
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", "×");
    close.textContent = "×";
    close.addEventListener("click", function () { box.remove(); });
    box.appendChild(close);
    toasts.appendChild(box);
    while (toasts.children.length > 4) toasts.removeChild(toasts.firstChild);
    setTimeout(function () { box.remove(); }, 8000);
  }

  function onNotification(item) {
    if (!item || typeof item.id !== "number") return;
    if (item.id <= lastSeen) return;
    lastSeen = item.id;
    setCount(item.unread);
    toast(item);
  }

  // Whatever arrived while the socket was down, from the database.
  function catchUp(showToasts) {
    if (!signedIn || !window.fetch) return;
    fetch("/api/v1/notifications?unread=1&per_page=20", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (page) {
        if (!page) return;
        setCount(page.total);
        var fresh = page.items.filter(function (n) { return n.id > lastSeen; }).reverse();
        if (showToasts) fresh.slice(-3).forEach(toast);
        fresh.forEach(function (n) { lastSeen = Math.max(lastSeen, n.id); });
      })
      .catch(function () {});
  }

  function text(name, n) {
    return (cfg[name] || "").replace("{n}", String(n));
  }

  function showBanner(message, onClick) {
    if (!threadEl) return;
    if (!banner) {
      banner = document.createElement("button");
      banner.type = "button";
      banner.className = "live-banner button button-small";
      banner.setAttribute("aria-live", "polite");
      var answers = document.querySelector(".answers") || threadEl;
      answers.parentNode.insertBefore(banner, answers);
    }
    banner.textContent = message;
    banner.onclick = onClick;
    banner.hidden = false;
  }

  function reloadTo(postId) {
    if (postId && window.history.replaceState) window.history.replaceState(null, "", "#post-" + postId);
    window.location.reload();
  }

  function onThreadActivity(ev) {
    if (!ev || ev.thread_id !== threadId) return;
    var isQuestion = !!document.querySelector(".thread .kind-question");
    if (ev.event === "post_created") {
      if (document.getElementById("post-" + ev.post_id) || newPosts.indexOf(ev.post_id) >= 0) return;
      newPosts.push(ev.post_id);
      var n = newPosts.length;
      var key = isQuestion ? (n === 1 ? "textNewAnswer" : "textNewAnswers") : (n === 1 ? "textNewReply" : "textNewReplies");
      showBanner(text(key, n), function () { reloadTo(newPosts[0]); });
    } else if (ev.event === "post_accepted") {
      document.querySelectorAll(".post.is-accepted").forEach(function (el) { el.classList.remove("is-accepted"); });
      var post = document.getElementById("post-" + ev.post_id);
      if (post) post.classList.add("is-accepted");
      showBanner(text("textAccepted", 0), function () { reloadTo(ev.post_id); });
    } else if (ev.event === "status_changed") {
      showBanner(text("textStatus", 0), function () { reloadTo(null); });
    } else if (ev.event === "post_hidden") {
      var hidden = document.getElementById("post-" + ev.post_id);
      if (hidden) hidden.classList.add("is-deleted");
    }
  }

  // SOCKETIO_TRANSPORTS: "websocket" alone when several processes serve without sticky sessions.
  var socket = window.io({ transports: (cfg.transports || "websocket,polling").split(",") });
  var connectedOnce = false;
  socket.on("connect", function () {
    if (threadId) socket.emit("watch_thread", { thread_id: threadId }, function () {});
    catchUp(connectedOnce);
    connectedOnce = true;
  });
  socket.on("notification", onNotification);
  socket.on("thread_activity", onThreadActivity);
  // Back from a sleeping laptop or a hidden tab: the socket may have missed pushes.
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && socket.connected) catchUp(false);
  });
})();
