(function () {
  var me = document.currentScript;
  var page = me.getAttribute("data-teambook-page");
  var source = new EventSource(me.getAttribute("data-teambook-events"));
  function showError(report) {
    var box = document.getElementById("teambook-overlay");
    if (!box) {
      box = document.createElement("div");
      box.id = "teambook-overlay";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
        "background:rgba(20,20,24,.94);color:#f6f6f6;padding:2rem;font:14px/1.5 ui-monospace,monospace";
      var head = document.createElement("p");
      head.style.cssText = "color:#ff8080;font-weight:bold;margin:0 0 1rem";
      head.textContent = "teambook: the last save broke the site; showing the last good build. " +
        "Fix the error and save again.";
      box.appendChild(head);
      box.appendChild(document.createElement("pre"));
      box.lastChild.style.cssText = "white-space:pre-wrap;margin:0";
      document.body.appendChild(box);
    }
    box.lastChild.textContent = report;
  }
  function clearError() {
    var box = document.getElementById("teambook-overlay");
    if (box) box.remove();
  }
  // Every event carries JSON data (`null` when there is nothing to say): EventSource drops an
  // event without data.
  source.addEventListener("ready", function (e) {
    var report = JSON.parse(e.data);
    if (report) showError(report); else clearError();
  });
  source.addEventListener("error", function (e) {
    if (e.data) showError(JSON.parse(e.data));
  });
  source.addEventListener("clear", clearError);
  source.addEventListener("css", function () {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href);
      url.searchParams.set("teambook", Date.now());
      links[i].href = url.href;
    }
  });
  source.addEventListener("reload", function (e) {
    var changed = JSON.parse(e.data);
    var mine = changed.some(function (p) {
      // This page, or a script, image or font it may use.
      return p === "*" || p === page || page === "" ||
        /\.(m?js|svg|png|jpe?g|gif|webp|avif|ico|woff2?)$/i.test(p);
    });
    if (mine) location.reload();
  });
})();
