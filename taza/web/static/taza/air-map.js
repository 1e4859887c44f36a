// A city's monitoring posts on a map, coloured by AQI band or by СИ grade.
(function () {
  "use strict";
  var box = document.getElementById("air-map");
  if (!box || !window.TazaMaps) { return; }
  var colours = {
    band: ["match", ["get", "band"], "good", "#00a651", "moderate", "#d4b000", "sensitive", "#ff7e00",
      "unhealthy", "#e00000", "very_unhealthy", "#8f3f97", "hazardous", "#7e0023", "#8a8a8a"],
    si_grade: ["match", ["get", "si_grade"], "low", "#00a651", "elevated", "#d4b000", "high", "#e00000",
      "very_high", "#7e0023", "#8a8a8a"]
  };
  var centre = box.dataset.center.split(",").map(Number);
  var map = window.TazaMaps.create(box, { center: centre, zoom: 10 });
  map.on("load", function () {
    fetch(box.dataset.posts).then(function (r) { return r.json(); }).then(function (data) {
      map.addSource("posts", { type: "geojson", data: data });
      map.addLayer({
        id: "posts", type: "circle", source: "posts",
        paint: { "circle-radius": 9, "circle-color": colours.band, "circle-stroke-color": "#fff", "circle-stroke-width": 2 }
      });
      map.on("click", "posts", function (e) {
        var f = e.features[0].properties;
        window.TazaMaps.linkPopup("/air/posts/" + f.code + "/", f.name + (f.aqi === null ? "" : " · AQI " + f.aqi))
          .setLngLat(e.lngLat).addTo(map);
      });
      document.querySelectorAll("input[name=colour]").forEach(function (input) {
        input.addEventListener("change", function () {
          map.setPaintProperty("posts", "circle-color", colours[input.value]);
          box.dataset.colour = input.value;
        });
      });
      box.dataset.count = String(data.features.length);
    });
  });
}());
