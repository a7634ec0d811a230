/* The attendance list follows check-ins live: a websocket sends the session's counts and who
   is in after every change (realtime/attendance.py). Without scripts, or while the socket
   is down, the page is what it was when loaded and a reload brings the latest. */
(function () {
  var root = document.querySelector("[data-attendance-live]");
  if (!root || !window.WebSocket) return;
  var state = root.querySelector("[data-live-state]");
  var list = document.querySelector("[data-attendance-list]");
  var presentList = document.querySelector("[data-present-list]");
  var presentEmpty = document.querySelector("[data-present-empty]");
  var zone = root.dataset.timeZone;
  var language = root.dataset.language || undefined;
  var delay = 1000;
  var socket = null;

  function time(iso) {
    try {
      return new Date(iso).toLocaleTimeString(language, {
        timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23"
      });
    } catch (error) {
      return iso.slice(11, 16);
    }
  }

  function showState(live) {
    if (state) state.textContent = live ? state.dataset.liveText : state.dataset.offlineText;
  }

  function markRow(item, present) {
    if (item.classList.contains("is-present") === present) return;
    item.classList.toggle("is-present", present);
    var badge = item.querySelector("[data-state]");
    if (badge) {
      badge.className = "status " + (present ? "status-present" : "status-absent");
      var mark = document.createElement("span");
      mark.setAttribute("aria-hidden", "true");
      mark.textContent = present ? "✓" : "○";
      badge.replaceChildren(
        mark, " " + (present ? list.dataset.labelPresent : list.dataset.labelAbsent)
      );
    }
    var method = item.querySelector("[data-method]");
    if (method && !present) method.textContent = "";
    var field = item.querySelector("input[name=present]");
    if (field) field.value = present ? "0" : "1";
    var button = item.querySelector(".present-toggle");
    if (button) {
      button.setAttribute("aria-pressed", present ? "true" : "false");
      var icon = button.querySelector("[aria-hidden]");
      if (icon) icon.textContent = present ? "✓" : "○";
    }
  }

  function apply(snapshot) {
    ["registered", "present", "absent"].forEach(function (name) {
      var figure = root.querySelector('[data-figure="' + name + '"]');
      if (figure) figure.textContent = String(snapshot[name]);
    });
    var inside = {};
    snapshot.people.forEach(function (person) { inside[person.id] = true; });
    if (list) {
      list.querySelectorAll("li.attendee").forEach(function (item) {
        markRow(item, Boolean(inside[item.id.replace("person-", "")]));
      });
    }
    if (presentList) {
      var fragment = document.createDocumentFragment();
      snapshot.people.forEach(function (person) {
        var item = document.createElement("li");
        var name = document.createElement("span");
        name.textContent = person.name;
        var at = document.createElement("time");
        at.dateTime = person.at;
        at.textContent = time(person.at);
        item.append(name, " ", at);
        fragment.append(item);
      });
      presentList.replaceChildren(fragment);
    }
    if (presentEmpty) presentEmpty.hidden = snapshot.people.length > 0;
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + root.dataset.socket);
    socket.addEventListener("open", function () { delay = 1000; showState(true); });
    socket.addEventListener("message", function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (error) { return; }
      if (message.type === "attendance") apply(message);
    });
    socket.addEventListener("close", function (event) {
      showState(false);
      // Refused (signed out, not this centre's host, no such session): reloading decides.
      if (event.code >= 4400 && event.code < 4500) return;
      window.setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({type: "resync"}));
    }
  });
  connect();
})();
