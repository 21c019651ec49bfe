/* A formset's "add another" button (market observations on a visit log or a call): the
   empty form of the <template> is copied with the next index, TOTAL_FORMS counts it. */
(function () {
  "use strict";
  document.querySelectorAll("[data-formset]").forEach(function (box) {
    var prefix = box.dataset.formset;
    var total = box.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var max = box.querySelector("input[name='" + prefix + "-MAX_NUM_FORMS']");
    var template = box.querySelector("template[data-formset-empty]");
    var rows = box.querySelector("[data-formset-rows]");
    var button = box.querySelector("[data-formset-add]");
    if (!total || !template || !rows || !button) { return; }
    button.addEventListener("click", function () {
      var index = Number(total.value);
      if (max && index >= Number(max.value)) { button.disabled = true; return; }
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = rows.lastElementChild && rows.lastElementChild.querySelector("input");
      if (first) { first.focus(); }
    });
  });
})();
