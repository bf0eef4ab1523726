//! The records pass: finds every record (pages with a `kind`, files under `data/`), checks each
//! against its kind and the references between them, and gives data-file records their pages.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::kinds::{FieldType, KINDS, Kind, kind};
use super::{Record, Records};
use crate::error::{Error, Span, hint};
use crate::load::SourceFile;
use crate::model::{Page, Section, Site, sorting};
use crate::parse::frontmatter::{self, FrontMatter};
use crate::util::slug::urlize;
use crate::yaml::{Node, NodeValue};

/// A 1-based line and column.
type Pos = (usize, usize);

/// Front-matter keys a record page may carry besides its kind's fields.
const PAGE_KEYS: &[&str] = &[
    "title",
    "date",
    "lastmod",
    "modified",
    "publishdate",
    "pubdate",
    "published",
    "expirydate",
    "unpublishdate",
    "draft",
    "description",
    "slug",
    "url",
    "aliases",
    "weight",
    "author",
    "authors",
    "layout",
    "type",
    "template",
    "cascade",
    "kind",
    "params",
    "glossary",
    "toc",
    // Page ownership: who keeps the page true, and when to look again.
    "owner",
    "review_by",
];

/// A record as read, before cross-record checks.
struct Draft {
    kind: &'static Kind,
    id: String,
    /// Where the id comes from, for duplicate-id errors.
    id_at: (usize, usize),
    title: String,
    weight: i64,
    fields: Map<String, Value>,
    /// Positions of field values, for reference errors.
    at: HashMap<String, (usize, usize)>,
    /// Positions of list items of reference lists.
    item_at: HashMap<(String, usize), (usize, usize)>,
    key_order: HashMap<String, Vec<String>>,
    body: String,
    source: PathBuf,
    text_idx: usize,
    page: Option<usize>,
}

/// Finds, checks and places every record; adds a page for each data-file record.
pub fn collect(site: &mut Site, data_files: &[SourceFile]) -> Result<(), Vec<Error>> {
    let mut errors = Vec::new();
    let mut texts: Vec<(PathBuf, String)> = Vec::new();
    let mut drafts: Vec<Draft> = Vec::new();

    // Pages with a `kind`.
    for (i, page) in site.pages.iter().enumerate() {
        let Some(kind_name) = &page.meta.kind else {
            continue;
        };
        texts.push((page.path.clone(), page.text.clone()));
        let t = texts.len() - 1;
        let text = &page.text;
        let Some(kind) = kind(kind_name) else {
            let (line, col) = key_at(text, "kind");
            errors.push(
                Error::at(
                    &page.path,
                    text,
                    line,
                    col,
                    format!("unknown record kind `{kind_name}`"),
                )
                .with_help(hint(kind_name, KINDS.iter().map(|k| k.name), "kinds")),
            );
            continue;
        };
        let node = match front_node(&page.path, text) {
            Ok(n) => n,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let stem = page
            .url
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_string();
        if let Some(mut d) = read_record(kind, &node, &page.path, text, true, &mut errors) {
            d.id = page.meta.slug.as_deref().map(urlize).unwrap_or(stem);
            d.title = page.title.clone();
            d.weight = page.meta.weight;
            // `summary` is also a Hugo key, so the front-matter stage took it.
            if kind.field("summary").is_some()
                && !d.fields.contains_key("summary")
                && let Some(s) = &page.meta.summary
            {
                d.fields.insert("summary".into(), Value::String(s.clone()));
                d.at.insert("summary".into(), key_at(text, "summary"));
            }
            // Text fields cascaded from the section (a folder of one team's sprints cascades
            // `team:`); the page's own keys are already in.
            for (key, value) in &page.meta.params {
                let Some(field) = kind.field(key) else {
                    continue;
                };
                if matches!(field.ty, FieldType::Text | FieldType::Ref(_))
                    && value.as_str().is_some_and(|v| !v.trim().is_empty())
                    && !d.fields.contains_key(field.name)
                    && node.get(key).is_none()
                {
                    d.fields.insert(field.name.into(), value.clone());
                }
            }
            d.text_idx = t;
            d.page = Some(i);
            drafts.push(d);
        }
    }

    // Data files named after a collection hold records, in a list, in `---` documents, or
    // as one mapping with a title. Any other shape (Hugo sites keep `data/teams.yaml` as
    // `teams: [...]`) is the site's own data, as is all of `data/` of a Hugo site.
    for file in data_files.iter().filter(|_| !site.config.from_hugo) {
        let Some(collection) = file
            .path
            .strip_prefix("data")
            .ok()
            .and_then(|p| p.components().next())
            .map(|c| {
                Path::new(c.as_os_str())
                    .with_extension("")
                    .to_string_lossy()
                    .into_owned()
            })
        else {
            continue;
        };
        let Some(kind) = KINDS.iter().find(|k| k.collection == collection) else {
            continue;
        };
        let ext = file.path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "yaml" | "yml") {
            errors.push(Error::file(
                &file.path,
                format!("records of kind `{}` are read from YAML files", kind.name),
            ));
            continue;
        }
        texts.push((file.path.clone(), file.text.clone()));
        let t = texts.len() - 1;
        let docs = match crate::yaml::nodes(&file.text) {
            Ok(d) => d,
            Err(e) => {
                errors.push(e.in_file(&file.path, &file.text, 1));
                continue;
            }
        };
        let own_data = |doc: &Node| match &doc.value {
            NodeValue::Map(entries) => !entries
                .iter()
                .any(|(k, _)| k.key_text().eq_ignore_ascii_case("title")),
            _ => false,
        };
        if docs.len() == 1 && own_data(&docs[0]) {
            texts.pop();
            continue;
        }
        for doc in docs {
            let items = match doc.value {
                NodeValue::Seq(items) => items,
                NodeValue::Null => Vec::new(),
                _ => vec![doc],
            };
            for item in items {
                if let Some(mut d) =
                    read_record(kind, &item, &file.path, &file.text, false, &mut errors)
                {
                    d.text_idx = t;
                    drafts.push(d);
                }
            }
        }
    }

    // Teams keep their sprints in folders of their own, each with a `sprint-1.md`: a sprint of
    // a team whose file name another sprint shares is `<team>-<name>`.
    let mut sprint_ids: HashMap<String, usize> = HashMap::new();
    for d in drafts.iter().filter(|d| d.kind.name == "sprint") {
        *sprint_ids.entry(d.id.clone()).or_default() += 1;
    }
    for d in drafts.iter_mut().filter(|d| d.kind.name == "sprint") {
        if let Some(team) = d.fields.get("team").and_then(Value::as_str)
            && sprint_ids.get(&d.id).is_some_and(|&n| n > 1)
        {
            d.id = format!("{}-{}", urlize(team), d.id);
        }
    }
    // Cross-record checks: duplicate ids, factor numbers, references.
    let mut ids: HashMap<(&str, String), usize> = HashMap::new();
    let mut numbers: HashMap<i64, usize> = HashMap::new();
    for (i, d) in drafts.iter().enumerate() {
        let text = &texts[d.text_idx].1;
        if let Some(&first) = ids.get(&(d.kind.name, d.id.clone())) {
            let f = &drafts[first];
            let (line, col) = d.id_at;
            errors.push(
                Error::at(
                    &d.source,
                    text,
                    line,
                    col,
                    format!("duplicate {} id `{}`", d.kind.name, d.id),
                )
                .with_help(format!(
                    "`{}` is already the id of the {} from {}:{}; give one of them another `slug:`",
                    d.id,
                    d.kind.name,
                    f.source.display(),
                    f.id_at.0
                )),
            );
        } else {
            ids.insert((d.kind.name, d.id.clone()), i);
        }
        if d.kind.name == "factor"
            && let Some(n) = d.fields.get("number").and_then(Value::as_i64)
        {
            if let Some(&first) = numbers.get(&n) {
                let (line, col) = d.at.get("number").copied().unwrap_or(d.id_at);
                errors.push(
                    Error::at(
                        &d.source,
                        text,
                        line,
                        col,
                        format!("factor number {n} is already used"),
                    )
                    .with_help(format!(
                        "{} is factor {n}; each of the twelve numbers is used once",
                        drafts[first].source.display()
                    )),
                );
            } else {
                numbers.insert(n, i);
            }
        }
    }
    for d in &drafts {
        let text = &texts[d.text_idx].1;
        for field in d.kind.fields {
            let (to, targets): (&str, Vec<(String, Pos)>) = match field.ty {
                FieldType::Ref(to) => match d.fields.get(field.name).and_then(Value::as_str) {
                    Some(id) => (
                        to,
                        vec![(
                            id.to_string(),
                            d.at.get(field.name).copied().unwrap_or(d.id_at),
                        )],
                    ),
                    None => continue,
                },
                FieldType::RefList(to) => {
                    match d.fields.get(field.name).and_then(Value::as_array) {
                        Some(list) => (
                            to,
                            list.iter()
                                .enumerate()
                                .filter_map(|(n, v)| {
                                    v.as_str().map(|s| {
                                        (
                                            s.to_string(),
                                            d.item_at
                                                .get(&(field.name.to_string(), n))
                                                .copied()
                                                .unwrap_or(d.id_at),
                                        )
                                    })
                                })
                                .collect(),
                        ),
                        None => continue,
                    }
                }
                _ => continue,
            };
            for (id, (line, col)) in targets {
                if ids.contains_key(&(to, id.clone())) {
                    continue;
                }
                let known: Vec<&str> = drafts
                    .iter()
                    .filter(|o| o.kind.name == to)
                    .map(|o| o.id.as_str())
                    .collect();
                errors.push(
                    Error::at(
                        &d.source,
                        text,
                        line,
                        col,
                        format!(
                            "`{}` refers to a {to} `{id}` that does not exist",
                            field.name
                        ),
                    )
                    .with_help(hint(&id, known, &format!("{to} ids"))),
                );
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    // Places: pages for data-file records, collections in order.
    let mut records = Records::default();
    let mut touched_sections = Vec::new();
    for d in drafts {
        let page = match d.page {
            Some(p) => p,
            None => {
                let section = collection_section(site, d.kind);
                let url = format!("{}{}/", site.sections[section].url, d.id);
                if let Some(owner) = site.urls.get(&url) {
                    errors.push(
                        Error::at(
                            &d.source,
                            &texts[d.text_idx].1,
                            d.id_at.0,
                            d.id_at.1,
                            format!(
                                "{} URL `{url}` is already used by {}",
                                d.kind.name,
                                owner.display()
                            ),
                        )
                        .with_help("give the record another `slug:`"),
                    );
                    continue;
                }
                site.urls.insert(url.clone(), d.source.clone());
                let meta = FrontMatter {
                    title: Some(d.title.clone()),
                    weight: d.weight,
                    kind: Some(d.kind.name.to_string()),
                    summary: d
                        .fields
                        .get("summary")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    params: d.fields.clone(),
                    ..FrontMatter::default()
                };
                site.pages.push(Page {
                    path: d.source.clone(),
                    text: d.body.clone(),
                    body_start: 0,
                    body_line: 1,
                    meta,
                    title: d.title.clone(),
                    url,
                    section,
                    bundle: None,
                    prev: None,
                    next: None,
                    updated_by: None,
                    review_due: None,
                });
                let p = site.pages.len() - 1;
                site.sections[section].pages.push(p);
                if !touched_sections.contains(&section) {
                    touched_sections.push(section);
                }
                p
            }
        };
        records.by_page.insert(page, records.list.len());
        records.list.push(Record {
            kind: d.kind,
            id: d.id,
            title: d.title,
            weight: d.weight,
            fields: d.fields,
            source: d.source,
            page,
            key_order: d.key_order,
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    for s in touched_sections {
        let order = site.sections[s].meta.sort_by.clone();
        let mut list = std::mem::take(&mut site.sections[s].pages);
        sorting::sort_pages(&mut list, &site.pages, order.as_deref());
        for &p in &list {
            site.pages[p].prev = None;
            site.pages[p].next = None;
        }
        for w in list.windows(2) {
            site.pages[w[0]].next = Some(w[1]);
            site.pages[w[1]].prev = Some(w[0]);
        }
        site.sections[s].pages = list;
    }
    for k in KINDS {
        let mut list: Vec<usize> = (0..records.list.len())
            .filter(|&i| records.list[i].kind.name == k.name)
            .collect();
        list.sort_by(|&a, &b| {
            let (a, b) = (&records.list[a], &records.list[b]);
            weight_then_title(a, b)
        });
        if !list.is_empty() {
            records.by_kind.insert(k.name, list);
        }
    }
    site.records = records;
    Ok(())
}

fn weight_then_title(a: &Record, b: &Record) -> std::cmp::Ordering {
    let w = |x: i64| if x == 0 { i64::MAX } else { x };
    w(a.weight)
        .cmp(&w(b.weight))
        .then_with(|| a.title.to_lowercase().cmp(&b.title.to_lowercase()))
        .then_with(|| a.id.cmp(&b.id))
}

/// The section data-file records of `kind` live in: the content section at `/<collection>/`,
/// or a new one made for them.
fn collection_section(site: &mut Site, kind: &Kind) -> usize {
    let url = format!("/{}/", kind.collection);
    if let Some(i) = site.sections.iter().position(|s| s.url == url) {
        return i;
    }
    site.sections.push(Section {
        path: None,
        dir: PathBuf::from(kind.collection),
        text: String::new(),
        body_start: 0,
        body_line: 1,
        meta: FrontMatter::default(),
        title: kind.title.to_string(),
        url: url.clone(),
        parent: Some(0),
        pages: Vec::new(),
        subsections: Vec::new(),
    });
    let s = site.sections.len() - 1;
    let mut subs = std::mem::take(&mut site.sections[0].subsections);
    subs.push(s);
    subs.sort_by(|a, b| sorting::section_order(&site.sections[*a], &site.sections[*b]));
    site.sections[0].subsections = subs;
    site.urls
        .insert(url, PathBuf::from(format!("data/{}", kind.collection)));
    s
}

fn key_at(text: &str, key: &str) -> (usize, usize) {
    crate::config::key_position(text, key, 1).unwrap_or((1, 1))
}

/// The front matter of a page as located nodes, at the lines of the whole file.
fn front_node(path: &Path, text: &str) -> Result<Node, Error> {
    let split = frontmatter::split(path, text)?;
    match split.format {
        Some(frontmatter::Format::Yaml) => {
            let mut docs = crate::yaml::nodes(split.front)
                .map_err(|e| e.in_file(path, text, split.front_line))?;
            let mut node = docs.pop().unwrap_or(Node {
                line: split.front_line,
                col: 1,
                len: 1,
                value: NodeValue::Map(Vec::new()),
            });
            node.shift(split.front_line - 1);
            Ok(node)
        }
        _ => {
            // TOML front matter: positions of the keys by a line scan.
            let map = frontmatter::parse_map(path, text, &split)?;
            let entries = map
                .into_iter()
                .map(|(k, v)| {
                    let (line, col) = crate::config::key_position(text, &k, split.front_line)
                        .unwrap_or((split.front_line, 1));
                    (
                        Node {
                            line,
                            col,
                            len: k.chars().count(),
                            value: NodeValue::Str(k),
                        },
                        json_node(&v, line, col),
                    )
                })
                .collect();
            Ok(Node {
                line: split.front_line.saturating_sub(1).max(1),
                col: 1,
                len: 1,
                value: NodeValue::Map(entries),
            })
        }
    }
}

fn json_node(v: &Value, line: usize, col: usize) -> Node {
    let value = match v {
        Value::Null => NodeValue::Null,
        Value::Bool(b) => NodeValue::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => NodeValue::Int(i),
            None => NodeValue::Float(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) => NodeValue::Str(s.clone()),
        Value::Array(a) => NodeValue::Seq(a.iter().map(|x| json_node(x, line, col)).collect()),
        Value::Object(m) => NodeValue::Map(
            m.iter()
                .map(|(k, x)| {
                    (
                        Node {
                            line,
                            col,
                            len: 1,
                            value: NodeValue::Str(k.clone()),
                        },
                        json_node(x, line, col),
                    )
                })
                .collect(),
        ),
    };
    Node {
        line,
        col,
        len: 1,
        value,
    }
}

fn scalar_text(n: &Node) -> Option<String> {
    match &n.value {
        NodeValue::Str(s) => Some(s.clone()),
        NodeValue::Int(i) => Some(i.to_string()),
        NodeValue::Float(f) => Some(f.to_string()),
        _ => None,
    }
}

/// Checks one record's fields against its kind. `page`: read from front matter, where the
/// page keys are allowed too and title/slug/weight were already checked.
fn read_record(
    kind: &'static Kind,
    node: &Node,
    path: &Path,
    text: &str,
    page: bool,
    errors: &mut Vec<Error>,
) -> Option<Draft> {
    let mut err = |at: &Node, msg: String, help: Option<String>| {
        let span = Span::new(path, at.line, at.col).with_len(at.len);
        let e = Error::located(span, text, msg);
        errors.push(match help {
            Some(h) => e.with_help(h),
            None => e,
        });
    };
    let NodeValue::Map(entries) = &node.value else {
        err(
            node,
            format!(
                "a {} record must be a mapping of fields, found {}",
                kind.name,
                node.shape()
            ),
            None,
        );
        return None;
    };
    let mut d = Draft {
        kind,
        id: String::new(),
        id_at: (node.line, node.col),
        title: String::new(),
        weight: 0,
        fields: Map::new(),
        at: HashMap::new(),
        item_at: HashMap::new(),
        key_order: HashMap::new(),
        body: String::new(),
        source: path.to_path_buf(),
        text_idx: 0,
        page: None,
    };
    for (k, v) in entries {
        let key = k.key_text();
        let field = kind.field(&key);
        let Some(field) = field else {
            if page
                && (PAGE_KEYS.contains(&key.to_lowercase().as_str())
                    || key.eq_ignore_ascii_case("tags")
                    || key.eq_ignore_ascii_case("categories")
                    || key.eq_ignore_ascii_case("summary"))
            {
                if key == "title" || key == "slug" {
                    d.id_at = (k.line, k.col);
                }
                continue;
            }
            let names: Vec<&str> = kind.all_fields().map(|f| f.name).collect();
            err(
                k,
                format!("unknown field `{key}` in a record of kind `{}`", kind.name),
                Some(hint(&key, names, &format!("{} fields", kind.name))),
            );
            continue;
        };
        // A field left empty (`role: ""`, or nothing after the colon), as an archetype writes
        // it, is a field not given: fine when optional, a located "write it" when required.
        let left_empty = match &v.value {
            NodeValue::Null => true,
            NodeValue::Str(s) => {
                s.trim().is_empty() && matches!(field.ty, FieldType::Text | FieldType::Ref(_))
            }
            _ => false,
        };
        if left_empty {
            if field.required && !(page && field.name == "title") {
                err(
                    v,
                    format!("`{key}` is empty; this {} record needs it", kind.name),
                    Some(format!("write {} after `{key}:`", field.doc.to_lowercase())),
                );
            }
            continue;
        }
        let wrong = |what: &str| format!("`{key}` must be {what}, found {}", v.shape());
        let value: Option<Value> = match field.ty {
            FieldType::Text | FieldType::Ref(_) => {
                scalar_text(v).map(Value::String).or_else(|| {
                    err(v, wrong("text"), None);
                    None
                })
            }
            FieldType::Int(min, max) => match v.value {
                NodeValue::Int(i) if i < min || i > max => {
                    err(
                        v,
                        format!("`{key}` must be between {min} and {max}, found {i}"),
                        None,
                    );
                    None
                }
                NodeValue::Int(i) => Some(Value::from(i)),
                _ => {
                    err(v, wrong("a whole number"), None);
                    None
                }
            },
            FieldType::TextList | FieldType::RefList(_) => match &v.value {
                NodeValue::Seq(items) => {
                    let mut out = Vec::new();
                    for (n, item) in items.iter().enumerate() {
                        match scalar_text(item) {
                            Some(s) => {
                                d.item_at.insert((key.clone(), n), (item.line, item.col));
                                out.push(Value::String(s));
                            }
                            None => err(
                                item,
                                format!("items of `{key}` must be text, found {}", item.shape()),
                                None,
                            ),
                        }
                    }
                    Some(Value::Array(out))
                }
                NodeValue::Null => Some(Value::Array(Vec::new())),
                _ => {
                    err(v, wrong("a list"), None);
                    None
                }
            },
            FieldType::TextMap | FieldType::Groups | FieldType::Raci => match &v.value {
                NodeValue::Map(pairs) => {
                    let mut out = Map::new();
                    for (pk, pv) in pairs {
                        let name = pk.key_text();
                        let val = match field.ty {
                            FieldType::Groups => match &pv.value {
                                NodeValue::Seq(items) => Some(Value::Array(
                                    items
                                        .iter()
                                        .filter_map(|i| {
                                            scalar_text(i).map(Value::String).or_else(|| {
                                                err(
                                                    i,
                                                    format!(
                                                        "items of `{key}` must be text, found {}",
                                                        i.shape()
                                                    ),
                                                    None,
                                                );
                                                None
                                            })
                                        })
                                        .collect(),
                                )),
                                _ => {
                                    err(
                                        pv,
                                        format!(
                                            "`{key}.{name}` must be a list, found {}",
                                            pv.shape()
                                        ),
                                        None,
                                    );
                                    None
                                }
                            },
                            FieldType::Raci => match scalar_text(pv) {
                                Some(s)
                                    if ["R", "A", "C", "I"]
                                        .contains(&s.to_uppercase().as_str()) =>
                                {
                                    Some(Value::String(s.to_uppercase()))
                                }
                                _ => {
                                    err(
                                        pv,
                                        format!(
                                            "`{key}.{name}` must be one of R, A, C, I, found {}",
                                            scalar_text(pv).map_or_else(
                                                || pv.shape().to_string(),
                                                |s| format!("`{s}`")
                                            )
                                        ),
                                        Some(
                                            "R responsible, A accountable, C consulted, I informed"
                                                .into(),
                                        ),
                                    );
                                    None
                                }
                            },
                            _ => scalar_text(pv).map(Value::String).or_else(|| {
                                err(
                                    pv,
                                    format!("`{key}.{name}` must be text, found {}", pv.shape()),
                                    None,
                                );
                                None
                            }),
                        };
                        if let Some(val) = val {
                            d.key_order
                                .entry(key.clone())
                                .or_default()
                                .push(name.clone());
                            out.insert(name, val);
                        }
                    }
                    Some(Value::Object(out))
                }
                _ => {
                    err(v, wrong("a mapping"), None);
                    None
                }
            },
            FieldType::Number | FieldType::Date | FieldType::Choice(_) | FieldType::Any => {
                super::values::read_value(&key, field.ty, v)
                    .map_err(|(_, _, msg)| err(v, msg, None))
                    .ok()
                    .flatten()
            }
        };
        let Some(value) = value else { continue };
        d.at.insert(key.clone(), (v.line, v.col));
        match key.as_str() {
            "title" => {
                d.title = value.as_str().unwrap_or_default().to_string();
                if !d.at.contains_key("slug") {
                    d.id_at = (k.line, k.col);
                }
            }
            "slug" => {
                d.id = urlize(value.as_str().unwrap_or_default());
                d.id_at = (k.line, k.col);
            }
            "weight" => d.weight = value.as_i64().unwrap_or_default(),
            "body" => d.body = value.as_str().unwrap_or_default().to_string(),
            _ => {
                d.fields.insert(key, value);
            }
        }
    }
    let present = |name: &str| {
        entries.iter().any(|(k, _)| k.key_text() == name)
            || (page
                && name == "summary"
                && entries
                    .iter()
                    .any(|(k, _)| k.key_text().eq_ignore_ascii_case("summary")))
    };
    for field in kind.all_fields().filter(|f| f.required) {
        if page && field.name == "title" {
            continue;
        }
        if !present(field.name) {
            err(
                node,
                format!(
                    "{} record is missing the required field `{}`",
                    kind.name, field.name
                ),
                Some(format!("add `{}:` ({})", field.name, field.doc)),
            );
        }
    }
    if d.id.is_empty() {
        d.id = urlize(&d.title);
    }
    // Kept even when a field is wrong, so ids and references are still checked in this pass.
    Some(d)
}
