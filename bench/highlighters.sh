#!/usr/bin/env bash
# The highlighter comparison (issue: real-size sites): syntect (teambook today), giallo
# (Zola's) and arborium (tree-sitter), each built alone from bench/highlighters/, over the
# fenced code blocks of a generated site like the 3,000-post blog (77% of its bytes in code).
# Prints, per highlighter: time on one thread, peak memory (/usr/bin/time -v), binary size,
# which of the languages we need have a grammar; writes sample pages for screenshots.
#   bench/highlighters.sh [--pages N] [--code-blocks K] [--work-dir DIR]
set -euo pipefail
cd "$(dirname "$0")"
pages=3000 code_blocks=18 work=/dev/shm/highlighters
while [ $# -gt 0 ]; do
  case "$1" in
    --pages) pages=$2; shift 2 ;;
    --code-blocks) code_blocks=$2; shift 2 ;;
    --work-dir) work=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$work"
site="$work/site-$pages-$code_blocks"
[ -d "$site" ] || python3 gen_site.py --pages "$pages" --code-blocks "$code_blocks" "$site" >/dev/null
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/../target/highlighters}"
for h in syntect giallo arborium; do
  cargo build --quiet --release --manifest-path highlighters/Cargo.toml --no-default-features --features "$h"
  cp "$CARGO_TARGET_DIR/release/highlighters" "$work/hl-$h"
done
for h in syntect giallo arborium; do
  bin="$work/hl-$h"
  /usr/bin/time -v "$bin" time "$site/content" 2> "$work/time-$h.txt"
  echo "  peak $(awk '/Maximum resident/ {printf "%.0f MB", $6/1024}' "$work/time-$h.txt"), binary $(du -m "$bin" | cut -f1) MB"
  "$bin" coverage
  "$bin" sample "$work/sample-$h.html"
done
echo "samples: $work/sample-*.html"
