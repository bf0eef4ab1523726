//! Stage 6, watching: file-system events under the site root, debounced, folded into a small
//! [`Change`] enum; editors' temp files, swap files and `.git/` churn are dropped here, so the
//! rest of `serve` only ever sees "this part of the site changed".

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer_opt};

use crate::config::CONFIG_FILE;
use crate::error::Error;

/// What part of the site a file event touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Content,
    Data,
    Static,
    Templates,
    Theme,
    Config,
}

/// How long the folder must stay quiet before a batch of events is handed on. Editors' save
/// patterns (temp file, rename, chmod) land well inside it, so one save makes one batch. It is
/// most of the time from a save to the reload, so it is kept short.
pub const DEBOUNCE: Duration = Duration::from_millis(20);

/// How often the debouncer looks for quiet batches: a batch waits at most this past DEBOUNCE.
const TICK: Duration = Duration::from_millis(4);

/// Folds one changed path into a [`Change`], or `None` when the path is noise: outside the
/// watched folders, the output folder, a swap or backup file, or anything under a dot folder.
pub fn classify(root: &Path, path: &Path) -> Option<Change> {
    let rel = path.strip_prefix(root).ok()?;
    let names: Vec<&str> = rel
        .components()
        .map(|c| match c {
            Component::Normal(n) => n.to_str().unwrap_or("."),
            _ => ".",
        })
        .collect();
    if names.iter().any(|n| is_editor_noise(n)) {
        return None;
    }
    match names.as_slice() {
        [name] if *name == CONFIG_FILE => Some(Change::Config),
        ["content", _, ..] => Some(Change::Content),
        // Snippets are read by the bodies that include them: a full rebuild, like data.
        ["data" | "snippets", _, ..] => Some(Change::Data),
        ["static", _, ..] => Some(Change::Static),
        ["templates", _, ..] => Some(Change::Templates),
        ["themes", _, ..] => Some(Change::Theme),
        // A watched folder itself created, removed or renamed.
        ["content" | "data" | "snippets" | "static" | "templates" | "themes"] => {
            Some(Change::Content)
        }
        _ => None,
    }
}

/// Names editors and tools write beside the real file while saving.
fn is_editor_noise(name: &str) -> bool {
    crate::load::is_ignored(name)
        // Vim probes whether it may write in a folder with a file named 4913 (then 5036, …).
        || (!name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()))
        || name.ends_with(".swo")
        || name.ends_with(".bak")
        || name.ends_with(".orig")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
}

/// Whether an event kind may change a file's contents. Reads (opening a file, closing it
/// without writing) are not changes, or every rebuild would trigger the next.
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// The changes a debounced batch of events amounts to: each changed path with its part of
/// the site.
pub fn fold(
    root: &Path,
    events: &[notify_debouncer_full::DebouncedEvent],
) -> BTreeSet<(Change, PathBuf)> {
    events
        .iter()
        .filter(|e| is_change(&e.kind))
        .flat_map(|e| e.paths.iter())
        .filter_map(|p| classify(root, p).map(|c| (c, p.clone())))
        .collect()
}

/// The folders watched recursively; the root itself is watched alone, for `teambook.yaml` and
/// for these folders appearing after start.
const FOLDERS: [&str; 6] = [
    "content",
    "data",
    "snippets",
    "static",
    "templates",
    "themes",
];

/// A running watcher; dropping it stops watching.
pub struct Watcher {
    root: PathBuf,
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    watched: BTreeSet<&'static str>,
}

impl Watcher {
    /// Starts watching the folders of the site that exist; call [`Watcher::refresh`] after a
    /// change to pick up folders created since.
    pub fn refresh(&mut self) -> Result<(), Error> {
        for name in FOLDERS {
            let dir = self.root.join(name);
            // A folder that is a link out of the site is not read, so not watched either.
            if !self.watched.contains(name)
                && dir.is_dir()
                && crate::load::stays_inside(&self.root, Path::new(name)).is_ok()
            {
                self.debouncer
                    .watch(&dir, RecursiveMode::Recursive)
                    .map_err(|e| Error::file(&dir, format!("cannot watch: {e}")))?;
                self.watched.insert(name);
            }
        }
        Ok(())
    }
}

/// Watches the site's source folders and `teambook.yaml` and sends each relevant batch of
/// changes to `tx`. The output folder and `.git/` are never watched.
pub fn watch(root: &Path, tx: Sender<BTreeSet<(Change, PathBuf)>>) -> Result<Watcher, Error> {
    let root: PathBuf = root.to_path_buf();
    let events_root = root.clone();
    // Links are not followed: what they lead to inside the site is watched where it is, and
    // what lies outside is never read.
    let config = notify::Config::default().with_follow_symlinks(false);
    let mut debouncer = new_debouncer_opt::<_, RecommendedWatcher, RecommendedCache>(
        DEBOUNCE,
        Some(TICK),
        move |result: DebounceEventResult| match result {
            Ok(events) => {
                let changes = fold(&events_root, &events);
                if !changes.is_empty() {
                    let _ = tx.send(changes);
                }
            }
            Err(errors) => {
                for e in errors {
                    eprintln!("warning: file watcher: {e}");
                }
            }
        },
        RecommendedCache::new(),
        config,
    )
    .map_err(|e| Error::file(&root, format!("cannot watch the site: {e}")))?;
    debouncer
        .watch(&root, RecursiveMode::NonRecursive)
        .map_err(|e| Error::file(&root, format!("cannot watch the site: {e}")))?;
    let mut watcher = Watcher {
        root,
        debouncer,
        watched: BTreeSet::new(),
    };
    watcher.refresh()?;
    Ok(watcher)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_fold_into_the_part_of_the_site_they_touch() {
        let root = Path::new("/site");
        let c = |p: &str| classify(root, &root.join(p));
        assert_eq!(c("content/roles/sm.md"), Some(Change::Content));
        assert_eq!(c("data/roles.yaml"), Some(Change::Data));
        assert_eq!(c("static/logo.svg"), Some(Change::Static));
        assert_eq!(c("templates/page.html"), Some(Change::Templates));
        assert_eq!(c("themes/x/templates/page.html"), Some(Change::Theme));
        assert_eq!(c("teambook.yaml"), Some(Change::Config));
        assert_eq!(c("templates"), Some(Change::Content));
    }

    #[test]
    fn editor_and_tool_noise_is_dropped() {
        let root = Path::new("/site");
        let c = |p: &str| classify(root, &root.join(p));
        for noise in [
            "content/.page.md.swp",
            "content/page.md~",
            "content/4913",
            "content/#page.md#",
            "content/.#page.md",
            "content/page.md.tmp",
            ".git/index.lock",
            ".git/objects/ab/cdef",
            "content/.git/HEAD",
            "public/index.html",
            ".public.teambook-12/a/index.html",
            "README.md",
            "content/page.md___jb_tmp___",
        ] {
            assert_eq!(c(noise), None, "{noise}");
        }
        assert_eq!(classify(root, Path::new("/elsewhere/content/a.md")), None);
    }

    #[test]
    fn reads_are_not_changes() {
        assert!(!is_change(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(is_change(&EventKind::Modify(
            notify::event::ModifyKind::Any
        )));
    }
}
