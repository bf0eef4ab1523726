// Shared helpers of the browser tests: launching Chromium and listing the pages of a build.
"use strict";
const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");

const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--no-first-run", "--disable-quic"],
  });
}

// Every HTML file under `dir` that is a real page (alias redirects are left out), as URL paths
// relative to the site root (`roles/scrum-master/`).
function pages(dir) {
  const found = [];
  (function walk(d) {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".html")) {
        if (fs.readFileSync(p, "utf8").includes('http-equiv="refresh"')) continue;
        found.push(path.relative(dir, p).split(path.sep).join("/").replace(/(^|\/)index\.html$/, "$1"));
      }
    }
  })(dir);
  return found;
}

// Fails the process with a message; used by every test file.
function fail(msg) {
  console.error(`FAIL ${msg}`);
  process.exitCode = 1;
}

module.exports = { launch, pages, fail };
