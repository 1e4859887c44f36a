// Region scorecards on a map: each region shaded by its score (the table holds the figures).
(function () {
  "use strict";
  var box = document.getElementById("scores-map");
  if (!box || !window.L) { return; }
  var scores = JSON.parse(document.getElementById("scores").textContent);
  var map = L.map(box).setView([48.0, 67.0], 4);
  map.attributionControl.setPrefix("");
  map.attributionControl.addAttribution("geokz, CC BY 4.0");
  // Shaded by place in the ranking: top third green, middle yellow, bottom third red.
  function colour(entry) {
    if (!entry || !entry.rank) { return "#cccccc"; }
    var place = (entry.rank - 1) / Math.max(entry.ranked, 1);
    if (place < 1 / 3) { return "#1b7f4b"; }
    if (place < 2 / 3) { return "#f0c04a"; }
    return "#d9534f";
  }
  fetch(box.dataset.geojson).then(function (r) { return r.json(); }).then(function (data) {
    var layer = L.geoJSON(data, {
      style: function (feature) {
        var entry = scores[feature.properties.code] || {};
        return { color: "#555", weight: 1, fillOpacity: 0.7, fillColor: colour(entry) };
      },
      onEachFeature: function (feature, shape) {
        var entry = scores[feature.properties.code] || {};
        var score = entry.score;
        shape.bindTooltip((entry.name || feature.properties.code) + ": " + (score === undefined || score === null ? "—" : score + "%") + (entry.rank ? " · #" + entry.rank : ""));
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds());
    box.dataset.loaded = String(data.features.length);
  });
}());
