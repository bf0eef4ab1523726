//! Stage 4b': a cache of rendered bodies between builds. In: the site's inputs that bodies
//! depend on. Out: bodies of unchanged pages without re-running shortcodes, Markdown and
//! highlighting — the bulk of a build. A changed template, config, data file or page URL
//! invalidates everything; a changed page only itself.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use crate::load::Sources;
use crate::model::Site;
use crate::render::content::{Body, Content};

/// Bodies of the previous build, keyed by a hash of each body's inputs.
#[derive(Default)]
pub struct BodyCache {
    file: Option<PathBuf>,
    global: u64,
    /// What only bodies with shortcodes depend on (templates, data, records); part of their
    /// keys, so a template or data change leaves plain Markdown bodies cached.
    shortcodes: u64,
    entries: HashMap<u64, Content>,
    /// The share cards of the last build by output path, kept in memory only: `serve`'s
    /// builds have no output folder to keep them in (a disk build keeps the cards its output
    /// already has, see `build::write_cards`).
    pub cards: HashMap<String, Vec<u8>>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    global: u64,
    entries: Vec<(u64, Content)>,
}

impl BodyCache {
    /// Opens the cache of the site at `root`; a missing, stale or unreadable cache is empty.
    pub fn open(root: &Path, site: &Site, sources: &Sources) -> BodyCache {
        let global = global_key(site);
        let shortcodes = shortcode_key(site, sources);
        let Some(file) = cache_file(root) else {
            return BodyCache {
                shortcodes,
                ..BodyCache::default()
            };
        };
        let entries = std::fs::read(&file)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Stored>(&bytes).ok())
            .filter(|s| s.global == global)
            .map(|s| s.entries.into_iter().collect())
            .unwrap_or_default();
        BodyCache {
            file: Some(file),
            global,
            shortcodes,
            entries,
            cards: HashMap::new(),
        }
    }

    /// The key of one body: its file, text, URL, title and front-matter params, and for a
    /// body with shortcodes the templates, data and records they may read.
    pub fn key(&self, body: &Body) -> u64 {
        let mut h = DefaultHasher::new();
        if crate::parse::shortcodes::has_shortcodes(&body.text[body.body_start..]) {
            self.shortcodes.hash(&mut h);
        }
        body.path.hash(&mut h);
        body.text.hash(&mut h);
        body.url.hash(&mut h);
        body.title.hash(&mut h);
        // Cascaded front matter reaches shortcodes (`param`) without changing the file.
        serde_json::to_string(body.params)
            .unwrap_or_default()
            .hash(&mut h);
        h.finish()
    }

    /// An empty cache kept in memory only (for `serve`, which rebuilds in one process).
    pub fn in_memory() -> BodyCache {
        BodyCache::default()
    }

    /// Forgets every entry when the site-wide inputs changed since the last build; takes
    /// note of the inputs of shortcodes.
    pub fn revalidate(&mut self, site: &Site, sources: &Sources) {
        let global = global_key(site);
        if global != self.global {
            self.entries.clear();
            self.global = global;
        }
        self.shortcodes = shortcode_key(site, sources);
    }

    pub fn get(&self, key: u64) -> Option<Content> {
        self.entries.get(&key).cloned()
    }

    /// Whether the cache holds exactly the bodies of `keys` (a key of 0 is a body that is
    /// never cached): the same keys are the same bodies, so there is nothing to store.
    pub fn holds_exactly(&self, keys: &[u64]) -> bool {
        let cached = keys.iter().filter(|k| **k != 0);
        cached.clone().count() == self.entries.len()
            && cached.into_iter().all(|k| self.entries.contains_key(k))
    }

    /// Replaces the cache with this build's bodies, and writes it to disk when it has a file.
    /// Write failures are ignored: the cache only ever saves time.
    pub fn store(&mut self, bodies: Vec<(u64, Content)>) {
        let stored = Stored {
            global: self.global,
            entries: bodies,
        };
        if let Some(file) = &self.file {
            let _ = write_atomically(file, &stored);
        }
        self.entries = stored.entries.into_iter().collect();
    }
}

fn write_atomically(file: &Path, stored: &Stored) -> std::io::Result<()> {
    let bytes = serde_json::to_vec(stored)?;
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = file.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, file)
}

/// Everything every body depends on besides its own file: the config (Markdown and highlight
/// options, base path) and the URL of every source file (links to `.md` files).
fn global_key(site: &Site) -> u64 {
    let mut h = DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    serde_json::to_string(&site.config)
        .unwrap_or_default()
        .hash(&mut h);
    let mut urls: Vec<(&PathBuf, &String)> = site.by_source.iter().collect();
    urls.sort();
    urls.hash(&mut h);
    h.finish()
}

/// What shortcodes may read: templates, data files, snippets and every record.
fn shortcode_key(site: &Site, sources: &Sources) -> u64 {
    let mut h = DefaultHasher::new();
    let mut templates: Vec<(&str, &str)> = sources
        .templates
        .iter()
        .map(|t| (t.name.as_str(), t.text.as_str()))
        .collect();
    templates.sort();
    templates.hash(&mut h);
    for f in sources.data_files.iter().chain(&sources.snippets) {
        f.path.hash(&mut h);
        f.text.hash(&mut h);
    }
    // Record shortcodes (role tables, RACI, glossary…) read every record of the site.
    for r in &site.records.list {
        (r.kind.name, &r.id, &r.title, r.weight, &r.source).hash(&mut h);
        serde_json::to_string(&r.fields)
            .unwrap_or_default()
            .hash(&mut h);
    }
    h.finish()
}

/// Where the search stage remembers the index it wrote for the site at `root`, beside the
/// bodies.
pub fn search_record(root: &Path) -> Option<PathBuf> {
    cache_file(root).map(|f| f.with_extension("search.json"))
}

/// `$TEAMBOOK_CACHE_DIR`, else the user's cache folder, one file per site folder.
fn cache_file(root: &Path) -> Option<PathBuf> {
    let base = std::env::var_os("TEAMBOOK_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("teambook")))
        .or_else(|| std::env::var_os("HOME").map(|d| PathBuf::from(d).join(".cache/teambook")))?;
    let root = std::fs::canonicalize(root).ok()?;
    let mut h = DefaultHasher::new();
    root.hash(&mut h);
    Some(base.join(format!("{:016x}.json", h.finish())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bodies_with_shortcodes_depend_on_templates_data_and_records() {
        let params = serde_json::Map::new();
        let body = |text: &'static str| Body {
            path: Path::new("content/a.md"),
            text,
            body_start: 0,
            body_line: 1,
            title: "A",
            url: "/a/",
            params: &params,
        };
        let before = BodyCache {
            shortcodes: 1,
            ..BodyCache::default()
        };
        let after = BodyCache {
            shortcodes: 2,
            ..BodyCache::default()
        };
        let plain = body("Plain *Markdown* with `code`.\n");
        let with = body("Text {{< hi >}}\n");
        assert_eq!(before.key(&plain), after.key(&plain));
        assert_ne!(before.key(&with), after.key(&with));
    }
}
