// Statistics on a map: each region (or the chosen region's districts) shaded by the share
// of its reports resolved. The tables on the page hold the same figures in words.
(function () {
  "use strict";
  var box = document.getElementById("statistics-map");
  if (!box || !window.TazaMaps) { return; }
  var shaded = JSON.parse(document.getElementById("shaded").textContent);
  var lang = document.documentElement.lang || "kk";
  var count = new Intl.NumberFormat(lang);
  var share = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });
  // The same three bands as the legend under the map.
  function colour(entry) {
    if (!entry || !entry.total || entry.share === null) { return "#cccccc"; }
    if (entry.share < 0.5) { return "#d9534f"; }
    if (entry.share < 0.8) { return "#f0c04a"; }
    return "#1b7f4b";
  }
  var map = window.TazaMaps.create(box, { outlines: false });
  map.on("load", function () {
    fetch(box.dataset.geojson).then(function (r) { return r.json(); }).then(function (data) {
      data.features.forEach(function (feature) {
        var entry = shaded[feature.properties.code];
        feature.properties.fill = colour(entry);
        feature.properties.label = entry ?
          entry.name + ": " + count.format(entry.total) + " · " +
            (entry.share === null ? "—" : share.format(entry.share)) :
          feature.properties.code + ": 0";
      });
      map.addSource("shaded", { type: "geojson", data: data, attribution: window.TazaMaps.config.boundaries });
      map.addLayer({ id: "shaded", type: "fill", source: "shaded", paint: { "fill-color": ["get", "fill"], "fill-opacity": 0.7 } });
      map.addLayer({ id: "shaded-edges", type: "line", source: "shaded", paint: { "line-color": "#555555", "line-width": 1 } });
      map.on("click", "shaded", function (e) {
        new window.TazaMaps.maplibregl.Popup().setLngLat(e.lngLat)
          .setText(e.features[0].properties.label).addTo(map);
      });
      var bounds = window.TazaMaps.boundsOf(data);
      if (bounds) { map.fitBounds(bounds, { padding: 10, animate: false }); }
      box.dataset.loaded = String(data.features.length);
    });
  });
}());
