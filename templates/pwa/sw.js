/* The CRM's service worker (our own, no library; served by crm/pwa.py at /sw.js).
   - Static files: cache first, in a cache named by the version (a new version drops the old one).
   - Pages: always from the network. Only the pages the day's sheet asks for ("keep") are
     copied, for the user the page belongs to (data-crm-user in the page itself), into that
     user's cache; a different user's keep drops every other user's cache. Offline, a kept
     page is shown with data-offline-at on <body> (the page's script shows the banner).
   - "drop": what the change feed reports gone (js/outbox.js reads it) leaves the kept pages.
   - Never cached: POST (or any non-GET), the API, anonymous pages, other origins. */
"use strict";
var VERSION = "{{ version|escapejs }}";
var KEEP_MS = {{ keep_days|default:7 }} * 24 * 3600 * 1000;
var STATIC_PREFIX = "{{ static_url|escapejs }}";
var STATIC_CACHE = "crm-static-" + VERSION;
var PAGES_PREFIX = "crm-pages-u";

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) {
      return key.indexOf("crm-static-") === 0 && key !== STATIC_CACHE;
    }).map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

function dropPages(except) {
  return caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) {
      return key.indexOf(PAGES_PREFIX) === 0 && key !== except;
    }).map(function (key) { return caches.delete(key); }));
  });
}

// Fetch one page into the user's cache: "kept", "gone" (the server no longer gives this
// user that page: an error, a redirect, someone else's page) or "failed" (no network).
function keepPage(cache, absolute, user, keptAt) {
  var marker = 'data-crm-user="' + user + '"';
  return fetch(absolute, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
    var type = response.headers.get("Content-Type") || "";
    if (!response.ok || response.redirected || type.indexOf("text/html") !== 0) { return "gone"; }
    return response.text().then(function (text) {
      if (text.indexOf(marker) === -1) { return "gone"; }  // not this user's page: never kept
      // The page's own security policy goes with it, to be sent again when it opens offline.
      var policy = response.headers.get("Content-Security-Policy") || "";
      return cache.put(absolute, new Response(text, {
        headers: { "Content-Type": type, "X-CRM-Kept-At": keptAt, "X-CRM-Policy": policy },
      })).then(function () { return "kept"; });
    });
  }).catch(function () { return "failed"; });
}

function keep(user, urls, statics) {
  var name = PAGES_PREFIX + user;
  var keptAt = new Date().toISOString();
  return dropPages(name).then(function () { return caches.open(name); }).then(function (cache) {
    var wanted = {};
    return Promise.all(urls.map(function (url) {
      var absolute = new URL(url, self.location.origin).href;
      wanted[absolute] = true;
      return keepPage(cache, absolute, user, keptAt);
    })).then(function () {
      return cache.keys();
    }).then(function (requests) {  // pages no longer needed (last week's clients) go
      return Promise.all(requests.filter(function (request) { return !wanted[request.url]; })
        .map(function (request) { return cache.delete(request); }));
    });
  }).then(function () {
    return caches.open(STATIC_CACHE).then(function (cache) {
      return Promise.all(statics.map(function (url) {
        return cache.match(url).then(function (hit) { return hit || cache.add(url).catch(function () {}); });
      }));
    });
  }).then(function () { return keptAt; });
}

// The change feed reported clients and visits this user must no longer have (removed, or
// handed to a colleague): their pages go at once (a client's file and call log form, a
// visit's log form), and every other kept page is fetched again, so that the sheet, the
// week and the client files no longer list them; a page the server no longer gives goes
// too, a page that cannot be fetched now (no network) stays as it was.
var CLIENT_PAGE = /^\/(?:clients|interactions\/client)\/([0-9]+)\//;
function dropGone(user, clients, visits) {
  var name = PAGES_PREFIX + user;
  var goneClients = {}, goneVisits = {};
  clients.forEach(function (id) { goneClients[String(id)] = true; });
  visits.forEach(function (id) { goneVisits[String(id)] = true; });
  var keptAt = new Date().toISOString();
  return caches.has(name).then(function (has) {
    if (!has) { return 0; }
    return caches.open(name).then(function (cache) {
      return cache.keys().then(function (requests) {
        var stale = [], rest = [];
        requests.forEach(function (request) {
          var url = new URL(request.url);
          var client = url.pathname.match(CLIENT_PAGE);
          var visit = url.searchParams.get("visit");
          ((client && goneClients[client[1]]) || (visit && goneVisits[visit]) ? stale : rest).push(request);
        });
        return Promise.all(stale.map(function (request) { return cache.delete(request); })).then(function () {
          return Promise.all(rest.map(function (request) {
            return keepPage(cache, request.url, user, keptAt).then(function (result) {
              return result === "gone" ? cache.delete(request) : null;
            });
          }));
        }).then(function () { return stale.length; });
      });
    });
  });
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  var reply = function (message) {
    if (event.ports && event.ports[0]) { event.ports[0].postMessage(message); } else if (event.source) { event.source.postMessage(message); }
  };
  if (data.type === "keep" && /^[0-9]+$/.test(String(data.user))) {
    event.waitUntil(keep(String(data.user), data.urls || [], data.statics || []).then(function (keptAt) {
      reply({ type: "kept", keptAt: keptAt });
    }));
  } else if (data.type === "drop" && /^[0-9]+$/.test(String(data.user))) {
    event.waitUntil(dropGone(String(data.user), data.clients || [], data.visits || []).then(function (count) {
      reply({ type: "dropped", count: count });
    }));
  } else if (data.type === "forget") {
    event.waitUntil(dropPages(null).then(function () { reply({ type: "forgotten" }); }));
  }
});

function fromPages(request) {
  return caches.keys().then(function (keys) {
    var name = keys.filter(function (key) { return key.indexOf(PAGES_PREFIX) === 0; })[0];
    if (!name) { return null; }
    return caches.open(name).then(function (cache) {
      return cache.match(request.url).then(function (hit) {
        if (!hit) { return null; }
        var keptAt = hit.headers.get("X-CRM-Kept-At") || "";
        if (!keptAt || Date.now() - Date.parse(keptAt) > KEEP_MS) {  // too old to be shown
          return cache.delete(request.url).then(function () { return null; });
        }
        return hit.text().then(function (text) {
          text = text.replace("<body", '<body data-offline-at="' + keptAt + '"');
          var headers = { "Content-Type": hit.headers.get("Content-Type"), "X-Frame-Options": "DENY" };
          var policy = hit.headers.get("X-CRM-Policy");
          if (policy) { headers["Content-Security-Policy"] = policy; }
          return new Response(text, { headers: headers });
        });
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }  // never cached, never answered from a cache
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(caches.open(STATIC_CACHE).then(function (cache) {
      return cache.match(request).then(function (hit) {
        return hit || fetch(request).then(function (response) {
          if (response.ok && response.type === "basic") { cache.put(request, response.clone()); }
          return response;
        });
      });
    }));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function (error) {
      return fromPages(request).then(function (page) { if (page) { return page; } throw error; });
    }));
  }
});
