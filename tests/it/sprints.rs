//! Sprint reports: a backlog in the teams' own style loads and renders, the report page of a
//! sprint (snapshot), the shortcodes, and every sprint check at its exact position.

use crate::common::*;

fn build_site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let mut all = vec![("teambook.yaml", "title: T\n")];
    all.extend_from_slice(files);
    let dir = site(&all);
    if let Err(f) = teambook::build(&teambook::BuildOptions::new(dir.path())) {
        panic!("{:#?}", f.errors);
    }
    dir
}

/// Every error as `path:line:col: message [help]`, and the reports with their source lines.
fn errors_of(files: &[(&str, &str)]) -> (Vec<String>, String) {
    let mut all = vec![("teambook.yaml", "title: T\n")];
    all.extend_from_slice(files);
    let dir = site(&all);
    match teambook::build(&teambook::BuildOptions::new(dir.path())) {
        Ok(_) => panic!("the build should fail"),
        Err(f) => (
            f.errors
                .iter()
                .map(|e| match e.help() {
                    Some(h) => format!("{e} [{h}]"),
                    None => e.to_string(),
                })
                .collect(),
            f.errors
                .iter()
                .map(|e| e.report(teambook::error::Severity::Error, false))
                .collect(),
        ),
    }
}

/// Three items the way the teams write them: capitalised keys, comments, one per document.
const BACKLOG: &str = "\
# Our backlog, exported from the old spreadsheet.
---
ID: PBI-1
Title: Sign-in with the company account
Type: feature
Business Value: Nobody needs a separate password for the handbook
Components: [sign-in]
Technical Components: [identity provider]
Acceptance Criteria:
  - text: Staff sign in with their usual account
    met: true
  - Guests see a clear message
Points: 5
Status: done
Added On: 2026-03-01
Done On: 2026-03-10
---
# Unplanned: came in mid-sprint.
ID: PBI-2
Title: Fix broken search
Type: bug
Business Value: People find pages again
Points: 2
Status: done
Added On: 2026-03-04
Done On: 2026-03-05
---
ID: PBI-3
Title: Move logs to cheaper storage
Type: debt
Business Value: Saves money every month
Points: 3
Status: in_progress
Added On: 2026-03-01
";

const SPRINT_1: &str = "\
---
title: Sprint 1
kind: sprint
number: 1
goal: Staff can sign in with their company account.
goal_met: yes
start: 2026-03-02
end: 2026-03-13
items: [PBI-1, PBI-2, PBI-3]
review:
  highlights: [Sign-in works for everyone]
  stakeholder_feedback: [HR wants guests too]
  next_steps: [Guest accounts]
retro:
  went_well: [Pairing]
  went_wrong: [Late reviews]
  actions:
    - {id: A-1, text: Review within a day, owner: Sam, due: 2026-03-20}
---
Notes of the sprint.
";

const SPRINT_2: &str = "\
---
title: Sprint 2
kind: sprint
number: 2
goal: Logs cost less.
goal_met: partly
start: 2026-03-16
end: 2026-03-27
items:
  - pbi: PBI-3
    status: in_progress
retro:
  actions:
    - {id: A-1, text: Review within a day, owner: Sam, status: done}
    - {id: A-2, text: Write smaller items, owner: Kim, due: 2026-03-20}
---
";

#[test]
fn backlog_in_the_teams_style_loads_and_renders() {
    let dir = build_site(&[
        ("data/backlog.yaml", BACKLOG),
        ("content/sprints/sprint-1.md", SPRINT_1),
        ("content/sprints/sprint-2.md", SPRINT_2),
        (
            "content/plan.md",
            "---\ntitle: Plan\n---\n{{< backlog status=\"in_progress\" >}}\n\n{{< sprint_summary n=1 >}}\n\n{{< velocity >}}\n\n{{< retro n=1 >}}\n\n{{< open_actions >}}\n",
        ),
    ]);
    let item = read(
        dir.path(),
        "public/backlog/sign-in-with-the-company-account/index.html",
    );
    assert!(item.contains("Nobody needs a separate password for the handbook"));
    assert!(item.contains("identity provider"));
    assert!(item.contains("Staff sign in with their usual account (met)"));
    assert!(item.contains("Guests see a clear message"));

    let plan = read(dir.path(), "public/plan/index.html");
    let plan = main_of(&plan);
    // backlog status filter: only the unfinished item.
    assert!(plan.contains("Move logs to cheaper storage"));
    assert!(!plan.contains("Fix broken search"));
    // sprint_summary n=1: the newest sprint only.
    assert!(plan.contains(">Sprint 2</a>") && !plan.contains(">Sprint 1</a></th>"));
    assert!(plan.contains("Goal partly met"));
    // velocity: chart and table of both sprints.
    assert!(plan.contains("role=\"img\"") && plan.contains("<caption>Points per sprint</caption>"));
    // retro n=1 and the open actions after sprint 2.
    assert!(plan.contains("Late reviews"));
    assert!(plan.contains("A-2</span> Write smaller items"));
    assert!(!plan.contains("A-1</span> Review within a day <span class=\"action-owner\">(Sam"));
}

#[test]
fn sprint_report_main_content() {
    let dir = build_site(&[
        ("data/backlog.yaml", BACKLOG),
        ("content/sprints/sprint-1.md", SPRINT_1),
        ("content/sprints/sprint-2.md", SPRINT_2),
    ]);
    let one = read(dir.path(), "public/sprints/sprint-1/index.html");
    // Sprint 1: 8 planned (PBI-1, PBI-3), 7 finished (5 planned + 2 unplanned).
    assert!(one.contains("<dt>Planned</dt> <dd>8 points</dd>"));
    assert!(one.contains("<dt>Finished</dt> <dd>7 points</dd>"));
    assert!(one.contains("<dt>Of the plan finished</dt> <dd>63%</dd>"));
    assert!(one.contains("<dt>Unplanned work</dt> <dd>2 points (20%)</dd>"));
    let html = read(dir.path(), "public/sprints/sprint-2/index.html");
    insta::assert_snapshot!("sprint_report_main", main_of(&html));
}

#[test]
fn each_sprint_check_at_its_exact_position() {
    let sprint = |n: u32, start: &str, end: &str, items: &str, extra: &str| {
        format!(
            "---\ntitle: Sprint {n}\nkind: sprint\nnumber: {n}\ngoal: G\nstart: {start}\nend: {end}\nitems: {items}\n{extra}---\n"
        )
    };
    let s1 = sprint(1, "2026-03-02", "2026-03-13", "[PBI-1]", "");
    // Overlaps sprint 1, and lists a pbi that does not exist.
    let s2 = sprint(2, "2026-03-10", "2026-03-20", "[PBI-1, PBI-33]", "");
    // Ends before it starts; the start is not a date.
    let s3 = sprint(3, "2026-04-01", "2026-03-30", "[]", "");
    // PBI-2 was done in sprint 5 and listed again in sprint 6.
    let s5 = sprint(5, "2026-04-20", "2026-05-01", "[PBI-2]", "");
    let s6 = sprint(
        6,
        "2026-05-04",
        "2026-05-15",
        "[PBI-2]",
        "retro:\n  actions:\n    - {id: A-1, text: x, owner: y}\n    - {id: A-1, text: z, owner: y}\n  went_wel: [x]\nreview:\n  highlights: one\n",
    );
    let (errors, _) = errors_of(&[
        ("data/backlog.yaml", BACKLOG),
        ("content/sprints/s1.md", &s1),
        ("content/sprints/s2.md", &s2),
        ("content/sprints/s3.md", &s3),
        ("content/sprints/s5.md", &s5),
        ("content/sprints/s6.md", &s6),
    ]);
    let expected = [
        "content/sprints/s2.md:8:16: `items` refers to no backlog item `PBI-33` [did you mean `PBI-3`?]",
        "content/sprints/s3.md:7:6: the sprint ends (2026-03-30) before it starts (2026-04-01) [swap `start` and `end`, or fix the typo]",
        "content/sprints/s6.md:13:3: unknown key `retro.went_wel` [did you mean `went_well`?]",
        "content/sprints/s6.md:15:15: `review.highlights` must be a list, found text",
        "content/sprints/s6.md:12:12: duplicate action id `A-1` [line 11 already has an action `A-1`; give this one another id]",
        "content/sprints/s2.md:6:8: sprint 2 starts on 2026-03-10 but sprint 1 runs until 2026-03-13 [content/sprints/s1.md:6 is sprint 1; a team runs one sprint at a time, so fix one of the dates]",
        "content/sprints/s2.md:8:9: `PBI-1` is in sprint 1 and sprint 2 at the same time (2026-03-02 to 2026-03-13 overlaps 2026-03-10 to 2026-03-20) [an item is in one sprint at a time; list it again only when it was unfinished]",
        "content/sprints/s6.md:8:9: `PBI-2` is in sprint 6 but was already done in sprint 5, so it cannot be carried over [an item is in one sprint at a time; list it again only when it was unfinished]",
    ];
    for e in expected {
        assert!(errors.iter().any(|x| x == e), "missing {e}\nin {errors:#?}");
    }
    assert_eq!(errors.len(), expected.len(), "{errors:#?}");
}

#[test]
fn backlog_field_errors_quote_the_line_as_written() {
    let backlog = BACKLOG.replace("Points: 2\n", "Points: two\n").replace(
        "Business Value: Saves money every month",
        "Business Value: [a, b]",
    );
    let bad_date = "---\ntitle: S\nkind: sprint\nnumber: 4\ngoal: G\nstart: 2026-13-01\nend: 2026-04-30\n---\n";
    let (errors, reports) = errors_of(&[
        ("data/backlog.yaml", &backlog),
        ("content/sprints/s4.md", bad_date),
    ]);
    assert_eq!(
        errors,
        [
            "content/sprints/s4.md:6:8: `start` is not a date: `2026-13-01` (write it as YYYY-MM-DD, e.g. 2026-10-12)",
            "data/backlog.yaml:23:9: `points` must be a number, found `two`",
            "data/backlog.yaml:31:17: `business_value` must be text, found a list",
        ]
    );
    // Errors about a file whose keys were read in another spelling quote the line as written.
    assert!(reports.contains("Business Value: [a, b]"), "{reports}");
}

#[test]
fn new_sprint_carries_over_unfinished_items_and_open_actions() {
    let dir = site(&[
        ("teambook.yaml", "title: T\n"),
        ("data/backlog.yaml", BACKLOG),
        ("content/sprints/sprint-1.md", SPRINT_1),
        ("content/sprints/sprint-2.md", SPRINT_2),
    ]);
    let new = |n: &str| {
        teambook()
            .arg("--root")
            .arg(dir.path())
            .args(["new", "sprint", n])
            .output()
            .unwrap()
    };
    let out = new("3");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = read(dir.path(), "content/sprints/sprint-3.md");
    assert!(text.contains("number: 3\n"), "{text}");
    // Sprint 2 ended on Friday 27 March and lasted twelve days.
    assert!(
        text.contains("start: 2026-03-30\nend: 2026-04-10\n"),
        "{text}"
    );
    assert!(
        text.contains("items:\n  # Unfinished in sprint 2:\n  - \"PBI-3\"\n"),
        "{text}"
    );
    assert!(
        text.contains("{id: \"A-2\", text: \"Write smaller items\", owner: \"Kim\", status: open}"),
        "{text}"
    );
    assert!(!text.contains("A-1"), "{text}");
    // The new sprint builds once it has its goal, the one field it must be given.
    let (code, _, err) = build(dir.path(), &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("sprint-3.md:4:7: `goal` is empty"), "{err}");
    let path = dir.path().join("content/sprints/sprint-3.md");
    std::fs::write(&path, text.replacen("goal: \"\"", "goal: Smaller items", 1)).unwrap();
    let (code, _, err) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(new("3").status.code(), Some(2));
    assert_eq!(new("9").status.code(), Some(2));
}

/// A backlog of a delivered, a dropped and a carried-over item, for the report's parts.
const SHOP_BACKLOG: &str = "\
- id: K-1
  title: Pay by invoice
  business_value: Firms can buy without a card
  acceptance_criteria:
    - {text: An invoice is emailed, met: true}
    - A reminder after 30 days
  points: 5
  status: done
  added_on: 2026-05-01
  done_on: 2026-05-08
- id: K-2
  title: Gift wrapping
  business_value: More presents sold
  points: 3
  status: dropped
  added_on: 2026-05-01
- id: K-3
  title: Faster checkout page
  business_value: Fewer people give up
  points: 8
  status: done
  added_on: 2026-05-01
  done_on: 2026-05-20
";

const SHOP_SPRINT_1: &str = "\
---
title: Sprint 1
number: 1
goal: Firms can pay by invoice and checkout is faster.
goal_met: no
start: 2026-05-04
end: 2026-05-15
items:
  - K-1
  - {pbi: K-2, status: dropped}
  - K-3
  - {title: Label printer setup, points: 2, added_on: 2026-05-05, status: done, done_on: 2026-05-06}
  - {title: Shelf audit, points: 1}
review:
  highlights: [Invoices go out by email]
  stakeholder_feedback: [Finance wants a PDF copy]
  next_steps: [Reminder emails]
retro:
  went_well: [Quick reviews]
  went_wrong: [The test server was down twice]
  actions:
    - {id: A-1, text: Book a second test server, owner: Ana, due: 2026-05-22}
---
";

const SHOP_SPRINT_2: &str = "\
---
title: Sprint 2
number: 2
goal: Checkout is faster.
goal_met: yes
start: 2026-05-18
end: 2026-05-29
items: [K-3]
---
";

fn shop() -> tempfile::TempDir {
    build_site(&[
        ("data/backlog.yaml", SHOP_BACKLOG),
        (
            "content/sprints/_index.md",
            "---\ntitle: Sprints\ncascade:\n  kind: sprint\n---\n",
        ),
        ("content/sprints/sprint-1.md", SHOP_SPRINT_1),
        ("content/sprints/sprint-2.md", SHOP_SPRINT_2),
    ])
}

/// The shop's backlog and sprints section, with `sprint_2` as its only sprint.
fn only_sprint_2(sprint_2: &str) -> [(&str, &str); 3] {
    [
        ("data/backlog.yaml", SHOP_BACKLOG),
        (
            "content/sprints/_index.md",
            "---\ntitle: Sprints\ncascade:\n  kind: sprint\n---\n",
        ),
        ("content/sprints/sprint-2.md", sprint_2),
    ]
}

/// The part of a sprint report from the heading with `id` to the next `<h2`.
fn part<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<h2 id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no part {id} in\n{}", main_of(html)));
    let rest = &html[start + 4..];
    &html[start..start + 4 + rest.find("<h2").unwrap_or(rest.len())]
}

#[test]
fn a_sprint_report_shows_each_part_with_its_values() {
    let dir = shop();
    let one = read(dir.path(), "public/sprints/sprint-1/index.html");
    assert!(
        one.contains("<p class=\"verdict-result\"><strong>Goal not met.</strong> <span class=\"verdict-dates\">4–15 May 2026</span></p>"),
        "{}",
        main_of(&one)
    );
    // Planned: K-1, K-2 (dropped, but promised), K-3 and the shelf audit = 17; finished:
    // K-1 and the unplanned label printer = 7.
    let numbers = part(&one, "numbers");
    for want in [
        "<dt>Planned</dt> <dd>17 points</dd>",
        "<dt>Finished</dt> <dd>7 points</dd>",
        "<dt>Of the plan finished</dt> <dd>29%</dd>",
        "<dt>Unplanned work</dt> <dd>2 points (11%)</dd>",
    ] {
        assert!(numbers.contains(want), "missing {want:?} in\n{numbers}");
    }
    let delivered = part(&one, "delivered");
    for want in [
        "<a href=\"/backlog/pay-by-invoice/\">Pay by invoice</a> <span class=\"sprint-item-meta\">K-1 · 5 points</span>",
        "<strong>Why it matters:</strong> Firms can buy without a card",
        "<li><span class=\"crit crit-met\">Met:</span> An invoice is emailed</li>",
        "<li>A reminder after 30 days</li>",
        "Label printer setup",
    ] {
        assert!(delivered.contains(want), "missing {want:?} in\n{delivered}");
    }
    let unfinished = part(&one, "not-finished");
    for want in [
        "Faster checkout page</a> <span class=\"sprint-item-meta\">K-3 · 8 points · moves to the next sprint</span>",
        "Shelf audit <span class=\"sprint-item-meta\">shelf-audit · 1 points · back to the backlog</span>",
        "<p><strong>Dropped</strong> (taken out of the sprint, not worked on further):</p>",
        "Gift wrapping</a> <span class=\"sprint-item-meta\">K-2 · 3 points</span>",
    ] {
        assert!(
            unfinished.contains(want),
            "missing {want:?} in\n{unfinished}"
        );
    }
    assert!(!unfinished.contains("Label printer setup"), "{unfinished}");
    assert_eq!(
        part(&one, "review"),
        "<h2 id=\"review\">Review</h2><h3>Highlights</h3><ul><li>Invoices go out by email</li></ul><h3>What stakeholders said</h3><ul><li>Finance wants a PDF copy</li></ul><h3>Next steps</h3><ul><li>Reminder emails</li></ul>\n"
    );
    let retro = part(&one, "retro");
    for want in [
        "<h3>Went well</h3><ul><li>Quick reviews</li></ul>",
        "<h3>Went wrong</h3><ul><li>The test server was down twice</li></ul>",
        "<span class=\"action-id\">A-1</span> Book a second test server <span class=\"action-owner\">Ana, due 2026-05-22</span>",
    ] {
        assert!(retro.contains(want), "missing {want:?} in\n{retro}");
    }

    // Sprint 2: the carried-over item finished whole, the open action overdue.
    let two = read(dir.path(), "public/sprints/sprint-2/index.html");
    assert!(
        part(&two, "delivered")
            .contains("K-3 · 8 points · finished after 2 sprints</span></p><p><strong>Why it matters:</strong> Fewer people give up"),
        "{}",
        part(&two, "delivered")
    );
    assert!(
        part(&two, "carried-over")
            .contains("<li>Faster checkout page (K-3): in 1 earlier sprint; finished now</li>")
    );
    assert!(
        part(&two, "follow-up").contains("<li><span class=\"action-id\">A-1</span> Book a second test server (Ana): raised in sprint 1, open for 1 sprint <strong class=\"overdue\">overdue</strong></li>"),
        "{}",
        part(&two, "follow-up")
    );
    // The velocity table: sprint by sprint, planned and finished.
    let charts = part(&two, "charts");
    assert!(
        charts.contains("<tbody><tr><th scope=\"row\">1</th><td>17</td><td>7</td></tr><tr><th scope=\"row\">2</th><td>8</td><td>8</td></tr></tbody>"),
        "{charts}"
    );
    assert!(
        charts.contains("finished on average 7.5 (from 7 to 8)."),
        "{charts}"
    );
}

#[test]
fn the_burnup_starts_at_the_planned_figure_when_an_item_is_dropped() {
    let dir = shop();
    let one = read(dir.path(), "public/sprints/sprint-1/index.html");
    let charts = part(&one, "charts");
    let burnup = &charts[charts
        .find("<caption>Points day by day</caption>")
        .expect("burnup")..];
    // Day one holds the plan (17, the dropped item included); the last day the final scope:
    // 17 − 3 dropped + 2 unplanned.
    assert!(
        burnup.contains("<time datetime=\"2026-05-04\">4 May</time></th><td>17</td><td>0</td>"),
        "{burnup}"
    );
    assert!(
        burnup.contains("<time datetime=\"2026-05-15\">15 May</time></th><td>16</td><td>7</td>"),
        "{burnup}"
    );
}

#[test]
fn the_sprints_feed_lists_the_reports_by_their_end() {
    let dir = shop();
    let feed = read(dir.path(), "public/sprints/atom.xml");
    let titles: Vec<&str> = feed
        .split("<entry>")
        .skip(1)
        .map(|e| {
            e.split_once("<title>")
                .unwrap()
                .1
                .split_once("</title>")
                .unwrap()
                .0
        })
        .collect();
    assert_eq!(titles, ["Sprint 2", "Sprint 1"], "{feed}");
    assert!(
        feed.contains("<link rel=\"alternate\" type=\"text/html\" href=\"/sprints/sprint-1/\"/>")
    );
    assert!(
        feed.contains("<published>2026-05-15T00:00:00Z</published>"),
        "{feed}"
    );
}

#[test]
fn an_item_listed_again_after_it_was_dropped_is_located() {
    let three = "---\ntitle: Sprint 3\nnumber: 3\ngoal: G\nstart: 2026-06-01\nend: 2026-06-12\nitems: [K-2]\n---\n";
    let (errors, _) = errors_of(&[
        ("data/backlog.yaml", SHOP_BACKLOG),
        (
            "content/sprints/_index.md",
            "---\ntitle: Sprints\ncascade:\n  kind: sprint\n---\n",
        ),
        ("content/sprints/sprint-1.md", SHOP_SPRINT_1),
        ("content/sprints/sprint-2.md", SHOP_SPRINT_2),
        ("content/sprints/sprint-3.md", three),
    ]);
    assert_eq!(
        errors,
        [
            "content/sprints/sprint-3.md:7:9: `K-2` is in sprint 3 but was already dropped in sprint 1, so it cannot be carried over [an item is in one sprint at a time; list it again only when it was unfinished]"
        ]
    );
}

#[test]
fn an_inline_item_with_a_done_on_in_the_sprint_is_finished() {
    let sprint = "---\ntitle: Sprint 1\nkind: sprint\nnumber: 1\ngoal: G\nstart: 2026-05-04\nend: 2026-05-15\nitems:\n  - {title: Label printer setup, points: 2, done_on: 2026-05-06}\n  - {title: Shelf audit, points: 1, done_on: 2026-05-20}\n---\n";
    let dir = build_site(&[("content/sprints/sprint-1.md", sprint)]);
    let one = read(dir.path(), "public/sprints/sprint-1/index.html");
    assert!(
        part(&one, "numbers").contains("<dt>Finished</dt> <dd>2 points</dd>"),
        "{}",
        part(&one, "numbers")
    );
    assert!(part(&one, "delivered").contains("Label printer setup"));
    assert!(part(&one, "not-finished").contains("Shelf audit"));
}

#[test]
fn the_sprints_table_says_each_sprints_verdict_in_words() {
    let dir = shop();
    let html = read(dir.path(), "public/sprints/index.html");
    let table = main_of(&html);
    // Sprint 1 missed its goal (in bold), sprint 2 met it.
    assert!(
        table.contains("<td>Checkout is faster.</td><td>Goal met</td>"),
        "{table}"
    );
    assert!(
        table.contains("<td><strong>Goal not met</strong></td>"),
        "{table}"
    );
}

#[test]
fn an_empty_review_or_retro_is_no_review_yet() {
    // `review:` and `retro:` written but left empty (null), as a new sprint's template has them.
    let sprint = SHOP_SPRINT_2.replace("items: [K-3]\n", "items: [K-3]\nreview:\nretro:\n");
    let dir = build_site(&only_sprint_2(&sprint));
    let html = read(dir.path(), "public/sprints/sprint-2/index.html");
    assert!(html.contains("Checkout is faster."), "{}", main_of(&html));
    // A review that is not a mapping is still an error, at its line.
    let bad = SHOP_SPRINT_2.replace("items: [K-3]\n", "items: [K-3]\nreview: soon\n");
    let (errors, _) = errors_of(&only_sprint_2(&bad));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("content/sprints/sprint-2.md:9:9: `review` must be a mapping"),
        "{errors:?}"
    );
}

#[test]
fn a_sprints_own_in_progress_wins_over_the_backlogs_done() {
    // K-3 is done on 20 May in the backlog, inside sprint 2; sprint 2 itself says it was still
    // in progress when it ended, and its numbers follow the sprint.
    let sprint = SHOP_SPRINT_2.replace(
        "items: [K-3]\n",
        "items: [{pbi: K-3, status: in_progress}]\n",
    );
    let dir = build_site(&only_sprint_2(&sprint));
    let html = read(dir.path(), "public/sprints/sprint-2/index.html");
    assert!(
        html.contains("<div><dt>Planned</dt> <dd>8 points</dd></div>\n<div><dt>Finished</dt> <dd>0 points</dd></div>"),
        "{}",
        part(&html, "numbers")
    );
}

#[test]
fn work_added_after_the_first_day_is_labelled_unplanned() {
    let dir = shop();
    let html = read(dir.path(), "public/sprints/sprint-1/index.html");
    let line = |title: &str| {
        html.lines()
            .find(|l| l.contains(title) && l.contains("sprint-item-meta"))
            .unwrap_or_else(|| panic!("no item {title} in\n{}", main_of(&html)))
            .to_string()
    };
    // Added on 5 May, the sprint started on 4 May: unplanned. K-3 was in the backlog before.
    assert!(
        line("Label printer setup").contains("2 points · unplanned</span>"),
        "{}",
        line("Label printer setup")
    );
    assert!(
        !line("Faster checkout page").contains("unplanned"),
        "{}",
        line("Faster checkout page")
    );
}
