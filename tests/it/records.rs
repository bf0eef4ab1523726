//! Typed records: the same page from front matter and from a data file, every validation error
//! at its exact position, comparison tables, glossary links, guides, RACI, and bad YAML.

use crate::common::*;

/// Builds `files` through the library into `<root>/public`.
fn build_site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let mut all = vec![("teambook.yaml", "title: T\n")];
    all.extend_from_slice(files);
    let dir = site(&all);
    if let Err(f) = teambook::build(&teambook::BuildOptions::new(dir.path())) {
        panic!("{:#?}", f.errors);
    }
    dir
}

/// Builds `files` and returns every error as `path:line:col: message [help]`.
fn errors_of(files: &[(&str, &str)]) -> Vec<String> {
    let mut all = vec![("teambook.yaml", "title: T\n")];
    all.extend_from_slice(files);
    let dir = site(&all);
    match teambook::build(&teambook::BuildOptions::new(dir.path())) {
        Ok(_) => panic!("the build should fail"),
        Err(f) => f
            .errors
            .iter()
            .map(|e| match e.help() {
                Some(h) => format!("{e} [{h}]"),
                None => e.to_string(),
            })
            .collect(),
    }
}

fn prose(html: &str) -> &str {
    let start = html.find("<div class=\"prose\">").expect("prose");
    let end = html[start..]
        .find("\n</div>\n<footer")
        .expect("end of prose")
        + start;
    &html[start..end]
}

const ROLES: &str = "\
- title: Scrum Master
  slug: scrum-master
  weight: 1
  summary: Keeps the way of working healthy.
  aspects:
    technical_focus: The delivery flow
    metrics: Cycle time
    ceremonies: Facilitates all of them
- title: Product Owner
  slug: product-owner
  weight: 2
  summary: Decides what is worth building.
  aspects:
    metrics: Outcomes
    stakeholders: Talks to them weekly
- title: Technical Lead
  slug: technical-lead
  weight: 3
  summary: Keeps the design coherent.
  aspects:
    technical_focus: Architecture
    documentation: Decision records
";

/// One record of `kind`, written once as a page and once in `data/`, renders the same page.
fn same_page(
    collection: &str,
    kind: &str,
    section_title: &str,
    fields: &str,
    extra: &[(&str, &str)],
    shown: &[&str],
) {
    let index = format!("---\ntitle: {section_title}\ncascade:\n  kind: {kind}\n---\n");
    let page = format!("---\ntitle: The Record\n{fields}---\nSome *prose* about it.\n");
    let index_path = format!("content/{collection}/_index.md");
    let page_path = format!("content/{collection}/the-record.md");
    let mut from_page: Vec<(&str, &str)> = vec![(&index_path, &index), (&page_path, &page)];
    from_page.extend_from_slice(extra);
    let indented: String = fields.lines().map(|l| format!("  {l}\n")).collect();
    let data = format!(
        "- title: The Record\n  slug: the-record\n{indented}  body: Some *prose* about it.\n"
    );
    let data_path = format!("data/{collection}.yaml");
    let mut from_data: Vec<(&str, &str)> = vec![(&data_path, &data)];
    from_data.extend_from_slice(extra);
    let a = build_site(&from_page);
    let b = build_site(&from_data);
    let rel = format!("public/{collection}/the-record/index.html");
    let (pa, pb) = (read(a.path(), &rel), read(b.path(), &rel));
    assert_eq!(main_of(&pa), main_of(&pb), "{kind}");
    // The same page, and one that shows the fields: a partial that rendered none would give
    // two equal empty pages.
    let fields = record_section(&pa);
    for text in shown {
        assert!(fields.contains(text), "{kind}: {text:?} not in\n{fields}");
    }
}

#[test]
fn each_kind_renders_the_same_page_from_front_matter_and_from_a_data_file() {
    let roles = ("data/roles.yaml", ROLES);
    same_page(
        "roles",
        "role",
        "Roles",
        "summary: Does things.\nfocus: how\naspects:\n  metrics: Lead time\nskills: [listening]\n",
        &[],
        &[
            "Does things.",
            "Focus: how",
            "<dd>Lead time</dd>",
            "<li>listening</li>",
        ],
    );
    same_page(
        "antipatterns",
        "antipattern",
        "Anti-patterns",
        "role: scrum-master\nproblem: Takes notes.\nsolution: Facilitates.\nsigns: [silence]\n",
        &[roles],
        &[
            "href=\"/roles/scrum-master/\">Scrum Master</a>",
            "Takes notes.",
            "Facilitates.",
            "<li>silence</li>",
        ],
    );
    same_page(
        "factors",
        "factor",
        "The twelve factors",
        "number: 3\nname: Config\nprinciple: Config in the environment.\ndefinition_of_done: [No secrets in code]\n",
        &[],
        &[
            "Factor 3 of 12",
            "Config in the environment.",
            "<li>No secrets in code</li>",
        ],
    );
    same_page(
        "glossary",
        "term",
        "Glossary",
        "short: The smallest unit.\nsynonyms: [pods]\n",
        &[],
        &["The smallest unit.", "pods"],
    );
    same_page(
        "guides",
        "guide",
        "Guides",
        "duration: 2 hours\nchecklist: [Meet the team]\n",
        &[],
        &["Step 1 of 1", "about 2 hours", "<li>Meet the team</li>"],
    );
    same_page(
        "teams",
        "team",
        "Teams",
        "members: [Ana, Bo]\nresponsibilities:\n  Upgrades: R\n",
        &[],
        &[
            "<li>Ana</li><li>Bo</li>",
            "<th scope=\"row\">Upgrades</th><td>R</td>",
        ],
    );
}

#[test]
fn every_validation_error_at_its_exact_position_in_one_pass() {
    let errors = errors_of(&[
        ("data/roles.yaml", ROLES),
        (
            "data/antipatterns.yaml",
            "\
- title: The meeting secretary
  role: scrum-mastr
  problem: Takes notes.
  solutoin: Facilitate.
- title: The meeting secretary
  role: scrum-master
  problem: [not, text]
  solution: Decide.
  signs: notes
",
        ),
        (
            "data/factors.yaml",
            "title: Codebase\nnumber: 1\nprinciple: One repo.\n---\ntitle: Dependencies\nnumber: 1\nprinciple: Declare.\n---\ntitle: Thirteen\nnumber: 13\nprinciple: None.\n",
        ),
        (
            "content/glossary/_index.md",
            "---\ntitle: Glossary\ncascade:\n  kind: term\n---\n",
        ),
        (
            "content/glossary/pod.md",
            "---\ntitle: Pod\ndate: 2026-01-01\nsynonyms: pods\nshrot: Smallest.\n---\nBody.\n",
        ),
    ]);
    let expected = [
        "data/antipatterns.yaml:1:3: antipattern record is missing the required field `solution` [add `solution:` (What has worked instead)]",
        "data/antipatterns.yaml:4:3: unknown field `solutoin` in a record of kind `antipattern` [did you mean `solution`?]",
        "data/antipatterns.yaml:7:12: `problem` must be text, found a list",
        "data/antipatterns.yaml:9:10: `signs` must be a list, found text",
        "data/antipatterns.yaml:5:3: duplicate antipattern id `the-meeting-secretary` [`the-meeting-secretary` is already the id of the antipattern from data/antipatterns.yaml:1; give one of them another `slug:`]",
        "data/antipatterns.yaml:2:9: `role` refers to a role `scrum-mastr` that does not exist [did you mean `scrum-master`?]",
        "data/factors.yaml:10:9: `number` must be between 1 and 12, found 13",
        "data/factors.yaml:6:9: factor number 1 is already used [data/factors.yaml is factor 1; each of the twelve numbers is used once]",
        "content/glossary/pod.md:4:11: `synonyms` must be a list, found text",
        "content/glossary/pod.md:5:1: unknown field `shrot` in a record of kind `term` [did you mean `short`?]",
        "content/glossary/pod.md:2:1: term record is missing the required field `short` [add `short:` (One-line definition)]",
    ];
    for e in expected {
        assert!(
            errors.iter().any(|x| x == e),
            "missing:\n{e}\nin:\n{errors:#?}"
        );
    }
    assert_eq!(errors.len(), expected.len(), "{errors:#?}");
}

#[test]
fn an_unknown_kind_is_located_with_a_hint() {
    let errors = errors_of(&[("content/x.md", "---\ntitle: X\nkind: rol\n---\n")]);
    assert_eq!(
        errors,
        ["content/x.md:3:1: unknown record kind `rol` [did you mean `role`?]"]
    );
}

#[test]
fn a_typo_in_a_reference_fails_the_cli_and_keeps_the_previous_output() {
    let site = site(&[
        ("teambook.yaml", "title: T\n"),
        ("data/roles.yaml", ROLES),
        (
            "data/antipatterns.yaml",
            "- title: Hero\n  role: scrum-master\n  problem: P.\n  solution: S.\n",
        ),
    ]);
    let (code, out, err) = build(site.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(", 4 records ("), "{out}");
    let before = tree(&site.path().join("public"));
    assert!(before.contains_key("antipatterns/hero/index.html"));
    write(
        site.path(),
        "data/antipatterns.yaml",
        b"- title: Hero\n  role: scrum-mastr\n  problem: P.\n  solution: S.\n",
    );
    let (code, _, err) = build(site.path(), &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("data/antipatterns.yaml:2:9: `role` refers to a role `scrum-mastr`"),
        "{err}"
    );
    assert!(err.contains("did you mean `scrum-master`?"), "{err}");
    assert!(err.contains("  role: scrum-mastr"), "source line: {err}");
    assert_eq!(before, tree(&site.path().join("public")));
}

#[test]
fn role_table_of_two_and_of_three_roles() {
    let dir = build_site(&[
        ("data/roles.yaml", ROLES),
        (
            "content/two.md",
            "---\ntitle: Two\n---\n{{< role_table roles=\"scrum-master,product-owner\" >}}\n",
        ),
        (
            "content/three.md",
            "---\ntitle: Three\n---\n{{< role_table >}}\n",
        ),
    ]);
    insta::assert_snapshot!(
        "role_table_two",
        prose(&read(dir.path(), "public/two/index.html"))
    );
    insta::assert_snapshot!(
        "role_table_three",
        prose(&read(dir.path(), "public/three/index.html"))
    );
    // The roles section page shows the table of its roles too.
    let roles = read(dir.path(), "public/roles/index.html");
    assert!(
        roles.contains("<h2 id=\"compare-roles\">"),
        "{}",
        main_of(&roles)
    );
    assert!(roles.contains("<th scope=\"row\">Documentation</th>"));
}

#[test]
fn role_table_names_an_unknown_role() {
    let errors = errors_of(&[
        ("data/roles.yaml", ROLES),
        (
            "content/x.md",
            "---\ntitle: X\n---\n\n{{< role_table roles=\"scrum-master,prodct-owner\" >}}\n",
        ),
    ]);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].starts_with("content/x.md:5:1:"), "{errors:#?}");
    assert!(
        errors[0].contains("no role `prodct-owner`; did you mean `product-owner`?"),
        "{errors:#?}"
    );
}

#[test]
fn antipatterns_are_cards_grouped_by_role_and_listed_on_the_role_page() {
    let dir = build_site(&[
        ("data/roles.yaml", ROLES),
        (
            "data/antipatterns.yaml",
            "- title: Hero\n  role: technical-lead\n  problem: Fixes it alone.\n  solution: Pair.\n- title: Secretary\n  role: scrum-master\n  problem: Notes.\n  solution: Decide.\n",
        ),
        (
            "content/all.md",
            "---\ntitle: All\n---\n{{< antipatterns >}}\n",
        ),
    ]);
    let all = read(dir.path(), "public/all/index.html");
    let sm = all.find("id=\"antipatterns-scrum-master\"").unwrap();
    let tl = all.find("id=\"antipatterns-technical-lead\"").unwrap();
    assert!(sm < tl, "grouped in role order");
    assert!(all.contains("<p><strong>Problem:</strong> Fixes it alone.</p>"));
    let role = read(dir.path(), "public/roles/technical-lead/index.html");
    assert!(
        role.contains("href=\"/antipatterns/hero/\">Hero</a>"),
        "{}",
        main_of(&role)
    );
    assert!(!role.contains("Secretary"));
}

#[test]
fn glossary_links_the_first_mention_only_never_in_code_or_headings() {
    let dir = build_site(&[
        (
            "data/glossary.yaml",
            "- title: Pod\n  short: The smallest unit Kubernetes runs.\n  synonyms: [pods]\n- title: Node\n  short: A machine in the cluster.\n",
        ),
        (
            "content/page.md",
            "---\ntitle: Page\n---\n## A pod heading\n\n`pod` in code, [a pod link](https://x.y/), then Pods run. A pod again.\n\n```\npod\n```\n",
        ),
        (
            "content/out.md",
            "---\ntitle: Out\nglossary: false\n---\nA pod here.\n",
        ),
        (
            "content/az.md",
            "---\ntitle: A to Z\n---\n{{< glossary >}}\n",
        ),
    ]);
    let page = read(dir.path(), "public/page/index.html");
    let body = prose(&page);
    assert_eq!(body.matches("class=\"term-link\"").count(), 1, "{body}");
    assert!(
        body.contains("then <a class=\"term-link\" href=\"/glossary/pod/\" title=\"The smallest unit Kubernetes runs.\">Pods</a> run. A pod again."),
        "{body}"
    );
    assert!(
        body.contains("<h2 id=\"a-pod-heading\">A pod heading"),
        "{body}"
    );
    assert!(body.contains("<code>pod</code>"), "{body}");
    let out = read(dir.path(), "public/out/index.html");
    assert!(!out.contains("term-link"), "opt-out: {}", main_of(&out));
    let az = read(dir.path(), "public/az/index.html");
    assert!(
        az.contains("<h2 id=\"letter-n\" data-pagefind-ignore>N</h2>"),
        "{}",
        main_of(&az)
    );
    assert!(az.find("letter-n").unwrap() < az.find("letter-p").unwrap());
    assert!(az.contains("<dt id=\"term-pod\"><a href=\"/glossary/pod/\">Pod</a></dt>"));
}

#[test]
fn guide_steps_in_weight_order_with_numbers_and_prev_next() {
    let dir = build_site(&[
        (
            "content/path/_index.md",
            "---\ntitle: Path\ncascade:\n  kind: guide\n---\n",
        ),
        ("content/path/c.md", "---\ntitle: Third\nweight: 3\n---\n"),
        (
            "content/path/a.md",
            "---\ntitle: First\nweight: 1\nduration: 1 hour\nchecklist: [Say hello, Read the README]\n---\n",
        ),
        ("content/path/b.md", "---\ntitle: Second\nweight: 2\n---\n"),
    ]);
    let first = read(dir.path(), "public/path/a/index.html");
    assert!(first.contains("Step 1 of 3"), "{}", main_of(&first));
    assert!(first.contains("about 1 hour"));
    assert!(first.contains(
        "<ul class=\"checklist guide-checklist\" data-checklist=\"guide/a\">\n<li>Say hello</li>\n<li>Read the README</li>\n</ul>"
    ), "{}", main_of(&first));
    assert!(first.contains("rel=\"next\" href=\"/path/b/\""));
    assert!(!first.contains("rel=\"prev\""));
    let second = read(dir.path(), "public/path/b/index.html");
    assert!(second.contains("Step 2 of 3"));
    assert!(second.contains("rel=\"prev\" href=\"/path/a/\""));
    assert!(second.contains("rel=\"next\" href=\"/path/c/\""));
    // The script keeps each list's ticks under its own key (the dark-mode code also uses
    // localStorage, so that word alone proves nothing).
    let js = read(dir.path(), "public/theme.js");
    assert!(js.contains("document.querySelectorAll(\"ul.guide-checklist[data-checklist]\")"));
    assert!(js.contains("\"teambook:checklist:\" + list.getAttribute(\"data-checklist\")"));
    assert!(js.contains("window.localStorage.setItem(key, JSON.stringify(saved))"));
}

#[test]
fn raci_matrix_of_teams_with_a_legend() {
    let dir = build_site(&[
        (
            "data/teams.yaml",
            "- title: Platform\n  weight: 1\n  responsibilities:\n    Upgrades: A\n    Incidents: c\n- title: SRE\n  weight: 2\n  responsibilities:\n    Incidents: A\n",
        ),
        ("content/who.md", "---\ntitle: Who\n---\n{{< raci >}}\n"),
    ]);
    let who = read(dir.path(), "public/who/index.html");
    let body = prose(&who);
    assert!(body.contains("<th scope=\"col\">Responsibility</th> <th scope=\"col\"><a href=\"/teams/platform/\">Platform</a></th> <th scope=\"col\"><a href=\"/teams/sre/\">SRE</a></th>"), "{body}");
    assert!(body.contains("<tr><th scope=\"row\">Upgrades</th><td>A</td><td><span class=\"none\" title=\"nothing stated\">—</span></td></tr>"), "{body}");
    assert!(
        body.contains("<tr><th scope=\"row\">Incidents</th><td>C</td><td>A</td></tr>"),
        "{body}"
    );
    assert!(body.contains("<dt>R</dt> <dd>Responsible"), "{body}");
    let errors = errors_of(&[(
        "data/teams.yaml",
        "- title: Platform\n  responsibilities:\n    Upgrades: X\n",
    )]);
    assert_eq!(
        errors,
        [
            "data/teams.yaml:3:15: `responsibilities.Upgrades` must be one of R, A, C, I, found `X` [R responsible, A accountable, C consulted, I informed]"
        ]
    );
}

/// A bad data file fails with a located error. (How fast is for bench/, not a test.)
fn fails_fast(name: &str, bytes: &[u8], expect: &str) {
    let dir = site(&[("teambook.yaml", "title: T\n")]);
    write(dir.path(), name, bytes);
    let f = teambook::build(&teambook::BuildOptions::new(dir.path())).unwrap_err();
    let all: Vec<String> = f.errors.iter().map(ToString::to_string).collect();
    assert!(all.iter().any(|e| e.contains(expect)), "{all:#?}");
}

#[test]
fn bad_yaml_in_data_files_is_a_located_error() {
    let big = "- title: x\n".repeat(5_000_000);
    fails_fast(
        "data/roles.yaml",
        big.as_bytes(),
        "data/roles.yaml: data file is 55 MB; data files are limited to 10 MB",
    );
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let mut prev = 'a';
    for name in ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'] {
        let refs = vec![format!("*{prev}"); 10].join(", ");
        bomb.push_str(&format!("{name}: &{name} [{refs}]\n"));
        prev = name;
    }
    fails_fast(
        "data/roles.yaml",
        bomb.as_bytes(),
        "data/roles.yaml:4:36: aliases expand to too much data (an alias bomb?)",
    );
    let deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    fails_fast(
        "data/glossary.yaml",
        deep.as_bytes(),
        "data/glossary.yaml:1:",
    );
    fails_fast(
        "data/teams.yaml",
        b"- title: A\n  title: B\n",
        "data/teams.yaml:2:3: duplicate mapping key: title",
    );
}

#[test]
fn the_demo_handbook_shows_the_comparison_table_and_its_records() {
    let tmp = tempfile::tempdir().unwrap();
    let opts = teambook::BuildOptions {
        output_dir: Some(tmp.path().join("public")),
        ..teambook::BuildOptions::new(repo())
    };
    let report = teambook::build(&opts).unwrap_or_else(|f| panic!("{:#?}", f.errors));
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let roles = read(tmp.path(), "public/roles/index.html");
    assert!(
        roles.contains("<h2 id=\"compare-roles\">"),
        "{}",
        main_of(&roles)
    );
    assert!(roles.contains("<th scope=\"row\">Continuous improvement</th>"));
    for role in ["scrum-master", "product-owner", "technical-lead"] {
        let page = read(tmp.path(), &format!("public/roles/{role}/index.html"));
        let cards = page.matches("class=\"card antipattern\"").count();
        assert!(cards >= 3, "{role}: {cards} anti-patterns");
    }
    let teams = read(tmp.path(), "public/teams/index.html");
    assert!(teams.contains("class=\"raci-legend\""));
    let factors = read(tmp.path(), "public/twelve-factors/index.html");
    assert_eq!(factors.matches("<h3 id=\"dod-").count(), 12);
}

#[test]
fn schema_command_prints_json_schema_per_kind() {
    let out = teambook().args(["schema", "role"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["$defs"]["record"]["required"],
        serde_json::json!(["title", "summary"])
    );
    let all = teambook().arg("schema").output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&all.stdout).unwrap();
    for kind in ["role", "antipattern", "factor", "term", "guide", "team"] {
        assert!(v[kind]["$defs"]["record"].is_object(), "{kind}");
    }
    let bad = teambook().args(["schema", "rol"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("did you mean `role`?"));
}

#[test]
fn new_command_writes_a_record_from_the_archetype() {
    let dir = site(&[
        ("teambook.yaml", "title: T\n"),
        (
            "content/people/_index.md",
            "---\ntitle: People\ncascade:\n  kind: role\n---\n",
        ),
    ]);
    let out = teambook()
        .arg("--root")
        .arg(dir.path())
        .args(["new", "role", "Scrum Master"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = read(dir.path(), "content/people/scrum-master.md");
    assert!(
        text.starts_with("---\ntitle: \"Scrum Master\"\nweight: 0\nsummary: \"\""),
        "{text}"
    );
    // No section cascades `term`: the page gets `kind:` and its own folder; it builds as is.
    let out = teambook()
        .arg("--root")
        .arg(dir.path())
        .args(["new", "term", "Pod"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(read(dir.path(), "content/glossary/pod.md").contains("kind: term\n"));
    // As written, the build fails only on the required fields left empty, each at its line
    // with what to write; filled, it builds.
    let (code, _, err) = build(dir.path(), &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("content/glossary/pod.md:5:8: `short` is empty")
            && err.contains("write one-line definition after `short:`"),
        "{err}"
    );
    assert!(
        err.contains("content/people/scrum-master.md:4:10: `summary` is empty"),
        "{err}"
    );
    assert_eq!(err.matches("error:").count(), 2, "{err}");
    for (file, from, to) in [
        (
            "content/glossary/pod.md",
            "short: \"\"",
            "short: The smallest unit",
        ),
        (
            "content/people/scrum-master.md",
            "summary: \"\"",
            "summary: Guards the process",
        ),
    ] {
        let text = read(dir.path(), file).replacen(from, to, 1);
        std::fs::write(dir.path().join(file), text).unwrap();
    }
    let (code, _, err) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{err}");
    let again = teambook()
        .arg("--root")
        .arg(dir.path())
        .args(["new", "term", "Pod"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn data_files_of_another_shape_are_the_sites_own_data() {
    // A teambook site: `data/teams.yaml` as a mapping without a title is free data, reached
    // in templates as `data.teams`; as a list it holds team records.
    let dir = site(&[
        ("teambook.yaml", "title: T\n"),
        ("data/teams.yaml", "teams:\n  - name: Blue\n    lead: Ana\n"),
        (
            "templates/page.html",
            "<main>{{ data.teams.teams[0].lead }}</main>\n",
        ),
        ("content/a.md", "---\ntitle: A\n---\n"),
    ]);
    let (code, out, err) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("record"), "{out}");
    assert!(read(dir.path(), "public/a/index.html").contains("Ana"));
    std::fs::write(
        dir.path().join("data/teams.yaml"),
        "- title: Blue\n  members: [Ana]\n",
    )
    .unwrap();
    std::fs::remove_file(dir.path().join("templates/page.html")).unwrap();
    let (code, out, err) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1 record"), "{out}");
    // A Hugo site: all of data/ is its own, whatever the shape.
    let hugo = site(&[
        ("hugo.toml", "title = \"H\"\n"),
        ("data/teams.yaml", "- name: Blue\n  colour: blue\n"),
        ("data/sprints.yaml", "- number: 3\n  ends: soon\n"),
        ("content/a.md", "---\ntitle: A\n---\n"),
    ]);
    let (code, out, err) = build(hugo.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("record"), "{out}");
}

/// The `<section class="record …">` of a record page, where its fields are shown.
fn record_section(html: &str) -> &str {
    let start = html.find("<section class=\"record").expect("record fields");
    &html[start..start + html[start..].find("</section>").unwrap()]
}

#[test]
fn record_pages_show_every_field_a_user_wrote() {
    let dir = build_site(&[
        (
            "content/roles/_index.md",
            "---\ntitle: Roles\ncascade:\n  kind: role\n---\n",
        ),
        (
            "content/roles/facilitator.md",
            "---\ntitle: Facilitator\nsummary: Runs the meetings well.\nfocus: How the team talks\nskills: [active listening, timeboxing]\nmetrics: [Minutes per standup]\nresponsibilities:\n  Meetings: [Prepares the agenda, Keeps time]\naspects:\n  cadence: Every morning\n---\n",
        ),
        (
            "content/antipatterns/silent.md",
            "---\ntitle: Silent standup\nkind: antipattern\nrole: facilitator\nproblem: Nobody speaks.\nsolution: Ask open questions.\nsigns: [Cameras off, One-word answers]\n---\n",
        ),
        (
            "content/factors/config.md",
            "---\ntitle: Config\nkind: factor\nnumber: 3\nname: Config\nprinciple: Keep config in the environment.\nfor_managers: Changing a setting needs no new release.\ndefinition_of_done: [No secrets in the repo]\n---\n",
        ),
        (
            "content/path/_index.md",
            "---\ntitle: Path\ncascade:\n  kind: guide\n---\n",
        ),
        (
            "content/path/one.md",
            "---\ntitle: Day one\nweight: 1\naudience: New developers\nlevel: beginner\nduration: 2 hours\n---\n",
        ),
        (
            "content/path/two.md",
            "---\ntitle: Day two\nweight: 2\n---\n",
        ),
        (
            "content/path/three.md",
            "---\ntitle: Day three\nweight: 3\n---\n",
        ),
        (
            "content/teams/checkout.md",
            "---\ntitle: Checkout\nkind: team\nmembers: [Ana Ruiz, Li Wei]\nresponsibilities:\n  Payments: R\n---\n",
        ),
    ]);
    let page = |rel: &str| read(dir.path(), &format!("public/{rel}/index.html"));
    let role = page("roles/facilitator");
    let role = record_section(&role);
    for want in [
        "<p class=\"record-summary\">Runs the meetings well.</p>",
        "Focus: How the team talks",
        "<div><dt>Cadence</dt> <dd>Every morning</dd></div>",
        "<h3>Meetings</h3>\n<ul><li>Prepares the agenda</li><li>Keeps time</li></ul>",
        "<h2 id=\"record-skills\">Skills</h2>\n<ul><li>active listening</li><li>timeboxing</li></ul>",
        "<h2 id=\"record-metrics\">Metrics</h2>\n<ul><li>Minutes per standup</li></ul>",
        "<h3><a href=\"/antipatterns/silent/\">Silent standup</a></h3>",
    ] {
        assert!(role.contains(want), "role: missing {want:?} in\n{role}");
    }
    let ap = page("antipatterns/silent");
    let ap = record_section(&ap);
    for want in [
        "An anti-pattern of the <a href=\"/roles/facilitator/\">Facilitator</a>.",
        "<strong>Problem:</strong> Nobody speaks.",
        "<strong>Solution:</strong> Ask open questions.",
        "<h2 id=\"record-signs\">Signs</h2>\n<ul><li>Cameras off</li><li>One-word answers</li></ul>",
    ] {
        assert!(ap.contains(want), "antipattern: missing {want:?} in\n{ap}");
    }
    let factor = page("factors/config");
    let factor = record_section(&factor);
    for want in [
        "<span class=\"badge\">Factor 3 of 12</span> <em>Keep config in the environment.</em>",
        "<p>Changing a setting needs no new release.</p>",
        "<ul class=\"checklist\"><li>No secrets in the repo</li></ul>",
    ] {
        assert!(
            factor.contains(want),
            "factor: missing {want:?} in\n{factor}"
        );
    }
    let one = page("path/one");
    let one = record_section(&one);
    for want in [
        "<span class=\"badge\">Step 1 of 3</span>",
        "about 2 hours",
        "<progress max=\"3\" value=\"1\">Step 1 of 3</progress>",
        "For New developers",
        "Level: beginner",
    ] {
        assert!(one.contains(want), "guide: missing {want:?} in\n{one}");
    }
    let two = page("path/two");
    assert!(
        record_section(&two).contains("<progress max=\"3\" value=\"2\">Step 2 of 3</progress>")
    );
    let team = page("teams/checkout");
    let team = record_section(&team);
    assert!(
        team.contains(
            "<h2 id=\"record-members\">Members</h2>\n<ul><li>Ana Ruiz</li><li>Li Wei</li></ul>"
        ),
        "{team}"
    );
    assert!(
        team.contains("<th scope=\"row\">Payments</th><td>R</td>"),
        "{team}"
    );
}

#[test]
fn referencing_lists_the_records_that_point_at_one() {
    let dir = build_site(&[
        ("data/roles.yaml", ROLES),
        (
            "data/antipatterns.yaml",
            "- {title: Note taker, role: scrum-master, problem: Writes minutes., solution: Facilitates.}\n- {title: Proxy, role: product-owner, problem: Relays only., solution: Decides.}\n- {title: Status meeting, role: scrum-master, problem: Reports up., solution: Team talks.}\n",
        ),
        (
            "templates/refs.html",
            "<main>{% for r in referencing(kind=\"role\", id=\"scrum-master\") %}[{{ r.kind }} {{ r.title }} {{ r.url }}]{% endfor %}|{{ referencing(kind=\"role\", id=\"technical-lead\") | length }}</main>",
        ),
        ("content/who.md", "---\ntitle: Who\nlayout: refs\n---\n"),
    ]);
    assert_eq!(
        read(dir.path(), "public/who/index.html"),
        "<main>[antipattern Note taker /antipatterns/note-taker/][antipattern Status meeting /antipatterns/status-meeting/]|0</main>"
    );
}
