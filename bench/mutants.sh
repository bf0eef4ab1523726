#!/usr/bin/env bash
# Mutation testing of the sprint reports and the record pages with cargo-mutants: every mutant
# of src/report/ and src/render/records*.rs (a `+` made `-`, a function body replaced by a
# default value, ...) is built and the tests that cover those files are run on it; a mutant the
# tests still pass on ("missed") is a change of behaviour no test notices.
#
# Usage: bench/mutants.sh [--list] [--shard K/N] [--retest DIR] [cargo-mutants options]
#   --list        the mutants, without testing them (548 on the code of issue #22)
#   --shard K/N   only every N-th mutant (round-robin, so every file is sampled)
#   --retest DIR  only the mutants named in DIR/missed.txt and DIR/timeout.txt (after adding
#                 tests: do they die now?), against the integration tests too; results in
#                 target/mutants/retest/
#   --pass2       pass 2 alone, on the survivors of the last pass 1
#
# Needs cargo-mutants (`cargo install cargo-mutants --locked`). Not run by CI: a full run takes
# about two hours on 2 cores shared with other work (a mutant costs 6 to 12 s to build, and the
# tests' run on top). It runs one job at a time at low priority (-j 1, nice 10), in a copy of
# the tree (never --in-place), so the tree can be edited meanwhile.
#
# Two passes, so most mutants cost one build of the library's unit tests: pass 1 runs every
# mutant against the library's unit tests alone; pass 2 runs those pass 1 did not catch (missed
# or timed out) against the unit tests and the integration modules that exercise these files.
# A mutant is caught when either pass catches it; pass 2's missed.txt is what no test notices.
# Results: target/mutants/pass1/mutants.out/ and target/mutants/pass2/mutants.out/ (caught.txt,
# missed.txt, timeout.txt, unviable.txt, outcomes.json), and a summary on standard output.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"

# The integration modules of sprints, teams and goals, records and role pairs, the corpus of
# located errors, and features:: (the template functions by their values: glossary_index(),
# definition_of_done(), ...); the filters match test names in both binaries.
FILTERS=(report:: records:: sprints:: teams:: pairs:: corpus:: features::)

# Builds share one target folder across runs (dependencies are built once), without debug
# info (less to write and link for every mutant).
export CARGO_TARGET_DIR="${MUTANTS_TARGET_DIR:-$here/target/mutants-build}"
export CARGO_PROFILE_DEV_DEBUG=0 CARGO_PROFILE_TEST_DEBUG=0

files=(--file 'src/report/**' --file 'src/render/records*')
out="$here/target/mutants"
shard=()
retest=""
pass2_only=""
rest=()
while [ $# -gt 0 ]; do
  case "$1" in
    --list) shift; exec cargo mutants --list "${files[@]}" "$@" ;;
    --shard) shard=(--shard "${2:?}" --sharding round-robin); shift 2 ;;
    --retest) retest="$(cd "${2:?}" && pwd)"; shift 2 ;;
    --pass2) retest="$out/pass1/mutants.out"; pass2_only=1; shift ;;
    *) rest+=("$1"); shift ;;
  esac
done
common=(-j 1 --timeout 120 --build-timeout 900 --no-shuffle)

# cargo-mutants' exit status: 2 (missed mutants) and 3 (timeouts) are results, 0 none missed;
# anything else (1 usage, 4 the unmutated tree fails its tests) stops the script.
mutants() {
  local status=0
  nice -n 10 cargo mutants "$@" || status=$?
  case "$status" in 0 | 2 | 3) ;; *) echo "cargo mutants failed ($status)" >&2; exit "$status" ;; esac
}

# Pass 2 examines exactly the mutants listed in the files given, by their full names.
names_to_res() {
  cat "$@" 2>/dev/null | sort -u | python3 -c '
import sys
for line in sys.stdin:
    line = line.rstrip("\n")
    if line:
        print("^" + "".join("\\" + c if c in "\\.+*?()|[]{}^$" else c for c in line) + "$")
'
}

mkdir -p "$out"
if [ -n "$retest" ]; then
  from=("$retest/missed.txt" "$retest/timeout.txt")
else
  rm -rf "$out/pass1"
  mkdir -p "$out/pass1"
  mutants "${files[@]}" "${common[@]}" "${shard[@]}" --output "$out/pass1" "${rest[@]}" \
    -C --lib
  from=("$out/pass1/mutants.out/missed.txt" "$out/pass1/mutants.out/timeout.txt")
fi

res=()
while IFS= read -r re; do res+=(-F "$re"); done < <(names_to_res "${from[@]}")
pass2="$out/pass2"
[ -n "$retest" ] && [ -z "$pass2_only" ] && pass2="$out/retest"
rm -rf "$pass2"
mkdir -p "$pass2"
if [ "${#res[@]}" -gt 0 ]; then
  mutants "${files[@]}" "${common[@]}" "${res[@]}" --output "$pass2" "${rest[@]}" \
    -C --lib -C --test=it -- -- "${FILTERS[@]}"
fi

count() { if [ -f "$1" ]; then grep -c . "$1" || true; else echo 0; fi; }
p1="$out/pass1/mutants.out"
p2="$pass2/mutants.out"
if [ -z "$retest" ] || [ -n "$pass2_only" ]; then
  echo "pass 1 (unit tests): $(count "$p1/caught.txt") caught, $(count "$p1/missed.txt") missed," \
    "$(count "$p1/timeout.txt") timeout, $(count "$p1/unviable.txt") unviable"
fi
echo "pass 2 (and integration modules): $(count "$p2/caught.txt") caught," \
  "$(count "$p2/missed.txt") missed, $(count "$p2/timeout.txt") timeout," \
  "$(count "$p2/unviable.txt") unviable"
echo "missed (no test notices them):"
sed 's/^/  /' "$p2/missed.txt" 2>/dev/null || true
