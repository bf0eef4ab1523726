//! Stage 3b: typed records. In: the assembled `Site` (pages whose front matter has a `kind`) and
//! the YAML files under `data/<collection>`. Out: validated records in their collections, a page
//! for each data-file record, and every problem located at `file:line:col`, all in one pass.
//!
//! `kinds` holds the kind and field tables, `values` the readers of field values and the
//! seed-style keys of backlog and sprint files, `collect` the pass that finds and checks every
//! record, `schema` the JSON Schema of each kind; this file holds the records themselves.

mod collect;
pub mod kinds;
pub mod schema;
pub mod values;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use collect::collect;
pub use kinds::{COMMON, Field, FieldType, KINDS, Kind, kind, kind_or_hint};

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
