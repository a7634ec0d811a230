/* Small page actions declared in the markup, since the Content-Security-Policy runs no
   inline handlers: [data-print] prints the page, [data-select-on-click] selects its text. */
(function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("[data-select-on-click]").forEach(function (field) {
    field.addEventListener("click", function () { field.select(); });
  });
})();
