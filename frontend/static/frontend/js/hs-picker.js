/* The HS code picker: typing a code or words (in any of the six UI languages) fills the input's
   datalist from /hs/search.json, named in the viewer's language. Without JavaScript the field still
   takes a typed code. A finder with data-hs-add-to="<id>" adds the code picked to that field's
   comma-separated list (the registration form). */
(function () {
  "use strict";
  document.querySelectorAll("input[list]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list || !list.dataset.hsUrl) return;
    var chosen = input.closest("form").querySelector("[data-hs-chosen]");
    var timer = null;
    var labels = {};
    function show() {
      if (chosen) chosen.textContent = labels[input.value.trim()] || "";
    }
    function fill(results) {
      list.replaceChildren();
      results.forEach(function (r) {
        var option = document.createElement("option");
        option.value = r.code;
        option.textContent = r.code + " " + r.label;
        option.label = r.code + " " + r.label;
        labels[r.code] = r.code + " — " + r.label + (r.en && r.en !== r.label ? " / " + r.en : "");
        list.appendChild(option);
      });
      show();
    }
    var target = input.dataset.hsAddTo ? document.getElementById(input.dataset.hsAddTo) : null;
    function add(code) {
      var codes = target.value.split(/[,;\s]+/).filter(Boolean);
      if (codes.indexOf(code) === -1) codes.push(code);
      target.value = codes.join(", ");
      target.dispatchEvent(new Event("input", { bubbles: true }));
      if (chosen) chosen.textContent = labels[code];
      input.value = "";
    }
    if (target) {
      input.addEventListener("keydown", function (event) {  // Enter adds a known code, never submits
        if (event.key !== "Enter") return;
        event.preventDefault();
        if (labels[input.value.trim()]) add(input.value.trim());
      });
    }
    input.addEventListener("input", function (event) {
      clearTimeout(timer);
      var q = input.value.trim();
      var picked = !event.inputType || event.inputType === "insertReplacementText";
      if (target && picked && labels[q]) {  // a code picked from the list: add it to the field
        add(q);
        return;
      }
      show();
      if (!q) return;
      timer = setTimeout(function () {
        fetch(list.dataset.hsUrl + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) { fill(data.results || []); })
          .catch(function () { /* the field still accepts a typed code */ });
      }, 200);
    });
  });
})();
