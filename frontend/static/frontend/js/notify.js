/* The notification bell and toasts on every signed-in page. Listens to the person's notification
   socket (ws/notifications/, docs/notices.md): a "notice" frame sets the bell's count and, for the
   kinds that want it, shows a toast; "notice.read" (another tab marked some read) sets the count.
   After each (re)connection the count is read again from the API, so nothing missed while offline
   leaves it wrong. Every text from the server is inserted with textContent, never as HTML.
   Without JavaScript the bell is a plain link with the count the page was rendered with. */
(function () {
  "use strict";
  var bell = document.querySelector("[data-bell]");
  var shelf = document.querySelector("[data-toasts]");
  if (!bell || !window.WebSocket) return;
  var count = bell.querySelector("[data-bell-count]");
  var attempts = 0, MAX_TOASTS = 4;

  function setCount(n) {
    n = Math.max(0, Number(n) || 0);
    count.firstChild.nodeValue = String(n);
    count.hidden = n === 0;
    bell.dataset.unread = String(n);
    document.dispatchEvent(new CustomEvent("notices:unread", { detail: { unread: n } }));
  }

  function dismiss(toast) {
    var next = toast.nextElementSibling || toast.previousElementSibling;
    var hadFocus = toast.contains(document.activeElement);
    toast.remove();
    if (hadFocus) {
      var target = next && next.querySelector("a, button");
      (target || bell).focus();
    }
  }

  function showToast(notice) {
    if (!shelf) return;
    var toast = document.createElement("div");
    toast.className = "toast";
    toast.setAttribute("role", "status");
    toast.dataset.kind = String(notice.kind || "");
    var text;
    if (/^\/[^\/]/.test(String(notice.url || ""))) {
      text = document.createElement("a");
      text.href = bell.getAttribute("href") + Number(notice.id) + "/"; // marks it read, then follows it
    } else {
      text = document.createElement("span");
    }
    text.className = "toast-text";
    text.textContent = String(notice.text || "");
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", bell.dataset.tDismiss || "Dismiss");
    close.textContent = "\u00d7";
    close.addEventListener("click", function () { dismiss(toast); });
    toast.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); dismiss(toast); }
    });
    toast.appendChild(text);
    toast.appendChild(close);
    shelf.appendChild(toast);
    while (shelf.children.length > MAX_TOASTS) shelf.firstElementChild.remove();
  }

  function resync() {
    var url = bell.dataset.unreadUrl;
    if (!url || !window.fetch) return;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) { if (body && typeof body.unread === "number") setCount(body.unread); })
      .catch(function () {});
  }

  var handlers = {
    hello: resync,
    notice: function (f) {
      if (typeof f.unread === "number") setCount(f.unread);
      if (f.toast && f.notice) showToast(f.notice);
      var fresh = document.querySelector("[data-notice-fresh]"); // the list page: offer the new lines
      if (fresh && fresh.hidden) {
        fresh.hidden = false;
        fresh.setAttribute("role", "status");
      }
      document.dispatchEvent(new CustomEvent("notices:new", { detail: f }));
    },
    "notice.read": function (f) { if (typeof f.unread === "number") setCount(f.unread); },
  };

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + bell.dataset.ws);
    socket.addEventListener("open", function () { attempts = 0; bell.dataset.live = "1"; });
    socket.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (_e) { return; }
      var handler = frame && handlers[frame.type];
      if (handler) handler(frame);
    });
    socket.addEventListener("close", function (event) {
      delete bell.dataset.live;
      if (event.code === 4401) return; // signed out: nothing to listen to
      attempts += 1;
      var delay = Math.min(30000, 500 * Math.pow(2, Math.min(attempts, 6))) * (0.75 + Math.random() / 2);
      setTimeout(connect, delay);
    });
  }

  connect();
})();
