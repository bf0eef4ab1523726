#!/usr/bin/env bash
# Browser tests of the default theme on the demo handbook, in Chromium:
#   axe-core (WCAG 2 A, AA; light and dark) on every page, the Nu HTML Checker on every HTML
#   file, lychee (offline, with fragments) on the output, the dark-mode toggle, the sidebar
#   with the keyboard, search, screenshots saved under target/browser-artifacts/, six key
#   screenshots compared pixel by pixel with reviewed images in reference/ (shots.js), and
#   serve's reload script (serve.js, on a site of its own).
# usage: tests/browser/run.sh           run every check; exit 1 on any failure
#        tests/browser/run.sh --site DIR the Nu checker, lychee and axe on the site in DIR
#                                       (the behaviour checks know the demo's pages only)
#        tests/browser/run.sh --prove   after a control run (the clean copy passes), break a
#                                       copy of the output four ways (an image without alt
#                                       text, a broken link, a link to a missing anchor,
#                                       invalid HTML) and show that axe, lychee and vnu each
#                                       fail on it; that an empty build fails too; and that
#                                       the screenshots fail on a copy whose accent colour
#                                       changed in style.css
#        tests/browser/run.sh --update-shots re-records reference/*.png from the demo (look at
#                                       each, and the diff, before committing them)
# Needs: node_modules here (npm ci), java, /usr/bin/chromium (or $CHROMIUM), lychee (on PATH
# or $LYCHEE), python3, and a release build of teambook (built here if missing).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
port="${PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
lychee="${LYCHEE:-lychee}"
artifacts="$repo/target/browser-artifacts"
tmp="$(mktemp -d)"
servers=()
cleanup() {
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# serve DIR PORT: a static server on loopback, waited for until it answers.
serve() {
  python3 -m http.server "$2" --bind 127.0.0.1 --directory "$1" >/dev/null 2>&1 &
  servers+=("$!")
  for _ in $(seq 50); do
    if python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1])" \
      "http://127.0.0.1:$2/" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "the static server on port $2 did not start" >&2
  return 1
}

# The three checks that run over files or pages; each exits non-zero on a problem.
# MIN_PAGES: fewer HTML pages than this is a failure of its own (an empty build passes every
# check vacuously); the demo has over 100, a first-hour site over 20.
check_axe() { node "$here/axe.js" "$1/handbook" "${@:2}"; }
check_vnu() {
  local count
  count=$(find "$1" -name '*.html' | wc -l)
  if [ "$count" -lt "${MIN_PAGES:-1}" ]; then
    echo "vnu: $count HTML files in $1, fewer than ${MIN_PAGES:-1}" >&2
    return 1
  fi
  find "$1" -name '*.html' -print0 |
    xargs -0 java -jar "$here/node_modules/vnu-jar/build/dist/vnu.jar" --errors-only
}
check_lychee() {
  (cd "$1" && "$lychee" --offline --include-fragments --index-files index.html --no-progress \
    --root-dir "$1" 'handbook/**/*.html')
}

site="$tmp/site"
base="http://127.0.0.1:$port/handbook/"
if [ "${1:-}" = "--site" ]; then
  export MIN_PAGES="${MIN_PAGES:-20}"
  root="$(cd "$2" && pwd)"
  echo "== build $root"
  (cd "$repo" && cargo run --release --quiet -- --root "$root" build --quiet --output-dir "$site/handbook" --base-url "$base")
  serve "$site" "$port"
  status=0
  for check in check_vnu check_lychee; do
    echo "== $check"
    "$check" "$site" || { status=1; echo "FAILED" >&2; }
  done
  echo "== check_axe, light and dark"
  check_axe "$site" "$base" || { status=1; echo "FAILED" >&2; }
  [ "$status" = 0 ] && echo "browser checks passed on $root"
  exit "$status"
fi
export MIN_PAGES="${MIN_PAGES:-100}"
echo "== build the demo handbook"
(cd "$repo" && cargo run --release --quiet -- build --quiet --output-dir "$site/handbook" --base-url "$base")
serve "$site" "$port"

if [ "${1:-}" = "--update-shots" ]; then
  node "$here/shots.js" "$base" "$artifacts" --update
  exit
fi

if [ "${1:-}" = "--prove" ]; then
  # One page of a copy gets each defect; every check must then fail. First the control: the
  # clean copy passes every check, so a failure below is the defect's, not a missing tool's or
  # a Chromium that did not start.
  victim="roles/scrum-master/index.html"
  status=0
  for check in check_vnu check_lychee; do
    if ! "$check" "$site" >"$tmp/control-$check.log" 2>&1; then
      echo "CONTROL FAILED: the clean site fails $check, so nothing below would prove anything:" >&2
      tail -n 5 "$tmp/control-$check.log" >&2
      exit 1
    fi
  done
  if ! check_axe "$site" "$base" "${victim%index.html}" >"$tmp/control-axe.log" 2>&1; then
    echo "CONTROL FAILED: the clean page fails check_axe:" >&2
    tail -n 5 "$tmp/control-axe.log" >&2
    exit 1
  fi
  echo "control: the clean copy passes vnu, lychee and axe"
  prove() { # prove NAME CHECK SED-EXPRESSION [ARGS]
    local name="$1" check="$2" expr="$3"; shift 3
    local copy="$tmp/$name"
    cp -r "$site" "$copy"
    sed -i "$expr" "$copy/handbook/$victim"
    if "$check" "$copy" "$@" >"$tmp/$name.log" 2>&1; then
      echo "NOT CAUGHT: $name passed $check" >&2
      status=1
    else
      echo "caught: $name fails $check:"
      grep -m 3 -iE 'fail|error|image-alt' "$tmp/$name.log" | sed 's/^/    /'
    fi
  }
  cp -r "$site" "$tmp/missing-alt"
  sed -i 's|<div class="prose">|<div class="prose"><img src="/handbook/favicon.svg" width="16" height="16">|' \
    "$tmp/missing-alt/handbook/$victim"
  serve "$tmp/missing-alt" $((port + 1))
  alt_base="http://127.0.0.1:$((port + 1))/handbook/"
  if check_axe "$tmp/missing-alt" "$alt_base" "${victim%index.html}" >"$tmp/missing-alt.log" 2>&1; then
    echo "NOT CAUGHT: missing-alt passed check_axe" >&2
    status=1
  else
    echo "caught: missing-alt fails check_axe:"
    grep -m 3 'FAIL' "$tmp/missing-alt.log" | sed 's/^/    /'
  fi
  prove broken-link check_lychee 's|<div class="prose">|<div class="prose"><a href="/handbook/roles/no-such-role/">gone</a>|'
  prove broken-anchor check_lychee 's|<div class="prose">|<div class="prose"><a href="/handbook/roles/product-owner/#no-such-heading">gone</a>|'
  mkdir -p "$tmp/empty/handbook"
  if check_vnu "$tmp/empty" >"$tmp/empty.log" 2>&1; then
    echo "NOT CAUGHT: an empty build passed check_vnu" >&2
    status=1
  else
    echo "caught: an empty build fails check_vnu: $(tail -n 1 "$tmp/empty.log")"
  fi
  prove invalid-html check_vnu 's|<div class="prose">|<div class="prose"><p><div>block in a paragraph</p></span>|'
  # The screenshots: the clean copy matches the references, a copy with another accent colour
  # (the light one: links, the active sidebar entry, buttons) does not.
  if ! node "$here/shots.js" "$base" "$tmp/shots-control" >"$tmp/shots-control.log" 2>&1; then
    echo "CONTROL FAILED: the clean site's screenshots differ from the references:" >&2
    tail -n 5 "$tmp/shots-control.log" >&2
    status=1
  else
    echo "control: the clean copy's screenshots match the references"
  fi
  cp -r "$site" "$tmp/recoloured"
  sed -i '0,/--accent: #0a58b8;/s//--accent: #b3232a;/' "$tmp/recoloured/handbook/style.css"
  if cmp -s "$site/handbook/style.css" "$tmp/recoloured/handbook/style.css"; then
    echo "NOT PROVED: the accent colour was not found in style.css" >&2
    status=1
  fi
  serve "$tmp/recoloured" $((port + 2))
  if node "$here/shots.js" "http://127.0.0.1:$((port + 2))/handbook/" "$tmp/shots-recoloured" \
    >"$tmp/recoloured.log" 2>&1; then
    echo "NOT CAUGHT: a changed accent colour passed shots.js" >&2
    status=1
  else
    echo "caught: a changed accent colour fails shots.js:"
    grep 'FAIL' "$tmp/recoloured.log" | cut -c1-160 | sed 's/^/    /'
  fi
  exit "$status"
fi

status=0
run() { # run NAME COMMAND...: runs every check even after a failure, then reports them all
  echo "== $1"
  shift
  if ! "$@"; then status=1; echo "FAILED" >&2; fi
}
run "Nu HTML Checker (errors only) on every HTML file" check_vnu "$site"
run "lychee --offline --include-fragments" check_lychee "$site"
run "axe-core WCAG 2 A + AA on every page, light and dark" check_axe "$site" "$base"
run "dark mode, sidebar keyboard, search, screenshots" node "$here/behaviour.js" "$base" "$artifacts"
run "key screenshots against the reviewed references (shots.js)" node "$here/shots.js" "$base" "$artifacts"
run "serve: a tab reloads for its own page only, stylesheets swap, the overlay clears" \
  node "$here/serve.js" "${CARGO_TARGET_DIR:-$repo/target}/release/teambook"
[ "$status" = 0 ] && echo "browser tests passed; screenshots in $artifacts"
exit "$status"
