//! Stage 3c: sprint reports. In: the `pbi` and `sprint` records and the YAML they came from.
//! Out: sprint checks located at `file:line:col`, and for templates each sprint's report
//! (metrics, items, review, retro, follow-up, charts) plus an overview of all sprints.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use jiff::civil::Date;
use serde_json::{Map, Value, json};

use crate::error::{Error, Span, did_you_mean};
use crate::load::SourceFile;
use crate::model::Site;
use crate::model::records::values::{Located, STATUSES, date, number, read_value};
use crate::model::records::{FieldType, Record};
use crate::report::metrics::{self, Action, ActionStatus, Item, Sprint, Status};
use crate::report::{charts, goals};
use crate::yaml::{Node, NodeValue};

// ---------------------------------------------------------------------------------------------
// Checks and the report model.

/// A sprint's line-up item, resolved.
#[derive(Debug, Clone)]
struct Entry {
    id: String,
    /// The pbi record, when the item refers to one.
    pbi: Option<usize>,
    /// Inline item fields, or the pbi's.
    fields: Map<String, Value>,
    status: Option<Status>,
    added_on: Option<Date>,
    done_on: Option<Date>,
    /// The estimate at the start of the sprint, when it changed during the sprint.
    points_at_start: Option<f64>,
    at: (usize, usize),
}

#[derive(Debug, Clone)]
struct SprintIn {
    record: usize,
    number: u32,
    start: Date,
    end: Date,
    /// Where `number:` and `start:` are written, for the errors when two sprints of a team
    /// share a number or overlap.
    number_at: (usize, usize),
    start_at: (usize, usize),
    /// The team record it belongs to (`team:`, written or cascaded); `None` on a one-team site.
    team: Option<String>,
    entries: Vec<Entry>,
    actions: Vec<Action>,
    path: PathBuf,
    text: String,
}

/// Everything the templates need about sprints.
#[derive(Debug, Default, Clone)]
pub struct Analysis {
    /// Record index of a sprint → its `report` view.
    pub reports: HashMap<usize, Value>,
    /// All sprints, for the sprints index and the shortcodes.
    pub overview: Value,
    /// Every pbi view with its status, for `{{< backlog >}}`.
    pub backlog: Vec<Value>,
    /// Team id → the overview of its sprints (on a site whose sprints name their teams).
    pub teams: Vec<(String, Value)>,
    /// Record index of a Product Goal → its `goal` view (burnup, forecast, verdict).
    pub goals: HashMap<usize, Value>,
    /// One row per team with its latest reviewed sprint, the goals, and the sprints' feed.
    pub portfolio: Value,
}

/// A Product Goal, resolved: the pbi records it needs.
#[derive(Debug, Clone)]
struct GoalIn {
    record: usize,
    items: Vec<usize>,
}

fn record_node(site: &Site, r: &Record, files: &[SourceFile]) -> Option<(String, Node)> {
    let page = &site.pages[r.page];
    if r.source.starts_with("data") {
        let file = files.iter().find(|f| f.path == r.source)?;
        let docs = crate::yaml::nodes(&file.text).ok()?;
        let mut found = None;
        let mut visit = |n: &Node| {
            if found.is_none()
                && n.get("title")
                    .is_some_and(|(_, t)| t.to_json().as_str() == Some(r.title.as_str()))
            {
                found = Some(n.clone());
            }
        };
        for d in &docs {
            match &d.value {
                NodeValue::Seq(items) => items.iter().for_each(&mut visit),
                _ => visit(d),
            }
        }
        return found.map(|n| (file.text.clone(), n));
    }
    let split = crate::parse::frontmatter::split(&page.path, &page.text).ok()?;
    let mut node = crate::yaml::nodes(split.front).ok()?.pop()?;
    node.shift(split.front_line - 1);
    Some((page.text.clone(), node))
}

fn status_of(v: &Value) -> Option<Status> {
    match v.as_str()? {
        "todo" => Some(Status::Todo),
        "in_progress" => Some(Status::InProgress),
        "done" => Some(Status::Done),
        "dropped" => Some(Status::Dropped),
        _ => None,
    }
}

fn date_of(v: Option<&Value>) -> Option<Date> {
    v?.as_str()?.parse().ok()
}

fn num(v: Option<&Value>) -> f64 {
    match v {
        Some(Value::Number(n)) => n.as_f64().unwrap_or(0.0),
        Some(Value::String(s)) => s.trim().parse().unwrap_or(0.0),
        _ => 0.0,
    }
}

/// Checks the sprints against the backlog and builds their reports. `files`: the data files as
/// the records stage read them.
pub fn analyse(site: &Site, files: &[SourceFile]) -> Result<Analysis, Vec<Error>> {
    let records = &site.records;
    let mut errors = Vec::new();
    // Pbis by the team's id and by record id.
    let mut pbis: HashMap<String, usize> = HashMap::new();
    let mut pbi_ids: Vec<String> = Vec::new();
    // Where a record's `id:` is written (else the record itself), for duplicate-id errors.
    let id_place = |r: &Record| -> Option<(String, Span)> {
        let (text, node) = record_node(site, r, files)?;
        let at = node.get("id").map_or(&node, |(k, _)| k);
        let span = Span::new(&r.source, at.line, at.col).with_len(at.len);
        Some((text, span))
    };
    for (i, r) in records.list.iter().enumerate() {
        if r.kind.name != "pbi" {
            continue;
        }
        let id = r.text("id").unwrap_or(&r.id).to_string();
        // Two items with one id would make every sprint that lists it count the wrong one.
        if let Some(&first) = pbis.get(&id).filter(|_| r.text("id").is_some()) {
            let first = &records.list[first];
            let first_at = id_place(first).map_or_else(
                || first.source.display().to_string(),
                |(_, s)| format!("{}:{}", s.path.display(), s.line),
            );
            let (text, span) =
                id_place(r).unwrap_or_else(|| (String::new(), Span::new(&r.source, 1, 1)));
            errors.push(
                Error::located(span, &text, format!("duplicate backlog item id `{id}`"))
                    .with_help(format!(
                        "`{id}` is already the id of `{}` at {first_at}; give one of them another `id:`",
                        first.title
                    )),
            );
            continue;
        }
        pbis.insert(id.clone(), i);
        pbis.entry(r.id.clone()).or_insert(i);
        pbi_ids.push(id);
    }
    let mut sprints: Vec<SprintIn> = Vec::new();
    for (i, r) in records.list.iter().enumerate() {
        if r.kind.name != "sprint" {
            continue;
        }
        let Some((text, node)) = record_node(site, r, files) else {
            continue;
        };
        let mut err = |line: usize, col: usize, msg: String, help: Option<String>| {
            let e = Error::at(&r.source, &text, line, col, msg);
            errors.push(match help {
                Some(h) => e.with_help(h),
                None => e,
            });
        };
        let (Some(start), Some(end)) =
            (date_of(r.fields.get("start")), date_of(r.fields.get("end")))
        else {
            continue;
        };
        if end < start {
            let (line, col) = node
                .get("end")
                .map_or((node.line, node.col), |(_, v)| (v.line, v.col));
            err(
                line,
                col,
                format!("the sprint ends ({end}) before it starts ({start})"),
                Some("swap `start` and `end`, or fix the typo".into()),
            );
        }
        let mut entries = Vec::new();
        if let Some((_, items)) = node.get("items") {
            match &items.value {
                NodeValue::Seq(list) => {
                    for item in list {
                        match read_entry(item, &pbis, records) {
                            Ok(e) => entries.push(e),
                            Err((line, col, msg)) => {
                                let help = match &item.value {
                                    NodeValue::Str(s) => Some(s.clone()),
                                    _ => item.get("pbi").and_then(|(_, v)| {
                                        v.to_json().as_str().map(str::to_string)
                                    }),
                                }
                                .filter(|_| msg.contains("no backlog item"))
                                .and_then(|s| did_you_mean(&s, pbi_ids.iter().map(String::as_str)))
                                .map(|s| format!("did you mean `{s}`?"));
                                err(line, col, msg, help);
                            }
                        }
                    }
                }
                NodeValue::Null => {}
                _ => err(
                    items.line,
                    items.col,
                    format!("`items` must be a list, found {}", items.shape()),
                    None,
                ),
            }
        }
        let mut actions: Vec<Action> = Vec::new();
        // Review and retro: known keys only, lists where lists belong.
        for (part, keys) in [
            (
                "review",
                &["highlights", "stakeholder_feedback", "next_steps"][..],
            ),
            ("retro", &["went_well", "went_wrong", "actions"][..]),
        ] {
            let Some((_, v)) = node.get(part) else {
                continue;
            };
            match &v.value {
                NodeValue::Map(entries) => {
                    for (k, x) in entries {
                        let name = k.key_text();
                        if !keys.contains(&name.as_str()) {
                            let help = did_you_mean(&name, keys.iter().copied()).map_or_else(
                                || format!("use {}", keys.join(", ")),
                                |s| format!("did you mean `{s}`?"),
                            );
                            err(
                                k.line,
                                k.col,
                                format!("unknown key `{part}.{name}`"),
                                Some(help),
                            );
                        } else if name != "actions"
                            && !matches!(x.value, NodeValue::Seq(_) | NodeValue::Null)
                        {
                            err(
                                x.line,
                                x.col,
                                format!("`{part}.{name}` must be a list, found {}", x.shape()),
                                None,
                            );
                        }
                    }
                }
                NodeValue::Null => {}
                _ => err(
                    v.line,
                    v.col,
                    format!("`{part}` must be a mapping, found {}", v.shape()),
                    Some(format!("keys: {}", keys.join(", "))),
                ),
            }
        }
        if let Some((_, retro)) = node.get("retro")
            && let Some((_, list)) = retro
                .get("actions")
                .filter(|(_, v)| !matches!(v.value, NodeValue::Null))
        {
            let NodeValue::Seq(list) = &list.value else {
                err(
                    list.line,
                    list.col,
                    format!("`retro.actions` must be a list, found {}", list.shape()),
                    None,
                );
                continue;
            };
            let mut seen: HashMap<String, usize> = HashMap::new();
            for a in list {
                let Some((_, idn)) = a.get("id") else {
                    err(
                        a.line,
                        a.col,
                        "a retro action needs an `id`, so later sprints can follow it up".into(),
                        Some("add e.g. `id: A-21-1`".into()),
                    );
                    continue;
                };
                let id = idn
                    .to_json()
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| idn.key_text());
                if let Some(first) = seen.get(&id) {
                    err(
                        idn.line,
                        idn.col,
                        format!("duplicate action id `{id}`"),
                        Some(format!(
                            "line {first} already has an action `{id}`; give this one another id"
                        )),
                    );
                    continue;
                }
                seen.insert(id.clone(), idn.line);
                let due = match a.get("due").map(|(_, v)| date("due", v)) {
                    Some(Err((l, c, m))) => {
                        err(l, c, m, None);
                        None
                    }
                    Some(Ok(d)) => d,
                    None => None,
                };
                let status = match a.get("status").map(|(_, v)| (v, v.to_json())) {
                    None => ActionStatus::Open,
                    Some((_, Value::String(s))) if s == "open" => ActionStatus::Open,
                    Some((_, Value::String(s))) if s == "done" => ActionStatus::Done,
                    Some((v, _)) => {
                        err(
                            v.line,
                            v.col,
                            "`status` of an action must be `open` or `done`".into(),
                            None,
                        );
                        ActionStatus::Open
                    }
                };
                let text_of = |k: &str| {
                    a.get(k)
                        .and_then(|(_, v)| v.to_json().as_str().map(str::to_string))
                        .unwrap_or_default()
                };
                actions.push(Action {
                    id,
                    text: text_of("text"),
                    owner: text_of("owner"),
                    due,
                    status,
                });
            }
        }
        sprints.push(SprintIn {
            record: i,
            number: r.fields.get("number").and_then(Value::as_u64).unwrap_or(0) as u32,
            start,
            end,
            number_at: node
                .get("number")
                .map_or((node.line, node.col), |(k, _)| (k.line, k.col)),
            start_at: node
                .get("start")
                .map_or((node.line, node.col), |(_, v)| (v.line, v.col)),
            team: r.text("team").map(str::to_string),
            entries,
            actions,
            path: r.source.clone(),
            text,
        });
    }
    // Sprints of a team follow each other; teams in the order of their records.
    let team_rank = |t: &Option<String>| {
        t.as_ref().map_or(0, |t| {
            1 + records
                .by_kind
                .get("team")
                .and_then(|l| l.iter().position(|&i| &records.list[i].id == t))
                .unwrap_or(usize::MAX - 1)
        })
    };
    sprints.sort_by_key(|s| (team_rank(&s.team), s.number));
    // Once one sprint names its team, every sprint must: a sprint of no team would be counted
    // in no team's velocity.
    if let Some(named) = sprints.iter().find_map(|s| s.team.as_deref()) {
        for s in sprints.iter().filter(|s| s.team.is_none()) {
            errors.push(
                Error::at(&s.path, &s.text, s.number_at.0, s.number_at.1,
                    format!("sprint {} names no team, but other sprints do (`{named}`)", s.number))
                .with_help("add `team:` with the team's id to it, or cascade `team:` from its section's _index.md"),
            );
        }
    }
    // Numbers order a team's series and name its sprints in reports: one number, one sprint.
    for pair in sprints.windows(2) {
        let (first, second) = (&pair[0], &pair[1]);
        if first.team != second.team {
            continue;
        }
        let of_team = second
            .team
            .as_ref()
            .map_or_else(String::new, |t| format!(" of team `{t}`"));
        if first.number == second.number {
            errors.push(
                Error::at(
                    &second.path,
                    &second.text,
                    second.number_at.0,
                    second.number_at.1,
                    format!("two sprints{of_team} are numbered {}", second.number),
                )
                .with_help(format!(
                    "{}:{} is sprint {} too; give one of them another `number:`",
                    first.path.display(),
                    first.number_at.0,
                    first.number
                )),
            );
        }
    }
    // A team runs one sprint at a time: in the order they start, each ends before the next.
    let mut by_start: Vec<&SprintIn> = sprints.iter().filter(|s| s.start <= s.end).collect();
    by_start.sort_by_key(|s| (team_rank(&s.team), s.start, s.number));
    for pair in by_start.windows(2) {
        let (first, second) = (pair[0], pair[1]);
        if first.team != second.team || first.number == second.number || second.start > first.end {
            continue;
        }
        let of_team = second
            .team
            .as_ref()
            .map_or_else(String::new, |t| format!(" of team `{t}`"));
        errors.push(
            Error::at(
                &second.path,
                &second.text,
                second.start_at.0,
                second.start_at.1,
                format!(
                    "sprint {}{of_team} starts on {} but sprint {} runs until {}",
                    second.number, second.start, first.number, first.end
                ),
            )
            .with_help(format!(
                "{}:{} is sprint {}; a team runs one sprint at a time, so fix one of the dates",
                first.path.display(),
                first.start_at.0,
                first.number
            )),
        );
    }

    // Statuses per sprint, and a pbi in two sprints at once.
    let mut holders: BTreeMap<String, Vec<usize>> = Default::default();
    for (si, s) in sprints.iter().enumerate() {
        for e in &s.entries {
            let list = holders.entry(e.id.clone()).or_default();
            if list.last() == Some(&si) {
                errors.push(Error::at(
                    &s.path,
                    &s.text,
                    e.at.0,
                    e.at.1,
                    format!("`{}` is listed twice in sprint {}", e.id, s.number),
                ));
            } else {
                list.push(si);
            }
        }
    }
    // An item's sprints in the order they ran (of one team, the order of their numbers).
    for list in holders.values_mut() {
        list.sort_by_key(|&si| (sprints[si].start, sprints[si].number));
    }
    for (id, list) in &holders {
        for (k, &si) in list.iter().enumerate() {
            let is_last = k + 1 == list.len();
            let end = sprints[si].end;
            let e = sprints[si]
                .entries
                .iter_mut()
                .find(|e| &e.id == id)
                .unwrap();
            if e.status.is_none() {
                let final_status = e.fields.get("status").and_then(status_of);
                e.status = Some(match final_status {
                    Some(Status::Done) => match e.done_on {
                        Some(d) if d <= end => Status::Done,
                        Some(_) => Status::InProgress,
                        None if is_last => Status::Done,
                        None => Status::InProgress,
                    },
                    Some(Status::Dropped) if is_last => Status::Dropped,
                    Some(Status::Todo) if is_last => Status::Todo,
                    // An inline item without a `status:`: finished when its `done_on` falls
                    // in the sprint.
                    None if e.done_on.is_some_and(|d| d <= end) => Status::Done,
                    _ => Status::InProgress,
                });
            }
        }
        for w in list.windows(2) {
            let (a, b) = (&sprints[w[0]], &sprints[w[1]]);
            let ea = a.entries.iter().find(|e| &e.id == id).unwrap();
            let eb = b.entries.iter().find(|e| &e.id == id).unwrap();
            let problem = if b.start <= a.end {
                Some(format!(
                    "`{id}` is in sprint {} and sprint {} at the same time ({} to {} overlaps {} to {})",
                    a.number, b.number, a.start, a.end, b.start, b.end
                ))
            } else if matches!(ea.status, Some(Status::Done | Status::Dropped)) {
                let what = if ea.status == Some(Status::Done) {
                    "done"
                } else {
                    "dropped"
                };
                Some(format!(
                    "`{id}` is in sprint {} but was already {what} in sprint {}, so it cannot be carried over",
                    b.number, a.number
                ))
            } else {
                None
            };
            if let Some(msg) = problem {
                errors.push(
                    Error::at(&b.path, &b.text, eb.at.0, eb.at.1, msg).with_help(
                        "an item is in one sprint at a time; list it again only when it was unfinished",
                    ),
                );
            }
        }
    }
    let goals = read_goals(site, files, &pbis, &pbi_ids, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }

    Ok(build(site, &sprints, &holders, &goals))
}

/// Each Product Goal's backlog items: its `items` by id, or every item with its `label`.
fn read_goals(
    site: &Site,
    files: &[SourceFile],
    pbis: &HashMap<String, usize>,
    pbi_ids: &[String],
    errors: &mut Vec<Error>,
) -> Vec<GoalIn> {
    let records = &site.records;
    let mut goals = Vec::new();
    for (i, r) in records.list.iter().enumerate() {
        if r.kind.name != "goal" {
            continue;
        }
        let Some((text, node)) = record_node(site, r, files) else {
            continue;
        };
        let mut items: Vec<usize> = Vec::new();
        if let Some((_, NodeValue::Seq(list))) = node.get("items").map(|(k, v)| (k, &v.value)) {
            for n in list {
                let id = n
                    .to_json()
                    .as_str()
                    .map_or_else(|| n.key_text(), str::to_string);
                match pbis.get(&id) {
                    Some(&p) if !items.contains(&p) => items.push(p),
                    Some(_) => {}
                    None => {
                        let e = Error::at(
                            &r.source,
                            &text,
                            n.line,
                            n.col,
                            format!(
                                "the goal `{}` needs a backlog item `{id}` that does not exist",
                                r.title
                            ),
                        );
                        errors.push(
                            match did_you_mean(&id, pbi_ids.iter().map(String::as_str)) {
                                Some(s) => e.with_help(format!("did you mean `{s}`?")),
                                None => e.with_help("list backlog items by their `id`"),
                            },
                        );
                    }
                }
            }
        }
        if let Some(label) = r.text("label") {
            let before = items.len();
            for (p, pbi) in records.list.iter().enumerate() {
                let labelled = pbi.kind.name == "pbi"
                    && pbi
                        .fields
                        .get("labels")
                        .and_then(Value::as_array)
                        .is_some_and(|l| l.iter().any(|x| x.as_str() == Some(label)));
                if labelled && !items.contains(&p) {
                    items.push(p);
                }
            }
            if items.len() == before {
                let at = node.get("label").map_or(&node, |(_, v)| v);
                errors.push(
                    Error::at(
                        &r.source,
                        &text,
                        at.line,
                        at.col,
                        format!("no backlog item has the label `{label}`"),
                    )
                    .with_help("add it to the items' `labels:`, or list them under `items:`"),
                );
            }
        }
        let listed = r
            .fields
            .get("items")
            .and_then(Value::as_array)
            .is_some_and(|l| !l.is_empty());
        if !listed && r.text("label").is_none() {
            let at = node.get("title").map_or(&node, |(k, _)| k);
            errors.push(
                Error::at(
                    &r.source,
                    &text,
                    at.line,
                    at.col,
                    format!("the goal `{}` names no backlog items", r.title),
                )
                .with_help(
                    "add `items: [PBI-1, PBI-2]`, or `label:` to gather every item with that label",
                ),
            );
        }
        goals.push(GoalIn { record: i, items });
    }
    goals
}

fn read_entry(
    item: &Node,
    pbis: &HashMap<String, usize>,
    records: &crate::model::records::Records,
) -> Result<Entry, Located> {
    let at = (item.line, item.col);
    let lookup = |id: &str, n: &Node| -> Result<usize, Located> {
        pbis.get(id).copied().ok_or_else(|| {
            (
                n.line,
                n.col,
                format!("`items` refers to no backlog item `{id}`"),
            )
        })
    };
    let from_pbi = |p: usize| {
        let r = &records.list[p];
        Entry {
            id: r.text("id").unwrap_or(&r.id).to_string(),
            pbi: Some(p),
            fields: r.fields.clone(),
            status: None,
            added_on: date_of(r.fields.get("added_on")),
            done_on: date_of(r.fields.get("done_on")),
            points_at_start: None,
            at,
        }
    };
    match &item.value {
        NodeValue::Str(id) => Ok(from_pbi(lookup(id, item)?)),
        NodeValue::Map(_) => {
            let mut e = match item.get("pbi") {
                Some((_, idn)) => {
                    let id = idn
                        .to_json()
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| idn.key_text());
                    from_pbi(lookup(&id, idn)?)
                }
                None => {
                    let title = item
                        .get("title")
                        .and_then(|(_, t)| t.to_json().as_str().map(str::to_string))
                        .ok_or((
                            item.line,
                            item.col,
                            "an inline item needs a `title` (or `pbi:` to refer to the backlog)"
                                .to_string(),
                        ))?;
                    let id = item
                        .get("id")
                        .and_then(|(_, t)| t.to_json().as_str().map(str::to_string))
                        .unwrap_or_else(|| crate::util::slug::urlize(&title));
                    let mut fields = Map::new();
                    if let NodeValue::Map(pairs) = &item.value {
                        for (k, v) in pairs {
                            fields.insert(k.key_text(), v.to_json());
                        }
                    }
                    fields.remove("status");
                    Entry {
                        id,
                        pbi: None,
                        fields,
                        status: None,
                        added_on: None,
                        done_on: None,
                        points_at_start: None,
                        at,
                    }
                }
            };
            if let Some((_, v)) = item.get("points") {
                let p = number("points", v)?;
                e.fields
                    .insert("points".into(), Value::from(p.unwrap_or(0.0)));
            }
            if let Some((_, v)) = item.get("points_at_start") {
                e.points_at_start = number("points_at_start", v)?;
            }
            if let Some((_, v)) = item.get("added_on") {
                e.added_on = date("added_on", v)?;
            }
            if let Some((_, v)) = item.get("done_on") {
                e.done_on = date("done_on", v)?;
            }
            if let Some((_, v)) = item.get("status") {
                let s = read_value("status", FieldType::Choice(STATUSES), v)?;
                e.status = s.as_ref().and_then(status_of);
            }
            Ok(e)
        }
        _ => Err((
            item.line,
            item.col,
            format!(
                "items of a sprint are backlog ids or mappings, found {}",
                item.shape()
            ),
        )),
    }
}

/// Whole floats as integers (`29`, not `29.0`; never `-0`), so templates print them plainly.
fn whole_numbers(v: Value) -> Value {
    match v {
        Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().unwrap_or(0.0);
            if x.fract() == 0.0 && x.abs() < 1e15 {
                Value::from(x as i64)
            } else {
                Value::from((x * 100.0).round() / 100.0)
            }
        }
        Value::Array(a) => Value::Array(a.into_iter().map(whole_numbers).collect()),
        Value::Object(m) => {
            Value::Object(m.into_iter().map(|(k, x)| (k, whole_numbers(x))).collect())
        }
        other => other,
    }
}

fn pct(x: Option<f64>) -> Value {
    x.map_or(Value::Null, |x| Value::from((x * 100.0).round() as i64))
}

/// "12–23 Oct 2026", "28 Sep – 9 Oct 2026".
pub fn date_range(a: Date, b: Date) -> String {
    let full = |d: Date| d.strftime("%-d %b %-Y").to_string();
    if a.year() != b.year() {
        format!("{} – {}", full(a), full(b))
    } else if a.month() != b.month() {
        format!("{} – {}", a.strftime("%-d %b"), full(b))
    } else {
        format!("{}–{}", a.day(), full(b))
    }
}

fn criteria(v: Option<&Value>) -> Vec<Value> {
    match v {
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(|c| match c {
                Value::String(s) => Some(json!({"text": s, "met": null})),
                Value::Object(m) => Some(json!({
                    "text": m.get("text").cloned().unwrap_or(Value::Null),
                    "met": m.get("met").cloned().unwrap_or(Value::Null),
                })),
                _ => None,
            })
            .collect(),
        Some(Value::String(s)) => vec![json!({"text": s, "met": null})],
        _ => Vec::new(),
    }
}

fn action_view(a: &Action) -> Value {
    json!({
        "id": a.id, "text": a.text, "owner": a.owner,
        "due": a.due.map(|d| d.to_string()),
        "status": a.status,
    })
}

/// A sprint's team as templates see it: `{id, title, url}`, or null on a one-team site.
fn team_view(site: &Site, team: Option<&str>) -> Value {
    let records = &site.records;
    let Some(t) = team else {
        return Value::Null;
    };
    let rec = records
        .by_kind
        .get("team")
        .and_then(|l| l.iter().find(|&&i| records.list[i].id == t));
    match rec {
        Some(&i) => json!({
            "id": t,
            "title": records.list[i].title,
            "url": crate::model::url::with_base(&site.base_path, &site.pages[records.list[i].page].url),
        }),
        None => json!({"id": t, "title": t, "url": null}),
    }
}

/// What one team's sprints give: each sprint's report, its summary row, and the overview.
struct TeamBuild {
    reports: Vec<(usize, Value)>,
    overview: Value,
    /// Index (in the team's slice) of the latest sprint with a `goal_met`.
    reviewed: Option<usize>,
}

fn build(
    site: &Site,
    sprints: &[SprintIn],
    holders: &BTreeMap<String, Vec<usize>>,
    goals: &[GoalIn],
) -> Analysis {
    let records = &site.records;
    let url = |rec: usize| {
        crate::model::url::with_base(&site.base_path, &site.pages[records.list[rec].page].url)
    };
    let pbi_id = |r: &Record| r.text("id").unwrap_or(&r.id).to_string();
    // A backlog item's team: its own `team:`, else that of the latest sprint that held it.
    let team_of_pbi = |r: &Record| -> Option<String> {
        r.text("team").map(str::to_string).or_else(|| {
            holders
                .get(&pbi_id(r))
                .and_then(|l| l.last())
                .and_then(|&si| sprints[si].team.clone())
        })
    };
    // The sprints of each team: contiguous, since they are sorted by team first.
    let mut groups: Vec<(Option<String>, std::ops::Range<usize>)> = Vec::new();
    for (i, s) in sprints.iter().enumerate() {
        match groups.last_mut() {
            Some((t, range)) if *t == s.team => range.end = i + 1,
            _ => groups.push((s.team.clone(), i..i + 1)),
        }
    }
    let mut analysis = Analysis::default();
    let mut teams = Vec::new();
    let mut all_summaries: Vec<Value> = Vec::new();
    let mut all_open: Vec<Value> = Vec::new();
    for (team, range) in &groups {
        let open_points: f64 = records
            .list
            .iter()
            .filter(|r| r.kind.name == "pbi")
            .filter(|r| team.is_none() || team_of_pbi(r) == *team)
            .filter(|r| {
                matches!(
                    r.fields.get("status").and_then(status_of),
                    Some(Status::Todo | Status::InProgress) | None
                )
            })
            .map(|r| num(r.fields.get("points")))
            .sum();
        let tv = team_view(site, team.as_deref());
        let built = build_team(site, &sprints[range.clone()], open_points, &tv);
        for (rec, report) in built.reports {
            analysis.reports.insert(rec, report);
        }
        if let Some(list) = built.overview["sprints"].as_array() {
            all_summaries.extend(list.iter().cloned());
        }
        if let Some(list) = built.overview["open_actions"].as_array() {
            all_open.extend(list.iter().cloned());
        }
        teams.push((team.clone(), range.clone(), built.reviewed, built.overview));
    }
    // Product Goals: burnup and forecast, from the pace of the team holding most of their items.
    let mut goal_links: HashMap<usize, Vec<Value>> = HashMap::new();
    let mut goal_rows = Vec::new();
    for g in goals {
        let rec = &records.list[g.record];
        let team = rec.text("team").map(str::to_string).or_else(|| {
            let mut counts: Vec<(Option<String>, usize)> = Vec::new();
            for &p in &g.items {
                if let Some(t) = team_of_pbi(&records.list[p]) {
                    match counts
                        .iter_mut()
                        .find(|(c, _)| c.as_deref() == Some(t.as_str()))
                    {
                        Some((_, n)) => *n += 1,
                        None => counts.push((Some(t), 1)),
                    }
                }
            }
            counts
                .into_iter()
                .max_by_key(|(_, n)| *n)
                .and_then(|(t, _)| t)
        });
        let series = teams
            .iter()
            .find(|(t, ..)| *t == team)
            .or_else(|| (teams.len() == 1).then(|| &teams[0]));
        let spans: Vec<goals::SprintSpan> = series
            .map(|(_, range, reviewed, _)| {
                let upto = reviewed.map_or(range.end, |r| range.start + r + 1);
                sprints[range.start..upto]
                    .iter()
                    .map(|s| goals::SprintSpan {
                        number: s.number,
                        start: s.start,
                        end: s.end,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut items = Vec::new();
        let mut views = Vec::new();
        for &p in &g.items {
            let r = &records.list[p];
            let status = r.fields.get("status").and_then(status_of);
            let id = pbi_id(r);
            views.push(json!({
                "id": id, "title": r.title, "url": url(p),
                "points": num(r.fields.get("points")),
                "status": r.fields.get("status").cloned().unwrap_or(Value::from("todo")),
            }));
            if status == Some(Status::Dropped) {
                continue;
            }
            let done_on = (status == Some(Status::Done)).then(|| {
                date_of(r.fields.get("done_on"))
                    .or_else(|| {
                        holders
                            .get(&id)
                            .and_then(|l| l.last())
                            .map(|&si| sprints[si].end)
                    })
                    .unwrap_or(Date::MIN)
            });
            items.push(goals::GoalItem {
                points: num(r.fields.get("points")),
                added_on: date_of(r.fields.get("added_on")),
                done_on,
            });
            // Sprint reports link the goals their items serve.
            if let Some(list) = holders.get(&id) {
                for &si in list {
                    let links = goal_links.entry(sprints[si].record).or_default();
                    if !links.iter().any(|l| l["url"] == url(g.record)) {
                        links.push(json!({"title": rec.title, "url": url(g.record)}));
                    }
                }
            }
        }
        let target = date_of(rec.fields.get("target"));
        let points = goals::burnup(&items, &spans);
        let outlook = goals::outlook(&items, &spans);
        let verdict = goals::verdict(&outlook, target);
        let (scope, done) = points.last().map_or_else(
            || {
                let all: f64 = items.iter().map(|i| i.points).sum();
                let done: f64 = items
                    .iter()
                    .filter(|i| i.done_on.is_some())
                    .map(|i| i.points)
                    .sum();
                (all, done)
            },
            |p| (p.scope, p.done),
        );
        let id = format!("goal-{}", crate::util::slug::urlize(&rec.id));
        let days: Vec<charts::BurnupDay> = points
            .iter()
            .map(|p| charts::BurnupDay {
                day: p.end,
                scope: p.scope,
                done: p.done,
            })
            .collect();
        let view = json!({
            "outcome": rec.text("outcome"),
            "target": target.map(|d| d.to_string()),
            "target_text": target.map(goals::long_date),
            "team": team_view(site, team.as_deref()),
            "items": views,
            "scope": scope,
            "done": done,
            "percent": pct((scope > 0.0).then(|| done / scope)),
            "burnup": {
                "svg": (points.len() > 1).then(|| charts::goal_burnup_svg(&days, &points.iter().map(|p| p.number).collect::<Vec<_>>(), &id)),
                "rows": points.iter().map(|p| json!({"number": p.number, "end": p.end.to_string(), "label": p.end.strftime("%-d %b").to_string(), "scope": p.scope, "done": p.done})).collect::<Vec<_>>(),
            },
            "outlook": outlook,
            "forecast": goals::sentence(&outlook),
            "verdict": verdict,
            "verdict_text": goals::verdict_sentence(verdict, target),
        });
        let view = whole_numbers(view);
        goal_rows.push(json!({
            "title": rec.title, "url": url(g.record),
            "outcome": view["outcome"], "target_text": view["target_text"],
            "team": view["team"], "percent": view["percent"], "scope": view["scope"], "done": view["done"],
            "forecast": view["forecast"], "verdict": view["verdict"], "verdict_text": view["verdict_text"],
        }));
        analysis.goals.insert(g.record, view);
    }
    for (rec, links) in goal_links {
        if let Some(Value::Object(m)) = analysis.reports.get_mut(&rec) {
            m.insert("goals".into(), Value::from(links));
        }
    }
    // The portfolio: one row per team, its latest reviewed sprint and its last six.
    let mut rows = Vec::new();
    for (team, range, reviewed, overview) in &teams {
        let team_sprints = &sprints[range.clone()];
        let Some(latest) = reviewed.map(|r| &team_sprints[r]) else {
            continue;
        };
        let report = &analysis.reports[&latest.record];
        let upto = reviewed.unwrap_or(0);
        let last_six = &team_sprints[(upto + 1).saturating_sub(6)..=upto];
        let predictability: Vec<(u32, Option<f64>)> = last_six
            .iter()
            .map(|s| {
                let r = &analysis.reports[&s.record];
                (s.number, r["completion_percent"].as_f64())
            })
            .collect();
        let open = overview["open_actions"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let key = team.as_deref().unwrap_or("team");
        rows.push(json!({
            "team": team_view(site, team.as_deref()),
            "sprint": {
                "number": latest.number, "url": url(latest.record),
                "title": records.list[latest.record].title,
                "dates": report["dates"], "goal": report["goal"],
                "goal_met": report["goal_met"], "verdict": report["verdict"],
            },
            "committed": report["metrics"]["committed_points"],
            "completed": report["metrics"]["completed_points"],
            "completion_percent": report["completion_percent"],
            "unplanned_percent": report["unplanned_percent"],
            "predictability": {
                "svg": charts::predictability_svg(&predictability, &format!("predict-{}", crate::util::slug::urlize(key))),
                "rows": predictability.iter().map(|(n, p)| json!({"number": n, "percent": p})).collect::<Vec<_>>(),
            },
            "open_actions": open.len(),
            "overdue_actions": open.iter().filter(|a| a["overdue"] == Value::Bool(true)).count(),
        }));
    }
    // The sprints' section feed: the deepest section holding every sprint page.
    let feed = common_section(
        site,
        sprints
            .iter()
            .map(|s| site.pages[records.list[s.record].page].section),
    )
    .map(|s| {
        crate::model::url::with_base(
            &site.base_path,
            &format!("{}atom.xml", site.sections[s].url),
        )
    });
    analysis.portfolio = whole_numbers(json!({"teams": rows, "goals": goal_rows, "feed": feed}));
    // Overview without a team: the one team's, or every team's sprints newest first.
    analysis.overview = match teams.as_slice() {
        [] => json!({"sprints": [], "velocity": null, "open_actions": [], "teams": []}),
        [(_, _, _, only)] => only.clone(),
        many => {
            all_summaries.sort_by(|a, b| b["end"].as_str().cmp(&a["end"].as_str()));
            json!({
                "sprints": all_summaries,
                "velocity": null,
                "open_actions": all_open,
                "teams": many.iter().map(|t| t.3.clone()).collect::<Vec<_>>(),
            })
        }
    };
    analysis.teams = teams
        .into_iter()
        .filter_map(|(t, _, _, o)| Some((t?, o)))
        .collect();
    let mut backlog: Vec<(usize, Value)> = Vec::new();
    for (i, r) in records.list.iter().enumerate() {
        if r.kind.name != "pbi" {
            continue;
        }
        let mut v = r.fields.clone();
        let id = pbi_id(r);
        v.insert("id".into(), Value::from(id.clone()));
        v.insert("title".into(), Value::from(r.title.clone()));
        v.insert("url".into(), Value::from(url(i)));
        v.insert(
            "status".into(),
            v.get("status").cloned().unwrap_or(Value::from("todo")),
        );
        v.insert(
            "acceptance_criteria".into(),
            Value::from(criteria(r.fields.get("acceptance_criteria"))),
        );
        let in_sprints: Vec<u32> = sprints
            .iter()
            .filter(|s| s.entries.iter().any(|e| e.id == id))
            .map(|s| s.number)
            .collect();
        v.insert("sprints".into(), json!(in_sprints));
        backlog.push((i, Value::Object(v)));
    }
    analysis.backlog = backlog.into_iter().map(|(_, v)| v).collect();
    analysis
}

/// The deepest section that holds all of `sections` (each a section index).
fn common_section(site: &Site, sections: impl Iterator<Item = usize>) -> Option<usize> {
    let chain = |s: usize| {
        let mut list = vec![s];
        let mut cur = site.sections[s].parent;
        while let Some(c) = cur {
            list.push(c);
            cur = site.sections[c].parent;
        }
        list.reverse();
        list
    };
    let mut common: Option<Vec<usize>> = None;
    for s in sections {
        let c = chain(s);
        common = Some(match common {
            None => c,
            Some(prev) => prev
                .into_iter()
                .zip(c)
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect(),
        });
    }
    common.and_then(|c| c.last().copied())
}

/// The reports and overview of one team's sprints (oldest first).
fn build_team(site: &Site, sprints: &[SprintIn], open_points: f64, team: &Value) -> TeamBuild {
    let records = &site.records;
    let url = |rec: usize| {
        crate::model::url::with_base(&site.base_path, &site.pages[records.list[rec].page].url)
    };
    let key = team["id"].as_str().map(crate::util::slug::urlize);
    let chart_id = |what: &str| match &key {
        Some(k) => format!("{what}-{k}"),
        None => what.to_string(),
    };
    let model: Vec<Sprint> = sprints
        .iter()
        .map(|s| Sprint {
            number: s.number,
            start: s.start,
            end: s.end,
            items: s
                .entries
                .iter()
                .map(|e| Item {
                    id: e.id.clone(),
                    points: num(e.fields.get("points")),
                    points_at_start: e.points_at_start,
                    business_value: num(e.fields.get("business_value")),
                    status: e.status.unwrap_or(Status::Todo),
                    added_on: e.added_on,
                    done_on: e.done_on,
                })
                .collect(),
            actions: s.actions.clone(),
        })
        .collect();
    let mut reports = Vec::new();
    let mut summaries = Vec::new();
    for (i, s) in sprints.iter().enumerate() {
        let rec = &records.list[s.record];
        let m = metrics::sprint_metrics(&model, i);
        let times: HashMap<&str, usize> = m
            .carried_over
            .iter()
            .map(|c| (c.id.as_str(), c.times))
            .collect();
        let later: Vec<&str> = sprints[i + 1..]
            .iter()
            .flat_map(|l| l.entries.iter().map(|e| e.id.as_str()))
            .collect();
        let item_view = |e: &Entry, it: &Item| {
            let mut v = e.fields.clone();
            v.insert("id".into(), Value::from(e.id.clone()));
            v.insert(
                "title".into(),
                Value::from(e.pbi.map_or_else(
                    || {
                        e.fields
                            .get("title")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string()
                    },
                    |p| records.list[p].title.clone(),
                )),
            );
            v.insert(
                "url".into(),
                e.pbi.map_or(Value::Null, |p| Value::from(url(p))),
            );
            v.insert("status".into(), json!(it.status));
            v.insert("points".into(), Value::from(it.points));
            v.insert(
                "points_at_start".into(),
                it.points_at_start.map_or(Value::Null, Value::from),
            );
            v.insert(
                "unplanned".into(),
                Value::from(it.added_on.is_some_and(|d| d > s.start)),
            );
            v.insert(
                "carried_times".into(),
                Value::from(times.get(e.id.as_str()).copied().unwrap_or(0)),
            );
            v.insert(
                "carried_on".into(),
                Value::from(later.contains(&e.id.as_str())),
            );
            v.insert(
                "acceptance_criteria".into(),
                Value::from(criteria(e.fields.get("acceptance_criteria"))),
            );
            Value::Object(v)
        };
        let views: Vec<(Status, Value)> = s
            .entries
            .iter()
            .zip(&model[i].items)
            .map(|(e, it)| (it.status, item_view(e, it)))
            .collect();
        let pick = |f: &dyn Fn(Status) -> bool| -> Vec<Value> {
            views
                .iter()
                .filter(|(st, _)| f(*st))
                .map(|(_, v)| v.clone())
                .collect()
        };
        let v = metrics::velocity(&model, i, 6);
        let fc = metrics::forecast(open_points, &v);
        let fu = metrics::follow_up(&model, i);
        let closed: Vec<Value> = fu
            .closed_this_sprint
            .iter()
            .filter_map(|id| s.actions.iter().find(|a| &a.id == id).map(action_view))
            .collect();
        let days = charts::burnup(s.start, s.end, &model[i].items);
        let goal_met = rec.text("goal_met").unwrap_or("").to_string();
        let verdict = match goal_met.as_str() {
            "yes" => "Goal met",
            "partly" => "Goal partly met",
            "no" => "Goal not met",
            _ => "Goal not assessed yet",
        };
        let retro = rec.fields.get("retro").cloned().unwrap_or(Value::Null);
        let report = json!({
            "number": s.number,
            "team": team,
            "goals": [],
            "goal": rec.text("goal"),
            "goal_met": goal_met,
            "verdict": verdict,
            "dates": date_range(s.start, s.end),
            "start": s.start.to_string(),
            "end": s.end.to_string(),
            "metrics": m,
            "completion_percent": pct(m.completion_ratio),
            "unplanned_percent": pct(m.unplanned_share),
            "delivered": pick(&|st| st == Status::Done),
            "unfinished": pick(&|st| matches!(st, Status::Todo | Status::InProgress)),
            "dropped": pick(&|st| st == Status::Dropped),
            "carried_over": views.iter().filter(|(_, v)| v["carried_times"].as_u64().unwrap_or(0) > 0).map(|(_, v)| v.clone()).collect::<Vec<_>>(),
            "unplanned": views.iter().filter(|(_, v)| v["unplanned"] == Value::Bool(true)).map(|(_, v)| v.clone()).collect::<Vec<_>>(),
            "review": rec.fields.get("review").cloned().unwrap_or(Value::Null),
            "went_well": retro.get("went_well").cloned().unwrap_or(Value::Null),
            "went_wrong": retro.get("went_wrong").cloned().unwrap_or(Value::Null),
            // Actions raised in this retro; updates of earlier ones are in the follow-up.
            "actions": s.actions.iter().filter(|a| !sprints[..i].iter().any(|e| e.actions.iter().any(|b| b.id == a.id))).map(action_view).collect::<Vec<_>>(),
            "follow_up": fu.open,
            "closed_actions": closed,
            "velocity": {
                "svg": charts::velocity_svg(&v, &format!("velocity-{}", s.number)),
                "rows": v.sprints,
                "average": v.average, "min": v.min, "max": v.max,
            },
            // With a sprint of zero velocity in range, the slowest case has no end.
            "forecast": fc.map(|f| json!({
                "open_points": f.open_points,
                "fewest": f.fewest,
                "likely": f.likely,
                "most": (f.most != u32::MAX).then_some(f.most),
            })),
            "burnup": {
                "svg": charts::burnup_svg(&days, &format!("burnup-{}", s.number)),
                "rows": days.iter().map(|d| json!({"day": d.day.to_string(), "label": d.day.strftime("%-d %b").to_string(), "scope": d.scope, "done": d.done})).collect::<Vec<_>>(),
            },
        });
        summaries.push(json!({
            "number": s.number,
            "team": team,
            "end": s.end.to_string(),
            "title": rec.title,
            "url": url(s.record),
            "goal": rec.text("goal"),
            "goal_met": report["goal_met"],
            "verdict": verdict,
            "dates": report["dates"],
            "committed": m.committed_points,
            "completed": m.completed_points,
            "completion_percent": report["completion_percent"],
            "actions": report["actions"],
            "went_well": report["went_well"],
            "went_wrong": report["went_wrong"],
        }));
        reports.push((s.record, whole_numbers(report)));
    }
    // Overview: newest first, velocity of the last six, open actions as of the latest sprint.
    summaries.reverse();
    // The latest sprint that was reviewed (has a `goal_met`): velocity stops there, since a
    // sprint still under way, or planned, would count as finishing nothing.
    let reviewed_at = (0..sprints.len()).rev().find(|&i| {
        records.list[sprints[i].record]
            .fields
            .get("goal_met")
            .is_some_and(|v| !v.is_null())
    });
    let overview = match sprints.len().checked_sub(1) {
        Some(last) => {
            let reviewed = reviewed_at.unwrap_or(last);
            let v = metrics::velocity(&model, reviewed, 6);
            let fu = metrics::follow_up(&model, last);
            let mut open: Vec<Value> = fu.open.iter().map(|o| json!(o)).collect();
            for a in model[last]
                .actions
                .iter()
                .filter(|a| a.status == ActionStatus::Open)
            {
                if !fu.open.iter().any(|o| o.id == a.id) {
                    open.push(json!({"id": a.id, "text": a.text, "owner": a.owner, "raised_in": model[last].number, "age": 0, "overdue": a.due.is_some_and(|d| d < sprints[last].end)}));
                }
            }
            for a in &mut open {
                a["team"] = team.clone();
            }
            json!({
                "team": team,
                "sprints": summaries,
                "velocity": {
                    "svg": charts::velocity_svg(&v, &chart_id("velocity-all")),
                    "rows": v.sprints, "average": v.average, "min": v.min, "max": v.max,
                },
                "open_actions": open,
            })
        }
        None => json!({"team": team, "sprints": [], "velocity": null, "open_actions": []}),
    };
    TeamBuild {
        reports,
        overview: whole_numbers(overview),
        reviewed: reviewed_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn date_ranges_read_naturally() {
        assert_eq!(
            date_range(date(2026, 10, 12), date(2026, 10, 23)),
            "12–23 Oct 2026"
        );
        assert_eq!(
            date_range(date(2026, 9, 28), date(2026, 10, 9)),
            "28 Sep – 9 Oct 2026"
        );
        assert_eq!(
            date_range(date(2026, 12, 28), date(2027, 1, 8)),
            "28 Dec 2026 – 8 Jan 2027"
        );
    }

    #[test]
    fn whole_floats_print_as_integers_and_others_to_two_places() {
        let got = whole_numbers(json!({"a": 29.0, "b": [2.5, 1.2345, -0.0], "c": 7}));
        assert_eq!(got, json!({"a": 29, "b": [2.5, 1.23, 0], "c": 7}));
        assert_eq!(
            serde_json::to_string(&got).unwrap(),
            r#"{"a":29,"b":[2.5,1.23,0],"c":7}"#
        );
    }

    #[test]
    fn date_ranges_use_english_month_abbreviations_and_no_padding() {
        let months = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        for (m, name) in (1..=12).zip(months) {
            assert_eq!(
                date_range(date(2026, m, 1), date(2026, m, 9)),
                format!("1–9 {name} 2026")
            );
        }
        assert_eq!(
            date_range(date(999, 12, 31), date(1000, 1, 1)),
            "31 Dec 999 – 1 Jan 1000"
        );
    }
}
