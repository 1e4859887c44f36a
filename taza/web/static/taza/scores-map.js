// Region scorecards on a map: each region shaded by its score (the table holds the figures).
(function () {
  "use strict";
  var box = document.getElementById("scores-map");
  if (!box || !window.TazaMaps) { return; }
  var scores = JSON.parse(document.getElementById("scores").textContent);
  var map = window.TazaMaps.create(box, { outlines: false });
  // Shaded by place in the ranking: top third green, middle yellow, bottom third red.
  function colour(entry) {
    if (!entry || !entry.rank) { return "#cccccc"; }
    var place = (entry.rank - 1) / Math.max(entry.ranked, 1);
    if (place < 1 / 3) { return "#1b7f4b"; }
    if (place < 2 / 3) { return "#f0c04a"; }
    return "#d9534f";
  }
  map.on("load", function () {
    fetch(box.dataset.geojson).then(function (r) { return r.json(); }).then(function (data) {
      data.features.forEach(function (feature) {
        var entry = scores[feature.properties.code] || {};
        var score = entry.score;
        feature.properties.fill = colour(entry);
        feature.properties.label = (entry.name || feature.properties.code) + ": " +
          (score === undefined || score === null ? "—" : score + "%") + (entry.rank ? " · #" + entry.rank : "");
      });
      map.addSource("scores", { type: "geojson", data: data, attribution: window.TazaMaps.config.boundaries });
      map.addLayer({ id: "scores", type: "fill", source: "scores", paint: { "fill-color": ["get", "fill"], "fill-opacity": 0.7 } });
      map.addLayer({ id: "score-edges", type: "line", source: "scores", paint: { "line-color": "#555555", "line-width": 1 } });
      map.on("click", "scores", function (e) {
        var popup = new window.TazaMaps.maplibregl.Popup().setLngLat(e.lngLat);
        popup.setText(e.features[0].properties.label).addTo(map);
      });
      var bounds = window.TazaMaps.boundsOf(data);
      if (bounds) { map.fitBounds(bounds, { padding: 10, animate: false }); }
      box.dataset.loaded = String(data.features.length);
    });
  });
}());
