//! Several teams, one handbook: sprints numbered, measured and forecast per team, the portfolio
//! for stakeholders, Product Goals with their burnup and forecast, and their checks. Every
//! figure below is computed by hand in the comments.

use crate::common::*;

const TEAMS: &str = "\
- {title: Apps, slug: apps}
- {title: Data, slug: data}
";

/// Apps: A-1 done in sprint 1; A-2 carried from sprint 1 and done in sprint 2; A-3 open.
/// Data: D-1, D-2 done in sprint 1; D-3 in both sprints and still open; D-4 open.
const BACKLOG: &str = "\
- {id: A-1, title: Sign in, points: 5, status: done, done_on: 2026-03-10}
- {id: A-2, title: Sign out, points: 3, status: done, done_on: 2026-03-20}
- {id: A-3, title: Profiles, points: 8, status: todo, team: apps}
- {id: D-1, title: Nightly export, points: 2, status: done, done_on: 2026-03-05}
- {id: D-2, title: Export checks, points: 4, status: done, done_on: 2026-03-12}
- {id: D-3, title: Streaming import, points: 6, status: in_progress, labels: [pipeline]}
- {id: D-4, title: Import dashboard, points: 3, status: todo, team: data, labels: [pipeline]}
";

const GOALS: &str = "\
- title: Accounts
  outcome: Customers manage their own accounts.
  items: [A-1, A-2, A-3]
  target: 2026-04-24
- title: Live data
  outcome: Reports show this morning's numbers.
  label: pipeline
";

fn sprint(n: u32, team: Option<&str>, start: &str, end: &str, met: &str, rest: &str) -> String {
    let team = team.map_or_else(String::new, |t| format!("kind: sprint\nteam: {t}\n"));
    format!(
        "---\ntitle: Sprint {n}\n{team}number: {n}\ngoal: G{n}\ngoal_met: {met}\nstart: {start}\nend: {end}\n{rest}---\n"
    )
}

fn two_teams() -> Vec<(String, String)> {
    let files: Vec<(&str, String)> = vec![
        ("teambook.yaml", "title: T\n".into()),
        ("data/teams.yaml", TEAMS.into()),
        ("data/backlog.yaml", BACKLOG.into()),
        ("data/goals.yaml", GOALS.into()),
        (
            "content/sprints/_index.md",
            "---\ntitle: Sprints\n---\n".into(),
        ),
        (
            "content/portfolio.md",
            "---\ntitle: Portfolio\n---\n{{< portfolio >}}\n".into(),
        ),
        // Apps' folder cascades its team; Data's pages name it.
        (
            "content/sprints/apps/_index.md",
            "---\ntitle: Apps sprints\ncascade:\n  kind: sprint\n  team: apps\n---\n".into(),
        ),
        (
            "content/sprints/apps/sprint-1.md",
            sprint(
                1,
                None,
                "2026-03-02",
                "2026-03-13",
                "partly",
                "items: [A-1, A-2]\n",
            ),
        ),
        (
            "content/sprints/apps/sprint-2.md",
            sprint(2, None, "2026-03-16", "2026-03-27", "yes", "items: [A-2]\n"),
        ),
        (
            "content/sprints/data/_index.md",
            "---\ntitle: Data sprints\n---\n".into(),
        ),
        (
            "content/sprints/data/sprint-1.md",
            sprint(
                1,
                Some("data"),
                "2026-03-02",
                "2026-03-13",
                "no",
                "items: [D-1, D-2, D-3]\nretro:\n  actions:\n    - {id: D-A1, text: Pair on imports, owner: Kim, due: 2026-03-20}\n",
            ),
        ),
        (
            "content/sprints/data/sprint-2.md",
            sprint(
                2,
                Some("data"),
                "2026-03-16",
                "2026-03-27",
                "no",
                "items: [D-3]\n",
            ),
        ),
    ];
    files.into_iter().map(|(a, b)| (a.to_string(), b)).collect()
}

fn built() -> tempfile::TempDir {
    let dir = site(&two_teams());
    let (code, _, err) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{err}");
    dir
}

/// The text of the rows of the first table after `marker`: each cell's text without tags
/// (and without inline charts), cells joined by `|`.
fn rows_after(html: &str, marker: &str) -> Vec<String> {
    let at = html.find(marker).unwrap_or_else(|| panic!("no {marker:?}"));
    let table = &html[at..];
    let table = &table[..table.find("</table>").unwrap()];
    let text_of = |cell: &str| {
        let cell = match (cell.find("<svg"), cell.find("</svg>")) {
            (Some(a), Some(b)) => format!("{}{}", &cell[..a], &cell[b + 6..]),
            _ => cell.to_string(),
        };
        let mut out = String::new();
        let mut inside = false;
        for ch in cell.chars() {
            match ch {
                '<' => inside = true,
                '>' => inside = false,
                c if !inside => out.push(c),
                _ => {}
            }
        }
        out.trim().to_string()
    };
    table
        .split("<tr>")
        .skip(1)
        .map(|row| {
            let mut cells = Vec::new();
            let mut rest = row;
            while let Some(open) = rest.find("<td").into_iter().chain(rest.find("<th")).min() {
                let body = &rest[open..];
                let start = body.find('>').unwrap() + 1;
                let end = body
                    .find("</td>")
                    .into_iter()
                    .chain(body.find("</th>"))
                    .min()
                    .unwrap();
                cells.push(text_of(&body[start..end]));
                rest = &body[end + 5..];
            }
            cells.join("|")
        })
        .collect()
}

#[test]
fn velocity_carry_over_and_forecast_are_per_team() {
    let dir = built();
    let apps = read(dir.path(), "public/sprints/apps/sprint-2/index.html");
    // Apps sprint 2: A-2 planned and done (3 of 3); carried over once, from Apps sprint 1 only.
    assert!(
        apps.contains("<dt>Planned</dt> <dd>3 points</dd>"),
        "{}",
        main_of(&apps)
    );
    assert!(apps.contains("<dt>Finished</dt> <dd>3 points</dd>"));
    assert!(apps.contains("Sign out (A-2): in 1 earlier sprint; finished now"));
    // Velocity of Apps alone: sprint 1 planned 8 (A-1 + A-2), finished 5; sprint 2: 3 and 3.
    assert_eq!(
        rows_after(&apps, "<caption>Points per sprint</caption>"),
        ["Sprint|Planned|Finished", "1|8|5", "2|3|3"]
    );
    // Apps' open backlog: A-3, 8 points; velocity 5 at best, 3 at worst, 4 on average:
    // ⌈8/5⌉ = 2 to ⌈8/3⌉ = 3 sprints, most likely ⌈8/4⌉ = 2.
    assert!(
        apps.contains("The open backlog holds 8 points. At the pace of recent sprints that is 2 to 3 more sprints, most likely 2."),
        "{}",
        main_of(&apps)
    );
    assert!(apps.contains("Team: <a href=\"/teams/apps/\">Apps</a>"));
    let data = read(dir.path(), "public/sprints/data/sprint-2/index.html");
    // Data sprint 2: D-3 again, unfinished; Data's series is 12/6 then 6/0.
    assert!(data.contains("<dt>Planned</dt> <dd>6 points</dd>"));
    assert!(data.contains("<dt>Finished</dt> <dd>0 points</dd>"));
    assert!(data.contains("Streaming import (D-3): in 1 earlier sprint; still open"));
    assert_eq!(
        rows_after(&data, "<caption>Points per sprint</caption>"),
        ["Sprint|Planned|Finished", "1|12|6", "2|6|0"]
    );
    // Data's open backlog: D-3 (its latest sprint is Data's) and D-4: 9 points. Velocity 6 at
    // best and 0 at worst: at least ⌈9/6⌉ = 2 sprints, most likely ⌈9/3⌉ = 3.
    assert!(
        data.contains("The open backlog holds 9 points. At the pace of recent sprints that is at least 2 more sprints, most likely 3."),
        "{}",
        main_of(&data)
    );
}

#[test]
fn the_portfolio_has_a_row_per_team_and_the_goals() {
    let dir = built();
    let html = read(dir.path(), "public/portfolio/index.html");
    // Apps' latest: sprint 2, met, 3 of 3 (100 %); its last six: 5 of 8 = 63 %, then 100 %.
    // Data's latest: sprint 2, not met, 0 of 6; 6 of 12 = 50 %, then 0 %; D-A1 is open and
    // was due on 20 March, before Data sprint 2 ended.
    assert_eq!(
        rows_after(&html, "How each team"),
        [
            "Team|Latest sprint|Goal|Points finished|Share of plan, last six|Unplanned|Open actions",
            "Apps|Sprint 216–27 Mar 2026|Met|3 of 3 planned100 % of plan|Sprint 1: 63&nbsp;%, 2: 100&nbsp;%|0 %|0",
            "Data|Sprint 216–27 Mar 2026|Not met|0 of 6 planned0 % of plan|Sprint 1: 50&nbsp;%, 2: 0&nbsp;%|0 %|11 overdue",
        ]
    );
    assert!(html.contains("<a href=\"/sprints/apps/sprint-2/\">Sprint 2</a>"));
    assert!(html.contains("<title id=\"predict-data-title\">Share of the plan finished: sprint 1 50 %, sprint 2 0 %</title>"));
    // The feed of every team's reviews is the sprints section's, and it has all four.
    assert!(html.contains("<a href=\"/sprints/atom.xml\">feed of every team's reviews</a>"));
    let feed = read(dir.path(), "public/sprints/atom.xml");
    assert_eq!(feed.matches("<entry>").count(), 4, "{feed}");
    assert!(feed.contains("/sprints/apps/sprint-1/") && feed.contains("/sprints/data/sprint-2/"));
    let goals = rows_after(&html, "Product goals: when");
    assert_eq!(goals.len(), 3, "{goals:?}");
    assert!(
        goals[1].starts_with("AccountsApps|8 of 16 points (50 %)|24 April 2026|At risk"),
        "{goals:?}"
    );
    assert!(
        goals[2]
            .starts_with("Live dataData|0 of 9 points (0 %)|none|No target date. No forecast yet"),
        "{goals:?}"
    );
}

#[test]
fn a_goal_page_has_its_burnup_forecast_and_verdict() {
    let dir = built();
    let html = read(dir.path(), "public/goals/accounts/index.html");
    // Accounts, at the end of Apps sprint 1: 16 in scope, A-1 (5) done; sprint 2: A-2 (3) too.
    assert_eq!(
        rows_after(&html, "<caption>Points by sprint</caption>"),
        [
            "Sprint|Ended|Scope|Finished",
            "1|13 Mar|16|5",
            "2|27 Mar|16|8"
        ]
    );
    // 8 open; best pace 5 (⌈8/5⌉ = 2 more: sprint 4), worst 3 (⌈8/3⌉ = 3: sprint 5). Sprints
    // start every 14 days: 27 Mar + 28 = 24 Apr, + 42 = 8 May. The target, 24 Apr, is inside.
    assert!(html.contains("8 points are open. Likely done between 24 April and 8 May 2026: by sprint 4 at the best recent pace, by sprint 5 at the slowest."), "{}", main_of(&html));
    assert!(html.contains("At risk: the target of 24 April 2026 is inside the forecast range."));
    assert!(html.contains("goal-verdict-at_risk"));
    assert!(
        html.contains("role=\"img\" aria-labelledby=\"goal-accounts-title goal-accounts-desc\"")
    );
    // Live data: D-3 and D-4 by their label; nothing of them ever finished: no date.
    let live = read(dir.path(), "public/goals/live-data/index.html");
    assert!(
        live.contains("No forecast yet: 9 points are open"),
        "{}",
        main_of(&live)
    );
    assert!(live.contains(
        "Streaming import</a> <span class=\"sprint-item-meta\">D-3 · 6 points · in progress"
    ));
    // Sprint reports link the goals their items serve.
    let apps = read(dir.path(), "public/sprints/apps/sprint-1/index.html");
    assert!(apps.contains("Serves the product goal <a href=\"/goals/accounts/\">Accounts</a>"));
    let data = read(dir.path(), "public/sprints/data/sprint-2/index.html");
    assert!(data.contains("Serves the product goal <a href=\"/goals/live-data/\">Live data</a>"));
}

#[test]
fn shortcodes_take_a_team_and_show_every_team_without_one() {
    let mut files = two_teams();
    files.push((
        "content/report.md".into(),
        "---\ntitle: Report\n---\n{{< sprint_summary >}}\n\n{{< velocity team=\"data\" >}}\n\n{{< open_actions >}}\n".into(),
    ));
    let dir = site(&files);
    let (code, _, err) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{err}");
    let html = read(dir.path(), "public/report/index.html");
    // Every team's sprints, newest first, with a Team column (ties in the team order).
    let rows = rows_after(&html, "sprint-list");
    assert_eq!(rows[0], "Team|Sprint|Dates|Goal|Result|Planned|Finished");
    assert_eq!(rows.len(), 5, "{rows:?}");
    assert!(
        rows[1..3].iter().all(|r| r.contains("16–27 Mar 2026")),
        "{rows:?}"
    );
    assert!(
        rows.contains(&"Data|Sprint 1|2–13 Mar 2026|G1|Goal not met|12|6".to_string()),
        "{rows:?}"
    );
    // Data's velocity only.
    assert_eq!(
        rows_after(&html, "<caption>Points per sprint</caption>"),
        ["Sprint|Planned|Finished", "1|12|6", "2|6|0"]
    );
    assert!(
        html.contains("raised in Data sprint 1"),
        "{}",
        main_of(&html)
    );
    // An unknown team is an error naming the page.
    let mut bad = two_teams();
    bad.push((
        "content/report.md".into(),
        "---\ntitle: Report\n---\n{{< velocity team=\"dat\" >}}\n".into(),
    ));
    let dir = site(&bad);
    let (code, _, err) = build(dir.path(), &[]);
    assert_eq!(code, 1);
    assert!(
        err.contains("content/report.md:4:1")
            && err.contains("no team `dat`; did you mean `data`?"),
        "{err}"
    );
}

/// Every error as `path:line:col: message`.
fn errors(files: &[(String, String)]) -> Vec<String> {
    let dir = site(files);
    match teambook::build(&teambook::BuildOptions::new(dir.path())) {
        Ok(_) => panic!("the build should fail"),
        Err(f) => f.errors.iter().map(ToString::to_string).collect(),
    }
}

fn with(mut files: Vec<(String, String)>, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    for (path, text) in changes {
        match files.iter_mut().find(|(p, _)| p == path) {
            Some(f) => f.1 = text.to_string(),
            None => files.push((path.to_string(), text.to_string())),
        }
    }
    files
}

#[test]
fn team_and_goal_checks_are_located() {
    let files = two_teams();
    // A team that does not exist, at its line.
    let e = errors(&with(
        files.clone(),
        &[(
            "content/sprints/data/sprint-2.md",
            &sprint(2, Some("dta"), "2026-03-16", "2026-03-27", "no", ""),
        )],
    ));
    assert!(
        e.iter().any(|x| x.starts_with("content/sprints/data/sprint-2.md:4:7: `team` refers to a team `dta` that does not exist")),
        "{e:#?}"
    );
    // Two sprints of one team with one number; the other team's sprint 2 is fine.
    let e = errors(&with(
        files.clone(),
        &[(
            "content/sprints/apps/sprint-3.md",
            &sprint(2, None, "2026-03-30", "2026-04-10", "yes", ""),
        )],
    ));
    assert_eq!(
        e,
        ["content/sprints/apps/sprint-3.md:3:1: two sprints of team `apps` are numbered 2"],
        "{e:#?}"
    );
    // Overlapping dates within one team (across teams they may).
    let e = errors(&with(
        files.clone(),
        &[(
            "content/sprints/data/sprint-3.md",
            &sprint(3, Some("data"), "2026-03-25", "2026-04-03", "yes", ""),
        )],
    ));
    assert_eq!(
        e,
        [
            "content/sprints/data/sprint-3.md:8:8: sprint 3 of team `data` starts on 2026-03-25 but sprint 2 runs until 2026-03-27"
        ],
        "{e:#?}"
    );
    // Once sprints name teams, a sprint without one is an error.
    let e = errors(&with(
        files.clone(),
        &[(
            "content/sprints/loose.md",
            "---\ntitle: Loose\nkind: sprint\nnumber: 9\ngoal: G\nstart: 2026-05-04\nend: 2026-05-15\n---\n",
        )],
    ));
    assert_eq!(
        e,
        ["content/sprints/loose.md:4:1: sprint 9 names no team, but other sprints do (`apps`)"],
        "{e:#?}"
    );
    // A goal naming an unknown item, a label no item has, a goal with neither.
    let e = errors(&with(
        files,
        &[(
            "data/goals.yaml",
            "- title: One\n  outcome: O\n  items: [A-1, A-9]\n- title: Two\n  outcome: O\n  label: nothing\n- title: Three\n  outcome: O\n- title: Four\n  outcome: O\n  items: []\n",
        )],
    ));
    assert_eq!(
        e,
        [
            "data/goals.yaml:3:16: the goal `One` needs a backlog item `A-9` that does not exist",
            "data/goals.yaml:6:10: no backlog item has the label `nothing`",
            "data/goals.yaml:7:3: the goal `Three` names no backlog items",
            "data/goals.yaml:9:3: the goal `Four` names no backlog items",
        ],
        "{e:#?}"
    );
}

#[test]
fn the_demo_has_two_teams_a_portfolio_and_two_goals() {
    let dir = demo_copy();
    let (code, _, err) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{err}");
    let sprints = read(dir.path(), "public/sprints/index.html");
    let rows = rows_after(&sprints, "How each team");
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows[1].starts_with("Platform team|Sprint 21"), "{rows:?}");
    assert!(rows[2].starts_with("Site reliability|Sprint 9"), "{rows:?}");
    let on_track = read(dir.path(), "public/goals/written-promises/index.html");
    assert!(on_track.contains("On track for the target of 4 December 2026."));
    let off = read(dir.path(), "public/goals/team-cloud-costs/index.html");
    assert!(off.contains("Off track for the target of 27 November 2026."));
    assert!(off.contains("No date at this pace"));
}

/// A goal without `team:` is forecast from the team that holds most of its items, on that
/// team's sprint calendar: Data's sprints end three days after Apps', so the goal's table of
/// sprint ends says which team's sprints it was measured on (two mutants of
/// `report::sprints::build` picked the other team, unseen while both calendars matched).
#[test]
fn a_goal_is_measured_on_the_sprints_of_the_team_holding_most_of_its_items() {
    let data_sprint = |n: u32, start: &str, end: &str, items: &str| {
        sprint(
            n,
            Some("data"),
            start,
            end,
            "no",
            &format!("items: [{items}]\n"),
        )
    };
    let files = with(
        two_teams(),
        &[
            (
                "data/goals.yaml",
                // D-1 is Data's, A-1 and A-3 are Apps': Apps holds most.
                "- title: Mixed\n  outcome: Both teams ship.\n  items: [D-1, A-1, A-3]\n",
            ),
            (
                "content/sprints/data/sprint-1.md",
                &data_sprint(1, "2026-03-05", "2026-03-16", "D-1, D-2, D-3"),
            ),
            (
                "content/sprints/data/sprint-2.md",
                &data_sprint(2, "2026-03-19", "2026-03-30", "D-3"),
            ),
        ],
    );
    let dir = site(&files);
    let (code, _, err) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{err}");
    let html = read(dir.path(), "public/goals/mixed/index.html");
    let ended: Vec<String> = rows_after(&html, "<caption>Points by sprint</caption>")
        .iter()
        .skip(1)
        .map(|row| row.split('|').take(2).collect::<Vec<_>>().join("|"))
        .collect();
    assert_eq!(
        ended,
        ["1|13 Mar", "2|27 Mar"],
        "Apps' sprint ends, not Data's"
    );
    let portfolio = read(dir.path(), "public/portfolio/index.html");
    let goals = rows_after(&portfolio, "Product goals: when");
    assert!(goals[1].starts_with("MixedApps|"), "{goals:?}");
}
