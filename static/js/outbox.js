/* The outbox: what is saved on this phone without a network (IndexedDB, one database per
   user), sent in order through the API when the network returns, each item with its own
   Idempotency-Key made once when it is queued (a repeated send is answered, not redone).
   Forms that take part say so: data-outbox="visit-log" | "interaction" | "check".
   What the server refuses stays, with its reason, to be corrected and sent again or copied.
   Before sending, the change feed (/api/v1/changes/) tells what left this user since the last
   look: clients and visits removed or handed to a colleague leave the kept pages (the service
   worker's "drop"), and what waits for them is refused here, not sent. */
(function () {
  var body = document.body;
  var user = body.dataset.crmUser;
  if (!user || !window.indexedDB) { return; }
  var texts = (document.getElementById("offline-banner") || body).dataset;
  var DB = "crm-outbox-u" + user;
  var ENDPOINTS = { "visit-log": "/api/v1/visit-logs/", "interaction": "/api/v1/interactions/" };
  var TEXT_FIELD = { "visit-log": "work_done", "interaction": "summary" };

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore("items", { keyPath: "id", autoIncrement: true }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function store(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction("items", mode);
        var result = work(tx.objectStore("items"));
        tx.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }
  function all() { return store("readonly", function (items) { return items.getAll(); }); }
  function put(item) { return store("readwrite", function (items) { return items.put(item); }); }
  function remove(id) { return store("readwrite", function (items) { return items.delete(id); }); }
  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16); crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, name) { return values[name]; });
  }
  function hhmm(iso) {
    var d = new Date(iso);
    var text = ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
    return d.toDateString() === new Date().toDateString() ? text : d.toISOString().slice(0, 10) + " " + text;
  }

  // --- queueing ---------------------------------------------------------------------------
  function queue(item) {
    item.key = newKey();
    item.created = new Date().toISOString();
    item.status = "waiting";
    item.reason = "";
    return put(item).then(function () {
      try { sessionStorage.setItem("crm-queued", "1"); } catch (e) { /* private mode */ }
      window.location.href = body.dataset.outboxUrl;
    });
  }
  function formFields(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken" || name === "submission") { return; }
      if (value instanceof File) {
        if (value.size && value.name) { fields.push([name, { blob: value, name: value.name }]); }
        return;
      }
      if (value !== "") { fields.push([name, value]); }
    });
    return fields;
  }
  function locate() {
    return new Promise(function (resolve) {
      if (!navigator.geolocation) { resolve(null); return; }
      navigator.geolocation.getCurrentPosition(function (pos) { resolve(pos); }, function () { resolve(null); },
        { timeout: 5000, maximumAge: 60000 });
    });
  }
  // Captured before the page's own handlers (crm.js data-locate), and only without a network.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var kind = form.dataset && form.dataset.outbox;
    if (!kind || navigator.onLine) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    var label = form.dataset.label || "";
    if (kind === "check") {
      var at = new Date().toISOString();  // when it happened, not when it is sent
      var step = event.submitter && event.submitter.value === "out" ? "check-out" : "check-in";
      locate().then(function (pos) {
        var data = { at: at };
        if (pos) {
          data.latitude = pos.coords.latitude.toFixed(6);
          data.longitude = pos.coords.longitude.toFixed(6);
          data.accuracy = Math.round(pos.coords.accuracy);
          data.position_at = new Date(pos.timestamp).toISOString();
        }
        queue({ kind: step, url: "/api/v1/visits/" + form.dataset.visit + "/" + step + "/", json: data, label: label });
      });
      return;
    }
    var fields = formFields(form);
    if (kind === "visit-log") {
      var photos = fields.filter(function (f) { return f[0] === "photos"; });
      var maxBytes = Number(form.dataset.photoMaxBytes || 0), maxFiles = Number(form.dataset.photoMaxFiles || 0);
      if ((maxFiles && photos.length > maxFiles) || photos.some(function (f) { return maxBytes && f[1].blob.size > maxBytes; })) {
        window.alert(texts.msgTooLarge);
        return;
      }
      if (form.dataset.visit) { fields.unshift(["planned_visit", form.dataset.visit]); }
    }
    fields.unshift(["client", form.dataset.client]);
    queue({ kind: kind, url: ENDPOINTS[kind], fields: fields, label: label });
  }, true);

  // --- sending ----------------------------------------------------------------------------
  function csrf() {
    var meta = document.querySelector("meta[name=csrf-token]");
    return meta ? meta.content : "";
  }
  function request(item) {
    var headers = { "Idempotency-Key": item.key, "X-CSRFToken": csrf(), "Accept": "application/json" };
    var payload;
    if (item.json) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(item.json);
    } else {
      payload = new FormData();
      item.fields.forEach(function (f) {
        if (f[1] && f[1].blob) { payload.append(f[0], f[1].blob, f[1].name); } else { payload.append(f[0], f[1]); }
      });
    }
    return fetch(item.url, { method: "POST", headers: headers, body: payload, credentials: "same-origin" });
  }
  function reasonOf(response, data) {
    var error = (data && data.error) || {};
    var parts = [];
    if (response.status === 404) { parts.push(outboxTexts().msgNotFound || ""); }
    if (error.message) { parts.push(error.message); }
    Object.keys(error.fields || {}).forEach(function (name) {
      (error.fields[name] || []).forEach(function (e) { if (parts.indexOf(e.message) === -1) { parts.push(e.message); } });
    });
    return parts.filter(Boolean).join(" ") || ("HTTP " + response.status);
  }
  // A visit log refused for a required checklist item not checked (check_<item id>): the
  // item can be ticked here and the log sent again, without typing it all a second time.
  function uncheckedItems(data) {
    var fields = (data && data.error && data.error.fields) || {};
    return Object.keys(fields).filter(function (name) { return /^check_[0-9]+$/.test(name); })
      .map(function (name) { return { name: name, message: ((fields[name] || [])[0] || {}).message || name }; });
  }
  // --- the change feed: drop what left this user ---------------------------------------------
  var UNTIL = "crm-changes-until-u" + user;
  var PAGES = "crm-pages-u" + user;
  function ids(resource) {
    var lists = resource || {};
    return (lists.removed || []).concat(lists.out_of_scope || []).map(String);
  }
  function askWorker(message) {
    if (!("serviceWorker" in navigator)) { return Promise.resolve(); }
    return navigator.serviceWorker.ready.then(function (registration) {
      return new Promise(function (resolve) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function () { resolve(); };
        registration.active.postMessage(message, [channel.port2]);
      });
    });
  }
  function refuseGone(items, resources) {
    var clients = resources.clients || {}, visits = resources.visits || {};
    var removedClients = (clients.removed || []).map(String), removedVisits = (visits.removed || []).map(String);
    var goneClients = ids(clients), goneVisits = ids(visits);
    var updates = [];
    items.forEach(function (item) {
      if (item.status !== "waiting") { return; }
      var visit = item.json ? (item.url.match(/\/visits\/([0-9]+)\//) || [])[1] : null;
      var client = null;
      (item.fields || []).forEach(function (f) {
        if (f[0] === "planned_visit") { visit = String(f[1]); }
        if (f[0] === "client") { client = String(f[1]); }
      });
      var reason = "";
      if (visit && removedVisits.indexOf(visit) !== -1) { reason = texts.msgVisitRemoved; }
      else if (client && removedClients.indexOf(client) !== -1) { reason = texts.msgClientRemoved; }
      else if ((visit && goneVisits.indexOf(visit) !== -1) || (client && goneClients.indexOf(client) !== -1)) {
        reason = texts.msgHandedOver;
      }
      if (reason) { item.status = "refused"; item.reason = reason; updates.push(put(item)); }
    });
    return Promise.all(updates);
  }
  // Only a phone that keeps something reads the feed: kept pages, this page about to keep
  // them (today's sheet), or items waiting. The first look just notes the time to ask from.
  function pullChanges() {
    var hasPages = window.caches ? caches.has(PAGES) : Promise.resolve(false);
    return Promise.all([hasPages, all()]).then(function (found) {
      var since = null;
      try { since = localStorage.getItem(UNTIL); } catch (e) { return; }
      if (!found[0] && !found[1].length && !document.querySelector("[data-keep]")) {
        try { localStorage.removeItem(UNTIL); } catch (e) { /* ignore */ }
        return;
      }
      var url = "/api/v1/changes/" + (since ? "?since=" + encodeURIComponent(since) : "");
      return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } }).then(function (response) {
        if (!response.ok) { return; }
        return response.json().then(function (data) {
          var resources = data.resources || {};
          var clients = ids(resources.clients), visits = ids(resources.visits);
          var work = [refuseGone(found[1], resources)];
          if (data.resync) {  // the feed no longer reaches back to our last look: keep nothing old
            work.push(askWorker({ type: "forget" }));
          } else if (since && (clients.length || visits.length)) {
            work.push(askWorker({ type: "drop", user: user, clients: clients, visits: visits }));
          }
          return Promise.all(work).then(function () {  // only once done: else asked again next time
            try { localStorage.setItem(UNTIL, data.until); } catch (e) { /* ignore */ }
            body.dataset.changesChecked = data.until;
          });
        });
      });
    }).catch(function () { /* no network, or no worker: asked again next time */ });
  }

  var syncing = false;
  function sendAll() {
    return all().then(function (items) {
      items.sort(function (a, b) { return a.id - b.id; });
      var chain = Promise.resolve(true);
      items.forEach(function (item) {
        chain = chain.then(function (goOn) {
          if (!goOn || item.status !== "waiting") { return goOn; }
          return request(item).then(function (response) {
            if (response.ok) { return remove(item.id).then(function () { return true; }); }
            return response.json().catch(function () { return {}; }).then(function (data) {
              var code = data && data.error && data.error.code;
              var auth = response.status === 401 || (response.status === 403 &&
                (code === "not_authenticated" || code === "authentication_failed" || /CSRF/i.test((data.error || {}).message || "")));
              if (auth) { showNote(outboxTexts().msgLogIn); return false; }
              if (response.status === 429 || response.status >= 500) { return false; }  // later
              item.status = "refused";
              item.reason = reasonOf(response, data);
              item.unchecked = uncheckedItems(data);
              return put(item).then(function () { return true; });
            });
          }, function () { return false; });  // no network: the rest waits, in order
        });
      });
      return chain;
    });
  }
  function sync() {
    if (syncing || !navigator.onLine) { return Promise.resolve(); }
    syncing = true;
    var run = function () { return pullChanges().then(sendAll); };
    var done = navigator.locks ? navigator.locks.request("crm-outbox-" + user, run) : run();
    return done.catch(function () {}).then(function () { syncing = false; return refresh(); });
  }

  // --- showing ----------------------------------------------------------------------------
  function outboxTexts() { var box = document.getElementById("outbox"); return box ? box.dataset : {}; }
  function showNote(text) {
    var box = document.getElementById("outbox");
    if (!box || !text) { return; }
    var note = document.getElementById("outbox-note") || document.createElement("p");
    note.id = "outbox-note"; note.className = "alert alert-info"; note.textContent = text;
    box.parentNode.insertBefore(note, box);
  }
  function textOf(item) {
    if (item.json) { return ""; }
    return item.fields.filter(function (f) { return typeof f[1] === "string" && f[0] !== "client" && f[0] !== "planned_visit"; })
      .map(function (f) { return f[1]; }).join("\n");
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function draw(items) {
    var box = document.getElementById("outbox");
    if (!box) { return; }
    var t = box.dataset;
    box.textContent = "";
    if (!items.length) { box.appendChild(el("p", "text-body-secondary", t.msgEmpty)); return; }
    var list = el("ol", "list-unstyled");
    items.forEach(function (item) {
      var kindName = { "visit-log": t.msgVisitLog, "check-in": t.msgCheckIn, "check-out": t.msgCheckOut, "interaction": t.msgInteraction }[item.kind];
      var li = el("li", "card mb-2"); li.dataset.testid = "outbox-item"; li.dataset.status = item.status;
      var card = el("div", "card-body py-2");
      var head = el("div", "d-flex flex-wrap gap-2 align-items-center");
      head.appendChild(el("span", "fw-semibold me-auto", kindName + (item.label ? " · " + item.label : "")));
      head.appendChild(el("span", "badge " + (item.status === "refused" ? "text-bg-danger" : "text-bg-warning"),
        item.status === "refused" ? t.msgRefused : t.msgWaiting));
      card.appendChild(head);
      var when = format(t.msgSavedAt, { time: hhmm((item.json && item.json.at) || item.created) });
      var photos = (item.fields || []).filter(function (f) { return f[1] && f[1].blob; }).length;
      card.appendChild(el("div", "small text-body-secondary", when + (photos ? " · " + photos + " " + t.msgPhotos : "")));
      if (item.reason) { var reason = el("div", "small text-danger mt-1", item.reason); reason.dataset.testid = "outbox-reason"; card.appendChild(reason); }
      var field = TEXT_FIELD[item.kind];
      var area = null;
      if (field) {
        var current = (item.fields.filter(function (f) { return f[0] === field; })[0] || [field, ""])[1];
        area = el("textarea", "form-control form-control-sm mt-2");
        area.rows = 3; area.value = current; area.setAttribute("aria-label", t.msgText);
        card.appendChild(area);
      }
      var ticks = (item.status === "refused" && item.unchecked) || [];
      var boxes = ticks.map(function (tick, i) {
        var wrap = el("div", "form-check mt-1");
        var box = el("input", "form-check-input"); box.type = "checkbox"; box.id = "outbox-" + item.id + "-" + i;
        box.dataset.testid = "outbox-check";
        var label = el("label", "form-check-label small", tick.message); label.htmlFor = box.id;
        wrap.appendChild(box); wrap.appendChild(label); card.appendChild(wrap);
        return { name: tick.name, box: box };
      });
      var buttons = el("div", "d-flex flex-wrap gap-2 mt-2");
      var send = el("button", "btn btn-sm btn-primary", t.msgSend); send.type = "button";
      send.addEventListener("click", function () {
        boxes.forEach(function (b) {
          if (!b.box.checked) { return; }
          item.fields = item.fields.filter(function (f) { return f[0] !== b.name; });
          item.fields.push([b.name, "on"]);
        });
        item.unchecked = [];
        if (area) {
          var found = false;
          item.fields.forEach(function (f) { if (f[0] === field) { f[1] = area.value; found = true; } });
          if (!found) { item.fields.push([field, area.value]); }
        }
        item.status = "waiting"; item.reason = "";
        put(item).then(sync);
      });
      var copy = el("button", "btn btn-sm btn-outline-secondary", t.msgCopy); copy.type = "button";
      copy.addEventListener("click", function () {
        var text = area ? area.value + "\n" + textOf(item) : textOf(item);
        if (navigator.clipboard) { navigator.clipboard.writeText(text).then(function () { copy.textContent = t.msgCopied; }); }
      });
      var drop = el("button", "btn btn-sm btn-outline-danger ms-auto", t.msgDelete); drop.type = "button";
      drop.addEventListener("click", function () {
        if (window.confirm(t.msgConfirmDelete)) { remove(item.id).then(refresh); }
      });
      buttons.appendChild(send); if (area) { buttons.appendChild(copy); } buttons.appendChild(drop);
      card.appendChild(buttons);
      li.appendChild(card);
      list.appendChild(li);
    });
    box.appendChild(list);
  }
  function refresh() {
    return all().then(function (items) {
      items.sort(function (a, b) { return a.id - b.id; });
      var link = document.querySelector("[data-outbox-link]");
      if (link) {
        link.classList.toggle("d-none", !items.length);
        link.querySelector("[data-outbox-count]").textContent = items.length ? String(items.length) : "";
      }
      draw(items);
      body.dataset.outboxCount = String(items.length);
      return items;
    });
  }

  window.crmOutbox = {
    count: function () { return all().then(function (items) { return items.length; }); },
    sync: sync,
    forget: function (id) {
      return new Promise(function (resolve) {
        var request = indexedDB.deleteDatabase("crm-outbox-u" + (id || user));
        request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
      });
    },
  };
  window.addEventListener("online", sync);
  refresh().then(function () { return sync(); });
})();
