/* A call's chat box, shared by the one-to-one room (room.js) and the group rooms (group-chat.js): the
   chat frames of docs/video-protocol.md. Each line typed gets a client id and stays on the page as
   pending until chat.ack; it is sent again after a reconnect (resend(), on the welcome frame) or a
   chat.unavailable error, and the server stores it once per id. Text is set with textContent only.

     var chat = TradefairChat.box({log, form, input, send: fn(frame), who: fn(message) -> text,
                                   you: "You", sending: "Sending…", seen: optional Set of line ids});
     chat.add(chatMessageFrame); chat.resend(); chat.acked(ackFrame); chat.refused(errorFrame);
*/
(function () {
  "use strict";

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function newClientId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }

  function box(o) {
    var seen = o.seen || new Set();
    // Lines sent but not yet acknowledged (chat.ack), by client id.
    var pending = new Map(), retry = null;

    function show(li) {
      o.log.appendChild(li);
      o.log.scrollTop = o.log.scrollHeight;
    }
    function add(m) {
      if (seen.has(m.id)) return;
      seen.add(m.id);
      var li = el("li");
      li.appendChild(el("span", "who", o.who(m)));
      li.appendChild(el("span", "body", m.body));
      show(li);
    }
    function resend() {
      retry = null;
      pending.forEach(function (line) { o.send(line.frame); });
    }
    function later(ms) {
      if (!retry) retry = setTimeout(resend, ms * (0.75 + Math.random() / 2));
    }
    function acked(frame) {
      var line = pending.get(frame.client_id);
      if (!line) return;
      pending.delete(frame.client_id);
      line.li.remove(); // the line itself arrives (or arrived) as chat.message, with its id
    }
    function refused(frame) {
      var line = frame.client_id && pending.get(frame.client_id);
      if (!line) return;
      if (frame.code === "chat.unavailable" || frame.code === "room.unavailable") {
        later((frame.retry_after || 2) * 1000);
        return;
      }
      pending.delete(frame.client_id); // refused for good (too long, too fast): say so on the line
      line.li.classList.remove("pending");
      line.li.classList.add("refused");
      line.li.querySelector(".state").textContent = frame.message || "";
    }
    o.form.addEventListener("submit", function (e) {
      e.preventDefault();
      var body = o.input.value.trim();
      if (!body) return;
      var frame = { type: "chat.post", body: body, client_id: newClientId() };
      var li = el("li", "pending");
      li.appendChild(el("span", "who", o.you));
      li.appendChild(el("span", "body", body));
      li.appendChild(el("span", "state", o.sending));
      show(li);
      pending.set(frame.client_id, { frame: frame, li: li });
      o.send(frame); // if the socket is down, the reconnect's welcome sends it
      o.input.value = "";
    });
    return { add: add, resend: resend, acked: acked, refused: refused, pending: pending };
  }

  window.TradefairChat = { box: box };
})();
