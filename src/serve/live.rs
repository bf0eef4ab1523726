//! Stage 6, incremental: the last good build kept in memory (the build's `State`: sources,
//! model, template engine, rendered bodies and sidebars). In: the files one save touched. Out: only the output files
//! that save can change, or [`Update::Full`] when it needs a whole rebuild.
//!
//! A save is incremental when it changes only the body of pages and sections the site already
//! has (front matter byte-for-byte the same) or the contents of files of `static/`. Front
//! matter decides titles, URLs, order, taxonomies and records, which many pages show, so any
//! other change — new, deleted or renamed files, data, templates, config — rebuilds everything
//! (bodies still come from the body cache).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::build::{BuildFailure, BuildOptions, BuildReport, OutputFiles, State};
use crate::error::Error;
use crate::load::{StaticSource, TemplateSource, slash_path};
use crate::parse::frontmatter;
use crate::parse::highlight::Highlighter;
use crate::render::cache::BodyCache;
use crate::render::content::{Body, Content, render_body};
use crate::render::context::Views;
use crate::render::engine::Engine;
use crate::render::{LinkChecker, check_links};
use crate::write::Sink;

/// The state of the last good build, as `serve` keeps it between saves: the build's own
/// [`State`], to which this module adds incremental updates.
pub type Live = State;

impl Live {
    /// Builds the site into memory: nothing is written to disk. Returns the files keyed by
    /// their `/`-separated path inside the output, and the build's state for incremental
    /// updates. Bodies whose source and inputs did not change since the build that filled
    /// `cache` are reused from it.
    pub fn build(
        opts: &BuildOptions,
        cache: &std::sync::Mutex<BodyCache>,
    ) -> Result<(BuildReport, OutputFiles, Live), BuildFailure> {
        let built = crate::build::build_with(opts, Some(cache))?;
        Ok((built.report, built.files, built.state))
    }
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
    Template,
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
        let templates = edits.iter().filter(|e| matches!(e, Edit::Template)).count();
        if templates > 0 && templates == edits.len() {
            return self.update_templates();
        } else if templates > 0 {
            return Update::Full;
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
                Edit::Template => unreachable!("template saves are handled above"),
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
        let views = Views::new(&self.site, &self.pages, &self.sections, &self.records);
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
        let mut warnings = self.sources.warnings.clone();
        warnings.extend(self.links.all());
        let mut files = sink.into_files();
        files.extend(statics);
        Update::Files { files, warnings }
    }

    /// What a changed file is to this build, or `None` if it needs a full rebuild.
    fn classify(&self, path: &Path) -> Option<Edit> {
        let rel = path.strip_prefix(&self.sources.root).unwrap_or(path);
        // A file that became a link out of the site: the full rebuild skips it and says so.
        crate::load::stays_inside(&self.sources.root, rel).ok()?;
        let theme_templates = self
            .sources
            .config
            .theme
            .as_deref()
            .map(|t| Path::new("themes").join(t).join("templates"));
        if rel.starts_with("templates") || theme_templates.is_some_and(|t| rel.starts_with(t)) {
            return Some(Edit::Template);
        }
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
        // Pages of data-file records name their data file: only `content/` holds bodies.
        if !rel.starts_with("content") {
            return None;
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

    /// Re-reads the templates and re-renders the outputs whose template, or a template it
    /// extends, includes or imports, changed; a changed sidebar re-renders every output, a
    /// changed shortcode every body (a full rebuild).
    fn update_templates(&mut self) -> Update {
        let templates = match crate::load::templates(&self.sources.root, &self.sources.config) {
            Ok(t) => t,
            Err(e) => return Update::Failed(e.into()),
        };
        let changed = changed_templates(&self.sources.templates, &templates);
        if changed.iter().any(|n| n.starts_with("shortcodes/")) {
            return Update::Full;
        }
        // Cards are drawn only when a template links them: a save that starts or stops doing
        // so adds or removes every card.
        let linked = crate::render::cards::linked_by;
        if linked(&self.sources.templates) != linked(&templates) {
            return Update::Full;
        }
        self.sources.templates = templates;
        let mut engine = match Engine::for_site(
            &self.site,
            &self.sources,
            self.records.clone(),
            self.sprints.clone(),
            true,
        ) {
            Ok(e) => e,
            Err(e) => return Update::Failed(e.into()),
        };
        let views = Views::new(&self.site, &self.pages, &self.sections, &self.records);
        engine.set_site(&views);
        let uses = template_uses(&self.sources.templates);
        let affected = |name: &str| {
            changed.contains(name) || uses.get(name).is_some_and(|u| !u.is_disjoint(&changed))
        };
        let sink = Sink::Memory(Default::default());
        let rendered = crate::render::render_with_templates(
            &self.site,
            &self.engine,
            &engine,
            &views,
            &sink,
            &mut self.sidebars,
            &affected,
        );
        match rendered {
            Ok(()) => {
                self.engine = engine;
                Update::Files {
                    files: sink.into_files(),
                    warnings: self.links.all(),
                }
            }
            Err(e) => Update::Failed(e.into()),
        }
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
            Source::Page(i) => Body::of_page(&self.site.pages[i]),
            Source::Section(s) => match Body::of_section(&self.site.sections[s]) {
                Some(body) => body,
                None => return Ok(Content::default()),
            },
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

/// Names of templates added, removed or changed between two template lists (where several
/// share a name, the last one is the one in use).
fn changed_templates(old: &[TemplateSource], new: &[TemplateSource]) -> HashSet<String> {
    let (old, new) = (templates_in_use(old), templates_in_use(new));
    old.keys()
        .chain(new.keys())
        .filter(|name| old.get(*name) != new.get(*name))
        .map(|name| name.to_string())
        .collect()
}

/// Name → text of the templates in use: where several share a name, the last one.
fn templates_in_use(list: &[TemplateSource]) -> HashMap<&str, &str> {
    list.iter()
        .map(|t| (t.name.as_str(), t.text.as_str()))
        .collect()
}

/// For each template, every template it reaches through `extends`, `include` and `import`,
/// directly or not.
fn template_uses(templates: &[TemplateSource]) -> HashMap<String, HashSet<String>> {
    let mut direct: HashMap<&str, Vec<String>> = HashMap::new();
    for t in templates {
        direct.insert(&t.name, referenced(&t.text));
    }
    direct
        .keys()
        .map(|&name| {
            let mut seen: HashSet<String> = HashSet::new();
            let mut todo: Vec<&str> = vec![name];
            while let Some(n) = todo.pop() {
                for r in direct.get(n).into_iter().flatten() {
                    if seen.insert(r.clone()) {
                        todo.push(r);
                    }
                }
            }
            (name.to_string(), seen)
        })
        .collect()
}

/// The template names a template's `{% extends %}`, `{% include %}` and `{% import %}` tags
/// name, in whatever quotes.
fn referenced(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{%") {
        let tag = &rest[start + 2..];
        let end = tag.find("%}").unwrap_or(tag.len());
        let inner = tag[..end].trim_start_matches(['-', ' ', '\t', '\n', '\r']);
        let is_ref = ["extends", "include", "import"]
            .iter()
            .any(|kw| inner.starts_with(kw));
        if is_ref {
            for quote in ['"', '\'', '`'] {
                let mut parts = inner.split(quote);
                parts.next();
                if let Some(name) = parts.next() {
                    out.push(name.to_string());
                    break;
                }
            }
        }
        rest = &tag[end..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tpl(name: &str, text: &str) -> TemplateSource {
        TemplateSource {
            name: name.into(),
            text: text.into(),
            path: PathBuf::from("templates").join(name),
        }
    }

    #[test]
    fn templates_reach_what_they_extend_include_and_import() {
        let list = [
            tpl(
                "base.html",
                "{% include \"partials/nav.html\" %}{% block x %}{% endblock %}",
            ),
            tpl(
                "page.html",
                "{% extends \"base.html\" %}{%- import 'macros.html' as m -%}",
            ),
            tpl("partials/nav.html", "nav"),
            tpl("macros.html", "{% macro a() %}{% endmacro %}"),
            tpl("section.html", "{{ section.title }}"),
        ];
        let uses = template_uses(&list);
        let page: HashSet<&str> = uses["page.html"].iter().map(String::as_str).collect();
        assert_eq!(
            page,
            HashSet::from(["base.html", "partials/nav.html", "macros.html"])
        );
        assert!(uses["section.html"].is_empty());
    }

    #[test]
    fn only_templates_in_use_that_differ_count_as_changed() {
        let old = [
            tpl("page.html", "a"),
            tpl("page.html", "b"),
            tpl("x.html", "x"),
        ];
        let new = [
            tpl("page.html", "a"),
            tpl("page.html", "b"),
            tpl("y.html", "y"),
        ];
        let changed = changed_templates(&old, &new);
        assert_eq!(changed, HashSet::from(["x.html".into(), "y.html".into()]));
    }
}
