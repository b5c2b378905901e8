// Worksheets: the print button. CSP forbids inline handlers, so the click is wired up here.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
