//! Stage 6, incremental: the last good build kept in memory — sources, model, template engine,
//! rendered bodies and sidebars. In: the files one save touched. Out: only the output files
//! that save can change, or [`Update::Full`] when it needs a whole rebuild.
//!
//! A save is incremental when it changes only the body of pages and sections the site already
//! has (front matter byte-for-byte the same) or the contents of files of `static/`. Front
//! matter decides titles, URLs, order, taxonomies and records, which many pages show, so any
//! other change — new, deleted or renamed files, data, templates, config — rebuilds everything
//! (bodies still come from the body cache).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::Error;
use crate::load::{Sources, StaticSource, slash_path};
use crate::model::Site;
use crate::parse::frontmatter;
use crate::parse::highlight::Highlighter;
use crate::render::content::{Body, Content, render_body};
use crate::render::context::Views;
use crate::render::engine::Engine;
use crate::render::glossary::Glossary;
use crate::render::records::RecordViews;
use crate::render::{LinkChecker, LinkProblems, check_links};
use crate::write::Sink;
use crate::{BuildFailure, OutputFiles};

/// The state of the last good build, as `serve` keeps it between saves.
pub struct Live {
    pub(crate) sources: Sources,
    pub(crate) site: Site,
    pub(crate) engine: Engine,
    pub(crate) records: Arc<RecordViews>,
    /// Page and section bodies with glossary links, in site order.
    pub(crate) pages: Vec<Content>,
    pub(crate) sections: Vec<Content>,
    pub(crate) sidebars: Vec<String>,
    /// Paths served by files other than pages, for link checks.
    pub(crate) extra_paths: HashSet<String>,
    pub(crate) glossary: Glossary,
    /// Link problems of each body, rechecked for the bodies a save changes.
    pub(crate) links: LinkProblems,
}

/// What one save amounts to.
pub enum Update {
    /// The save needs a full rebuild.
    Full,
    /// The output files the save changed, rendered afresh, and the site's link warnings.
    Files {
        files: OutputFiles,
        warnings: Vec<Error>,
    },
    /// The save broke the site; nothing was rendered.
    Failed(BuildFailure),
}

/// A content file of the site: page `i` or section `s`.
#[derive(Clone, Copy)]
enum Source {
    Page(usize),
    Section(usize),
}

/// One file of a save, read and classified.
enum Edit {
    Body(Source, String),
    Static(String, Vec<u8>),
}

impl Live {
    /// Applies a save that touched `changed` (absolute paths or paths under the site root).
    /// On failure the state is no longer trusted: the caller drops it, so the next save is a
    /// full rebuild that reports every error of the site, not only this one.
    pub fn update(&mut self, changed: &[PathBuf]) -> Update {
        let mut edits = Vec::with_capacity(changed.len());
        for path in changed {
            match self.classify(path) {
                Some(edit) => edits.push(edit),
                None => return Update::Full,
            }
        }
        let hl = Highlighter::global();
        let mut errors = Vec::new();
        let mut touched = Vec::new();
        let mut ids_changed = false;
        let mut statics = OutputFiles::new();
        for edit in edits {
            match edit {
                Edit::Static(dest, bytes) => {
                    statics.insert(dest, bytes);
                }
                Edit::Body(source, text) => {
                    self.set_text(source, text);
                    match self.render(source, hl) {
                        Ok(content) => {
                            ids_changed |= self.set_content(source, content);
                            touched.push(source);
                        }
                        Err(e) => errors.extend(e),
                    }
                }
            }
        }
        if !errors.is_empty() {
            return Update::Failed(errors.into());
        }
        let views = Views {
            site: &self.site,
            pages: &self.pages,
            sections: &self.sections,
            records: &self.records,
        };
        let sink = Sink::Memory(Default::default());
        for &source in &touched {
            let rendered = match source {
                Source::Page(i) => crate::render::render_page_outputs(
                    &self.site,
                    &self.engine,
                    &views,
                    &sink,
                    &self.sidebars,
                    i,
                ),
                Source::Section(s) => crate::render::render_section_outputs(
                    &self.site,
                    &self.engine,
                    &views,
                    &sink,
                    &self.sidebars,
                    s,
                ),
            };
            if let Err(e) = rendered {
                return Update::Failed(e.into());
            }
        }
        // Links into a page depend on its heading ids: when those changed, every body is
        // rechecked; otherwise only the bodies this save changed.
        if ids_changed {
            self.links = check_links(&self.site, &self.pages, &self.sections, &self.extra_paths);
        } else {
            let checker =
                LinkChecker::new(&self.site, &self.pages, &self.sections, &self.extra_paths);
            for source in &touched {
                match *source {
                    Source::Page(i) => self.links.pages[i] = checker.page(i),
                    Source::Section(s) => self.links.sections[s] = checker.section(s),
                }
            }
        }
        let warnings = self.links.all();
        let mut files = sink.into_files();
        files.extend(statics);
        Update::Files { files, warnings }
    }

    /// What a changed file is to this build, or `None` if it needs a full rebuild.
    fn classify(&self, path: &Path) -> Option<Edit> {
        let rel = path.strip_prefix(&self.sources.root).unwrap_or(path);
        if rel.starts_with("static") {
            let dest = self
                .sources
                .static_files
                .iter()
                .find_map(|f| match &f.source {
                    StaticSource::Disk(p)
                        if p.strip_prefix(&self.sources.root).unwrap_or(p) == rel =>
                    {
                        Some(slash_path(&f.dest))
                    }
                    _ => None,
                })?;
            let bytes = std::fs::read(self.sources.root.join(rel)).ok()?;
            return Some(Edit::Static(dest, bytes));
        }
        let source = self.source_of(rel)?;
        let text = std::fs::read_to_string(self.sources.root.join(rel)).ok()?;
        let (old, old_start) = match source {
            Source::Page(i) => (&self.site.pages[i].text, self.site.pages[i].body_start),
            Source::Section(s) => (
                &self.site.sections[s].text,
                self.site.sections[s].body_start,
            ),
        };
        let split = frontmatter::split(rel, &text).ok()?;
        let body_start = text.len() - split.body.len();
        (body_start == old_start && text.as_bytes()[..body_start] == old.as_bytes()[..old_start])
            .then_some(Edit::Body(source, text))
    }

    fn source_of(&self, rel: &Path) -> Option<Source> {
        if let Some(i) = self.site.pages.iter().position(|p| p.path == rel) {
            return Some(Source::Page(i));
        }
        self.site
            .sections
            .iter()
            .position(|s| s.path.as_deref() == Some(rel))
            .map(Source::Section)
    }

    fn set_text(&mut self, source: Source, text: String) {
        match source {
            Source::Page(i) => self.site.pages[i].text = text,
            Source::Section(s) => self.site.sections[s].text = text,
        }
    }

    /// Renders the body of `source` and links its glossary terms.
    fn render(&self, source: Source, hl: &Highlighter) -> Result<Content, Vec<Error>> {
        let body = match source {
            Source::Page(i) => {
                let p = &self.site.pages[i];
                Body {
                    path: &p.path,
                    text: &p.text,
                    body_start: p.body_start,
                    body_line: p.body_line,
                    title: &p.title,
                    url: &p.url,
                    params: &p.meta.params,
                }
            }
            Source::Section(s) => {
                let sec = &self.site.sections[s];
                let Some(path) = sec.path.as_deref() else {
                    return Ok(Content::default());
                };
                Body {
                    path,
                    text: &sec.text,
                    body_start: sec.body_start,
                    body_line: sec.body_line,
                    title: &sec.title,
                    url: &sec.url,
                    params: &sec.meta.params,
                }
            }
        };
        let mut content = render_body(&self.site, &self.engine, hl, &body)?;
        match source {
            Source::Page(i) => self.glossary.link_page(&self.site, i, &mut content),
            Source::Section(s) => self.glossary.link_section(&self.site, s, &mut content),
        }
        Ok(content)
    }

    /// Keeps the new body of `source`; returns whether its heading ids changed.
    fn set_content(&mut self, source: Source, content: Content) -> bool {
        let slot = match source {
            Source::Page(i) => &mut self.pages[i],
            Source::Section(s) => &mut self.sections[s],
        };
        let ids_changed = slot.ids != content.ids;
        *slot = content;
        ids_changed
    }
}
