/* What every page shares: the phone menu, the browser's time zone on sign-up, the registration
   form's completeness meter and its buyer-only fields. Every page works without it. */
(function () {
  "use strict";

  // The header's menu on phones: a button that opens and closes it (wide screens show it whole).
  var toggle = document.querySelector(".menu-toggle");
  var menu = document.getElementById("site-menu");
  if (toggle && menu) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      menu.classList.toggle("open", open);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.classList.contains("open")) {
        toggle.setAttribute("aria-expanded", "false");
        menu.classList.remove("open");
        toggle.focus();
      }
    });
  }

  // Sign-up: the browser's time zone goes into the hidden field, and is shown as the choice.
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  document.querySelectorAll("input[data-browser-time-zone]").forEach(function (input) {
    input.value = zone;
    var select = input.form && input.form.querySelector("select[name=time_zone]");
    if (select && zone && !select.value) {
      for (var i = 0; i < select.options.length; i++) {
        if (select.options[i].value === zone) { select.value = zone; break; }
      }
    }
  });

  // Registration: the completeness meter follows the form; buyer-only fields follow the role.
  var box = document.querySelector("[data-completeness]");
  var form = document.querySelector("form.registration");
  if (box && form) {
    var meter = box.querySelector("meter");
    var figure = box.querySelector("[data-meter-figure]");
    var role = function () {
      var checked = form.querySelector("input[name=role]:checked");
      return checked ? checked.value : "buyer";
    };
    var update = function () {
      var parts = (box.getAttribute("data-parts-" + role()) || "").split(" ").filter(Boolean);
      var filled = parts.filter(function (name) {
        return Array.prototype.some.call(form.querySelectorAll("[data-meter=" + name + "]"), function (el) {
          if (el.type === "checkbox" || el.type === "radio") return el.checked;
          return el.value.trim() !== "";
        });
      }).length;
      var percent = parts.length ? Math.round((100 * filled) / parts.length) : 0;
      meter.value = percent;
      meter.textContent = percent + "%";
      figure.textContent = percent + "%";
      form.querySelectorAll(".buyer-only").forEach(function (el) { el.hidden = role() !== "buyer"; });
    };
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
  }
})();
