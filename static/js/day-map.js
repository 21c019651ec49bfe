/* The day's map (issue #30 item 7): Leaflet draws the sheet's stops that have a location,
   numbered in route order and joined by a line. Everything comes from the markup
   (data-map on the box, data-stop-* on each stop), so the page needs no inline script. */
(function () {
  var box = document.querySelector("[data-map]");
  var stops = Array.prototype.slice.call(document.querySelectorAll("[data-stop-lat]"));
  if (!box || !window.L || !stops.length) { if (box) { box.hidden = true; } return; }
  var map = L.map(box, { scrollWheelZoom: false });
  L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution || "", maxZoom: 19 }).addTo(map);
  var points = stops.map(function (stop) {
    var at = [parseFloat(stop.dataset.stopLat), parseFloat(stop.dataset.stopLng)];
    var number = document.createElement("span");
    number.textContent = stop.dataset.stopNumber;
    var name = document.createElement("span");
    name.textContent = stop.dataset.stopNumber + ". " + stop.dataset.stopName;  // text, never HTML
    L.marker(at, {
      icon: L.divIcon({ className: "route-marker", html: number, iconSize: [28, 28], iconAnchor: [14, 14] }),
      title: stop.dataset.stopName,
      keyboard: false,
    }).bindTooltip(name).addTo(map);
    return at;
  });
  if (points.length > 1) { L.polyline(points, { className: "route-line" }).addTo(map); }
  map.fitBounds(points, { padding: [24, 24], maxZoom: 15 });
})();
