/* What a page with an sfu.js video ([data-show-video], docs/janus.md) tells its user: connecting,
   waiting, refused, put out, ended; a button when the browser wants a gesture before sound. The
   words come translated in the element's data-t-* attributes; the line is [data-show=video-state]. */
(function () {
  "use strict";

  function boot() {
    var video = document.querySelector("[data-show-video]");
    if (!video) return;
    var v = video.dataset;
    var state = video.querySelector('[data-show="video-state"]');
    var sound = video.querySelector('[data-show="sound"]');
    function say(text) { if (state) state.textContent = text || ""; }
    video.addEventListener("sfu:joined", function () { say(v.tWaiting); });
    video.addEventListener("sfu:first-frame", function () { say(""); });
    video.addEventListener("sfu:published", function () { if (!video.querySelector("figure")) say(""); });
    video.addEventListener("sfu:remote-removed", function () {
      if (!video.querySelector("figure")) say(v.tWaiting);
    });
    video.addEventListener("sfu:autoplay-muted", function () { if (sound) sound.hidden = false; });
    video.addEventListener("sfu:left", function (e) {
      var reason = e.detail && e.detail.reason;
      var texts = { refused: v.tRefused, kicked: v.tKicked, destroyed: v.tEnded, error: v.tError };
      say(texts[reason] || "");
    });
    video.addEventListener("sfu:error", function () { say(v.tError); });
    if (sound) {
      sound.addEventListener("click", function () {
        Array.prototype.forEach.call(video.querySelectorAll("video"), function (el) {
          if (!el.hasAttribute("data-sfu-local")) { el.muted = false; el.play(); }
        });
        sound.hidden = true;
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
