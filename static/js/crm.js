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
})();
