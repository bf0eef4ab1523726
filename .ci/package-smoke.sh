#!/usr/bin/env bash
# Smoke test of a teambook binary built from the packaged crate (.ci/run builds it with
# `cargo package`): PACKAGED must init a starter handbook and build it, twice, into the same
# files byte for byte, search index included, and into the files REFERENCE (a build of this
# repository) writes.
#
# Both checks fail with the unpatched pagefind (vendor/pagefind/PATCHES.md): upstream numbers
# the pages in the order the parallel parsing finishes them, so two builds give different word
# index chunks, `pf_meta` and `pagefind-entry.json` (patch 3); and it gzips at level 9, so
# every fragment's bytes differ from ours (patch 4). To see it fail:
# `patch -R -p1 -d vendor/pagefind < vendor/pagefind/patches.diff` in a copy of the repository,
# build it, and pass that binary as PACKAGED.
#
# Usage: .ci/package-smoke.sh PACKAGED REFERENCE
set -euo pipefail
packaged=$1
reference=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$packaged" init "$work/site" > /dev/null
# build NAME BINARY: a cold build (its own body cache, a fresh output) into $work/NAME.
build() {
  TEAMBOOK_CACHE_DIR="$work/cache-$1" "$2" --root "$work/site" build --quiet --output-dir "$work/$1"
}
build first "$packaged"
build second "$packaged"
build reference "$reference"

if [ ! -s "$work/first/pagefind/pagefind-entry.json" ]; then
  echo "the packaged teambook wrote no search index" >&2
  exit 1
fi
if ! diff -r "$work/first" "$work/second" > "$work/diff"; then
  head -20 "$work/diff" >&2
  echo "two builds of the packaged teambook differ (is pagefind the patched one?)" >&2
  exit 1
fi
if ! diff -r "$work/first" "$work/reference" > "$work/diff"; then
  head -20 "$work/diff" >&2
  echo "the packaged teambook builds other files than this repository's (is pagefind the patched one?)" >&2
  exit 1
fi
echo "packaged teambook: init and build ok; $(find "$work/first" -type f | wc -l) files, the same on every build and as this repository's build"
