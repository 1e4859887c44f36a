// River gauges on a map, coloured by warning level.
(function () {
  "use strict";
  var box = document.getElementById("gauges-map");
  if (!box || !window.TazaMaps || !window.TazaHazards) { return; }
  var map = window.TazaMaps.create(box);
  map.on("load", function () {
    window.TazaHazards.gauges(map, box.dataset.gauges, box).then(function (n) {
      box.dataset.count = String(n);
    });
  });
}());
