// Pick the point of a report on the map; typed coordinates and the keyboard do the same.
(function () {
  "use strict";
  var box = document.getElementById("map");
  if (!box || !window.TazaMaps) { return; }
  var lat = document.getElementById("id_lat");
  var lon = document.getElementById("id_lon");
  var map = window.TazaMaps.create(box);
  var marker = null;
  function show(latitude, longitude) {
    // Others (the "already reported nearby" list) follow the point.
    document.dispatchEvent(new CustomEvent("taza:point", { detail: { lat: latitude, lon: longitude } }));
    if (marker) { marker.setLngLat([longitude, latitude]); return; }
    marker = new window.TazaMaps.maplibregl.Marker({ color: "#b3261e" })
      .setLngLat([longitude, latitude]).addTo(map);
  }
  function place(latitude, longitude, zoom) {
    lat.value = latitude.toFixed(6);
    lon.value = longitude.toFixed(6);
    show(latitude, longitude);
    if (zoom) { map.jumpTo({ center: [longitude, latitude], zoom: zoom }); }
  }
  // Typed coordinates (a decimal comma is fine) move the marker as a click would.
  function typed() {
    var la = parseFloat(lat.value.replace(",", ".")), lo = parseFloat(lon.value.replace(",", "."));
    if (isFinite(la) && isFinite(lo) && Math.abs(la) <= 90 && Math.abs(lo) <= 180) {
      show(la, lo);
      map.jumpTo({ center: [lo, la], zoom: Math.max(map.getZoom(), 12) });
    }
  }
  lat.addEventListener("change", typed);
  lon.addEventListener("change", typed);
  map.on("click", function (e) { place(e.lngLat.lat, e.lngLat.lng); });
  // By keyboard: arrows move the map, +/- zoom, Enter puts the point at its centre.
  box.addEventListener("keydown", function (e) {
    if (e.key === "Enter") {
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
