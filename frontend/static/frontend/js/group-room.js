/* A group room's page (a meeting's group video, a signing ceremony's room; templates
   frontend/_sfu_room.html): the microphone and camera buttons (toggle buttons, aria-pressed, shown
   while publishing: Room.setMuted), screen sharing and the device picker (janus.js replaceTracks:
   the screen, or the camera or microphone chosen, replaces the sent track, no renegotiation with
   the others). When every camera place is taken (Janus refuses the camera with error 432,
   "Maximum number of publishers"), the page shows its message ([data-group=full]) and offers to
   watch without the camera: the same admission joins again as a viewer, which Janus lets receive
   every camera. Load after sfu.js and sfu-status.js. */
(function () {
  "use strict";

  var FULL = "432";          // the VideoRoom's "Maximum number of publishers (N) already reached"
  var ID_TAKEN = "436";      // the last session has not left yet: try again shortly

  function boot() {
    var el = document.querySelector("[data-sfu][data-group-room]");
    if (!el || !window.TradefairSFU) return;
    controls(el);
    var fullText = el.querySelector('[data-group="full"]');
    var watch = el.querySelector('[data-group="watch"]');
    var hangup = el.querySelector("[data-sfu-hangup]");
    var full = false;

    el.addEventListener("sfu:error", function (e) {
      if (e.detail && String(e.detail.code) === FULL) full = true;
    });
    function refused() {
      if (fullText) fullText.hidden = false;
      if (watch) { watch.hidden = false; watch.focus(); }
    }
    el.addEventListener("sfu:left", function () { if (full) refused(); });
    var early = el.sfuRoom;  // refused before this file ran
    if (early && early.closed && early.lastError && String(early.lastError.code) === FULL) {
      full = true;
      refused();
    }
    if (!watch) return;
    watch.addEventListener("click", function () {
      watch.hidden = true;
      if (fullText) fullText.hidden = true;
      full = false;
      var params = JSON.parse(document.getElementById(el.dataset.sfu).textContent);
      params.role = "viewer";
      var tries = 0;
      function start() {
        var room = new window.TradefairSFU.Room(params, {
          container: el.querySelector("[data-sfu-remote]") || el,
          eventTarget: el,
          localVideo: null
        });
        el.sfuRoom = room;
        room.on("error", function (detail) {
          if (String(detail.code) === ID_TAKEN && tries++ < 5) setTimeout(start, 1000);
        });
        setTimeout(function () { room.start(); }, 0);
      }
      start();
    });
    if (hangup) hangup.addEventListener("click", function () { if (el.sfuRoom) el.sfuRoom.hangup(); });
  }

  // Send ``track`` (janus.js replaceTracks) in place of the one of its kind; data-device-switch says how it went.
  function replace(el, track, done) {
    var room = el.sfuRoom;
    if (!room || !room.publisher) return;
    el.dataset.deviceSwitch = "pending";
    room.publisher.replaceTracks({
      tracks: [track],
      success: function () { el.dataset.deviceSwitch = "done"; if (done) done(); },
      error: function () { el.dataset.deviceSwitch = "failed"; }
    });
  }

  function controls(el) {
    var share = el.querySelector('[data-group="share"]');
    if (share) {
      share.addEventListener("click", function () {
        var on = share.getAttribute("aria-pressed") !== "true";
        var camera = el.querySelector('[data-group="video-select"]');
        var back = camera && camera.value ? { deviceId: { exact: camera.value } } : true;
        replace(el, on ? { type: "screen", capture: true } : { type: "video", capture: back }, function () {
          share.setAttribute("aria-pressed", String(on));
        });
      });
    }
    var buttons = { audio: el.querySelector('[data-group="mute"]'), video: el.querySelector('[data-group="camera"]'), share: share };
    Object.keys(buttons).forEach(function (kind) {
      var button = buttons[kind];
      if (!button || kind === "share") return;
      button.addEventListener("click", function () {
        var off = button.getAttribute("aria-pressed") !== "true";
        if (el.sfuRoom) el.sfuRoom.setMuted(kind, off);
        button.setAttribute("aria-pressed", String(off));
      });
    });
    function show(on) {
      Object.keys(buttons).forEach(function (kind) {
        if (!buttons[kind]) return;
        buttons[kind].hidden = !on;
        if (!on) buttons[kind].setAttribute("aria-pressed", "false");
      });
    }
    el.addEventListener("sfu:published", function () { show(true); devices(el, true); });
    el.addEventListener("sfu:left", function () { show(false); devices(el, false); });
    // sfu.js may have started (and published) while this file was still on its way.
    var room = el.sfuRoom;
    if (room && !room.closed && room.timing.publishedMs !== null) { show(true); devices(el, true); }
    ["audio", "video"].forEach(function (kind) {
      var select = el.querySelector('[data-group="' + kind + '-select"]');
      if (!select) return;
      select.addEventListener("change", function () {
        if (!select.value) return;
        replace(el, { type: kind, capture: { deviceId: { exact: select.value } } });
      });
    });
  }

  // Fill the pickers with the browser's cameras and microphones (their names once it may use them).
  function devices(el, on) {
    var box = el.querySelector('[data-group="devices"]');
    if (!box) return;
    box.hidden = !on;
    if (!on || !navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return;
    navigator.mediaDevices.enumerateDevices().then(function (list) {
      ["audio", "video"].forEach(function (kind) {
        var select = el.querySelector('[data-group="' + kind + '-select"]');
        var found = list.filter(function (d) { return d.kind === kind + "input"; });
        select.textContent = "";
        found.forEach(function (d, n) {
          var option = document.createElement("option");
          option.value = d.deviceId;
          option.textContent = d.label || (select.labels[0] ? select.labels[0].textContent : kind) + " " + (n + 1);
          select.appendChild(option);
        });
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
