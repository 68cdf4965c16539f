// Meeting pages: the Join button goes live when the room opens; the decision form shows the part of
// the chosen answer; the availability grid's whole-day and half-day toggles.
(function () {
  "use strict";

  function armJoin(link) {
    var opens = Date.parse(link.dataset.opensAt);
    function live() {
      link.setAttribute("href", link.dataset.href);
      link.removeAttribute("aria-disabled");
      var note = link.nextElementSibling;
      if (note && note.classList.contains("join-note")) note.hidden = true;
    }
    var wait = opens - Date.now();
    if (wait <= 0) live();
    else window.setTimeout(live, Math.min(wait, 2147483000));
  }

  function decisionForm(form) {
    var parts = form.querySelectorAll(".decision-part");
    function show() {
      var chosen = form.querySelector('input[name="decision"]:checked');
      var value = chosen ? chosen.value : "";
      parts.forEach(function (part) {
        var on = part.dataset.for === value;
        part.hidden = !on;
        part.querySelectorAll("textarea, input").forEach(function (el) {
          if (el.name === "reason") el.required = on;
          if (el.name === "slot") el.required = on;
        });
      });
    }
    form.addEventListener("change", function (e) {
      if (e.target.name === "decision") show();
    });
    show();
  }

  function grid(form) {
    form.addEventListener("click", function (e) {
      var button = e.target.closest("button[data-toggle]");
      if (!button) return;
      e.preventDefault();
      var day = button.dataset.day, part = button.dataset.toggle;
      var boxes = Array.prototype.filter.call(
        form.querySelectorAll('input[type="checkbox"][data-day="' + day + '"]:not(:disabled)'),
        function (box) { return part === "day" || box.dataset.half === part; }
      );
      var allOn = boxes.every(function (box) { return box.checked; });
      boxes.forEach(function (box) { box.checked = !allOn; });
      button.setAttribute("aria-pressed", allOn ? "false" : "true");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("a.join[data-opens-at]").forEach(armJoin);
    document.querySelectorAll("form.decision-form").forEach(decisionForm);
    document.querySelectorAll("form.availability-grid").forEach(grid);
  });
})();
