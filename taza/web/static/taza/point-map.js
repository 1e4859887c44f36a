// A small map of one place (a report, an event, a waste site), with its outline if known.
(function () {
  "use strict";
  if (!window.TazaMaps) { return; }
  document.querySelectorAll("[data-point-map]").forEach(function (box) {
    var point = [parseFloat(box.dataset.lon), parseFloat(box.dataset.lat)];
    if (!isFinite(point[0]) || !isFinite(point[1])) { return; }
    var map = window.TazaMaps.create(box, { center: point, zoom: 13 });
    new window.TazaMaps.maplibregl.Marker({ color: "#b3261e" }).setLngLat(point).addTo(map);
    if (box.dataset.outline) {
      map.on("load", function () {
        var outline = JSON.parse(box.dataset.outline);
        map.addSource("outline", { type: "geojson", data: outline });
        map.addLayer({ id: "outline", type: "line", source: "outline", paint: { "line-color": "#b3261e", "line-width": 2 } });
        var bounds = window.TazaMaps.boundsOf({ features: [{ geometry: outline }] });
        if (bounds) { map.fitBounds(bounds, { maxZoom: 17, padding: 40, animate: false }); }
      });
    }
    box.tazaMap = map;
  });
}());
