//! Stage 3: the site model. In: content files with parsed front matter. Out: `Site` — pages and
//! sections with their URLs, cascade applied, drafts/future/expired left out (with reasons),
//! section order, prev/next, taxonomies; URL clashes and escapes reported. Pure, no IO.

mod assembly;
pub mod records;
pub mod sorting;
pub mod url;

pub use assembly::assemble;

use std::collections::HashMap;
use std::path::PathBuf;

use crate::config::Config;
use crate::parse::frontmatter::{Date, FrontMatter};

/// A regular page: a Markdown file or a page bundle's `index.md`.
#[derive(Debug)]
pub struct Page {
    /// Source file relative to the site root.
    pub path: PathBuf,
    pub text: String,
    /// Byte offset and 1-based line where the body starts in `text`.
    pub body_start: usize,
    pub body_line: usize,
    pub meta: FrontMatter,
    pub title: String,
    /// Site path without the base path: `/roles/scrum-master/`.
    pub url: String,
    pub section: usize,
    /// Folder of a page bundle, relative to the root.
    pub bundle: Option<PathBuf>,
    pub prev: Option<usize>,
    pub next: Option<usize>,
    /// Who made the last commit of the file, when "last updated" comes from Git.
    pub updated_by: Option<String>,
    /// With a `review_by` date: whether it has passed.
    pub review_due: Option<bool>,
}

impl Page {
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }
}

/// A folder of `content/`, with its `_index.md` when it has one.
#[derive(Debug)]
pub struct Section {
    /// The `_index.md`, relative to the root, if any.
    pub path: Option<PathBuf>,
    /// Folder relative to `content/` ("" for the home section).
    pub dir: PathBuf,
    pub text: String,
    pub body_start: usize,
    pub body_line: usize,
    pub meta: FrontMatter,
    pub title: String,
    pub url: String,
    pub parent: Option<usize>,
    /// Pages in display order.
    pub pages: Vec<usize>,
    /// Child sections in display order.
    pub subsections: Vec<usize>,
}

impl Section {
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }
}

/// One term of a taxonomy and its pages, newest first.
#[derive(Debug)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub pages: Vec<usize>,
}

#[derive(Debug)]
pub struct Taxonomy {
    pub name: String,
    pub url: String,
    /// Terms sorted by name.
    pub terms: Vec<Term>,
}

/// A page that is not built, and why.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

/// Build switches that decide which pages are included.
#[derive(Debug, Clone, Copy)]
pub struct Include {
    pub drafts: bool,
    pub future: bool,
    pub now: jiff::Timestamp,
}

/// The whole site, ready to render.
#[derive(Debug)]
pub struct Site {
    pub config: Config,
    pub base_path: String,
    pub pages: Vec<Page>,
    /// `sections[0]` is the home section.
    pub sections: Vec<Section>,
    pub taxonomies: Vec<Taxonomy>,
    pub skipped: Vec<Skipped>,
    /// Source path (relative to the root) → site path, for every page and section.
    pub by_source: HashMap<PathBuf, String>,
    /// Every site path the build writes (pages, sections, pagers, terms, aliases).
    pub urls: HashMap<String, PathBuf>,
    /// Typed records, filled by [`records::collect`] after assembly.
    pub records: records::Records,
    /// Markdown files under `snippets/` (root-relative `/` path → text), for `include`.
    pub snippets: HashMap<String, String>,
}

/// "my-first_post" → "My First Post", as Hugo titles pages without a title.
pub fn title_from_name(name: &str) -> String {
    name.split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A date's day for display, if any.
pub fn day(d: &Option<Date>) -> Option<&str> {
    d.as_ref().map(|d| d.day.as_str())
}
