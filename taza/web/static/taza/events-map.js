// Upcoming events on a map, and "nearest to me" from the browser's position.
(function () {
  "use strict";
  var near = document.getElementById("near-me");
  if (near && navigator.geolocation) {
    near.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        document.getElementById("near-lat").value = position.coords.latitude.toFixed(5);
        document.getElementById("near-lon").value = position.coords.longitude.toFixed(5);
        document.getElementById("event-filters").submit();
      });
    });
  }
  var box = document.getElementById("events-map");
  if (!box || !window.TazaMaps) { return; }
  var map = window.TazaMaps.create(box);
  map.on("load", function () {
    fetch(box.dataset.events).then(function (r) { return r.json(); }).then(function (data) {
      map.addSource("events", { type: "geojson", data: data });
      map.addLayer({
        id: "events", type: "circle", source: "events",
        paint: {
          "circle-radius": 6, "circle-color": "#1b7f4b", "circle-opacity": 0.6,
          "circle-stroke-color": "#1b7f4b", "circle-stroke-width": 2
        }
      });
      map.on("click", "events", function (e) {
        var f = e.features[0].properties;
        window.TazaMaps.linkPopup("/campaigns/events/" + f.id + "/", f.title + " · " + f.starts)
          .setLngLat(e.lngLat).addTo(map);
      });
      box.dataset.count = String(data.features.length);
    });
  });
}());
