// On a phone the header's links fold behind one "Menu" button; without script they
// simply stay visible. The button says whether the menu is open (aria-expanded).
(function () {
  var header = document.querySelector("header.top"), button = document.getElementById("menu-toggle");
  if (!header || !button) { return; }
  header.classList.add("js-menu");
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = header.classList.toggle("menu-open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
}());
