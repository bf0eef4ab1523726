//! `teambook new`: a record page from its kind's archetype, and a sprint that continues the
//! last one. In: the site root, a kind and a name. Out: the file written.

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde_json::Value;

use crate::error::Error;
use crate::model::records::values::normalize_keys;
use crate::model::records::{FieldType, Kind};
use crate::report::sprints::analyse;

/// `teambook new KIND [NAME]`: a plain page (`page`), the next sprint, or a record page.
pub fn new(
    root: &Path,
    kind: &str,
    name: Option<&str>,
    dates: SprintDates,
) -> Result<PathBuf, Error> {
    if kind.eq_ignore_ascii_case("page") {
        let name = name.ok_or_else(|| {
            Error::Usage(
                "give the page a path or a title, e.g. `teambook new page about.md`".into(),
            )
        })?;
        return new_page(root, name);
    }
    if kind == "sprint" || kind == "sprints" {
        return new_sprint(root, name, dates);
    }
    if dates.start.is_some() || dates.end.is_some() {
        return Err(Error::Usage(
            "--start and --end are for `teambook new sprint`".into(),
        ));
    }
    let name = name.ok_or_else(|| {
        Error::Usage(format!(
            "give the new {kind} a title, e.g. `teambook new {kind} \"A title\"`"
        ))
    })?;
    new_record(root, kind, name)
}

/// `teambook new page PATH`: a page at `content/PATH` (`.md` added when missing), or from a
/// title (`"About us"` → `content/about-us.md`). A page in a section that cascades a record
/// kind gets that kind's archetype. `_index.md` makes a section.
pub fn new_page(root: &Path, name: &str) -> Result<PathBuf, Error> {
    let looks_like_path = name.ends_with(".md") || name.contains('/');
    let rel: PathBuf = if looks_like_path {
        let trimmed = name.trim_start_matches("./");
        let trimmed = trimmed.strip_prefix("content/").unwrap_or(trimmed);
        let mut p = PathBuf::from(trimmed.trim_start_matches('/'));
        if p.extension().is_none_or(|e| e != "md") {
            p.set_extension("md");
        }
        p
    } else {
        let slug = crate::util::slug::urlize(name);
        if slug.is_empty() {
            return Err(Error::Usage(format!("`{name}` makes an empty file name")));
        }
        PathBuf::from(format!("{slug}.md"))
    };
    let climbs = rel
        .components()
        .any(|c| !matches!(c, std::path::Component::Normal(_)));
    if climbs {
        return Err(Error::Usage(format!(
            "`{name}` is not a path inside content/; write it like `about.md` or `team/rituals.md`"
        )));
    }
    let dest = root.join("content").join(&rel);
    if dest.exists() {
        return Err(Error::Usage(format!(
            "{} already exists; choose another name",
            dest.display()
        )));
    }
    let stem = rel
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let is_section = stem == "_index";
    let title = if looks_like_path {
        let words = if is_section {
            rel.parent()
                .and_then(|p| p.file_name())
                .map_or_else(|| "Home".to_string(), |s| s.to_string_lossy().into_owned())
        } else {
            stem.clone()
        };
        let words = words.replace(['-', '_'], " ");
        let mut chars = words.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    } else {
        name.to_string()
    };
    let dir = dest.parent().unwrap_or(root).to_path_buf();
    let cascaded = crate::model::records::kinds::KINDS
        .iter()
        .find(|k| cascading_section(root, k.name).is_some_and(|d| dir.starts_with(&d)));
    let text = match cascaded {
        Some(kind) if !is_section => archetype(kind, &title, false),
        _ => {
            let q = serde_json::to_string(&title).unwrap_or_default();
            let date = jiff::Timestamp::now()
                .to_zoned_datetime(jiff::tz::TimeZone::system())
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string();
            format!(
                "---\ntitle: {q}\ndate: {date}\ndescription: \"\"  # One sentence for lists, search and link previews\n---\n\nWrite the page here, in Markdown.\n"
            )
        }
    };
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    std::fs::write(&dest, text).map_err(|e| Error::io(&dest, e))?;
    Ok(dest)
}

/// `teambook new KIND NAME`: a record page from the kind's archetype. It goes into the content
/// section that cascades `kind: KIND` when there is one, else into `content/<collection>/`.
pub fn new_record(root: &Path, kind_name: &str, name: &str) -> Result<PathBuf, Error> {
    let kind = crate::model::records::kind_or_hint(kind_name).map_err(Error::Usage)?;
    if kind.name == "sprint" {
        return new_sprint(root, Some(name), SprintDates::default());
    }
    let slug = crate::util::slug::urlize(name);
    if slug.is_empty() {
        return Err(Error::Usage(format!("`{name}` makes an empty file name")));
    }
    let cascading = cascading_section(root, kind.name);
    let dir = cascading
        .clone()
        .unwrap_or_else(|| root.join("content").join(kind.collection));
    let dest = dir.join(format!("{slug}.md"));
    if dest.exists() {
        return Err(Error::Usage(format!(
            "{} already exists; choose another name",
            dest.display()
        )));
    }
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let text = archetype(kind, name, cascading.is_none());
    std::fs::write(&dest, text).map_err(|e| Error::io(&dest, e))?;
    Ok(dest)
}

/// The content folder whose `_index.md` cascades `kind: <kind>`, found by a line scan.
fn cascading_section(root: &Path, kind: &str) -> Option<PathBuf> {
    walkdir::WalkDir::new(root.join("content"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "_index.md")
        .find(|e| {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            let mut in_cascade = false;
            // Front matter only: the lines up to the second `---`.
            text.lines().skip(1).take_while(|l| *l != "---").any(|l| {
                if l.starts_with("cascade:") {
                    in_cascade = true;
                } else if !l.starts_with(' ') {
                    in_cascade = false;
                }
                in_cascade && l.trim() == format!("kind: {kind}")
            })
        })
        .and_then(|e| e.path().parent().map(Path::to_path_buf))
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

/// The dates a new sprint may be given on the command line (`--start`, `--end`).
#[derive(Debug, Default, Clone)]
pub struct SprintDates {
    pub start: Option<Date>,
    pub end: Option<Date>,
    /// `--team`: whose sprint, when the site's sprints name their teams.
    pub team: Option<String>,
}

/// The first weekday on or after `d`.
fn weekday_from(mut d: Date) -> Date {
    while matches!(
        d.weekday(),
        jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
    ) {
        d = d.tomorrow().unwrap_or(d);
    }
    d
}

/// The last weekday on or before `d`.
fn weekday_until(mut d: Date) -> Date {
    while matches!(
        d.weekday(),
        jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
    ) {
        d = d.yesterday().unwrap_or(d);
    }
    d
}

/// Today in the local time zone.
fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::system())
        .date()
}

/// `teambook new sprint [N]`: writes sprint N (by default the one after the last, or 1). After
/// sprint N-1 it starts on the first weekday after it, lasts as long, and lists its unfinished
/// items and the retro actions still open; a first sprint starts on the next weekday and
/// lasts two weeks. `--start`/`--end` override either date. Errors: the site does not load,
/// sprint N exists, N-1 is missing while other sprints exist (unless `--start` is given).
pub fn new_sprint(root: &Path, number: Option<&str>, dates: SprintDates) -> Result<PathBuf, Error> {
    let asked: Option<u32> = match number {
        None => None,
        Some(text) => Some(
            text.trim()
                .trim_start_matches(|c: char| !c.is_ascii_digit())
                .parse()
                .ok()
                .filter(|&n| n > 0)
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "`{text}` is not a sprint number; e.g. `teambook new sprint 3`, or `teambook new sprint` for the next one"
                    ))
                })?,
        ),
    };
    let first = |errors: Vec<Error>| {
        errors
            .into_iter()
            .next()
            .unwrap_or(Error::Usage("the site does not load".into()))
    };
    let (config, _) = crate::load::site_config(root).map_err(first)?;
    let sources = crate::load::load(root, config.clone()).map_err(first)?;
    let include = crate::model::Include {
        drafts: true,
        future: true,
        now: jiff::Timestamp::now(),
    };
    let mut site =
        crate::model::assemble(config, sources.content.clone(), include).map_err(first)?;
    let files = normalize_keys(&sources.data_files);
    crate::model::records::collect(&mut site, &files).map_err(first)?;
    let analysis = analyse(&site, &files).map_err(first)?;
    // Numbers count per team: once sprints name their teams, the new one must say whose it is.
    let teams: Vec<String> = site
        .records
        .by_kind
        .get("team")
        .map(|l| l.iter().map(|&i| site.records.list[i].id.clone()).collect())
        .unwrap_or_default();
    let named = analysis.reports.values().any(|r| r["team"].is_object());
    let team = match dates.team.as_deref() {
        Some(t) if !teams.iter().any(|x| x == t) => {
            return Err(Error::Usage(format!(
                "--team {t}: {}",
                crate::error::hint(t, teams.iter().map(String::as_str), "teams")
            )));
        }
        Some(t) => Some(t.to_string()),
        None if named => {
            return Err(Error::Usage(format!(
                "this site's sprints belong to teams; say whose sprint it is with --team ({})",
                teams.join(", ")
            )));
        }
        None => None,
    };
    let reports: Vec<(&usize, &Value)> = analysis
        .reports
        .iter()
        .filter(|(_, r)| r["team"]["id"].as_str() == team.as_deref())
        .collect();
    let number_of = |r: &Value| r["number"].as_u64().and_then(|n| u32::try_from(n).ok());
    let last = reports.iter().filter_map(|(_, r)| number_of(r)).max();
    let n = asked.unwrap_or_else(|| last.map_or(1, |l| l + 1));
    if reports.iter().any(|(_, r)| number_of(r) == Some(n)) {
        return Err(Error::Usage(format!(
            "sprint {n} already exists; `teambook new sprint` writes sprint {}",
            last.map_or(1, |l| l + 1)
        )));
    }
    let prev = reports
        .iter()
        .copied()
        .find(|(_, r)| n > 1 && number_of(r) == Some(n - 1));
    if let (None, Some(last), None) = (prev, last, dates.start) {
        return Err(Error::Usage(format!(
            "there is no sprint {} to continue from (the last is sprint {last}); run `teambook new sprint` for sprint {}, or give --start",
            n - 1,
            last + 1
        )));
    }
    // Next to the sprint before, else in the section that cascades `kind: sprint`, else in a
    // new `content/sprints/` section made for the sprints.
    let cascading = cascading_section(root, "sprint");
    let dir = match prev {
        Some((&record, _)) => {
            let rec = &site.records.list[record];
            if rec.source.starts_with("content") {
                root.join(rec.source.parent().unwrap_or(Path::new("content")))
            } else {
                root.join("content").join("sprints")
            }
        }
        None => cascading
            .clone()
            .unwrap_or_else(|| root.join("content").join("sprints")),
    };
    let dest = dir.join(format!("sprint-{n}.md"));
    if dest.exists() {
        return Err(Error::Usage(format!("{} already exists", dest.display())));
    }
    let date_of = |v: &Value| v.as_str().and_then(|s| s.parse::<Date>().ok());
    let (start, end) = match prev {
        // The next sprint starts on the first weekday after the last one and lasts as long.
        Some((_, p)) => {
            let (pstart, pend) = (
                date_of(&p["start"]).unwrap_or_default(),
                date_of(&p["end"]).unwrap_or_default(),
            );
            let start = dates
                .start
                .unwrap_or_else(|| weekday_from(pend.tomorrow().unwrap_or(pend)));
            let end = dates.end.unwrap_or_else(|| {
                start
                    .checked_add(pstart.until(pend).unwrap_or_default())
                    .unwrap_or(start)
            });
            (start, end)
        }
        // A first sprint: the next weekday, for two weeks (to the last weekday of them).
        None => {
            let start = dates
                .start
                .unwrap_or_else(|| weekday_from(today().tomorrow().unwrap_or_else(|_| today())));
            let end = dates.end.unwrap_or_else(|| {
                weekday_until(
                    start
                        .checked_add(jiff::Span::new().days(13))
                        .unwrap_or(start),
                )
            });
            (start, end)
        }
    };
    if end < start {
        return Err(Error::Usage(format!(
            "the sprint would end ({end}) before it starts ({start}); check --start and --end"
        )));
    }
    let empty = Value::Null;
    let prev = prev.map_or(&empty, |(_, p)| p);
    if cascading.is_none() && !dir.join("_index.md").exists() {
        // A section for the sprints, so that they are listed with their velocity.
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let index = dir.join("_index.md");
        std::fs::write(
            &index,
            "---\ntitle: Sprints\ndescription: \"Sprint reviews: the goal, what was finished, and what we learned.\"\ncascade:\n  kind: sprint\n---\n\nOne page per sprint, newest first.\n",
        )
        .map_err(|e| Error::io(&index, e))?;
    }
    let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let cascaded = cascading_section(root, "sprint").is_some_and(|c| dir.starts_with(c));
    let kind_line = if cascaded { "" } else { "kind: sprint\n" };
    // `team:` unless the folder cascades it.
    let rel_dir = dir.strip_prefix(root).unwrap_or(&dir);
    let dir_team = site.sections.iter().any(|sec| {
        sec.path.as_deref().and_then(Path::parent) == Some(rel_dir)
            && sec.meta.cascade.get("team").and_then(Value::as_str) == team.as_deref()
    });
    let team_line = match &team {
        Some(t) if !dir_team => format!("team: {t}\n"),
        _ => String::new(),
    };
    let mut out = format!(
        "---\ntitle: {}\n{kind_line}{team_line}number: {n}\ngoal: \"\"  # The sprint goal in one sentence\ngoal_met:   # yes, partly or no, at the review\nstart: {start}\nend: {end}\nitems:\n",
        q(&format!("Sprint {n}"))
    );
    let unfinished = prev["unfinished"].as_array().cloned().unwrap_or_default();
    if !unfinished.is_empty() {
        out.push_str(&format!("  # Unfinished in sprint {}:\n", n - 1));
    } else if prev.is_null() {
        out.push_str("  # The backlog items planned for this sprint, by id, e.g. - PBI-1\n");
    }
    for item in &unfinished {
        out.push_str(&format!(
            "  - {}\n",
            q(item["id"].as_str().unwrap_or_default())
        ));
    }
    out.push_str("review:\n  highlights: []\n  stakeholder_feedback: []\n  next_steps: []\nretro:\n  went_well: []\n  went_wrong: []\n  actions:\n");
    let mut open: Vec<&Value> = prev["follow_up"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    open.extend(
        prev["actions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|a| a["status"] == "open"),
    );
    if !open.is_empty() {
        out.push_str("    # Still open from earlier retros; set `status: done` when closed.\n");
    }
    for a in open {
        let field = |k: &str| q(a[k].as_str().unwrap_or_default());
        out.push_str(&format!(
            "    - {{id: {}, text: {}, owner: {}, status: open}}\n",
            field("id"),
            field("text"),
            field("owner")
        ));
    }
    out.push_str("---\n\n");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    std::fs::write(&dest, out).map_err(|e| Error::io(&dest, e))?;
    Ok(dest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::records::kind;

    #[test]
    fn archetype_has_every_field() {
        let a = archetype(kind("antipattern").unwrap(), "The hero", true);
        assert_eq!(
            a,
            "---\ntitle: \"The hero\"\nkind: antipattern\nweight: 0\nrole: \"\"  # The role that falls into it\nproblem: \"\"  # What goes wrong\nsolution: \"\"  # What has worked instead\nsigns: []  # How to recognise it\n---\n\n"
        );
    }
}
