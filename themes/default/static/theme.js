// teambook default theme: optional enhancements only; every page reads without this file.
// 1. The colour-scheme toggle: sets data-theme on <html> and remembers the choice.
// 2. On wide screens, opens the sidebar panel for browsers without ::details-content.
// 3. Makes code blocks and tables that scroll sideways reachable by keyboard (tabindex=0),
//    and gives each code block a Copy button (the block reads and selects as before without it).
// 4. Search: shows the search box, loads the pagefind index on first use, lists results;
//    "/" focuses the box, Escape clears it. pagefind answers a word it does not hold with
//    the longest prefix it does hold ("zebra" finds "z"), so a result whose every match is far
//    shorter than the typed words is dropped: a word on no page says "No results".
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

    initSearch();
    markScrollers();
    addCopyButtons();
    var timer;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(markScrollers, 200);
    });
  }

  function initSearch() {
    var box = document.querySelector(".site-search");
    if (!box || !window.fetch) return;
    var input = box.querySelector("input");
    var out = box.querySelector(".site-search-results");
    var base = box.getAttribute("data-base") || "/";
    var engine = null;
    var latest = 0;
    var WORD_JUNK = /[^0-9A-Za-z\u00C0-\uFFFF]/g;
    box.hidden = false;

    function load() {
      if (!engine) {
        engine = import(base + "pagefind/pagefind.js").then(function (pf) {
          return pf.options({ baseUrl: base }).then(function () {
            return pf;
          });
        });
      }
      return engine;
    }

    function show(items, query) {
      out.textContent = "";
      var status = document.createElement("p");
      status.className = "site-search-status";
      status.textContent = items.length
        ? items.length + (items.length === 1 ? " result" : " results") + " for “" + query + "”"
        : "No results for “" + query + "”";
      out.appendChild(status);
      var list = document.createElement("ol");
      items.forEach(function (item) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = item.url;
        a.textContent = (item.meta && item.meta.title) || item.url;
        var p = document.createElement("p");
        p.innerHTML = item.excerpt; /* pagefind's excerpt: escaped page text with <mark> */
        li.appendChild(a);
        li.appendChild(p);
        list.appendChild(li);
      });
      out.appendChild(list);
      out.hidden = false;
    }

    // True unless every match pagefind marked in the excerpt is shorter than
    // min(3, longest typed word): a stand-in prefix, not what the reader asked for.
    function relevant(item, query) {
      var marks = item.excerpt.match(/<mark>[^<]*<\/mark>/g);
      if (!marks) return true;
      var longest = 0;
      query.split(/\s+/).forEach(function (w) {
        longest = Math.max(longest, w.replace(WORD_JUNK, "").length);
      });
      var need = Math.min(3, longest);
      return marks.some(function (m) {
        return m.replace(/<\/?mark>/g, "").replace(WORD_JUNK, "").length >= need;
      });
    }

    function run() {
      var query = input.value.trim();
      var ticket = ++latest;
      if (!query) {
        out.hidden = true;
        out.textContent = "";
        return;
      }
      load()
        .then(function (pf) {
          return pf.debouncedSearch(query, {}, 150);
        })
        .then(function (search) {
          if (!search || ticket !== latest) return null;
          return Promise.all(
            search.results.slice(0, 8).map(function (r) {
              return r.data();
            })
          ).then(function (items) {
            if (ticket !== latest) return;
            show(
              items.filter(function (item) {
                return relevant(item, query);
              }),
              query
            );
          });
        })
        .catch(function () {
          out.hidden = false;
          out.textContent = box.hasAttribute("data-preview")
            ? "The live preview has no search index; teambook build makes one."
            : "Search is not available here.";
        });
    }

    input.addEventListener("focus", load);
    input.addEventListener("input", run);
    input.addEventListener("keydown", function (e) {
      if (e.key === "Escape") {
        input.value = "";
        run();
      }
    });
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      var typing = t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName);
      if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        input.focus();
      }
    });
  }

  // A Copy button after each code block, where the browser lets pages write the clipboard.
  // The button says what happened ("Copied", or "Press Ctrl+C" when writing was refused), and
  // a polite live region repeats it for screen readers.
  function addCopyButtons() {
    if (!navigator.clipboard || !navigator.clipboard.writeText) return;
    var blocks = document.querySelectorAll(".prose pre");
    for (var i = 0; i < blocks.length; i++) {
      (function (pre) {
        var code = pre.querySelector("code") || pre;
        var wrap = document.createElement("div");
        wrap.className = "code-wrap";
        pre.parentNode.insertBefore(wrap, pre);
        wrap.appendChild(pre);
        var button = document.createElement("button");
        button.type = "button";
        button.className = "copy-code";
        button.textContent = "Copy";
        var lang = pre.getAttribute("data-lang");
        button.setAttribute("aria-label", lang ? "Copy the " + lang + " code" : "Copy the code");
        var status = document.createElement("span");
        status.className = "visually-hidden";
        status.setAttribute("role", "status");
        var say = function (text) {
          button.textContent = text;
          status.textContent = text === "Copied" ? "Copied to the clipboard" : text;
          setTimeout(function () {
            button.textContent = "Copy";
            status.textContent = "";
          }, 2000);
        };
        button.addEventListener("click", function () {
          navigator.clipboard.writeText(code.textContent.replace(/\n$/, "")).then(
            function () { say("Copied"); },
            function () { say("Press Ctrl+C"); }
          );
        });
        wrap.appendChild(button);
        wrap.appendChild(status);
      })(blocks[i]);
    }
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
