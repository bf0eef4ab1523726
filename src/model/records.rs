//! Stage 3b: typed records. In: the assembled `Site` (pages whose front matter has a `kind`) and
//! the YAML files under `data/<collection>`. Out: validated records in their collections, a page
//! for each data-file record, and every problem located at `file:line:col`, all in one pass.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, did_you_mean};
use crate::load::SourceFile;
use crate::model::url::urlize;
use crate::model::{Page, Section, Site, sorting};
use crate::parse::frontmatter::{self, FrontMatter};
use crate::yaml::{Node, NodeValue};

/// What a field holds; drives both validation and the JSON Schema.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldType {
    Text,
    /// A whole number in `min..=max`.
    Int(i64, i64),
    TextList,
    /// A map of name → text (a role's aspects).
    TextMap,
    /// A map of group name → list of text (a role's grouped responsibilities).
    Groups,
    /// The id of a record of this kind.
    Ref(&'static str),
    /// A list of ids of records of this kind.
    RefList(&'static str),
    /// A map of responsibility → one of `R`, `A`, `C`, `I`.
    Raci,
    /// A number, whole or not, at least 0 (story points).
    Number,
    /// A calendar date `YYYY-MM-DD`.
    Date,
    /// One of a fixed set of words.
    Choice(&'static [&'static str]),
    /// Any YAML structure; its kind's own checks look inside (sprint items, review, retro).
    Any,
}

/// One field of a kind's schema.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub ty: FieldType,
    pub required: bool,
    pub doc: &'static str,
}

const fn f(name: &'static str, ty: FieldType, required: bool, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required,
        doc,
    }
}

/// A record kind: its name, its collection (folder name under `data/` and URL segment), fields.
#[derive(Debug)]
pub struct Kind {
    pub name: &'static str,
    pub collection: &'static str,
    /// Title of the collection's list page when no content section provides one.
    pub title: &'static str,
    pub fields: &'static [Field],
}

/// Fields every kind has.
pub const COMMON: &[Field] = &[
    f("title", FieldType::Text, true, "Display name"),
    f(
        "slug",
        FieldType::Text,
        false,
        "Id and last URL segment; defaults to the title (data files) or file name (pages)",
    ),
    f(
        "weight",
        FieldType::Int(i64::MIN, i64::MAX),
        false,
        "Order in the collection (then title)",
    ),
    f(
        "body",
        FieldType::Text,
        false,
        "Markdown prose of a data-file record (a page's body is its prose)",
    ),
];

/// The kind registry. Adding a kind is adding a serde type below and an entry here.
pub const KINDS: &[Kind] = &[
    Kind {
        name: "role",
        collection: "roles",
        title: "Roles",
        fields: &[
            f("summary", FieldType::Text, true, "The role in one sentence"),
            f("focus", FieldType::Text, false, "`how` or `what & why`"),
            f(
                "responsibilities",
                FieldType::Groups,
                false,
                "Grouped lists: group name → items",
            ),
            f(
                "aspects",
                FieldType::TextMap,
                false,
                "Aspect → text; the rows of the comparison table",
            ),
            f(
                "metrics",
                FieldType::TextList,
                false,
                "What the role watches",
            ),
            f("skills", FieldType::TextList, false, "What the role needs"),
        ],
    },
    Kind {
        name: "antipattern",
        collection: "antipatterns",
        title: "Anti-patterns",
        fields: &[
            f(
                "role",
                FieldType::Ref("role"),
                true,
                "The role that falls into it",
            ),
            f("problem", FieldType::Text, true, "What goes wrong"),
            f("solution", FieldType::Text, true, "What has worked instead"),
            f("signs", FieldType::TextList, false, "How to recognise it"),
        ],
    },
    Kind {
        name: "factor",
        collection: "factors",
        title: "The twelve factors",
        fields: &[
            f("number", FieldType::Int(1, 12), true, "1 to 12, once each"),
            f("name", FieldType::Text, false, "Short name, e.g. `Config`"),
            f("principle", FieldType::Text, true, "The rule in one line"),
            f(
                "for_managers",
                FieldType::Text,
                false,
                "What it means in plain language",
            ),
            f(
                "definition_of_done",
                FieldType::TextList,
                false,
                "Checklist items for the Definition of Done",
            ),
        ],
    },
    Kind {
        name: "term",
        collection: "glossary",
        title: "Glossary",
        fields: &[
            f("short", FieldType::Text, true, "One-line definition"),
            f(
                "synonyms",
                FieldType::TextList,
                false,
                "Other words that mean the term (plural, abbreviations)",
            ),
        ],
    },
    Kind {
        name: "guide",
        collection: "guides",
        title: "Guides",
        fields: &[
            f("audience", FieldType::Text, false, "Who the step is for"),
            f("level", FieldType::Text, false, "beginner, intermediate…"),
            f(
                "duration",
                FieldType::Text,
                false,
                "How long the step takes",
            ),
            f(
                "checklist",
                FieldType::TextList,
                false,
                "Tasks to tick off; ticks are kept in the browser",
            ),
        ],
    },
    Kind {
        name: "team",
        collection: "teams",
        title: "Teams",
        fields: &[
            f("members", FieldType::TextList, false, "People or roles"),
            f(
                "responsibilities",
                FieldType::Raci,
                false,
                "Responsibility → R, A, C or I",
            ),
        ],
    },
    Kind {
        name: "pbi",
        collection: "backlog",
        title: "Backlog",
        fields: crate::report::sprints::PBI_FIELDS,
    },
    Kind {
        name: "sprint",
        collection: "sprints",
        title: "Sprints",
        fields: crate::report::sprints::SPRINT_FIELDS,
    },
];

pub fn kind(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == name)
}

impl Kind {
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        COMMON
            .iter()
            .chain(self.fields.iter())
            .find(|f| f.name == name)
    }

    pub fn all_fields(&self) -> impl Iterator<Item = &'static Field> + '_ {
        COMMON.iter().chain(self.fields.iter())
    }
}

// The typed records, for Rust code that builds tables from them.

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Role {
    pub summary: String,
    #[serde(default)]
    pub focus: Option<String>,
    #[serde(default)]
    pub responsibilities: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub aspects: indexmap_lite::OrderedMap,
    #[serde(default)]
    pub metrics: Vec<String>,
    #[serde(default)]
    pub skills: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Antipattern {
    pub role: String,
    pub problem: String,
    pub solution: String,
    #[serde(default)]
    pub signs: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Factor {
    pub number: i64,
    #[serde(default)]
    pub name: Option<String>,
    pub principle: String,
    #[serde(default)]
    pub for_managers: Option<String>,
    #[serde(default)]
    pub definition_of_done: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Term {
    pub short: String,
    #[serde(default)]
    pub synonyms: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Guide {
    #[serde(default)]
    pub audience: Option<String>,
    #[serde(default)]
    pub level: Option<String>,
    #[serde(default)]
    pub duration: Option<String>,
    #[serde(default)]
    pub checklist: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Team {
    #[serde(default)]
    pub members: Vec<String>,
    #[serde(default)]
    pub responsibilities: indexmap_lite::OrderedMap,
}

/// A map that keeps the order its keys were written in (aspects, RACI rows).
pub mod indexmap_lite {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct OrderedMap(pub Vec<(String, String)>);

    impl Serialize for OrderedMap {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut m = s.serialize_map(Some(self.0.len()))?;
            for (k, v) in &self.0 {
                m.serialize_entry(k, v)?;
            }
            m.end()
        }
    }

    impl<'de> Deserialize<'de> for OrderedMap {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = OrderedMap;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a mapping of text")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> Result<OrderedMap, A::Error> {
                    let mut out = Vec::new();
                    while let Some((k, v)) = map.next_entry::<String, String>()? {
                        out.push((k, v));
                    }
                    Ok(OrderedMap(out))
                }
            }
            d.deserialize_map(V)
        }
    }
}

/// One validated record.
#[derive(Debug, Clone)]
pub struct Record {
    pub kind: &'static Kind,
    pub id: String,
    pub title: String,
    pub weight: i64,
    /// The kind's fields as written (common fields excluded), in written order.
    pub fields: Map<String, Value>,
    /// The file it came from, relative to the site root.
    pub source: PathBuf,
    /// Its page in `Site::pages`.
    pub page: usize,
    /// Keys of its mapping fields (aspects, RACI) in the order they were written.
    pub key_order: HashMap<String, Vec<String>>,
}

impl Record {
    /// The record's fields as its kind's serde type.
    pub fn typed<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_value(Value::Object(self.fields.clone())).ok()
    }

    pub fn text(&self, field: &str) -> Option<&str> {
        self.fields.get(field).and_then(Value::as_str)
    }
}

/// Every record of the site, by collection.
#[derive(Debug, Default)]
pub struct Records {
    pub list: Vec<Record>,
    /// Kind name → record indices, ordered by weight then title.
    pub by_kind: BTreeMap<&'static str, Vec<usize>>,
    /// Page index → record index.
    pub by_page: HashMap<usize, usize>,
}

impl Records {
    pub fn of_kind(&self, kind: &str) -> impl Iterator<Item = &Record> {
        self.by_kind
            .get(kind)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|&i| &self.list[i])
    }

    pub fn get(&self, kind: &str, id: &str) -> Option<&Record> {
        self.of_kind(kind).find(|r| r.id == id)
    }

    /// Records with a reference field pointing at `(kind, id)`.
    pub fn referencing(&self, kind: &str, id: &str) -> Vec<&Record> {
        let mut out: Vec<&Record> = Vec::new();
        for k in KINDS {
            for r in self.of_kind(k.name) {
                let points = k.fields.iter().any(|f| match f.ty {
                    FieldType::Ref(to) if to == kind => {
                        r.fields.get(f.name).and_then(Value::as_str) == Some(id)
                    }
                    FieldType::RefList(to) if to == kind => r
                        .fields
                        .get(f.name)
                        .and_then(Value::as_array)
                        .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(id))),
                    _ => false,
                });
                if points {
                    out.push(r);
                }
            }
        }
        out
    }
}

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
            if kind.field("summary").is_some() && !d.fields.contains_key("summary") {
                if let Some(s) = &page.meta.summary {
                    d.fields.insert("summary".into(), Value::String(s.clone()));
                    d.at.insert("summary".into(), key_at(text, "summary"));
                }
            }
            d.text_idx = t;
            d.page = Some(i);
            drafts.push(d);
        }
    }

    // Data files named after a collection.
    for file in data_files {
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
                errors.push(Error::at(&file.path, &file.text, e.line, e.col, e.message));
                continue;
            }
        };
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
        if d.kind.name == "factor" {
            if let Some(n) = d.fields.get("number").and_then(Value::as_i64) {
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

fn hint<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>, what: &str) -> String {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    match did_you_mean(word, candidates.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None if candidates.is_empty() => format!("there are no {what} yet"),
        None => {
            let mut list: Vec<&str> = candidates.into_iter().take(12).collect();
            list.sort_unstable();
            format!("known {what}: {}", list.join(", "))
        }
    }
}

fn key_at(text: &str, key: &str) -> (usize, usize) {
    crate::config::key_position(text, key, 1).unwrap_or((1, 1))
}

/// The front matter of a page as located nodes, at the lines of the whole file.
fn front_node(path: &Path, text: &str) -> Result<Node, Error> {
    let split = frontmatter::split(path, text)?;
    match split.format {
        Some(frontmatter::Format::Yaml) => {
            let mut docs = crate::yaml::nodes(split.front).map_err(|e| {
                Error::at(path, text, e.line + split.front_line - 1, e.col, e.message)
            })?;
            let mut node = docs.pop().unwrap_or(Node {
                line: split.front_line,
                col: 1,
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
                            value: NodeValue::Str(k),
                        },
                        json_node(&v, line, col),
                    )
                })
                .collect();
            Ok(Node {
                line: split.front_line.saturating_sub(1).max(1),
                col: 1,
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
                            value: NodeValue::Str(k.clone()),
                        },
                        json_node(x, line, col),
                    )
                })
                .collect(),
        ),
    };
    Node { line, col, value }
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
    let mut err = |line: usize, col: usize, msg: String, help: Option<String>| {
        let e = Error::at(path, text, line, col, msg);
        errors.push(match help {
            Some(h) => e.with_help(h),
            None => e,
        });
    };
    let NodeValue::Map(entries) = &node.value else {
        err(
            node.line,
            node.col,
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
                k.line,
                k.col,
                format!("unknown field `{key}` in a record of kind `{}`", kind.name),
                Some(hint(&key, names, &format!("{} fields", kind.name))),
            );
            continue;
        };
        let wrong = |what: &str| format!("`{key}` must be {what}, found {}", v.shape());
        let value: Option<Value> = match field.ty {
            FieldType::Text | FieldType::Ref(_) => {
                scalar_text(v).map(Value::String).or_else(|| {
                    err(v.line, v.col, wrong("text"), None);
                    None
                })
            }
            FieldType::Int(min, max) => match v.value {
                NodeValue::Int(i) if i < min || i > max => {
                    err(
                        v.line,
                        v.col,
                        format!("`{key}` must be between {min} and {max}, found {i}"),
                        None,
                    );
                    None
                }
                NodeValue::Int(i) => Some(Value::from(i)),
                _ => {
                    err(v.line, v.col, wrong("a whole number"), None);
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
                                item.line,
                                item.col,
                                format!("items of `{key}` must be text, found {}", item.shape()),
                                None,
                            ),
                        }
                    }
                    Some(Value::Array(out))
                }
                NodeValue::Null => Some(Value::Array(Vec::new())),
                _ => {
                    err(v.line, v.col, wrong("a list"), None);
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
                                                    i.line,
                                                    i.col,
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
                                        pv.line,
                                        pv.col,
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
                                        pv.line,
                                        pv.col,
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
                                    pv.line,
                                    pv.col,
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
                    err(v.line, v.col, wrong("a mapping"), None);
                    None
                }
            },
            FieldType::Number | FieldType::Date | FieldType::Choice(_) | FieldType::Any => {
                crate::report::sprints::read_value(&key, field.ty, v)
                    .map_err(|(line, col, msg)| err(line, col, msg, None))
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
                node.line,
                node.col,
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

/// The kind named `name`, or a usage message with a "did you mean".
pub fn kind_or_hint(name: &str) -> Result<&'static Kind, String> {
    kind(name).ok_or_else(|| {
        format!(
            "unknown record kind `{name}`; {}",
            hint(name, KINDS.iter().map(|k| k.name), "kinds")
        )
    })
}

fn field_schema(field: &Field) -> Value {
    let text = || serde_json::json!({"type": "string"});
    let mut s = match field.ty {
        FieldType::Text => text(),
        FieldType::Int(min, max) => {
            let mut s = serde_json::json!({"type": "integer"});
            if min != i64::MIN {
                s["minimum"] = Value::from(min);
            }
            if max != i64::MAX {
                s["maximum"] = Value::from(max);
            }
            s
        }
        FieldType::TextList => serde_json::json!({"type": "array", "items": text()}),
        FieldType::TextMap => {
            serde_json::json!({"type": "object", "additionalProperties": text()})
        }
        FieldType::Groups => serde_json::json!({
            "type": "object",
            "additionalProperties": {"type": "array", "items": text()}
        }),
        FieldType::Ref(to) => {
            serde_json::json!({"type": "string", "description": format!("id of a {to}")})
        }
        FieldType::RefList(to) => serde_json::json!({
            "type": "array",
            "items": {"type": "string", "description": format!("id of a {to}")}
        }),
        FieldType::Raci => serde_json::json!({
            "type": "object",
            "additionalProperties": {"enum": ["R", "A", "C", "I", "r", "a", "c", "i"]}
        }),
        FieldType::Number => serde_json::json!({"type": "number", "minimum": 0}),
        FieldType::Date => serde_json::json!({"type": "string", "format": "date"}),
        FieldType::Choice(words) => serde_json::json!({"enum": words}),
        FieldType::Any => serde_json::json!({}),
    };
    if s.get("description").is_none() {
        s["description"] = Value::from(field.doc);
    }
    s
}

/// A JSON Schema (draft 2020-12) for a data file of `kind`: one record or a list of them.
pub fn json_schema(kind: &Kind) -> Value {
    let properties: Map<String, Value> = kind
        .all_fields()
        .map(|f| (f.name.to_string(), field_schema(f)))
        .collect();
    let required: Vec<&str> = kind
        .all_fields()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("teambook {} records (data/{}.yaml)", kind.name, kind.collection),
        "$defs": {
            "record": {
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": false
            }
        },
        "oneOf": [
            {"$ref": "#/$defs/record"},
            {"type": "array", "items": {"$ref": "#/$defs/record"}}
        ]
    })
}

/// The front matter of a new record page of `kind`: every field, with its meaning as a comment.
/// `with_kind`: write `kind:` (when no section cascades it).
pub fn archetype(kind: &Kind, title: &str, with_kind: bool) -> String {
    let mut out = format!(
        "---\ntitle: {}\n",
        serde_json::to_string(title).unwrap_or_default()
    );
    if with_kind {
        out.push_str(&format!("kind: {}\n", kind.name));
    }
    out.push_str("weight: 0\n");
    for f in kind.fields {
        let value = match f.ty {
            FieldType::Text | FieldType::Ref(_) => "\"\"",
            FieldType::Int(min, _) if min != i64::MIN => {
                out.push_str(&format!("{}: {min}  # {}\n", f.name, f.doc));
                continue;
            }
            FieldType::Int(..) => "0",
            FieldType::TextList | FieldType::RefList(_) => "[]",
            FieldType::TextMap | FieldType::Groups | FieldType::Raci => "{}",
            FieldType::Number | FieldType::Any => "null",
            FieldType::Date => "\"\"",
            FieldType::Choice(words) => words[0],
        };
        out.push_str(&format!("{}: {value}  # {}\n", f.name, f.doc));
    }
    out.push_str("---\n\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_lists_fields_required_and_bounds() {
        let s = json_schema(kind("factor").unwrap());
        let rec = &s["$defs"]["record"];
        assert_eq!(
            rec["required"],
            serde_json::json!(["title", "number", "principle"])
        );
        assert_eq!(rec["properties"]["number"]["minimum"], 1);
        assert_eq!(rec["properties"]["number"]["maximum"], 12);
        assert_eq!(rec["additionalProperties"], false);
        let raci = json_schema(kind("team").unwrap());
        assert_eq!(
            raci["$defs"]["record"]["properties"]["responsibilities"]["additionalProperties"]["enum"]
                [0],
            "R"
        );
    }

    #[test]
    fn archetype_has_every_field() {
        let a = archetype(kind("antipattern").unwrap(), "The hero", true);
        assert_eq!(
            a,
            "---\ntitle: \"The hero\"\nkind: antipattern\nweight: 0\nrole: \"\"  # The role that falls into it\nproblem: \"\"  # What goes wrong\nsolution: \"\"  # What has worked instead\nsigns: []  # How to recognise it\n---\n\n"
        );
    }

    #[test]
    fn unknown_kinds_get_a_hint() {
        assert_eq!(
            kind_or_hint("antipatern").unwrap_err(),
            "unknown record kind `antipatern`; did you mean `antipattern`?"
        );
    }
}
