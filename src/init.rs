//! `teambook init`: writes the starter handbook (embedded from `starter/`) into a folder.
//! In: a target folder. Out: the files written, or an error if the folder is not empty.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::error::Error;

static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/starter");

/// Writes the starter site into `dir`. A non-empty `dir` is refused unless `force`; even then
/// existing files are kept.
pub fn init(dir: &Path, force: bool) -> Result<Vec<PathBuf>, Error> {
    let non_empty = std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some());
    if non_empty && !force {
        return Err(Error::Usage(format!(
            "{} is not empty; run `teambook init` in an empty folder, or add --force to add the missing starter files",
            dir.display()
        )));
    }
    let mut files = Vec::new();
    collect(&STARTER, &mut files);
    let mut written = Vec::new();
    for f in files {
        let dest = dir.join(f.path());
        if dest.exists() {
            continue;
        }
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&dest, f.contents()).map_err(|e| Error::io(&dest, e))?;
        written.push(f.path().to_path_buf());
    }
    Ok(written)
}

fn collect(dir: &'static Dir<'static>, out: &mut Vec<&'static include_dir::File<'static>>) {
    out.extend(dir.files());
    for d in dir.dirs() {
        collect(d, out);
    }
}

/// `teambook new KIND NAME`: a record page from the kind's archetype. It goes into the content
/// section that cascades `kind: KIND` when there is one, else into `content/<collection>/`.
pub fn new_record(root: &Path, kind_name: &str, name: &str) -> Result<PathBuf, Error> {
    let kind = crate::model::records::kind_or_hint(kind_name).map_err(Error::Usage)?;
    if kind.name == "sprint" {
        return crate::report::sprints::new_sprint(root, name);
    }
    let slug = crate::model::url::urlize(name);
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
    let text = crate::model::records::archetype(kind, name, cascading.is_none());
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
