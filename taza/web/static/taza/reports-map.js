// The public map: the server aggregates, the browser only draws what it is sent.
(function () {
  "use strict";
  var box = document.getElementById("map");
  if (!box || !window.TazaMaps) { return; }
  var filters = document.getElementById("map-filters");
  var map = window.TazaMaps.create(box);
  var request = 0;
  function load() {
    var b = map.getBounds();
    var params = new URLSearchParams(new FormData(filters));
    // MapLibre's zoom 0 shows the world in one 512 px tile, the web's usual (and the
    // API's) in one 256 px tile: one level apart.
    params.set("zoom", String(Math.round(map.getZoom()) + 1));
    params.set("bbox", [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); }).join(","));
    var mine = ++request;
    fetch(box.dataset.items + "?" + params.toString()).then(function (r) { return r.json(); }).then(function (data) {
      if (mine !== request || !data.items) { return; }
      box.dataset.level = data.level;
      box.dataset.count = data.items.length;
      var most = data.items.reduce(function (m, item) { return Math.max(m, item.count); }, 1);
      map.getSource("items").setData({
        type: "FeatureCollection",
        features: data.items.map(function (item) {
          // Area follows the count, scaled to the largest circle in view.
          var radius = item.count > 1 ? 6 + 30 * Math.sqrt(item.count / most) : 6;
          return {
            type: "Feature",
            geometry: { type: "Point", coordinates: [item.lon, item.lat] },
            properties: { count: item.count, radius: radius, public_id: item.public_id || "" }
          };
        })
      });
    });
  }
  map.on("load", function () {
    map.addSource("items", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
    map.addLayer({
      id: "items", type: "circle", source: "items",
      paint: {
        "circle-radius": ["get", "radius"], "circle-color": "#b3261e", "circle-opacity": 0.5,
        "circle-stroke-color": "#b3261e", "circle-stroke-width": 1
      }
    });
    map.on("click", "items", function (e) {
      var item = e.features[0].properties;
      if (item.public_id) {
        window.TazaMaps.linkPopup("/reports/" + item.public_id + "/", "№ " + item.public_id)
          .setLngLat(e.lngLat).addTo(map);
      } else {  // a group: come closer to see what it holds
        map.easeTo({ center: e.lngLat, zoom: Math.min(map.getZoom() + 2, map.getMaxZoom()) });
      }
    });
    map.on("mouseenter", "items", function () { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", "items", function () { map.getCanvas().style.cursor = ""; });
    map.on("moveend", load);
    filters.addEventListener("change", load);
    load();
  });
  window.tazaReportsMap = map;
})();
