//! teambook: a static-site generator for team handbooks and sprint reports.
//!
//! A build runs top to bottom through these stages (see [`build`]):
//!
//! 1. `load` — read `teambook.yaml`, `content/`, `data/`, `static/`, `templates/`, the theme.
//! 2. `parse` — front matter, shortcodes, Markdown, syntax highlighting (per file, pure).
//! 3. `model` — sections, pages, URLs, cascade, drafts/future/expired, order, taxonomies.
//! 4. `render` — the template engine renders bodies, then every page, list, feed and sitemap.
//! 5. `write` — files go to a staging folder that replaces the output only if all succeeded.
//! 6. `serve` — the same pipeline into memory, served with live reload, rerun on every save.
//!
//! Only `load` and `write` touch the filesystem.

pub mod cli;
pub mod config;
pub mod error;
pub mod hugo;
pub mod init;
pub mod load;
pub mod model;
pub mod parse;
pub mod render;
pub mod report;
pub mod search;
pub mod serve;
pub mod util;
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
    /// Typed records (roles, terms, …), from pages and data files.
    pub records: usize,
    pub files: usize,
    pub skipped: Vec<model::Skipped>,
    pub warnings: Vec<Error>,
    /// What the site asks for that teambook does not honour (Hugo keys, `layouts/`).
    pub notes: Vec<String>,
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
    build_to(opts, None).map(|(report, ..)| report)
}

/// Builds the site into memory (for `serve`): nothing is written to disk. Returns the files
/// keyed by their `/`-separated path inside the output, and the build's state for incremental
/// updates. Bodies whose source and inputs did not change since the build that filled `cache`
/// are reused from it.
pub fn build_in_memory(
    opts: &BuildOptions,
    cache: &std::sync::Mutex<render::cache::BodyCache>,
) -> Result<(BuildReport, OutputFiles, serve::live::Live), BuildFailure> {
    let (report, files, live) = build_to(opts, Some(cache))?;
    let live = live.expect("a build into memory keeps its state");
    Ok((report, files, live))
}

/// Output files by `/`-separated path, as [`build_in_memory`] returns them.
pub type OutputFiles = std::collections::HashMap<String, Vec<u8>>;

fn build_to(
    opts: &BuildOptions,
    memory_cache: Option<&std::sync::Mutex<render::cache::BodyCache>>,
) -> Result<(BuildReport, OutputFiles, Option<serve::live::Live>), BuildFailure> {
    let started = Instant::now();
    let memory = memory_cache.is_some();
    let root = opts.root.as_path();
    let mut timings = Timings::new(started);

    // 1. Load.
    let (mut config, notes) = load::site_config(root)?;
    if let Some(url) = &opts.base_url {
        config.base_url = url.clone();
    }
    let output_dir = if memory {
        None
    } else {
        output_dir(root, &config, opts)?
    };
    let sources = load::load(root, config.clone())?;

    timings.mark("load");
    // 2–3. Parse front matter and assemble the model.
    let include = model::Include {
        drafts: opts.drafts || config.drafts,
        future: opts.future || config.future,
        now: opts.now.unwrap_or_else(jiff::Timestamp::now),
    };
    let mut site = model::assemble(config, sources.content.clone(), include)?;
    // In a Git checkout, a page without `lastmod` was last updated by its file's last commit.
    let commits = load::git::last_commits(root);
    for page in &mut site.pages {
        if page.meta.lastmod.is_none() {
            page.meta.lastmod = commits.get(&page.path).cloned();
        }
    }

    // 3b. Typed records: checked against their kinds; data-file records get pages.
    // Backlog and sprint files may spell keys `Business Value`; they are read as `business_value`.
    let data_files = report::sprints::normalize_keys(&sources.data_files);
    model::records::collect(&mut site, &data_files).map_err(|mut errors| {
        report::sprints::restore_lines(&mut errors, &sources.data_files);
        errors
    })?;
    // 3c. Sprint reports: checked against the backlog, metrics and charts computed.
    let sprint_analysis = std::sync::Arc::new(report::sprints::analyse(&site, &data_files)?);

    timings.mark("model");
    // 4. Render bodies (shortcodes, Markdown, highlighting), then check links.
    let mut record_views = render::records::RecordViews::new(&site);
    sprint_analysis.enrich(&mut record_views);
    let record_views = std::sync::Arc::new(record_views);
    let mut engine = engine_for(
        &site,
        &sources,
        record_views.clone(),
        sprint_analysis.clone(),
        memory,
    )?;
    let hl = parse::highlight::Highlighter::global();
    // `serve` keeps its cache in memory between rebuilds; `build` keeps it on disk.
    let mut disk_cache;
    let mut memory_guard;
    let cache: &mut render::cache::BodyCache = match memory_cache {
        Some(m) => {
            memory_guard = m.lock().unwrap_or_else(|e| e.into_inner());
            memory_guard.revalidate(&site, &sources);
            &mut memory_guard
        }
        None => {
            disk_cache = render::cache::BodyCache::open(root, &site, &sources);
            &mut disk_cache
        }
    };
    let (page_bodies, section_bodies, body_keys) =
        render::render_bodies(&site, &engine, hl, cache)?;
    // Bodies are cached before glossary links, which depend on every page's terms; a cache
    // that already holds every body is left as it is.
    let cached_bodies: Option<Vec<render::content::Content>> = (!cache.holds_exactly(&body_keys))
        .then(|| page_bodies.iter().chain(&section_bodies).cloned().collect());
    let (mut page_bodies, mut section_bodies) = (page_bodies, section_bodies);
    let glossary = render::glossary::Glossary::new(&site);
    render::glossary::apply(&site, &glossary, &mut page_bodies, &mut section_bodies);
    let views = render::context::Views::new(&site, &page_bodies, &section_bodies, &record_views);
    // The navigation tree needs rendered bodies only for titles; it is built once per build.
    site_globals(&mut engine, &views);
    let extra_paths = static_paths(&site, &sources);
    let link_check = render::check_links(&site, &page_bodies, &section_bodies, &extra_paths);
    let link_problems = link_check.all();
    let mut warnings = sources.warnings.clone();
    if opts.check_only && !link_problems.is_empty() {
        return Err(BuildFailure {
            errors: link_problems,
            warnings,
        });
    }
    warnings.extend(link_problems);

    timings.mark("bodies");
    // 5. Write changed files to a staging folder; move them into the output only when
    // everything succeeded (unchanged files are left where they are).
    let sink = match (&output_dir, opts.check_only) {
        _ if memory && !opts.check_only => write::Sink::Memory(Default::default()),
        (Some(dir), false) => write::Sink::stage(dir).map_err(|e| BuildFailure {
            errors: vec![e],
            warnings: std::mem::take(&mut warnings),
        })?,
        _ => write::Sink::Discard,
    };
    let (files, sidebars) = match render::render_outputs(&site, &sources, &engine, &views, &sink) {
        Ok(r) => (r.files, r.sidebars),
        Err(errors) => {
            sink.abandon();
            return Err(BuildFailure { errors, warnings });
        }
    };
    // 5b. The search index over the pages just staged. The body cache is written meanwhile:
    // building the index is mostly one core's work, and the cache needs only the bodies.
    let search_record = render::cache::search_record(root);
    let searched = std::thread::scope(|scope| {
        let stored = scope.spawn(|| {
            if let Some(cached_bodies) = cached_bodies {
                cache.store(
                    body_keys
                        .into_iter()
                        .zip(cached_bodies)
                        .filter(|(k, _)| *k != 0)
                        .collect(),
                );
            }
        });
        let searched = search::write_index(&sink, &site.config.language, search_record.as_deref());
        // Storing cannot fail (a cache that cannot be written is skipped); a panic is passed on.
        if let Err(panic) = stored.join() {
            std::panic::resume_unwind(panic);
        }
        searched
    });
    let files = match searched {
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
    let outputs = if memory {
        sink.into_files()
    } else if let Err(e) = sink.commit() {
        return Err(BuildFailure {
            errors: vec![e],
            warnings,
        });
    } else {
        OutputFiles::new()
    };

    timings.mark("commit");
    timings.print();
    let report = BuildReport {
        pages: site.pages.len(),
        sections: site.sections.len(),
        terms: site.taxonomies.iter().map(|t| t.terms.len()).sum(),
        records: site.records.list.len(),
        files,
        skipped: site.skipped.clone(),
        warnings,
        notes,
        output_dir: if opts.check_only { None } else { output_dir },
        elapsed: started.elapsed(),
    };
    let live = memory.then(|| serve::live::Live {
        sources,
        site,
        engine,
        records: record_views,
        sprints: sprint_analysis,
        pages: page_bodies,
        sections: section_bodies,
        sidebars,
        extra_paths,
        glossary,
        links: link_check,
    });
    Ok((report, outputs, live))
}

/// The template engine of a build: templates, filters and functions, records, sprint reports,
/// and every global but `site`, which needs the rendered bodies (see [`site_globals`]).
pub(crate) fn engine_for(
    site: &model::Site,
    sources: &load::Sources,
    records: std::sync::Arc<render::records::RecordViews>,
    sprints: std::sync::Arc<report::sprints::Analysis>,
    serve: bool,
) -> Result<render::engine::Engine, Vec<Error>> {
    let mut engine =
        render::engine::Engine::with_records(&sources.templates, &site.base_path, records)?;
    engine.register_site(site);
    report::sprints::register(&mut engine.tera, sprints);
    set_globals(&mut engine, site, sources);
    engine.tera.global_context().insert("serve", &serve);
    Ok(engine)
}

/// Gives templates the `site` global: the navigation tree, built once per build.
pub(crate) fn site_globals(engine: &mut render::engine::Engine, views: &render::context::Views) {
    engine
        .tera
        .global_context()
        .insert("site", &views.site_globals(views.nav()));
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
    if site.config.rss {
        let lists =
            site.sections
                .iter()
                .map(|s| s.url.as_str())
                .chain(site.taxonomies.iter().flat_map(|t| {
                    std::iter::once(t.url.as_str()).chain(t.terms.iter().map(|x| x.url.as_str()))
                }));
        for url in lists {
            paths.insert(format!("{url}index.xml"));
        }
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
