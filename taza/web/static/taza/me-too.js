// Before a report is sent: open reports of the same kind near the point, "this is mine too".
(function () {
  "use strict";
  var box = document.getElementById("nearby");
  var category = document.getElementById("id_category");
  if (!box || !category) { return; }
  var codes = JSON.parse(document.getElementById("category-codes").textContent);
  var list = box.querySelector("ul");
  var point = null;
  var asked = 0;
  function look() {
    var code = codes[category.value];
    if (!point || !code) { box.hidden = true; return; }
    var mine = ++asked;
    var params = new URLSearchParams({ category: code, lat: point.lat.toFixed(6), lon: point.lon.toFixed(6) });
    fetch(box.dataset.url + "?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (reports) {
        if (mine !== asked) { return; }
        list.textContent = "";
        reports.forEach(function (report) {
          var item = document.createElement("li");
          item.textContent = "№ " + report.public_id + " · " + report.state_name + " · " + report.distance_m + " " + box.dataset.metres + " ";
          var link = document.createElement("a");
          link.href = report.url + "#follow";
          link.textContent = box.dataset.text;
          item.appendChild(link);
          list.appendChild(item);
        });
        box.hidden = reports.length === 0;
      });
  }
  document.addEventListener("taza:point", function (e) { point = e.detail; look(); });
  category.addEventListener("change", look);
}());
