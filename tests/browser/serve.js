// `teambook serve`'s reload script in Chromium, on a small site written here: a save of one
// page reloads the tab showing it and not a tab showing another page; a stylesheet-only save
// swaps the stylesheets in place without a reload; links point at the local address; the
// error overlay comes and goes. No check waits for a quiet moment: each event carries the
// number of its rebuild, and a save's rebuild is shown to be the only one by a sentinel save
// whose rebuild must come next.
// usage: node serve.js <teambook binary>; exits 1 on any failure.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawn } = require("child_process");
const { launch, fail } = require("./lib");

const WAIT = 15000;

function write(root, rel, text) {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
}

// Saves as most editors do: a temp file beside the target, renamed over it.
function save(root, rel, text) {
  write(root, rel + ".tmp", text);
  fs.renameSync(path.join(root, rel + ".tmp"), path.join(root, rel));
}

function check(ok, msg) {
  if (!ok) fail(msg);
  return ok;
}

// Starts the server; resolves with its base URL and a function that waits for a line.
function start(bin, root) {
  const child = spawn(bin, ["--root", root, "serve", "--port", "0"], {
    env: { ...process.env, NO_COLOR: "1" },
  });
  let seen = "";
  const waiters = [];
  const feed = (chunk) => {
    seen += chunk.toString();
    for (const w of waiters.splice(0)) w();
  };
  child.stdout.on("data", feed);
  child.stderr.on("data", feed);
  // Resolves once `needle` is printed after the first `from` characters of the output.
  const waitFor = (needle, from = 0) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${needle}" in:\n${seen}`)), WAIT);
      const look = () => {
        const i = seen.indexOf(needle, from);
        if (i >= 0) {
          clearTimeout(timer);
          resolve(seen.slice(i));
        } else waiters.push(look);
      };
      look();
    });
  return waitFor("Serving http://127.0.0.1:").then((line) => ({
    child,
    base: line.match(/http:\/\/127\.0\.0\.1:\d+\//)[0],
    waitFor,
  }));
}

async function main() {
  const bin = process.argv[2];
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "teambook-serve-"));
  write(root, "teambook.yaml", "title: Reload check\nbase_url: https://example.org/notes/\n");
  write(root, "content/_index.md", "---\ntitle: Home\n---\nThe front desk.\n");
  write(root, "content/alpha.md", "---\ntitle: Alpha\n---\nAlpha, first draft.\n");
  write(root, "content/beta.md", "---\ntitle: Beta\n---\nBeta stays as it is.\n");
  write(root, "static/extra.css", "body { outline: 0; }\n");
  const server = await start(bin, root);
  const browser = await launch();
  try {
    const ctx = await browser.newContext();
    const alpha = await ctx.newPage();
    const beta = await ctx.newPage();
    await alpha.goto(server.base + "alpha/", { waitUntil: "load" });
    await beta.goto(server.base + "beta/", { waitUntil: "load" });
    // Links point at the local address: no https://example.org/notes/ in a served link.
    const hrefs = await alpha.$$eval("a[href]", (as) => as.map((a) => a.href));
    check(hrefs.length > 0 && hrefs.every((h) => !h.startsWith("https://example.org/")),
      `links while serving point at the local address: ${hrefs.filter((h) => h.startsWith("https://example.org/")).join(", ")}`);
    check(hrefs.some((h) => h === server.base + "beta/"), `a link to beta at ${server.base}beta/`);
    // A marker that a reload would lose.
    for (const p of [alpha, beta]) await p.evaluate(() => { window.teambookMark = "kept"; });

    // Every event of the stream, with the number of the rebuild it reports (its SSE id), as
    // a tab sees them: recorded on a page without the reload script (a stylesheet).
    const recorder = await ctx.newPage();
    await recorder.goto(server.base + "extra.css", { waitUntil: "load" });
    await recorder.evaluate(() => new Promise((resolve) => {
      window.seen = [];
      const source = new EventSource("/__teambook/events");
      for (const name of ["ready", "reload", "css", "error", "clear"]) {
        source.addEventListener(name, (e) => {
          window.seen.push({ name, build: Number(e.lastEventId), data: JSON.parse(e.data) });
          if (name === "ready") resolve();
        });
      }
    }));
    // Resolves with the events after the first `from` once one is named `name`.
    const eventsUntil = (name, from) => recorder.waitForFunction(
      ([name, from]) => window.seen.slice(from).some((e) => e.name === name) && window.seen.slice(from),
      [name, from], { timeout: WAIT }).then((h) => h.jsonValue());
    const [ready] = await eventsUntil("ready", 0);

    // Save alpha's body: alpha reloads with the new text.
    const reloaded = alpha.waitForEvent("load", { timeout: WAIT });
    save(root, "content/alpha.md", "---\ntitle: Alpha\n---\nAlpha, second draft.\n");
    const [saved] = await eventsUntil("reload", 1);
    check(saved.name === "reload" && saved.build === ready.build + 1 && saved.data.includes("alpha/index.html"),
      `one rebuild for alpha's save, listing alpha: ${JSON.stringify(saved)} after ${JSON.stringify(ready)}`);
    await reloaded;
    check((await alpha.textContent("main")).includes("Alpha, second draft."), "alpha shows the saved text");
    check(await alpha.evaluate(() => window.teambookMark === undefined), "alpha was reloaded");

    // A stylesheet-only save: no tab reloads, each swaps its stylesheet links in place. It is
    // also the sentinel for alpha's save: its rebuild must be the very next one (a late second
    // rebuild of alpha, even one that changes nothing, would take that number), and once beta
    // has swapped its stylesheets it has handled alpha's event before it, so its mark shows
    // whether alpha's save reloaded it.
    await alpha.evaluate(() => { window.teambookMark = "kept"; });
    const before = await beta.$$eval('link[rel="stylesheet"]', (ls) => ls.map((l) => l.href));
    save(root, "static/extra.css", "body { outline: 1px solid transparent; }\n");
    const sentinel = await eventsUntil("css", 2);
    check(sentinel.length === 1 && sentinel[0].build === saved.build + 1,
      `the stylesheet save's rebuild is the next after alpha's (${saved.build}): ${JSON.stringify(sentinel)}`);
    await beta.waitForFunction(
      (old) => [...document.querySelectorAll('link[rel="stylesheet"]')].some((l, i) => l.href !== old[i]),
      before, { timeout: WAIT });
    const after = await beta.$$eval('link[rel="stylesheet"]', (ls) => ls.map((l) => l.href));
    check(after.every((h) => /[?&]teambook=\d+/.test(h)), `stylesheets re-requested: ${after.join(", ")}`);
    check(await beta.evaluate(() => window.teambookMark === "kept"),
      "beta was not reloaded, neither for alpha's save nor for the stylesheet save");
    check(await alpha.evaluate(() => window.teambookMark === "kept"), "alpha was not reloaded for a stylesheet save");

    // A broken save puts the overlay over every tab; saving the last good text back changes
    // no file, so the `clear` event alone must take the overlay away.
    const good = fs.readFileSync(path.join(root, "content/alpha.md"), "utf8");
    save(root, "content/alpha.md", "---\ntitle: [unclosed\n---\nBroken.\n");
    await beta.waitForSelector("#teambook-overlay", { timeout: WAIT });
    check((await beta.textContent("#teambook-overlay")).includes("content/alpha.md:2:8"),
      "the overlay shows the error's position");
    save(root, "content/alpha.md", good);
    await beta.waitForSelector("#teambook-overlay", { state: "detached", timeout: WAIT });
    check(await beta.evaluate(() => window.teambookMark === "kept"), "beta was not reloaded to clear the overlay");
  } finally {
    await browser.close();
    server.child.kill("SIGINT");
    fs.rmSync(root, { recursive: true, force: true });
  }
  if (!process.exitCode) console.log("serve reload script: own page reloads, others keep, stylesheets swap, the overlay clears");
}

main().catch((e) => {
  fail(e.stack || String(e));
});
