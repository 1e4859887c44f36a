// When a form comes back with errors, move the focus to their summary, so that a
// screen reader announces them and a keyboard user starts from there.
(function () {
  var summary = document.getElementById("form-errors");
  if (summary) { summary.focus(); }
}());
