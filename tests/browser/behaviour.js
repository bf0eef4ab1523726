// The theme's behaviour in Chromium: the dark-mode toggle and its memory, the sidebar with the
// keyboard only, search (a glossary term finds its page), a code block's Copy button and tabs
// (without JavaScript) by keyboard, and screenshots of eight pages at 1280 and 375 px (saved under <artifacts>).
// usage: node behaviour.js <base url> <artifacts dir>; exits 1 on any failure.
"use strict";
const fs = require("fs");
const path = require("path");
const { launch, fail } = require("./lib");

const SHOTS = {
  home: "",
  roles: "roles/",
  glossary: "glossary/",
  term: "glossary/pod/",
  onboarding: "onboarding/welcome/",
  sprint: "sprints/sprint-21/",
  portfolio: "sprints/",
  goal: "goals/team-cloud-costs/",
};

function check(ok, msg) {
  if (!ok) fail(msg);
  return ok;
}

async function darkMode(browser, base) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "light" });
  const page = await ctx.newPage();
  await page.goto(base, { waitUntil: "load" });
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await bg();
  const button = page.locator(".theme-toggle");
  check(await button.isVisible(), "dark mode: the toggle is visible once theme.js runs");
  check((await button.getAttribute("aria-pressed")) === "false", "dark mode: toggle starts unpressed in a light system");
  await button.focus();
  await page.keyboard.press("Enter");
  check((await page.getAttribute("html", "data-theme")) === "dark", "dark mode: Enter on the toggle sets data-theme=dark");
  check((await button.getAttribute("aria-pressed")) === "true", "dark mode: toggle reports aria-pressed=true");
  const dark = await bg();
  check(dark !== light, `dark mode: the background changes (${light} -> ${dark})`);
  await page.reload({ waitUntil: "load" });
  check((await page.getAttribute("html", "data-theme")) === "dark", "dark mode: remembered across a reload");
  check((await bg()) === dark, "dark mode: dark colours after a reload");
  await page.goto(base + "roles/", { waitUntil: "load" });
  check((await page.getAttribute("html", "data-theme")) === "dark", "dark mode: remembered on another page");
  await page.locator(".theme-toggle").click();
  await page.reload({ waitUntil: "load" });
  check((await page.getAttribute("html", "data-theme")) === "light", "dark mode: switching back to light is remembered");
  await ctx.close();
}

// Tabs until `pred` (evaluated on document.activeElement) holds; returns whether it did.
async function tabTo(page, pred, limit = 80) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(pred)) return true;
  }
  return false;
}

async function sidebarKeyboard(browser, base) {
  // Wide: the tree is shown; the current section's group folds and unfolds with Enter, and
  // its links follow in the Tab order.
  let ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  let page = await ctx.newPage();
  await page.goto(base + "roles/", { waitUntil: "load" });
  const onGroup = () => document.activeElement.matches(".nav-group > summary");
  if (check(await tabTo(page, onGroup), "sidebar: Tab reaches the section group's toggle")) {
    const isOpen = () => page.evaluate(() => document.activeElement.parentElement.open);
    check(await isOpen(), "sidebar: the current section's group starts open");
    await page.keyboard.press("Enter");
    check(!(await isOpen()), "sidebar: Enter folds the group");
    await page.keyboard.press("Enter");
    check(await isOpen(), "sidebar: Enter unfolds the group again");
    await page.keyboard.press("Tab");
    const target = await page.evaluate(() => {
      const el = document.activeElement;
      return el.tagName === "A" && el.closest(".nav-group") ? el.getAttribute("href") : null;
    });
    if (check(target, "sidebar: Tab moves into the group's links")) {
      await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
      check(new URL(page.url()).pathname === target, `sidebar: Enter follows ${target}`);
      check(await page.evaluate(() => !!document.querySelector('.sidebar-nav [aria-current="page"]')),
        "sidebar: the current page is marked aria-current");
    }
  }
  await ctx.close();
  // Narrow: the tree folds into one disclosure that opens with the keyboard.
  ctx = await browser.newContext({ viewport: { width: 375, height: 800 } });
  page = await ctx.newPage();
  await page.goto(base + "roles/", { waitUntil: "load" });
  const nav = page.locator(".sidebar-nav");
  check(!(await nav.isVisible()), "sidebar (375 px): the tree starts folded");
  const onPanel = () => document.activeElement.matches(".sidebar-summary");
  if (check(await tabTo(page, onPanel), "sidebar (375 px): Tab reaches the Browse disclosure")) {
    await page.keyboard.press("Enter");
    check(await nav.isVisible(), "sidebar (375 px): Enter unfolds the tree");
    await page.keyboard.press("Tab");
    check(await page.evaluate(() => !!document.activeElement.closest(".sidebar-nav")),
      "sidebar (375 px): Tab moves into the tree");
  }
  await ctx.close();
}

async function search(browser, base) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(base + "roles/", { waitUntil: "load" });
  await page.keyboard.press("/");
  check(await page.evaluate(() => document.activeElement.id === "site-search-input"), "search: / focuses the search box");
  await page.keyboard.type("pod");
  const first = page.locator("#site-search-results li a").first();
  try {
    await first.waitFor({ timeout: 10000 });
  } catch (e) {
    fail(`search: no results for "pod" (${await page.locator("#site-search-results").innerText()})`);
    await ctx.close();
    return;
  }
  const hrefs = await page.locator("#site-search-results li a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  check(hrefs[0] === new URL(base).pathname + "glossary/pod/", `search: "pod" lists the glossary entry first (${hrefs.slice(0, 3).join(", ")})`);
  await Promise.all([page.waitForNavigation(), first.click()]);
  check((await page.locator("h1").innerText()).startsWith("Pod"), "search: the result opens the Pod page");
  // pagefind answers a word it lacks with its longest indexed prefix ("a", "z"); the theme
  // must still say "No results" for a word on no page, whatever letter it starts with.
  for (const word of ["zzqxnotaword", "aqqxnotaword"]) {
    await page.keyboard.press("/");
    await page.locator("#site-search-input").fill("");
    await page.keyboard.type(word);
    await page.locator(".site-search-status").filter({ hasText: `No results for “${word}”` }).waitFor({ timeout: 10000 })
      .catch(() => fail(`search: "${word}", a word on no page, says there are no results`));
  }
  await page.keyboard.press("Escape");
  check(await page.locator("#site-search-results").isHidden(), "search: Escape clears and hides the results");
  await ctx.close();
}

async function screenshots(browser, base, out) {
  fs.mkdirSync(out, { recursive: true });
  for (const width of [1280, 375]) {
    const ctx = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: "light" });
    const page = await ctx.newPage();
    for (const [name, p] of Object.entries(SHOTS)) {
      const res = await page.goto(base + p, { waitUntil: "load" });
      check(res.ok(), `screenshot: /${p} answers ${res.status()}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      check(overflow <= 0, `screenshot: /${p} at ${width} px scrolls sideways by ${overflow} px`);
      await page.screenshot({ path: path.join(out, `${name}-${width}.png`), fullPage: true });
    }
    await ctx.close();
  }
}

// The Copy button of a code block, by keyboard: Tab to it, Enter, and the clipboard holds the
// block's code exactly; the button says so. Without the button the block is unchanged.
async function copyButton(browser, base) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await ctx.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(base).origin });
  const page = await ctx.newPage();
  await page.goto(base + "glossary/deployment/", { waitUntil: "load" });
  const buttons = await page.locator(".prose .code-wrap > pre + .copy-code").count();
  const blocks = await page.locator(".prose pre").count();
  check(blocks > 0 && buttons === blocks, `copy: ${buttons} Copy buttons for ${blocks} code blocks`);
  const reached = await tabTo(page, () => document.activeElement.classList.contains("copy-code"), 200);
  check(reached, "copy: the Copy button is reachable with Tab");
  if (reached) {
    const expected = await page.evaluate(() => document.activeElement.previousElementSibling.textContent.replace(/\n$/, ""));
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.activeElement.textContent === "Copied", null, { timeout: 5000 }).catch(() => {});
    check((await page.evaluate(() => document.activeElement.textContent)) === "Copied", "copy: the button says Copied");
    const got = await page.evaluate(() => navigator.clipboard.readText());
    check(got === expected && got.length > 0, `copy: the clipboard holds the block's code (${JSON.stringify(got.slice(0, 40))})`);
  }
  await ctx.close();
}

// Tabs without JavaScript: each title is a control reached by Tab, Enter opens its tab and
// closes the one open before (an exclusive <details> group), and only the open tab's text shows.
async function tabs(browser, base) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(base + "about/", { waitUntil: "load" });
  const titles = page.locator(".tabs > details.tab > summary");
  check((await titles.count()) === 3, `tabs: ${await titles.count()} tab titles on /about/, want 3`);
  const reached = await tabTo(page, () => document.activeElement.tagName === "SUMMARY" && document.activeElement.textContent === "Linux", 200);
  check(reached, "tabs: the Linux tab is reachable with Tab, without JavaScript");
  if (reached) {
    await page.keyboard.press("Enter");
    const open = await page.evaluate(() => [...document.querySelectorAll(".tabs > details.tab")].map((d) => d.open));
    check(JSON.stringify(open) === "[false,true,false]", `tabs: Enter opens Linux alone (${JSON.stringify(open)})`);
    check(await page.getByText("~/.local/bin").isVisible(), "tabs: the Linux text shows");
    check(!(await page.getByText("system settings").isVisible()), "tabs: the Windows text stays hidden");
  }
  await ctx.close();
}

(async () => {
  const [base, out] = process.argv.slice(2);
  const browser = await launch();
  await darkMode(browser, base);
  await sidebarKeyboard(browser, base);
  await search(browser, base);
  await copyButton(browser, base);
  await tabs(browser, base);
  await screenshots(browser, base, out);
  await browser.close();
  console.log(process.exitCode ? "behaviour: failures above" : "behaviour: dark mode, sidebar keyboard, search, copy button, tabs and screenshots ok");
})().catch((e) => { fail(e.stack); });
