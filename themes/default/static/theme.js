// teambook default theme: optional enhancements only; every page reads without this file.
// 1. The colour-scheme toggle: sets data-theme on <html> and remembers the choice.
// 2. On wide screens, opens the sidebar panel for browsers without ::details-content.
// 3. Makes code blocks and tables that scroll sideways reachable by keyboard (tabindex=0).
(function () {
  "use strict";
  var KEY = "teambook-theme";
  var root = document.documentElement;
  var systemDark = window.matchMedia("(prefers-color-scheme: dark)");

  function isDark() {
    var chosen = root.getAttribute("data-theme");
    return chosen ? chosen === "dark" : systemDark.matches;
  }

  function store(value) {
    try {
      localStorage.setItem(KEY, value);
    } catch (e) {
      /* storage disabled: the choice lasts for this page only */
    }
  }

  function init() {
    var button = document.querySelector(".theme-toggle");
    if (button) {
      var sync = function () {
        button.setAttribute("aria-pressed", isDark() ? "true" : "false");
      };
      button.addEventListener("click", function () {
        var next = isDark() ? "light" : "dark";
        root.setAttribute("data-theme", next);
        store(next);
        sync();
      });
      if (systemDark.addEventListener) {
        systemDark.addEventListener("change", sync);
      }
      sync();
      button.hidden = false;
    }

    var panel = document.querySelector(".sidebar-panel");
    if (panel && window.matchMedia("(min-width: 50rem)").matches) {
      panel.open = true;
    }

    markScrollers();
    var timer;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(markScrollers, 200);
    });
  }

  function markScrollers() {
    var boxes = document.querySelectorAll(".prose pre, .prose table, .prose .table-wrap");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      if (!box.hasAttribute("tabindex") && box.scrollWidth > box.clientWidth) {
        box.setAttribute("tabindex", "0");
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

// Guide checklists: each item gets a checkbox whose tick is kept in this browser.
// Without JavaScript the checklist stays a plain list.
(function () {
  "use strict";
  function initChecklists() {
    var lists = document.querySelectorAll("ul.guide-checklist[data-checklist]");
    for (var l = 0; l < lists.length; l++) {
      var list = lists[l];
      var key = "teambook:checklist:" + list.getAttribute("data-checklist");
      var saved = {};
      try {
        saved = JSON.parse(window.localStorage.getItem(key) || "{}");
      } catch (e) {
        saved = {};
      }
      var items = list.querySelectorAll("li");
      for (var i = 0; i < items.length; i++) {
        var box = document.createElement("input");
        box.type = "checkbox";
        box.id = key + ":" + i;
        box.checked = !!saved[i];
        var label = document.createElement("label");
        label.htmlFor = box.id;
        while (items[i].firstChild) {
          label.appendChild(items[i].firstChild);
        }
        items[i].appendChild(box);
        items[i].appendChild(label);
        (function (index, input) {
          input.addEventListener("change", function () {
            saved[index] = input.checked;
            try {
              window.localStorage.setItem(key, JSON.stringify(saved));
            } catch (e) {}
          });
        })(i, box);
      }
      list.classList.add("is-interactive");
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initChecklists);
  } else {
    initChecklists();
  }
})();
