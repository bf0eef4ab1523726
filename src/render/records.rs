//! Stage 4d: records for templates. In: the site's typed records. Out: their template views and
//! the Tera functions `collection`, `record`, `referencing`, and the tables the built-in
//! shortcodes render (`role_table`, `antipattern_groups`, `glossary_index`, `raci_matrix`, …).

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value};
use tera::{Kwargs, State, Tera};

use crate::model::Site;
use crate::model::records::values::STATUSES;
use crate::model::records::{FieldType, Record, Records};
use crate::model::url::with_base;
use crate::report::sprints::Analysis;

/// Every record as the map templates see: its fields plus `kind`, `id`, `title`, `url`,
/// `weight`, `source`, and for guide steps `step` and `steps`.
#[derive(Default)]
pub struct RecordViews {
    pub views: Vec<Value>,
    /// Per record: mapping field → its keys in written order.
    orders: Vec<HashMap<String, Vec<String>>>,
    /// (kind, id) → record index.
    index: HashMap<(String, String), usize>,
    /// Kind → record indices in collection order.
    by_kind: HashMap<String, Vec<usize>>,
    /// Collection name → kind name.
    collections: HashMap<String, String>,
    /// (kind, id) → indices of the records referencing it.
    referencing: HashMap<(String, String), Vec<usize>>,
    /// Section url → role indices.
    roles_by_section: HashMap<String, Vec<usize>>,
    /// The "A vs B" pages of pairs of roles.
    pub pairs: Vec<RolePair>,
}

/// A page comparing two roles of one section: `<section>/<a>-vs-<b>/`.
#[derive(Debug, Clone, Serialize)]
pub struct RolePair {
    /// The section holding both roles.
    #[serde(skip)]
    pub section: usize,
    /// The site path of the page (without the base path).
    #[serde(skip)]
    pub path: String,
    pub url: String,
    pub title: String,
    pub a: String,
    pub b: String,
}

/// Most roles a section may have for every pair to get its page by default (10 roles: 45
/// pages); past it, or with `role_pairs: false`, none; `role_pairs: [a vs b, …]` names them.
pub const PAIRS_BY_DEFAULT: usize = 10;

/// The pairs of roles that get a page, per the roles' section's `role_pairs` (`true`, `false`,
/// or a list of `"a vs b"`; by default every pair when there are 2 to 10 roles). A pair whose
/// URL a page already has is left out.
fn role_pairs(site: &Site, records: &Records) -> Vec<RolePair> {
    let mut by_section: Vec<(usize, Vec<usize>)> = Vec::new();
    for &i in records
        .by_kind
        .get("role")
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let s = site.pages[records.list[i].page].section;
        match by_section.iter_mut().find(|(x, _)| *x == s) {
            Some((_, list)) => list.push(i),
            None => by_section.push((s, vec![i])),
        }
    }
    let taken: std::collections::HashSet<&str> =
        site.pages.iter().map(|p| p.url.as_str()).collect();
    let mut out = Vec::new();
    for (s, roles) in by_section {
        let sec = &site.sections[s];
        let setting = sec.meta.params.get("role_pairs");
        let ids: Vec<&str> = roles.iter().map(|&i| records.list[i].id.as_str()).collect();
        let wanted: Vec<(usize, usize)> = match setting {
            Some(Value::Bool(false)) => Vec::new(),
            Some(Value::Array(list)) => list
                .iter()
                .filter_map(Value::as_str)
                .filter_map(|p| {
                    let (a, b) = p.split_once(" vs ")?;
                    let a = ids.iter().position(|x| *x == a.trim())?;
                    let b = ids.iter().position(|x| *x == b.trim())?;
                    (a != b).then_some((a, b))
                })
                .collect(),
            Some(Value::Bool(true)) => all_pairs(ids.len()),
            _ if ids.len() <= PAIRS_BY_DEFAULT => all_pairs(ids.len()),
            _ => Vec::new(),
        };
        for (a, b) in wanted {
            let (ra, rb) = (&records.list[roles[a]], &records.list[roles[b]]);
            let path = format!("{}{}-vs-{}/", sec.url, ra.id, rb.id);
            if taken.contains(path.as_str()) {
                continue;
            }
            out.push(RolePair {
                section: s,
                url: with_base(&site.base_path, &path),
                path,
                title: format!("{} vs {}", ra.title, rb.title),
                a: ra.id.clone(),
                b: rb.id.clone(),
            });
        }
    }
    out
}

fn all_pairs(n: usize) -> Vec<(usize, usize)> {
    (0..n)
        .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
        .collect()
}

impl RecordViews {
    /// The ids of the records of `kind`, in collection order.
    pub fn ids(&self, kind: &str) -> Vec<String> {
        self.by_kind.get(kind).map_or_else(Vec::new, |l| {
            l.iter()
                .filter_map(|&i| self.views[i]["id"].as_str().map(str::to_string))
                .collect()
        })
    }

    pub fn new(site: &Site, sprints: &Analysis) -> RecordViews {
        let records: &Records = &site.records;
        let mut views: Vec<Value> = records.list.iter().map(|r| view(site, r)).collect();
        // Each sprint's view carries its report, each Product Goal's its burnup and forecast.
        for (&i, report) in &sprints.reports {
            if let Some(Value::Object(m)) = views.get_mut(i) {
                m.insert("report".into(), report.clone());
            }
        }
        for (&i, goal) in &sprints.goals {
            if let Some(Value::Object(m)) = views.get_mut(i) {
                m.insert("goal".into(), goal.clone());
            }
        }
        // Guide steps: numbered within their section, in collection order.
        let mut steps: HashMap<usize, Vec<usize>> = HashMap::new();
        for (kind, list) in &records.by_kind {
            for &i in list {
                let r = &records.list[i];
                if *kind == "guide" {
                    steps.entry(site.pages[r.page].section).or_default().push(i);
                }
            }
        }
        for list in steps.values() {
            for (n, &i) in list.iter().enumerate() {
                if let Value::Object(m) = &mut views[i] {
                    m.insert("step".into(), Value::from(n + 1));
                    m.insert("steps".into(), Value::from(list.len()));
                }
            }
        }
        let index = records
            .list
            .iter()
            .enumerate()
            .map(|(i, r)| ((r.kind.name.to_string(), r.id.clone()), i))
            .collect();
        let by_kind = records
            .by_kind
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        let collections = crate::model::records::KINDS
            .iter()
            .map(|k| (k.collection.to_string(), k.name.to_string()))
            .collect();
        let mut referencing: HashMap<(String, String), Vec<usize>> = HashMap::new();
        for list in records.by_kind.values() {
            for &i in list {
                let r = &records.list[i];
                for f in r.kind.fields {
                    let (to, ids): (&str, Vec<&str>) = match f.ty {
                        FieldType::Ref(to) => (
                            to,
                            r.fields
                                .get(f.name)
                                .and_then(Value::as_str)
                                .into_iter()
                                .collect(),
                        ),
                        FieldType::RefList(to) => (
                            to,
                            r.fields
                                .get(f.name)
                                .and_then(Value::as_array)
                                .map(|a| a.iter().filter_map(Value::as_str).collect())
                                .unwrap_or_default(),
                        ),
                        _ => continue,
                    };
                    for id in ids {
                        let list = referencing
                            .entry((to.to_string(), id.to_string()))
                            .or_default();
                        if !list.contains(&i) {
                            list.push(i);
                        }
                    }
                }
            }
        }
        let mut roles_by_section: HashMap<String, Vec<usize>> = HashMap::new();
        for &i in records
            .by_kind
            .get("role")
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let section = site.pages[records.list[i].page].section;
            roles_by_section
                .entry(with_base(&site.base_path, &site.sections[section].url))
                .or_default()
                .push(i);
        }
        let orders = records.list.iter().map(|r| r.key_order.clone()).collect();
        RecordViews {
            views,
            orders,
            index,
            by_kind,
            collections,
            referencing,
            roles_by_section,
            pairs: role_pairs(site, records),
        }
    }

    fn kind_name<'s>(&'s self, name: &'s str) -> &'s str {
        self.collections.get(name).map_or(name, String::as_str)
    }

    pub fn collection(&self, name: &str) -> Vec<&Value> {
        self.by_kind
            .get(self.kind_name(name))
            .map(|l| l.iter().map(|&i| &self.views[i]).collect())
            .unwrap_or_default()
    }

    pub fn get(&self, kind: &str, id: &str) -> Option<&Value> {
        self.index
            .get(&(kind.to_string(), id.to_string()))
            .map(|&i| &self.views[i])
    }

    pub fn referencing(&self, kind: &str, id: &str) -> Vec<&Value> {
        self.referencing
            .get(&(kind.to_string(), id.to_string()))
            .map(|l| l.iter().map(|&i| &self.views[i]).collect())
            .unwrap_or_default()
    }

    /// The view of the record a page is, if it is one.
    pub fn of_page(&self, site: &Site, page: usize) -> Option<&Value> {
        site.records.by_page.get(&page).map(|&i| &self.views[i])
    }

    /// Roles as columns, aspects as rows (the union of all aspects, in first-seen order).
    pub fn role_table(
        &self,
        ids: Option<&[String]>,
        section: Option<&str>,
    ) -> Result<RoleTable, String> {
        let roles: Vec<usize> = match (ids, section) {
            (Some(ids), _) => ids
                .iter()
                .map(|id| {
                    self.index
                        .get(&("role".to_string(), id.clone()))
                        .copied()
                        .ok_or_else(|| {
                            let known: Vec<&str> = self
                                .collection("role")
                                .iter()
                                .filter_map(|v| v["id"].as_str())
                                .collect();
                            match crate::error::did_you_mean(id, known) {
                                Some(s) => {
                                    format!("role_table: no role `{id}`; did you mean `{s}`?")
                                }
                                None => format!("role_table: no role `{id}`"),
                            }
                        })
                })
                .collect::<Result<_, _>>()?,
            (None, Some(url)) => self.roles_by_section.get(url).cloned().unwrap_or_default(),
            (None, None) => self.by_kind.get("role").cloned().unwrap_or_default(),
        };
        let aspects = self.union_of_keys(&roles, "aspects");
        let roles: Vec<&Value> = roles.iter().map(|&i| &self.views[i]).collect();
        Ok(RoleTable {
            roles: roles.iter().map(|r| link(r)).collect(),
            rows: aspects
                .iter()
                .map(|a| Row {
                    label: label(a),
                    key: a.clone(),
                    cells: roles
                        .iter()
                        .map(|r| r["aspects"][a].as_str().map(str::to_string))
                        .collect(),
                })
                .collect(),
        })
    }

    /// The keys of a mapping field over several records: first-seen order, each once.
    fn union_of_keys(&self, records: &[usize], field: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for &i in records {
            for k in self.orders[i]
                .get(field)
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                if !out.contains(k) {
                    out.push(k.clone());
                }
            }
        }
        out
    }

    /// Anti-patterns grouped by role, in role order; one role when `role` is given.
    pub fn antipattern_groups(&self, role: Option<&str>) -> Vec<Group<'_>> {
        self.collection("role")
            .into_iter()
            .filter(|r| role.is_none_or(|id| r["id"].as_str() == Some(id)))
            .map(|r| Group {
                title: r["title"].as_str().unwrap_or_default().to_string(),
                url: r["url"].as_str().map(str::to_string),
                id: r["id"].as_str().unwrap_or_default().to_string(),
                items: self
                    .referencing("role", r["id"].as_str().unwrap_or_default())
                    .into_iter()
                    .filter(|v| v["kind"] == "antipattern")
                    .collect(),
            })
            .filter(|g| !g.items.is_empty())
            .collect()
    }

    /// Terms grouped by initial letter, A–Z.
    pub fn glossary_index(&self) -> Vec<Group<'_>> {
        let mut terms = self.collection("term");
        terms.sort_by_key(|t| t["title"].as_str().unwrap_or_default().to_lowercase());
        let mut groups: Vec<Group> = Vec::new();
        for t in terms {
            let letter = t["title"]
                .as_str()
                .and_then(|s| s.chars().next())
                .map(|c| c.to_uppercase().to_string())
                .filter(|c| c.chars().all(char::is_alphabetic))
                .unwrap_or_else(|| "#".into());
            match groups.last_mut() {
                Some(g) if g.title == letter => g.items.push(t),
                _ => groups.push(Group {
                    id: format!("letter-{}", letter.to_lowercase()),
                    title: letter,
                    url: None,
                    items: vec![t],
                }),
            }
        }
        groups
    }

    /// Definition-of-Done items, grouped by factor in number order.
    pub fn definition_of_done(&self) -> Vec<Group<'_>> {
        let mut factors = self.collection("factor");
        factors.sort_by_key(|f| f["number"].as_i64().unwrap_or_default());
        factors
            .into_iter()
            .filter(|f| {
                f["definition_of_done"]
                    .as_array()
                    .is_some_and(|a| !a.is_empty())
            })
            .map(|f| Group {
                id: f["id"].as_str().unwrap_or_default().to_string(),
                title: f["title"].as_str().unwrap_or_default().to_string(),
                url: f["url"].as_str().map(str::to_string),
                items: f["definition_of_done"]
                    .as_array()
                    .map(|a| a.iter().collect())
                    .unwrap_or_default(),
            })
            .collect()
    }

    /// Responsibilities as rows (first-seen order), teams as columns.
    pub fn raci_matrix(&self) -> RoleTable {
        let team_ids = self.by_kind.get("team").cloned().unwrap_or_default();
        let rows = self.union_of_keys(&team_ids, "responsibilities");
        let teams: Vec<&Value> = team_ids.iter().map(|&i| &self.views[i]).collect();
        RoleTable {
            roles: teams.iter().map(|t| link(t)).collect(),
            rows: rows
                .iter()
                .map(|r| Row {
                    label: r.clone(),
                    key: r.clone(),
                    cells: teams
                        .iter()
                        .map(|t| t["responsibilities"][r].as_str().map(str::to_string))
                        .collect(),
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
pub struct ColumnLink {
    pub id: String,
    pub title: String,
    pub url: Option<String>,
}

#[derive(Serialize)]
pub struct Row {
    pub key: String,
    pub label: String,
    /// One cell per column; `None` where the column has nothing for this row.
    pub cells: Vec<Option<String>>,
}

/// A matrix: columns (roles or teams) and labelled rows.
#[derive(Serialize)]
pub struct RoleTable {
    pub roles: Vec<ColumnLink>,
    pub rows: Vec<Row>,
}

#[derive(Serialize)]
pub struct Group<'a> {
    pub id: String,
    pub title: String,
    pub url: Option<String>,
    pub items: Vec<&'a Value>,
}

fn link(v: &Value) -> ColumnLink {
    ColumnLink {
        id: v["id"].as_str().unwrap_or_default().to_string(),
        title: v["title"].as_str().unwrap_or_default().to_string(),
        url: v["url"].as_str().map(str::to_string),
    }
}

/// `technical_focus` → `Technical focus`.
pub fn label(key: &str) -> String {
    let spaced = key.replace(['_', '-'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn view(site: &Site, r: &Record) -> Value {
    let mut m = Map::new();
    m.insert("kind".into(), Value::from(r.kind.name));
    m.insert("id".into(), Value::from(r.id.clone()));
    m.insert("title".into(), Value::from(r.title.clone()));
    m.insert("weight".into(), Value::from(r.weight));
    m.insert(
        "url".into(),
        Value::from(with_base(&site.base_path, &site.pages[r.page].url)),
    );
    m.insert(
        "source".into(),
        Value::from(crate::load::slash_path(&r.source)),
    );
    for (k, v) in &r.fields {
        m.insert(k.clone(), v.clone());
    }
    Value::Object(m)
}

fn tv<T: Serialize + ?Sized>(v: &T) -> tera::Value {
    tera::Value::from_serializable(v)
}

/// Registers the record functions on the engine.
pub fn register(tera: &mut Tera, views: Arc<RecordViews>) {
    let v = views.clone();
    tera.register_function(
        "collection",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
            let name: String = kwargs.must_get("name")?;
            Ok(tv(&v.collection(&name)))
        },
    );
    let v = views.clone();
    tera.register_function(
        "record",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
            let kind: String = kwargs.must_get("kind")?;
            let id: String = kwargs.must_get("id")?;
            v.get(&kind, &id)
                .map(tv)
                .ok_or_else(|| tera::Error::message(format!("no {kind} record `{id}`")))
        },
    );
    let v = views.clone();
    tera.register_function(
        "referencing",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
            let kind: String = kwargs.must_get("kind")?;
            let id: String = kwargs.must_get("id")?;
            Ok(tv(&v.referencing(&kind, &id)))
        },
    );
    let v = views.clone();
    tera.register_function(
        "role_table",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
            let roles: Option<String> = kwargs.get("roles")?;
            let section: Option<String> = kwargs.get("section")?;
            let ids: Option<Vec<String>> = roles.filter(|r| !r.trim().is_empty()).map(|r| {
                r.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            });
            v.role_table(ids.as_deref(), section.as_deref())
                .map(|t| tv(&t))
                .map_err(tera::Error::message)
        },
    );
    let v = views.clone();
    tera.register_function(
        "role_pairs",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
            let role: Option<String> = kwargs.get("role")?;
            let list: Vec<&RolePair> = v
                .pairs
                .iter()
                .filter(|p| role.as_ref().is_none_or(|r| p.a == *r || p.b == *r))
                .collect();
            Ok(tv(&list))
        },
    );
    let v = views.clone();
    tera.register_function(
        "antipattern_groups",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
            let role: Option<String> = kwargs.get("role")?;
            let role = role.filter(|r| !r.is_empty());
            if let Some(r) = &role
                && v.get("role", r).is_none()
            {
                return Err(tera::Error::message(format!("antipatterns: no role `{r}`")));
            }
            Ok(tv(&v.antipattern_groups(role.as_deref())))
        },
    );
    let v = views.clone();
    tera.register_function(
        "glossary_index",
        move |_: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
            Ok(tv(&v.glossary_index()))
        },
    );
    let v = views.clone();
    tera.register_function(
        "definition_of_done",
        move |_: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
            Ok(tv(&v.definition_of_done()))
        },
    );
    let v = views;
    tera.register_function(
        "raci_matrix",
        move |_: Kwargs, _: &State| -> tera::TeraResult<tera::Value> { Ok(tv(&v.raci_matrix())) },
    );
}

/// Registers `sprint_overview(team=…)`, `portfolio()` and `backlog(status=…)` on the engine.
pub fn register_sprints(tera: &mut Tera, analysis: Arc<Analysis>, team_ids: Vec<String>) {
    let a = analysis.clone();
    tera.register_function(
        "sprint_overview",
        move |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<tera::Value> {
            let team: Option<String> = kwargs.get("team")?;
            match team.filter(|t| !t.is_empty()) {
                None => Ok(tera::Value::from_serializable(&a.overview)),
                Some(t) => match a.teams.iter().find(|(id, _)| *id == t) {
                    Some((_, o)) => Ok(tera::Value::from_serializable(o)),
                    // A team with no sprints yet has an empty overview.
                    None if team_ids.contains(&t) => Ok(tera::Value::from_serializable(
                        &serde_json::json!({"sprints": [], "velocity": null, "open_actions": []}),
                    )),
                    None => Err(tera::Error::message(format!(
                        "no team `{t}`; {}",
                        crate::error::hint(&t, team_ids.iter().map(String::as_str), "teams")
                    ))),
                },
            }
        },
    );
    let a = analysis.clone();
    tera.register_function(
        "portfolio",
        move |_: tera::Kwargs, _: &tera::State| -> tera::TeraResult<tera::Value> {
            Ok(tera::Value::from_serializable(&a.portfolio))
        },
    );
    let a = analysis;
    tera.register_function(
        "backlog",
        move |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<tera::Value> {
            let status: Option<String> = kwargs.get("status")?;
            let wanted: Vec<String> = status
                .unwrap_or_default()
                .split(',')
                .map(|s| s.trim().replace([' ', '-'], "_"))
                .filter(|s| !s.is_empty())
                .collect();
            if let Some(bad) = wanted.iter().find(|w| !STATUSES.contains(&w.as_str())) {
                return Err(tera::Error::message(format!(
                    "backlog: unknown status `{bad}`; use {}",
                    STATUSES.join(", ")
                )));
            }
            let list: Vec<&Value> = a
                .backlog
                .iter()
                .filter(|v| {
                    wanted.is_empty()
                        || v["status"]
                            .as_str()
                            .is_some_and(|s| wanted.iter().any(|w| w == s))
                })
                .collect();
            Ok(tera::Value::from_serializable(&list))
        },
    );
}
