//! Stage 3d: tracker exports. In: a Jira, Linear, Azure Boards or GitHub Projects export as the
//! tool writes it, and the `import:` block of the config. Out: the tracker's items and sprints
//! in one shape, or every problem of the file at `FILE:ROW`; `apply` turns them into edits of
//! the backlog file and the sprint pages (pure: texts in, texts out).

pub mod apply;
mod azure;
mod github;
mod jira;
mod linear;
pub mod table;
pub mod team;

use std::collections::BTreeMap;
use std::path::Path;

use jiff::civil::Date;

use crate::config::ImportConfig;
use crate::error::Error;
use team::{Rule, SiteTeams};

/// The trackers `teambook import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Jira,
    Github,
    Azure,
    Linear,
}

impl Tool {
    pub const NAMES: &[&str] = &["jira", "github", "azure", "linear"];

    pub fn from_name(name: &str) -> Option<Tool> {
        match name.to_lowercase().as_str() {
            "jira" => Some(Tool::Jira),
            "github" => Some(Tool::Github),
            "azure" | "azure-boards" | "ado" => Some(Tool::Azure),
            "linear" => Some(Tool::Linear),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Tool::Jira => "Jira",
            Tool::Github => "GitHub Projects",
            Tool::Azure => "Azure Boards",
            Tool::Linear => "Linear",
        }
    }
}

/// One item of the tracker, as the export has it now.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackerItem {
    /// The tracker's key: `ORB-12`, `4711`, `#12`.
    pub key: String,
    pub title: String,
    /// `feature`, `bug` or `debt` when the issue type says so.
    pub kind: Option<&'static str>,
    /// `todo`, `in_progress`, `done` or `dropped`.
    pub status: &'static str,
    pub points: Option<f64>,
    pub owner: Option<String>,
    pub created: Option<Date>,
    /// When it was finished (or cancelled).
    pub done_on: Option<Date>,
    /// The numbers of the sprints it is in, oldest first: sprints of its team.
    pub sprints: Vec<u32>,
    /// The id of its team's record, when the export names teams and the site keeps them apart.
    pub team: Option<String>,
}

/// A sprint of an export or a site: its team (none on a one-team site) and its number.
pub type SprintKey = (Option<String>, u32);

/// `sprint 3`, or `sprint 3 of team `sre``.
pub fn sprint_label(key: &SprintKey) -> String {
    match &key.0 {
        Some(t) => format!("sprint {} of team `{t}`", key.1),
        None => format!("sprint {}", key.1),
    }
}

/// A sprint (Jira sprint, Linear cycle, Azure iteration, GitHub iteration) of the export.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackerSprint {
    pub number: u32,
    pub name: String,
    pub start: Option<Date>,
    pub end: Option<Date>,
}

/// A whole export, read.
#[derive(Debug, Clone)]
pub struct Export {
    pub tool: Tool,
    pub items: Vec<TrackerItem>,
    pub sprints: BTreeMap<SprintKey, TrackerSprint>,
    /// Whether an item lists every sprint it was ever in (Jira), or only its current one.
    pub full_history: bool,
    /// Rows left out (epics, sub-tasks, archived rows), in words.
    pub skipped: Vec<String>,
}

/// The tool that wrote `text`, from its first bytes or its header row.
pub fn detect(text: &str) -> Option<Tool> {
    let text = table::strip_bom(text);
    if text.trim_start().starts_with('{') {
        return Some(Tool::Github);
    }
    let header = text.lines().next().unwrap_or("").to_lowercase();
    let has = |h: &str| {
        header
            .split([',', '\t'])
            .any(|c| c.trim().trim_matches('"').trim() == h)
    };
    if has("issue key") && has("summary") {
        Some(Tool::Jira)
    } else if has("work item type") || has("iteration path") {
        Some(Tool::Azure)
    } else if has("cycle number") || (has("team") && has("estimate") && has("id")) {
        Some(Tool::Linear)
    } else if has("title") && (header.contains('\t') || has("iteration") || has("assignees")) {
        Some(Tool::Github)
    } else {
        None
    }
}

/// What a header of each tool looks like, for the "no format matches" error.
const EXPECTED: &str = "a Jira CSV (Summary, Issue key, Status, Sprint…), a Linear CSV (ID, Team, Title, Status, Estimate, Cycle Number…), an Azure Boards query CSV (ID, Work Item Type, Title, State, Iteration Path…), or GitHub Projects' JSON (`gh project item-list --format json`) or TSV (Title, Status, Iteration…)";

/// Reads an export; `tool` when the user named it, else recognised from the header. Every
/// problem of the file is in the error list.
pub fn read(
    tool: Option<Tool>,
    path: &Path,
    text: &str,
    config: &ImportConfig,
    teams: &SiteTeams,
) -> Result<Export, Vec<Error>> {
    let tool = match tool.or_else(|| detect(text)) {
        Some(t) => t,
        None => {
            let text = table::strip_bom(text);
            return Err(vec![
                Error::at(path, text, 1, 1, "no export format matches this header")
                    .with_help(format!("expected {EXPECTED}")),
            ]);
        }
    };
    let export = match tool {
        Tool::Jira => jira::read(path, text, config, teams),
        Tool::Linear => linear::read(path, text, config, teams),
        Tool::Azure => azure::read(path, text, config, teams),
        Tool::Github => github::read(path, text, config, teams),
    }?;
    Ok(export)
}

/// Collects the sprints the rows name, keeping the dates the first row that has them gives.
fn note_sprint(
    sprints: &mut BTreeMap<SprintKey, TrackerSprint>,
    team: &Option<String>,
    number: u32,
    name: &str,
    start: Option<Date>,
    end: Option<Date>,
) {
    let s = sprints
        .entry((team.clone(), number))
        .or_insert_with(|| TrackerSprint {
            number,
            name: name.to_string(),
            start: None,
            end: None,
        });
    s.start = s.start.or(start);
    s.end = s.end.or(end);
}

/// The team column of a table: the configured one (an error when the export lacks it), else the
/// first of the tool's own `names`.
fn team_column(
    t: &table::Table,
    config: &ImportConfig,
    names: &[&str],
    tool: &str,
    errors: &mut Vec<Error>,
) -> Option<usize> {
    match &config.team.column {
        Some(name) => t
            .required(&[name.as_str()], tool)
            .map_err(|e| errors.push(e))
            .ok(),
        None => t.col(names),
    }
}

/// The team rule of a table's export, read from column `col` of every row; a problem is at the
/// row it concerns.
fn team_rule<'a>(
    t: &table::Table,
    col: Option<usize>,
    config: &'a ImportConfig,
    teams: &'a SiteTeams,
    paths: bool,
) -> Result<Rule<'a>, Error> {
    let names: Vec<&str> = t.rows.iter().map(|r| t.get(r, col)).collect();
    Rule::new(teams, &config.team, paths, &names)
        .map_err(|(i, m)| t.problem(&t.rows[i], col.unwrap_or(0), m))
}

/// The team the row names (none when teams are not kept apart); a name no team has is a
/// problem at its cell.
fn row_team(
    t: &table::Table,
    row: &table::Row,
    col: Option<usize>,
    rule: &Rule,
    errors: &mut Vec<Error>,
) -> Option<String> {
    rule.resolve(t.get(row, col))
        .map_err(|m| errors.push(t.problem(row, col.unwrap_or(0), m)))
        .ok()
        .flatten()
}

/// When teams are kept apart, an item in a sprint must name its team: sprint 3 is some team's.
fn check_teamless(
    t: &table::Table,
    row: &table::Row,
    col: Option<usize>,
    rule: &Rule,
    item: &TrackerItem,
    errors: &mut Vec<Error>,
) {
    if rule.on()
        && item.team.is_none()
        && t.get(row, col).is_empty()
        && let Some(n) = item.sprints.last()
    {
        errors.push(t.problem(
                row,
                col.unwrap_or(0),
                format!("the issue is in sprint {n} but names no team; on this site every sprint belongs to a team"),
            ));
    }
}

/// Items with one key twice are an error at the second row.
fn check_duplicate(
    seen: &mut std::collections::HashMap<String, usize>,
    t: &table::Table,
    row: &table::Row,
    col: usize,
    key: &str,
    errors: &mut Vec<Error>,
) -> bool {
    if let Some(first) = seen.get(key) {
        errors.push(t.problem(
            row,
            col,
            format!("\"{key}\" is already the key of line {first}"),
        ));
        return false;
    }
    seen.insert(key.to_string(), row.line);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_tool_is_recognised_by_its_header() {
        let cases = [
            (
                "\u{feff}Summary,Issue key,Issue id,Status\r\n",
                Some(Tool::Jira),
            ),
            (
                "ID,Work Item Type,Title,State,Iteration Path\n",
                Some(Tool::Azure),
            ),
            (
                "\"ID\",\"Team\",\"Title\",\"Status\",\"Estimate\",\"Cycle Number\"\n",
                Some(Tool::Linear),
            ),
            ("Title\tURL\tStatus\tIteration\n", Some(Tool::Github)),
            ("  {\"items\": []}", Some(Tool::Github)),
            ("Name,Owner,State\n", None),
        ];
        for (text, tool) in cases {
            assert_eq!(detect(text), tool, "{text}");
        }
    }
}
