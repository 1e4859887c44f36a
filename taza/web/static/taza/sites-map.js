// The registry on a map: outlines where known, points otherwise, coloured by state.
(function () {
  "use strict";
  var box = document.getElementById("sites-map");
  if (!box || !window.TazaMaps) { return; }
  var colour = ["match", ["get", "state"], "liquidated", "#1b7f4b", "reinspected", "#1b7f4b", "candidate", "#888888", "#b3261e"];
  var map = window.TazaMaps.create(box);
  map.on("load", function () {
    fetch(box.dataset.sites).then(function (r) { return r.json(); }).then(function (data) {
      map.addSource("sites", { type: "geojson", data: data });
      map.addLayer({ id: "site-areas", type: "fill", source: "sites", filter: ["==", ["geometry-type"], "Polygon"],
        paint: { "fill-color": colour, "fill-opacity": 0.3 } });
      map.addLayer({ id: "site-edges", type: "line", source: "sites", filter: ["==", ["geometry-type"], "Polygon"],
        paint: { "line-color": colour, "line-width": 2 } });
      map.addLayer({ id: "site-points", type: "circle", source: "sites", filter: ["==", ["geometry-type"], "Point"],
        paint: { "circle-radius": 6, "circle-color": colour, "circle-opacity": 0.6, "circle-stroke-color": colour, "circle-stroke-width": 1 } });
      ["site-areas", "site-points"].forEach(function (layer) {
        map.on("click", layer, function (e) {
          var f = e.features[0].properties;
          window.TazaMaps.linkPopup("/sites/" + f.id + "/", f.label).setLngLat(e.lngLat).addTo(map);
        });
      });
      box.dataset.count = String(data.features.length);
      var bounds = window.TazaMaps.boundsOf(data);
      if (bounds) { map.fitBounds(bounds, { maxZoom: 14, padding: 30, animate: false }); }
    });
  });
}());
