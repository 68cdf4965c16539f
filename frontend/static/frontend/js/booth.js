/* The live booth on the booth page: chat, who is here, the booth's status and knocks.
   Speaks the protocol of exhibitors/protocol.py over ws/booths/<id>/. Every text from the
   server is inserted with textContent, never as HTML. Reconnects with a growing delay and
   asks for the messages it missed (chat.resume) since the last one it saw. */
(function () {
  "use strict";
  var root = document.getElementById("live-booth");
  if (!root || !window.WebSocket) return;

  var t = function (key) { return root.dataset["t" + key.replace(/(^|[-_])(\w)/g, function (_m, _s, c) { return c.toUpperCase(); })] || key; };
  var $ = function (name) { return root.querySelector('[data-live="' + name + '"]'); };
  var log = $("messages"), form = $("form"), errorBox = $("error"), knockButton = $("knock");
  var seen = new Set(), lastId = 0, socket = null, attempts = 0, thread = null, everConnected = false;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function addMessage(m) {
    if (seen.has(m.id)) return;
    seen.add(m.id);
    lastId = Math.max(lastId, m.id);
    var li = el("li", (m.staff ? "staff" : "") + (m.thread ? " private" : ""));
    li.dataset.id = m.id;
    li.appendChild(el("span", "who", m.author + (m.staff ? " (" + t("staff") + ")" : "")));
    li.appendChild(el("span", "body", m.body));
    var nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    log.appendChild(li);
    if (nearBottom) log.scrollTop = log.scrollHeight;
  }

  function setPresence(p) {
    $("count").textContent = String(p.count);
    $("staff").textContent = p.staff && p.staff.length ? p.staff.join(", ") : t("none");
  }

  // The status shows in the booth's header and in the live box; staff see it checked in their form.
  var badge = document.querySelector("[data-booth-status]");
  var statusForm = $("status-form"), statusError = $("status-error");

  function setStatus(s) {
    var label = t("status-" + s.status);
    $("status").textContent = label;
    if (badge) {
      badge.className = "booth-status status-" + String(s.status).replace(/[^a-z_]/g, "");
      badge.querySelector("[data-booth-status-text]").textContent = label;
    }
    if (statusForm) {
      var radio = statusForm.querySelector('input[name="status"][value="' + String(s.status).replace(/[^a-z_]/g, "") + '"]');
      if (radio) radio.checked = true;
      if (statusError) statusError.textContent = "";
    }
    var stream = $("stream");
    stream.replaceChildren();
    if (s.status === "live" && /^https?:\/\//.test(s.stream_url || "")) {
      var a = el("a", "", t("watch"));
      a.href = s.stream_url;
      a.rel = "noopener nofollow";
      stream.appendChild(a);
      stream.hidden = false;
    } else {
      stream.hidden = true;
    }
  }

  function knockNote(text, id) {
    var area = $("knocks");
    var p = area.querySelector('[data-knock="' + id + '"]') || el("p");
    p.dataset.knock = id;
    p.textContent = text;
    if (!p.parentNode) area.appendChild(p);
    return p;
  }

  function onKnock(f) {
    if (f.type === "knock.received") {
      var p = knockNote((f.buyer || "") + " " + t("knock-received"), f.knock);
      var b = el("button", "small", t("answer"));
      b.type = "button";
      b.addEventListener("click", function () { send({ type: "knock.answer", knock: f.knock }); });
      p.appendChild(document.createTextNode(" "));
      p.appendChild(b);
    } else if (f.type === "knock.waiting") {
      knockNote(t("knock-waiting"), f.knock);
    } else if (f.type === "knock.answered") {
      knockNote(t("knock-answered"), f.knock);
      thread = f.thread || f.knock;
    } else if (f.type === "knock.missed") {
      knockNote(t("knock-missed"), f.knock);
    } else if (f.type === "knock.offers" && Array.isArray(f.slots)) {
      // Sent by the meetings app after the missed knock; it may overtake knock.missed.
      offerSlots(knockNote(t("knock-missed"), f.knock), f.knock, f.slots);
    }
  }

  // After a missed knock: the next meeting times both sides are free in, as links to book one.
  function offerSlots(note, id, slots) {
    var area = $("knocks");
    var old = area.querySelector('[data-knock-slots="' + id + '"]');
    if (old) old.remove();
    var box = el("div", "knock-slots");
    box.dataset.knockSlots = id;
    box.appendChild(el("p", "", t(slots.length ? "knock-slots" : "knock-no-slots")));
    if (slots.length) {
      var list = el("ul");
      slots.forEach(function (s) {
        var a = el("a", "", String(s.label || ""));
        if (/^\/[^\/]/.test(String(s.url || ""))) a.href = s.url; // a path on this site only
        var li = el("li");
        li.appendChild(a);
        list.appendChild(li);
      });
      box.appendChild(list);
    }
    note.after(box);
  }

  var handlers = {
    snapshot: function (f) {
      if (!everConnected || !lastId) {
        log.replaceChildren();
        seen.clear();
      }
      var resumeFrom = lastId;
      (f.messages || []).forEach(addMessage);
      setPresence(f.presence);
      setStatus(f.status);
      (f.knocks || []).forEach(onKnock);
      if (everConnected && resumeFrom) send({ type: "chat.resume", after: resumeFrom });
      everConnected = true;
    },
    "chat.message": addMessage,
    "chat.missed": function (f) { (f.messages || []).forEach(addMessage); },
    "chat.hidden": function (f) {
      var li = log.querySelector('li[data-id="' + Number(f.id) + '"]');
      if (li) li.remove();
    },
    presence: setPresence,
    status: setStatus,
    "knock.received": onKnock,
    "knock.waiting": onKnock,
    "knock.answered": onKnock,
    "knock.missed": onKnock,
    "knock.offers": onKnock,
    error: function (f) {
      var box = statusError && /^status\./.test(String(f.code || "")) ? statusError : errorBox;
      if (box) box.textContent = f.message || t("error");
    },
  };

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function connection(online) {
    root.classList.toggle("online", online);
    $("connection").textContent = online ? t("online") : t(everConnected ? "offline" : "connecting");
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + root.dataset.ws);
    socket.addEventListener("open", function () { attempts = 0; connection(true); });
    socket.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (_e) { return; }
      var handler = handlers[frame.type];
      if (handler) handler(frame);
    });
    socket.addEventListener("close", function (event) {
      connection(false);
      if (event.code === 4403 || event.code === 4404) return; // not allowed in, or gone: do not retry
      attempts += 1;
      var delay = Math.min(15000, 500 * Math.pow(2, Math.min(attempts, 5))) * (0.75 + Math.random() / 2);
      setTimeout(connect, delay);
    });
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var box = form.elements.body;
      var body = box.value.trim();
      if (!body) return;
      var frame = { type: "chat.post", body: body };
      if (thread) frame.thread = thread;
      if (send(frame)) {
        box.value = "";
        if (errorBox) errorBox.textContent = "";
      } else if (errorBox) {
        errorBox.textContent = t("offline");
      }
    });
    form.elements.body.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }
  // Staff set the status over the socket; without it the form posts to the page (frontend/booth_views.py).
  if (statusForm) {
    statusForm.addEventListener("submit", function (event) {
      var checked = statusForm.querySelector('input[name="status"]:checked');
      if (!checked) return;
      var frame = { type: "status.set", status: checked.value, stream_url: statusForm.elements.stream_url.value.trim() };
      if (send(frame)) event.preventDefault();
    });
  }
  if (knockButton) {
    knockButton.addEventListener("click", function () { send({ type: "knock" }); });
  }
  connection(false);
  connect();
})();
