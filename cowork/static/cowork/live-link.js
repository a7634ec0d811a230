/* Live occupancy, part one: the link to the server and what the pages share. live.js,
 * loaded after this file, draws the dashboard, the room and lobby displays and the network
 * view with what this file leaves in `window.coworkLive`.
 *
 * The page is rendered by the server; this script keeps it current in place. It holds a
 * websocket (the protocol is described in realtime/protocol.py): a snapshot on
 * connect, then deltas numbered by `seq`. A delta one past the last number is applied,
 * an older one ignored, a gap answered with {"type": "resync"}. When the socket keeps
 * failing (or the page is opened with ?transport=poll) the script polls the JSON snapshot
 * every LIVE_POLL_SECONDS (15 s) and still tries the socket now and then.
 *
 * Displays run for days without a reload: every update replaces text and attributes of
 * elements the server rendered, the feed is bounded, timers are reused, not stacked.
 * The script carries no words: the page passes them, translated, in #live-config.
 */
(function () {
  "use strict";

  var configNode = document.getElementById("live-config");
  if (!configNode || !window.WebSocket || !window.fetch) {
    return;
  }
  var config = JSON.parse(configNode.textContent);
  var strings = config.strings;
  var root = document.querySelector("[data-live-root]") || document.body;

  var FAILURES_BEFORE_POLLING = 3;
  var BACKOFF_FIRST_MS = 1000;
  var BACKOFF_MAX_MS = 30000;
  // While polling, the socket is tried again this often: the block may have been lifted.
  var SOCKET_RETRY_WHILE_POLLING_MS = 60000;
  // Heartbeats come every 25 s; this long without any message means the link is dead.
  var SILENCE_MS = 65000;
  var CONNECT_TIMEOUT_MS = 15000;
  var FATAL_CLOSE = { 4401: "signed_out", 4403: "forbidden", 4404: "not_found" };
  var FATAL_HTTP = { 401: "signed_out", 403: "forbidden", 404: "not_found" };

  var forcePolling = new URLSearchParams(window.location.search).get("transport") === "poll";
  var language = document.documentElement.lang || undefined;

  // --- Small helpers ----------------------------------------------------------------------

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_all, key) {
      return values[key];
    });
  }

  function setText(element, text) {
    if (element && element.textContent !== String(text)) {
      element.textContent = text;
    }
  }

  function part(container, name) {
    return container.querySelector('[data-part="' + name + '"]');
  }

  // Times are shown in the centre's zone (the network view: this device's).
  function makeFormatter(options, locale) {
    var settings = Object.assign({}, options);
    if (config.timeZone) {
      settings.timeZone = config.timeZone;
    }
    try {
      return new Intl.DateTimeFormat(locale || language, settings);
    } catch (error) {
      delete settings.timeZone;
      return new Intl.DateTimeFormat(undefined, settings);
    }
  }

  var clockFormat = makeFormatter({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  var dateFormat = makeFormatter({ weekday: "long", day: "numeric", month: "long" });
  var dayFormat = makeFormatter({ weekday: "short", day: "numeric", month: "short" });
  // Latin digits whatever the page's language, to compare with ISO dates.
  var isoDayFormat = makeFormatter({ year: "numeric", month: "2-digit", day: "2-digit" }, "en");

  // The server's clock minus this device's: a tablet's own clock may be wrong by minutes.
  var clockSkew = 0;

  function serverNow() {
    return new Date(Date.now() + clockSkew);
  }

  function learnServerTime(iso) {
    var time = Date.parse(iso);
    if (!isNaN(time)) {
      clockSkew = time - Date.now();
    }
  }

  function isoDay(date) {
    var parts = {};
    isoDayFormat.formatToParts(date).forEach(function (item) {
      parts[item.type] = item.value;
    });
    return parts.year + "-" + parts.month + "-" + parts.day;
  }

  // Booking times arrive as ISO text in the centre's own zone: "2026-05-04T10:00:00+03:00".
  function wallTime(iso) {
    return iso.slice(11, 16);
  }

  // What an event is called on the screens: its title, or for a closed one its kind.
  function eventLabel(event) {
    return event.title || strings.event_kinds[event.kind] || "";
  }

  // `current`: the booking holding the resource now; an event's then says how many are in.
  function bookingText(booking, current) {
    var text = wallTime(booking.starts_at) + "–" + wallTime(booking.ends_at);
    if (booking.starts_at.slice(0, 10) !== isoDay(serverNow())) {
      text = dayFormat.format(new Date(booking.starts_at)) + ", " + text;
    }
    if (booking.holder) {
      text += " · " + booking.holder;
    }
    if (booking.event) {
      text += " · " + eventLabel(booking.event);
      if (current) {
        text += " · " + format(strings.in_room, { count: booking.event.present });
      }
    } else if (booking.purpose) {
      text += " · " + booking.purpose;
    }
    return text;
  }

  // --- Connection status ------------------------------------------------------------------

  var statusNode = document.querySelector("[data-live-status]");
  // The page's own snapshot was rendered a moment ago.
  var lastDataAt = new Date();
  var ageTimer = null;
  var AGE_EVERY_MS = 15000;
  var relativeFormat =
    window.Intl && Intl.RelativeTimeFormat
      ? new Intl.RelativeTimeFormat(language, { numeric: "auto" })
      : null;

  // "3 minutes ago" in the page's language; empty where the browser cannot say it.
  function ageText(milliseconds) {
    if (!relativeFormat) {
      return "";
    }
    var minutes = Math.max(0, Math.floor(milliseconds / 60000));
    if (minutes < 60) {
      return relativeFormat.format(-minutes, "minute");
    }
    var hours = Math.floor(minutes / 60);
    return hours < 48
      ? relativeFormat.format(-hours, "hour")
      : relativeFormat.format(-Math.floor(hours / 24), "day");
  }

  // Offline, the screen keeps the last state it had and says how old it is.
  function offlineText() {
    var time = clockFormat.format(lastDataAt);
    var age = ageText(Date.now() - lastDataAt.getTime());
    return age
      ? format(strings.status.offline_age, { time: time, age: age })
      : format(strings.status.offline, { time: time });
  }

  function showStatus(kind) {
    if (!statusNode) {
      return;
    }
    clearInterval(ageTimer);
    ageTimer = null;
    var text = strings.status[kind] || kind;
    if (kind === "offline") {
      text = offlineText();
      ageTimer = setInterval(function () {
        setText(part(statusNode, "text"), offlineText());
      }, AGE_EVERY_MS);
    }
    if (statusNode.getAttribute("data-status") !== kind) {
      statusNode.setAttribute("data-status", kind);
    }
    setText(part(statusNode, "text"), text);
  }

  // --- The link: websocket first, polling when it must --------------------------------------

  function openLink(handlers) {
    var socket = null;
    var socketOpenedAt = 0;
    var lastMessageAt = 0;
    var failures = 0;
    var retryTimer = null;
    var pollTimer = null;
    var polling = false;
    var pollInFlight = false;
    var stopped = false;

    function socketUrl() {
      var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      return scheme + window.location.host + config.socket;
    }

    function backoff() {
      var ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * Math.pow(2, failures - 1));
      // Jitter, so screens that lost the server together do not all come back together.
      return ceiling / 2 + Math.random() * (ceiling / 2);
    }

    function scheduleSocket(delay) {
      clearTimeout(retryTimer);
      retryTimer = setTimeout(openSocket, delay);
    }

    function openSocket() {
      clearTimeout(retryTimer);
      retryTimer = null;
      if (stopped || socket) {
        return;
      }
      var ws;
      try {
        ws = new WebSocket(socketUrl());
      } catch (error) {
        socketFailed();
        return;
      }
      socket = ws;
      socketOpenedAt = Date.now();
      lastMessageAt = Date.now();
      ws.onmessage = function (event) {
        if (ws !== socket) {
          return;
        }
        lastMessageAt = Date.now();
        var message;
        try {
          message = JSON.parse(event.data);
        } catch (error) {
          return;
        }
        if (message.type === "snapshot") {
          failures = 0;
          stopPolling();
          showStatus("live");
          if (message.at) {
            learnServerTime(message.at);
          }
        }
        if (message.type === "heartbeat" && message.time) {
          learnServerTime(message.time);
        }
        lastDataAt = new Date();
        handlers.message(message);
      };
      ws.onclose = function (event) {
        if (ws !== socket) {
          return;
        }
        socket = null;
        if (FATAL_CLOSE[event.code]) {
          stop(FATAL_CLOSE[event.code]);
          return;
        }
        socketFailed();
      };
      // An error is always followed by a close, which does the rest.
      ws.onerror = function () {};
    }

    function socketFailed() {
      failures += 1;
      if (stopped) {
        return;
      }
      if (polling) {
        scheduleSocket(SOCKET_RETRY_WHILE_POLLING_MS * (0.75 + Math.random() / 2));
        return;
      }
      if (failures >= FAILURES_BEFORE_POLLING) {
        startPolling();
        scheduleSocket(SOCKET_RETRY_WHILE_POLLING_MS * (0.75 + Math.random() / 2));
        return;
      }
      showStatus(navigator.onLine === false ? "offline" : "reconnecting");
      scheduleSocket(backoff());
    }

    function startPolling() {
      if (polling || stopped) {
        return;
      }
      polling = true;
      showStatus(navigator.onLine === false ? "offline" : "polling");
      poll();
    }

    function stopPolling() {
      polling = false;
      clearTimeout(pollTimer);
      pollTimer = null;
    }

    function poll() {
      clearTimeout(pollTimer);
      pollTimer = null;
      // One request at a time: its end schedules the next, so the chain never doubles.
      if (pollInFlight) {
        return;
      }
      pollInFlight = true;
      fetch(config.poll, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (FATAL_HTTP[response.status]) {
            stop(FATAL_HTTP[response.status]);
            return null;
          }
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (message) {
          // The socket may have come back while this was on its way; it is newer.
          if (!message || !polling) {
            return;
          }
          lastDataAt = new Date();
          if (message.at) {
            learnServerTime(message.at);
          }
          showStatus("polling");
          handlers.message(message);
        })
        .catch(function () {
          if (polling) {
            showStatus("offline");
          }
        })
        .then(function () {
          pollInFlight = false;
          clearTimeout(pollTimer);
          if (polling && !stopped) {
            pollTimer = setTimeout(poll, config.pollSeconds * 1000);
          }
        });
    }

    function stop(reason) {
      stopped = true;
      stopPolling();
      clearTimeout(retryTimer);
      if (socket) {
        var ws = socket;
        socket = null;
        ws.close();
      }
      showStatus(reason);
      handlers.stopped(reason);
    }

    function send(message) {
      if (socket && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify(message));
        return true;
      }
      return false;
    }

    // A fresh snapshot: over the socket when it is up, else by polling now.
    function resync() {
      if (stopped) {
        return;
      }
      if (!send({ type: "resync" }) && polling) {
        poll();
      }
    }

    // A socket can die without closing (a tablet's Wi-Fi drops): silence gives it away.
    setInterval(function () {
      if (!socket) {
        return;
      }
      var now = Date.now();
      var stuck =
        socket.readyState === WebSocket.CONNECTING && now - socketOpenedAt > CONNECT_TIMEOUT_MS;
      var silent = socket.readyState === WebSocket.OPEN && now - lastMessageAt > SILENCE_MS;
      if (stuck || silent) {
        var ws = socket;
        socket = null;
        ws.onclose = null;
        ws.close();
        socketFailed();
      }
    }, 5000);

    window.addEventListener("online", function () {
      if (stopped) {
        return;
      }
      if (polling) {
        poll();
      }
      if (!socket && !forcePolling) {
        failures = Math.min(failures, FAILURES_BEFORE_POLLING - 1);
        openSocket();
      }
    });
    // The browser knows the network is gone: a socket that still looks open is not trusted
    // (nothing more can arrive on it), and the retries run until "online".
    window.addEventListener("offline", function () {
      if (stopped) {
        return;
      }
      showStatus("offline");
      if (socket) {
        var ws = socket;
        socket = null;
        ws.onclose = null;
        ws.close();
        socketFailed();
      }
    });

    if (forcePolling) {
      startPolling();
    } else {
      showStatus("connecting");
      openSocket();
    }
    return { resync: resync, send: send };
  }

  window.coworkLive = {
    config: config,
    strings: strings,
    root: root,
    format: format,
    setText: setText,
    part: part,
    clockFormat: clockFormat,
    dateFormat: dateFormat,
    serverNow: serverNow,
    isoDay: isoDay,
    wallTime: wallTime,
    bookingText: bookingText,
    eventLabel: eventLabel,
    showStatus: showStatus,
    openLink: openLink,
  };
})();
