#!/usr/bin/env python3
"""Generate a synthetic site that both teambook and Hugo can build.

Usage: gen_site.py OUT_DIR --pages N [--seed S] [--hugo-only] [--code-blocks K] [--tag-pool T]

OUT_DIR receives `content/` (about N/100 sections, each with an `_index.md`, and N
regular pages of 1-3 KB), `teambook.yaml` and `hugo.toml`. The output depends only
on the arguments, so two runs with the same arguments write identical trees.

The optional flags make a larger Hugo-style site and leave the default output as it was:
--hugo-only writes no `teambook.yaml` (teambook then reads `hugo.toml`), --code-blocks K
appends K more fenced blocks to every page (some with Helm-style `{{ .Values.x }}` text),
and --tag-pool T draws tags from T names instead of 200.
Python 3 standard library only.
"""

import argparse
import os
import random
import shutil
import sys

TAG_PREFIXES = [
    "cloud", "platform", "team", "sprint", "release", "data", "edge", "cluster",
    "service", "product", "backlog", "incident", "design", "review", "api", "build",
    "network", "storage", "security", "mobile",
]
TAG_SUFFIXES = [
    "ops", "planning", "metrics", "health", "costs", "quality", "tooling", "notes",
    "risks", "goals",
]
# 20 x 10 = 200 tags.
TAGS = [f"{p}-{s}" for p in TAG_PREFIXES for s in TAG_SUFFIXES]
CATEGORIES = [
    "engineering", "operations", "process", "people", "architecture",
    "security", "product", "onboarding", "reporting", "tooling",
]
WORDS = (
    "team sprint review backlog item goal velocity cluster container pod node service "
    "deploy release pipeline build test metric alert incident owner stakeholder value "
    "feature platform network storage latency budget retro action follow plan scope "
    "estimate capacity risk change config secret image registry rollout rollback canary "
    "health probe replica queue worker cache index schema query report chart board card "
    "meeting decision handbook guide onboarding role practice habit signal noise cost "
    "quality debt refactor module boundary contract interface version upgrade patch "
    "runbook playbook escalation window freeze demo feedback outcome customer market"
).split()
TOPICS = [
    "Deployment", "Capacity", "Review", "Planning", "Ownership", "Monitoring",
    "Rollout", "Budget", "Onboarding", "Escalation", "Retrospective", "Migration",
    "Storage", "Networking", "Security", "Costs", "Quality", "Release", "Backlog",
    "Velocity",
]
LANGS = ["yaml", "go", "rust", "python", "sh", "json", "sql", "dockerfile", "toml"]


def sentence(rng, lo=6, hi=14):
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def paragraph(rng, lo=2, hi=4):
    return " ".join(sentence(rng) for _ in range(rng.randint(lo, hi)))


def ident(rng):
    return rng.choice(WORDS) + "_" + rng.choice(WORDS)


def camel(rng):
    return rng.choice(WORDS).capitalize() + rng.choice(WORDS).capitalize()


def code_block(rng, lang, uid):
    """Return the body of a fenced block in `lang`; `uid` makes it unique."""
    a, b, c = ident(rng), ident(rng), ident(rng)
    n1, n2 = rng.randint(1, 999), rng.randint(1, 64)
    if lang == "yaml":
        return (
            f"# settings for unit {uid}\n"
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {a.replace('_', '-')}-{uid}\n"
            f"spec:\n  replicas: {n2}\n  template:\n    spec:\n      containers:\n"
            f"        - name: {b.replace('_', '-')}\n          image: registry.local/{c.replace('_', '-')}:{n1}\n"
            f"          ports:\n            - containerPort: {8000 + n1}\n"
        )
    if lang == "go":
        return (
            f"package {rng.choice(WORDS)}\n\n// {camel(rng)} handles unit {uid}.\n"
            f"func {camel(rng)}{uid}({a} int, {b} string) (int, error) {{\n"
            f"\tif {a} > {n1} {{\n\t\treturn 0, fmt.Errorf(\"%s too large\", {b})\n\t}}\n"
            f"\t{c} := {a} * {n2}\n\treturn {c}, nil\n}}\n"
        )
    if lang == "rust":
        return (
            f"/// Computes the {rng.choice(WORDS)} for unit {uid}.\n"
            f"pub fn {a}_{uid}({b}: &[u32]) -> Option<u32> {{\n"
            f"    let {c}: u32 = {b}.iter().copied().filter(|x| *x > {n1}).sum();\n"
            f"    if {c} == 0 {{ None }} else {{ Some({c} * {n2}) }}\n}}\n"
        )
    if lang == "python":
        return (
            f"def {a}_{uid}({b}, {c}={n1}):\n"
            f"    \"\"\"Summarise the {rng.choice(WORDS)} of unit {uid}.\"\"\"\n"
            f"    total = sum(x for x in {b} if x < {c})\n"
            f"    return {{'{rng.choice(WORDS)}': total, 'count': len({b}) * {n2}}}\n"
        )
    if lang == "sh":
        return (
            f"#!/bin/sh\n# unit {uid}\nset -eu\n"
            f"{a.upper()}=\"${{1:-{n1}}}\"\n"
            f"for i in $(seq 1 {n2}); do\n"
            f"  echo \"{rng.choice(WORDS)} $i of ${a.upper()}\" >> /tmp/{b}.log\n"
            f"done\n"
        )
    if lang == "json":
        return (
            f"{{\n  \"id\": {uid},\n  \"name\": \"{a}\",\n  \"owner\": \"{b}\",\n"
            f"  \"limits\": {{ \"cpu\": {n2}, \"memory\": {n1} }},\n"
            f"  \"labels\": [\"{rng.choice(WORDS)}\", \"{rng.choice(WORDS)}\"],\n"
            f"  \"enabled\": {rng.choice(['true', 'false'])}\n}}\n"
        )
    if lang == "sql":
        return (
            f"-- report for unit {uid}\n"
            f"SELECT {a}, COUNT(*) AS {b}\nFROM {c}\n"
            f"WHERE {rng.choice(WORDS)}_id > {n1} AND status = '{rng.choice(WORDS)}'\n"
            f"GROUP BY {a}\nORDER BY {b} DESC\nLIMIT {n2};\n"
        )
    if lang == "dockerfile":
        return (
            f"# image for unit {uid}\nFROM debian:12-slim\n"
            f"ENV {a.upper()}={n1}\nWORKDIR /srv/{b}\n"
            f"COPY {c}/ ./\n"
            f"RUN apt-get update && apt-get install -y --no-install-recommends {rng.choice(WORDS)}\n"
            f"EXPOSE {8000 + n2}\nCMD [\"./{a}\", \"--port\", \"{8000 + n2}\"]\n"
        )
    # toml
    return (
        f"# unit {uid}\n[{a}]\nname = \"{b}\"\nreplicas = {n2}\n"
        f"threshold = {n1}\n\n[{a}.{c}]\nenabled = {rng.choice(['true', 'false'])}\n"
        f"tags = [\"{rng.choice(WORDS)}\", \"{rng.choice(WORDS)}\"]\n"
    )


def table(rng):
    cols = rng.sample(["Item", "Owner", "Points", "Status", "Due", "Risk"], 4)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _ in range(rng.randint(3, 5)):
        cells = []
        for col in cols:
            if col == "Points":
                cells.append(str(rng.choice([1, 2, 3, 5, 8, 13])))
            elif col == "Due":
                cells.append(f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
            else:
                cells.append(rng.choice(WORDS))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def page_url(section, index):
    return f"/section-{section:03d}/page-{index:05d}/"


def extra_blocks(seed, index, count):
    """`count` more fenced blocks for page `index`, from their own generator."""
    rng = random.Random(seed * 1_000_003 + index)
    out = ["## More examples", ""]
    for k in range(count):
        if k % 4 == 3:
            out += [
                "```yaml",
                f"# Helm values for unit {index}-{k}",
                "image:",
                "  repository: {{ .Values.image.repository }}",
                f"  tag: \"{{{{ .Values.image.tag | default \"{rng.randint(1, 99)}\" }}}}\"",
                "```",
                "",
            ]
            continue
        lang = LANGS[rng.randint(0, len(LANGS) - 1)]
        uid = index * 1000 + k
        out += [f"```{lang}", code_block(rng, lang, uid).rstrip("\n"), "```", ""]
    return "\n".join(out) + "\n"


def page_text(rng, index, section, pages):
    """Return the Markdown source of page `index` in `section`.

    `pages` is the list of (section, index) of every page, for cross-links.
    """
    topic = rng.choice(TOPICS)
    title = f"{topic} note {index}: {rng.choice(WORDS)} {rng.choice(WORDS)}"
    date = f"{rng.choice([2024, 2025])}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    tags = rng.sample(TAG_POOL, rng.randint(2, 5))
    cats = rng.sample(CATEGORIES, rng.randint(1, 2))
    lang = LANGS[(index + rng.randint(0, len(LANGS) - 1)) % len(LANGS)]
    links = [rng.choice(pages) for _ in range(rng.randint(2, 3))]

    out = ["---", f'title: "{title}"', f"date: {date}", "tags:"]
    out += [f"  - {t}" for t in tags]
    out.append("categories:")
    out += [f"  - {c}" for c in cats]
    out += ["---", "", paragraph(rng), ""]
    out += [f"## {topic} overview", "", paragraph(rng, 1, 3), ""]
    out += [f"- {sentence(rng, 3, 7)}" for _ in range(rng.randint(3, 5))]
    out += ["", f"### {rng.choice(WORDS).capitalize()} details", "", paragraph(rng, 1, 2), ""]
    out += [f"{i}. {sentence(rng, 3, 6)}" for i in range(1, rng.randint(3, 5))]
    out += ["", table(rng), ""]
    link_words = [
        f"[{rng.choice(WORDS)} {rng.choice(WORDS)}]({page_url(s, i)})" for s, i in links
    ]
    out += ["See also " + ", ".join(link_words) + ".", ""]
    out += [f"## Example in {lang}", "", f"```{lang}", code_block(rng, lang, index).rstrip("\n"), "```", ""]
    # Pad short pages with prose so every page lands between about 1 and 3 KB.
    text = "\n".join(out)
    target = rng.randint(1200, 2800)
    extra = []
    while len(text) + sum(len(p) + 2 for p in extra) < target:
        extra.append(paragraph(rng, 1, 3))
    if extra:
        text += "\n## Notes\n\n" + "\n\n".join(extra) + "\n"
    return text


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


TEAMBOOK_YAML = """\
title: "Benchmark site"
base_url: "http://localhost/"
taxonomies:
  - tags
  - categories
paginate: 10
"""

HUGO_TOML = """\
baseURL = "http://localhost/"
title = "Benchmark site"
disableKinds = []

[taxonomies]
tag = "tags"
category = "categories"

[pagination]
pagerSize = 10

[markup.highlight]
noClasses = false
"""


TAG_POOL = TAGS


def generate(out_dir, n_pages, seed, hugo_only=False, code_blocks=0, tag_pool=200):
    global TAG_POOL
    if tag_pool != len(TAGS):
        TAG_POOL = [f"{TAGS[i % len(TAGS)]}-{i // len(TAGS)}" if i >= len(TAGS) else TAGS[i]
                    for i in range(tag_pool)]
    rng = random.Random(seed)
    n_sections = max(1, round(n_pages / 100))
    content = os.path.join(out_dir, "content")
    if os.path.exists(content):
        shutil.rmtree(content)
    os.makedirs(content)

    # Page i goes to section i % n_sections so every section gets about 100 pages.
    pages = [(i % n_sections + 1, i + 1) for i in range(n_pages)]

    write(
        os.path.join(content, "_index.md"),
        '---\ntitle: "Benchmark site"\n---\n\nA generated site for comparing build times.\n',
    )
    for s in range(1, n_sections + 1):
        d = os.path.join(content, f"section-{s:03d}")
        os.makedirs(d)
        write(
            os.path.join(d, "_index.md"),
            f'---\ntitle: "Section {s}: {rng.choice(TOPICS)}"\nweight: {s}\n---\n\n'
            f"{paragraph(rng, 1, 2)}\n",
        )
    for section, index in pages:
        path = os.path.join(content, f"section-{section:03d}", f"page-{index:05d}.md")
        text = page_text(rng, index, section, pages)
        if code_blocks:
            text += "\n" + extra_blocks(seed, index, code_blocks)
        write(path, text)

    if not hugo_only:
        write(os.path.join(out_dir, "teambook.yaml"), TEAMBOOK_YAML)
    write(os.path.join(out_dir, "hugo.toml"), HUGO_TOML)
    return n_sections


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir")
    ap.add_argument("--pages", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--hugo-only", action="store_true",
                    help="write no teambook.yaml, so teambook reads hugo.toml")
    ap.add_argument("--code-blocks", type=int, default=0,
                    help="extra fenced code blocks per page")
    ap.add_argument("--tag-pool", type=int, default=200, help="number of distinct tags")
    args = ap.parse_args(argv)
    if args.pages < 1:
        ap.error("--pages must be at least 1")
    os.makedirs(args.out_dir, exist_ok=True)
    if args.tag_pool < 5:
        ap.error("--tag-pool must be at least 5")
    n_sections = generate(args.out_dir, args.pages, args.seed, args.hugo_only,
                          args.code_blocks, args.tag_pool)
    print(f"{args.out_dir}: {args.pages} pages in {n_sections} sections (seed {args.seed})",
          file=sys.stderr)


if __name__ == "__main__":
    main()
