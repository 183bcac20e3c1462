// Suggestions as you type, for the search box and the forms' entity inputs, and folded facets on
// a phone. No framework, no network beyond this service: it asks /search for JSON.
"use strict";
(function () {
  function suggest(input) {
    var list = document.createElement("ul");
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.id = input.id + "-suggestions";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-autocomplete", "list");
    input.insertAdjacentElement("afterend", list);
    var timer = null, active = -1, items = [];
    // The list shows or hides, and the input says which (aria-expanded), for screen readers.
    function expand(shown) {
      list.hidden = !shown;
      input.setAttribute("aria-expanded", shown ? "true" : "false");
    }
    expand(false);

    function choose(item) {
      if (input.dataset.suggest === "go") {
        window.location.href = "/id/" + item.kind + "/" + item.id;
      } else {
        input.value = item.name;
        expand(false);
      }
    }
    function show(found) {
      items = found.filter(function (i) { return !input.dataset.kind || i.kind === input.dataset.kind; });
      list.textContent = "";
      active = -1;
      items.forEach(function (item, index) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.id = list.id + "-" + index;
        li.textContent = item.name + " (" + item.kind + ")";
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(item); });
        list.appendChild(li);
      });
      expand(items.length > 0);
    }
    function mark(index) {
      var options = list.querySelectorAll("li");
      options.forEach(function (li, i) { li.setAttribute("aria-selected", String(i === index)); });
      active = index;
      if (index >= 0) input.setAttribute("aria-activedescendant", options[index].id);
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < 2) { expand(false); return; }
      timer = setTimeout(function () {
        fetch("/search?limit=8&q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { items: [] }; })
          .then(function (page) { if (input.value.trim() === text) show(page.items); })
          .catch(function () { expand(false); });
      }, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden || items.length === 0) return;
      if (event.key === "ArrowDown") { event.preventDefault(); mark(Math.min(active + 1, items.length - 1)); }
      else if (event.key === "ArrowUp") { event.preventDefault(); mark(Math.max(active - 1, 0)); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(items[active]); }
      else if (event.key === "Escape") { expand(false); }
    });
    input.addEventListener("blur", function () { setTimeout(function () { expand(false); }, 100); });
  }
  document.querySelectorAll("input[data-suggest]").forEach(suggest);
  // On a phone the facets come before the rows: fold those not in force, so that the rows show.
  if (window.matchMedia("(max-width: 48rem)").matches) {
    document.querySelectorAll("details.facet").forEach(function (facet) {
      if (!facet.querySelector(".chosen")) facet.open = false;
    });
  }
})();
