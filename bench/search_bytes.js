// Bytes transferred for one search query on a built site, measured in Chromium.
// usage: node bench/search_bytes.js <base url> <query> [page path]
// Loads the page, presses "/", types the query, waits for the results and sums the body sizes
// of every response (from playwright's network events): once for the page load, once for the
// query (pagefind's JS, WebAssembly, index chunks and result fragments).
// Run by bench/search_bytes.sh; needs tests/browser/node_modules (npm ci there).
"use strict";
const path = require("path");
const { launch } = require(path.join(__dirname, "../tests/browser/lib"));

(async () => {
  const [base, query, pagePath = ""] = process.argv.slice(2);
  const browser = await launch();
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  let phase = "page";
  const bytes = { page: 0, query: 0 };
  const files = [];
  page.on("requestfinished", async (req) => {
    const sizes = await req.sizes().catch(() => null);
    if (!sizes) return;
    const n = sizes.responseBodySize + sizes.responseHeadersSize;
    bytes[phase] += n;
    if (phase === "query") files.push(`${n}\t${new URL(req.url()).pathname}`);
  });
  await page.goto(base + pagePath, { waitUntil: "networkidle" });
  phase = "query";
  await page.keyboard.press("/");
  await page.keyboard.type(query);
  await page.locator("#site-search-results li a").first().waitFor({ timeout: 30000 });
  await page.waitForLoadState("networkidle");
  await new Promise((r) => setTimeout(r, 500));
  const results = await page.locator("#site-search-results .site-search-status").innerText();
  console.log(files.join("\n"));
  console.log(`page load: ${bytes.page} bytes; query "${query}": ${bytes.query} bytes in ${files.length} responses (${results})`);
  await browser.close();
})().catch((e) => { console.error(e); process.exit(1); });
