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
    // Arrow keys move between the grid's times (up, down) and days (left, right), skipping past
    // times, so a keyboard user does not tab through every slot of the week; Space ticks.
    var moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    form.addEventListener("keydown", function (e) {
      var move = moves[e.key];
      var box = e.target;
      if (!move || box.name !== "slot" || e.altKey || e.ctrlKey || e.metaKey) return;
      var cell = box.closest("td");
      var rows = Array.prototype.slice.call(cell.closest("tbody").rows);
      var r = rows.indexOf(cell.parentElement), c = cell.cellIndex;
      for (;;) {
        r += move[0];
        c += move[1];
        if (r < 0 || r >= rows.length || c < 1 || c >= rows[r].cells.length) return;
        var next = rows[r].cells[c].querySelector('input[name="slot"]:not(:disabled)');
        if (next) {
          e.preventDefault();
          next.focus();
          return;
        }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("a.join[data-opens-at]").forEach(armJoin);
    document.querySelectorAll("form.decision-form").forEach(decisionForm);
    document.querySelectorAll("form.availability-grid").forEach(grid);
  });
})();
