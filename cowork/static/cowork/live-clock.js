/* Live occupancy, the clocks: the displays' wall clock and date, and each centre's clock
 * in its own zone on the network view, all on the server's time as live-link.js (loaded
 * first) keeps it.
 */
(function () {
  "use strict";

  var live = window.coworkLive;
  if (!live) {
    return;
  }
  var setText = live.setText;
  var clockFormat = live.clockFormat;
  var dateFormat = live.dateFormat;
  var serverNow = live.serverNow;

  // --- The clock of the displays ------------------------------------------------------------

  function startClock() {
    var clock = document.querySelector("[data-clock]");
    var date = document.querySelector("[data-date]");
    if (!clock) {
      return;
    }
    function tick() {
      var now = serverNow();
      setText(clock, clockFormat.format(now));
      if (date) {
        setText(date, dateFormat.format(now));
      }
    }
    tick();
    setInterval(tick, 1000);
  }

  // The network view: each centre's wall clock, in its own zone.
  function startZoneClocks() {
    var clocks = Array.prototype.slice.call(document.querySelectorAll("[data-zone-clock]"));
    var formats = {};
    var language = document.documentElement.lang || undefined;
    clocks.forEach(function (clock) {
      var zone = clock.getAttribute("data-zone-clock");
      try {
        formats[zone] = formats[zone] || new Intl.DateTimeFormat(language, {
          hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone,
        });
      } catch (error) {
        formats[zone] = null; // a zone this browser does not know keeps the server's time
      }
    });
    function tick() {
      var now = serverNow();
      clocks.forEach(function (clock) {
        var format = formats[clock.getAttribute("data-zone-clock")];
        if (format) {
          setText(clock, format.format(now));
          clock.setAttribute("datetime", now.toISOString());
        }
      });
    }
    if (clocks.length) {
      setInterval(tick, 15000);
    }
  }

  startClock();
  startZoneClocks();
})();
