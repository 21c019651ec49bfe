/* Small behaviours declared in the markup, so pages need no inline scripts (the Content
   Security Policy forbids them): data-print, data-confirm on forms, data-copy. */
(function () {
  document.addEventListener("click", function (event) {
    var print = event.target.closest("[data-print]");
    if (print) { window.print(); return; }
    var copy = event.target.closest("[data-copy]");
    if (copy) {
      var source = document.getElementById(copy.dataset.copy);
      if (source && navigator.clipboard) { navigator.clipboard.writeText(source.value || source.textContent); }
      if (copy.dataset.copied) { copy.textContent = copy.dataset.copied; }
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) { event.preventDefault(); }
  }, true);
  // data-locate: fill the form's latitude/longitude (and accuracy, position_at) from the browser before sending it
  // (at most 5 seconds; without a location the form is sent as it is).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.dataset || form.dataset.locate === undefined || form.dataset.located || !navigator.geolocation) { return; }
    event.preventDefault();
    if (event.submitter && event.submitter.name) {
      var chosen = document.createElement("input");
      chosen.type = "hidden"; chosen.name = event.submitter.name; chosen.value = event.submitter.value;
      form.appendChild(chosen);
    }
    form.dataset.located = "1";
    var send = function () { form.submit(); };
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.latitude.value = pos.coords.latitude.toFixed(6);
      form.elements.longitude.value = pos.coords.longitude.toFixed(6);
      // How precise the position is, and when it was taken: a vague or old one is flagged.
      if (form.elements.accuracy) { form.elements.accuracy.value = Math.round(pos.coords.accuracy); }
      if (form.elements.position_at) { form.elements.position_at.value = new Date(pos.timestamp).toISOString(); }
      send();
    }, send, { timeout: 5000, maximumAge: 60000 });
  });
  // data-scroll-here: open a long page at this element (the phone's month list at today),
  // when it is shown at this width.
  var here = document.querySelector("[data-scroll-here]");
  if (here && here.offsetParent !== null) { here.scrollIntoView({ block: "start" }); }
  // A table wider than the screen scrolls sideways in its box: the box takes the keyboard
  // focus then, so it can be scrolled without a mouse (WCAG 2.1.1).
  function focusScrollingTables() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) { box.tabIndex = 0; } else { box.removeAttribute("tabindex"); }
    });
  }
  focusScrollingTables();
  window.addEventListener("resize", focusScrollingTables);
})();
