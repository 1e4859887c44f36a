// "All on this page" in a work list's bulk bar: ticks or clears every row's checkbox that
// belongs to the bar's form. Without JavaScript each row is ticked by hand.
(function () {
  "use strict";
  document.querySelectorAll("input[data-tick-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      var rows = document.querySelectorAll('input[type=checkbox][form="' + box.dataset.tickAll + '"]');
      rows.forEach(function (row) { row.checked = box.checked; });
    });
  });
})();
