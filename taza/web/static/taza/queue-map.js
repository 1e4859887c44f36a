// A work list, this page of it, on a map: what is late in red. Each point carries its
// page (url) and its label (core.queues.map_point).
(function () {
  "use strict";
  var box = document.getElementById("queue-map");
  if (!box || !window.TazaMaps) { return; }
  var points = JSON.parse(document.getElementById("queue-points").textContent);
  var data = {
    type: "FeatureCollection",
    features: points.map(function (p) {
      return { type: "Feature", geometry: { type: "Point", coordinates: [p.lon, p.lat] }, properties: { url: p.url, label: p.label, overdue: !!p.overdue } };
    })
  };
  var map = window.TazaMaps.create(box);
  map.on("load", function () {
    map.addSource("queue", { type: "geojson", data: data });
    map.addLayer({
      id: "queue", type: "circle", source: "queue",
      paint: {
        "circle-radius": 7, "circle-color": ["case", ["get", "overdue"], "#b3261e", "#e08a00"],
        "circle-opacity": 0.7, "circle-stroke-color": "#ffffff", "circle-stroke-width": 1
      }
    });
    map.on("click", "queue", function (e) {
      var props = e.features[0].properties;
      window.TazaMaps.linkPopup(props.url, props.label).setLngLat(e.lngLat).addTo(map);
    });
    var bounds = window.TazaMaps.boundsOf(data);
    if (bounds) { map.fitBounds(bounds, { maxZoom: 14, padding: 30, animate: false }); }
    box.dataset.count = String(points.length);
  });
}());
