// Fires on a map, coloured by state.
(function () {
  "use strict";
  var box = document.getElementById("fires-map");
  if (!box || !window.TazaMaps || !window.TazaHazards) { return; }
  var map = window.TazaMaps.create(box);
  map.on("load", function () {
    window.TazaHazards.fires(map, box.dataset.fires, box).then(function (n) {
      box.dataset.count = String(n);
    });
  });
}());
