//! Stage 2a: front matter. In: a content file's text. Out: the raw key map (YAML `---` or TOML
//! `+++`), the body and where it starts, then the typed `FrontMatter` with Hugo's keys.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use crate::error::Error;
use crate::yaml;

/// Which syntax a front matter block was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Toml,
}

/// A content file cut into front matter and body.
#[derive(Debug, Clone)]
pub struct Split<'a> {
    pub format: Option<Format>,
    /// Text between the fences (empty when there is no front matter).
    pub front: &'a str,
    /// 1-based line of the file where `front` starts.
    pub front_line: usize,
    pub body: &'a str,
    /// 1-based line of the file where `body` starts.
    pub body_line: usize,
}

/// Cuts `text` at its front matter fences. An opening fence without a closing one is an error.
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, Error> {
    let text_nobom = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - text_nobom.len();
    let first_line = text_nobom.lines().next().unwrap_or("");
    let (fence, format) = match first_line.trim_end() {
        "---" => ("---", Format::Yaml),
        "+++" => ("+++", Format::Toml),
        _ => {
            return Ok(Split {
                format: None,
                front: "",
                front_line: 1,
                body: text,
                body_line: 1,
            });
        }
    };
    let front_start = bom + first_line.len() + line_break_len(&text_nobom[first_line.len()..]);
    let mut offset = front_start;
    for (line_no, line) in (2..).zip(text[front_start..].split_inclusive('\n')) {
        if line.trim_end() == fence {
            let body_start = offset + line.len();
            return Ok(Split {
                format: Some(format),
                front: &text[front_start..offset],
                front_line: 2,
                body: &text[body_start..],
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(Error::at(
        path,
        text,
        1,
        1,
        format!("front matter opened with `{fence}` is never closed"),
    )
    .with_help(format!(
        "add a line containing only `{fence}` after the last front matter line"
    )))
}

fn line_break_len(s: &str) -> usize {
    if s.starts_with("\r\n") {
        2
    } else {
        usize::from(s.starts_with('\n'))
    }
}

/// Parses the front matter block into a key map, with errors at lines of the whole file.
pub fn parse_map(path: &Path, text: &str, split: &Split) -> Result<Map<String, Value>, Error> {
    let value = match split.format {
        None => return Ok(Map::new()),
        Some(_) if split.front.trim().is_empty() => return Ok(Map::new()),
        Some(Format::Yaml) => yaml::from_str::<Value>(split.front).map_err(|e| {
            e.in_file(path, text, split.front_line)
                .with_help("front matter is YAML between two `---` lines")
        })?,
        Some(Format::Toml) => {
            let table: toml::Table = split.front.parse().map_err(|e: toml::de::Error| {
                // The front matter is a slice of the file: its spans, moved to the file's.
                let at = split.front.as_ptr() as usize - text.as_ptr() as usize;
                let range = e.span().map(|s| s.start + at..s.end + at);
                Error::at_bytes(path, text, range, e.message())
                    .with_help("front matter between `+++` lines is TOML")
            })?;
            toml_to_json(toml::Value::Table(table))
        }
    };
    match value {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        _ => Err(Error::at(
            path,
            text,
            split.front_line,
            1,
            "front matter must be a mapping of `key: value` lines",
        )),
    }
}

fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// A date as written in front matter, resolved to an instant (UTC when no zone is given).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub instant: jiff::Timestamp,
    /// `YYYY-MM-DD`, for display.
    pub day: String,
}

impl Date {
    /// Accepts what Hugo accepts: `2026-03-01`, RFC 3339 with or without zone or `Z`,
    /// `2026-03-01 10:00:00`, surrounding spaces.
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let instant = if let Ok(ts) = s.parse::<jiff::Timestamp>() {
            ts
        } else if let Ok(dt) = s.parse::<jiff::civil::DateTime>() {
            dt.to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .ok()?
                .timestamp()
        } else if let Ok(d) = s.parse::<jiff::civil::Date>() {
            d.to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .ok()?
                .timestamp()
        } else if let Ok(z) = s.parse::<jiff::ZonedDateTime>() {
            z.timestamp()
        } else {
            go_layouts(s)?
        };
        let day = s
            .get(..10)
            .filter(|d| d.parse::<jiff::civil::Date>().is_ok())
            .map_or_else(|| instant.strftime("%Y-%m-%d").to_string(), str::to_string);
        Some(Date { instant, day })
    }

    /// RFC 3339 in UTC, for feeds and sitemaps.
    pub fn rfc3339(&self) -> String {
        self.instant.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    }
}

/// The other layouts Hugo's date parser accepts: RFC 1123/822/850, `-0700` offsets, Go's
/// `time.String()` form, `02 Jan 2006`. A time without an offset is taken as UTC.
fn go_layouts(s: &str) -> Option<jiff::Timestamp> {
    use jiff::fmt::strtime;
    // Zone names carry no offset we can trust, except these.
    let mut owned = s.to_string();
    // Go's `2006-01-02 15:04:05.999999999 -0700 MST`: drop the zone name after an offset.
    if let Some((head, tail)) = owned.rsplit_once(' ') {
        let offset_before = head
            .rsplit(' ')
            .next()
            .is_some_and(|t| t.starts_with(['+', '-']));
        if offset_before && tail.chars().all(|c| c.is_ascii_uppercase()) {
            owned = head.to_string();
        }
    }
    for name in [" GMT", " UTC", " Z"] {
        if let Some(rest) = owned.strip_suffix(name) {
            owned = format!("{rest} +0000");
        }
    }
    let s = owned.as_str();
    const WITH_OFFSET: &[&str] = &[
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S %z",
        "%Y-%m-%d %H:%M:%S %:z",
        "%Y-%m-%d %H:%M:%S%:z",
        "%Y-%m-%d %H:%M:%S%.f %z",
        "%a, %d %b %Y %H:%M:%S %z",
        "%d %b %y %H:%M %z",
        "%A, %d-%b-%y %H:%M:%S %z",
        "%a %b %d %H:%M:%S %z %Y",
    ];
    for f in WITH_OFFSET {
        if let Ok(ts) = strtime::parse(f, s).and_then(|t| t.to_timestamp()) {
            return Some(ts);
        }
    }
    const CIVIL: &[&str] = &["%a %b %e %H:%M:%S %Y", "%Y-%m-%d %H:%M:%S%.f"];
    for f in CIVIL {
        if let Ok(dt) = strtime::parse(f, s).and_then(|t| t.to_datetime()) {
            return dt
                .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .ok()
                .map(|z| z.timestamp());
        }
    }
    let d = strtime::parse("%d %b %Y", s)
        .and_then(|t| t.to_date())
        .ok()?;
    d.to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

/// The Hugo keys teambook honours, typed; everything else stays in `params`.
#[derive(Debug, Clone, Default)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub date: Option<Date>,
    pub lastmod: Option<Date>,
    pub publish_date: Option<Date>,
    pub expiry_date: Option<Date>,
    pub draft: bool,
    pub description: Option<String>,
    pub summary: Option<String>,
    pub slug: Option<String>,
    pub url: Option<String>,
    pub aliases: Vec<String>,
    pub weight: i64,
    pub authors: Vec<String>,
    /// Template chosen by `layout` (or `template`), without `.html`.
    pub layout: Option<String>,
    /// Hugo's `type`: the template when there is no `layout`, unless it is a record field.
    pub content_type: Option<String>,
    pub taxonomies: BTreeMap<String, Vec<String>>,
    /// `cascade` of a section's `_index.md`: keys its descendants inherit.
    pub cascade: Map<String, Value>,
    /// Record kind (typed records); kept for later stages.
    pub kind: Option<String>,
    /// `paginate` override of a section.
    pub paginate: Option<usize>,
    /// Sort order of a section's pages: `weight` (default), `date`, `title`.
    pub sort_by: Option<String>,
    pub params: Map<String, Value>,
}

impl FrontMatter {
    /// The template asked for, without `.html`: `layout`, else Hugo's `type` unless
    /// `type_is_field` (the page is a record whose kind has a `type` field).
    pub fn template(&self, type_is_field: bool) -> Option<&str> {
        self.layout
            .as_deref()
            .or(self.content_type.as_deref().filter(|_| !type_is_field))
    }
}

/// Where a key sits in the file, for errors about its value.
pub fn locate_key(text: &str, split: &Split, key: &str) -> (usize, usize) {
    crate::config::key_position(text, key, split.front_line).unwrap_or((split.front_line, 1))
}

/// Turns the raw map into `FrontMatter`; keys match case-insensitively, as in Hugo.
pub fn typed(
    path: &Path,
    text: &str,
    split: &Split,
    map: Map<String, Value>,
    taxonomies: &[String],
) -> Result<FrontMatter, Vec<Error>> {
    let mut fm = FrontMatter::default();
    let mut errors = Vec::new();
    let mut date_fallback: Option<Date> = None;
    for (key, value) in map {
        let lower = key.to_lowercase();
        let err = |msg: String| {
            let (line, col) = locate_key(text, split, &key);
            Error::at(path, text, line, col, msg)
        };
        let want_str = |what: &str| match &value {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            other => Err(err(format!(
                "`{key}` must be {what}, found {}",
                kind_of(other)
            ))),
        };
        let want_date = || -> Result<Date, Error> {
            let s = want_str("a date")?;
            Date::parse(&s).ok_or_else(|| {
                err(format!("`{key}` is not a date: `{s}`"))
                    .with_help("write dates as `2026-03-01` or `2026-03-01T10:00:00Z`")
            })
        };
        let result: Result<(), Error> = (|| {
            match lower.as_str() {
                "title" => fm.title = Some(want_str("text")?),
                "date" => fm.date = Some(want_date()?),
                "lastmod" | "modified" => fm.lastmod = Some(want_date()?),
                "publishdate" | "pubdate" | "published" => {
                    let d = want_date()?;
                    fm.publish_date = Some(d.clone());
                    date_fallback.get_or_insert(d);
                }
                "expirydate" | "unpublishdate" => fm.expiry_date = Some(want_date()?),
                "draft" => {
                    fm.draft = value.as_bool().ok_or_else(|| {
                        err(format!(
                            "`{key}` must be true or false, found {}",
                            kind_of(&value)
                        ))
                    })?
                }
                "description" => fm.description = Some(want_str("text")?),
                "summary" => fm.summary = Some(want_str("text")?),
                "slug" => fm.slug = Some(want_str("text")?),
                "url" => fm.url = Some(want_str("a path like `/some-slug/`")?),
                "aliases" => {
                    fm.aliases = string_list(&value)
                        .map_err(|k| err(format!("`{key}` must be a list of paths, found {k}")))?
                }
                "weight" => {
                    fm.weight = value.as_i64().ok_or_else(|| match value.as_f64() {
                        Some(n) if n.fract() == 0.0 => err(format!(
                            "`{key}` is too large: write a whole number between {} and {}",
                            i64::MIN,
                            i64::MAX
                        )),
                        _ => err(format!(
                            "`{key}` must be a whole number, found {}",
                            kind_of(&value)
                        )),
                    })?
                }
                "author" | "authors" => fm.authors.extend(string_list(&value).map_err(|k| {
                    err(format!(
                        "`{key}` must be a name or a list of names, found {k}"
                    ))
                })?),
                "layout" | "template" => {
                    let s = want_str("a template name")?;
                    fm.layout = Some(s.trim_end_matches(".html").to_string());
                }
                // Hugo's content type picks the template when there is no `layout`; on a
                // record whose kind has a `type` field (a backlog item's feature, bug, …) it
                // is that field instead (see [`FrontMatter::template`]).
                "type" => {
                    let s = want_str("a template name")?;
                    fm.content_type = Some(s.trim_end_matches(".html").to_string());
                }
                "cascade" => match value {
                    Value::Object(ref m) => fm.cascade = m.clone(),
                    Value::Array(ref items) => {
                        for item in items {
                            if let Value::Object(m) = item {
                                for (k, v) in m.iter().filter(|(k, _)| !k.starts_with('_')) {
                                    fm.cascade.insert(k.clone(), v.clone());
                                }
                            }
                        }
                    }
                    _ => return Err(err(format!("`{key}` must be a mapping of keys to inherit"))),
                },
                "kind" => fm.kind = Some(want_str("a record kind")?),
                "paginate" => {
                    fm.paginate = Some(
                        value
                            .as_u64()
                            .ok_or_else(|| err(format!("`{key}` must be a whole number")))?
                            as usize,
                    )
                }
                "sort_by" => fm.sort_by = Some(want_str("`weight`, `date` or `title`")?),
                "params" => {
                    if let Value::Object(m) = value.clone() {
                        fm.params.extend(m);
                    }
                }
                _ if taxonomies.iter().any(|t| t.eq_ignore_ascii_case(&key)) => {
                    let name = taxonomies
                        .iter()
                        .find(|t| t.eq_ignore_ascii_case(&key))
                        .cloned()
                        .unwrap_or(lower.clone());
                    let terms = string_list(&value)
                        .map_err(|k| err(format!("`{key}` must be a list of terms, found {k}")))?;
                    fm.taxonomies.insert(name, terms);
                }
                _ => {
                    fm.params.insert(key.clone(), value.clone());
                }
            }
            Ok(())
        })();
        if let Err(e) = result {
            errors.push(e);
        }
    }
    if fm.date.is_none() {
        fm.date = date_fallback.or_else(|| fm.lastmod.clone());
    }
    if errors.is_empty() {
        Ok(fm)
    } else {
        Err(errors)
    }
}

fn string_list(v: &Value) -> Result<Vec<String>, &'static str> {
    match v {
        Value::Null => Ok(Vec::new()),
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                Value::Bool(b) => Ok(b.to_string()),
                other => Err(kind_of(other)),
            })
            .collect(),
        other => Err(kind_of(other)),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("content/post.md")
    }

    #[test]
    fn splits_yaml_and_reports_body_line() {
        let text = "---\ntitle: A\n---\nHello\n";
        let s = split(p(), text).unwrap();
        assert_eq!(s.format, Some(Format::Yaml));
        assert_eq!(s.front, "title: A\n");
        assert_eq!(s.body, "Hello\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn no_front_matter_is_all_body() {
        let s = split(p(), "# Hi\n").unwrap();
        assert_eq!(s.format, None);
        assert_eq!(s.body, "# Hi\n");
    }

    #[test]
    fn unterminated_front_matter_is_an_error() {
        let e = split(p(), "---\ntitle: A\n\nBody\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "content/post.md:1:1: front matter opened with `---` is never closed"
        );
    }

    #[test]
    fn yaml_error_is_at_the_line_of_the_file() {
        let text = "---\ntitle: A\ntags: [a, b\n---\nBody\n";
        let s = split(p(), text).unwrap();
        let e = parse_map(p(), text, &s).unwrap_err();
        assert_eq!(e.line(), Some(3), "{e}");
        assert!(e.to_string().starts_with("content/post.md:3:7:"), "{e}");
    }

    #[test]
    fn toml_front_matter_and_its_errors() {
        let text = "+++\ntitle = \"A\"\ndate = 2026-01-02\n+++\nBody\n";
        let s = split(p(), text).unwrap();
        let m = parse_map(p(), text, &s).unwrap();
        assert_eq!(m["title"], "A");
        assert_eq!(m["date"], "2026-01-02");
        let bad = "+++\ntitle = \"A\"\ndate = = 1\n+++\n";
        let s = split(p(), bad).unwrap();
        let e = parse_map(p(), bad, &s).unwrap_err();
        assert_eq!(e.line(), Some(3), "{e}");
    }

    #[test]
    fn hugo_dates_parse() {
        for s in [
            "2026-03-01",
            "2026-03-01T10:00:00Z",
            "2026-03-01T10:00:00+02:00",
            "2026-03-01T10:00:00",
            "2026-03-01 10:00:00",
            " 2026-03-01  ",
        ] {
            let d = Date::parse(s).unwrap_or_else(|| panic!("{s}"));
            assert_eq!(d.day, "2026-03-01", "{s}");
        }
        assert!(Date::parse("March 1st").is_none());
        // Every other layout Hugo accepts.
        for (s, utc) in [
            ("2026-03-01T10:00:00+0200", "2026-03-01T08:00:00Z"),
            ("2026-03-01 10:00:00 +0200", "2026-03-01T08:00:00Z"),
            ("2026-03-01 10:00:00 +02:00", "2026-03-01T08:00:00Z"),
            ("2026-03-01 10:00:00+02:00", "2026-03-01T08:00:00Z"),
            ("2026-03-01 10:00:00.5 +0000 UTC", "2026-03-01T10:00:00Z"),
            ("Sun, 01 Mar 2026 10:00:00 +0100", "2026-03-01T09:00:00Z"),
            ("Sun, 01 Mar 2026 10:00:00 GMT", "2026-03-01T10:00:00Z"),
            ("01 Mar 26 10:00 +0000", "2026-03-01T10:00:00Z"),
            ("Sun Mar  1 10:00:00 2026", "2026-03-01T10:00:00Z"),
            ("01 Mar 2026", "2026-03-01T00:00:00Z"),
            ("2026-03-01T10:00:00.250Z", "2026-03-01T10:00:00Z"),
        ] {
            let d = Date::parse(s).unwrap_or_else(|| panic!("{s}"));
            assert_eq!(d.rfc3339(), utc, "{s}");
        }
    }

    #[test]
    fn typed_keys_are_case_insensitive_and_unknown_keys_are_params() {
        let text = "---\nTitle: A\nTags: [x]\nmood: calm\ndraft: true\n---\n";
        let s = split(p(), text).unwrap();
        let m = parse_map(p(), text, &s).unwrap();
        let fm = typed(p(), text, &s, m, &["tags".into()]).unwrap();
        assert_eq!(fm.title.as_deref(), Some("A"));
        assert_eq!(fm.taxonomies["tags"], ["x"]);
        assert_eq!(fm.params["mood"], "calm");
        assert!(fm.draft);
    }

    #[test]
    fn wrong_types_are_located() {
        let text = "---\ntitle: A\nweight: heavy\ndate: someday\n---\n";
        let s = split(p(), text).unwrap();
        let m = parse_map(p(), text, &s).unwrap();
        let errs = typed(p(), text, &s, m, &[]).unwrap_err();
        let msgs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert!(
            msgs.contains(
                &"content/post.md:3:1: `weight` must be a whole number, found text".to_string()
            ),
            "{msgs:?}"
        );
        assert!(
            msgs.contains(&"content/post.md:4:1: `date` is not a date: `someday`".to_string()),
            "{msgs:?}"
        );
    }

    #[test]
    fn publish_date_is_a_date_fallback() {
        let text = "---\npublishDate: 2025-01-01\n---\n";
        let s = split(p(), text).unwrap();
        let m = parse_map(p(), text, &s).unwrap();
        let fm = typed(p(), text, &s, m, &[]).unwrap();
        assert_eq!(fm.date.unwrap().day, "2025-01-01");
    }
}
