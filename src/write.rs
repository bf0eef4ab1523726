//! Stage 5: the output folder. In: files rendered by earlier stages. Out: a complete new output
//! folder, built beside the old one and swapped in only when the whole build succeeded, so a
//! failed build leaves the previous output byte-for-byte unchanged.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::Error;

/// Where rendered files go: a private folder beside the output, memory (`serve`), or nowhere
/// (`check`).
pub enum Sink {
    Dir { staging: PathBuf, target: PathBuf },
    Memory(Mutex<HashMap<String, Vec<u8>>>),
    Discard,
}

/// The marker every teambook output has; a folder without it is never replaced.
pub const MARKER: &str = ".nojekyll";

impl Sink {
    /// Prepares a fresh staging folder beside `target`.
    pub fn stage(target: &Path) -> Result<Sink, Error> {
        if target.exists() && !is_replaceable(target) {
            return Err(Error::file(
                target,
                "refusing to replace this folder: it is not empty and was not written by teambook",
            )
            .with_help(format!(
                "choose another --output-dir, or remove the folder yourself (teambook outputs contain `{MARKER}`)"
            )));
        }
        let parent = target.parent().unwrap_or(Path::new("."));
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        std::fs::create_dir_all(if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        })
        .map_err(|e| Error::io(parent, e))?;
        let staging = parent.join(format!(".{name}.teambook-{}", std::process::id()));
        if staging.exists() {
            std::fs::remove_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
        }
        std::fs::create_dir(&staging).map_err(|e| Error::io(&staging, e))?;
        Ok(Sink::Dir {
            staging,
            target: target.to_path_buf(),
        })
    }

    /// Writes one file, `rel` being a `/`-separated path inside the output.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Error> {
        if let Sink::Memory(files) = self {
            let mut files = files.lock().unwrap_or_else(|e| e.into_inner());
            files.insert(rel.to_string(), bytes.to_vec());
            return Ok(());
        }
        let Sink::Dir { staging, .. } = self else {
            return Ok(());
        };
        let path = staging.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| Error::io(Path::new(rel), e))
    }

    /// Copies a file from disk into the output.
    pub fn copy(&self, rel: &str, from: &Path) -> Result<(), Error> {
        if let Sink::Memory(_) = self {
            let bytes = std::fs::read(from).map_err(|e| Error::io(from, e))?;
            return self.write(rel, &bytes);
        }
        let Sink::Dir { staging, .. } = self else {
            return Ok(());
        };
        let path = staging.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        std::fs::copy(from, &path)
            .map(|_| ())
            .map_err(|e| Error::io(from, e))
    }

    /// Swaps the staging folder in place of the target.
    pub fn commit(self) -> Result<(), Error> {
        let Sink::Dir { staging, target } = self else {
            return Ok(());
        };
        let old = staging.with_extension("old");
        if target.exists() {
            std::fs::rename(&target, &old).map_err(|e| Error::io(&target, e))?;
        }
        if let Err(e) = std::fs::rename(&staging, &target) {
            if old.exists() {
                let _ = std::fs::rename(&old, &target);
            }
            return Err(Error::io(&target, e));
        }
        if old.exists() {
            std::fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
        }
        Ok(())
    }

    /// The files of a memory sink, keyed by their `/`-separated path; empty for the others.
    pub fn into_files(self) -> HashMap<String, Vec<u8>> {
        match self {
            Sink::Memory(files) => files.into_inner().unwrap_or_else(|e| e.into_inner()),
            _ => HashMap::new(),
        }
    }

    /// Throws the staging folder away after a failed build.
    pub fn abandon(self) {
        if let Sink::Dir { staging, .. } = self {
            let _ = std::fs::remove_dir_all(staging);
        }
    }
}

/// An existing output may be replaced when it is empty or carries teambook's marker.
fn is_replaceable(target: &Path) -> bool {
    if !target.is_dir() {
        return false;
    }
    if target.join(MARKER).exists() {
        return true;
    }
    std::fs::read_dir(target).is_ok_and(|mut d| d.next().is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_swaps_and_abandon_keeps_the_old_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let sink = Sink::stage(&out).unwrap();
        sink.write(MARKER, b"").unwrap();
        sink.write("a/index.html", b"one").unwrap();
        sink.commit().unwrap();
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"one");

        let sink = Sink::stage(&out).unwrap();
        sink.write("a/index.html", b"two").unwrap();
        sink.abandon();
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"one");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging folder was not removed");
    }

    #[test]
    fn a_memory_sink_keeps_files_and_touches_no_disk() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("a.css");
        std::fs::write(&src, "body{}").unwrap();
        let sink = Sink::Memory(Mutex::default());
        sink.write("a/index.html", b"one").unwrap();
        sink.copy("s/a.css", &src).unwrap();
        let files = sink.into_files();
        assert_eq!(files["a/index.html"], b"one");
        assert_eq!(files["s/a.css"], b"body{}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_foreign_folder_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("thesis.tex"), "precious").unwrap();
        let err = Sink::stage(dir.path()).err().unwrap();
        assert!(err.to_string().contains("refusing to replace"), "{err}");
    }
}
