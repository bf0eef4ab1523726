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
