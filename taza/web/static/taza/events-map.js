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
  if (!box || !window.L) { return; }
  var map = L.map(box).setView([48.0, 67.0], 4);
  map.attributionControl.setPrefix("");
  map.attributionControl.addAttribution("geokz, CC BY 4.0");
  fetch(box.dataset.regions).then(function (r) { return r.json(); }).then(function (data) {
    L.geoJSON(data, { style: { color: "#1b7f4b", weight: 1, fillOpacity: 0.05 } }).addTo(map);
  });
  fetch(box.dataset.events).then(function (r) { return r.json(); }).then(function (data) {
    data.features.forEach(function (f) {
      var c = f.geometry.coordinates;
      var marker = L.circleMarker([c[1], c[0]], { radius: 6, color: "#1b7f4b", weight: 2, fillOpacity: 0.6 });
      var link = document.createElement("a");
      link.href = "/campaigns/events/" + f.properties.id + "/";
      link.textContent = f.properties.title + " · " + f.properties.starts;
      marker.bindPopup(link);
      marker.addTo(map);
    });
    box.dataset.count = String(data.features.length);
  });
}());
