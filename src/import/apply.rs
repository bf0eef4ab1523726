//! What an export changes in the site, as new texts of whole files (pure: texts in, texts out).
//! In: the export, `data/backlog.yaml` and the sprint pages as they are. Out: the files to
//! write and what to tell the user. Only the tracker's fields change, edited in place in the
//! text: status, points and dates of backlog items, each sprint's `items:` list, and `start`
//! / `end` of a page that lacks them; every other byte stays as a person wrote it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use super::team::SiteTeam;
use super::{Export, SprintKey, TrackerItem, sprint_label};
use crate::error::Error;
use crate::yaml::{Node, NodeValue};

/// The files the importer reads, as they are now.
#[derive(Debug, Clone)]
pub struct SiteFiles {
    pub backlog_path: PathBuf,
    /// `None` when the site has no backlog file yet.
    pub backlog: Option<String>,
    /// Pages holding `kind: sprint`, with their text.
    pub sprint_pages: Vec<(PathBuf, String)>,
    /// Where new sprint pages go (of a team: see `team_dir`).
    pub sprint_dir: PathBuf,
    /// Folders whose `_index.md` cascades `kind: sprint` or a team, with the team it cascades.
    pub sprint_folders: Vec<(PathBuf, Option<String>)>,
    /// The site's teams, for the title of a new team's folder.
    pub teams: Vec<SiteTeam>,
}

impl SiteFiles {
    /// The team a folder's pages get from the nearest `_index.md` above them that cascades one.
    fn cascaded_team(&self, dir: &Path) -> Option<&str> {
        self.sprint_folders
            .iter()
            .filter(|(d, t)| t.is_some() && dir.starts_with(d))
            .max_by_key(|(d, _)| d.components().count())
            .and_then(|(_, t)| t.as_deref())
    }

    /// Whether the site has sprint pages, and whether they name their teams.
    pub fn sprint_teams(&self) -> (bool, bool) {
        let mut has = false;
        let mut named = false;
        for (path, text) in &self.sprint_pages {
            if let Ok(Some(p)) = read_page(path, text, self) {
                has = true;
                named |= p.team.is_some();
            }
        }
        (has, named)
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    /// Only this sprint's page (the backlog is updated whole either way).
    pub sprint: Option<u32>,
    /// Dates of a new page for `sprint`, when the export has none.
    pub start: Option<Date>,
    pub end: Option<Date>,
    /// The day the export was taken: an item that enters a running sprint on a later import
    /// was added on this day; a re-estimate of a running sprint's item is a re-estimate.
    pub as_of: Date,
}

/// One file to write.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub path: PathBuf,
    /// `None` for a new file.
    pub old: Option<String>,
    pub new: String,
}

/// What an import does.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub changes: Vec<Change>,
    pub new_items: usize,
    pub updated_items: usize,
    pub new_pages: Vec<SprintKey>,
    pub updated_pages: Vec<SprintKey>,
    /// Backlog items and sprint entries whose key the export no longer has; kept.
    pub disappeared: Vec<String>,
    /// Everything else worth a line (items that left a sprint, re-estimates, skipped rows).
    pub notes: Vec<String>,
}

fn norm(key: &str) -> String {
    key.trim().to_lowercase().replace(' ', "_")
}

/// The key prefix of a tracker key: `ORB-` of `ORB-12`, `#` of `#12`, `` of `4711`.
fn prefix(key: &str) -> &str {
    key.trim_end_matches(|c: char| c.is_ascii_digit())
}

fn scalar_text(n: &Node) -> Option<String> {
    match &n.value {
        NodeValue::Str(s) => Some(s.clone()),
        NodeValue::Int(i) => Some(i.to_string()),
        NodeValue::Float(f) => Some(f.to_string()),
        _ => None,
    }
}

fn number_of(n: &Node) -> Option<f64> {
    match &n.value {
        NodeValue::Int(i) => Some(*i as f64),
        NodeValue::Float(f) => Some(*f),
        NodeValue::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn date_of(n: &Node) -> Option<Date> {
    scalar_text(n)?.trim().parse().ok()
}

/// A field of a mapping by its normalised name (`Done On` is `done_on`).
fn field<'a>(map: &'a Node, name: &str) -> Option<(&'a Node, &'a Node)> {
    match &map.value {
        NodeValue::Map(entries) => entries
            .iter()
            .find(|(k, _)| norm(&k.key_text()) == name)
            .map(|(k, v)| (k, v)),
        _ => None,
    }
}

/// `3`, `0.5`.
pub fn fmt_points(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// A YAML scalar for `s`: plain when it reads back as the same text, else double-quoted.
pub fn yaml_str(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_alphanumeric())
        && !s.ends_with(' ')
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':')
        && !s
            .chars()
            .any(|c| "{}[],&*!|>'\"%@`#\t\r\n\\".contains(c) || c.is_control())
        && s.parse::<f64>().is_err()
        && !matches!(
            s.to_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "null" | "on" | "off" | "y" | "n"
        )
        && !(s.len() >= 5
            && s.as_bytes()[..4].iter().all(u8::is_ascii_digit)
            && s.as_bytes()[4] == b'-');
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

/// A field name as a file that writes `Title` and `Added On` writes it.
fn spell(name: &str, title_case: bool) -> String {
    if !title_case {
        return name.to_string();
    }
    if name == "id" {
        return "ID".into();
    }
    name.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn title_case_keys(map: &Node) -> bool {
    match &map.value {
        NodeValue::Map(entries) => entries
            .iter()
            .any(|(k, _)| k.key_text().chars().next().is_some_and(char::is_uppercase)),
        _ => false,
    }
}

/// A text cut into lines, edited by line and character, joined with its own line ending.
struct Lines {
    lines: Vec<String>,
    eol: &'static str,
    /// Replacements: (line, first char, end char, text).
    replace: Vec<(usize, usize, usize, String)>,
    /// Lines to add after a line (0-based).
    after: BTreeMap<usize, Vec<String>>,
}

impl Lines {
    fn new(text: &str) -> Lines {
        Lines {
            eol: if text.contains("\r\n") { "\r\n" } else { "\n" },
            lines: text
                .split('\n')
                .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string())
                .collect(),
            replace: Vec::new(),
            after: BTreeMap::new(),
        }
    }

    fn chars(&self, line: usize) -> Vec<char> {
        self.lines
            .get(line)
            .map_or_else(Vec::new, |l| l.chars().collect())
    }

    fn finish(mut self) -> String {
        self.replace.sort_by_key(|r| std::cmp::Reverse((r.0, r.1)));
        for (line, from, to, text) in std::mem::take(&mut self.replace) {
            let mut chars: Vec<char> = self.lines[line].chars().collect();
            chars.splice(from..to.min(chars.len()), text.chars());
            self.lines[line] = chars.into_iter().collect();
        }
        let mut out: Vec<String> = Vec::with_capacity(self.lines.len());
        for (i, l) in self.lines.iter().enumerate() {
            out.push(l.clone());
            if let Some(extra) = self.after.get(&i) {
                out.extend(extra.iter().cloned());
            }
        }
        out.join(self.eol)
    }
}

/// Where the one-line scalar starting at `start` ends.
fn scalar_end(chars: &[char], start: usize, flow: bool) -> usize {
    match chars.get(start) {
        Some('"') => {
            let mut i = start + 1;
            while i < chars.len() {
                match chars[i] {
                    '\\' => i += 2,
                    '"' => return i + 1,
                    _ => i += 1,
                }
            }
            chars.len()
        }
        Some('\'') => {
            let mut i = start + 1;
            while i < chars.len() {
                if chars[i] == '\'' {
                    if chars.get(i + 1) == Some(&'\'') {
                        i += 2;
                        continue;
                    }
                    return i + 1;
                }
                i += 1;
            }
            chars.len()
        }
        _ => {
            let mut i = start;
            while i < chars.len() {
                let c = chars[i];
                if c == '#' && i > 0 && chars[i - 1].is_whitespace() {
                    break;
                }
                if flow && (c == ',' || c == '}' || c == ']') {
                    break;
                }
                i += 1;
            }
            while i > start && chars[i - 1].is_whitespace() {
                i -= 1;
            }
            i
        }
    }
}

/// Sets the value of the entry `key: value` in place; false when it cannot be done in place.
fn set_value(lines: &mut Lines, key: &Node, value: &Node, text: &str, flow: bool) -> bool {
    match &value.value {
        NodeValue::Null => {
            let line = key.line - 1;
            let chars = lines.chars(line);
            let mut i = key.col - 1 + key.key_text().chars().count();
            while i < chars.len() && chars[i] != ':' {
                i += 1;
            }
            if i >= chars.len() {
                return false;
            }
            let mut j = i + 1;
            while j < chars.len() && chars[j] == ' ' {
                j += 1;
            }
            let end = scalar_end(&chars, j, flow);
            let word: String = chars[j..end].iter().collect();
            if word.is_empty() || word == "~" || word == "null" {
                let (from, to) = if word.is_empty() {
                    (i + 1, i + 1)
                } else {
                    (j, end)
                };
                let pad = if word.is_empty() { " " } else { "" };
                let tail = if word.is_empty() && end < chars.len() {
                    " "
                } else {
                    ""
                };
                lines
                    .replace
                    .push((line, from, to, format!("{pad}{text}{tail}")));
                return true;
            }
            false
        }
        NodeValue::Str(_) | NodeValue::Int(_) | NodeValue::Float(_) | NodeValue::Bool(_) => {
            let line = value.line - 1;
            let chars = lines.chars(line);
            let start = value.col - 1;
            if start >= chars.len() || matches!(chars[start], '|' | '>') {
                return false;
            }
            let end = scalar_end(&chars, start, flow);
            lines.replace.push((line, start, end, text.to_string()));
            true
        }
        _ => false,
    }
}

/// A backlog item as the file has it.
struct Known<'a> {
    map: &'a Node,
    points: Option<f64>,
}

fn parse_yaml(path: &Path, text: &str, first_line: usize) -> Result<Vec<Node>, Error> {
    crate::yaml::nodes(text).map_err(|e| e.in_file(path, text, first_line))
}

/// The backlog's items (mappings of the documents, or of a top-level list) by id.
fn backlog_items(docs: &[Node]) -> Vec<&Node> {
    let mut out = Vec::new();
    for d in docs {
        match &d.value {
            NodeValue::Map(_) => out.push(d),
            NodeValue::Seq(items) => out.extend(
                items
                    .iter()
                    .filter(|i| matches!(i.value, NodeValue::Map(_))),
            ),
            _ => {}
        }
    }
    out
}

/// The new backlog text and the points each item had before.
fn update_backlog(
    export: &Export,
    site: &SiteFiles,
    plan: &mut Plan,
) -> Result<(Option<String>, HashMap<String, f64>), Error> {
    let text = site.backlog.clone().unwrap_or_default();
    let docs = if text.trim().is_empty() {
        Vec::new()
    } else {
        parse_yaml(&site.backlog_path, &text, 1)?
    };
    let items = backlog_items(&docs);
    let mut known: HashMap<String, Known> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    for m in &items {
        if let Some(id) = field(m, "id").and_then(|(_, v)| scalar_text(v)) {
            let points = field(m, "points").and_then(|(_, v)| number_of(v));
            order.push(id.clone());
            known.insert(id, Known { map: m, points });
        }
    }
    let old_points: HashMap<String, f64> = known
        .iter()
        .filter_map(|(k, v)| v.points.map(|p| (k.clone(), p)))
        .collect();
    let file_title_case = items.first().is_some_and(|m| title_case_keys(m));
    // A new (or empty) file is one list; a file of `---` documents gets more documents.
    let list_style =
        items.is_empty() || (docs.len() == 1 && matches!(docs[0].value, NodeValue::Seq(_)));
    let dash_indent = match docs.first().map(|d| &d.value) {
        Some(NodeValue::Seq(list)) if list_style => {
            list.first().map_or(0, |i| i.col.saturating_sub(3))
        }
        _ => 0,
    };
    let mut lines = Lines::new(&text);
    let mut appended: Vec<String> = Vec::new();
    for item in &export.items {
        let wanted: Vec<(&str, Option<String>)> = vec![
            ("points", item.points.map(fmt_points)),
            ("status", Some(item.status.to_string())),
            ("added_on", item.created.map(|d| d.to_string())),
            ("done_on", item.done_on.map(|d| d.to_string())),
            ("team", item.team.clone()),
        ];
        let Some(k) = known.get(&item.key) else {
            plan.new_items += 1;
            appended.extend(new_item(item, file_title_case, list_style, dash_indent));
            continue;
        };
        let map = k.map;
        let title_case = title_case_keys(map);
        let flow = lines
            .chars(map.line - 1)
            .get(map.col - 1)
            .is_some_and(|c| *c == '{');
        let mut changed = false;
        let mut missing = Vec::new();
        for (name, value) in wanted {
            let Some(value) = value else { continue };
            match field(map, name) {
                Some((key, v)) => {
                    let same = match name {
                        "points" => number_of(v) == value.parse().ok(),
                        "status" => {
                            scalar_text(v).map(|s| norm(&s).replace('-', "_"))
                                == Some(value.clone())
                        }
                        // A date a person set first stays: the tracker only fills a gap.
                        "added_on" => !matches!(v.value, NodeValue::Null),
                        "team" => {
                            scalar_text(v).map(|s| s.trim().to_string()) == Some(value.clone())
                        }
                        _ => date_of(v).map(|d| d.to_string()) == Some(value.clone()),
                    };
                    if same {
                        continue;
                    }
                    if set_value(&mut lines, key, v, &value, flow) {
                        changed = true;
                    } else {
                        plan.notes.push(format!(
                            "{}: `{}` of {} is not a one-line value; left as it is (the tracker says {value})",
                            site.backlog_path.display(),
                            key.key_text(),
                            item.key
                        ));
                    }
                }
                None => missing.push((name, value)),
            }
        }
        if !missing.is_empty() {
            if flow {
                plan.notes.push(format!(
                    "{}: {} is a one-line mapping; add {} by hand",
                    site.backlog_path.display(),
                    item.key,
                    missing
                        .iter()
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            } else {
                let anchor = ["status", "points", "id"]
                    .iter()
                    .find_map(|n| {
                        field(map, n)
                            .filter(|(k, v)| k.line == v.line || matches!(v.value, NodeValue::Null))
                    })
                    .map_or(map.line, |(k, _)| k.line);
                let key_col = field(map, "id").map_or(map.col, |(k, _)| k.col);
                let indent = " ".repeat(key_col - 1);
                let extra = lines.after.entry(anchor - 1).or_default();
                for (name, value) in missing {
                    extra.push(format!("{indent}{}: {value}", spell(name, title_case)));
                }
                changed = true;
            }
        }
        if changed {
            plan.updated_items += 1;
        }
    }
    let keys: HashSet<&str> = export.items.iter().map(|i| i.key.as_str()).collect();
    let prefixes: HashSet<&str> = export.items.iter().map(|i| prefix(&i.key)).collect();
    for id in &order {
        if !keys.contains(id.as_str()) && prefixes.contains(prefix(id)) {
            plan.disappeared.push(format!("{id} (backlog)"));
        }
    }
    let mut new_text = lines.finish();
    if !appended.is_empty() {
        let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
        if new_text.trim().is_empty() {
            new_text = format!(
                "# The backlog, imported from {}. `teambook import` updates status, points and dates;{eol}# everything else here is yours to write.{eol}",
                export.tool.label()
            );
        } else if !new_text.ends_with('\n') {
            new_text.push_str(eol);
        }
        for l in appended {
            new_text.push_str(&l);
            new_text.push_str(eol);
        }
    }
    let result = (new_text != text || site.backlog.is_none()).then_some(new_text);
    Ok((result, old_points))
}

fn new_item(item: &TrackerItem, title_case: bool, list_style: bool, dash: usize) -> Vec<String> {
    let mut fields: Vec<(&str, String)> = vec![
        ("id", yaml_str(&item.key)),
        ("title", yaml_str(&item.title)),
    ];
    if let Some(t) = item.kind {
        fields.push(("type", t.to_string()));
    }
    if let Some(p) = item.points {
        fields.push(("points", fmt_points(p)));
    }
    fields.push(("status", item.status.to_string()));
    if let Some(o) = &item.owner {
        fields.push(("owner", yaml_str(o)));
    }
    if let Some(d) = item.created {
        fields.push(("added_on", d.to_string()));
    }
    if let Some(d) = item.done_on {
        fields.push(("done_on", d.to_string()));
    }
    if let Some(t) = &item.team {
        fields.push(("team", yaml_str(t)));
    }
    let pad = " ".repeat(dash);
    let mut out = Vec::new();
    if !list_style {
        out.push("---".to_string());
    }
    for (i, (name, value)) in fields.into_iter().enumerate() {
        let key = spell(name, title_case);
        out.push(match (list_style, i) {
            (false, _) => format!("{key}: {value}"),
            (true, 0) => format!("{pad}- {key}: {value}"),
            (true, _) => format!("{pad}  {key}: {value}"),
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Sprint pages.

/// An entry of a sprint's `items:` list.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    id: String,
    added_on: Option<Date>,
    points: Option<f64>,
    points_at_start: Option<f64>,
}

impl Entry {
    fn new(id: &str) -> Entry {
        Entry {
            id: id.to_string(),
            added_on: None,
            points: None,
            points_at_start: None,
        }
    }

    fn render(&self) -> String {
        if self.added_on.is_none() && self.points.is_none() && self.points_at_start.is_none() {
            return yaml_str(&self.id);
        }
        let mut parts = vec![format!("pbi: {}", yaml_str(&self.id))];
        if let Some(d) = self.added_on {
            parts.push(format!("added_on: {d}"));
        }
        if let Some(p) = self.points {
            parts.push(format!("points: {}", fmt_points(p)));
        }
        if let Some(p) = self.points_at_start {
            parts.push(format!("points_at_start: {}", fmt_points(p)));
        }
        format!("{{{}}}", parts.join(", "))
    }
}

/// An old entry: one the importer manages, or one a person wrote (an inline item, or a
/// mapping with fields the importer does not write), kept as written.
#[derive(Debug, Clone)]
struct OldEntry {
    /// The tracker key it refers to, for either kind.
    id: Option<String>,
    managed: Option<Entry>,
    /// Its lines as written (empty for a one-line `items: [...]`).
    raw: Vec<String>,
    /// Its value, for a one-line list.
    json: serde_json::Value,
}

/// A sprint page, read.
struct Page {
    path: PathBuf,
    text: String,
    number: u32,
    /// Its `team:`, else the one its folder cascades.
    team: Option<String>,
    start: Option<Date>,
    end: Option<Date>,
    map: Node,
    /// 0-based lines: the `items:` key and the end (exclusive) of its block.
    items: Option<(usize, usize, bool)>,
    entries: Vec<OldEntry>,
    /// Lines between `items:` and its first entry (a comment), kept.
    head: Vec<String>,
    /// 0-based line of the closing `---`.
    close: usize,
}

fn read_entry(n: &Node) -> (Option<String>, Option<Entry>) {
    match &n.value {
        NodeValue::Str(_) | NodeValue::Int(_) => {
            let id = scalar_text(n).unwrap_or_default();
            (Some(id.clone()), Some(Entry::new(&id)))
        }
        NodeValue::Map(entries) => {
            let pbi = field(n, "pbi").and_then(|(_, v)| scalar_text(v));
            let Some(id) = pbi else {
                return (field(n, "id").and_then(|(_, v)| scalar_text(v)), None);
            };
            let ours = entries.iter().all(|(k, _)| {
                matches!(
                    norm(&k.key_text()).as_str(),
                    "pbi" | "added_on" | "points" | "points_at_start"
                )
            });
            if !ours {
                return (Some(id), None);
            }
            let mut e = Entry::new(&id);
            e.added_on = field(n, "added_on").and_then(|(_, v)| date_of(v));
            e.points = field(n, "points").and_then(|(_, v)| number_of(v));
            e.points_at_start = field(n, "points_at_start").and_then(|(_, v)| number_of(v));
            (Some(id), Some(e))
        }
        _ => (None, None),
    }
}

fn read_page(path: &Path, text: &str, site: &SiteFiles) -> Result<Option<Page>, Error> {
    let split = crate::parse::frontmatter::split(path, text)?;
    if split.format != Some(crate::parse::frontmatter::Format::Yaml) {
        return Ok(None);
    }
    let mut docs = parse_yaml(path, split.front, split.front_line)?;
    let Some(mut map) = docs.pop() else {
        return Ok(None);
    };
    map.shift(split.front_line - 1);
    let Some(number) = field(&map, "number")
        .and_then(|(_, v)| number_of(v))
        .filter(|n| *n >= 1.0 && n.fract() == 0.0)
    else {
        return Ok(None);
    };
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let close = split.body_line.saturating_sub(2);
    let mut page = Page {
        path: path.to_path_buf(),
        text: text.to_string(),
        number: number as u32,
        team: field(&map, "team")
            .and_then(|(_, v)| scalar_text(v))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .or_else(|| {
                site.cascaded_team(path.parent().unwrap_or(Path::new("")))
                    .map(str::to_string)
            }),
        start: field(&map, "start").and_then(|(_, v)| date_of(v)),
        end: field(&map, "end").and_then(|(_, v)| date_of(v)),
        items: None,
        entries: Vec::new(),
        head: Vec::new(),
        close,
        map: Node {
            line: 0,
            col: 0,
            len: 0,
            value: NodeValue::Null,
        },
    };
    if let Some((key, value)) = field(&map, "items") {
        let key_line = key.line - 1;
        let one_line = value.line == key.line && !matches!(value.value, NodeValue::Null);
        let mut end = key_line + 1;
        // The block runs over the indented lines after the key (a one-line list may go on
        // over several: `items: [A,` / `  B]`), not over the comments before the next key.
        while end < close {
            let l = lines[end];
            if l.is_empty() || l.starts_with([' ', '\t', '-', '#']) {
                end += 1;
            } else {
                break;
            }
        }
        while end > key_line + 1
            && (lines[end - 1].trim().is_empty() || lines[end - 1].starts_with('#'))
        {
            end -= 1;
        }
        page.items = Some((key_line, end, one_line));
        if let NodeValue::Seq(list) = &value.value {
            if !one_line {
                let first = list.first().map_or(end, |n| n.line - 1);
                page.head = lines[key_line + 1..first.max(key_line + 1)]
                    .iter()
                    .map(|s| s.to_string())
                    .collect();
            }
            for (i, n) in list.iter().enumerate() {
                let (id, managed) = read_entry(n);
                let raw = if one_line {
                    Vec::new()
                } else {
                    let from = n.line - 1;
                    let to = list.get(i + 1).map_or(end, |next| next.line - 1);
                    lines[from..to.max(from + 1)]
                        .iter()
                        .map(|s| s.to_string())
                        .collect()
                };
                page.entries.push(OldEntry {
                    id,
                    managed,
                    raw,
                    json: n.to_json(),
                });
            }
        }
    }
    page.map = map;
    Ok(Some(page))
}

/// What an existing page's new `items:` list is, or a new page's.
enum Out {
    Raw(Vec<String>, serde_json::Value),
    Fresh(Entry),
}

/// Plans the whole import.
pub fn plan(export: &Export, site: &SiteFiles, opts: &Options) -> Result<Plan, Vec<Error>> {
    let mut plan = Plan::default();
    let mut errors = Vec::new();
    let (backlog, old_points) = match update_backlog(export, site, &mut plan) {
        Ok(x) => x,
        Err(e) => return Err(vec![e]),
    };
    if let Some(new) = backlog {
        plan.changes.push(Change {
            path: site.backlog_path.clone(),
            old: site.backlog.clone(),
            new,
        });
    }
    // A team's sprint 12 is not another team's sprint 12.
    let mut pages: BTreeMap<SprintKey, Page> = BTreeMap::new();
    for (path, text) in &site.sprint_pages {
        match read_page(path, text, site) {
            Ok(Some(p)) => {
                let key = (p.team.clone(), p.number);
                if let Some(first) = pages.get(&key) {
                    errors.push(Error::file(
                        &p.path,
                        format!(
                            "{} also has the page {}; the import needs one page per sprint",
                            sprint_label(&key),
                            first.path.display()
                        ),
                    ));
                } else {
                    pages.insert(key, p);
                }
            }
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    let by_key: HashMap<&str, &TrackerItem> =
        export.items.iter().map(|i| (i.key.as_str(), i)).collect();
    let prefixes: HashSet<&str> = export.items.iter().map(|i| prefix(&i.key)).collect();
    let mut in_sprint: BTreeMap<SprintKey, Vec<&TrackerItem>> = BTreeMap::new();
    for item in &export.items {
        for &n in &item.sprints {
            in_sprint
                .entry((item.team.clone(), n))
                .or_default()
                .push(item);
        }
    }
    let mut keys: BTreeSet<SprintKey> = in_sprint.keys().chain(pages.keys()).cloned().collect();
    if let Some(n) = opts.sprint {
        keys.retain(|k| k.1 == n);
        if keys.is_empty() {
            keys.insert((None, n));
        }
    }
    // Folders made for a team's first sprint page in this import.
    let mut new_dirs: HashMap<String, PathBuf> = HashMap::new();
    for key in keys {
        let n = key.1;
        let label = sprint_label(&key);
        let wanted: &[&TrackerItem] = in_sprint.get(&key).map_or(&[], Vec::as_slice);
        let tracker = export.sprints.get(&key);
        let page = pages.get(&key);
        let from_opts = |d: Option<Date>| d.filter(|_| opts.sprint == Some(n));
        let start = page
            .and_then(|p| p.start)
            .or(tracker.and_then(|t| t.start))
            .or(from_opts(opts.start));
        let end = page
            .and_then(|p| p.end)
            .or(tracker.and_then(|t| t.end))
            .or(from_opts(opts.end));
        let ended = end.is_some_and(|e| e < opts.as_of);
        let running = start.is_some_and(|s| s <= opts.as_of) && !ended;
        let old: &[OldEntry] = page.map_or(&[], |p| p.entries.as_slice());
        let had_plan = old.iter().any(|e| e.managed.is_some());
        let mut out: Vec<Out> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        let mut changed = false;
        let reestimate = |e: &mut Entry, item: &TrackerItem, planned: bool| {
            let (Some(before), Some(now)) = (old_points.get(&item.key).copied(), item.points)
            else {
                return;
            };
            if before == now {
                return;
            }
            if ended {
                e.points.get_or_insert(before);
            } else if running && planned {
                e.points_at_start.get_or_insert(before);
            }
            if e.points_at_start == Some(e.points.unwrap_or(now)) {
                e.points_at_start = None;
            }
        };
        for o in old {
            let Some(id) = o.id.as_deref() else {
                out.push(Out::Raw(o.raw.clone(), o.json.clone()));
                continue;
            };
            let Some(item) = by_key.get(id) else {
                if prefixes.contains(prefix(id)) {
                    plan.disappeared.push(format!("{id} ({label})"));
                }
                out.push(Out::Raw(o.raw.clone(), o.json.clone()));
                continue;
            };
            seen.insert(item.key.as_str());
            let Some(managed) = &o.managed else {
                out.push(Out::Raw(o.raw.clone(), o.json.clone()));
                continue;
            };
            let still_in = item.team == key.0 && item.sprints.contains(&n);
            if !still_in && (export.full_history || !ended) {
                plan.notes.push(format!(
                    "{id} left {label} in the tracker; taken off its items"
                ));
                changed = true;
                continue;
            }
            let mut e = managed.clone();
            let planned = e.added_on.is_none_or(|d| start.is_none_or(|s| d <= s))
                && item.created.is_none_or(|c| start.is_none_or(|s| c <= s));
            reestimate(&mut e, item, planned);
            if e == *managed {
                out.push(Out::Raw(o.raw.clone(), o.json.clone()));
            } else {
                if e.points_at_start.is_some() && managed.points_at_start.is_none() {
                    plan.notes.push(format!(
                        "{id} re-estimated during {label}: {} → {} points",
                        fmt_points(e.points_at_start.unwrap_or_default()),
                        fmt_points(item.points.unwrap_or_default())
                    ));
                }
                changed = true;
                out.push(Out::Fresh(e));
            }
        }
        for item in wanted {
            if seen.contains(item.key.as_str()) {
                continue;
            }
            let mut e = Entry::new(&item.key);
            if had_plan && running && item.created.is_none_or(|c| start.is_none_or(|s| c <= s)) {
                e.added_on = Some(opts.as_of);
            }
            reestimate(&mut e, item, false);
            changed = true;
            out.push(Out::Fresh(e));
        }
        let fills_dates = page.is_some_and(|p| {
            (p.start.is_none() && start.is_some()) || (p.end.is_none() && end.is_some())
        });
        if !changed && !fills_dates {
            continue;
        }
        match page {
            Some(p) => {
                plan.updated_pages.push(key.clone());
                let missing_dates = [
                    ("start", p.start.is_none(), start),
                    ("end", p.end.is_none(), end),
                ];
                plan.changes.push(Change {
                    path: p.path.clone(),
                    old: Some(p.text.clone()),
                    new: rewrite_page(p, &out, &missing_dates),
                });
            }
            None if out.is_empty() => {}
            None => {
                let place = new_page_place(site, &pages, key.0.as_deref(), &new_dirs);
                let (Some(start), Some(end)) = (start, end) else {
                    errors.push(Error::Usage(format!(
                        "{label} has no page in {} and the export has no dates for it: write its page (with start and end), or run `teambook import … --sprint {n} --start YYYY-MM-DD --end YYYY-MM-DD`",
                        place.dir.display()
                    )));
                    continue;
                };
                if let (Some(team), true) = (&key.0, place.new_folder) {
                    new_dirs.insert(team.clone(), place.dir.clone());
                    plan.changes.push(Change {
                        path: place.dir.join("_index.md"),
                        old: None,
                        new: team_index(site, team),
                    });
                }
                plan.new_pages.push(key.clone());
                let title = tracker
                    .map(|t| t.name.clone())
                    .filter(|s| !s.trim().is_empty())
                    .unwrap_or_else(|| format!("Sprint {n}"));
                let team_line = match (&key.0, place.team_cascaded) {
                    (Some(t), false) => format!("team: {}\n", yaml_str(t)),
                    _ => String::new(),
                };
                let mut text = format!(
                    "---\ntitle: {}\nkind: sprint\n{team_line}number: {n}\ngoal: \"\"  # The sprint goal in one sentence\ngoal_met:   # yes, partly or no, at the review\nstart: {start}\nend: {end}\nitems:\n",
                    serde_json::to_string(&title).unwrap_or_default()
                );
                for o in &out {
                    if let Out::Fresh(e) = o {
                        text.push_str(&format!("  - {}\n", e.render()));
                    }
                }
                text.push_str("---\n\n");
                plan.changes.push(Change {
                    path: place.dir.join(format!("sprint-{n}.md")),
                    old: None,
                    new: text,
                });
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    plan.notes
        .extend(export.skipped.iter().map(|s| format!("left out {s}")));
    Ok(plan)
}

/// Where a new sprint page goes.
struct Place {
    dir: PathBuf,
    /// Whether its folder's `_index.md` gives it its team (else the page says `team:`).
    team_cascaded: bool,
    /// Whether the folder is new, with an `_index.md` of its own to write.
    new_folder: bool,
}

/// A new sprint page of `team` goes into the folder that cascades that team, else beside the
/// team's latest sprint, else into a new folder `<sprints>/<team>/`; a page of no team goes
/// where the site's sprints are.
fn new_page_place(
    site: &SiteFiles,
    pages: &BTreeMap<SprintKey, Page>,
    team: Option<&str>,
    new_dirs: &HashMap<String, PathBuf>,
) -> Place {
    let Some(team) = team else {
        return Place {
            dir: site.sprint_dir.clone(),
            team_cascaded: false,
            new_folder: false,
        };
    };
    if let Some(dir) = new_dirs.get(team) {
        return Place {
            dir: dir.clone(),
            team_cascaded: true,
            new_folder: false,
        };
    }
    if let Some((dir, _)) = site
        .sprint_folders
        .iter()
        .find(|(_, t)| t.as_deref() == Some(team))
    {
        return Place {
            dir: dir.clone(),
            team_cascaded: true,
            new_folder: false,
        };
    }
    let latest = pages
        .iter()
        .filter(|(k, _)| k.0.as_deref() == Some(team))
        .max_by_key(|(k, _)| k.1)
        .and_then(|(_, p)| p.path.parent());
    if let Some(dir) = latest {
        return Place {
            dir: dir.to_path_buf(),
            team_cascaded: site.cascaded_team(dir) == Some(team),
            new_folder: false,
        };
    }
    // Beside the other teams' folders: the sprints folder, not a team's folder within it.
    let base = if site.cascaded_team(&site.sprint_dir).is_some() {
        site.sprint_dir
            .parent()
            .map_or_else(|| site.sprint_dir.clone(), Path::to_path_buf)
    } else {
        site.sprint_dir.clone()
    };
    Place {
        dir: base.join(crate::util::slug::urlize(team)),
        team_cascaded: true,
        new_folder: true,
    }
}

/// The `_index.md` of a new folder of one team's sprints.
fn team_index(site: &SiteFiles, team: &str) -> String {
    let title = site
        .teams
        .iter()
        .find(|t| t.id == team)
        .map_or(team, |t| t.title.as_str());
    format!(
        "---\ntitle: {}\ncascade:\n  kind: sprint\n  team: {}\n---\n",
        serde_json::to_string(&format!("{title} sprints")).unwrap_or_default(),
        yaml_str(team)
    )
}

fn rewrite_page(p: &Page, out: &[Out], missing_dates: &[(&str, bool, Option<Date>); 2]) -> String {
    let mut lines = Lines::new(&p.text);
    let indent = p
        .entries
        .iter()
        .find_map(|e| e.raw.first())
        .map(|l| l[..l.len() - l.trim_start().len()].to_string())
        .unwrap_or_else(|| "  ".to_string());
    let mut block: Vec<String> = p.head.clone();
    for o in out {
        match o {
            Out::Raw(raw, _) if !raw.is_empty() => block.extend(raw.iter().cloned()),
            Out::Raw(_, json) => block.push(format!(
                "{indent}- {}",
                serde_json::to_string(json).unwrap_or_default()
            )),
            Out::Fresh(e) => block.push(format!("{indent}- {}", e.render())),
        }
    }
    // Dates the page lacks go after its `number:` line.
    let number_line =
        field(&p.map, "number").map_or(p.close.saturating_sub(1), |(k, _)| k.line - 1);
    for (name, missing, value) in missing_dates {
        if let (true, Some(d)) = (missing, value) {
            lines
                .after
                .entry(number_line)
                .or_default()
                .push(format!("{name}: {d}"));
        }
    }
    match p.items {
        Some((key_line, end, one_line)) => {
            if one_line {
                let chars = lines.chars(key_line);
                let colon = chars.iter().position(|c| *c == ':').unwrap_or(chars.len());
                lines
                    .replace
                    .push((key_line, colon + 1, chars.len(), String::new()));
            }
            // Drop the old block (after the key line) and put the new one in its place.
            let old: Vec<String> = lines.lines.drain(key_line + 1..end).collect();
            let removed = old.len();
            let mut after = BTreeMap::new();
            for (line, extra) in std::mem::take(&mut lines.after) {
                let at = if line > key_line {
                    line - removed
                } else {
                    line
                };
                after.insert(at, extra);
            }
            lines.after = after;
            lines.after.entry(key_line).or_default().extend(block);
        }
        None => {
            let before = ["review", "retro"]
                .iter()
                .find_map(|k| field(&p.map, k))
                .map_or(p.close, |(k, _)| k.line - 1);
            let mut new = vec!["items:".to_string()];
            new.extend(block);
            let at = before.saturating_sub(1);
            lines.after.entry(at).or_default().extend(new);
        }
    }
    lines.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_quoted_only_when_they_must_be() {
        assert_eq!(yaml_str("ORB-12"), "ORB-12");
        assert_eq!(yaml_str("Fix it: now"), "\"Fix it: now\"");
        assert_eq!(yaml_str("2025-07-14"), "\"2025-07-14\"");
        assert_eq!(yaml_str("#12"), "\"#12\"");
        assert_eq!(yaml_str("yes"), "\"yes\"");
        assert_eq!(yaml_str("4711"), "\"4711\"");
    }

    #[test]
    fn values_are_set_in_place_keeping_comments() {
        let text = "- id: A\n  Points: 3  # a guess\n  status: 'in progress'\n  done_on:\n";
        let docs = crate::yaml::nodes(text).unwrap();
        let NodeValue::Seq(items) = &docs[0].value else {
            panic!()
        };
        let mut lines = Lines::new(text);
        for (name, value) in [
            ("points", "5"),
            ("status", "done"),
            ("done_on", "2025-07-20"),
        ] {
            let (k, v) = field(&items[0], name).unwrap();
            assert!(set_value(&mut lines, k, v, value, false), "{name}");
        }
        assert_eq!(
            lines.finish(),
            "- id: A\n  Points: 5  # a guess\n  status: done\n  done_on: 2025-07-20\n"
        );
    }

    fn item(key: &str, points: f64, sprints: Vec<u32>) -> TrackerItem {
        TrackerItem {
            key: key.into(),
            title: "x".into(),
            kind: None,
            status: "in_progress",
            points: Some(points),
            owner: None,
            created: Some(jiff::civil::date(2025, 5, 1)),
            done_on: None,
            sprints,
            team: None,
        }
    }

    fn page(n: u32, start: &str, end: &str, items: &str) -> (PathBuf, String) {
        (
            PathBuf::from(format!("content/sprints/sprint-{n}.md")),
            format!("---\nnumber: {n}\nstart: {start}\nend: {end}\nitems:\n{items}---\n"),
        )
    }

    fn run(full_history: bool, items: Vec<TrackerItem>, as_of: Date) -> Plan {
        let export = Export {
            tool: super::super::Tool::Jira,
            items,
            sprints: BTreeMap::new(),
            full_history,
            skipped: Vec::new(),
        };
        let site = SiteFiles {
            backlog_path: "data/backlog.yaml".into(),
            backlog: Some("- id: A-1\n  points: 3\n  status: in_progress\n".into()),
            sprint_pages: vec![
                page(1, "2025-06-02", "2025-06-13", "  - A-1\n"),
                page(2, "2025-06-16", "2025-06-27", "  - A-1\n"),
            ],
            sprint_dir: "content/sprints".into(),
            sprint_folders: Vec::new(),
            teams: Vec::new(),
        };
        let opts = Options {
            sprint: None,
            start: None,
            end: None,
            as_of,
        };
        plan(&export, &site, &opts).unwrap()
    }

    fn text_of<'a>(p: &'a Plan, path: &str) -> Option<&'a str> {
        p.changes
            .iter()
            .find(|c| c.path == Path::new(path))
            .map(|c| c.new.as_str())
    }

    #[test]
    fn a_re_estimate_pins_ended_sprints_and_marks_the_running_one() {
        let p = run(
            true,
            vec![item("A-1", 5.0, vec![1, 2])],
            jiff::civil::date(2025, 6, 20),
        );
        assert!(
            text_of(&p, "content/sprints/sprint-1.md")
                .unwrap()
                .contains("  - {pbi: A-1, points: 3}\n")
        );
        assert!(
            text_of(&p, "content/sprints/sprint-2.md")
                .unwrap()
                .contains("  - {pbi: A-1, points_at_start: 3}\n")
        );
        assert!(
            text_of(&p, "data/backlog.yaml")
                .unwrap()
                .contains("  points: 5\n")
        );
    }

    #[test]
    fn an_export_of_current_sprints_only_keeps_ended_ones() {
        // Linear, Azure, GitHub: the item is in sprint 2 now; sprint 1 ended, so it was
        // carried over, and stays on sprint 1's page.
        let p = run(
            false,
            vec![item("A-1", 3.0, vec![2])],
            jiff::civil::date(2025, 6, 20),
        );
        assert!(text_of(&p, "content/sprints/sprint-1.md").is_none());
        // Moved out of a sprint that has not ended: taken off its items.
        let p = run(
            false,
            vec![item("A-1", 3.0, vec![2])],
            jiff::civil::date(2025, 6, 10),
        );
        assert_eq!(
            text_of(&p, "content/sprints/sprint-1.md"),
            Some("---\nnumber: 1\nstart: 2025-06-02\nend: 2025-06-13\nitems:\n---\n")
        );
        assert!(
            p.notes
                .iter()
                .any(|n| n == "A-1 left sprint 1 in the tracker; taken off its items")
        );
    }

    #[test]
    fn a_crlf_page_with_an_unindented_list_keeps_its_shape() {
        let text = "---\r\nnumber: 1\r\nstart: 2025-06-02\r\nend: 2025-06-13\r\nitems:\r\n- A-1   # first\r\n# the next key is ours\r\nreview:\r\n  highlights: []\r\n---\r\nBody\r\n";
        let export = Export {
            tool: super::super::Tool::Linear,
            items: vec![item("A-1", 3.0, vec![1]), item("A-2", 1.0, vec![1])],
            sprints: BTreeMap::new(),
            full_history: false,
            skipped: Vec::new(),
        };
        let site = SiteFiles {
            backlog_path: "data/backlog.yaml".into(),
            backlog: None,
            sprint_pages: vec![("content/s.md".into(), text.into())],
            sprint_dir: "content".into(),
            sprint_folders: Vec::new(),
            teams: Vec::new(),
        };
        let opts = Options {
            sprint: None,
            start: None,
            end: None,
            as_of: jiff::civil::date(2025, 6, 1),
        };
        let p = plan(&export, &site, &opts).unwrap();
        assert_eq!(
            text_of(&p, "content/s.md"),
            Some(
                "---\r\nnumber: 1\r\nstart: 2025-06-02\r\nend: 2025-06-13\r\nitems:\r\n- A-1   # first\r\n- A-2\r\n# the next key is ours\r\nreview:\r\n  highlights: []\r\n---\r\nBody\r\n"
            )
        );
    }

    #[test]
    fn a_flow_list_over_two_lines_becomes_a_block_list() {
        let text = "---\nnumber: 1\nstart: 2025-06-02\nend: 2025-06-13\nitems: [A-1,\n  OPS-3]\ngoal: x\n---\n";
        let export = Export {
            tool: super::super::Tool::Jira,
            items: vec![item("A-1", 3.0, vec![1]), item("A-2", 1.0, vec![1])],
            sprints: BTreeMap::new(),
            full_history: true,
            skipped: Vec::new(),
        };
        let site = SiteFiles {
            backlog_path: "data/backlog.yaml".into(),
            backlog: None,
            sprint_pages: vec![("content/s.md".into(), text.into())],
            sprint_dir: "content".into(),
            sprint_folders: Vec::new(),
            teams: Vec::new(),
        };
        let opts = Options {
            sprint: None,
            start: None,
            end: None,
            as_of: jiff::civil::date(2025, 6, 1),
        };
        let p = plan(&export, &site, &opts).unwrap();
        assert_eq!(
            text_of(&p, "content/s.md"),
            Some(
                "---\nnumber: 1\nstart: 2025-06-02\nend: 2025-06-13\nitems:\n  - \"A-1\"\n  - \"OPS-3\"\n  - A-2\ngoal: x\n---\n"
            )
        );
    }

    #[test]
    fn a_page_without_dates_gets_the_exports_and_nothing_else() {
        let text = "---\ntitle: Cycle 1\nnumber: 1  # ours\ngoal: x\nitems:\n  - A-1\n---\n";
        let mut sprints = BTreeMap::new();
        sprints.insert(
            (None, 1),
            super::super::TrackerSprint {
                number: 1,
                name: "Cycle 1".into(),
                start: Some(jiff::civil::date(2025, 6, 2)),
                end: Some(jiff::civil::date(2025, 6, 13)),
            },
        );
        let export = Export {
            tool: super::super::Tool::Linear,
            items: vec![item("A-1", 3.0, vec![1])],
            sprints,
            full_history: false,
            skipped: Vec::new(),
        };
        let site = SiteFiles {
            backlog_path: "data/backlog.yaml".into(),
            backlog: None,
            sprint_pages: vec![("content/s.md".into(), text.into())],
            sprint_dir: "content".into(),
            sprint_folders: Vec::new(),
            teams: Vec::new(),
        };
        let opts = Options {
            sprint: None,
            start: None,
            end: None,
            as_of: jiff::civil::date(2025, 6, 1),
        };
        let p = plan(&export, &site, &opts).unwrap();
        assert_eq!(
            text_of(&p, "content/s.md"),
            Some(
                "---\ntitle: Cycle 1\nnumber: 1  # ours\nstart: 2025-06-02\nend: 2025-06-13\ngoal: x\nitems:\n  - A-1\n---\n"
            )
        );
    }

    #[test]
    fn two_teams_sprint_3_pages_each_get_their_teams_items() {
        let mut a = item("A-1", 3.0, vec![3]);
        a.team = Some("apps".into());
        let mut b = item("B-1", 2.0, vec![3]);
        b.team = Some("billing".into());
        let export = Export {
            tool: super::super::Tool::Linear,
            items: vec![a, b],
            sprints: BTreeMap::new(),
            full_history: false,
            skipped: Vec::new(),
        };
        let page = |team_line: &str| {
            format!("---\n{team_line}number: 3\nstart: 2025-06-02\nend: 2025-06-13\nitems:\n---\n")
        };
        let site = SiteFiles {
            backlog_path: "data/backlog.yaml".into(),
            backlog: None,
            sprint_pages: vec![
                ("content/sprints/apps/sprint-3.md".into(), page("")),
                (
                    "content/sprints/sprint-3.md".into(),
                    page("team: billing\n"),
                ),
            ],
            sprint_dir: "content/sprints".into(),
            sprint_folders: vec![
                ("content/sprints".into(), None),
                ("content/sprints/apps".into(), Some("apps".into())),
            ],
            teams: Vec::new(),
        };
        assert_eq!(site.sprint_teams(), (true, true));
        let opts = Options {
            sprint: None,
            start: None,
            end: None,
            as_of: jiff::civil::date(2025, 6, 1),
        };
        let p = plan(&export, &site, &opts).unwrap();
        assert_eq!(
            text_of(&p, "content/sprints/apps/sprint-3.md"),
            Some("---\nnumber: 3\nstart: 2025-06-02\nend: 2025-06-13\nitems:\n  - A-1\n---\n")
        );
        assert_eq!(
            text_of(&p, "content/sprints/sprint-3.md"),
            Some(
                "---\nteam: billing\nnumber: 3\nstart: 2025-06-02\nend: 2025-06-13\nitems:\n  - B-1\n---\n"
            )
        );
        assert_eq!(
            p.updated_pages,
            [
                (Some("apps".to_string()), 3),
                (Some("billing".to_string()), 3)
            ]
        );
    }
}
