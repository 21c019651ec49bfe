/* Search boxes with suggestions as you type: the navigation's search box (home:search_suggest)
   and the client pickers of forms (crm.widgets.SearchPicker, clients:pick).
   One WAI-ARIA combobox for both: the input is a combobox that owns a listbox; the arrow
   keys move through the options (aria-activedescendant), Enter or a tap takes the one
   chosen, Escape closes the list. Without JavaScript, or with nothing chosen, Enter sends
   the form: the navigation's box to the results page, which opens an exact code, number or
   phone by itself; a picker's text to its form, which resolves a code or a name. */
(function () {
  if (!window.fetch) { return; }

  // config: url, list (id, className, label, after: the element it follows), optionId(n),
  // minLength, render(result, option), take(result), and optionally typed() and answered(data).
  function combobox(input, config) {
    var list = document.createElement("ul");
    list.id = config.list.id;
    list.className = config.list.className;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", config.list.label);
    list.hidden = true;
    config.list.after.insertAdjacentElement("afterend", list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    var options = [], results = [], active = -1, timer = null, asked = "";

    function open() { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
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
    function take(index) { var result = results[index]; close(); config.take(result); }
    function show(data) {
      list.textContent = ""; options = []; results = data.results || [];
      results.forEach(function (result, n) {
        var option = document.createElement("li");
        option.id = config.optionId(n);
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        config.render(result, option);
        // mousedown keeps the focus in the box (no blur closing the list first); click takes it
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { take(n); });
        list.appendChild(option); options.push(option);
      });
      if (config.answered) { config.answered(data); }
      if (options.length) { open(); choose(-1); } else { close(); }
    }
    function ask() {
      var text = input.value.trim();
      if (text.length < config.minLength) { close(); if (config.answered) { config.answered(null); } return; }
      if (text === asked) { return; }
      asked = text;
      var url = config.url + (config.url.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(text);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (input.value.trim() === text) { show(data); } })
        .catch(close);
    }
    input.addEventListener("input", function () {
      clearTimeout(timer); asked = asked === input.value.trim() ? asked : ""; timer = setTimeout(ask, 200);
      if (config.typed) { config.typed(); }
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && options.length) {
        event.preventDefault(); if (list.hidden) { open(); }
        choose((active + 1) % options.length);
      } else if (event.key === "ArrowUp" && options.length) {
        event.preventDefault(); if (list.hidden) { open(); }
        choose(active <= 0 ? options.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
        event.preventDefault(); take(active);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault(); close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  function span(className, text) {
    var element = document.createElement("span");
    if (className) { element.className = className; }
    element.textContent = text;
    return element;
  }

  // The navigation's search box: a suggestion opens its record.
  var form = document.querySelector("form[data-search-suggest]");
  if (form) {
    var box = form.querySelector("input[name=q]");
    combobox(box, {
      url: form.dataset.searchSuggest,
      list: { id: "nav-search-list", className: "nav-search-list", label: box.placeholder, after: form.lastElementChild },
      optionId: function (n) { return "nav-search-option-" + n; },
      minLength: 2,
      render: function (result, option) {
        option.append(span("nav-search-kind", result.kind), span("", result.label), span("nav-search-detail", result.detail));
      },
      take: function (result) { window.location.href = result.url; },
    });
  }

  // A form's picker (data-pick): a suggestion fills the hidden id (data-pick-into) and the
  // box with its name; typing again empties the id, so that the text is what is sent.
  document.querySelectorAll("input[data-pick]").forEach(function (input) {
    var chosen = document.getElementById(input.dataset.pickInto);
    var label = document.querySelector("label[for='" + input.id + "']");
    var note = document.createElement("div");
    note.className = "form-text pick-note";
    note.setAttribute("role", "status");
    note.id = input.id + "-note";
    input.parentNode.classList.add("pick-field");
    combobox(input, {
      url: input.dataset.pick,
      list: { id: input.id + "-list", className: "pick-list", label: label ? label.textContent.replace("*", "").trim() : input.name, after: input },
      optionId: function (n) { return input.id + "-option-" + n; },
      minLength: 1,
      render: function (result, option) {
        option.append(span("", result.label), span("pick-detail", result.detail));
      },
      take: function (result) {
        chosen.value = result.id; input.value = result.label; note.textContent = "";
        input.classList.remove("is-invalid");
      },
      typed: function () { chosen.value = ""; },
      answered: function (data) {
        note.textContent = !data ? "" : !(data.results || []).length ? input.dataset.pickNone : data.more ? input.dataset.pickMore : "";
      },
    });
    chosen.insertAdjacentElement("afterend", note);
  });
})();
