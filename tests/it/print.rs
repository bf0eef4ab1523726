//! The print page of a section: every page below it in order on one page, ids kept unique,
//! linked from the section, left out of search, and only where the section asks for it.

use crate::common::*;

fn site_with_print() -> tempfile::TempDir {
    let dir = site(&[
        ("teambook.yaml", "title: T\n"),
        (
            "content/guide/_index.md",
            "---\ntitle: Guide\nprint: true\n---\nRead these in order.\n",
        ),
        (
            "content/guide/one.md",
            "---\ntitle: First step\nweight: 1\n---\n## Why\n\nBecause.\n\nSee [why](#why).\n",
        ),
        (
            "content/guide/two.md",
            "---\ntitle: Second step\nweight: 2\n---\n## Why\n\nAgain.\n",
        ),
        (
            "content/guide/more/_index.md",
            "---\ntitle: Going further\n---\nFor later.\n",
        ),
        (
            "content/guide/more/three.md",
            "---\ntitle: Third step\n---\nLast.\n",
        ),
        ("content/other/_index.md", "---\ntitle: Other\n---\n"),
        ("content/other/x.md", "---\ntitle: X\n---\nx\n"),
    ]);
    let (code, _, err) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{err}");
    dir
}

#[test]
fn a_print_page_holds_the_section_in_order_with_unique_ids() {
    let dir = site_with_print();
    let html = read(dir.path(), "public/guide/print/index.html");
    // In order: the section's pages by weight, then the subsection's text and its pages.
    let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("no {s:?}"));
    assert!(at("Read these in order.") < at(">First step</a></h2>"));
    assert!(at(">First step</a></h2>") < at(">Second step</a></h2>"));
    assert!(at(">Second step</a></h2>") < at(">Going further</a></h2>"));
    assert!(at("For later.") < at(">Third step</a></h2>"));
    // The contents list links each article; the subsection's page is a level down.
    assert!(html.contains(
        "<li class=\"print-contents-2\"><a href=\"#print-guide-one\">First step</a></li>"
    ));
    assert!(html.contains(
        "<li class=\"print-contents-3\"><a href=\"#print-guide-more-three\">Third step</a></li>"
    ));
    // Both pages have a "Why" heading: prefixed ids, and the in-page link follows its own.
    assert!(html.contains("id=\"print-guide-one-why\""));
    assert!(html.contains("id=\"print-guide-two-why\""));
    assert!(html.contains("href=\"#print-guide-one-why\""));
    let mut ids: Vec<&str> = html
        .split(" id=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    let all = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all, "duplicate ids on the print page");
    // Left out of the search index; linked from the section; none for sections that did
    // not ask.
    assert!(!html.contains("data-pagefind-body"));
    assert!(
        read(dir.path(), "public/guide/index.html")
            .contains("<a href=\"/guide/print/\">The whole section on one page")
    );
    assert!(!dir.path().join("public/other/print/index.html").exists());
    assert!(!read(dir.path(), "public/other/index.html").contains("/print/"));
}

#[test]
fn the_demo_prints_its_roles_with_their_comparison_and_its_sprints_with_charts() {
    let dir = demo_copy();
    let (code, _, err) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{err}");
    let roles = read(dir.path(), "public/roles/print/index.html");
    assert!(roles.contains("<h2 id=\"compare-roles\">Compare the roles</h2>"));
    assert_eq!(roles.matches("class=\"print-article ").count(), 6);
    let sprints = read(dir.path(), "public/sprints/print/index.html");
    // Every sprint of both teams, each with its burnup chart, ids unique per sprint.
    assert_eq!(
        sprints
            .matches("<caption>Points day by day</caption>")
            .count(),
        7
    );
    assert!(sprints.contains("id=\"print-sprints-sre-sprint-9-burnup-9-title\""));
    let onboarding = read(dir.path(), "public/onboarding/print/index.html");
    assert_eq!(
        onboarding
            .matches("class=\"checklist guide-checklist\"")
            .count(),
        8
    );
}
