// The registry on a map: outlines where known, points otherwise, coloured by state.
(function () {
  "use strict";
  var box = document.getElementById("sites-map");
  if (!box || !window.L) { return; }
  var colours = { liquidated: "#1b7f4b", reinspected: "#1b7f4b", candidate: "#888888" };
  var map = L.map(box).setView([48.0, 67.0], 5);
  map.attributionControl.setPrefix("");
  map.attributionControl.addAttribution("geokz, CC BY 4.0");
  fetch(box.dataset.regions).then(function (r) { return r.json(); }).then(function (data) {
    L.geoJSON(data, { style: { color: "#1b7f4b", weight: 1, fillOpacity: 0.03 } }).addTo(map);
  });
  fetch(box.dataset.sites).then(function (r) { return r.json(); }).then(function (data) {
    var layer = L.geoJSON(data, {
      style: function (f) { return { color: colours[f.properties.state] || "#b3261e", weight: 2 }; },
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, { radius: 6, color: colours[f.properties.state] || "#b3261e", fillOpacity: 0.6 });
      },
      onEachFeature: function (f, shape) {
        var link = document.createElement("a");
        link.href = "/sites/" + f.properties.id + "/";
        link.textContent = f.properties.label;
        shape.bindPopup(link);
      }
    }).addTo(map);
    box.dataset.count = String(data.features.length);
    if (data.features.length) { map.fitBounds(layer.getBounds(), { maxZoom: 14 }); }
  });
}());
