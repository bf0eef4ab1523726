// Key screenshots compared pixel by pixel with reviewed images in reference/: the roles section
// (light and dark) and its comparison table, a sprint report and its charts, and a role pair
// page, at 1280 px with the fonts pinned. A shot fails when its size differs or more than its share of pixels
// differ (pixelmatch's colour threshold 0.1 per pixel, anti-aliased pixels not counted); the
// page as taken and a diff image (changed pixels red) go to <artifacts>/shots/.
// usage: node shots.js <base url> <artifacts dir> [--update]; --update writes the references
// instead (look at each before committing it). Exits 1 on any failure.
"use strict";
const fs = require("fs");
const path = require("path");
const { PNG } = require("pngjs");
const { launch, fail } = require("./lib");

const REFERENCE = path.join(__dirname, "reference");

// Pages of the demo chosen because its content work seldom touches them. Each shot is the
// first screen (1280 x 900: header, sidebar, title) or, with `region`, the part of the page from
// the first element matching region[0] to the last matching region[1]. `maxDiff` is the share of
// pixels that may differ (text rendering that moves a few pixels) before a shot fails. A page
// whose look changes on purpose needs its reference re-recorded (run.sh --update-shots).
const SHOTS = [
  { name: "roles", path: "roles/", scheme: "light", maxDiff: 0.0005 },
  { name: "roles-dark", path: "roles/", scheme: "dark", maxDiff: 0.0005 },
  { name: "roles-compare", path: "roles/", scheme: "light", maxDiff: 0.0005,
    region: ["#compare-roles", "#compare-roles + .table-wrap"] },
  { name: "sprint", path: "sprints/sprint-21/", scheme: "light", maxDiff: 0.0005 },
  { name: "sprint-charts", path: "sprints/sprint-21/", scheme: "light", maxDiff: 0.0005,
    region: ["#charts", ".chart-pair"] },
  { name: "pair", path: "roles/scrum-master-vs-product-owner/", scheme: "light", maxDiff: 0.0005 },
];

// The theme's font stacks start with system-ui, which each machine resolves to its own font;
// the shots use DejaVu (Chromium's Debian package depends on it), so a reference does not
// depend on what else is installed.
const PIN_FONTS = ':root { --font-sans: "DejaVu Sans"; --font-mono: "DejaVu Sans Mono"; }';

async function take(browser, base, shot) {
  const ctx = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
    colorScheme: shot.scheme,
    reducedMotion: "reduce",
    locale: "en-GB",
    timezoneId: "UTC",
  });
  const page = await ctx.newPage();
  const res = await page.goto(base + shot.path, { waitUntil: "load" });
  if (!res.ok()) throw new Error(`/${shot.path} answers ${res.status()}`);
  await page.addStyleTag({ content: PIN_FONTS });
  await page.evaluate(() => document.fonts.ready);
  const pinned = await page.evaluate(() => document.fonts.check('16px "DejaVu Sans"'));
  if (!pinned) throw new Error('the font "DejaVu Sans" is missing (apt-get install fonts-dejavu-core)');
  let clip = { x: 0, y: 0, width: 1280, height: 900 };
  if (shot.region) {
    clip = await page.evaluate(([first, last]) => {
      const a = document.querySelector(first);
      const all = document.querySelectorAll(last);
      if (!a || all.length === 0) return null;
      const [r, s] = [a.getBoundingClientRect(), all[all.length - 1].getBoundingClientRect()];
      const x = Math.floor(Math.min(r.left, s.left));
      const y = Math.floor(Math.min(r.top, s.top) + window.scrollY);
      return {
        x, y,
        width: Math.ceil(Math.max(r.right, s.right)) - x,
        height: Math.ceil(Math.max(r.bottom, s.bottom) + window.scrollY) - y,
      };
    }, shot.region);
    if (!clip) throw new Error(`/${shot.path} has no ${shot.region.join(" or ")}`);
  }
  const png = await page.screenshot({ clip, fullPage: true, animations: "disabled", caret: "hide" });
  await ctx.close();
  return png;
}

// Compares `actual` (PNG bytes) with the reference image; returns [problem or null, summary].
function compare(pixelmatch, shot, actual, out) {
  const want = PNG.sync.read(fs.readFileSync(path.join(REFERENCE, `${shot.name}.png`)));
  const got = PNG.sync.read(actual);
  if (want.width !== got.width || want.height !== got.height) {
    return [`size ${got.width}x${got.height}, the reference is ${want.width}x${want.height}`];
  }
  const diff = new PNG({ width: got.width, height: got.height });
  const changed = pixelmatch(want.data, got.data, diff.data, got.width, got.height, { threshold: 0.1 });
  const share = changed / (got.width * got.height);
  const summary = `${changed} of ${got.width * got.height} pixels differ (${(share * 100).toFixed(3)} %, ` +
    `at most ${(shot.maxDiff * 100).toFixed(2)} %)`;
  if (share <= shot.maxDiff) return [null, summary];
  fs.writeFileSync(path.join(out, `${shot.name}.diff.png`), PNG.sync.write(diff));
  return [summary];
}

(async () => {
  const [base, artifacts, mode] = process.argv.slice(2);
  const update = mode === "--update";
  const out = path.join(artifacts, "shots");
  fs.mkdirSync(out, { recursive: true });
  fs.mkdirSync(REFERENCE, { recursive: true });
  const { default: pixelmatch } = await import("pixelmatch");
  const browser = await launch();
  try {
    for (const shot of SHOTS) {
      const png = await take(browser, base, shot);
      fs.writeFileSync(path.join(out, `${shot.name}.png`), png);
      if (update) {
        fs.writeFileSync(path.join(REFERENCE, `${shot.name}.png`), png);
        console.log(`shots: recorded reference/${shot.name}.png (/${shot.path}, ${shot.scheme})`);
        continue;
      }
      const [problem, summary] = compare(pixelmatch, shot, png, out);
      if (problem) {
        fail(`shots: ${shot.name} (/${shot.path}, ${shot.scheme}) differs from reference/${shot.name}.png: ` +
          `${problem}; the page as taken and the diff are in ${out}; if the change is intended, ` +
          "look at them and re-record with tests/browser/run.sh --update-shots");
      } else {
        console.log(`shots: ${shot.name} matches its reference: ${summary}`);
      }
    }
  } finally {
    await browser.close();
  }
  if (!update && !process.exitCode) console.log(`shots: ${SHOTS.length} screenshots match their references`);
})().catch((e) => {
  fail(e.stack || String(e));
});
