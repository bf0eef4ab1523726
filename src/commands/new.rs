//! `teambook new`: a record page from its kind's archetype, and a sprint that continues the
//! last one. In: the site root, a kind and a name. Out: the file written.

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde_json::Value;

use crate::error::Error;
use crate::model::records::values::normalize_keys;
use crate::model::records::{FieldType, Kind};
use crate::report::sprints::analyse;

/// `teambook new KIND NAME`: a record page from the kind's archetype. It goes into the content
/// section that cascades `kind: KIND` when there is one, else into `content/<collection>/`.
pub fn new_record(root: &Path, kind_name: &str, name: &str) -> Result<PathBuf, Error> {
    let kind = crate::model::records::kind_or_hint(kind_name).map_err(Error::Usage)?;
    if kind.name == "sprint" {
        return new_sprint(root, name);
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

/// `teambook new sprint N`: writes sprint N next to sprint N-1, with its unfinished items and
/// the retro actions still open at its end. Errors: the site does not load, N-1 is missing.
pub fn new_sprint(root: &Path, number: &str) -> Result<PathBuf, Error> {
    let n: u32 = number
        .trim()
        .trim_start_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .ok()
        .filter(|&n| n > 1)
        .ok_or_else(|| {
            Error::Usage(format!(
                "`{number}` is not a sprint number after 1; e.g. `teambook new sprint 22`"
            ))
        })?;
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
    let (&record, prev) = analysis
        .reports
        .iter()
        .find(|(_, r)| r["number"].as_u64() == Some(u64::from(n - 1)))
        .ok_or_else(|| Error::Usage(format!("there is no sprint {} to continue from", n - 1)))?;
    if analysis
        .reports
        .values()
        .any(|r| r["number"].as_u64() == Some(u64::from(n)))
    {
        return Err(Error::Usage(format!("sprint {n} already exists")));
    }
    let rec = &site.records.list[record];
    let dir = if rec.source.starts_with("content") {
        root.join(rec.source.parent().unwrap_or(Path::new("content")))
    } else {
        root.join("content").join("sprints")
    };
    let dest = dir.join(format!("sprint-{n}.md"));
    if dest.exists() {
        return Err(Error::Usage(format!("{} already exists", dest.display())));
    }
    // The next sprint starts on the first weekday after the last one and lasts as long.
    let (start, end): (Date, Date) = (
        prev["start"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .unwrap_or_default(),
        prev["end"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .unwrap_or_default(),
    );
    let mut next = end.tomorrow().unwrap_or(end);
    while matches!(
        next.weekday(),
        jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
    ) {
        next = next.tomorrow().unwrap_or(next);
    }
    let next_end = next
        .checked_add(start.until(end).unwrap_or_default())
        .unwrap_or(next);
    let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut out = format!(
        "---\ntitle: {}\nkind: sprint\nnumber: {n}\ngoal: \"\"  # The sprint goal in one sentence\ngoal_met:   # yes, partly or no, at the review\nstart: {next}\nend: {next_end}\nitems:\n",
        q(&format!("Sprint {n}"))
    );
    let unfinished = prev["unfinished"].as_array().cloned().unwrap_or_default();
    if !unfinished.is_empty() {
        out.push_str(&format!("  # Unfinished in sprint {}:\n", n - 1));
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
