//! Stage 1 (load), Hugo sites: a Hugo config (`hugo.toml|yaml|json`, `config.*`,
//! `config/_default/`) read when there is no `teambook.yaml`. In: the site root. Out: the
//! equivalent `Config` and notes naming every Hugo key or folder teambook does not honour.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::config::{Config, MenuItem};
use crate::error::Error;

/// Config file names Hugo looks for at the site root, in its order of preference.
const ROOT_FILES: &[&str] = &[
    "hugo.toml",
    "hugo.yaml",
    "hugo.yml",
    "hugo.json",
    "config.toml",
    "config.yaml",
    "config.yml",
    "config.json",
];

/// A Hugo config turned into teambook's.
#[derive(Debug)]
pub struct HugoConfig {
    pub config: Config,
    /// The files read, relative to the root.
    pub files: Vec<PathBuf>,
    /// What teambook does not honour, one line each, for the build summary.
    pub notes: Vec<String>,
}

/// Reads the Hugo config of `root`, if it has one.
pub fn load(root: &Path) -> Result<Option<HugoConfig>, Vec<Error>> {
    let mut merged = Map::new();
    let mut files = Vec::new();
    let mut errors = Vec::new();
    // config/_default/ first: a root file wins over it, as in Hugo.
    let default_dir = root.join("config/_default");
    if default_dir.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&default_dir)
            .map_err(|e| vec![Error::io(&default_dir, e)])?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        entries.sort();
        for path in entries {
            let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            let Some((stem, ext)) = stem_and_ext(&path) else {
                continue;
            };
            match read_map(root, &rel, &ext) {
                Ok(map) => {
                    if stem == "hugo" || stem == "config" {
                        deep_merge(&mut merged, map);
                    } else {
                        let mut wrapped = Map::new();
                        wrapped.insert(stem, Value::Object(map));
                        deep_merge(&mut merged, wrapped);
                    }
                    files.push(rel);
                }
                Err(e) => errors.push(e),
            }
        }
    }
    if let Some(name) = ROOT_FILES.iter().find(|n| root.join(n).is_file()) {
        let rel = PathBuf::from(name);
        let ext = name.rsplit('.').next().unwrap_or("toml").to_string();
        match read_map(root, &rel, &ext) {
            Ok(map) => {
                deep_merge(&mut merged, map);
                files.push(rel);
            }
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if files.is_empty() {
        return Ok(None);
    }
    let (mut config, mut notes) = map_config(&merged);
    config.from_hugo = true;
    if root.join("layouts").is_dir() {
        notes.push(
            "layouts/ holds Go templates, which teambook cannot run: the site is rendered with the default theme".into(),
        );
    }
    if root.join("themes").is_dir() && config.theme.is_none() {
        notes.push("themes/ holds Hugo themes, which teambook cannot run".into());
    }
    if root.join("assets").is_dir() {
        notes.push("assets/ (Hugo Pipes) is not processed".into());
    }
    Ok(Some(HugoConfig {
        config,
        files,
        notes,
    }))
}

/// `params.en.toml` → (`params`, `toml`); the language part is dropped.
fn stem_and_ext(path: &Path) -> Option<(String, String)> {
    let name = path.file_name()?.to_str()?;
    let mut parts: Vec<&str> = name.split('.').collect();
    if parts.len() < 2 {
        return None;
    }
    let ext = parts.pop()?.to_ascii_lowercase();
    if !matches!(ext.as_str(), "toml" | "yaml" | "yml" | "json") {
        return None;
    }
    Some((parts[0].to_ascii_lowercase(), ext))
}

fn read_map(root: &Path, rel: &Path, ext: &str) -> Result<Map<String, Value>, Error> {
    crate::load::stays_inside(root, rel).map_err(|outside| outside.error(rel))?;
    let text = std::fs::read_to_string(root.join(rel)).map_err(|e| Error::io(rel, e))?;
    let value: Value = match ext {
        "json" => serde_json::from_str(&text)
            .map_err(|e| Error::at(rel, &text, e.line(), e.column(), e.to_string()))?,
        "toml" => {
            let table: toml::Table = text
                .parse()
                .map_err(|e: toml::de::Error| Error::at_bytes(rel, &text, e.span(), e.message()))?;
            serde_json::to_value(table).unwrap_or_default()
        }
        _ if text.trim().is_empty() => Value::Object(Map::new()),
        _ => crate::yaml::from_str(&text).map_err(|e| e.in_file(rel, &text, 1))?,
    };
    match value {
        Value::Object(m) => Ok(lower_keys(m)),
        Value::Null => Ok(Map::new()),
        _ => Err(Error::file(rel, "a Hugo config must be a mapping of keys")),
    }
}

/// Hugo's config keys are case-insensitive; `params` keep their case for templates.
fn lower_keys(map: Map<String, Value>) -> Map<String, Value> {
    map.into_iter()
        .map(|(k, v)| {
            let lower = k.to_lowercase();
            let v = match v {
                Value::Object(m) if lower != "params" => Value::Object(lower_keys(m)),
                other => other,
            };
            (lower, v)
        })
        .collect()
}

fn deep_merge(into: &mut Map<String, Value>, from: Map<String, Value>) {
    for (k, v) in from {
        match (into.get_mut(&k), v) {
            (Some(Value::Object(a)), Value::Object(b)) => deep_merge(a, b),
            (_, v) => {
                into.insert(k, v);
            }
        }
    }
}

/// Maps Hugo's keys onto `Config`; returns the notes for keys that are not honoured.
pub fn map_config(hugo: &Map<String, Value>) -> (Config, Vec<String>) {
    let mut c = Config::default();
    // Hugo escapes raw HTML in Markdown unless told otherwise.
    c.markdown.unsafe_html = false;
    c.rss = true;
    let mut ignored: Vec<String> = Vec::new();
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    for (key, value) in hugo {
        match key.as_str() {
            "baseurl" => {
                if let Some(u) = text(value).filter(|u| !u.is_empty()) {
                    c.base_url = u;
                }
            }
            "title" => c.title = text(value).unwrap_or_default(),
            "languagecode" => {
                if let Some(l) = text(value) {
                    c.language = l;
                }
            }
            "defaultcontentlanguage" if c.language == "en" => {
                if let Some(l) = text(value) {
                    c.language = l;
                }
            }
            "taxonomies" => {
                if let Value::Object(m) = value {
                    // Hugo writes `singular = "plural"`; the plural names the URLs.
                    c.taxonomies = m.values().filter_map(text).collect();
                }
            }
            "paginate" => {
                if let Some(n) = value.as_u64() {
                    c.paginate = n as usize;
                }
            }
            "pagination" => {
                if let Value::Object(m) = value {
                    for (k, v) in m {
                        match (k.as_str(), v.as_u64()) {
                            ("pagersize", Some(n)) => c.paginate = n as usize,
                            ("path", _) if text(v).as_deref() == Some("page") => {}
                            _ => ignored.push(format!("pagination.{k}")),
                        }
                    }
                }
            }
            "menu" | "menus" => {
                if let Value::Object(m) = value {
                    for (name, items) in m {
                        let list = menu_items(items);
                        c.menus.entry(name.clone()).or_default().extend(list);
                    }
                }
            }
            "params" => {
                if let Value::Object(m) = value {
                    if let Some(d) = m
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case("description"))
                        .and_then(|(_, v)| text(v))
                    {
                        c.description = d;
                    }
                    c.params = m.clone();
                }
            }
            "enablerobotstxt" => {}
            "buildfuture" => c.future = value.as_bool().unwrap_or(false),
            "builddrafts" => c.drafts = value.as_bool().unwrap_or(false),
            "buildexpired" if value.as_bool() == Some(false) => {}
            "markup" => map_markup(value, &mut c, &mut ignored),
            "permalinks" => {
                if let Value::Object(m) = value {
                    for (k, v) in m {
                        match (k.as_str(), v) {
                            // Newer form: [permalinks.page], [permalinks.term].
                            ("page" | "term" | "section" | "taxonomy", Value::Object(inner)) => {
                                for (s, pattern) in inner {
                                    if k == "page" || k == "term" {
                                        if let Some(p) = text(pattern) {
                                            c.permalinks.insert(s.clone(), p);
                                        }
                                    } else {
                                        ignored.push(format!("permalinks.{k}.{s}"));
                                    }
                                }
                            }
                            (_, v) => {
                                if let Some(p) = text(v) {
                                    c.permalinks.insert(k.clone(), p);
                                }
                            }
                        }
                    }
                }
            }
            "publishdir" => {
                if let Some(d) = text(value) {
                    c.output_dir = d;
                }
            }
            "description" => c.description = text(value).unwrap_or_default(),
            // Settings that match what teambook does anyway.
            "disablepathtolower" | "relativeurls" | "canonifyurls" | "uglyurls"
                if value.as_bool() == Some(false) => {}
            "contentdir" if text(value).as_deref() == Some("content") => {}
            _ => ignored.push(key.clone()),
        }
    }
    let mut notes = Vec::new();
    if !ignored.is_empty() {
        ignored.sort();
        ignored.dedup();
        notes.push(format!(
            "Hugo config keys not honoured: {}",
            ignored.join(", ")
        ));
    }
    (c, notes)
}

fn map_markup(value: &Value, c: &mut Config, ignored: &mut Vec<String>) {
    let Value::Object(markup) = value else {
        return;
    };
    for (k, v) in markup {
        match (k.as_str(), v) {
            ("goldmark", Value::Object(g)) => {
                for (gk, gv) in g {
                    match (gk.as_str(), gv) {
                        ("renderer", Value::Object(r)) => {
                            for (rk, rv) in r {
                                match (rk.as_str(), rv.as_bool()) {
                                    ("unsafe", Some(b)) => c.markdown.unsafe_html = b,
                                    _ => ignored.push(format!("markup.goldmark.renderer.{rk}")),
                                }
                            }
                        }
                        ("extensions", Value::Object(e)) => {
                            for (ek, ev) in e {
                                match (ek.as_str(), ev) {
                                    ("typographer", Value::Bool(b)) => {
                                        c.markdown.smart_punctuation = *b
                                    }
                                    ("typographer", Value::Object(t)) => {
                                        c.markdown.smart_punctuation = t
                                            .get("disable")
                                            .and_then(Value::as_bool)
                                            .is_none_or(|d| !d)
                                    }
                                    _ => ignored.push(format!("markup.goldmark.extensions.{ek}")),
                                }
                            }
                        }
                        _ => ignored.push(format!("markup.goldmark.{gk}")),
                    }
                }
            }
            _ => ignored.push(format!("markup.{k}")),
        }
    }
}

/// `[[menu.main]] name, url|pageRef, weight` → teambook menu items.
fn menu_items(items: &Value) -> Vec<MenuItem> {
    let Value::Array(list) = items else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|item| {
            let m = item.as_object()?;
            let get = |k: &str| {
                m.iter()
                    .find(|(key, _)| key.eq_ignore_ascii_case(k))
                    .map(|(_, v)| v)
            };
            let name = get("name")
                .or_else(|| get("identifier"))
                .and_then(Value::as_str)?;
            let url = get("url")
                .or_else(|| get("pageref"))
                .and_then(Value::as_str)
                .map(|u| {
                    if u.contains("://") || u.ends_with('/') {
                        u.to_string()
                    } else {
                        format!("{}/", crate::util::slug::urlize_path(u))
                    }
                })
                .unwrap_or_else(|| "/".into());
            Some(MenuItem {
                name: name.to_string(),
                url,
                weight: get("weight").and_then(Value::as_i64).unwrap_or(0),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toml_map(text: &str) -> Map<String, Value> {
        let t: toml::Table = text.parse().unwrap();
        lower_keys(
            serde_json::to_value(t)
                .unwrap()
                .as_object()
                .unwrap()
                .clone(),
        )
    }

    #[test]
    fn hugo_keys_map_onto_config() {
        let (c, notes) = map_config(&toml_map(
            r#"
baseURL = "https://example.org/blog/"
title = "Sprint notes"
languageCode = "en-gb"
buildFuture = true
enableRobotsTXT = true
theme = "ananke"
[taxonomies]
  tag = "tags"
  series = "series"
[pagination]
  pagerSize = 5
[params]
  Description = "What we shipped"
  accent = "teal"
[[menu.main]]
  name = "Posts"
  pageRef = "/posts"
  weight = 2
[[menu.main]]
  name = "About"
  url = "/about/"
  weight = 1
[markup.goldmark.renderer]
  unsafe = true
[markup.highlight]
  style = "monokai"
[permalinks]
  posts = "/:year/:month/:slug/"
"#,
        ));
        assert_eq!(c.base_url, "https://example.org/blog/");
        assert_eq!(c.title, "Sprint notes");
        assert_eq!(c.language, "en-gb");
        assert!(c.future && !c.drafts);
        assert_eq!(c.taxonomies, ["series", "tags"]);
        assert_eq!(c.paginate, 5);
        assert_eq!(c.description, "What we shipped");
        assert_eq!(c.params["accent"], "teal");
        assert_eq!(c.menus["main"][0].url, "/posts/");
        assert_eq!(c.menus["main"][1].url, "/about/");
        assert!(c.markdown.unsafe_html);
        assert_eq!(c.permalinks["posts"], "/:year/:month/:slug/");
        assert!(c.rss);
        assert_eq!(
            notes,
            ["Hugo config keys not honoured: markup.highlight, theme"]
        );
    }

    #[test]
    fn old_paginate_and_hugo_defaults() {
        let (c, notes) = map_config(&toml_map("paginate = 3\n"));
        assert_eq!(c.paginate, 3);
        assert!(!c.markdown.unsafe_html, "Hugo escapes raw HTML by default");
        assert_eq!(c.taxonomies, ["tags", "categories"]);
        assert!(notes.is_empty());
    }

    #[test]
    fn config_files_merge_and_layouts_are_noted() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("config/_default")).unwrap();
        std::fs::create_dir_all(root.join("layouts")).unwrap();
        std::fs::write(
            root.join("config/_default/hugo.yaml"),
            "title: From default\nbaseURL: https://a.b/\n",
        )
        .unwrap();
        std::fs::write(
            root.join("config/_default/params.toml"),
            "motto = \"ship it\"\n",
        )
        .unwrap();
        std::fs::write(root.join("hugo.json"), r#"{"Title": "From root"}"#).unwrap();
        let h = load(root).unwrap().unwrap();
        assert_eq!(h.config.title, "From root");
        assert_eq!(h.config.base_url, "https://a.b/");
        assert_eq!(h.config.params["motto"], "ship it");
        assert!(
            h.notes[0].starts_with("layouts/ holds Go templates"),
            "{:?}",
            h.notes
        );
        let yaml = crate::commands::init::to_teambook_yaml(&h);
        let back = Config::parse(Path::new("teambook.yaml"), &yaml).unwrap();
        assert_eq!(back.title, "From root");
        assert_eq!(back.params["motto"], "ship it");
        assert!(back.rss);
    }

    #[test]
    fn no_hugo_config_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(dir.path()).unwrap().is_none());
    }
}
