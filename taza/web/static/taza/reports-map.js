// The public map: the server aggregates, the browser only draws what it is sent.
(function () {
  "use strict";
  var box = document.getElementById("map");
  if (!box || !window.L) { return; }
  var filters = document.getElementById("map-filters");
  var map = L.map(box).setView([48.0, 67.0], 5);
  map.attributionControl.setPrefix("");
  map.attributionControl.addAttribution("geokz, CC BY 4.0");
  fetch(box.dataset.regions).then(function (r) { return r.json(); }).then(function (data) {
    L.geoJSON(data, { style: { color: "#1b7f4b", weight: 1, fillOpacity: 0.05 } }).addTo(map);
  });
  var layer = L.layerGroup().addTo(map);
  var request = 0;
  function load() {
    var b = map.getBounds();
    var params = new URLSearchParams(new FormData(filters));
    params.set("zoom", map.getZoom());
    params.set("bbox", [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); }).join(","));
    var mine = ++request;
    fetch(box.dataset.items + "?" + params.toString()).then(function (r) { return r.json(); }).then(function (data) {
      if (mine !== request) { return; }
      layer.clearLayers();
      box.dataset.level = data.level;
      box.dataset.count = data.items.length;
      var most = data.items.reduce(function (m, item) { return Math.max(m, item.count); }, 1);
      data.items.forEach(function (item) {
        // Area follows the count, scaled to the largest circle in view.
        var radius = item.count > 1 ? 6 + 30 * Math.sqrt(item.count / most) : 6;
        var marker = L.circleMarker([item.lat, item.lon], { radius: radius, color: "#b3261e", weight: 1, fillOpacity: 0.5 });
        if (item.public_id) {
          marker.bindPopup('<a href="/reports/' + item.public_id + '/">№ ' + item.public_id + "</a>");
        } else {
          marker.bindTooltip(String(item.count));
        }
        layer.addLayer(marker);
      });
    });
  }
  map.on("moveend", load);
  filters.addEventListener("change", load);
  load();
  window.tazaReportsMap = map;
})();
