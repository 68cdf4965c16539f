/* A group room's page (a meeting's group video, a signing ceremony's room; templates
   frontend/_sfu_room.html): the microphone and camera buttons (toggle buttons, aria-pressed, shown
   while publishing: Room.setMuted). When every camera place is taken (Janus refuses the camera with error 432,
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
    el.addEventListener("sfu:left", function () {
      if (!full) return;
      if (fullText) fullText.hidden = false;
      if (watch) { watch.hidden = false; watch.focus(); }
    });
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

  function controls(el) {
    var buttons = { audio: el.querySelector('[data-group="mute"]'), video: el.querySelector('[data-group="camera"]') };
    Object.keys(buttons).forEach(function (kind) {
      var button = buttons[kind];
      if (!button) return;
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
    el.addEventListener("sfu:published", function () { show(true); });
    el.addEventListener("sfu:left", function () { show(false); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
