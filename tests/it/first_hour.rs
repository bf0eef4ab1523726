//! A team's first hour, played as a new user would: `init`, `new` of every kind and of plain
//! pages, the fields filled where the archetype's comments say, then `build` and `check`.
//! With `TEAMBOOK_FIRST_HOUR_KEEP=DIR` the finished site is copied to DIR, for the browser
//! suite (`tests/browser/run.sh --site DIR`).

use std::path::Path;

use crate::common::*;

/// Runs `teambook --root ROOT ARGS…` and returns stdout; fails the test on a non-zero exit.
fn ok(root: &Path, args: &[&str]) -> String {
    let out = teambook()
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "teambook {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Writes `value` after `key:` on the line where the archetype left it empty.
fn fill(root: &Path, rel: &str, key: &str, value: &str) {
    let text = read(root, rel);
    let empty = format!("\n{key}: \"\"");
    assert!(text.contains(&empty), "{rel} has no empty `{key}`:\n{text}");
    let text = text.replacen(&empty, &format!("\n{key}: {value}"), 1);
    std::fs::write(root.join(rel), text).unwrap();
}

#[test]
fn the_first_hour_from_init_to_a_checked_site() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("handbook");
    let said = teambook().arg("init").arg(&root).output().unwrap();
    assert!(said.status.success());
    let said = String::from_utf8_lossy(&said.stdout);
    assert!(
        said.contains("teambook serve"),
        "init names the next step: {said}"
    );
    assert!(
        said.contains("GitHub Actions"),
        "and how to publish: {said}"
    );

    // The starter builds, with one of everything, and no warning.
    let (code, out, err) = build(&root, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "{err}");
    assert!(out.contains("25 records"), "{out}");
    let sprints = read(&root, "public/sprints/index.html");
    for part in [
        "Sprint by sprint",
        "Velocity",
        "Open retro actions",
        "Goal partly met",
    ] {
        assert!(sprints.contains(part), "the sprints section lacks {part:?}");
    }
    assert!(read(&root, "public/roles/index.html").contains("Compare the roles"));
    // Sprint pages carry no `date:`; they are dated by their end, so the feed has them.
    let feed = read(&root, "public/sprints/atom.xml");
    assert_eq!(feed.matches("<entry>").count(), 2, "{feed}");
    assert!(
        feed.contains("<updated>2026-11-27T00:00:00Z</updated>"),
        "{feed}"
    );

    // `new` of every kind; each file lands in the section that holds its kind.
    let created: Vec<String> = [
        ("role", "Agile Coach"),
        ("antipattern", "The silent standup"),
        ("factor", "Logs"),
        ("term", "Ingress"),
        ("guide", "Your first release"),
        ("team", "Payments"),
        ("pbi", "Add login"),
    ]
    .iter()
    .map(|(kind, title)| {
        let said = ok(&root, &["new", kind, title]);
        said.trim().trim_start_matches("Created ").to_string()
    })
    .collect();
    let rel = |i: usize| {
        Path::new(&created[i])
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/")
    };
    assert_eq!(rel(0), "content/roles/agile-coach.md");
    assert_eq!(rel(3), "content/glossary/ingress.md");
    assert_eq!(rel(4), "content/onboarding/your-first-release.md");
    // A pbi's `type` is its item type, not a template.
    assert!(read(&root, &rel(6)).contains("\ntype: feature"));
    ok(&root, &["new", "page", "about.md"]);
    ok(&root, &["new", "page", "Team rituals"]);
    ok(&root, &["new", "page", "how-we-work/_index.md"]);

    // As written, the build stops only at the fields a person must fill, each at its line.
    let (code, _, err) = build(&root, &[]);
    assert_eq!(code, 1);
    let expected = [
        (rel(0), "summary"),
        (rel(1), "role"),
        (rel(1), "problem"),
        (rel(1), "solution"),
        (rel(2), "principle"),
        (rel(3), "short"),
    ];
    for (file, key) in &expected {
        assert!(
            err.contains(&format!("error: {file}:")) && err.contains(&format!("`{key}` is empty")),
            "no error for `{key}` in {file}:\n{err}"
        );
    }
    assert_eq!(err.matches("error: ").count(), expected.len(), "{err}");
    fill(
        &root,
        &rel(0),
        "summary",
        "Helps the team get better at working together.",
    );
    fill(&root, &rel(1), "role", "scrum-master");
    fill(
        &root,
        &rel(1),
        "problem",
        "The standup is a status report to one person.",
    );
    fill(
        &root,
        &rel(1),
        "solution",
        "Talk to each other about the sprint goal.",
    );
    fill(&root, &rel(2), "principle", "Treat logs as event streams.");
    fill(
        &root,
        &rel(3),
        "short",
        "The door from the internet into the cluster.",
    );

    // The next sprint: sprint 3, after sprint 2 (16–27 November 2026), with its leftovers.
    let said = ok(&root, &["new", "sprint"]);
    assert!(said.contains("sprint-3.md"), "{said}");
    let sprint = read(&root, "content/sprints/sprint-3.md");
    assert!(
        sprint.contains("start: 2026-11-30\nend: 2026-12-11\n"),
        "{sprint}"
    );
    assert!(
        !sprint.contains("kind: sprint"),
        "the section cascades it: {sprint}"
    );
    fill(
        &root,
        "content/sprints/sprint-3.md",
        "goal",
        "Guests can pay with a saved card.",
    );

    let (code, out, err) = build(&root, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "{err}");
    assert!(out.contains("33 records"), "{out}");
    let (code, _, err) = run(&root, None, "check", &[]);
    assert_eq!(code, 0, "{err}");
    for page in [
        "public/roles/agile-coach/index.html",
        "public/glossary/ingress/index.html",
        "public/about/index.html",
        "public/team-rituals/index.html",
        "public/how-we-work/index.html",
        "public/sprints/sprint-3/index.html",
    ] {
        assert!(root.join(page).is_file(), "{page} was not built");
    }
    let sprints = read(&root, "public/sprints/index.html");
    assert!(sprints.contains("Sprint 3"));
    // Sprint 3 has no verdict yet: the velocity is that of sprints 1 and 2, (10 + 18) / 2.
    assert!(
        sprints.contains("finished on average 14.0 (from 10 to 18)"),
        "{sprints}"
    );

    if let Some(keep) = std::env::var_os("TEAMBOOK_FIRST_HOUR_KEEP") {
        let keep = Path::new(&keep);
        let _ = std::fs::remove_dir_all(keep);
        for entry in walkdir::WalkDir::new(&root)
            .into_iter()
            .filter_map(Result::ok)
        {
            let rel = entry.path().strip_prefix(&root).unwrap();
            if rel.starts_with("public") {
                continue;
            }
            let dest = keep.join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&dest).unwrap();
            } else {
                std::fs::copy(entry.path(), &dest).unwrap();
            }
        }
    }
}

#[test]
fn init_bare_keeps_the_minimal_start() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("bare");
    let out = teambook()
        .arg("init")
        .arg(&root)
        .arg("--bare")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(root.join("content/roles/scrum-master.md").is_file());
    assert!(root.join(".github/workflows/pages.yml").is_file());
    assert!(!root.join("data/backlog.yaml").exists());
    assert!(!root.join("content/sprints").exists());
    // The first sprint of a site with none: a `sprints` section made for it, the next
    // weekday or the given dates, two weeks.
    ok(&root, &["new", "sprint", "--start", "2027-01-04"]);
    let sprint = read(&root, "content/sprints/sprint-1.md");
    assert!(sprint.contains("number: 1\n"), "{sprint}");
    assert!(
        sprint.contains("start: 2027-01-04\nend: 2027-01-15\n"),
        "{sprint}"
    );
    assert!(read(&root, "content/sprints/_index.md").contains("kind: sprint"));
    fill(
        &root,
        "content/sprints/sprint-1.md",
        "goal",
        "A first handbook.",
    );
    let (code, _, err) = build(&root, &[]);
    assert_eq!(code, 0, "{err}");
    // Refused: a number taken, a gap, words.
    for (args, says) in [
        (&["new", "sprint", "1"][..], "sprint 1 already exists"),
        (&["new", "sprint", "4"][..], "there is no sprint 3"),
        (&["new", "sprint", "soon"][..], "is not a sprint number"),
        (
            &["new", "page", "../outside.md"][..],
            "is not a path inside content/",
        ),
    ] {
        let out = teambook()
            .arg("--root")
            .arg(&root)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(says),
            "{args:?}"
        );
    }
}

#[test]
fn new_works_in_a_hugo_site_and_in_the_demo() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    // A Hugo blog as it is: a post and a glossary term; the post builds as written, the
    // term once its one-line definition is there.
    let hugo = copy_site(&repo.join("examples/hugo-blog"));
    let _ = std::fs::remove_dir_all(hugo.path().join("public"));
    ok(hugo.path(), &["new", "page", "posts/hello-again.md"]);
    ok(hugo.path(), &["new", "term", "Ingress"]);
    let (code, _, err) = build(hugo.path(), &[]);
    assert_eq!(code, 1);
    assert!(
        err.contains("content/glossary/ingress.md:") && err.contains("`short` is empty"),
        "{err}"
    );
    assert_eq!(err.matches("error: ").count(), 1, "{err}");
    fill(
        hugo.path(),
        "content/glossary/ingress.md",
        "short",
        "The way in.",
    );
    let (code, _, err) = build(hugo.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        hugo.path()
            .join("public/posts/hello-again/index.html")
            .is_file()
    );

    // The demo handbook: the next sprint continues sprint 21, a role joins the roles section.
    let demo = tempfile::tempdir().unwrap();
    for part in ["content", "data", "snippets", "teambook.yaml"] {
        let from = repo.join(part);
        if from.is_file() {
            std::fs::copy(&from, demo.path().join(part)).unwrap();
            continue;
        }
        for entry in walkdir::WalkDir::new(&from)
            .into_iter()
            .filter_map(Result::ok)
        {
            let dest = demo.path().join(entry.path().strip_prefix(repo).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&dest).unwrap();
            } else {
                std::fs::copy(entry.path(), &dest).unwrap();
            }
        }
    }
    // The demo's sprints belong to two teams: `new sprint` asks whose, and numbers per team.
    let out = teambook()
        .arg("--root")
        .arg(demo.path())
        .args(["new", "sprint"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("say whose sprint it is with --team (platform, devops, sre, product)"),
        "{err}"
    );
    let said = ok(demo.path(), &["new", "sprint", "--team", "platform"]);
    assert!(said.contains("sprint-22.md"), "{said}");
    assert!(
        read(demo.path(), "content/sprints/sprint-22.md")
            .contains("\nteam: platform\nnumber: 22\n")
    );
    fill(
        demo.path(),
        "content/sprints/sprint-22.md",
        "goal",
        "Ship the next thing.",
    );
    // In a folder that cascades `team: sre`, the page leaves `team:` to the cascade.
    let said = ok(demo.path(), &["new", "sprint", "--team", "sre"]);
    assert!(said.contains("sre/sprint-10.md"), "{said}");
    let sre = read(demo.path(), "content/sprints/sre/sprint-10.md");
    assert!(
        sre.contains("\nnumber: 10\n") && !sre.contains("team:"),
        "{sre}"
    );
    assert!(
        sre.contains("start: 2026-10-26\nend: 2026-11-06\n"),
        "{sre}"
    );
    fill(
        demo.path(),
        "content/sprints/sre/sprint-10.md",
        "goal",
        "Finish the load test.",
    );
    ok(demo.path(), &["new", "role", "Tech Lead"]);
    ok(demo.path(), &["new", "page", "team/rituals.md"]);
    let sprint = std::fs::read_dir(demo.path().join("content/sprints"))
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.file_name() == "sprint-22.md")
        .map(|e| e.path())
        .expect("sprint 22 next to sprint 21");
    assert!(sprint.starts_with(demo.path().join("content/sprints")));
    fill(
        demo.path(),
        "content/roles/tech-lead.md",
        "summary",
        "Keeps the code healthy.",
    );
    let (code, _, err) = build(demo.path(), &[]);
    assert_eq!(code, 0, "{err}");
}
