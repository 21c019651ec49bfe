/* The CRM's service worker (our own, no library; served by crm/pwa.py at /sw.js).
   - Static files: cache first, in a cache named by the version (a new version drops the old one).
   - Pages: always from the network. Only the pages the day's sheet asks for ("keep") are
     copied, for the user the page belongs to (data-crm-user in the page itself), into that
     user's cache; a different user's keep drops every other user's cache. Offline, a kept
     page is shown with data-offline-at on <body> (the page's script shows the banner).
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

function keep(user, urls, statics) {
  var name = PAGES_PREFIX + user;
  var marker = 'data-crm-user="' + user + '"';
  var keptAt = new Date().toISOString();
  return dropPages(name).then(function () { return caches.open(name); }).then(function (cache) {
    var wanted = {};
    return Promise.all(urls.map(function (url) {
      var absolute = new URL(url, self.location.origin).href;
      wanted[absolute] = true;
      return fetch(absolute, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || response.redirected || type.indexOf("text/html") !== 0) { return null; }
        return response.text().then(function (text) {
          if (text.indexOf(marker) === -1) { return null; }  // not this user's page: never kept
          return cache.put(absolute, new Response(text, {
            headers: { "Content-Type": type, "X-CRM-Kept-At": keptAt },
          }));
        });
      }).catch(function () { return null; });
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

self.addEventListener("message", function (event) {
  var data = event.data || {};
  var reply = function (message) { if (event.source) { event.source.postMessage(message); } };
  if (data.type === "keep" && /^[0-9]+$/.test(String(data.user))) {
    event.waitUntil(keep(String(data.user), data.urls || [], data.statics || []).then(function (keptAt) {
      reply({ type: "kept", keptAt: keptAt });
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
          return new Response(text, { headers: { "Content-Type": hit.headers.get("Content-Type") } });
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
