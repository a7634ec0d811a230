/* Live occupancy, part two: the dashboard, the room and lobby displays and the network
 * view, drawn from the snapshots and deltas that live-link.js (loaded first) brings.
 * Every update replaces text and attributes of elements the server rendered (the plan's
 * spots come and go with live-plan.js); the feed is bounded, timers are reused, not
 * stacked. The script carries no words: the page passes them, translated, in #live-config.
 */
(function () {
  "use strict";

  var live = window.coworkLive;
  if (!live) {
    return;
  }
  var config = live.config;
  var strings = live.strings;
  var root = live.root;
  var format = live.format;
  var setText = live.setText;
  var part = live.part;
  var clockFormat = live.clockFormat;
  var serverNow = live.serverNow;
  var isoDay = live.isoDay;
  var wallTime = live.wallTime;
  var bookingText = live.bookingText;
  var eventLabel = live.eventLabel;
  var showStatus = live.showStatus;
  var openLink = live.openLink;

  // A resync after a gap that brings no snapshot may be asked again after this.
  var RESYNC_PATIENCE_MS = 10000;
  // Bookings begin and end without an event; look again at the next such moment, and at
  // least this often (today's figures start again at midnight).
  var REFRESH_MAX_MS = 10 * 60 * 1000;
  var FEED_LIMIT = 30;

  // --- One centre: the dashboard and the displays --------------------------------------------

  function spaceView() {
    var lastSeq = typeof config.seq === "number" ? config.seq : 0;
    var resyncAskedAt = 0;
    var refreshTimer = null;
    var link = null;
    var states = {};
    var feed = root.querySelector("[data-live-feed]");
    var spots = {};
    var plan = root.querySelector("svg.live-plan");
    var rooms = {};
    var resources = {};
    // Names in the reader's language, as the page was rendered; the snapshots, shared by
    // readers of every language, carry them as the host typed them.
    var names = config.names || {};
    function nameOf(resource) {
      return names[resource.id] || resource.name;
    }

    root.querySelectorAll("[data-resource]").forEach(function (node) {
      spots[node.getAttribute("data-resource")] = node;
      states[node.getAttribute("data-resource")] = node.getAttribute("data-state");
    });
    var roomNodes = Array.prototype.slice.call(root.querySelectorAll("[data-room]"));
    if (root.hasAttribute("data-room")) {
      roomNodes.push(root);
    }
    roomNodes.forEach(function (node) {
      rooms[node.getAttribute("data-room")] = node;
      states[node.getAttribute("data-room")] = node.getAttribute("data-state");
    });

    function swapStateClass(node, state) {
      var previous = node.getAttribute("data-state");
      if (previous === state) {
        return;
      }
      if (previous) {
        node.classList.remove("state-" + previous);
      }
      node.classList.add("state-" + state);
      node.setAttribute("data-state", state);
    }

    // "Dmytro S.", as shapes.short_name writes it.
    function shortName(fullName) {
      var words = fullName.split(/\s+/).filter(Boolean);
      return words.length < 2 ? fullName : words[0] + " " + words[words.length - 1][0] + ".";
    }

    function applySpot(node, resource) {
      swapStateClass(node, resource.state);
      // Only the host's plan has a place for the holder; the snapshot names them only there.
      var holderNode = part(node, "holder");
      var inUse = resource.state === "booked" || resource.state === "occupied";
      var holder = inUse && resource.current && resource.current.holder ? resource.current.holder : "";
      var label = nameOf(resource) + ": " + strings.descriptions[resource.state];
      if (holderNode) {
        setText(holderNode, holder ? shortName(holder) : "");
        if (holder) {
          label += ", " + holder;
        }
      }
      node.setAttribute("aria-label", label);
      // Desks are too small for a symbol; their pattern and word tell the state.
      var isRoom = node.classList.contains("spot-kind-room");
      var symbol = isRoom ? strings.symbols[resource.state] + " " : "";
      setText(part(node, "label"), symbol + strings.states[resource.state]);
    }

    function applyRoomCard(node, resource) {
      swapStateClass(node, resource.state);
      var badge = part(node, "badge");
      if (badge) {
        badge.className = "state-badge state-" + resource.state;
        setText(part(badge, "symbol"), strings.symbols[resource.state]);
        setText(part(badge, "description"), strings.descriptions[resource.state]);
      }
      setText(
        part(node, "current"),
        resource.current ? bookingText(resource.current, true) : strings.nothing_now
      );
      setText(
        part(node, "next"),
        resource.next ? bookingText(resource.next) : strings.nothing_next
      );
    }

    // The door display: one room, large. Purpose shows when the data has one; names never.
    function applyRoomDisplay(node, resource) {
      swapStateClass(node, resource.state);
      var inUse = resource.state === "booked" || resource.state === "occupied";
      setText(part(node, "symbol"), strings.symbols[resource.state]);
      setText(part(node, "now"), strings.room_now[resource.state]);
      var detail = "";
      var current = "";
      var event = "";
      if (inUse && resource.current) {
        detail = format(strings.until, { time: wallTime(resource.current.ends_at) });
        current = wallTime(resource.current.starts_at) + "–" + wallTime(resource.current.ends_at);
        if (resource.current.event) {
          // An event: its name, and how many are in, never who.
          event = eventLabel(resource.current.event);
          current += " · " + format(strings.in_room, { count: resource.current.event.present });
        } else {
          if (resource.current.purpose) {
            current += " · " + resource.current.purpose;
          }
          current += " · " + (resource.state === "occupied" ? strings.checked_in : strings.waiting);
        }
      } else if (
        resource.state !== "out_of_service" &&
        resource.next &&
        resource.next.starts_at.slice(0, 10) === isoDay(serverNow())
      ) {
        detail = format(strings.free_until, { time: wallTime(resource.next.starts_at) });
      }
      setText(part(node, "detail"), detail);
      setText(part(node, "event"), event);
      setText(part(node, "current"), current);
      var next = resource.next ? Object.assign({}, resource.next, { holder: "" }) : null;
      setText(part(node, "next"), next ? bookingText(next) : strings.nothing_next);
    }

    function applyResource(resource) {
      var id = String(resource.id);
      // The plan follows where resources stand (live-plan.js, where the page draws a plan).
      var spot =
        plan && live.placeSpot ? live.placeSpot(plan, spots, resource, nameOf(resource)) : spots[id];
      if (spot) {
        applySpot(spot, resource);
      }
      var room = rooms[id];
      if (room) {
        if (config.mode === "room") {
          applyRoomDisplay(room, resource);
        } else {
          applyRoomCard(room, resource);
        }
      }
      resources[id] = resource;
    }

    function applyCounts() {
      var counts = {};
      Object.keys(strings.states).forEach(function (state) {
        counts[state] = 0;
      });
      Object.keys(resources).forEach(function (id) {
        if (resources[id].kind === "desk") {
          counts[resources[id].state] += 1;
        }
      });
      Object.keys(counts).forEach(function (state) {
        setText(root.querySelector('[data-count="' + state + '"]'), counts[state]);
      });
    }

    function addFeedEntry(text) {
      if (!feed) {
        return;
      }
      var empty = feed.querySelector(".feed-empty");
      if (empty) {
        empty.remove();
      }
      var item = document.createElement("li");
      var time = document.createElement("time");
      var now = serverNow();
      time.dateTime = now.toISOString();
      time.textContent = clockFormat.format(now);
      item.appendChild(time);
      item.appendChild(document.createTextNode(" " + text));
      feed.insertBefore(item, feed.firstChild);
      while (feed.children.length > FEED_LIMIT) {
        feed.removeChild(feed.lastChild);
      }
    }

    function feedForEvent(kind, resource) {
      var what = strings.events[kind];
      if (what && !resource && kind === "walk_in.recorded") {
        // A walk-in is nobody's desk or room: the feed says only that someone came.
        addFeedEntry(what);
        return;
      }
      if (!what || !resource) {
        return;
      }
      var text = nameOf(resource) + " — " + what;
      if (kind === "booking.checked_in" && resource.current && resource.current.holder) {
        text += " · " + resource.current.holder;
      }
      addFeedEntry(text);
    }

    function nextBoundary() {
      var now = serverNow().getTime();
      var soonest = now + REFRESH_MAX_MS;
      Object.keys(resources).forEach(function (id) {
        var resource = resources[id];
        [resource.current && resource.current.ends_at, resource.next && resource.next.starts_at]
          .filter(Boolean)
          .forEach(function (iso) {
            var moment = Date.parse(iso);
            if (moment > now && moment < soonest) {
              soonest = moment;
            }
          });
      });
      return soonest - now;
    }

    function scheduleRefresh() {
      clearTimeout(refreshTimer);
      // A second after the moment, so the server sees it as past too.
      refreshTimer = setTimeout(function () {
        if (link) {
          link.resync();
        }
        scheduleRefresh();
      }, nextBoundary() + 1000);
    }

    function applySnapshot(message) {
      message.resources.forEach(function (resource) {
        var id = String(resource.id);
        var before = states[id];
        applyResource(resource);
        // A change this page did not hear as an event (polling, a resync): say what it led to.
        if (before && before !== resource.state && resource.kind !== "equipment") {
          var state = strings.states[resource.state];
          addFeedEntry(nameOf(resource) + " — " + format(strings.now_state, { state: state }));
        }
        states[id] = resource.state;
      });
      applyFigures(root, message);
      applyCounts();
      lastSeq = message.seq;
      resyncAskedAt = 0;
      scheduleRefresh();
    }

    function askResync() {
      var now = Date.now();
      if (resyncAskedAt && now - resyncAskedAt < RESYNC_PATIENCE_MS) {
        return;
      }
      resyncAskedAt = now;
      link.resync();
    }

    function applyDelta(message) {
      if (message.seq <= lastSeq) {
        return;
      }
      if (message.seq !== lastSeq + 1) {
        askResync();
        return;
      }
      lastSeq = message.seq;
      if (message.resource) {
        applyResource(message.resource);
        states[String(message.resource.id)] = message.resource.state;
        applyCounts();
        feedForEvent(message.event, message.resource);
      }
      if (message.figures) {
        applyFigures(root, message.figures);
      }
      scheduleRefresh();
    }

    function switchedOff() {
      var content = root.querySelector("[data-live-content]");
      var notice = root.querySelector("[data-switched-off]");
      if (content && notice) {
        content.hidden = true;
        notice.hidden = false;
      }
    }

    link = openLink({
      message: function (message) {
        if (message.type === "snapshot") {
          applySnapshot(message);
        } else if (message.type === "delta") {
          applyDelta(message);
        } else if (message.type === "heartbeat") {
          // The server has sent more than this page holds: something was lost.
          if (message.seq > lastSeq) {
            askResync();
          }
        }
      },
      stopped: function (reason) {
        clearTimeout(refreshTimer);
        if (reason === "forbidden" && config.mode !== "space") {
          showStatus("switched_off");
          switchedOff();
        }
      },
    });
    scheduleRefresh();
  }

  // --- Figures and bars, shared by every view -----------------------------------------------

  function setBar(bar, value, total) {
    if (!bar) {
      return;
    }
    var percent = Math.min(100, Math.round((100 * value) / Math.max(total, 1)));
    var fill = bar.querySelector(".bar-fill");
    if (fill && fill.style.width !== percent + "%") {
      fill.style.width = percent + "%";
    }
  }

  function capacityLevel(head, capacity) {
    if (head > capacity) {
      return "over";
    }
    if (head >= 0.8 * capacity) {
      return "near";
    }
    return "ok";
  }

  function applyFigures(container, figures) {
    container.querySelectorAll("[data-figure]").forEach(function (node) {
      var key = node.getAttribute("data-figure");
      if (typeof figures[key] === "number") {
        setText(node, figures[key]);
      }
    });
    if (typeof figures.head_count === "number") {
      var bar = container.querySelector('[data-bar="head"]');
      if (bar) {
        var level = capacityLevel(figures.head_count, figures.safety_capacity);
        setBar(bar, figures.head_count, figures.safety_capacity);
        if (bar.getAttribute("data-level") !== level) {
          bar.setAttribute("data-level", level);
          var label = container.querySelector('[data-part="level"]');
          if (label) {
            label.textContent = "";
            if (strings.level[level]) {
              var sign = document.createElement("span");
              sign.setAttribute("aria-hidden", "true");
              sign.textContent = "⚠";
              label.appendChild(sign);
              label.appendChild(document.createTextNode(" " + strings.level[level]));
            }
          }
        }
      }
    }
    if (typeof figures.desks === "number") {
      setBar(container.querySelector('[data-bar="desks"]'), figures.desks_in_use, figures.desks);
    }
  }

  // --- The network view ---------------------------------------------------------------------

  function networkView() {
    var cards = {};
    var centres = {};
    var totals = root.querySelector("[data-network-totals]");
    root.querySelectorAll("[data-centre]").forEach(function (node) {
      cards[node.getAttribute("data-centre")] = node;
    });

    function applyCentre(centre) {
      var id = String(centre.id);
      var known = centres[id];
      // Each message carries the whole row; an older one than we hold changes nothing.
      if (known && known.seq > centre.seq) {
        return;
      }
      centres[id] = centre;
      if (cards[id]) {
        applyFigures(cards[id], centre);
      }
    }

    function applyTotals() {
      if (!totals) {
        return;
      }
      var sum = { desks: 0, desks_in_use: 0, head_count: 0, safety_capacity: 0, visits_today: 0 };
      Object.keys(centres).forEach(function (id) {
        Object.keys(sum).forEach(function (key) {
          sum[key] += centres[id][key];
        });
      });
      applyFigures(totals, sum);
    }

    var link = openLink({
      message: function (message) {
        if (message.type === "snapshot" && message.centres) {
          message.centres.forEach(applyCentre);
          applyTotals();
        } else if (message.type === "centre" && message.centre) {
          applyCentre(message.centre);
          applyTotals();
        }
      },
      stopped: function () {},
    });
    // Desks fall free as bookings end, without an event: look again now and then.
    setInterval(function () {
      link.resync();
    }, REFRESH_MAX_MS);
  }

  if (config.mode === "network") {
    networkView();
  } else {
    spaceView();
  }
})();
