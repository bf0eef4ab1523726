#!/usr/bin/env bash
# Times `teambook import jira` on a generated export of ROWS rows (default 10,000): 20 sprints
# of 50 issues (a fifth of them carried into the next sprint), the rest on the backlog; BOM,
# CRLF, repeated Sprint and Labels columns, Jira's default date format. The site and the
# export go to /dev/shm. Usage: bench/import.sh [ROWS] [TEAMBOOK]
set -euo pipefail
ROWS=${1:-10000}
BIN=${2:-target/release/teambook}
DIR=/dev/shm/teambook-import-bench
rm -rf "$DIR" && mkdir -p "$DIR/site/content/sprints"
python3 - "$ROWS" "$DIR" <<'PY'
import csv, datetime as dt, io, sys
rows, out = int(sys.argv[1]), sys.argv[2]
start = dt.date(2025, 1, 6)
open(f"{out}/site/teambook.yaml", "w").write("title: Bench\n")
for k in range(1, 21):
    s = start + dt.timedelta(days=14 * (k - 1))
    open(f"{out}/site/content/sprints/sprint-{k}.md", "w").write(
        f"---\ntitle: Sprint {k}\nkind: sprint\nnumber: {k}\ngoal: \"Goal {k}\"\nstart: {s}\nend: {s + dt.timedelta(days=11)}\n---\n")
def jd(d):
    return d.strftime("%d/%b/%y 3:42 PM")
buf = io.StringIO()
w = csv.writer(buf, lineterminator="\r\n")
w.writerow(["Summary", "Issue key", "Issue Type", "Status", "Status Category", "Assignee", "Created", "Resolved",
            "Labels", "Labels", "Sprint", "Sprint", "Custom field (Story point estimate)"])
for n in range(1, rows + 1):
    k = (n - 1) // 50 + 1 if n <= 1000 else None
    sprints = [] if k is None else [f"BEN Sprint {k}"]
    carried = k is not None and k < 20 and n % 5 == 0
    if carried:
        sprints.append(f"BEN Sprint {k + 1}")
    last = k + 1 if carried else k
    done = last is not None and last < 20
    created = start + dt.timedelta(days=(n % 300) - 30 if k is None else 14 * (k - 1) - 3)
    resolved = start + dt.timedelta(days=14 * (last - 1) + 5) if done else None
    w.writerow([f"Item {n}: make the thing {n % 97} work offline", f"BEN-{n}", "Story",
                "Done" if done else "To Do", "Done" if done else "To Do", ["Ana Lima", "Bo Chen"][n % 2],
                jd(created), jd(resolved) if resolved else "", "mobile" if n % 3 else "", "api" if n % 4 else "",
                *(sprints + ["", ""])[:2], [1, 2, 3, 5, 8][n % 5]])
open(f"{out}/jira.csv", "wb").write(("\ufeff" + buf.getvalue()).encode())
PY
echo "export: $(wc -l < "$DIR/jira.csv") lines, $(du -h "$DIR/jira.csv" | cut -f1)"
echo "--- first import (--dry-run: parse, plan, diff; writes nothing)"
/usr/bin/time -f "%e s wall, %M KB peak" "$BIN" --root "$DIR/site" --quiet import jira "$DIR/jira.csv" --dry-run --as-of 2025-12-01 > /dev/null
echo "--- first import (writes the backlog and 20 sprint pages)"
/usr/bin/time -f "%e s wall, %M KB peak" "$BIN" --root "$DIR/site" --quiet import jira "$DIR/jira.csv" --as-of 2025-12-01
echo "--- the same export again (every item compared in place, nothing to write)"
/usr/bin/time -f "%e s wall, %M KB peak" "$BIN" --root "$DIR/site" --quiet import jira "$DIR/jira.csv" --as-of 2025-12-01
