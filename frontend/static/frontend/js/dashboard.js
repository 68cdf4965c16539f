/* The organizer's dashboard: draw the snapshot (chart.js), then redraw every snapshot the socket sends.
   Protocol: docs/dashboard.md. The page works without this script: the first snapshot is in the HTML. */
(function () {
  "use strict";
  var script = document.currentScript;
  var labels = JSON.parse(document.getElementById("dash-labels").textContent);
  var lang = document.documentElement.lang || "en";
  var regions = window.Intl && Intl.DisplayNames ? new Intl.DisplayNames([lang], { type: "region" }) : null;
  var number = new Intl.NumberFormat(lang);
  var money = new Intl.NumberFormat(lang, { style: "currency", currency: "USD", maximumFractionDigits: 0 });
  // Times in the viewer's own zone (the one the server shows pages in), not the browser's.
  var zone = document.documentElement.dataset.timeZone || undefined;
  var timeFormat;
  try { timeFormat = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", timeZone: zone }); }
  catch (e) { timeFormat = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit" }); }
  var clock = function (iso) { return timeFormat.format(new Date(iso)); };
  var charts = {};

  function country(code) {
    if (!code) return "–";
    try { return regions ? regions.of(code) : code; } catch (e) { return code; }
  }
  function pick(obj, path) {
    return path.split(".").reduce(function (o, k) { return o == null ? o : o[k]; }, obj);
  }
  function chart(id, type, chartLabels, datasets, extra) {
    var canvas = document.getElementById(id);
    if (!canvas || !window.Chart) return;
    if (charts[id]) {
      charts[id].data.labels = chartLabels;
      charts[id].data.datasets.forEach(function (d, i) { d.data = datasets[i].data; });
      charts[id].update("none");
      return;
    }
    charts[id] = new Chart(canvas, {
      type: type,
      data: { labels: chartLabels, datasets: datasets },
      options: Object.assign({
        animation: false, responsive: true, maintainAspectRatio: true,
        plugins: { legend: { display: datasets.length > 1, labels: { font: { size: 14 } } } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0, font: { size: 14 } } },
                  x: { ticks: { font: { size: 14 } } } }
      }, extra || {})
    });
  }
  function list(name, rows, render, empty) {
    var el = document.querySelector('[data-list="' + name + '"]');
    if (!el) return;
    el.replaceChildren();
    if (!rows.length) rows = [null];
    rows.forEach(function (row) {
      var li = document.createElement("li");
      if (row === null) { li.textContent = empty; el.appendChild(li); return; }
      var pair = render(row);
      var span = document.createElement("span"); span.textContent = pair[0];
      var b = document.createElement("b"); b.textContent = pair[1];
      if (pair[2] != null) li.dataset.booth = pair[2];
      li.append(span, " ", b);
      el.appendChild(li);
    });
  }

  function table(name, rows, cells) {
    var body = document.querySelector('[data-table="' + name + '"]');
    if (!body || !rows) return;
    body.replaceChildren();
    if (!rows.length) {
      var tr = document.createElement("tr"), td = document.createElement("td");
      td.colSpan = 6; td.textContent = body.dataset.empty || labels.none;
      tr.appendChild(td); body.appendChild(tr); return;
    }
    rows.forEach(function (row) {
      var tr = document.createElement("tr");
      cells(row).forEach(function (value, i) {
        var cell = document.createElement(i < 2 ? "th" : "td");
        if (i < 2) cell.scope = "row";
        cell.textContent = i < 2 ? (value || "–") : number.format(value);
        tr.appendChild(cell);
      });
      body.appendChild(tr);
    });
  }

  function draw(s) {
    document.querySelectorAll("[data-stat]").forEach(function (el) {
      var v = pick(s, el.dataset.stat);
      el.textContent = el.dataset.format === "money" ? money.format(Number(v)) : number.format(v);
    });
    var at = document.getElementById("dash-at");
    if (at) { at.dateTime = s.at; at.textContent = clock(s.at); }
    var blue = "#0b4f8a", green = "#1e6b32", orange = "#a15c00";
    chart("chart-visits", "bar",
      s.visits_per_hour.map(function (h) { return timeFormat.format(new Date(h[0])); }),
      [{ label: labels.visits, data: s.visits_per_hour.map(function (h) { return h[1]; }), backgroundColor: blue }]);
    var f = s.funnel;
    chart("chart-funnel", "bar",
      [labels.requested, labels.accepted, labels.held, labels.no_show, labels.deal],
      [{ label: labels.held, data: [f.requested, f.accepted, f.held, f.no_show, f.deal],
         backgroundColor: [blue, blue, green, orange, green] }], { indexAxis: "y" });
    chart("chart-country", "bar", s.meetings_by_country.map(function (r) { return country(r.country); }),
      [{ label: labels.requested, data: s.meetings_by_country.map(function (r) { return r.requested; }), backgroundColor: blue },
       { label: labels.held, data: s.meetings_by_country.map(function (r) { return r.held; }), backgroundColor: green }]);
    chart("chart-chapter", "bar", s.meetings_by_chapter.map(function (r) { return "HS " + r.chapter; }),
      [{ label: labels.requested, data: s.meetings_by_chapter.map(function (r) { return r.requested; }), backgroundColor: blue },
       { label: labels.held, data: s.meetings_by_chapter.map(function (r) { return r.held; }), backgroundColor: green }]);
    var o = s.online;
    list("online.by_role", o.by_role, function (r) { return [labels.roles[r[0]] || r[0], number.format(r[1])]; }, labels.nobody);
    list("online.by_hall", o.by_hall, function (r) { return [r[0] || "–", number.format(r[1])]; }, labels.nobody);
    list("online.by_country", o.by_country, function (r) { return [country(r[0]), number.format(r[1])]; }, labels.nobody);
    list("online.booths", o.booths, function (b) { return [b.name, number.format(b.online), b.booth]; }, labels.nobody);
    list("busiest_booths", s.busiest_booths, function (b) { return [b.name, number.format(b.visits), b.booth]; }, labels.none);
    list("unvisited_booths.booths", s.unvisited_booths.booths, function (b) { return [b.name, b.hall]; }, labels.none);
    list("chats_waiting.threads", s.chats_waiting.threads,
      function (t) { return [t.name, clock(t.since)]; }, labels.none);
    table("standing_halls", s.standing_halls,
      function (r) { return [r.month, r.hall, r.meetings, r.knocks, r.requests, r.quotes]; });
    list("interpreter_load", s.interpreter_load, function (r) { return [r.name, number.format(r.meetings)]; }, labels.none);
  }

  function connect(path) {
    var status = document.getElementById("dash-live");
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + path);
    socket.onopen = function () { status.textContent = status.dataset.live; };
    socket.onmessage = function (e) {
      var frame = JSON.parse(e.data);
      if (frame.type === "snapshot") draw(frame.snapshot);
    };
    socket.onclose = function (e) {
      status.textContent = status.dataset.offline;
      if (e.code !== 4403 && e.code !== 4404) setTimeout(function () { connect(path); }, 3000);
    };
  }

  draw(JSON.parse(document.getElementById("dash-snapshot").textContent));
  document.querySelectorAll("[data-print]").forEach(function (b) { b.addEventListener("click", function () { window.print(); }); });
  if (script && script.dataset.socket) connect(script.dataset.socket);
})();
