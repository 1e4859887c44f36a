// An executor who reports for several bodies or regions picks one pair in a list; the
// form's hidden body and region fields follow the choice.
(function () {
  document.querySelectorAll("select[data-pair]").forEach(function (select) {
    function follow() {
      var option = select.options[select.selectedIndex];
      if (!option) { return; }
      select.form.body.value = option.dataset.body;
      select.form.region.value = option.dataset.region;
    }
    select.addEventListener("change", follow);
    follow();  // a page shown again after an error keeps the pair chosen before
  });
}());
