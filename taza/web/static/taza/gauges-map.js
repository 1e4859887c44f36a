// River gauges on a map, coloured by warning level.
(function () {
  "use strict";
  var box = document.getElementById("gauges-map");
  if (!box || !window.TazaMaps) { return; }
  var map = window.TazaMaps.create(box);
  map.on("load", function () {
    fetch(box.dataset.gauges).then(function (r) { return r.json(); }).then(function (data) {
      map.addSource("gauges", { type: "geojson", data: data });
      map.addLayer({
        id: "gauges", type: "circle", source: "gauges",
        paint: {
          "circle-radius": 7,
          "circle-color": ["match", ["get", "level"], "normal", "#00a651", "rising", "#d4b000",
            "approaching", "#ff7e00", "danger", "#e00000", "critical", "#7e0023", "#8a8a8a"],
          "circle-stroke-color": "#fff", "circle-stroke-width": 1.5
        }
      });
      map.on("click", "gauges", function (e) {
        var f = e.features[0].properties;
        window.TazaMaps.linkPopup("/hazards/floods/gauges/" + f.code + "/", f.river + ": " + f.name)
          .setLngLat(e.lngLat).addTo(map);
      });
      box.dataset.count = String(data.features.length);
    });
  });
}());
