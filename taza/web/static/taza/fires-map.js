// Fires on a map, coloured by state.
(function () {
  "use strict";
  var box = document.getElementById("fires-map");
  if (!box || !window.TazaMaps) { return; }
  var map = window.TazaMaps.create(box);
  map.on("load", function () {
    fetch(box.dataset.fires).then(function (r) { return r.json(); }).then(function (data) {
      map.addSource("fires", { type: "geojson", data: data });
      map.addLayer({
        id: "fires", type: "circle", source: "fires",
        paint: {
          "circle-radius": 7,
          "circle-color": ["match", ["get", "state"], "new", "#e00000", "confirmed", "#ff7e00",
            "extinguished", "#5a5a5a", "#8a8a8a"],
          "circle-stroke-color": "#fff", "circle-stroke-width": 1.5
        }
      });
      map.on("click", "fires", function (e) {
        var f = e.features[0].properties;
        window.TazaMaps.linkPopup("/hazards/fires/" + f.id + "/", "№ " + f.id).setLngLat(e.lngLat).addTo(map);
      });
      box.dataset.count = String(data.features.length);
    });
  });
}());
