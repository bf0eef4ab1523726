#!/usr/bin/env bash
# Latency of `teambook serve`: from saving a file to the reload event, and a load check.
#
# Usage: bench/serve.sh [--pages "1000 10000"] [--saves 20] [--skip-load]
#
# For every page count: generate a site on tmpfs (bench/gen_site.py), give it a page.html
# override that reads data/bench.yaml, start the release binary on a free loopback port, then
# save (write a temp file, rename it over) one page, the template and the data file SAVES times
# each, timing each save until the `reload` server-sent event arrives; prints the medians.
# Then 200 concurrent clients fetch pages for 10 s with wrk (loopback only) and any error fails.
set -euo pipefail
export LC_ALL=C

PAGES="1000 10000"
SAVES=20
LOAD=1
while [ $# -gt 0 ]; do
    case "$1" in
        --pages) PAGES="${2:?}"; shift 2 ;;
        --saves) SAVES="${2:?}"; shift 2 ;;
        --skip-load) LOAD=0; shift ;;
        *) sed -n '4p' "$0" | sed 's/^# //' >&2; exit 2 ;;
    esac
done

here="$(cd "$(dirname "$0")/.." && pwd)"
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
bin="$here/target/release/teambook"

for n in $PAGES; do
    site="/dev/shm/teambook-serve-$n"
    rm -rf "$site"
    python3 "$here/bench/gen_site.py" "$site" --pages "$n" >/dev/null
    mkdir -p "$site/templates" "$site/data"
    # page.html of the theme, with a marker that shows the data file's stamp and a revision.
    sed 's|{% block content %}|{% block content %}<p class="bench" data-stamp="{{ data.bench.stamp }}" data-rev="0"></p>|' \
        "$here/themes/default/templates/page.html" > "$site/templates/page.html"
    grep -q 'data-rev="0"' "$site/templates/page.html" || { echo "page.html has no content block" >&2; exit 1; }
    echo "stamp: 0" > "$site/data/bench.yaml"

    log="$(mktemp)"
    "$bin" --root "$site" serve --port 0 > "$log" 2>&1 &
    pid=$!
    trap 'kill $pid 2>/dev/null || true' EXIT
    port=""
    for _ in $(seq 1 600); do
        port="$(sed -n 's|^Serving http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$log")"
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$log" >&2; exit 1; }
    trap 'kill $pid 2>/dev/null || true; echo "--- server log:"; tail -20 "$log"' EXIT
    echo "## $n pages ($(head -1 "$log"))"

    python3 - "$site" "$port" "$SAVES" <<'PY'
import http.client, os, queue, statistics, sys, threading, time

site, port, saves = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
events = queue.Queue()

def listen():
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/__teambook/events")
    resp = conn.getresponse()
    name = None
    while True:
        line = resp.fp.readline()
        if not line:
            return
        line = line.decode().rstrip("\r\n")
        if line.startswith("event: "):
            name = line[7:]
        elif line == "" and name:
            events.put((time.perf_counter(), name))
            name = None

threading.Thread(target=listen, daemon=True).start()
assert events.get(timeout=60)[1] == "ready"

def save(rel, text):
    path = os.path.join(site, rel)
    with open(path + ".tmp", "w") as f:
        f.write(text)
    start = time.perf_counter()
    os.rename(path + ".tmp", path)
    return start

def timed(rel, make):
    times = []
    for i in range(saves):
        start = save(rel, make(i))
        while True:
            at, name = events.get(timeout=120)
            if name in ("reload", "css", "error"):
                break
        assert name != "error", f"{rel}: the save broke the site"
        times.append((at - start) * 1000)
        time.sleep(0.15)
        while not events.empty():
            events.get()
    return times

page = None
for dirpath, _, files in sorted(os.walk(os.path.join(site, "content"))):
    md = sorted(f for f in files if f.endswith(".md") and f != "_index.md")
    if md:
        page = os.path.relpath(os.path.join(dirpath, md[len(md) // 2]), site)
        break
original = open(os.path.join(site, page)).read()
template = open(os.path.join(site, "templates/page.html")).read()

rows = [
    ("one page", timed(page, lambda i: original + f"\nEdit number {i}.\n")),
    ("template (page.html)", timed("templates/page.html",
        lambda i: template.replace('data-rev="0"', f'data-rev="{i + 1}"'))),
    ("data file", timed("data/bench.yaml", lambda i: f"stamp: {i + 1}\n")),
]
print(f"| change | median ms | min ms | max ms | saves |")
print(f"|---|---|---|---|---|")
for what, t in rows:
    print(f"| {what} | {statistics.median(t):.0f} | {min(t):.0f} | {max(t):.0f} | {len(t)} |")
PY

    if [ "$LOAD" = 1 ]; then
        command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
        page_url="$(cd "$site/content" && ls -d section-001/*.md | grep -v _index | head -1 | sed 's|\.md$|/|')"
        out="$(wrk -t2 -c200 -d10s --timeout 5s "http://127.0.0.1:$port/$page_url")"
        echo '```'; echo "$out"; echo '```'
        if echo "$out" | grep -qE "Socket errors|Non-2xx"; then
            echo "load check: ERRORS" >&2; exit 1
        fi
        echo "load check: 200 clients, 10 s, zero errors"
    fi
    kill -INT "$pid"; wait "$pid" || true
    trap - EXIT
    rm -f "$log"
done
