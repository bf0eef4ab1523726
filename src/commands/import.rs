//! `teambook import TOOL FILE`: a tracker export into the backlog and the sprint pages.
//! In: the export and the site's `data/backlog.yaml` and sprint pages. Out: those files
//! updated atomically (every temp file written before any is renamed into place), or a diff
//! with `--dry-run`, or every problem of the export and nothing written.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::error::{Error, hint};
use crate::import::apply::{self, Plan, SiteFiles};
use crate::import::{self as tracker, Tool};

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
    let export = tracker::read(tool, &req.file, &text, &config.import)?;
    let pages = crate::load::content_pages(root)?;
    let site = site_files(root, &pages);
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

/// Whether `text` (an `_index.md`) cascades `kind: sprint` to its section.
fn cascades_sprint(text: &str) -> bool {
    let mut in_cascade = false;
    text.lines()
        .skip(1)
        .take_while(|l| l.trim_end() != "---")
        .any(|l| {
            if l.starts_with("cascade:") {
                in_cascade = true;
            } else if !l.starts_with(' ') {
                in_cascade = false;
            }
            in_cascade && l.trim() == "kind: sprint"
        })
}

fn site_files(root: &Path, content: &[crate::load::SourceFile]) -> SiteFiles {
    let cascading: Vec<&Path> = content
        .iter()
        .filter(|f| {
            f.path.file_name().is_some_and(|n| n == "_index.md") && cascades_sprint(&f.text)
        })
        .filter_map(|f| f.path.parent())
        .collect();
    let mut sprint_pages: Vec<(PathBuf, String)> = content
        .iter()
        .filter(|f| f.path.file_name().is_some_and(|n| n != "_index.md"))
        .filter(|f| says_sprint(&f.text) || cascading.iter().any(|d| f.path.parent() == Some(*d)))
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
