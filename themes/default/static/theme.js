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
