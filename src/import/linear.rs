//! Linear's CSV export: one row per issue with its current cycle (number, name, start, end);
//! archived rows are left out and a leading `'` (a spreadsheet formula guard) is dropped.

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
    let mut t = Table::parse(path, text, b',').map_err(|e| vec![e])?;
    for row in &mut t.rows {
        for f in &mut row.fields {
            if let Some(rest) = f.strip_prefix('\'') {
                *f = rest.to_string();
            }
        }
    }
    let mut errors = Vec::new();
    let mut need = |names: &[&str]| match t.required(names, "Linear") {
        Ok(c) => Some(c),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let (id, title, status) = (need(&["ID"]), need(&["Title"]), need(&["Status"]));
    let points = match &config.points {
        Some(name) => need(&[name.as_str()]),
        None => t.col(&["Estimate"]),
    };
    let (Some(id), Some(title), Some(status)) = (id, title, status) else {
        return Err(errors);
    };
    let c = |names: &[&str]| t.col(names);
    let (labels, assignee, created) = (c(&["Labels"]), c(&["Assignee"]), c(&["Created"]));
    let (completed, canceled, archived) = (
        c(&["Completed"]),
        c(&["Canceled", "Cancelled"]),
        c(&["Archived"]),
    );
    let (number, name, start, end) = (
        c(&["Cycle Number"]),
        c(&["Cycle Name"]),
        c(&["Cycle Start"]),
        c(&["Cycle End"]),
    );
    let team_col = team_column(&t, config, &["Team"], "Linear", &mut errors);
    let rule = match team_rule(&t, team_col, config, teams, false) {
        Ok(r) => r,
        Err(e) => return Err(vec![e]),
    };
    let format = config.date_format.as_deref();
    let mut items = Vec::new();
    let mut sprints = BTreeMap::new();
    let mut archived_rows = 0;
    let mut seen = HashMap::new();
    for row in &t.rows {
        if !t.get(row, archived).is_empty() {
            archived_rows += 1;
            continue;
        }
        let key = t.get(row, Some(id)).to_string();
        if key.is_empty() {
            errors.push(t.problem(row, id, "the issue has no ID"));
            continue;
        }
        if !check_duplicate(&mut seen, &t, row, id, &key, &mut errors) {
            continue;
        }
        let mut date_of =
            |col: Option<usize>| t.read(row, col, |v| table::date(v, format), &mut errors);
        let (created_on, completed_on, canceled_on) =
            (date_of(created), date_of(completed), date_of(canceled));
        let (cycle_start, cycle_end) = (date_of(start), date_of(end));
        let fallback = if completed_on.is_some() {
            "done"
        } else if canceled_on.is_some() {
            "cancelled"
        } else {
            ""
        };
        let status_of = |v: &str| table::status(v, config, Some(fallback)).map(Some);
        let st = t
            .read(row, Some(status), status_of, &mut errors)
            .unwrap_or("todo");
        let pts = t.read(row, points, table::points, &mut errors);
        let team = row_team(&t, row, team_col, &rule, &mut errors);
        let mut in_sprints = Vec::new();
        let cycle = t.get(row, number);
        if !cycle.is_empty() {
            match cycle.parse::<u32>().ok().filter(|&n| n > 0) {
                Some(n) => {
                    let label = Some(t.get(row, name)).filter(|s| !s.is_empty());
                    let label = label.map_or_else(|| format!("Cycle {n}"), str::to_string);
                    note_sprint(&mut sprints, &team, n, &label, cycle_start, cycle_end);
                    in_sprints.push(n);
                }
                None => errors.push(t.problem(
                    row,
                    number.unwrap_or(0),
                    format!("\"{cycle}\" is not a cycle number"),
                )),
            }
        }
        let label_list: Vec<String> = t
            .get(row, labels)
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        let item = TrackerItem {
            key,
            title: t.get(row, Some(title)).to_string(),
            kind: table::item_type(
                label_list
                    .iter()
                    .find(|l| table::item_type(l, &[]).is_some())
                    .map_or("", String::as_str),
                &label_list,
            ),
            status: st,
            points: pts,
            owner: Some(t.get(row, assignee).to_string()).filter(|s| !s.is_empty()),
            created: created_on,
            done_on: completed_on.or(canceled_on),
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
        tool: Tool::Linear,
        items,
        sprints,
        full_history: false,
        skipped: (archived_rows > 0)
            .then(|| format!("{archived_rows} archived issues"))
            .into_iter()
            .collect(),
    })
}
