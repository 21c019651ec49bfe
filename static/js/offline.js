/* The installable web app, page side: registers the service worker (/sw.js), asks it to
   keep what the day needs when today's sheet is opened online (data-keep), shows the
   "offline — as of 08:12" banner on a page the worker served from the phone
   (data-offline-at), and makes sure nothing of one user stays for another: a different
   user on this phone, or a logout, drops the kept pages and the outbox. */
(function () {
  var body = document.body;
  var user = body.dataset.crmUser || "";
  var banner = document.getElementById("offline-banner");
  var texts = banner ? banner.dataset : {};

  function forgetPages() {
    var jobs = [];
    if (window.caches) {
      jobs.push(caches.keys().then(function (keys) {
        return Promise.all(keys.filter(function (key) { return key.indexOf("crm-pages-") === 0; })
          .map(function (key) { return caches.delete(key); }));
      }));
    }
    return Promise.all(jobs);
  }
  function forgetOutbox(id) {
    return new Promise(function (resolve) {
      if (!window.indexedDB || !id) { resolve(); return; }
      var request = indexedDB.deleteDatabase("crm-outbox-u" + id);
      request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
    });
  }

  // Another user was here before (a shared phone, a session that ran out): drop their data.
  try {
    var previous = localStorage.getItem("crm-user");
    if (user && previous && previous !== user) { forgetPages(); forgetOutbox(previous); }
    if (user) { localStorage.setItem("crm-user", user); }
  } catch (e) { /* storage refused: nothing was kept either */ }

  // Log out: warn about what still waits, then drop this user's pages and outbox (the
  // server's answer also carries Clear-Site-Data).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!user || !form.action || new URL(form.action, location.href).pathname !== "/accounts/logout/") { return; }
    if (form.dataset.cleared) { return; }
    event.preventDefault();
    var count = window.crmOutbox ? window.crmOutbox.count() : Promise.resolve(0);
    count.then(function (n) {
      if (n && !window.confirm(texts.msgLogout)) { return; }
      return Promise.all([forgetPages(), forgetOutbox(user)]).then(function () {
        try { localStorage.removeItem("crm-user"); localStorage.removeItem("crm-changes-until-u" + user); } catch (e) { /* ignore */ }
        form.dataset.cleared = "1";
        form.submit();
      });
    });
  });

  // The banner: this page came from the phone, not the network.
  function hhmm(iso) {
    var d = new Date(iso);
    var text = ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
    return d.toDateString() === new Date().toDateString() ? text : d.toISOString().slice(0, 10) + " " + text;
  }
  function showBanner(text) {
    if (!banner || !text) { return; }
    banner.textContent = text;
    banner.classList.remove("d-none");
  }
  var offlineAt = body.dataset.offlineAt;
  if (offlineAt) { showBanner(texts.msgAsOf.replace("%(time)s", hhmm(offlineAt))); }
  try {
    if (sessionStorage.getItem("crm-queued")) {
      sessionStorage.removeItem("crm-queued");
      showBanner(texts.msgQueued);
    }
  } catch (e) { /* ignore */ }
  window.addEventListener("offline", function () { if (!offlineAt) { showBanner(texts.msgOffline); } });
  window.addEventListener("online", function () { if (!offlineAt && banner) { banner.classList.add("d-none"); } });

  if (!("serviceWorker" in navigator) || !body.dataset.sw) { return; }
  navigator.serviceWorker.register(body.dataset.sw, { scope: "/" }).catch(function () { /* no offline use */ });

  // Today's sheet, opened online: keep the day's pages and this page's static files.
  var keep = document.querySelector("[data-keep]");
  if (!keep || !user || offlineAt || !navigator.onLine) { return; }
  var statics = [];
  document.querySelectorAll("link[rel=stylesheet][href], script[src], link[rel=icon][href]").forEach(function (node) {
    statics.push(node.getAttribute("href") || node.getAttribute("src"));
  });
  navigator.serviceWorker.addEventListener("message", function (event) {
    if (event.data && event.data.type === "kept") { body.dataset.offlineReady = event.data.keptAt; }
  });
  navigator.serviceWorker.ready.then(function (registration) {
    registration.active.postMessage({ type: "keep", user: user, urls: keep.dataset.keep.split(" "), statics: statics });
  });
})();
