/* cowork's service worker (served at /sw.js by cowork.web.offline.service_worker).
 *
 * Static files: cache first (their names carry a hash in production; a new deploy brings a
 * new VERSION, and the old files are dropped). Pages the server marks with X-Offline-Keep
 * (My bookings, a registration's page, a centre's page): network first, the last good copy
 * kept and shown offline with the page's own notice ("You are offline — this is the page as
 * of HH:MM", rendered hidden in the reader's language). Everything else: the network only.
 * Personal copies go whenever a form is sent (signing in or out among them). Nothing here
 * holds words to translate.
 */
"use strict";

var VERSION = "{{ version|escapejs }}";
var STATIC_PREFIX = "{{ static_url|escapejs }}";
var STATIC_CACHE = "cowork-static-" + VERSION;
var PERSONAL_CACHE = "cowork-pages-personal";
var PUBLIC_CACHE = "cowork-pages-public";
var KEEP_HEADER = "X-Offline-Keep";
var SAVED_HEADER = "X-Offline-Saved-At";
// The pages that may be kept; the server's header has the last word.
var KEPT_PAGES = [/^\/bookings\/$/, /^\/registrations\/[-\w]+\/$/, /^\/centres\/[-\w]+\/$/];

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (names) {
        return Promise.all(
          names
            .filter(function (name) {
              return name.indexOf("cowork-static-") === 0 && name !== STATIC_CACHE;
            })
            .map(function (name) {
              return caches.delete(name);
            })
        );
      })
      .then(function () {
        return self.clients.claim();
      })
  );
});

function forgetPersonal() {
  return caches.delete(PERSONAL_CACHE);
}

self.addEventListener("message", function (event) {
  if (event.data === "forget-personal") {
    event.waitUntil(forgetPersonal());
  }
});

function staticFirst(request) {
  return caches.open(STATIC_CACHE).then(function (cache) {
    return cache.match(request).then(function (kept) {
      if (kept) {
        return kept;
      }
      return fetch(request).then(function (response) {
        if (response.ok) {
          cache.put(request, response.clone());
        }
        return response;
      });
    });
  });
}

function forgetPage(request) {
  return Promise.all([
    caches.open(PERSONAL_CACHE).then(function (cache) { return cache.delete(request); }),
    caches.open(PUBLIC_CACHE).then(function (cache) { return cache.delete(request); }),
  ]);
}

// The body is kept decoded: the headers that described the wire go.
function plainHeaders(given) {
  var headers = new Headers(given);
  headers.delete("Content-Encoding");
  headers.delete("Content-Length");
  return headers;
}

function keepPage(request, response) {
  var kind = response.headers.get(KEEP_HEADER);
  if (!response.ok || response.redirected || (kind !== "personal" && kind !== "public")) {
    // Signed out, gone, or no longer to be kept (a host): no stale copy stays behind.
    return forgetPage(request);
  }
  return response
    .clone()
    .text()
    .then(function (body) {
      var headers = plainHeaders(response.headers);
      headers.set(SAVED_HEADER, new Date().toISOString());
      var copy = new Response(body, { status: 200, headers: headers });
      return forgetPage(request).then(function () {
        return caches.open(kind === "personal" ? PERSONAL_CACHE : PUBLIC_CACHE);
      }).then(function (cache) {
        return cache.put(request, copy);
      });
    });
}

function twoDigits(number) {
  return (number < 10 ? "0" : "") + number;
}

// Shows the notice the page carries hidden, with the time its copy was made (this device's
// clock: the reader's own time).
function offlineCopy(kept) {
  var saved = new Date(kept.headers.get(SAVED_HEADER) || Date.now());
  var time = twoDigits(saved.getHours()) + ":" + twoDigits(saved.getMinutes());
  return kept.text().then(function (body) {
    body = body.replace(
      /(<p [^>]*data-offline-notice)( hidden)([^>]*>[^<]*?)--:--/,
      function (_all, start, _hidden, rest) {
        return start + rest + time;
      }
    );
    var headers = plainHeaders(kept.headers);
    return new Response(body, { status: 200, headers: headers });
  });
}

function networkFirst(event) {
  var request = event.request;
  return fetch(request).then(
    function (response) {
      event.waitUntil(keepPage(request, response));
      return response;
    },
    function (error) {
      return caches.match(request, { ignoreVary: true }).then(function (kept) {
        if (!kept) {
          throw error;
        }
        return offlineCopy(kept);
      });
    }
  );
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.method !== "GET") {
    // Signing in or out (by password, SMS code, sign-up, invitation, recovery) is a form
    // sent: every one drops the personal copies, so the next person at a shared computer
    // cannot read the last one's. A kept page is kept again at its next visit.
    event.waitUntil(forgetPersonal());
    return;
  }
  if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(staticFirst(request));
    return;
  }
  var kept = KEPT_PAGES.some(function (pattern) {
    return pattern.test(url.pathname);
  });
  if (kept && request.mode === "navigate" && !url.search) {
    event.respondWith(networkFirst(event));
  }
});
