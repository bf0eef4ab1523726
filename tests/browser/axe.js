// axe-core, WCAG 2 A and AA, on every page of a build, in light and dark mode.
// usage: node axe.js <site dir> <base url> [page path...]; exits 1 on any violation.
// With page paths (`roles/scrum-master/`), only those pages are checked. With MIN_PAGES set,
// a run over fewer pages than that fails (a build that wrote no pages must not pass).
"use strict";
const fs = require("fs");
const { launch, pages, fail } = require("./lib");
const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

(async () => {
  const [dir, base, ...only] = process.argv.slice(2);
  const list = only.length ? only : pages(dir);
  const min = Number(process.env.MIN_PAGES || 1);
  if (!only.length && list.length < min) fail(`axe: ${list.length} pages found in ${dir}, fewer than ${min}`);
  const browser = await launch();
  let count = 0;
  // Four tabs at a time per colour scheme keep the run short on a small machine.
  for (const scheme of ["light", "dark"]) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: scheme });
    const queue = [...list];
    const worker = async () => {
      const page = await ctx.newPage();
      page.on("pageerror", (e) => fail(`script error on ${page.url()}: ${e.message}`));
      for (let p; (p = queue.shift()) !== undefined;) {
        await page.goto(base + p, { waitUntil: "load" });
        await page.addScriptTag({ content: AXE });
        const res = await page.evaluate(() => axe.run({ runOnly: ["wcag2a", "wcag2aa"] }));
        for (const v of res.violations) {
          count++;
          fail(`axe ${scheme} /${p}: ${v.id} (${v.impact}) ${v.help}`);
          for (const n of v.nodes.slice(0, 3)) console.error(`    ${n.target.join(" ")}`);
        }
      }
      await page.close();
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    await ctx.close();
    console.log(`axe: ${scheme} done`);
  }
  await browser.close();
  console.log(`axe: ${list.length} pages x 2 colour schemes, ${count} violations`);
})().catch((e) => { fail(e.stack); });
