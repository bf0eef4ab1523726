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
