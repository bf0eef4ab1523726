//! `teambook import TOOL FILE`: a tracker export into the backlog and the sprint pages.
//! In: the export and the site's `data/backlog.yaml` and sprint pages. Out: those files
//! updated atomically (every temp file written before any is renamed into place), or a diff
//! with `--dry-run`, or every problem of the export and nothing written.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::error::{Error, hint};
use crate::import::apply::{self, Plan, SiteFiles};
use crate::import::team::{SiteTeam, SiteTeams};
use crate::import::{self as tracker, Tool};
use crate::util::slug::urlize;
use serde_json::Value;

/// What the command line asked for.
#[derive(Debug, Clone)]
pub struct Request {
    /// `jira`, `github`, `azure`, `linear`; `None` recognises the file by its header.
    pub tool: Option<String>,
    pub file: PathBuf,
    pub sprint: Option<u32>,
    pub start: Option<Date>,
    pub end: Option<Date>,
    /// The day the export was taken (default: today).
    pub as_of: Option<Date>,
    pub dry_run: bool,
}

/// What the import did (or, with `--dry-run`, would do).
#[derive(Debug)]
pub struct Outcome {
    pub tool: Tool,
    pub items: usize,
    pub plan: Plan,
    /// The change as a unified diff (always computed; printed with `--dry-run`).
    pub diff: String,
    pub written: Vec<PathBuf>,
}

pub fn import(root: &Path, req: &Request) -> Result<Outcome, Vec<Error>> {
    let tool = match &req.tool {
        Some(name) => Some(Tool::from_name(name).ok_or_else(|| {
            vec![Error::Usage(format!(
                "unknown tracker `{name}`; {}",
                hint(name, Tool::NAMES.iter().copied(), "trackers")
            ))]
        })?),
        None => None,
    };
    if !root.is_dir() {
        return Err(vec![Error::Usage(format!(
            "the site folder {} does not exist",
            root.display()
        ))]);
    }
    let bytes = std::fs::read(&req.file).map_err(|e| vec![Error::io(&req.file, e)])?;
    let text = String::from_utf8(bytes).map_err(|_| {
        vec![Error::file(
            &req.file,
            "the export is not UTF-8 text; export it again as UTF-8 (CSV UTF-8 in a spreadsheet)",
        )]
    })?;
    let (config, _) = crate::load::site_config(root)?;
    let pages = crate::load::content_pages(root)?;
    let site = site_files(root, &pages);
    let (has_sprints, sprints_named) = site.sprint_teams();
    let teams = SiteTeams {
        teams: site.teams.clone(),
        sprints_named,
        has_sprints,
    };
    let export = tracker::read(tool, &req.file, &text, &config.import, &teams)?;
    let opts = apply::Options {
        sprint: req.sprint,
        start: req.start,
        end: req.end,
        as_of: req.as_of.unwrap_or_else(|| {
            jiff::tz::Offset::UTC
                .to_datetime(jiff::Timestamp::now())
                .date()
        }),
    };
    let plan = apply::plan(&export, &site, &opts)?;
    // A new page or folder index is never written over a file the import did not read.
    let clashes: Vec<Error> = plan
        .changes
        .iter()
        .filter(|c| c.old.is_none() && root.join(&c.path).exists())
        .map(|c| {
            Error::file(
                &c.path,
                "the import would create this file, but it exists and is none the import reads (a sprint page says `kind: sprint` and `number:`; a team's sprint folder's _index.md cascades `kind: sprint` and `team:`); move it, or give it those",
            )
        })
        .collect();
    if !clashes.is_empty() {
        return Err(clashes);
    }
    let diff = diff(&plan);
    let written = if req.dry_run {
        Vec::new()
    } else {
        write_all(root, &plan)?
    };
    Ok(Outcome {
        tool: export.tool,
        items: export.items.len(),
        plan,
        diff,
        written,
    })
}

/// Whether the front matter of `text` says `kind: sprint` at its top level.
fn says_sprint(text: &str) -> bool {
    let mut lines = text.lines();
    lines.next().is_some_and(|l| l.trim_end() == "---")
        && lines.take_while(|l| l.trim_end() != "---").any(|l| {
            let value = l
                .strip_prefix("kind:")
                .map(|v| v.split(" #").next().unwrap_or(v));
            value.is_some_and(|v| v.trim().trim_matches(['"', '\'']) == "sprint")
        })
}

/// The front matter of a page as JSON, when it is YAML that parses.
fn front_json(path: &Path, text: &str) -> Option<Value> {
    let split = crate::parse::frontmatter::split(path, text).ok()?;
    if split.format != Some(crate::parse::frontmatter::Format::Yaml) {
        return None;
    }
    crate::yaml::nodes(split.front)
        .ok()?
        .pop()
        .map(|n| n.to_json())
}

fn text_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// What an `_index.md` cascades to its section: the kind, and a team.
fn cascade_of(path: &Path, text: &str) -> (Option<String>, Option<String>) {
    let front = front_json(path, text).unwrap_or(Value::Null);
    let cascade = front.get("cascade").cloned().unwrap_or(Value::Null);
    (
        text_of(&cascade, "kind").map(str::to_string),
        text_of(&cascade, "team").map(str::to_string),
    )
}

/// The site's team records: `data/teams.yaml` (or `.yml`) and pages of kind `team`, by id
/// (their `slug`, else the slug of the title for data records and the file name for pages).
fn site_teams(root: &Path, content: &[crate::load::SourceFile]) -> Vec<SiteTeam> {
    let mut teams = Vec::new();
    let mut add = |v: &Value, fallback: Option<&str>| {
        let title = text_of(v, "title");
        let id = text_of(v, "slug")
            .map(urlize)
            .or_else(|| fallback.map(str::to_string))
            .or_else(|| title.map(urlize));
        if let Some(id) = id.filter(|i| !i.is_empty()) {
            teams.push(SiteTeam {
                title: title.unwrap_or(&id).to_string(),
                id,
            });
        }
    };
    for name in ["data/teams.yaml", "data/teams.yml"] {
        let Ok(text) = std::fs::read_to_string(root.join(name)) else {
            continue;
        };
        for doc in crate::yaml::nodes(&text).unwrap_or_default() {
            match doc.to_json() {
                Value::Array(list) => list.iter().for_each(|v| add(v, None)),
                v if text_of(&v, "title").is_some() => add(&v, None),
                _ => {}
            }
        }
    }
    let team_dirs: Vec<&Path> = content
        .iter()
        .filter(|f| f.path.file_name().is_some_and(|n| n == "_index.md"))
        .filter(|f| cascade_of(&f.path, &f.text).0.as_deref() == Some("team"))
        .filter_map(|f| f.path.parent())
        .collect();
    for f in content {
        let name = f.path.file_stem().map(|s| s.to_string_lossy().to_string());
        if name.as_deref() == Some("_index") {
            continue;
        }
        let Some(front) = front_json(&f.path, &f.text) else {
            continue;
        };
        let own = text_of(&front, "kind");
        let cascaded = team_dirs.iter().any(|d| f.path.starts_with(d));
        if own == Some("team") || (own.is_none() && cascaded) {
            // A bundle's `index.md` is named after its folder.
            let stem = if name.as_deref() == Some("index") {
                f.path
                    .parent()
                    .and_then(Path::file_name)
                    .map(|s| s.to_string_lossy().to_string())
            } else {
                name
            };
            add(&front, stem.as_deref());
        }
    }
    teams
}

fn site_files(root: &Path, content: &[crate::load::SourceFile]) -> SiteFiles {
    // Folders whose `_index.md` cascades `kind: sprint` or a team to everything below.
    let mut sprint_folders: Vec<(PathBuf, Option<String>)> = Vec::new();
    let mut cascading: Vec<&Path> = Vec::new();
    for f in content
        .iter()
        .filter(|f| f.path.file_name().is_some_and(|n| n == "_index.md"))
    {
        let (kind, team) = cascade_of(&f.path, &f.text);
        let Some(dir) = f.path.parent() else { continue };
        if kind.as_deref() == Some("sprint") {
            cascading.push(dir);
        }
        if kind.as_deref() == Some("sprint") || (team.is_some() && kind.is_none()) {
            sprint_folders.push((dir.to_path_buf(), team));
        }
    }
    cascading.sort_by_key(|d| d.components().count());
    let mut sprint_pages: Vec<(PathBuf, String)> = content
        .iter()
        .filter(|f| f.path.file_name().is_some_and(|n| n != "_index.md"))
        .filter(|f| says_sprint(&f.text) || cascading.iter().any(|d| f.path.starts_with(d)))
        .map(|f| (f.path.clone(), f.text.clone()))
        .collect();
    sprint_pages.sort();
    let sprint_dir = cascading
        .first()
        .map(|p| p.to_path_buf())
        .or_else(|| {
            sprint_pages
                .first()
                .and_then(|(p, _)| p.parent().map(Path::to_path_buf))
        })
        .unwrap_or_else(|| PathBuf::from("content/sprints"));
    // `data/backlog.yml` when that is the file the site has.
    let backlog_path = ["data/backlog.yaml", "data/backlog.yml"]
        .iter()
        .map(PathBuf::from)
        .find(|p| root.join(p).is_file())
        .unwrap_or_else(|| PathBuf::from("data/backlog.yaml"));
    let backlog = std::fs::read_to_string(root.join(&backlog_path)).ok();
    SiteFiles {
        backlog_path,
        backlog,
        sprint_pages,
        sprint_dir,
        sprint_folders,
        teams: site_teams(root, content),
    }
}

/// Every change as a unified diff, file by file.
pub fn diff(plan: &Plan) -> String {
    let mut out = String::new();
    for c in &plan.changes {
        let old = c.old.as_deref().unwrap_or("");
        let d = similar::TextDiff::from_lines(old, c.new.as_str());
        let path = c.path.display().to_string();
        let from = if c.old.is_some() {
            format!("a/{path}")
        } else {
            "/dev/null".into()
        };
        out.push_str(
            &d.unified_diff()
                .context_radius(2)
                .header(&from, &format!("b/{path}"))
                .to_string(),
        );
    }
    out
}

/// Writes every file to a temp file beside it, then renames them all into place; a failure
/// before the renames removes the temp files and leaves every file as it was.
fn write_all(root: &Path, plan: &Plan) -> Result<Vec<PathBuf>, Vec<Error>> {
    let mut temps: Vec<(PathBuf, PathBuf)> = Vec::new();
    let cleanup = |temps: &[(PathBuf, PathBuf)]| {
        for (t, _) in temps {
            let _ = std::fs::remove_file(t);
        }
    };
    for c in &plan.changes {
        let dest = root.join(&c.path);
        let dir = dest.parent().unwrap_or(root).to_path_buf();
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let temp = dir.join(format!(".{name}.teambook-import-{}", std::process::id()));
        let result = std::fs::create_dir_all(&dir)
            .map_err(|e| Error::io(&dir, e))
            .and_then(|()| std::fs::write(&temp, &c.new).map_err(|e| Error::io(&temp, e)));
        if let Err(e) = result {
            cleanup(&temps);
            return Err(vec![e]);
        }
        temps.push((temp, dest));
    }
    let mut written = Vec::new();
    for (temp, dest) in &temps {
        if let Err(e) = std::fs::rename(temp, dest) {
            cleanup(&temps);
            return Err(vec![Error::io(dest, e)]);
        }
        written.push(dest.clone());
    }
    Ok(written)
}
