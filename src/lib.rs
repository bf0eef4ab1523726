//! teambook: a static-site generator for team handbooks and sprint reports.
//!
//! A build runs top to bottom through these stages (see [`build`]):
//!
//! 1. `load` — read `teambook.yaml`, `content/`, `data/`, `static/`, `templates/`, the theme.
//! 2. `parse` — front matter, shortcodes, Markdown, syntax highlighting (per file, pure).
//! 3. `model` — sections, pages, URLs, cascade, drafts/future/expired, order, taxonomies.
//! 4. `render` — the template engine renders bodies, then every page, list, feed and sitemap.
//! 5. `write` — files go to a staging folder that replaces the output only if all succeeded.
//!
//! Only `load` and `write` touch the filesystem.

pub mod cli;
pub mod config;
pub mod error;
pub mod init;
pub mod load;
pub mod model;
pub mod parse;
pub mod render;
pub mod search;
pub mod write;
pub mod yaml;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;

pub use error::{Error, Errors};

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Output folder from the command line; it may be outside the site.
    pub output_dir: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    pub future: bool,
    /// `check`: do everything but write, and treat broken links as errors.
    pub check_only: bool,
    /// The instant that decides what is "future" and "expired"; `None` means now.
    pub now: Option<jiff::Timestamp>,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            output_dir: None,
            base_url: None,
            drafts: false,
            future: false,
            check_only: false,
            now: None,
        }
    }
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    pub sections: usize,
    pub terms: usize,
    pub files: usize,
    pub skipped: Vec<model::Skipped>,
    pub warnings: Vec<Error>,
    pub output_dir: Option<PathBuf>,
    pub elapsed: Duration,
}

/// A failed build: every error found, plus the warnings that came before.
#[derive(Debug)]
pub struct BuildFailure {
    pub errors: Vec<Error>,
    pub warnings: Vec<Error>,
}

impl From<Vec<Error>> for BuildFailure {
    fn from(errors: Vec<Error>) -> Self {
        BuildFailure {
            errors,
            warnings: Vec::new(),
        }
    }
}

#[derive(Serialize)]
struct ConfigView<'a> {
    #[serde(flatten)]
    config: &'a config::Config,
    base_path: &'a str,
    /// Menus with their URLs under the base path, sorted by weight.
    menus: std::collections::BTreeMap<&'a str, Vec<config::MenuItem>>,
}

#[derive(Serialize)]
struct Assets {
    css: String,
    highlight_css: String,
}

/// Builds the site at `opts.root`: the whole pipeline, top to bottom.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    let started = Instant::now();
    let root = opts.root.as_path();
    let mut timings = Timings::new(started);

    // 1. Load.
    let mut config = load::load_config(root)?;
    if let Some(url) = &opts.base_url {
        config.base_url = url.clone();
    }
    let output_dir = output_dir(root, &config, opts)?;
    let sources = load::load(root, config.clone())?;

    timings.mark("load");
    // 2–3. Parse front matter and assemble the model.
    let include = model::Include {
        drafts: opts.drafts || config.drafts,
        future: opts.future || config.future,
        now: opts.now.unwrap_or_else(jiff::Timestamp::now),
    };
    let site = model::assemble(config, sources.content.clone(), include)?;

    timings.mark("model");
    // 4. Render bodies (shortcodes, Markdown, highlighting), then check links.
    let mut engine = render::engine::Engine::new(&sources.templates, &site.base_path)?;
    set_globals(&mut engine, &site, &sources);
    let hl = parse::highlight::Highlighter::global();
    let cache = render::cache::BodyCache::open(root, &site, &sources);
    let (page_bodies, section_bodies, body_keys) =
        render::render_bodies(&site, &engine, hl, &cache)?;
    let views = render::context::Views {
        site: &site,
        pages: &page_bodies,
        sections: &section_bodies,
    };
    // The navigation tree needs rendered bodies only for titles; it is built once per build.
    engine
        .tera
        .global_context()
        .insert("site", &views.site_globals(views.nav()));
    let extra_paths = static_paths(&site, &sources);
    let link_problems = render::check_links(&site, &page_bodies, &section_bodies, &extra_paths);
    let mut warnings = Vec::new();
    if opts.check_only && !link_problems.is_empty() {
        return Err(BuildFailure {
            errors: link_problems,
            warnings,
        });
    }
    warnings.extend(link_problems);

    timings.mark("bodies");
    // 5. Write to a staging folder; swap it in only when everything succeeded.
    let sink = match (&output_dir, opts.check_only) {
        (Some(dir), false) => write::Sink::stage(dir).map_err(|e| BuildFailure {
            errors: vec![e],
            warnings: std::mem::take(&mut warnings),
        })?,
        _ => write::Sink::Discard,
    };
    let files = match render::render_outputs(&site, &sources, &engine, &views, &sink) {
        Ok(n) => n,
        Err(errors) => {
            sink.abandon();
            return Err(BuildFailure { errors, warnings });
        }
    };
    // 5b. The search index over the pages just staged.
    let files = match search::write_index(&sink, &site.config.language) {
        Ok(n) => files + n,
        Err(e) => {
            sink.abandon();
            return Err(BuildFailure {
                errors: vec![e],
                warnings,
            });
        }
    };
    timings.mark("render+write");
    if let Err(e) = sink.commit() {
        return Err(BuildFailure {
            errors: vec![e],
            warnings,
        });
    }

    timings.mark("commit");
    cache.save(
        body_keys
            .into_iter()
            .zip(page_bodies.iter().chain(&section_bodies))
            .filter(|(k, _)| *k != 0)
            .collect(),
    );
    timings.mark("cache");
    timings.print();
    Ok(BuildReport {
        pages: site.pages.len(),
        sections: site.sections.len(),
        terms: site.taxonomies.iter().map(|t| t.terms.len()).sum(),
        files,
        skipped: site.skipped.clone(),
        warnings,
        output_dir: if opts.check_only { None } else { output_dir },
        elapsed: started.elapsed(),
    })
}

fn set_globals(engine: &mut render::engine::Engine, site: &model::Site, sources: &load::Sources) {
    let globals = engine.tera.global_context();
    globals.insert(
        "config",
        &ConfigView {
            config: &site.config,
            base_path: &site.base_path,
            menus: site
                .config
                .menus
                .iter()
                .map(|(name, items)| {
                    let mut items: Vec<config::MenuItem> = items
                        .iter()
                        .map(|i| config::MenuItem {
                            url: render::engine::site_url(&site.base_path, &i.url),
                            ..i.clone()
                        })
                        .collect();
                    items.sort_by_key(|i| i.weight);
                    (name.as_str(), items)
                })
                .collect(),
        },
    );
    globals.insert("data", &sources.data);
    globals.insert("serve", &false);
    globals.insert(
        "assets",
        &Assets {
            css: model::url::with_base(&site.base_path, "/style.css"),
            highlight_css: model::url::with_base(&site.base_path, "/syntax.css"),
        },
    );
}

/// Site paths served by static files and content assets, for link checks.
fn static_paths(site: &model::Site, sources: &load::Sources) -> HashSet<String> {
    let mut paths: HashSet<String> = sources
        .static_files
        .iter()
        .map(|f| format!("/{}", load::slash_path(&f.dest)))
        .collect();
    for a in &sources.content_assets {
        paths.insert(format!("/{}", render::feeds::asset_dest(site, a)));
    }
    for extra in [
        "/atom.xml",
        "/sitemap.xml",
        "/robots.txt",
        "/404.html",
        "/syntax.css",
    ] {
        paths.insert(extra.to_string());
    }
    for s in &site.sections {
        paths.insert(format!("{}atom.xml", s.url));
    }
    paths
}

/// Stage timings, printed to stderr when `TEAMBOOK_TIMINGS` is set (for profiling).
struct Timings {
    enabled: bool,
    last: Instant,
    marks: Vec<(&'static str, Duration)>,
}

impl Timings {
    fn new(start: Instant) -> Self {
        Timings {
            enabled: std::env::var_os("TEAMBOOK_TIMINGS").is_some(),
            last: start,
            marks: Vec::new(),
        }
    }

    fn mark(&mut self, stage: &'static str) {
        if self.enabled {
            let now = Instant::now();
            self.marks.push((stage, now - self.last));
            self.last = now;
        }
    }

    fn print(&self) {
        for (stage, d) in &self.marks {
            eprintln!("timing: {stage:<14} {:>8.1} ms", d.as_secs_f64() * 1000.0);
        }
    }
}

/// Decides the output folder and refuses the dangerous ones.
fn output_dir(
    root: &Path,
    config: &config::Config,
    opts: &BuildOptions,
) -> Result<Option<PathBuf>, BuildFailure> {
    if opts.check_only {
        return Ok(None);
    }
    let (dir, explicit) = match &opts.output_dir {
        Some(d) => (d.clone(), true),
        None => (root.join(&config.output_dir), false),
    };
    let abs = absolute(&dir);
    let root_abs = absolute(root);
    let refuse = |why: &str| {
        Err(BuildFailure::from(vec![Error::Usage(format!(
            "refusing to write the site to {}: {why}",
            dir.display()
        ))]))
    };
    if root_abs.starts_with(&abs) {
        return refuse("it is the site root or contains it");
    }
    for protected in ["content", "static", "templates", "data", "themes"] {
        if abs.starts_with(root_abs.join(protected)) {
            return refuse(&format!("it is inside the site's {protected}/ folder"));
        }
    }
    if !explicit && !abs.starts_with(&root_abs) {
        return refuse(
            "output_dir in teambook.yaml points outside the site; pass --output-dir to mean it",
        );
    }
    Ok(Some(dir))
}

/// An absolute, lexically normalised path (the folder may not exist yet).
fn absolute(p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}
