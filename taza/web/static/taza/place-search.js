// Find a place or an address and show it on the map; on the report form an address
// puts the point there too.
(function () {
  "use strict";
  document.querySelectorAll(".place-search").forEach(function (widget) {
    var input = widget.querySelector(".place-q");
    var list = widget.querySelector(".place-results");
    var box = document.getElementById(widget.dataset.map);
    function show(place) {
      var map = box && box.tazaMap;
      if (!map) { return; }
      if (place.bbox) {
        map.fitBounds([[place.bbox[0], place.bbox[1]], [place.bbox[2], place.bbox[3]]], { padding: 20, animate: false });
      } else {
        map.jumpTo({ center: [place.lon, place.lat], zoom: Math.min(17, map.getMaxZoom()) });
        if (window.tazaMap && window.tazaMap.map === map) { window.tazaMap.place(place.lat, place.lon); }
      }
    }
    function find() {
      var query = input.value.trim();
      if (!query) { return; }
      fetch(widget.dataset.url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (answer) {
          list.textContent = "";
          var places = answer.ok ? answer.body : [];
          if (!answer.ok || !places.length) {
            var item = document.createElement("li");
            item.textContent = answer.ok ? widget.dataset.nothing : answer.body.detail;
            list.appendChild(item);
            return;
          }
          places.forEach(function (place) {
            var item = document.createElement("li");
            var button = document.createElement("button");
            button.type = "button";
            button.className = "place-result place-" + place.kind;
            button.textContent = place.name + (place.within ? " — " + place.within : "");
            button.addEventListener("click", function () { show(place); });
            item.appendChild(button);
            list.appendChild(item);
          });
        });
    }
    widget.querySelector(".place-go").addEventListener("click", find);
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); find(); }  // not the report form's submit
    });
  });
}());
