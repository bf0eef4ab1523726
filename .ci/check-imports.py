#!/usr/bin/env python3
"""Fails when a module of a lower pipeline stage uses one of a higher stage.

The stages, highest first (src/lib.rs says the same):
  serve, commands, cli -> build -> search, write -> render -> report, import -> model
  -> parse, load -> config -> yaml -> error, util
A module may use its own stage and the ones below. Every `crate::<module>` path outside
test code counts (a `use` line or a path in the code); test modules are not checked.
"""
import pathlib
import re
import sys

RANKS = {
    "error": 0, "util": 0,
    "yaml": 1,
    "config": 2,
    "load": 3, "parse": 3,
    "model": 4,
    "report": 5, "import": 5,
    "render": 6,
    "write": 7, "search": 7,
    "build": 8,
    "serve": 9, "commands": 9, "cli": 9,
}
PATH = re.compile(r"\bcrate::(\{[^}]*\}|[a-z_]+)")
NAME = re.compile(r"(?:^|[{,\s])([a-z_]+)(?=::|[,}\s]|$)")

src = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "src")
problems = []
for path in sorted(src.rglob("*.rs")):
    rel = path.relative_to(src)
    module = rel.parts[0].removesuffix(".rs")
    if module in ("lib", "main") or path.name == "tests.rs":
        continue
    if module not in RANKS:
        problems.append(f"{path}: module `{module}` has no stage in .ci/check-imports.py")
        continue
    text = path.read_text()
    cut = re.search(r"^#\[cfg\(test\)\]\s*\n\s*mod tests", text, re.M)
    if cut:
        text = text[: cut.start()]
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("//"):
            continue
        for match in PATH.finditer(line):
            target = match.group(1)
            names = NAME.findall(target) if target.startswith("{") else [target]
            for name in names:
                if name in RANKS and RANKS[name] > RANKS[module]:
                    problems.append(
                        f"{path}:{number}: `{module}` (stage {RANKS[module]}) uses "
                        f"`crate::{name}` (stage {RANKS[name]}): move the name down instead"
                    )
# Multi-line `use crate::{…};` groups: join them and check once more.
for path in sorted(src.rglob("*.rs")):
    rel = path.relative_to(src)
    module = rel.parts[0].removesuffix(".rs")
    if module not in RANKS or path.name == "tests.rs":
        continue
    text = path.read_text()
    for group in re.finditer(r"use crate::\{(.*?)\};", text, re.S):
        if "\n" not in group.group(1):
            continue
        line = text[: group.start()].count("\n") + 1
        for name in re.findall(r"(?:^|[{,\s])([a-z_]+)(?=::|[,}\s]|$)", group.group(1)):
            if name in RANKS and RANKS[name] > RANKS[module]:
                problems.append(f"{path}:{line}: `{module}` uses `crate::{name}`")
for p in problems:
    print(p, file=sys.stderr)
if problems:
    print(f"{len(problems)} upward import(s); the stages run downward only", file=sys.stderr)
    sys.exit(1)
print("imports run down the stages")
