//! Field values of backlog items and sprints: the field tables of `pbi` and `sprint`, the
//! readers that check a value against its field type, and the seed-style keys (`Business
//! Value`) that backlog and sprint files may use, read as `business_value`.

use std::path::Path;

use jiff::civil::Date;
use serde_json::Value;

use super::kinds::{Field, FieldType};
use crate::error::Error;
use crate::load::SourceFile;
use crate::yaml::{Node, NodeValue};

const fn f(name: &'static str, ty: FieldType, required: bool, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required,
        doc,
    }
}

pub const STATUSES: &[&str] = &["todo", "in_progress", "done", "dropped"];

/// Fields of a backlog item (`pbi`).
pub const PBI_FIELDS: &[Field] = &[
    f(
        "id",
        FieldType::Text,
        false,
        "The team's own id, e.g. `PBI-104`; sprints list items by it",
    ),
    f(
        "type",
        FieldType::Choice(&["feature", "platform", "bug", "debt"]),
        false,
        "feature, platform, bug or debt",
    ),
    f(
        "business_value",
        FieldType::Text,
        false,
        "What it is worth, in words a stakeholder can check (or a number)",
    ),
    f(
        "components",
        FieldType::TextList,
        false,
        "Parts of the product it changes",
    ),
    f(
        "technical_components",
        FieldType::TextList,
        false,
        "Parts of the platform it changes",
    ),
    f(
        "acceptance_criteria",
        FieldType::Any,
        false,
        "List of criteria: text, or `{text, met}`",
    ),
    f("points", FieldType::Number, false, "Relative size"),
    f(
        "status",
        FieldType::Choice(STATUSES),
        false,
        "todo, in_progress, done or dropped",
    ),
    f(
        "factors",
        FieldType::RefList("factor"),
        false,
        "Twelve-factor records it touches",
    ),
    f(
        "owner",
        FieldType::Text,
        false,
        "Who answers questions about it",
    ),
    f(
        "added_on",
        FieldType::Date,
        false,
        "When it entered the backlog or the sprint",
    ),
    f(
        "done_on",
        FieldType::Date,
        false,
        "When it met its criteria",
    ),
    f(
        "labels",
        FieldType::TextList,
        false,
        "Free labels; a Product Goal can gather its items by one",
    ),
    f(
        "team",
        FieldType::Ref("team"),
        false,
        "The team whose backlog holds it (else the team of its latest sprint)",
    ),
];

/// Fields of a sprint.
pub const SPRINT_FIELDS: &[Field] = &[
    f(
        "number",
        FieldType::Int(1, i64::MAX),
        true,
        "The sprint's number",
    ),
    f("name", FieldType::Text, false, "A short name"),
    f(
        "team",
        FieldType::Ref("team"),
        false,
        "The team whose sprint it is (or cascaded from its section); numbers, velocity and carry-over are per team",
    ),
    f(
        "goal",
        FieldType::Text,
        true,
        "The sprint goal in one sentence",
    ),
    f(
        "goal_met",
        FieldType::Choice(&["yes", "partly", "no"]),
        false,
        "yes, partly or no",
    ),
    f("start", FieldType::Date, true, "First day"),
    f("end", FieldType::Date, true, "Last day"),
    f(
        "items",
        FieldType::Any,
        false,
        "Pbi ids, `{pbi, status, added_on, done_on}`, or inline pbis",
    ),
    f(
        "review",
        FieldType::Any,
        false,
        "highlights, stakeholder_feedback, next_steps (lists of text)",
    ),
    f(
        "retro",
        FieldType::Any,
        false,
        "went_well, went_wrong (lists), actions ({id, text, owner, due, status})",
    ),
];

/// Fields of a Product Goal (`goal`).
pub const GOAL_FIELDS: &[Field] = &[
    f(
        "outcome",
        FieldType::Text,
        true,
        "What is better for users or the business once it is reached, in one sentence",
    ),
    f(
        "items",
        FieldType::TextList,
        false,
        "The backlog items it needs, by id",
    ),
    f(
        "label",
        FieldType::Text,
        false,
        "Or: every backlog item with this label",
    ),
    f(
        "target",
        FieldType::Date,
        false,
        "The date stakeholders were promised, if any",
    ),
    f(
        "team",
        FieldType::Ref("team"),
        false,
        "The team whose pace forecasts it (else the team holding most of its items)",
    ),
];

/// A value problem at a 1-based line and column, with its message.
pub type Located = (usize, usize, String);

pub fn number(key: &str, v: &Node) -> Result<Option<f64>, Located> {
    match &v.value {
        NodeValue::Int(i) if *i >= 0 => Ok(Some(*i as f64)),
        NodeValue::Float(x) if *x >= 0.0 && x.is_finite() => Ok(Some(*x)),
        NodeValue::Null => Ok(None),
        NodeValue::Str(s) => Err((
            v.line,
            v.col,
            format!("`{key}` must be a number, found `{s}`"),
        )),
        _ => Err((
            v.line,
            v.col,
            format!("`{key}` must be a number of 0 or more, found {}", v.shape()),
        )),
    }
}

pub fn date(key: &str, v: &Node) -> Result<Option<Date>, Located> {
    match &v.value {
        NodeValue::Null => Ok(None),
        NodeValue::Str(s) if s.trim().is_empty() => Ok(None),
        NodeValue::Str(s) => s.trim().parse::<Date>().map(Some).map_err(|_| {
            (
                v.line,
                v.col,
                format!("`{key}` is not a date: `{s}` (write it as YYYY-MM-DD, e.g. 2026-10-12)"),
            )
        }),
        _ => Err((
            v.line,
            v.col,
            format!("`{key}` must be a date (YYYY-MM-DD), found {}", v.shape()),
        )),
    }
}

/// Reads a field of the types this module adds to the record registry. `Ok(None)`: left empty.
pub fn read_value(key: &str, ty: FieldType, v: &Node) -> Result<Option<Value>, Located> {
    match ty {
        FieldType::Number => Ok(number(key, v)?.map(|x| {
            if x.fract() == 0.0 {
                Value::from(x as i64)
            } else {
                Value::from(x)
            }
        })),
        FieldType::Date => Ok(date(key, v)?.map(|d| Value::from(d.to_string()))),
        FieldType::Choice(words) => {
            let word = match &v.value {
                NodeValue::Str(s) => s.trim().to_lowercase().replace([' ', '-'], "_"),
                NodeValue::Bool(true) => "yes".into(),
                NodeValue::Bool(false) => "no".into(),
                NodeValue::Null => return Ok(None),
                _ => String::new(),
            };
            if words.contains(&word.as_str()) {
                Ok(Some(Value::from(word)))
            } else {
                let found = match &v.value {
                    NodeValue::Str(s) => format!("`{s}`"),
                    _ => v.shape().to_string(),
                };
                Err((
                    v.line,
                    v.col,
                    format!("`{key}` must be one of {}, found {found}", words.join(", ")),
                ))
            }
        }
        _ => Ok(Some(v.to_json())),
    }
}

// The teams' own spelling of keys.

/// Field names a backlog or sprint file may spell `Title Case With Spaces`.
fn known_key(norm: &str) -> bool {
    const NESTED: &[&str] = &[
        "title",
        "slug",
        "weight",
        "body",
        "text",
        "met",
        "pbi",
        "highlights",
        "stakeholder_feedback",
        "next_steps",
        "went_well",
        "went_wrong",
        "actions",
        "due",
    ];
    NESTED.contains(&norm)
        || PBI_FIELDS.iter().any(|f| f.name == norm)
        || SPRINT_FIELDS.iter().any(|f| f.name == norm)
}

fn is_collection_file(path: &Path) -> bool {
    let mut parts = path.components();
    parts.next().is_some_and(|c| c.as_os_str() == "data")
        && parts.next().is_some_and(|c| {
            let name = Path::new(c.as_os_str()).with_extension("");
            name == Path::new("backlog") || name == Path::new("sprints")
        })
}

/// The data files with keys such as `Business Value` or `ID` rewritten to `business_value` and
/// `id` in place. The rewrite keeps every length, so lines and columns stay true.
pub fn normalize_keys(files: &[SourceFile]) -> Vec<SourceFile> {
    files
        .iter()
        .map(|file| {
            if !is_collection_file(&file.path) {
                return file.clone();
            }
            let Ok(docs) = crate::yaml::nodes(&file.text) else {
                return file.clone();
            };
            let mut keys = Vec::new();
            for d in &docs {
                collect_keys(d, &mut keys);
            }
            let mut lines: Vec<String> = file.text.split('\n').map(str::to_string).collect();
            for (line, col, from, to) in keys {
                let Some(l) = lines.get_mut(line - 1) else {
                    continue;
                };
                let Some((start, _)) = l.char_indices().nth(col - 1) else {
                    continue;
                };
                if l[start..].starts_with(&from) {
                    l.replace_range(start..start + from.len(), &to);
                }
            }
            SourceFile {
                path: file.path.clone(),
                text: lines.join("\n"),
            }
        })
        .collect()
}

fn collect_keys(n: &Node, out: &mut Vec<(usize, usize, String, String)>) {
    match &n.value {
        NodeValue::Map(entries) => {
            for (k, v) in entries {
                if let NodeValue::Str(s) = &k.value {
                    let norm = s.to_lowercase().replace(' ', "_");
                    if norm != *s && norm.len() == s.len() && known_key(&norm) {
                        out.push((k.line, k.col, s.clone(), norm));
                    }
                }
                collect_keys(v, out);
            }
        }
        NodeValue::Seq(items) => items.iter().for_each(|i| collect_keys(i, out)),
        _ => {}
    }
}

/// Puts the lines as written back into errors about rewritten files.
pub fn restore_lines(errors: &mut [Error], originals: &[SourceFile]) {
    for e in errors {
        if let Error::At {
            span, source_line, ..
        } = e
            && let Some(file) = originals.iter().find(|f| f.path == span.path)
        {
            *source_line = file.text.lines().nth(span.line - 1).map(str::to_string);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn teams_keys_are_rewritten_in_place_and_only_in_backlog_and_sprint_files() {
        let text = "# c\n---\nTitle: A\nBusiness Value: x\nUnknown Key: y\nAcceptance Criteria:\n  - text: t\n    Met: true\n";
        let files = [
            SourceFile {
                path: "data/backlog.yaml".into(),
                text: text.into(),
            },
            SourceFile {
                path: "data/teams.yaml".into(),
                text: text.into(),
            },
        ];
        let out = normalize_keys(&files);
        assert_eq!(
            out[0].text,
            "# c\n---\ntitle: A\nbusiness_value: x\nUnknown Key: y\nacceptance_criteria:\n  - text: t\n    met: true\n"
        );
        assert_eq!(out[0].text.len(), text.len());
        assert_eq!(out[1].text, text);
    }
}
