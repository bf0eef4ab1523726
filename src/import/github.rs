//! GitHub Projects: the JSON of `gh project item-list N --owner O --format json` (fields under
//! their name with the first letter lowercased, an iteration as `{title, startDate, duration}`),
//! or the TSV of the web UI's "Export view data".

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use jiff::civil::Date;
use serde_json::Value;

use super::table::{self, Table};
use super::team::{Rule, SiteTeams};
use super::{
    Export, SprintKey, Tool, TrackerItem, TrackerSprint, check_duplicate, check_teamless,
    note_sprint, row_team, team_column, team_rule,
};
use crate::config::ImportConfig;
use crate::error::Error;

const POINTS: &[&str] = &["Story Points", "Points", "Estimate", "Size"];

pub fn read(
    path: &Path,
    text: &str,
    config: &ImportConfig,
    teams: &SiteTeams,
) -> Result<Export, Vec<Error>> {
    if table::strip_bom(text).trim_start().starts_with('{') {
        read_json(path, text, config, teams)
    } else {
        let delimiter = if text.lines().next().unwrap_or("").contains('\t') {
            b'\t'
        } else {
            b','
        };
        read_table(path, text, config, teams, delimiter)
    }
}

/// `#12` from an issue or pull-request URL.
fn key_of_url(url: &str) -> Option<String> {
    let n = url.trim_end_matches('/').rsplit('/').next()?;
    n.parse::<u64>().ok().map(|n| format!("#{n}"))
}

fn read_json(
    path: &Path,
    text: &str,
    config: &ImportConfig,
    teams: &SiteTeams,
) -> Result<Export, Vec<Error>> {
    let text = table::strip_bom(text);
    let doc: Value = serde_json::from_str(text).map_err(|e| {
        vec![Error::at(
            path,
            text,
            e.line().max(1),
            e.column().max(1),
            format!("the export is not valid JSON: {e}"),
        )]
    })?;
    let Some(list) = doc.get("items").and_then(Value::as_array) else {
        return Err(vec![Error::file(
            path,
            "a GitHub Projects export has an `items` list (`gh project item-list N --owner O --format json`)",
        )]);
    };
    let lower = |name: &str| {
        let mut c = name.chars();
        c.next()
            .map_or(String::new(), |f| f.to_lowercase().chain(c).collect())
    };
    let point_keys: Vec<String> = match &config.points {
        Some(p) => vec![lower(p)],
        None => POINTS.iter().map(|p| lower(p)).collect(),
    };
    // GitHub has no team field: a custom single-select field may hold it.
    let team_key = lower(config.team.column.as_deref().unwrap_or("Team"));
    let team_of = |item: &Value| {
        item.get(&team_key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let names: Vec<String> = list.iter().map(team_of).collect();
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let title_of = |i: usize| {
        let item = &list[i];
        item.get("content")
            .and_then(|c| c.get("title"))
            .or_else(|| item.get("title"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let rule = Rule::new(teams, &config.team, false, &name_refs).map_err(|(i, m)| {
        vec![Error::file(
            path,
            format!(
                "items[{i}] (\"{}\"): field \"{team_key}\": {m}",
                title_of(i)
            ),
        )]
    })?;
    let mut errors = Vec::new();
    let mut items = Vec::new();
    let mut sprints = BTreeMap::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, item) in list.iter().enumerate() {
        let content = item.get("content").cloned().unwrap_or(Value::Null);
        let title = content
            .get("title")
            .or_else(|| item.get("title"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let mut problem = |field: &str, msg: String| {
            errors.push(Error::file(
                path,
                format!("items[{i}] (\"{title}\"): field \"{field}\": {msg}"),
            ));
        };
        let key = match content.get("number").and_then(Value::as_u64) {
            Some(n) => format!("#{n}"),
            None => match item.get("id").and_then(Value::as_str) {
                Some(id) => id.to_string(),
                None => {
                    problem(
                        "content.number",
                        "the item has neither a number nor an id".into(),
                    );
                    continue;
                }
            },
        };
        if let Some(first) = seen.insert(key.clone(), i) {
            problem(
                "content.number",
                format!("\"{key}\" is already the key of items[{first}]"),
            );
            continue;
        }
        let raw_status = item.get("status").and_then(Value::as_str).unwrap_or("");
        let status = if raw_status.is_empty() {
            "todo"
        } else {
            match table::status(raw_status, config, None) {
                Ok(s) => s,
                Err(m) => {
                    problem("status", m);
                    "todo"
                }
            }
        };
        let mut points = None;
        for k in &point_keys {
            match item.get(k) {
                Some(Value::Number(n)) => match n.as_f64().filter(|x| *x >= 0.0) {
                    Some(x) => points = Some(x),
                    None => problem(k, format!("{n} is not a number of points of 0 or more")),
                },
                Some(Value::String(s)) => match table::points(s) {
                    Ok(p) => points = p,
                    Err(m) => problem(k, m),
                },
                _ => continue,
            }
            break;
        }
        let team = match rule.resolve(&names[i]) {
            Ok(t) => t,
            Err(m) => {
                problem(&team_key, m);
                None
            }
        };
        let mut in_sprints = Vec::new();
        // The iteration field under its own name (`iteration`, `sprint`, …): the one value
        // shaped `{title, startDate, duration}`.
        let iteration = item.get("iteration").filter(|v| v.is_object()).or_else(|| {
            item.as_object()?
                .values()
                .find(|v| v.get("startDate").is_some() && v.get("title").is_some())
        });
        if let Some(it) = iteration {
            let name = it.get("title").and_then(Value::as_str).unwrap_or("");
            let start: Option<Date> = it
                .get("startDate")
                .and_then(Value::as_str)
                .and_then(|s| s.parse().ok());
            let days = it.get("duration").and_then(Value::as_i64).unwrap_or(14);
            let end = start.and_then(|s| s.checked_add(jiff::Span::new().days(days - 1)).ok());
            match table::sprint_number(name) {
                Some(n) => {
                    note_sprint(&mut sprints, &team, n, name, start, end);
                    in_sprints.push(n);
                }
                None => problem(
                    "iteration",
                    format!("\"{name}\" has no sprint number (e.g. `Sprint 12`)"),
                ),
            }
        }
        let owner = item
            .get("assignees")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .and_then(Value::as_str)
            .map(str::to_string);
        let labels: Vec<String> = item
            .get("labels")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        if rule.on()
            && team.is_none()
            && names[i].trim().is_empty()
            && let Some(n) = in_sprints.last()
        {
            problem(
                &team_key,
                format!(
                    "the item is in sprint {n} but names no team; on this site every sprint belongs to a team"
                ),
            );
        }
        items.push(TrackerItem {
            key,
            title,
            kind: labels.iter().find_map(|l| table::item_type(l, &labels)),
            status,
            points,
            owner,
            created: None,
            done_on: None,
            sprints: in_sprints,
            team,
        });
    }
    if let Some(m) = rule.unnamed(items.iter().any(|i| !i.sprints.is_empty())) {
        errors.push(Error::file(path, m));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Export {
        tool: Tool::Github,
        items,
        sprints,
        full_history: false,
        skipped: Vec::new(),
    })
}

fn read_table(
    path: &Path,
    text: &str,
    config: &ImportConfig,
    teams: &SiteTeams,
    delimiter: u8,
) -> Result<Export, Vec<Error>> {
    let t = Table::parse(path, text, delimiter).map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    let title = t
        .required(&["Title"], "GitHub Projects")
        .map_err(|e| vec![e])?;
    let points = match &config.points {
        Some(name) => Some(
            t.required(&[name.as_str()], "GitHub Projects")
                .map_err(|e| vec![e])?,
        ),
        None => t.col(POINTS),
    };
    let c = |names: &[&str]| t.col(names);
    let (status, iteration, assignees, url, number, labels) = (
        c(&["Status"]),
        c(&["Iteration", "Sprint"]),
        c(&["Assignees"]),
        c(&["URL"]),
        c(&["Number", "#"]),
        c(&["Labels"]),
    );
    let team_col = team_column(&t, config, &["Team"], "GitHub Projects", &mut errors);
    let rule = team_rule(&t, team_col, config, teams, false).map_err(|e| vec![e])?;
    let mut items = Vec::new();
    let mut sprints: BTreeMap<SprintKey, TrackerSprint> = BTreeMap::new();
    let mut seen = HashMap::new();
    for row in &t.rows {
        let name = t.get(row, Some(title)).to_string();
        let key = key_of_url(t.get(row, url))
            .or_else(|| {
                Some(t.get(row, number).trim_start_matches('#'))
                    .filter(|n| !n.is_empty())
                    .map(|n| format!("#{n}"))
            })
            .unwrap_or_else(|| crate::util::slug::urlize(&name));
        if !check_duplicate(
            &mut seen,
            &t,
            row,
            url.or(number).unwrap_or(title),
            &key,
            &mut errors,
        ) {
            continue;
        }
        let raw = t.get(row, status);
        let st = if raw.is_empty() {
            "todo"
        } else {
            match table::status(raw, config, None) {
                Ok(s) => s,
                Err(m) => {
                    errors.push(t.problem(row, status.unwrap_or(0), m));
                    "todo"
                }
            }
        };
        let pts = t.read(row, points, table::points, &mut errors);
        let team = row_team(&t, row, team_col, &rule, &mut errors);
        let mut in_sprints = Vec::new();
        let it = t.get(row, iteration);
        if !it.is_empty() {
            match table::sprint_number(it) {
                Some(n) => {
                    note_sprint(&mut sprints, &team, n, it, None, None);
                    in_sprints.push(n);
                }
                None => errors.push(t.problem(
                    row,
                    iteration.unwrap_or(0),
                    format!("\"{it}\" has no sprint number (e.g. `Sprint 12`)"),
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
            title: name,
            kind: label_list
                .iter()
                .find_map(|l| table::item_type(l, &label_list)),
            status: st,
            points: pts,
            owner: t
                .get(row, assignees)
                .split(',')
                .next()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
            created: None,
            done_on: None,
            sprints: in_sprints,
            team,
        };
        check_teamless(&t, row, team_col, &rule, &item, &mut errors);
        items.push(item);
    }
    if let Some(m) = rule.unnamed(items.iter().any(|i| !i.sprints.is_empty())) {
        errors.push(Error::at(path, &t.text, 1, 1, m));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Export {
        tool: Tool::Github,
        items,
        sprints,
        full_history: false,
        skipped: Vec::new(),
    })
}
