// Pick the point of a report on a map drawn from Taza's own region outlines (no tile server).
(function () {
  "use strict";
  var box = document.getElementById("map");
  if (!box || !window.L) { return; }
  var lat = document.getElementById("id_lat");
  var lon = document.getElementById("id_lon");
  var map = L.map(box, { attributionControl: true }).setView([48.0, 67.0], 5);
  map.attributionControl.setPrefix("");
  map.attributionControl.addAttribution("geokz, CC BY 4.0");
  var marker = null;
  function place(latitude, longitude, zoom) {
    lat.value = latitude.toFixed(6);
    lon.value = longitude.toFixed(6);
    show(latitude, longitude);
    if (zoom) { map.setView([latitude, longitude], zoom); }
  }
  function show(latitude, longitude) {
    if (marker) { marker.setLatLng([latitude, longitude]); }
    else { marker = L.circleMarker([latitude, longitude], { radius: 8, color: "#b3261e" }).addTo(map); }
  }
  // Typed coordinates (a decimal comma is fine) move the marker as a click would.
  function typed() {
    var la = parseFloat(lat.value.replace(",", ".")), lo = parseFloat(lon.value.replace(",", "."));
    if (isFinite(la) && isFinite(lo) && Math.abs(la) <= 90 && Math.abs(lo) <= 180) {
      show(la, lo);
      map.setView([la, lo], Math.max(map.getZoom(), 12));
    }
  }
  lat.addEventListener("change", typed);
  lon.addEventListener("change", typed);
  fetch(box.dataset.regions).then(function (r) { return r.json(); }).then(function (data) {
    L.geoJSON(data, { style: { color: "#1b7f4b", weight: 1, fillOpacity: 0.06 } }).addTo(map);
  });
  map.on("click", function (e) { place(e.latlng.lat, e.latlng.lng); });
  // By keyboard: arrows move the map, +/- zoom, Enter puts the point at its centre.
  box.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target === box) {
      var centre = map.getCenter();
      place(centre.lat, centre.lng);
      e.preventDefault();
    }
  });
  if (lat.value && lon.value) { typed(); }
  var button = document.getElementById("use-location");
  if (button && navigator.geolocation) {
    button.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        place(pos.coords.latitude, pos.coords.longitude, 15);
      });
    });
  }
  window.tazaMap = { map: map, place: place };
})();
