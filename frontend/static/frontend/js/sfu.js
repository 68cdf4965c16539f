/* Live shows and multi-party rooms on Janus's VideoRoom (docs/janus.md), through janus.js.

   Load after vendor/webrtc-adapter/adapter.js and vendor/janus/janus.js (classic scripts, no
   inline code). Either call TradefairSFU.join(params, {container, localVideo}) or mark an element:

     {{ sfu_params|json_script:"sfu-params" }}
     <section data-sfu="sfu-params">
       <video data-sfu-local muted playsinline></video>   (optional: the publisher's own picture)
       <div data-sfu-remote></div>                         (one <figure><video> per remote feed)
       <button type="button" data-sfu-hangup>...</button>  (optional)
     </section>

   params (kernel.janus.Admission.for_browser): server (ws:// or http:// address of Janus), token
   (the session token), roomToken, room, id (the participant id issued), display, role
   ("publisher": sends camera and microphone, the screen with source: "screen", the microphone
   alone with source: "audio"; "viewer": only receives; "watcher": only receives, never joining the
   room as a participant: it lists the room's senders every few seconds and subscribes without a
   private id, for tokens Janus refuses as a participant, e.g. a streamed ceremony's viewers),
   iceServers, and optionally video (getUserMedia constraints for the camera, e.g.
   {width: 640, height: 360, frameRate: 15}). Everyone receives every other publisher, through one subscription
   (one RTCPeerConnection) that grows and shrinks as publishers come and go.

   Events, on the room (room.on(name, fn)) and as DOM events "sfu:<name>" on the element:
   joined {id, room}, published {}, remote-added {feed, display, video}, first-frame {feed, ms},
   remote-removed {feed}, autoplay-muted {feed}, error {code, message}, left {reason: "hangup",
   "kicked", "destroyed", "refused" or "error"}. Text that comes from Janus (display names) is set
   with textContent only; this file shows no text of its own: pages translate their statuses. */
(function () {
  "use strict";

  var VIDEOROOM = "janus.plugin.videoroom";
  var ROLES = ["publisher", "viewer", "watcher"];
  var WATCH_EVERY_MS = 3000;  // a watcher asks Janus who is sending this often

  function now() { return (window.performance && performance.now) ? performance.now() : Date.now(); }

  function Room(params, options) {
    options = options || {};
    this.params = params;
    this.container = options.container || null;     // where remote feeds go
    this.eventTarget = options.eventTarget || this.container;
    this.localVideo = options.localVideo || null;
    this.source = ["screen", "audio"].indexOf(params.source) >= 0 ? params.source : "camera";
    this.janus = null;
    this.publisher = null;   // the handle that joined the room (and publishes, for a publisher)
    this.subscriber = null;  // one handle receiving every remote feed
    this.id = null;
    this.privateId = null;
    // feed id -> {id, display, stream, figure, video, announcedMs, firstFrameMs} (ms since start())
    this.feeds = new Map();
    this.mids = new Map();   // subscriber mid -> feed id
    this.subscribed = new Set();
    this.wanted = new Set();
    this.negotiating = false;
    this.closed = false;
    this.leftReason = null;
    this.lastError = null;
    this.listeners = {};
    this.timing = { start: now(), joinedMs: null, publishedMs: null };
  }

  Room.prototype.on = function (name, fn) {
    (this.listeners[name] = this.listeners[name] || []).push(fn);
    return this;
  };

  Room.prototype.emit = function (name, detail) {
    (this.listeners[name] || []).forEach(function (fn) {
      try { fn(detail); } catch (e) { if (window.console) console.error(e); }
    });
    if (this.eventTarget) this.eventTarget.dispatchEvent(new CustomEvent("sfu:" + name, { detail: detail, bubbles: true }));
  };

  Room.prototype.fail = function (code, message, reason) {
    this.lastError = { code: code, message: String(message || "") };
    this.emit("error", this.lastError);
    this.end(reason || "error");
  };

  // --- joining ---------------------------------------------------------------------------------

  Room.prototype.start = function () {
    var self = this, p = this.params;
    this.timing.start = now();
    var missing = ["server", "token", "roomToken", "room", "id"].filter(function (k) { return !p[k]; });
    if (missing.length || ROLES.indexOf(p.role) < 0) {
      return this.fail("params", "missing or wrong: " + missing.concat(ROLES.indexOf(p.role) < 0 ? ["role"] : []).join(", "), "refused");
    }
    if (!window.Janus || !window.RTCPeerConnection) return this.fail("unsupported", "WebRTC is not available", "error");
    Janus.init({
      debug: false,
      callback: function () {
        if (self.closed) return;
        if (!Janus.isWebrtcSupported()) return self.fail("unsupported", "WebRTC is not available", "error");
        self.janus = new Janus({
          server: p.server,
          token: p.token,
          iceServers: p.iceServers || [],
          destroyOnUnload: true,
          success: function () { self.attachPublisher(); },
          error: function (cause) { if (!self.closed) self.fail("connection", cause, "error"); },
          destroyed: function () {}
        });
      }
    });
    return this;
  };

  Room.prototype.attachPublisher = function () {
    var self = this, p = this.params;
    this.janus.attach({
      plugin: VIDEOROOM,
      success: function (handle) {
        self.publisher = handle;
        if (p.role === "watcher") return self.watch();
        handle.send({ message: {
          request: "join", ptype: "publisher", room: p.room, id: p.id, display: p.display || "", token: p.roomToken
        } });
      },
      error: function (cause) { self.fail("attach", cause, "refused"); },
      onmessage: function (msg, jsep) { self.onPublisherMessage(msg, jsep); },
      onlocaltrack: function (track, on) { self.onLocalTrack(track, on); },
      onremotetrack: function () {},
      oncleanup: function () {}
    });
  };

  // A watcher never joins: it asks who sends (listparticipants) and follows the list.
  Room.prototype.watch = function () {
    var self = this;
    if (this.closed) return;
    this.publisher.send({
      message: { request: "listparticipants", room: this.params.room },
      success: function (data) {
        if (self.closed) return;
        if (data.error_code) return self.fail(data.error_code, data.error, self.watching ? "error" : "refused");
        var sending = (data.participants || []).filter(function (q) { return q.publisher; });
        if (!self.watching) {
          self.watching = true;
          self.timing.joinedMs = now() - self.timing.start;
          self.emit("joined", { id: null, room: self.params.room });
        }
        var ids = sending.map(function (q) { return q.id; });
        Array.from(self.feeds.keys()).forEach(function (f) { if (ids.indexOf(f) < 0) self.removeFeed(f); });
        self.addFeeds(sending);
        setTimeout(function () { self.watch(); }, WATCH_EVERY_MS);
      },
      error: function (cause) { if (!self.closed) self.fail("connection", cause, "error"); }
    });
  };

  Room.prototype.onPublisherMessage = function (msg, jsep) {
    var event = msg.videoroom;
    if (msg.error_code || msg.error) {
      // Janus refused: the room's token check (433), no such room (426), a full stage (432)...
      this.fail(msg.error_code || "janus", msg.error, this.id ? "error" : "refused");
      return;
    }
    if (event === "joined") {
      this.id = msg.id;
      this.privateId = msg.private_id;
      this.timing.joinedMs = now() - this.timing.start;
      this.emit("joined", { id: msg.id, room: msg.room });
      if (this.params.role === "publisher") this.publish();
      this.addFeeds(msg.publishers || []);
    } else if (event === "destroyed") {
      this.end("destroyed");
    } else if (event === "event") {
      if (msg.configured === "ok" && this.params.role === "publisher") this.markPublished();
      if (msg.publishers) this.addFeeds(msg.publishers);
      if (msg.leaving === "ok") return this.end(msg.reason === "kicked" ? "kicked" : "hangup");
      if (msg.leaving) this.removeFeed(msg.leaving);
      if (msg.kicked) this.removeFeed(msg.kicked);
      if (msg.unpublished && msg.unpublished !== "ok") this.removeFeed(msg.unpublished);
    }
    if (jsep && this.publisher) this.publisher.handleRemoteJsep({ jsep: jsep });
  };

  Room.prototype.publish = function () {
    var self = this;
    var tracks = this.source === "screen"
      ? [{ type: "screen", capture: true, recv: false }, { type: "audio", capture: true, recv: false }]
      : this.source === "audio"  // the microphone alone (a show's interpreter)
        ? [{ type: "audio", capture: true, recv: false }]
        : [{ type: "audio", capture: true, recv: false }, { type: "video", capture: this.params.video || true, recv: false }];
    this.publisher.createOffer({
      tracks: tracks,
      success: function (jsep) {
        self.publisher.send({
          message: { request: "publish" },
          jsep: jsep,
          success: function () { self.markPublished(); }
        });
      },
      error: function (cause) { self.fail("media", cause && (cause.name || cause.message) || cause, "error"); }
    });
  };

  // Once per publishing: on the request's acknowledgement or on Janus's "configured" event, whichever
  // comes first (janus.js misses the acknowledgement when the event overtakes it).
  Room.prototype.markPublished = function () {
    if (this.timing.publishedMs !== null) return;
    this.timing.publishedMs = now() - this.timing.start;
    this.emit("published", {});
  };

  Room.prototype.onLocalTrack = function (track, on) {
    if (!this.localVideo || track.kind !== "video") return;
    if (on) {
      this.localVideo.muted = true;
      this.localVideo.srcObject = new MediaStream([track]);
      var played = this.localVideo.play();
      if (played && played.catch) played.catch(function () {});
    } else {
      this.localVideo.srcObject = null;
    }
  };

  // --- receiving: one subscription for every remote feed -----------------------------------------

  Room.prototype.addFeeds = function (list) {
    var self = this;
    list.forEach(function (pub) {
      if (pub.dummy || pub.id === self.id) return;
      if (!self.feeds.has(pub.id)) {
        self.feeds.set(pub.id, {
          id: pub.id, display: pub.display || "", stream: null, announcedMs: now() - self.timing.start, firstFrameMs: null
        });
      }
      self.wanted.add(pub.id);
    });
    this.sync();
  };

  // Janus takes a departed publisher's streams out of the subscription itself ("autoupdate"), with
  // a new offer of its own; only the picture goes from here.
  Room.prototype.removeFeed = function (feedId) {
    this.wanted.delete(feedId);
    this.subscribed.delete(feedId);
    var feed = this.feeds.get(feedId);
    if (feed) {
      if (feed.figure && feed.figure.parentNode) feed.figure.parentNode.removeChild(feed.figure);
      this.feeds.delete(feedId);
      this.emit("remote-removed", { feed: feedId });
    }
  };

  // Subscribe to the wanted feeds not yet subscribed, one negotiation at a time (Janus would queue a
  // second offer anyway: "updating").
  Room.prototype.sync = function () {
    if (this.closed || this.negotiating || (!this.privateId && this.params.role !== "watcher")) return;
    var self = this;
    var add = Array.from(this.wanted).filter(function (f) { return !self.subscribed.has(f); });
    if (!add.length) return;
    this.negotiating = true;
    add.forEach(function (f) { self.subscribed.add(f); });
    var streams = add.map(function (f) { return { feed: f }; });
    if (this.subscriber) {
      this.subscriber.send({ message: { request: "update", subscribe: streams } });
      return;
    }
    this.janus.attach({
      plugin: VIDEOROOM,
      success: function (handle) {
        self.subscriber = handle;
        handle.send({ message: {
          request: "join", ptype: "subscriber", room: self.params.room, streams: streams,
          private_id: self.privateId || undefined, token: self.params.roomToken
        } });
      },
      error: function (cause) { self.fail("attach", cause, "error"); },
      onmessage: function (msg, jsep) { self.onSubscriberMessage(msg, jsep); },
      onremotetrack: function (track, mid, on, meta) {
        // "mute"/"unmute" only say that packets paused: the track stays in the picture.
        if (meta && (meta.reason === "mute" || meta.reason === "unmute")) return;
        self.onRemoteTrack(track, mid, on);
      },
      onlocaltrack: function () {},
      oncleanup: function () {}
    });
  };

  Room.prototype.onSubscriberMessage = function (msg, jsep) {
    var self = this;
    if (msg.error_code || msg.error) {
      // A feed left between its announcement and our request (428): forget it and try again.
      var gone = /\(([^)]+)\)/.exec(msg.error || "");
      if (msg.error_code === 428 && gone) {
        this.wanted.delete(gone[1]);
        this.subscribed.delete(gone[1]);
        if (this.subscriber && !this.mids.size) {
          this.subscriber.detach();
          this.subscriber = null;
          this.subscribed.clear();
        }
        this.negotiating = false;
        return this.sync();
      }
      return this.fail(msg.error_code || "janus", msg.error, "error");
    }
    (msg.streams || []).forEach(function (s) {
      if (s.mid !== undefined && s.feed_id !== undefined) self.mids.set(s.mid, s.feed_id);
    });
    if (jsep) {
      this.subscriber.createAnswer({
        jsep: jsep,
        tracks: [{ type: "data" }],
        success: function (answer) {
          self.subscriber.send({
            message: { request: "start" },
            jsep: answer,
            success: function () { self.negotiating = false; self.sync(); }
          });
        },
        error: function (cause) { self.fail("media", cause, "error"); }
      });
    } else if (msg.videoroom === "updated" || msg.videoroom === "attached") {
      this.negotiating = false;
      this.sync();
    }
  };

  Room.prototype.onRemoteTrack = function (track, mid, on) {
    var feedId = this.mids.get(mid);
    var feed = feedId !== undefined ? this.feeds.get(feedId) : null;
    if (!feed) return;
    if (!on) {
      if (feed.stream) {
        feed.stream.getTracks().forEach(function (t) { if (t.id === track.id) feed.stream.removeTrack(t); });
      }
      return;
    }
    if (!feed.stream) feed.stream = new MediaStream();
    if (feed.stream.getTracks().some(function (t) { return t.id === track.id; })) return;
    feed.stream.addTrack(track);
    if (!feed.video) this.showFeed(feed);
  };

  Room.prototype.showFeed = function (feed) {
    var self = this;
    var figure = document.createElement("figure");
    figure.className = "sfu-feed";
    figure.dataset.feed = feed.id;
    var video = document.createElement("video");
    video.autoplay = true;
    video.playsInline = true;
    video.srcObject = feed.stream;
    var caption = document.createElement("figcaption");
    caption.textContent = feed.display;
    figure.appendChild(video);
    figure.appendChild(caption);
    feed.figure = figure;
    feed.video = video;
    if (this.container) this.container.appendChild(figure);
    var played = video.play();
    if (played && played.catch) {
      played.catch(function () {
        // No sound without a gesture first: play muted, and let the page offer sound.
        video.muted = true;
        video.play().catch(function () {});
        self.emit("autoplay-muted", { feed: feed.id });
      });
    }
    var firstFrame = function () {
      if (feed.firstFrameMs != null) return;
      feed.firstFrameMs = now() - self.timing.start;
      self.emit("first-frame", { feed: feed.id, ms: feed.firstFrameMs });
    };
    if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(firstFrame);
    else video.addEventListener("loadeddata", firstFrame, { once: true });
    this.emit("remote-added", { feed: feed.id, display: feed.display, video: video });
  };

  // --- controls -----------------------------------------------------------------------------------

  Room.prototype.setMuted = function (kind, muted) {
    if (!this.publisher) return;
    if (kind === "audio") { if (muted) this.publisher.muteAudio(); else this.publisher.unmuteAudio(); }
    if (kind === "video") { if (muted) this.publisher.muteVideo(); else this.publisher.unmuteVideo(); }
  };

  Room.prototype.end = function (reason) {
    if (this.closed) return;
    this.closed = true;
    this.leftReason = reason;
    this.feeds.forEach(function (feed) {
      if (feed.figure && feed.figure.parentNode) feed.figure.parentNode.removeChild(feed.figure);
    });
    this.feeds.clear();
    if (this.localVideo) this.localVideo.srcObject = null;
    // Destroying the session detaches both handles: Janus takes us out of the room and stops our media.
    if (this.janus) this.janus.destroy({ cleanupHandles: true });
    this.emit("left", { reason: reason });
  };

  Room.prototype.hangup = function () { this.end("hangup"); };

  // --- page wiring --------------------------------------------------------------------------------

  // Starts on the next turn, so that listeners added right after join() hear every event.
  function join(params, options) {
    var room = new Room(params, options);
    setTimeout(function () { room.start(); }, 0);
    return room;
  }

  function boot() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-sfu]"), function (el) {
      if (el.sfuRoom) return;
      var source = document.getElementById(el.dataset.sfu);
      var params = source ? JSON.parse(source.textContent) : {};
      var room = new Room(params, {
        container: el.querySelector("[data-sfu-remote]") || el,
        eventTarget: el,
        localVideo: el.querySelector("[data-sfu-local]")
      });
      el.sfuRoom = room;
      var hangup = el.querySelector("[data-sfu-hangup]");
      if (hangup) hangup.addEventListener("click", function () { room.hangup(); });
      setTimeout(function () { room.start(); }, 0);
    });
  }

  window.TradefairSFU = { join: join, Room: Room };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
