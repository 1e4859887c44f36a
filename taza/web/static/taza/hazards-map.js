// Fires and river gauges on one map, as the filters above it chose.
(function () {
  "use strict";
  var box = document.getElementById("hazards-map");
  if (!box || !window.TazaMaps || !window.TazaHazards) { return; }
  var map = window.TazaMaps.create(box);
  map.on("load", function () {
    Promise.all([
      box.dataset.fires ? window.TazaHazards.fires(map, box.dataset.fires, box) : 0,
      box.dataset.gauges ? window.TazaHazards.gauges(map, box.dataset.gauges, box) : 0
    ]).then(function (counts) { box.dataset.count = String(counts[0] + counts[1]); });
  });
}());
