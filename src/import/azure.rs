//! Azure Boards' query CSV: `ID`, `Work Item Type`, `Title`, `State`, `Iteration Path`
//! (`Project\Sprint 12`), points in `Story Points`, `Effort` or `Size` by process.

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

pub fn read(
    path: &Path,
    text: &str,
    config: &ImportConfig,
    teams: &SiteTeams,
) -> Result<Export, Vec<Error>> {
    let t = Table::parse(path, text, b',').map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    let mut need = |names: &[&str]| match t.required(names, "Azure Boards") {
        Ok(c) => Some(c),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let (id, title, state) = (need(&["ID"]), need(&["Title"]), need(&["State"]));
    let points = match &config.points {
        Some(name) => need(&[name.as_str()]),
        None => t.col(&["Story Points", "Effort", "Size"]),
    };
    let (Some(id), Some(title), Some(state)) = (id, title, state) else {
        return Err(errors);
    };
    let c = |names: &[&str]| t.col(names);
    let (ty, iteration, assigned) = (
        c(&["Work Item Type"]),
        c(&["Iteration Path"]),
        c(&["Assigned To"]),
    );
    let (created, closed) = (c(&["Created Date"]), c(&["Closed Date"]));
    // A team owns an area (`Project\Team`); iterations are the project's, shared by teams.
    let team_col = team_column(&t, config, &["Area Path"], "Azure Boards", &mut errors);
    let paths = config.team.column.is_none();
    let rule = match team_rule(&t, team_col, config, teams, paths) {
        Ok(r) => r,
        Err(e) => return Err(vec![e]),
    };
    let format = config.date_format.as_deref();
    // Portfolio items hold backlog items; tasks are their parts, unless tasks are all there is.
    let only_tasks = t.rows.iter().all(|r| {
        matches!(
            t.get(r, ty).to_lowercase().as_str(),
            "task" | "epic" | "feature"
        )
    });
    let mut items = Vec::new();
    let mut sprints = BTreeMap::new();
    let mut skipped = 0;
    let mut seen = HashMap::new();
    for row in &t.rows {
        let kind = t.get(row, ty).to_lowercase();
        if kind == "epic" || kind == "feature" || (kind == "task" && !only_tasks) {
            skipped += 1;
            continue;
        }
        let key = t.get(row, Some(id)).to_string();
        if key.is_empty() {
            errors.push(t.problem(row, id, "the work item has no ID"));
            continue;
        }
        if !check_duplicate(&mut seen, &t, row, id, &key, &mut errors) {
            continue;
        }
        let status_of = |v: &str| table::status(v, config, None).map(Some);
        let st = t
            .read(row, Some(state), status_of, &mut errors)
            .unwrap_or("todo");
        let pts = t.read(row, points, table::points, &mut errors);
        let mut date_of =
            |col: Option<usize>| t.read(row, col, |v| table::date(v, format), &mut errors);
        let (created_on, closed_on) = (date_of(created), date_of(closed));
        let team = row_team(&t, row, team_col, &rule, &mut errors);
        let mut in_sprints = Vec::new();
        let path = t.get(row, iteration);
        if let Some((_, last)) = path.rsplit_once('\\') {
            match table::sprint_number(last) {
                Some(n) => {
                    note_sprint(&mut sprints, &team, n, last, None, None);
                    in_sprints.push(n);
                }
                None => errors.push(t.problem(
                    row,
                    iteration.unwrap_or(0),
                    format!("\"{path}\" names no numbered sprint (teambook numbers sprints: `Project\\Sprint 12`)"),
                )),
            }
        }
        let item = TrackerItem {
            key,
            title: t.get(row, Some(title)).to_string(),
            kind: table::item_type(&kind, &[]),
            status: st,
            points: pts,
            owner: Some(t.get(row, assigned))
                .map(|s| s.split(" <").next().unwrap_or(s).trim().to_string())
                .filter(|s| !s.is_empty()),
            created: created_on,
            done_on: closed_on.filter(|_| matches!(st, "done" | "dropped")),
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
    Ok(Export {
        tool: Tool::Azure,
        items,
        sprints,
        full_history: false,
        skipped: (skipped > 0)
            .then(|| format!("{skipped} epics, features and tasks"))
            .into_iter()
            .collect(),
    })
}
