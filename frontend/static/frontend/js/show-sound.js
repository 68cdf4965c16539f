/* The language a live show's viewer hears (docs/show-protocol.md, "Interpretation"): the original
   sound, or an interpreter's voice over the presenter's sound turned down. sfu.js receives every
   feed of the room; an interpreter's feed is the one whose participant id reads "i-<language>-u<id>."
   (shows.services.show_admission). The choice is a group of radio buttons ([data-show-sound]),
   remembered in localStorage for the next show. On the interpreter's own page there is no choice:
   they hear the presenter, never another interpreter, and see when their microphone is on air. */
(function () {
  "use strict";

  var KEY = "tradefair.showSound";
  var DUCKED = 0.15;  // the presenter under an interpretation
  var INTERPRETER = /^i-(.+)-u\d+\./;

  function languageOf(feed) {
    var m = INTERPRETER.exec(feed || "");
    return m ? m[1] : null;
  }

  function boot() {
    var video = document.querySelector("[data-show-video]");
    if (!video) return;
    var box = document.querySelector("[data-show-sound]");
    var note = document.querySelector('[data-show="sound-note"]');
    var choice = "";       // "" is the original sound
    var blocked = false;   // the browser wants a gesture before any sound (sfu:autoplay-muted)

    function stored() { try { return window.localStorage.getItem(KEY) || ""; } catch (e) { return ""; } }
    function remember(value) { try { window.localStorage.setItem(KEY, value || "original"); } catch (e) { /* private mode */ } }

    function apply() {
      var heard = false;
      var figures = video.querySelectorAll("figure[data-feed]");
      Array.prototype.forEach.call(figures, function (figure) {
        var lang = languageOf(figure.dataset.feed);
        if (lang === null) return;
        figure.hidden = true;  // a voice, no picture
        figure.dataset.interpretation = lang;
        var el = figure.querySelector("video");
        var on = lang === choice;
        if (!on) { el.muted = true; return; }
        heard = true;
        if (!blocked) {
          el.muted = false;
          var played = el.play();
          if (played && played.catch) played.catch(function () {});
        }
      });
      Array.prototype.forEach.call(figures, function (figure) {
        if (languageOf(figure.dataset.feed) !== null) return;
        figure.querySelector("video").volume = heard ? DUCKED : 1;
      });
      video.dataset.sound = heard ? choice : "original";
      if (note) note.textContent = choice && !heard ? (box.dataset.tWaiting || "") : "";
    }

    var wanted = stored();

    function listen(radio) {
      radio.addEventListener("change", function () {
        if (!radio.checked) return;
        choice = radio.value;
        blocked = false;  // choosing is a gesture: sound may play
        remember(choice);
        apply();
      });
    }

    function pick() {
      if (!box) return;
      var radios = Array.prototype.slice.call(box.querySelectorAll('input[type="radio"]'));
      var values = radios.map(function (r) { return r.value; });
      if (choice && values.indexOf(choice) < 0) choice = "";   // that interpretation is gone
      if (!choice && wanted && wanted !== "original" && values.indexOf(wanted) >= 0) choice = wanted;
      radios.forEach(function (radio) { radio.checked = radio.value === choice; });
    }

    // The show socket says which interpretations there are now (shows.js: "show:sounds").
    function rebuild(list) {
      if (!box) return;
      var template = box.querySelector('[data-show="sound-label"]');
      var have = Array.prototype.map.call(box.querySelectorAll('input[type="radio"]'), function (r) { return r.value; });
      var want = [""].concat(list.map(function (sound) { return sound.language; }));
      if (have.join("|") === want.join("|")) return;  // the same choices (a snapshot after reconnecting)
      Array.prototype.forEach.call(box.querySelectorAll('input[type="radio"]'), function (radio) {
        if (radio.value) radio.closest("label").remove();
      });
      list.forEach(function (sound) {
        var label = document.createElement("label");
        var radio = document.createElement("input");
        radio.type = "radio";
        radio.name = "show-sound";
        radio.value = sound.language;
        listen(radio);
        label.appendChild(radio);
        var text = template ? template.content.textContent.trim() : "__LANGUAGE__";
        label.appendChild(document.createTextNode(" " + text.split("__LANGUAGE__").join(sound.name)));
        box.insertBefore(label, template);
      });
      box.hidden = !list.length;
      pick();
      apply();
    }

    if (box) Array.prototype.forEach.call(box.querySelectorAll('input[type="radio"]'), listen);
    pick();
    document.addEventListener("show:sounds", function (e) { rebuild((e.detail && e.detail.sounds) || []); });

    video.addEventListener("sfu:remote-added", apply);
    video.addEventListener("sfu:remote-removed", apply);
    video.addEventListener("sfu:autoplay-muted", function () { blocked = true; apply(); });
    var sound = video.querySelector('[data-show="sound"]');
    if (sound) sound.addEventListener("click", function () { blocked = false; setTimeout(apply, 0); });

    // The interpreter's page: say when their voice is on air.
    var onAir = video.hasAttribute("data-show-interpreter") ? video.querySelector('[data-show="on-air"]') : null;
    var mic = onAir ? video.querySelector('[data-show="mic"]') : null;
    if (onAir) {
      var say = function () {
        var muted = mic && mic.getAttribute("aria-pressed") === "true";
        onAir.textContent = muted ? (mic.dataset.tMuted || "") : (video.dataset.tOnAir || "");
      };
      video.addEventListener("sfu:published", function () { if (mic) mic.hidden = false; say(); });
      video.addEventListener("sfu:left", function () { onAir.textContent = ""; if (mic) mic.hidden = true; });
      if (mic) {
        // A toggle (aria-pressed): a cough or a word to the booth stays off the air.
        mic.addEventListener("click", function () {
          var muted = mic.getAttribute("aria-pressed") !== "true";
          if (video.sfuRoom) video.sfuRoom.setMuted("audio", muted);
          mic.setAttribute("aria-pressed", muted ? "true" : "false");
          say();
        });
      }
    }
    apply();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
