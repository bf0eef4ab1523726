//! Stage 5: the output folder. In: files rendered by earlier stages. Out: the new output
//! folder, put in place only when the whole build succeeded, so a failed build leaves the
//! previous output byte-for-byte unchanged.
//!
//! A first build (or one into an empty folder) fills a staging folder beside the output and
//! renames it into place. A rebuild over an earlier teambook output updates that output in
//! place instead: a file whose bytes did not change is left alone (not written, so its
//! modification time stays and tools that sync or serve the folder see no change), changed
//! and new files are staged and renamed over the old ones when the build succeeds, and files
//! the build no longer makes are deleted.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::Error;
use crate::render::Output;
use crate::render::feeds::MARKER;
use crate::util::temp;

/// Where rendered files go: a private folder beside the output, memory (`serve`), or nowhere
/// (`check`).
pub enum Sink {
    Dir(Staged),
    Memory(Mutex<HashMap<String, Vec<u8>>>),
    Discard,
}

/// An output folder being built: its staging folder, the output it replaces or updates, and
/// every file the build has put in it so far.
pub struct Staged {
    pub staging: PathBuf,
    pub target: PathBuf,
    /// The current output is teambook's and not empty: unchanged files are kept in it.
    in_place: bool,
    /// `/`-separated paths, and whether each was staged (`true`) or kept from the current
    /// output (`false`). Each path once (a later entry for the same path wins).
    files: Mutex<Vec<(String, bool)>>,
    /// A file whose move into place fails, to test that a failed commit is undone.
    #[cfg(test)]
    fail_on: Option<String>,
}

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
        remove_stale_staging(parent, &name);
        let staging = parent.join(format!(".{name}.teambook-{}", std::process::id()));
        if staging.exists() {
            std::fs::remove_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
        }
        temp::register(&staging);
        if let Err(e) = std::fs::create_dir(&staging) {
            temp::unregister(&staging);
            return Err(Error::io(&staging, e));
        }
        Ok(Sink::Dir(Staged {
            staging,
            target: target.to_path_buf(),
            in_place: target.join(MARKER).is_file(),
            files: Mutex::default(),
            #[cfg(test)]
            fail_on: None,
        }))
    }

    /// Writes one file, `rel` being a `/`-separated path inside the output.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Error> {
        inside_output(rel)?;
        match self {
            Sink::Memory(files) => {
                let mut files = files.lock().unwrap_or_else(|e| e.into_inner());
                files.insert(rel.to_string(), bytes.to_vec());
                Ok(())
            }
            Sink::Dir(staged) => staged.write(rel, bytes),
            Sink::Discard => Ok(()),
        }
    }

    /// Copies a file from disk into the output.
    pub fn copy(&self, rel: &str, from: &Path) -> Result<(), Error> {
        inside_output(rel)?;
        match self {
            Sink::Memory(_) => {
                let bytes = std::fs::read(from).map_err(|e| Error::io(from, e))?;
                self.write(rel, &bytes)
            }
            Sink::Dir(staged) => staged.copy(rel, from),
            Sink::Discard => Ok(()),
        }
    }

    /// Puts the new output in place of the current one.
    pub fn commit(self) -> Result<(), Error> {
        match self {
            Sink::Dir(staged) => staged.commit(),
            _ => Ok(()),
        }
    }

    /// The files of a memory sink, keyed by their `/`-separated path; empty for the others.
    pub fn into_files(self) -> HashMap<String, Vec<u8>> {
        match self {
            Sink::Memory(files) => files.into_inner().unwrap_or_else(|e| e.into_inner()),
            _ => HashMap::new(),
        }
    }
}

/// An error once a signal is stopping the process: nothing more is written into the staging
/// folder being removed.
fn stopped() -> Result<(), Error> {
    if temp::stopping() {
        Err(Error::Usage("stopped by a signal".into()))
    } else {
        Ok(())
    }
}

/// A staging folder that was not committed — the build failed, or returned early with `?` —
/// is thrown away; the current output is untouched. After a commit there is nothing left
/// to remove.
impl Drop for Staged {
    fn drop(&mut self) {
        if self.staging.exists() {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
        temp::unregister(&self.staging);
    }
}

/// The last line of defence: every path the build writes stays inside the output (earlier
/// stages refuse such URLs at their source line; this names the path if one slips through).
fn inside_output(rel: &str) -> Result<(), Error> {
    let fine = !rel.contains('\0')
        && crate::util::path::normalize(Path::new(rel)).is_some_and(|n| n == Path::new(rel));
    if fine {
        Ok(())
    } else {
        let shown = rel.escape_debug().to_string();
        Err(Error::file(
            Path::new(&shown),
            "refusing to write this output file: its path would leave the output folder or holds a NUL byte",
        ))
    }
}

/// Removes the staging folders of `name` that a killed teambook left beside it: they carry
/// the pid of the process that made them (`.public.teambook-4242`).
fn remove_stale_staging(parent: &Path, name: &str) {
    let prefix = format!(".{name}.teambook-");
    let dir = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    temp::remove_stale(dir, |n| n.strip_prefix(&prefix)?.parse().ok());
}

impl Output for Sink {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Error> {
        Sink::write(self, rel, bytes)
    }

    fn copy(&self, rel: &str, from: &Path) -> Result<(), Error> {
        Sink::copy(self, rel, from)
    }
}

impl Staged {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Error> {
        stopped()?;
        if self.in_place && same_bytes(&self.target.join(rel), bytes) {
            self.note(rel, false);
            return Ok(());
        }
        let path = self.staging.join(rel);
        if let Some(dir) = path.parent() {
            stopped()?;
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| Error::io(Path::new(rel), e))?;
        self.note(rel, true);
        Ok(())
    }

    fn copy(&self, rel: &str, from: &Path) -> Result<(), Error> {
        if self.in_place {
            let old = self.target.join(rel);
            let same_len = match (std::fs::metadata(from), std::fs::metadata(&old)) {
                (Ok(a), Ok(b)) => b.is_file() && a.len() == b.len(),
                _ => false,
            };
            if same_len {
                let bytes = std::fs::read(from).map_err(|e| Error::io(from, e))?;
                return self.write(rel, &bytes);
            }
        }
        let path = self.staging.join(rel);
        if let Some(dir) = path.parent() {
            stopped()?;
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        std::fs::copy(from, &path).map_err(|e| Error::io(from, e))?;
        self.note(rel, true);
        Ok(())
    }

    /// Keeps the current output's file at `rel` in the new output, unchanged. Returns `false`
    /// when there is no such file or it could not be kept.
    pub fn keep(&self, rel: &str) -> bool {
        let old = self.target.join(rel);
        if !std::fs::symlink_metadata(&old).is_ok_and(|m| m.is_file()) {
            return false;
        }
        if self.in_place {
            self.note(rel, false);
            return true;
        }
        let new = self.staging.join(rel);
        let kept = !temp::stopping()
            && new
                .parent()
                .is_some_and(|dir| std::fs::create_dir_all(dir).is_ok())
            && (std::fs::hard_link(&old, &new).is_ok() || std::fs::copy(&old, &new).is_ok());
        if kept {
            self.note(rel, true);
        }
        kept
    }

    /// Where the new output's file at `rel` is now: staged, or kept in the current output.
    pub fn path_of(&self, rel: &str, staged: bool) -> PathBuf {
        if staged {
            self.staging.join(rel)
        } else {
            self.target.join(rel)
        }
    }

    /// Every file of the new output so far, each once, in name order, with whether it was
    /// staged (`false`: kept unchanged from the current output).
    pub fn files(&self) -> Vec<(String, bool)> {
        let files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        let mut latest: HashMap<&str, bool> = HashMap::with_capacity(files.len());
        for (rel, staged) in files.iter() {
            latest.insert(rel, *staged);
        }
        let mut list: Vec<(String, bool)> = latest
            .into_iter()
            .map(|(rel, staged)| (rel.to_string(), staged))
            .collect();
        list.sort_unstable();
        list
    }

    fn note(&self, rel: &str, staged: bool) {
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.push((rel.to_string(), staged));
    }

    fn commit(&self) -> Result<(), Error> {
        let files = self.files();
        if !self.in_place || files.iter().all(|(_, staged)| *staged) {
            return self.swap();
        }
        // A file that now stands where the old output has a folder, or under what was a file,
        // cannot be renamed into place; such a build swaps the whole folder instead.
        if self.has_conflict(&files) {
            for (rel, _) in files.iter().filter(|(_, staged)| !*staged) {
                let (old, new) = (self.target.join(rel), self.staging.join(rel));
                if let Some(dir) = new.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
                }
                if std::fs::hard_link(&old, &new).is_err() {
                    std::fs::copy(&old, &new).map_err(|e| Error::io(&old, e))?;
                }
            }
            return self.swap();
        }
        // Each changed file's old version is moved aside before the new one takes its place;
        // when a rename fails, what was done is undone, so the output is never half updated.
        let aside = self.staging.with_extension("previous");
        let mut done: Vec<(&str, bool)> = Vec::new();
        for (rel, _) in files.iter().filter(|(_, staged)| *staged) {
            match self.replace(rel, &aside) {
                Ok(had_old) => done.push((rel, had_old)),
                Err(e) => {
                    self.undo(&done, &aside);
                    let _ = std::fs::remove_dir_all(&aside);
                    let _ = std::fs::remove_dir_all(&self.staging);
                    return Err(e);
                }
            }
        }
        let _ = std::fs::remove_dir_all(&aside);
        let wanted: HashSet<&str> = files.iter().map(|(rel, _)| rel.as_str()).collect();
        self.remove_stale(&wanted)?;
        std::fs::remove_dir_all(&self.staging).map_err(|e| Error::io(&self.staging, e))
    }

    /// Puts the staged file at `rel` in place, its old version (if any) moved under `aside`.
    /// Returns whether there was an old version.
    fn replace(&self, rel: &str, aside: &Path) -> Result<bool, Error> {
        let (from, to, back) = (
            self.staging.join(rel),
            self.target.join(rel),
            aside.join(rel),
        );
        #[cfg(test)]
        if self.fail_on.as_deref() == Some(rel) {
            return Err(Error::file(&to, "injected failure"));
        }
        let had_old = std::fs::symlink_metadata(&to).is_ok_and(|m| m.is_file());
        if had_old {
            if let Some(dir) = back.parent() {
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            }
            std::fs::rename(&to, &back).map_err(|e| Error::io(&to, e))?;
        }
        let placed = to
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::rename(&from, &to));
        if let Err(e) = placed {
            if had_old {
                let _ = std::fs::rename(&back, &to);
            }
            return Err(Error::io(&to, e));
        }
        Ok(had_old)
    }

    /// Undoes [`Staged::replace`] for `done`, last first: each new file goes, each old one
    /// comes back from `aside`.
    fn undo(&self, done: &[(&str, bool)], aside: &Path) {
        for (rel, had_old) in done.iter().rev() {
            let to = self.target.join(rel);
            let _ = std::fs::remove_file(&to);
            if *had_old {
                let _ = std::fs::rename(aside.join(rel), &to);
            } else {
                // Folders made for new files go too, when nothing else is in them.
                let mut dir = to.parent();
                while let Some(d) = dir.filter(|d| *d != self.target) {
                    if std::fs::remove_dir(d).is_err() {
                        break;
                    }
                    dir = d.parent();
                }
            }
        }
    }

    /// Swaps the staging folder in place of the target.
    fn swap(&self) -> Result<(), Error> {
        let (staging, target) = (&self.staging, &self.target);
        let old = staging.with_extension("old");
        if target.exists() {
            std::fs::rename(target, &old).map_err(|e| Error::io(target, e))?;
        }
        if let Err(e) = std::fs::rename(staging, target) {
            if old.exists() {
                let _ = std::fs::rename(&old, target);
            }
            return Err(Error::io(target, e));
        }
        if old.exists() {
            std::fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
        }
        Ok(())
    }

    /// Whether a staged file's place in the current output is a folder, or one of its
    /// folders there is a file.
    fn has_conflict(&self, files: &[(String, bool)]) -> bool {
        let mut folders: HashSet<&str> = HashSet::new();
        for (rel, _) in files.iter().filter(|(_, staged)| *staged) {
            if std::fs::symlink_metadata(self.target.join(rel)).is_ok_and(|m| !m.is_file()) {
                return true;
            }
            let mut dir = rel.as_str();
            while let Some(i) = dir.rfind('/') {
                dir = &dir[..i];
                if !folders.insert(dir) {
                    break;
                }
                if std::fs::symlink_metadata(self.target.join(dir)).is_ok_and(|m| !m.is_dir()) {
                    return true;
                }
            }
        }
        false
    }

    /// Deletes what the current output has and the new one does not, then the folders that
    /// this leaves empty.
    fn remove_stale(&self, wanted: &HashSet<&str>) -> Result<(), Error> {
        let mut emptied: HashSet<PathBuf> = HashSet::new();
        for entry in walkdir::WalkDir::new(&self.target).min_depth(1) {
            let entry = entry.map_err(|e| Error::file(&self.target, e.to_string()))?;
            if entry.file_type().is_dir() {
                continue;
            }
            let path = entry.path();
            let rel = path.strip_prefix(&self.target).unwrap_or(path);
            let rel = rel.to_string_lossy().replace('\\', "/");
            if wanted.contains(rel.as_str()) {
                continue;
            }
            std::fs::remove_file(path).map_err(|e| Error::io(path, e))?;
            let mut dir = path.parent();
            while let Some(d) = dir.filter(|d| *d != self.target) {
                if !emptied.insert(d.to_path_buf()) {
                    break;
                }
                dir = d.parent();
            }
        }
        let mut emptied: Vec<PathBuf> = emptied.into_iter().collect();
        // Deepest first, so a folder's subfolders are gone before it is tried.
        emptied.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
        for dir in emptied {
            // Fails, as it should, for a folder that still holds something.
            let _ = std::fs::remove_dir(dir);
        }
        Ok(())
    }
}

/// Whether the file at `path` holds exactly `bytes`.
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    meta.is_file()
        && meta.len() == bytes.len() as u64
        && std::fs::read(path).is_ok_and(|old| old == bytes)
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
    fn no_path_leaves_the_output() {
        let sink = Sink::Memory(Default::default());
        for bad in ["../x.html", "a/../../x", "/etc/x", "a\0b.html"] {
            let e = sink.write(bad, b"x").unwrap_err();
            assert!(e.to_string().contains("refusing to write"), "{bad}: {e}");
        }
        sink.write("a/b/index.html", b"x").unwrap();
        assert_eq!(sink.into_files().len(), 1);
    }

    #[test]
    fn commit_swaps_and_a_dropped_sink_keeps_the_old_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let sink = Sink::stage(&out).unwrap();
        sink.write(MARKER, b"").unwrap();
        sink.write("a/index.html", b"one").unwrap();
        sink.commit().unwrap();
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"one");

        let sink = Sink::stage(&out).unwrap();
        sink.write("a/index.html", b"two").unwrap();
        drop(sink);
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"one");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging folder was not removed");
    }

    #[test]
    fn a_commit_that_fails_halfway_is_undone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let build = |files: &[(&str, &str)], fail_on: Option<&str>| {
            let mut sink = Sink::stage(&out).unwrap();
            if let Sink::Dir(staged) = &mut sink {
                staged.fail_on = fail_on.map(str::to_string);
            }
            sink.write(MARKER, b"").unwrap();
            for (rel, text) in files {
                sink.write(rel, text.as_bytes()).unwrap();
            }
            sink.commit()
        };
        let first = [
            ("a/index.html", "a1"),
            ("b/index.html", "b1"),
            ("c/index.html", "c1"),
        ];
        build(&first, None).unwrap();
        let before = std::fs::read_dir(&out).unwrap().count();
        // a and b change, d is new, c is unchanged; the move of d (after a, b) fails.
        let second = [
            ("a/index.html", "a2"),
            ("b/index.html", "b2"),
            ("c/index.html", "c1"),
            ("d/new/index.html", "d2"),
        ];
        let err = build(&second, Some("d/new/index.html")).unwrap_err();
        assert!(err.to_string().contains("injected"), "{err}");
        for (rel, text) in first {
            assert_eq!(
                std::fs::read_to_string(out.join(rel)).unwrap(),
                text,
                "{rel}"
            );
        }
        assert!(
            !out.join("d").exists(),
            "a folder made for the new file stayed"
        );
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), before);
        let beside: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(beside.len(), 1, "{beside:?}");
        // The same build without the failure goes through.
        build(&second, None).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/index.html")).unwrap(),
            "a2"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("d/new/index.html")).unwrap(),
            "d2"
        );
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
