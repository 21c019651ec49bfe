/* Suggestions under the navigation's search box, as you type (home:search_suggest).
   The WAI-ARIA combobox pattern: the input is a combobox that owns a listbox; the arrow
   keys move through the options (aria-activedescendant), Enter opens the one chosen,
   Escape closes the list. Without JavaScript, or with nothing chosen, Enter sends the
   form to the results page, which opens an exact code, number or phone by itself. */
(function () {
  var form = document.querySelector("form[data-search-suggest]");
  if (!form || !window.fetch) { return; }
  var input = form.querySelector("input[name=q]");
  var list = document.createElement("ul");
  list.id = "nav-search-list";
  list.className = "nav-search-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", input.placeholder);
  list.hidden = true;
  form.appendChild(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");
  var options = [], active = -1, timer = null, asked = "";

  function close() {
    list.hidden = true; input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant"); active = -1;
  }
  function choose(index) {
    options.forEach(function (option, n) { option.setAttribute("aria-selected", n === index ? "true" : "false"); });
    active = index;
    if (index >= 0) { input.setAttribute("aria-activedescendant", options[index].id); options[index].scrollIntoView({ block: "nearest" }); }
    else { input.removeAttribute("aria-activedescendant"); }
  }
  function show(results) {
    list.textContent = ""; options = [];
    results.forEach(function (result, n) {
      var option = document.createElement("li");
      option.id = "nav-search-option-" + n;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.url = result.url;
      var kind = document.createElement("span"); kind.className = "nav-search-kind"; kind.textContent = result.kind;
      var label = document.createElement("span"); label.textContent = result.label;
      var detail = document.createElement("span"); detail.className = "nav-search-detail"; detail.textContent = result.detail;
      option.append(kind, label, detail);
      option.addEventListener("mousedown", function (event) { event.preventDefault(); window.location.href = result.url; });
      list.appendChild(option); options.push(option);
    });
    if (options.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); choose(-1); } else { close(); }
  }
  function ask() {
    var text = input.value.trim();
    if (text.length < 2) { close(); return; }
    if (text === asked) { return; }
    asked = text;
    fetch(form.dataset.searchSuggest + "?q=" + encodeURIComponent(text), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) { if (input.value.trim() === text) { show(data.results || []); } })
      .catch(close);
  }
  input.addEventListener("input", function () { clearTimeout(timer); asked = asked === input.value.trim() ? asked : ""; timer = setTimeout(ask, 200); });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && options.length) {
      event.preventDefault(); if (list.hidden) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
      choose((active + 1) % options.length);
    } else if (event.key === "ArrowUp" && options.length) {
      event.preventDefault(); choose(active <= 0 ? options.length - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
      event.preventDefault(); window.location.href = options[active].dataset.url;
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault(); close();
    }
  });
  input.addEventListener("blur", function () { setTimeout(close, 150); });
})();
