/* The video room (templates/meetings/room.html): camera and microphone, one RTCPeerConnection per
   other peer (a small mesh: buyer, exhibitor, interpreter, observer), signalling over
   ws/meetings/<id>/room/ (docs/video-protocol.md). The newcomer offers to each peer already there
   ("offer": true in the welcome frame); the others answer. Screen sharing and device changes swap the
   sent track (replaceTrack), so no renegotiation is needed. Text from the server is inserted with
   textContent, never as HTML. */
(function () {
  "use strict";
  var root = document.getElementById("video-room");
  if (!root) return;

  var $ = function (name) { return root.querySelector('[data-room="' + name + '"]'); };
  var textBox = $("text");
  var t = function (key, params) {
    var name = "t" + key.replace(/(^|-)(\w)/g, function (_m, _s, c) { return c.toUpperCase(); });
    var value = (textBox && textBox.dataset[name]) || key;
    Object.keys(params || {}).forEach(function (k) { value = value.replace("{" + k + "}", params[k]); });
    return value;
  };
  var statusBox = $("status"), problemBox = $("problem"), videos = $("videos");
  var localVideo = $("local-video"), localTile = localVideo.closest(".tile");
  var muteButton = $("mute"), cameraButton = $("camera"), shareButton = $("share"), soundButton = $("sound");
  var cameraSelect = $("camera-select"), micSelect = $("microphone-select");
  var chatLog = $("chat-log"), chatForm = $("chat-form"), chatInput = $("chat-input");
  var countdownBox = $("countdown");

  var REFUSALS = { 4401: "anonymous", 4403: "not-allowed", 4404: "not-allowed", 4409: "not-accepted",
                   4410: "too-late", 4425: "too-early" };
  var state = {
    socket: null, me: null, iceServers: [], peers: new Map(), local: null, screen: null,
    audioOn: true, videoOn: true, attempts: 0, mediaProblem: null, closedFor: null, endsAt: null, closesAt: null,
    seenChat: new Set(), observer: root.dataset.role === "observer"
  };
  window.tradefairRoom = state; // for the browser test and for debugging

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function setStatus(key) { statusBox.textContent = t(key); }
  function showProblem(key) {
    if (!key) { problemBox.hidden = true; problemBox.textContent = ""; return; }
    problemBox.textContent = t(key);
    problemBox.hidden = false;
  }
  function send(frame) {
    if (state.socket && state.socket.readyState === WebSocket.OPEN) state.socket.send(JSON.stringify(frame));
  }

  if (!window.RTCPeerConnection || !window.WebSocket) {
    setStatus("unsupported");
    showProblem("unsupported");
    return;
  }

  // --- local media ------------------------------------------------------------------------------

  function track(kind) {
    if (kind === "video" && state.screen) return state.screen.getVideoTracks()[0] || null;
    return state.local ? (kind === "audio" ? state.local.getAudioTracks()[0] : state.local.getVideoTracks()[0]) || null : null;
  }

  function startMedia(constraints) {
    if (state.observer) return Promise.resolve(null);
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      state.mediaProblem = "no-camera";
      showProblem("no-camera");
      return Promise.resolve(null);
    }
    return navigator.mediaDevices.getUserMedia(constraints || { audio: true, video: true }).catch(function (err) {
      if (err && (err.name === "NotAllowedError" || err.name === "SecurityError")) {
        state.mediaProblem = "denied";
        showProblem("denied");
        return null;
      }
      // No camera (or it is busy): try the microphone alone, then nothing.
      return navigator.mediaDevices.getUserMedia({ audio: true }).catch(function () { return null; })
        .then(function (stream) { state.mediaProblem = "no-camera"; showProblem("no-camera"); return stream; });
    }).then(function (stream) {
      if (stream) {
        if (state.local) state.local.getTracks().forEach(function (tr) { tr.stop(); });
        state.local = stream;
        stream.getAudioTracks().forEach(function (tr) { tr.enabled = state.audioOn; });
        stream.getVideoTracks().forEach(function (tr) { tr.enabled = state.videoOn; });
        if (!state.screen) localVideo.srcObject = stream;
        listDevices();
      }
      return stream;
    });
  }

  function listDevices() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return;
    navigator.mediaDevices.enumerateDevices().then(function (devices) {
      fill(cameraSelect, devices.filter(function (d) { return d.kind === "videoinput"; }), track("video"));
      fill(micSelect, devices.filter(function (d) { return d.kind === "audioinput"; }), track("audio"));
    });
  }

  function fill(select, devices, current) {
    var chosen = current && current.getSettings ? current.getSettings().deviceId : "";
    select.textContent = "";
    if (!devices.length) select.appendChild(el("option", "", t("default-device")));
    devices.forEach(function (d, i) {
      var option = el("option", "", d.label || (t("default-device") + " " + (i + 1)));
      option.value = d.deviceId;
      option.selected = d.deviceId === chosen;
      select.appendChild(option);
    });
  }

  function switchDevice(kind, deviceId) {
    var constraints = { audio: { deviceId: { exact: deviceId } } };
    if (kind === "video") constraints = { video: { deviceId: { exact: deviceId } } };
    navigator.mediaDevices.getUserMedia(constraints).then(function (stream) {
      var fresh = kind === "video" ? stream.getVideoTracks()[0] : stream.getAudioTracks()[0];
      var old = track(kind);
      if (!state.local) state.local = new MediaStream();
      if (old && old !== fresh && state.local.getTracks().indexOf(old) >= 0) {
        state.local.removeTrack(old);
        old.stop();
      }
      fresh.enabled = kind === "video" ? state.videoOn : state.audioOn;
      state.local.addTrack(fresh);
      if (!state.screen) localVideo.srcObject = state.local;
      if (!(kind === "video" && state.screen)) replaceTracks(kind, fresh);
    }).catch(function () { showProblem("no-camera"); });
  }
  cameraSelect.addEventListener("change", function () { switchDevice("video", cameraSelect.value); });
  micSelect.addEventListener("change", function () { switchDevice("audio", micSelect.value); });

  function replaceTracks(kind, newTrack) {
    state.peers.forEach(function (peer) {
      peer.pc.getTransceivers().forEach(function (tr) {
        if (tr.receiver.track && tr.receiver.track.kind === kind) tr.sender.replaceTrack(newTrack);
      });
    });
  }

  function mediaState() {
    send({ type: "media", audio: state.audioOn && !!track("audio"), video: state.videoOn && !!track("video"),
           screen: !!state.screen });
    var parts = [];
    if (!state.audioOn) parts.push(t("muted"));
    if (!state.videoOn) parts.push(t("video-off"));
    if (state.screen) parts.push(t("sharing"));
    $("local-state").textContent = parts.join(", ");
  }

  muteButton.addEventListener("click", function () {
    state.audioOn = !state.audioOn;
    if (state.local) state.local.getAudioTracks().forEach(function (tr) { tr.enabled = state.audioOn; });
    muteButton.setAttribute("aria-pressed", String(!state.audioOn));
    muteButton.textContent = t(state.audioOn ? "mute" : "unmute");
    mediaState();
  });
  cameraButton.addEventListener("click", function () {
    state.videoOn = !state.videoOn;
    if (state.local) state.local.getVideoTracks().forEach(function (tr) { tr.enabled = state.videoOn; });
    cameraButton.setAttribute("aria-pressed", String(!state.videoOn));
    cameraButton.textContent = t(state.videoOn ? "camera-off" : "camera-on");
    mediaState();
  });

  function stopShare() {
    if (!state.screen) return;
    state.screen.getTracks().forEach(function (tr) { tr.stop(); });
    state.screen = null;
    localTile.classList.remove("screen");
    localVideo.srcObject = state.local;
    replaceTracks("video", track("video"));
    shareButton.setAttribute("aria-pressed", "false");
    shareButton.textContent = t("share");
    mediaState();
  }
  shareButton.addEventListener("click", function () {
    if (state.screen) return stopShare();
    if (!navigator.mediaDevices || !navigator.mediaDevices.getDisplayMedia) return showProblem("share-failed");
    navigator.mediaDevices.getDisplayMedia({ video: true, audio: false }).then(function (stream) {
      state.screen = stream;
      var screenTrack = stream.getVideoTracks()[0];
      screenTrack.addEventListener("ended", stopShare);
      localTile.classList.add("screen");
      localVideo.srcObject = stream;
      replaceTracks("video", screenTrack);
      shareButton.setAttribute("aria-pressed", "true");
      shareButton.textContent = t("stop-share");
      mediaState();
    }).catch(function () { showProblem("share-failed"); });
    return undefined;
  });
  if (state.observer) { muteButton.hidden = true; cameraButton.hidden = true; shareButton.hidden = true; }

  // --- peers -------------------------------------------------------------------------------------

  function roleName(role) { return t("role-" + role); }

  function addPeer(info) {
    var existing = state.peers.get(info.id);
    if (existing) return existing;
    var pc = new RTCPeerConnection({ iceServers: state.iceServers });
    var tile = el("figure", "tile remote");
    var video = el("video");
    video.autoplay = true;
    video.playsInline = true;
    video.setAttribute("aria-label", t("video-of", { name: info.name }));
    var caption = el("figcaption");
    caption.appendChild(el("span", "who", info.name + " (" + roleName(info.role) + ")"));
    var media = el("span", "media-state");
    caption.appendChild(media);
    var quality = el("span", "quality", t("quality-connecting"));
    caption.appendChild(quality);
    tile.appendChild(video);
    tile.appendChild(caption);
    tile.dataset.peer = info.id;
    videos.appendChild(tile);
    var peer = { info: info, pc: pc, tile: tile, video: video, media: media, quality: quality,
                 stream: new MediaStream(), pending: [], stats: null };
    video.srcObject = peer.stream;
    state.peers.set(info.id, peer);

    pc.onicecandidate = function (e) {
      send({ type: "ice", to: info.id, candidate: e.candidate ? e.candidate.toJSON() : null });
    };
    pc.ontrack = function (e) {
      if (peer.stream.getTracks().indexOf(e.track) < 0) peer.stream.addTrack(e.track);
      play(peer);
    };
    pc.onconnectionstatechange = function () {
      tile.dataset.state = pc.connectionState;
      if (pc.connectionState === "failed" && pc.restartIce) pc.restartIce();
      updateStatus();
    };
    updateStatus();
    return peer;
  }

  function play(peer) {
    var attempt = peer.video.play();
    if (attempt && attempt.catch) {
      attempt.catch(function () { // the browser wants a click before sound: play muted, offer the button
        peer.video.muted = true;
        peer.video.play().catch(function () {});
        soundButton.hidden = false;
      });
    }
  }
  soundButton.addEventListener("click", function () {
    state.peers.forEach(function (peer) { peer.video.muted = false; peer.video.play().catch(function () {}); });
    soundButton.hidden = true;
  });

  function removePeer(id) {
    var peer = state.peers.get(id);
    if (!peer) return;
    peer.pc.close();
    peer.tile.remove();
    state.peers.delete(id);
    updateStatus();
  }

  function attachLocal(pc) {
    // One audio and one video transceiver per connection, whatever this device has: a camera
    // switched on later, or a shared screen, is a replaceTrack away.
    ["audio", "video"].forEach(function (kind) {
      var tr = pc.getTransceivers().filter(function (x) {
        return x.receiver.track && x.receiver.track.kind === kind;
      })[0];
      var direction = state.observer ? "recvonly" : "sendrecv";
      if (!tr) {
        tr = pc.addTransceiver(kind, { direction: direction });
      } else {
        tr.direction = direction;
      }
      if (!state.observer) tr.sender.replaceTrack(track(kind));
    });
  }

  function offerTo(info) {
    var peer = addPeer(info);
    attachLocal(peer.pc);
    peer.pc.createOffer().then(function (offer) {
      return peer.pc.setLocalDescription(offer);
    }).then(function () {
      send({ type: "offer", to: info.id, sdp: peer.pc.localDescription.sdp });
    });
  }

  function flushCandidates(peer) {
    peer.pending.splice(0).forEach(function (c) { peer.pc.addIceCandidate(c).catch(function () {}); });
  }

  function onOffer(frame) {
    var peer = state.peers.get(frame.from) || addPeer(state.known[frame.from] || { id: frame.from, name: "", role: "" });
    peer.pc.setRemoteDescription({ type: "offer", sdp: frame.sdp }).then(function () {
      attachLocal(peer.pc);
      flushCandidates(peer);
      return peer.pc.createAnswer();
    }).then(function (answer) {
      return peer.pc.setLocalDescription(answer);
    }).then(function () {
      send({ type: "answer", to: frame.from, sdp: peer.pc.localDescription.sdp });
    });
  }

  function onAnswer(frame) {
    var peer = state.peers.get(frame.from);
    if (!peer) return;
    peer.pc.setRemoteDescription({ type: "answer", sdp: frame.sdp }).then(function () { flushCandidates(peer); });
  }

  function onIce(frame) {
    var peer = state.peers.get(frame.from);
    if (!peer || !frame.candidate) return;
    if (peer.pc.remoteDescription) peer.pc.addIceCandidate(frame.candidate).catch(function () {});
    else peer.pending.push(frame.candidate);
  }

  function onMedia(frame) {
    var peer = state.peers.get(frame.from);
    if (!peer) return;
    var parts = [];
    if (!frame.audio) parts.push(t("muted"));
    if (!frame.video) parts.push(t("video-off"));
    if (frame.screen) parts.push(t("sharing"));
    peer.media.textContent = parts.join(", ");
  }

  function updateStatus() {
    if (state.closedFor) return;
    if (!state.socket || state.socket.readyState !== WebSocket.OPEN) return;
    var others = Array.from(state.peers.values());
    var sides = others.filter(function (p) { return p.info.role === "buyer" || p.info.role === "exhibitor"; });
    if (!sides.length && state.me && state.me.role !== "observer") return setStatus("waiting");
    if (others.some(function (p) { return p.pc.connectionState === "connected"; })) return setStatus("connected");
    return setStatus("connecting");
  }

  // --- connection quality from getStats ---------------------------------------------------------------

  function measure() {
    state.peers.forEach(function (peer) {
      if (peer.pc.connectionState !== "connected") return;
      peer.pc.getStats().then(function (report) {
        var rtt = null, lost = 0, received = 0;
        report.forEach(function (s) {
          if (s.type === "candidate-pair" && s.state === "succeeded" && s.nominated && s.currentRoundTripTime !== undefined) {
            rtt = s.currentRoundTripTime;
          }
          if (s.type === "inbound-rtp") { lost += s.packetsLost || 0; received += s.packetsReceived || 0; }
        });
        var before = peer.stats || { lost: 0, received: 0 };
        var dl = lost - before.lost, dr = received - before.received;
        peer.stats = { lost: lost, received: received };
        var loss = dl + dr > 0 ? dl / (dl + dr) : 0;
        var level = "good";
        if ((rtt !== null && rtt > 0.4) || loss > 0.08) level = "poor";
        else if ((rtt !== null && rtt > 0.15) || loss > 0.02) level = "fair";
        peer.quality.textContent = t("quality-" + level);
        peer.tile.dataset.quality = level;
      });
    });
  }
  setInterval(measure, 2000);

  // --- countdown ---------------------------------------------------------------------------------------

  function clock(ms) {
    var s = Math.max(0, Math.round(ms / 1000));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m)) + ":" + String(sec).padStart(2, "0");
    return h ? h + ":" + mm : mm;
  }
  function tick() {
    if (!state.endsAt) return;
    var now = Date.now();
    if (now < state.endsAt) countdownBox.textContent = t("ends-in", { time: clock(state.endsAt - now) });
    else countdownBox.textContent = t("overtime", { time: clock(state.closesAt - now) });
  }
  setInterval(tick, 1000);

  // --- chat (chat-box.js) ------------------------------------------------------------------------------

  var chat = window.TradefairChat.box({
    log: chatLog, form: chatForm, input: chatInput, send: send, seen: state.seenChat,
    who: function (m) { return m.name + " (" + roleName(m.role) + ")"; },
    you: t("you"), sending: t("sending")
  });

  // --- the socket ----------------------------------------------------------------------------------------

  state.known = {};
  function onFrame(frame) {
    switch (frame.type) {
      case "welcome":
        state.attempts = 0;
        state.me = frame.you;
        state.iceServers = frame.ice_servers || [];
        state.endsAt = Date.parse(frame.meeting.ends_at);
        state.closesAt = Date.parse(frame.meeting.closes_at);
        tick();
        (frame.chat || []).forEach(chat.add);
        chat.resend(); // lines typed while the socket was away, or not yet acknowledged
        frame.peers.forEach(function (p) {
          state.known[p.id] = p;
          if (p.offer) offerTo(p); else addPeer(p);
        });
        updateStatus();
        mediaState();
        break;
      case "peer.joined":
        state.known[frame.peer.id] = frame.peer;
        addPeer(frame.peer); // it will send us an offer
        break;
      case "peer.left":
        removePeer(frame.peer.id);
        break;
      case "offer": onOffer(frame); break;
      case "answer": onAnswer(frame); break;
      case "ice": onIce(frame); break;
      case "media": onMedia(frame); break;
      case "chat.message": chat.add(frame); break;
      case "chat.ack": chat.acked(frame); break;
      case "error": chat.refused(frame); break;
      case "meeting.held": root.dataset.held = "true"; statusBox.textContent = t("held"); break;
      case "room.closed": state.closedFor = "too-late"; break;
      default: break;
    }
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + root.dataset.ws);
    state.socket = socket;
    socket.onopen = function () { if (!state.closedFor) showProblem(state.mediaProblem || null); };
    socket.onmessage = function (e) {
      var frame;
      try { frame = JSON.parse(e.data); } catch (_err) { return; }
      onFrame(frame);
    };
    socket.onclose = function (e) {
      Array.from(state.peers.keys()).forEach(removePeer); // peer ids change when we come back
      var refusal = REFUSALS[e.code];
      if (refusal === "too-early") {
        setStatus("too-early");
        var wait = Math.max(5000, Date.parse(root.dataset.opensAt) - Date.now() + 1000);
        setTimeout(connect, Math.min(wait, 60000));
        return;
      }
      if (refusal) {
        state.closedFor = refusal;
        statusBox.textContent = t(refusal);
        showProblem(refusal);
        if (state.local) state.local.getTracks().forEach(function (tr) { tr.stop(); });
        return;
      }
      setStatus(navigator.onLine === false ? "offline" : "reconnecting");
      showProblem(navigator.onLine === false ? "offline" : "reconnecting");
      state.attempts += 1;
      setTimeout(connect, Math.min(15000, 500 * Math.pow(2, state.attempts)));
    };
  }
  window.addEventListener("offline", function () { showProblem("offline"); });

  startMedia().then(connect);
})();
