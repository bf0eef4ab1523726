#!/usr/bin/env bash
# Bytes per search query on the 10,000-page synthetic site, built with the default theme.
# usage: bench/search_bytes.sh [pages] [query]     (defaults: 10000, "cluster")
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
pages="${1:-10000}"
query="${2:-cluster}"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
work="/dev/shm/teambook-search-$pages"
rm -rf "$work"
python3 "$repo/bench/gen_site.py" "$work/src" --pages "$pages" >/dev/null
(cd "$repo" && cargo build --release --quiet)
base="http://127.0.0.1:$port/site/"
time "$repo/target/release/teambook" build --root "$work/src" --output-dir "$work/www/site" --base-url "$base"
du -sh "$work/www/site/pagefind"
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/www" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
sleep 1
page="$(cd "$work/www/site" && find . -mindepth 3 -name index.html -print -quit | sed 's|^\./||; s|index.html$||')"
node "$repo/bench/search_bytes.js" "$base" "$query" "$page"
