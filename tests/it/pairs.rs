//! "A vs B" pages for pairs of roles: what each holds, where they are linked from, and how a
//! section chooses them.

use crate::common::*;

fn roles(index: &str) -> tempfile::TempDir {
    let dir = site(&[
        ("teambook.yaml", "title: T\n"),
        ("content/roles/_index.md", index),
        (
            "content/roles/coach.md",
            "---\ntitle: Coach\nweight: 1\nsummary: Helps the team improve.\nfocus: how\naspects:\n  meetings: Runs the retro.\n  metrics: Cycle time.\nask_about:\n  - How the retro works\n---\n",
        ),
        (
            "content/roles/owner.md",
            "---\ntitle: Owner\nweight: 2\nsummary: Decides what comes next.\naspects:\n  meetings: Runs the review.\n---\n",
        ),
        (
            "content/roles/lead.md",
            "---\ntitle: Lead\nweight: 3\nsummary: Keeps the design sound.\n---\n",
        ),
        (
            "data/antipatterns.yaml",
            "- {title: The silent coach, role: coach, problem: Never says what they see., solution: Say it at the retro.}\n",
        ),
    ]);
    let (code, _, err) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{err}");
    dir
}

#[test]
fn every_pair_of_roles_gets_a_page_with_both_sides() {
    let dir = roles("---\ntitle: Roles\ncascade:\n  kind: role\n---\n");
    for pair in ["coach-vs-owner", "coach-vs-lead", "owner-vs-lead"] {
        assert!(
            dir.path()
                .join(format!("public/roles/{pair}/index.html"))
                .exists(),
            "{pair}"
        );
    }
    let html = read(dir.path(), "public/roles/coach-vs-owner/index.html");
    assert!(html.contains("<h1 data-pagefind-weight=\"10\">Coach vs Owner</h1>"));
    assert!(html.contains("<h2 id=\"pair-coach\"><a href=\"/roles/coach/\">Coach</a></h2>\n<p>Helps the team improve.</p>"));
    // The aspects side by side, a dash where one role has nothing.
    assert!(html.contains("<tr><th scope=\"row\">Meetings</th><td>Runs the retro.</td><td>Runs the review.</td></tr>"), "{}", main_of(&html));
    assert!(html.contains("<tr><th scope=\"row\">Metrics</th><td>Cycle time.</td><td><span class=\"none\" title=\"nothing stated\">—</span></td></tr>"));
    assert!(html.contains(
        "<h3 id=\"ask-coach\">Ask the Coach about</h3>\n<ul><li>How the retro works</li></ul>"
    ));
    assert!(html.contains("<a href=\"/antipatterns/the-silent-coach/\">The silent coach</a>: Never says what they see."));
    assert!(html.contains("<h3 id=\"ap-owner\">Owner</h3><p>None recorded.</p>"));
    // Linked from both roles' pages and from the section; in the sitemap.
    let coach = read(dir.path(), "public/roles/coach/index.html");
    assert!(coach.contains("Compare with: <a href=\"/roles/coach-vs-owner/\">Owner</a>, <a href=\"/roles/coach-vs-lead/\">Lead</a></p>"), "{}", main_of(&coach));
    let lead = read(dir.path(), "public/roles/lead/index.html");
    assert!(lead.contains("<a href=\"/roles/coach-vs-lead/\">Coach</a>, <a href=\"/roles/owner-vs-lead/\">Owner</a></p>"));
    assert!(
        read(dir.path(), "public/roles/index.html")
            .contains("<li><a href=\"/roles/owner-vs-lead/\">Owner vs Lead</a></li>")
    );
    assert!(read(dir.path(), "public/sitemap.xml").contains("/roles/coach-vs-lead/</loc>"));
}

#[test]
fn a_section_chooses_its_pairs_or_none_and_a_page_of_that_name_wins() {
    let dir =
        roles("---\ntitle: Roles\nrole_pairs: [coach vs lead]\ncascade:\n  kind: role\n---\n");
    assert!(
        dir.path()
            .join("public/roles/coach-vs-lead/index.html")
            .exists()
    );
    assert!(
        !dir.path()
            .join("public/roles/coach-vs-owner/index.html")
            .exists()
    );
    let dir = roles("---\ntitle: Roles\nrole_pairs: false\ncascade:\n  kind: role\n---\n");
    assert!(
        !dir.path()
            .join("public/roles/coach-vs-lead/index.html")
            .exists()
    );
    assert!(!read(dir.path(), "public/roles/coach/index.html").contains("Compare with"));
    // A page at the pair's URL is the author's: no generated page over it.
    let dir = site(&[
        ("teambook.yaml", "title: T\n"),
        (
            "content/roles/_index.md",
            "---\ntitle: Roles\ncascade:\n  kind: role\n---\n",
        ),
        ("content/roles/a.md", "---\ntitle: A\nsummary: S.\n---\n"),
        ("content/roles/b.md", "---\ntitle: B\nsummary: S.\n---\n"),
        (
            "content/about.md",
            "---\ntitle: Our own comparison\nurl: /roles/a-vs-b/\n---\nMine.\n",
        ),
    ]);
    let (code, _, err) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(read(dir.path(), "public/roles/a-vs-b/index.html").contains("Mine."));
}

/// A roles section of `n` roles (`r01` … ) with the index's `role_pairs` line, built; the
/// names of the pair pages it got, sorted.
fn pair_pages(n: usize, setting: &str) -> Vec<String> {
    let mut files = vec![
        ("teambook.yaml".to_string(), "title: T\n".to_string()),
        (
            "content/roles/_index.md".to_string(),
            format!("---\ntitle: Roles\n{setting}cascade:\n  kind: role\n---\n"),
        ),
    ];
    for k in 1..=n {
        files.push((
            format!("content/roles/r{k:02}.md"),
            format!("---\ntitle: Role {k}\nweight: {k}\nsummary: Role number {k}.\n---\n"),
        ));
    }
    let dir = site(&files);
    if let Err(f) = teambook::build(&teambook::BuildOptions::new(dir.path())) {
        panic!("{:#?}", f.errors);
    }
    let mut pages: Vec<String> = std::fs::read_dir(dir.path().join("public/roles"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("-vs-"))
        .collect();
    pages.sort();
    pages
}

#[test]
fn every_pair_up_to_ten_roles_and_past_ten_only_when_the_section_asks() {
    // Ten roles: every one of the 45 pairs, each once, in both orders never.
    let ten = pair_pages(10, "");
    assert_eq!(ten.len(), 45);
    assert_eq!(ten[0], "r01-vs-r02");
    assert_eq!(ten[44], "r09-vs-r10");
    assert!(!ten.contains(&"r02-vs-r01".to_string()));
    assert!(!ten.iter().any(|p| p == "r01-vs-r01"));
    // Eleven: none by default (55 pages would drown the section), all 55 with `true`.
    assert_eq!(pair_pages(11, ""), Vec::<String>::new());
    let eleven = pair_pages(11, "role_pairs: true\n");
    assert_eq!(eleven.len(), 55);
    assert_eq!(eleven[54], "r10-vs-r11");
    // A listed pair of a role with itself gets no page.
    assert_eq!(
        pair_pages(3, "role_pairs: [r01 vs r03, r02 vs r02]\n"),
        ["r01-vs-r03"]
    );
}
