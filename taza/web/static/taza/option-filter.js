// A search box that narrows a long select: typing "караг" leaves the Karaganda group and
// any body whose name holds the words. Without JavaScript the grouped list still works.
(function () {
  "use strict";
  document.querySelectorAll("input[data-filters]").forEach(function (input) {
    var select = document.querySelector(input.dataset.filters);
    if (!select) { return; }
    input.addEventListener("input", function () {
      var words = input.value.toLocaleLowerCase().split(/\s+/).filter(Boolean);
      select.querySelectorAll("optgroup").forEach(function (group) {
        var groupMatches = words.every(function (w) { return group.label.toLocaleLowerCase().indexOf(w) >= 0; });
        var shown = 0;
        group.querySelectorAll("option").forEach(function (option) {
          var text = (group.label + " " + option.textContent).toLocaleLowerCase();
          var show = groupMatches || words.every(function (w) { return text.indexOf(w) >= 0; });
          option.hidden = !show;
          if (show) { shown += 1; }
        });
        group.hidden = shown === 0;
      });
    });
  });
}());
