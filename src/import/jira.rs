//! Jira's CSV export ("all fields"): repeated `Sprint` and `Labels` columns, story points in a
//! custom field, dates in the user's format (`14/Jul/25 3:42 PM` by default).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::table::{self, Table};
use super::team::SiteTeams;
use super::{
    Export, Tool, TrackerItem, check_duplicate, check_teamless, note_sprint, row_team, team_column,
    team_rule,
};
use crate::config::ImportConfig;
use crate::error::Error;

const POINTS: &[&str] = &[
    "Custom field (Story point estimate)",
    "Custom field (Story Points)",
    "Story Points",
    "Story point estimate",
];

pub fn read(
    path: &Path,
    text: &str,
    config: &ImportConfig,
    teams: &SiteTeams,
) -> Result<Export, Vec<Error>> {
    let t = Table::parse(path, text, b',').map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    let mut need = |names: &[&str]| match t.required(names, "Jira") {
        Ok(c) => Some(c),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let (summary, key, status) = (need(&["Summary"]), need(&["Issue key"]), need(&["Status"]));
    let points = match &config.points {
        Some(name) => need(&[name.as_str()]),
        None => t.col(POINTS),
    };
    let (Some(summary), Some(key), Some(status)) = (summary, key, status) else {
        return Err(errors);
    };
    let issue_type = t.col(&["Issue Type"]);
    let category = t.col(&["Status Category"]);
    let assignee = t.col(&["Assignee"]);
    let created = t.col(&["Created"]);
    let resolved = t.col(&["Resolved"]);
    let labels = t.cols("Labels");
    let sprint_cols = t.cols("Sprint");
    let team_col = team_column(
        &t,
        config,
        &["Team", "Custom field (Team)"],
        "Jira",
        &mut errors,
    );
    let rule = match team_rule(&t, team_col, config, teams, false) {
        Ok(r) => r,
        Err(e) => return Err(vec![e]),
    };
    let format = config.date_format.as_deref();
    let mut items = Vec::new();
    let mut sprints = BTreeMap::new();
    let mut skipped = (0, 0);
    let mut seen = HashMap::new();
    for row in &t.rows {
        let ty = t.get(row, issue_type);
        match ty.to_lowercase().as_str() {
            "epic" => {
                skipped.0 += 1;
                continue;
            }
            "sub-task" | "subtask" => {
                skipped.1 += 1;
                continue;
            }
            _ => {}
        }
        let k = t.get(row, Some(key)).to_string();
        if k.is_empty() {
            errors.push(t.problem(row, key, "the issue has no key"));
            continue;
        }
        if !check_duplicate(&mut seen, &t, row, key, &k, &mut errors) {
            continue;
        }
        let status_of = |v: &str| table::status(v, config, Some(t.get(row, category))).map(Some);
        let st = t
            .read(row, Some(status), status_of, &mut errors)
            .unwrap_or("todo");
        let pts = t.read(row, points, table::points, &mut errors);
        let mut date_of =
            |col: Option<usize>| t.read(row, col, |v| table::date(v, format), &mut errors);
        let created_on = date_of(created);
        let resolved_on = date_of(resolved);
        let team = row_team(&t, row, team_col, &rule, &mut errors);
        let mut in_sprints = Vec::new();
        for &c in &sprint_cols {
            let name = t.get(row, Some(c));
            if name.is_empty() {
                continue;
            }
            match table::sprint_number(name) {
                Some(n) => {
                    note_sprint(&mut sprints, &team, n, name, None, None);
                    if !in_sprints.contains(&n) {
                        in_sprints.push(n);
                    }
                }
                None => errors.push(t.problem(
                    row,
                    c,
                    format!(
                        "\"{name}\" has no sprint number (teambook numbers sprints: `Sprint 12`)"
                    ),
                )),
            }
        }
        in_sprints.sort_unstable();
        let label_list: Vec<String> = labels
            .iter()
            .map(|&c| t.get(row, Some(c)).to_string())
            .filter(|l| !l.is_empty())
            .collect();
        let item = TrackerItem {
            key: k,
            title: t.get(row, Some(summary)).to_string(),
            kind: table::item_type(ty, &label_list),
            status: st,
            points: pts,
            owner: Some(t.get(row, assignee).to_string()).filter(|s| !s.is_empty()),
            created: created_on,
            done_on: resolved_on.filter(|_| matches!(st, "done" | "dropped")),
            sprints: in_sprints,
            team,
        };
        check_teamless(&t, row, team_col, &rule, &item, &mut errors);
        items.push(item);
    }
    if let Some(m) = rule.unnamed(items.iter().any(|i: &TrackerItem| !i.sprints.is_empty())) {
        errors.push(Error::at(path, &t.text, 1, 1, m));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut notes = Vec::new();
    if skipped.0 > 0 {
        notes.push(format!("{} epics", skipped.0));
    }
    if skipped.1 > 0 {
        notes.push(format!("{} sub-tasks", skipped.1));
    }
    Ok(Export {
        tool: Tool::Jira,
        items,
        sprints,
        full_history: true,
        skipped: notes,
    })
}
