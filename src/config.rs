//! Stage 0: the site configuration, `teambook.yaml`.
//! In: the file's text. Out: a checked `Config`, or errors naming the unknown or mistyped key.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Span;
use crate::error::{Error, did_you_mean};
use crate::yaml;

pub const CONFIG_FILE: &str = "teambook.yaml";

/// The whole `teambook.yaml`. Unknown keys are errors (see `KNOWN_KEYS`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default = "default_title")]
    pub title: String,
    #[serde(default = "default_base_url")]
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub description: String,
    /// A theme folder under `themes/`; `None` or `"default"` is the built-in theme.
    #[serde(default)]
    pub theme: Option<String>,
    #[serde(default = "default_taxonomies")]
    pub taxonomies: Vec<String>,
    /// Pages per pager of sections and taxonomy terms; 0 turns pagination off.
    #[serde(default = "default_paginate")]
    pub paginate: usize,
    /// Templates see these through `config.menus` with base-path URLs, not as written.
    #[serde(default, skip_serializing)]
    pub menus: BTreeMap<String, Vec<MenuItem>>,
    #[serde(default)]
    pub params: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    pub drafts: bool,
    #[serde(default)]
    pub future: bool,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    #[serde(default)]
    pub highlight: HighlightConfig,
    #[serde(default)]
    pub repo_url: Option<String>,
    /// Path appended to `repo_url` before a page's source path, e.g. `edit/main/content`.
    #[serde(default)]
    pub edit_path: Option<String>,
    #[serde(default = "default_output_dir")]
    pub output_dir: String,
    /// Custom domain written to `CNAME` for GitHub Pages.
    #[serde(default)]
    pub cname: Option<String>,
    /// Entries per Atom feed.
    #[serde(default = "default_feed_limit")]
    pub feed_limit: usize,
    /// URL patterns by top-level section (or taxonomy), as Hugo's `permalinks`:
    /// `posts: /:year/:month/:slug/`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub permalinks: BTreeMap<String, String>,
    /// Also write RSS feeds where Hugo puts them (`index.xml` of home, sections and terms).
    #[serde(default)]
    pub rss: bool,
    /// A share card (`og:image`, a 1200×630 PNG) for every page; `false` for none.
    #[serde(default = "yes")]
    pub share_cards: bool,
    /// How `teambook import` reads a tracker's custom fields and workflow.
    #[serde(default, skip_serializing)]
    pub import: ImportConfig,
    /// Read from a Hugo config (no `teambook.yaml`): `data/` is the site's own data, never
    /// typed records. Not a key of `teambook.yaml`.
    #[serde(skip)]
    pub from_hugo: bool,
}

/// The `import:` block: what the stock columns and statuses do not cover.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ImportConfig {
    /// The column holding story points, e.g. `Custom field (Effort)`.
    #[serde(default)]
    pub points: Option<String>,
    /// A tracker status → `todo`, `in_progress`, `done` or `dropped`.
    #[serde(default)]
    pub status: BTreeMap<String, String>,
    /// The date format of the export (jiff strftime), when not the tool's default, e.g.
    /// `%d.%m.%Y %H:%M` for a Jira user with German settings.
    #[serde(default)]
    pub date_format: Option<String>,
    /// Which column names an item's team, and tracker team names that are not a team's id or
    /// title: `team: {column: "Squad", values: {"Payments squad": payments}}`.
    #[serde(default)]
    pub team: TeamImport,
}

/// The `team:` block of `import:`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TeamImport {
    /// The column (GitHub Projects: the field) holding the team, when not the tool's own.
    #[serde(default)]
    pub column: Option<String>,
    /// A tracker's team name → the id of a team record of the site.
    #[serde(default)]
    pub values: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MenuItem {
    pub name: String,
    pub url: String,
    #[serde(default)]
    pub weight: i64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    #[serde(default = "yes")]
    pub smart_punctuation: bool,
    #[serde(default = "yes")]
    pub unsafe_html: bool,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            smart_punctuation: true,
            unsafe_html: true,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HighlightConfig {
    #[serde(default = "default_light_theme")]
    pub theme: String,
    #[serde(default = "default_dark_theme")]
    pub dark_theme: String,
}

impl Default for HighlightConfig {
    fn default() -> Self {
        HighlightConfig {
            theme: default_light_theme(),
            dark_theme: default_dark_theme(),
        }
    }
}

fn yes() -> bool {
    true
}
fn default_title() -> String {
    "Handbook".into()
}
fn default_base_url() -> String {
    "/".into()
}
fn default_language() -> String {
    "en".into()
}
fn default_taxonomies() -> Vec<String> {
    vec!["tags".into(), "categories".into()]
}
fn default_paginate() -> usize {
    10
}
fn default_output_dir() -> String {
    "public".into()
}
fn default_feed_limit() -> usize {
    20
}
fn default_light_theme() -> String {
    "InspiredGitHub".into()
}
fn default_dark_theme() -> String {
    "OneHalfDark".into()
}

const KNOWN_KEYS: &[&str] = &[
    "title",
    "base_url",
    "language",
    "description",
    "theme",
    "taxonomies",
    "paginate",
    "menus",
    "params",
    "drafts",
    "future",
    "markdown",
    "highlight",
    "repo_url",
    "edit_path",
    "output_dir",
    "cname",
    "feed_limit",
    "permalinks",
    "rss",
    "share_cards",
    "import",
];
const IMPORT_KEYS: &[&str] = &["points", "status", "date_format", "team"];
const MARKDOWN_KEYS: &[&str] = &["smart_punctuation", "unsafe_html"];
const HIGHLIGHT_KEYS: &[&str] = &["theme", "dark_theme"];

impl Default for Config {
    fn default() -> Self {
        yaml::from_str("{}").expect("the empty config is valid")
    }
}

impl Config {
    /// Parses `teambook.yaml`; `path` is only used in error messages.
    pub fn parse(path: &Path, text: &str) -> Result<Config, Vec<Error>> {
        let raw: serde_json::Value = if text.trim().is_empty() {
            serde_json::Value::Object(Default::default())
        } else {
            yaml::from_str(text).map_err(|e| vec![e.in_file(path, text, 1)])?
        };
        let Some(map) = raw.as_object() else {
            return Err(vec![Error::at(
                path,
                text,
                1,
                1,
                "the config must be a mapping of `key: value` lines",
            )]);
        };
        let mut errors = unknown_keys(path, text, map, KNOWN_KEYS, "", 0);
        for (section, keys) in [
            ("markdown", MARKDOWN_KEYS),
            ("highlight", HIGHLIGHT_KEYS),
            ("import", IMPORT_KEYS),
        ] {
            if let Some(sub) = map.get(section).and_then(|v| v.as_object()) {
                let start = key_position(text, section, 0).map_or(0, |(l, _)| l);
                errors.extend(unknown_keys(path, text, sub, keys, section, start));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let config: Config = yaml::from_str(text).map_err(|e| {
            vec![
                e.in_file(path, text, 1)
                    .with_help("see the config keys in README.md"),
            ]
        })?;
        config.check(path, text)?;
        Ok(config)
    }

    fn check(&self, path: &Path, text: &str) -> Result<(), Vec<Error>> {
        let mut errors = Vec::new();
        if let Some(message) = base_url_problem(&self.base_url) {
            let (line, col) = key_position(text, "base_url", 0).unwrap_or((1, 1));
            errors.push(
                Error::at(path, text, line, col, message)
                    .with_help("write it like `https://org.github.io/handbook/`"),
            );
        }
        let below = key_position(text, "permalinks", 0).map_or(0, |(l, _)| l);
        for (section, pattern) in &self.permalinks {
            if let Some(message) = permalink_problem(pattern) {
                let (line, col) = key_position(text, section, below).unwrap_or((1, 1));
                errors.push(
                    Error::at(
                        path,
                        text,
                        line,
                        col,
                        format!("`permalinks: {section}`: {message}"),
                    )
                    .with_help(format!(
                        "write a path inside the site from these parts: /, text and :{}",
                        PERMALINK_TOKENS.join(", :")
                    )),
                );
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The path part of `base_url`, always with leading and trailing slashes (`/handbook/`).
    pub fn base_path(&self) -> String {
        let rest = self
            .base_url
            .split_once("://")
            .map_or(self.base_url.as_str(), |(_, r)| r);
        let path = if self.base_url.contains("://") {
            rest.find('/').map_or("/", |i| &rest[i..])
        } else {
            rest
        };
        let trimmed = path.trim_matches('/');
        if trimmed.is_empty() {
            "/".into()
        } else {
            format!("/{trimmed}/")
        }
    }

    /// `base_url` with exactly one trailing slash.
    pub fn base_url_slash(&self) -> String {
        format!("{}/", self.base_url.trim_end_matches('/'))
    }
}

/// What is wrong with a `base_url` (from the config or `--base-url`), if anything.
pub fn base_url_problem(url: &str) -> Option<&'static str> {
    let ok = url.starts_with('/') || url.starts_with("http://") || url.starts_with("https://");
    (!ok).then_some("base_url must be an absolute URL")
}

/// The `:token`s a `permalinks` pattern may use (Hugo's names).
pub const PERMALINK_TOKENS: &[&str] = &[
    "year",
    "month",
    "monthname",
    "day",
    "weekday",
    "weekdayname",
    "yearday",
    "section",
    "sections",
    "title",
    "slug",
    "filename",
    "contentbasename",
    "slugorfilename",
    "slugorcontentbasename",
];

/// What is wrong with a `permalinks` pattern, if anything: a token we do not know, or a `..`
/// segment that would climb out of the output.
fn permalink_problem(pattern: &str) -> Option<String> {
    if pattern.contains("://") {
        return Some(format!("`{pattern}` is not a site path"));
    }
    let mut rest = pattern;
    while let Some(i) = rest.find(':') {
        let tail = &rest[i + 1..];
        let len = tail
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .unwrap_or(tail.len());
        let token = &tail[..len];
        if !PERMALINK_TOKENS.contains(&token) {
            let hint = did_you_mean(token, PERMALINK_TOKENS.iter().copied())
                .map(|s| format!(" (did you mean `:{s}`?)"))
                .unwrap_or_default();
            return Some(format!("`:{token}` is not a permalink part{hint}"));
        }
        rest = &tail[len..];
    }
    if pattern.split(['/', '\\']).any(|seg| seg == "..") {
        return Some(format!("`{pattern}` would climb out of the output folder"));
    }
    None
}

fn unknown_keys(
    path: &Path,
    text: &str,
    map: &serde_json::Map<String, serde_json::Value>,
    known: &[&str],
    parent: &str,
    from_line: usize,
) -> Vec<Error> {
    map.keys()
        .filter(|k| !known.contains(&k.as_str()))
        .map(|k| {
            let (line, col) = key_position(text, k, from_line).unwrap_or((1, 1));
            let what = if parent.is_empty() {
                format!("unknown config key `{k}`")
            } else {
                format!("unknown key `{k}` in `{parent}`")
            };
            let help = match did_you_mean(k, known.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("known keys: {}", known.join(", ")),
            };
            let span = Span::new(path, line, col).with_len(k.chars().count());
            Error::located(span, text, what).with_help(help)
        })
        .collect()
}

/// Line and column (1-based) where `key:` is written, searching from line `from_line` (1-based).
pub fn key_position(text: &str, key: &str, from_line: usize) -> Option<(usize, usize)> {
    text.lines()
        .enumerate()
        .skip(from_line.saturating_sub(1))
        .find_map(|(i, line)| {
            let trimmed = line.trim_start();
            let bare = trimmed.trim_start_matches(['"', '\'']);
            let rest = bare.strip_prefix(key)?;
            let rest = rest.trim_start_matches(['"', '\'']);
            (rest.starts_with(':') || rest.trim_start().starts_with('='))
                .then(|| (i + 1, line.len() - trimmed.len() + 1))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<Error>> {
        Config::parse(Path::new("teambook.yaml"), text)
    }

    #[test]
    fn defaults_fill_an_empty_file() {
        let c = parse("").unwrap();
        assert_eq!(c.taxonomies, ["tags", "categories"]);
        assert_eq!(c.output_dir, "public");
        assert!(c.markdown.unsafe_html);
    }

    #[test]
    fn unknown_key_is_located_with_a_hint() {
        let errs = parse("title: x\nbaseurl: https://a.b/\n").unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(
            errs[0].to_string(),
            "teambook.yaml:2:1: unknown config key `baseurl`"
        );
        assert_eq!(errs[0].help(), Some("did you mean `base_url`?"));
    }

    #[test]
    fn unknown_nested_key_is_reported() {
        let errs = parse("markdown:\n  unsafe: true\n").unwrap_err();
        assert_eq!(
            errs[0].to_string(),
            "teambook.yaml:2:3: unknown key `unsafe` in `markdown`"
        );
        assert_eq!(errs[0].help(), Some("did you mean `unsafe_html`?"));
    }

    #[test]
    fn base_path_comes_from_base_url() {
        let mut c = parse("base_url: https://org.github.io/handbook").unwrap();
        assert_eq!(c.base_path(), "/handbook/");
        c.base_url = "https://example.org/".into();
        assert_eq!(c.base_path(), "/");
        c.base_url = "/docs/".into();
        assert_eq!(c.base_path(), "/docs/");
    }

    #[test]
    fn relative_base_url_is_refused() {
        let errs = parse("base_url: example.org\n").unwrap_err();
        assert!(
            errs[0]
                .to_string()
                .contains("1:1: base_url must be an absolute URL")
        );
    }

    #[test]
    fn wrong_type_is_located() {
        let errs = parse("title: x\npaginate: many\n").unwrap_err();
        assert_eq!(errs[0].line(), Some(2), "{}", errs[0]);
    }
}
