// The hazards' map layers, shared by the fires' map, the gauges' map and the map of both.
(function () {
  "use strict";
  function load(map, url, id, paint, link, box) {
    return fetch(url).then(function (r) { return r.json(); }).then(function (data) {
      map.addSource(id, { type: "geojson", data: data });
      map.addLayer({ id: id, type: "circle", source: id, paint: paint });
      map.on("click", id, function (e) {
        var found = link(e.features[0].properties);
        window.TazaMaps.linkPopup(found[0], found[1]).setLngLat(e.lngLat).addTo(map);
      });
      box.dataset[id] = String(data.features.length);
      return data.features.length;
    });
  }
  window.TazaHazards = {
    fires: function (map, url, box) {
      return load(map, url, "fires", {
        "circle-radius": 7,
        "circle-color": ["match", ["get", "state"], "new", "#e00000", "confirmed", "#ff7e00",
          "extinguished", "#5a5a5a", "#8a8a8a"],
        "circle-stroke-color": "#fff", "circle-stroke-width": 1.5
      }, function (f) { return ["/hazards/fires/" + f.id + "/", "№ " + f.id]; }, box);
    },
    gauges: function (map, url, box) {
      return load(map, url, "gauges", {
        "circle-radius": 7,
        "circle-color": ["match", ["get", "level"], "normal", "#00a651", "rising", "#d4b000",
          "approaching", "#ff7e00", "danger", "#e00000", "critical", "#7e0023", "#8a8a8a"],
        "circle-stroke-color": "#1a3d7c", "circle-stroke-width": 2
      }, function (f) { return ["/hazards/floods/gauges/" + f.code + "/", f.river + ": " + f.name]; }, box);
    }
  };
}());
