/* Registers the service worker (/sw.js), which keeps My bookings, registration pages and
 * centres' pages readable offline. Every page works without it. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.isSecureContext) {
    return;
  }
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  // The worker drops personal copies when it sees the sign-out; say it too, in case the
  // form is sent before the worker controls this page.
  document.querySelectorAll('form[data-sign-out]').forEach(function (form) {
    form.addEventListener("submit", function () {
      if (navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage("forget-personal");
      }
    });
  });
})();
