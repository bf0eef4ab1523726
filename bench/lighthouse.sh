#!/usr/bin/env bash
# Lighthouse (npm `lighthouse`, in headless Chromium) on five pages of the demo handbook:
# prints the accessibility, best-practices and SEO scores of each. A benchmark, not a test.
# usage: bench/lighthouse.sh          (needs node, python3 and /usr/bin/chromium or $CHROME_PATH)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
port="${PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
tool="$repo/target/lighthouse"
if [ ! -x "$tool/node_modules/.bin/lighthouse" ]; then
  npm install --prefix "$tool" --no-audit --no-fund --silent lighthouse@13.5.0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
base="http://127.0.0.1:$port/handbook/"
(cd "$repo" && cargo run --release --quiet -- build --quiet --output-dir "$tmp/site/handbook" --base-url "$base")
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$tmp/site" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$tmp"' EXIT
sleep 1
printf '%-22s %13s %14s %5s\n' page accessibility best-practices seo
for p in "" roles/ glossary/pod/ onboarding/welcome/ sprints/sprint-21/; do
  "$tool/node_modules/.bin/lighthouse" "$base$p" --quiet --output=json --output-path="$tmp/lh.json" \
    --only-categories=accessibility,best-practices,seo \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage" >"$tmp/lh.log" 2>&1 || { cat "$tmp/lh.log" >&2; exit 1; }
  node -e '
    const r = require(process.argv[1]).categories;
    const s = (k) => Math.round(r[k].score * 100);
    console.log(`${process.argv[2].padEnd(22)} ${String(s("accessibility")).padStart(13)} ${String(s("best-practices")).padStart(14)} ${String(s("seo")).padStart(5)}`);
  ' "$tmp/lh.json" "/${p}"
done
