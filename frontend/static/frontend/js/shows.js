/* A live show's page (docs/show-protocol.md): the show socket (chat, featured product and its
   buttons, viewer counts, status); sfu-status.js says how the video goes. Text from
   people is set with textContent only; the page's own words come translated in data-t-* attributes. */
(function () {
  "use strict";

  function boot() {
    var side = document.querySelector("[data-show-socket]");
    if (!side) return;
    var t = side.dataset;
    function $(name) { return document.querySelector('[data-show="' + name + '"]'); }
    var ws = null, delay = 1000, myRole = "", wasLive = null, pending = {};

    function setText(name, text) { var el = $(name); if (el) el.textContent = text; }

    function addMessage(m) {
      var li = document.createElement("li");
      var who = document.createElement("strong");
      who.textContent = m.author + (m.staff ? " · " + t.tStaff : "");
      var body = document.createElement("span");
      body.textContent = " " + m.body;
      li.appendChild(who);
      li.appendChild(body);
      var log = $("messages");
      log.appendChild(li);
      log.scrollTop = log.scrollHeight;
    }

    function button(label, href, action, product) {
      var a = document.createElement("a");
      a.className = "button" + (action === "quote" ? "" : " secondary");
      a.href = href;
      a.textContent = label;
      a.dataset.action = action;
      a.addEventListener("click", function (e) {
        if (!ws || ws.readyState !== 1) return;  // the link works without the count
        e.preventDefault();
        var go = function () { window.location.href = href; };
        pending[action + ":" + product.id] = go;
        ws.send(JSON.stringify({ type: "click", product_id: product.id, action: action }));
        setTimeout(go, 400);
      });
      return a;
    }

    function showPinned(product) {
      var box = $("pinned");
      if (!product) {
        var p = document.createElement("p");
        p.className = "muted";
        p.textContent = box.dataset.empty || box.textContent;
        box.replaceChildren(p);
        return;
      }
      if (!box.dataset.empty) box.dataset.empty = box.textContent.trim();
      var card = document.createElement("article");
      card.className = "pinned-product";
      card.dataset.productId = product.id;
      var h = document.createElement("h3");
      h.textContent = product.name;
      var hs = document.createElement("p");
      hs.className = "muted";
      hs.textContent = "HS " + product.hs_code;
      var actions = document.createElement("p");
      actions.className = "pinned-actions";
      if (myRole === "staff") { card.replaceChildren(h, hs); box.replaceChildren(card); return; }  // their own product
      var q = t.quoteUrl + "?product=" + encodeURIComponent(product.id);
      actions.appendChild(button(t.tQuote, q, "quote", product));
      actions.appendChild(button(t.tSample, q + "&sample=1", "sample", product));
      actions.appendChild(button(t.tConsult, t.consultUrl, "consult", product));
      card.replaceChildren(h, hs, actions);
      box.replaceChildren(card);
    }

    function onStatus(status) {
      if (wasLive === false && status === "live" && !document.querySelector("[data-sfu]")) {
        window.location.reload();  // the page gets its admission to the video
      }
      wasLive = status === "live";
      var key = "tStatus" + status.charAt(0).toUpperCase() + status.slice(1);
      var el = $("status");
      if (el && t[key]) el.textContent = t[key];
      if (status === "ended") setText("video-state", t.tEnded);
    }

    // The interpretations a viewer may choose (show-sound.js builds the choice).
    function tellSounds(list) {
      document.dispatchEvent(new CustomEvent("show:sounds", { detail: { sounds: list } }));
    }

    function onFrame(frame) {
      switch (frame.type) {
        case "snapshot":
          myRole = frame.me.role;
          $("messages").replaceChildren();
          frame.messages.forEach(addMessage);
          showPinned(frame.pinned);
          setText("viewers", frame.viewers.now);
          setText("peak", frame.viewers.peak);
          $("chat-form").hidden = !frame.me.can_chat;
          if (wasLive === null) wasLive = frame.status === "live";
          tellSounds(frame.sounds || []);
          onStatus(frame.status);
          break;
        case "chat.message": addMessage(frame.message); break;
        case "chat.ack": $("chat-form").querySelector("textarea").value = ""; setText("error", ""); break;
        case "pinned": showPinned(frame.product); break;
        case "viewers": setText("viewers", frame.now); setText("peak", frame.peak); break;
        case "status": onStatus(frame.status); break;
        case "sounds": tellSounds(frame.sounds); break;
        case "click.ack": (pending[frame.action + ":" + frame.product_id] || function () {})(); break;
        case "error": setText("error", frame.message || t.tError); break;
      }
    }

    function connect() {
      setText("connection", t.tConnecting);
      var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      ws = new WebSocket(scheme + window.location.host + t.showSocket);
      ws.onopen = function () { delay = 1000; setText("connection", t.tOnline); };
      ws.onmessage = function (e) { try { onFrame(JSON.parse(e.data)); } catch (err) { /* not JSON: ignore */ } };
      ws.onclose = function (e) {
        setText("connection", t.tOffline);
        if (e.code === 4404) return;
        setTimeout(connect, delay);
        delay = Math.min(delay * 2, 30000);
      };
    }

    var form = $("chat-form");
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var body = form.querySelector("textarea").value.trim();
      if (!body || !ws || ws.readyState !== 1) return;
      var id = "c" + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
      ws.send(JSON.stringify({ type: "chat.post", body: body, client_id: id }));
    });
    form.querySelector("textarea").addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-pin]"), function (b) {
      b.addEventListener("click", function () {
        if (!ws || ws.readyState !== 1) return;
        var id = b.dataset.pin ? parseInt(b.dataset.pin, 10) : null;
        ws.send(JSON.stringify({ type: "pin", product_id: id }));
      });
    });

    connect();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
