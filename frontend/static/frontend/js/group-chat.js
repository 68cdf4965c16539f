/* The chat of a group room (templates frontend/_group_chat.html: a meeting's group video, a signing
   ceremony's room) over its own socket (data-ws: ws/meetings/<id>/group/ or
   ws/agreements/<id>/ceremony/), the one-to-one room's chat frames (docs/video-protocol.md, "Group
   rooms"); the box itself is chat-box.js. Reconnects with a growing pause; a refusal or the room's
   end (close codes 4401-4425) stops it and says so. */
(function () {
  "use strict";
  var root = document.querySelector("[data-group-chat]");
  if (!root || !window.WebSocket || !window.TradefairChat) return;
  var $ = function (name) { return root.querySelector('[data-chat="' + name + '"]'); };
  var d = root.dataset, status = $("status"), form = $("chat-form");
  var socket = null, attempts = 0, over = false;

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  }
  function roleName(role) {
    var key = "tRole" + String(role || "").replace(/^\w/, function (c) { return c.toUpperCase(); });
    return role && d[key] ? d[key] : "";
  }
  var chat = window.TradefairChat.box({
    log: $("chat-log"), form: form, input: $("chat-input"), send: send,
    who: function (m) { var r = roleName(m.role); return r ? m.name + " (" + r + ")" : m.name; },
    you: d.tYou, sending: d.tSending
  });

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + d.ws);
    socket.onmessage = function (e) {
      var frame;
      try { frame = JSON.parse(e.data); } catch (_err) { return; }
      switch (frame.type) {
        case "welcome":
          attempts = 0;
          root.dataset.connected = "true";
          if (status) status.textContent = "";
          (frame.chat || []).forEach(chat.add);
          chat.resend(); // lines typed while the socket was away, or not yet acknowledged
          break;
        case "chat.message": chat.add(frame); break;
        case "chat.ack": chat.acked(frame); break;
        case "error": chat.refused(frame); if (!frame.client_id && status) status.textContent = frame.message || ""; break;
        case "room.closed": over = true; break;
        default: break;
      }
    };
    socket.onclose = function (e) {
      root.dataset.connected = "false";
      if (over || (e.code >= 4400 && e.code < 4500)) {
        if (status && !status.textContent) status.textContent = d.tClosed;
        Array.prototype.forEach.call(form.elements, function (field) { field.disabled = true; });
        return;
      }
      attempts += 1;
      setTimeout(connect, Math.min(10000, 500 * Math.pow(2, attempts)));
    };
  }
  connect();
})();
