//! Stage 7: one build, top to bottom. In: [`BuildOptions`] and, for `serve`, a body cache kept
//! in memory. Out: [`Built`] — what the build did, the files (when built into memory) and the
//! state `serve` keeps for incremental rebuilds.
//!
//! [`build_with`] reads as the pipeline: each stage is one call that returns a named struct
//! ([`Input`], [`Model`], [`Bodies`], [`Written`]). Where the output goes is decided once, in
//! [`Target::decide`]; the staging folder of a disk build removes itself unless committed, so
//! every `?` leaves the previous output as it was.

mod target;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::load::{self, Sources};
use crate::model::{self, Site};
use crate::parse::highlight::Highlighter;
use crate::render::cache::BodyCache;
use crate::render::content::Content;
use crate::render::context::Views;
use crate::render::engine::Engine;
use crate::render::glossary::Glossary;
use crate::render::records::RecordViews;
use crate::render::{self, LinkProblems};
use crate::report::sprints::Analysis;
use crate::search;
use crate::write::Sink;
pub use target::Target;

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
    /// `check --stale`: a page whose `review_by` date has passed is an error.
    pub stale: bool,
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
            stale: false,
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
    /// Share cards drawn by this build and kept from the last one.
    pub cards: CardCounts,
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

/// Output files by `/`-separated path, as a build into memory returns them.
pub type OutputFiles = std::collections::HashMap<String, Vec<u8>>;

/// Stage 1: what was read from disk.
pub struct Input {
    pub sources: Sources,
    /// What the site asks for that teambook does not honour.
    pub notes: Vec<String>,
    /// The last commit date of each content file, in a Git checkout.
    pub commits: std::collections::HashMap<PathBuf, load::git::LastCommit>,
}

/// Stages 2–3: the site model, its records checked, and the sprint reports computed.
pub struct Model {
    pub site: Site,
    pub sprints: Arc<Analysis>,
}

/// Stage 4a: every body rendered (shortcodes, Markdown, highlighting, glossary links), the
/// template engine that rendered them, and the site's link problems.
pub struct Bodies {
    pub engine: Engine,
    pub records: Arc<RecordViews>,
    /// Page and section bodies with glossary links, in site order.
    pub pages: Vec<Content>,
    pub sections: Vec<Content>,
    pub glossary: Glossary,
    /// Paths served by files other than pages, for link checks.
    pub extra_paths: HashSet<String>,
    pub links: LinkProblems,
    /// Bodies (before glossary links) and their keys, when the cache does not hold them yet.
    to_cache: Option<(Vec<u64>, Vec<Content>)>,
    pub warnings: Vec<Error>,
}

/// Stages 4b–5: every output rendered into the sink, and the search index built over it.
pub struct Written {
    sink: Sink,
    pub files: usize,
    /// The sidebar of each section, rendered once.
    pub sidebars: crate::render::Sidebars,
    /// The share cards drawn and kept.
    pub cards: CardCounts,
}

/// A finished build.
pub struct Built {
    pub report: BuildReport,
    /// The files, for a build into memory; empty otherwise.
    pub files: OutputFiles,
    /// Everything the build made, for `serve` to keep between saves.
    pub state: State,
}

/// The last good build's sources, model, engine, bodies and sidebars.
pub struct State {
    pub sources: Sources,
    pub site: Site,
    pub engine: Engine,
    pub records: Arc<RecordViews>,
    pub sprints: Arc<Analysis>,
    pub pages: Vec<Content>,
    pub sections: Vec<Content>,
    pub sidebars: crate::render::Sidebars,
    pub extra_paths: HashSet<String>,
    pub glossary: Glossary,
    pub links: LinkProblems,
}

/// Builds the site at `opts.root` into its output folder (or, for `check`, nowhere).
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    build_with(opts, None).map(|built| built.report)
}

/// The whole pipeline. With `memory`, the site is built into memory (for `serve`), reusing
/// the bodies `memory` holds from the last build.
pub fn build_with(
    opts: &BuildOptions,
    memory: Option<&Mutex<BodyCache>>,
) -> Result<Built, BuildFailure> {
    let started = Instant::now();
    let mut timings = Timings::new(started);
    let (config, notes) = load::site_config(&opts.root)?;
    let config = with_overrides(config, opts);
    let target = Target::decide(opts, &config, memory)?;
    let input = read(opts, config, notes)?;
    timings.mark("load");
    let model = assemble(opts, &input)?;
    timings.mark("model");
    let mut cache = target.cache(&model.site, &input.sources);
    let mut bodies = render_bodies(opts, &input, &model, &target, &cache)?;
    timings.mark("bodies");
    let written = write(&input, &model, &mut bodies, &target, &mut cache)?;
    timings.mark("render+write");
    let files = target
        .finish(written.sink)
        .map_err(|e| failure(&bodies.warnings)(vec![e]))?;
    timings.mark("commit");
    timings.print();
    let report = BuildReport {
        pages: model.site.pages.len(),
        sections: model.site.sections.len(),
        terms: model.site.taxonomies.iter().map(|t| t.terms.len()).sum(),
        records: model.site.records.list.len(),
        files: written.files,
        skipped: model.site.skipped.clone(),
        warnings: std::mem::take(&mut bodies.warnings),
        notes: input.notes.clone(),
        output_dir: target.output_dir(),
        elapsed: started.elapsed(),
        cards: written.cards,
    };
    let state = State::new(input, model, bodies, written.sidebars);
    Ok(Built {
        report,
        files,
        state,
    })
}

impl State {
    /// What a build keeps of its stages.
    fn new(input: Input, model: Model, bodies: Bodies, sidebars: crate::render::Sidebars) -> State {
        State {
            sources: input.sources,
            site: model.site,
            engine: bodies.engine,
            records: bodies.records,
            sprints: model.sprints,
            pages: bodies.pages,
            sections: bodies.sections,
            sidebars,
            extra_paths: bodies.extra_paths,
            glossary: bodies.glossary,
            links: bodies.links,
        }
    }
}

/// The config with the command line's overrides.
fn with_overrides(mut config: crate::config::Config, opts: &BuildOptions) -> crate::config::Config {
    if let Some(url) = &opts.base_url {
        config.base_url = url.clone();
    }
    config
}

/// Stage 1: content, data, static files, templates and Git dates.
fn read(
    opts: &BuildOptions,
    config: crate::config::Config,
    notes: Vec<String>,
) -> Result<Input, BuildFailure> {
    let sources = load::load(&opts.root, config)?;
    let commits = load::git::last_commits(&opts.root);
    Ok(Input {
        sources,
        notes,
        commits,
    })
}

/// Stages 2–3: front matter parsed, the model assembled, records checked, sprints analysed.
fn assemble(opts: &BuildOptions, input: &Input) -> Result<Model, BuildFailure> {
    let sources = &input.sources;
    let config = &sources.config;
    let include = model::Include {
        drafts: opts.drafts || config.drafts,
        future: opts.future || config.future,
        now: opts.now.unwrap_or_else(jiff::Timestamp::now),
    };
    let mut site = model::assemble(config.clone(), sources.content.clone(), include)?;
    site.snippets = sources
        .snippets
        .iter()
        .map(|f| (load::slash_path(&f.path), f.text.clone()))
        .collect();
    // In a Git checkout, a page without `lastmod` was last updated by its file's last commit.
    for page in &mut site.pages {
        if page.meta.lastmod.is_none()
            && let Some(c) = input.commits.get(&page.path)
        {
            page.meta.lastmod = Some(c.date.clone());
            page.updated_by = Some(c.author.clone()).filter(|a| !a.is_empty());
        }
    }
    // Page ownership: `review_by` is a date; with `--stale`, one that has passed is an error.
    let today = include
        .now
        .in_tz("UTC")
        .map_or_else(|_| jiff::civil::Date::constant(2000, 1, 1), |z| z.date());
    let problems = review_problems(&mut site, today, opts.stale);
    if !problems.is_empty() {
        return Err(problems.into());
    }
    // Typed records: checked against their kinds; data-file records get pages. Backlog and
    // sprint files may spell keys `Business Value`; they are read as `business_value`.
    let data_files = model::records::values::normalize_keys(&sources.data_files);
    model::records::collect(&mut site, &data_files).map_err(|mut errors| {
        model::records::values::restore_lines(&mut errors, &sources.data_files);
        errors
    })?;
    let problems = section_options(&site);
    if !problems.is_empty() {
        return Err(problems.into());
    }
    // Sprint reports: checked against the backlog, metrics and charts computed.
    let sprints = Arc::new(crate::report::sprints::analyse(&site, &data_files)?);
    Ok(Model { site, sprints })
}

/// A section's `print` (true or false) and `role_pairs` (true, false, or a list of
/// `"a vs b"` naming two roles of that section), each at its line in the `_index.md`.
fn section_options(site: &model::Site) -> Vec<Error> {
    use serde_json::Value;
    let mut out = Vec::new();
    for (s, sec) in site.sections.iter().enumerate() {
        let Some(path) = sec.path.as_deref() else {
            continue;
        };
        let at = |key: &str| crate::config::key_position(&sec.text, key, 1).unwrap_or((1, 1));
        if let Some(v) = sec.meta.params.get("print").filter(|v| !v.is_boolean()) {
            let (line, col) = at("print");
            out.push(
                Error::at(
                    path,
                    &sec.text,
                    line,
                    col,
                    format!("`print` must be true or false, found {v}"),
                )
                .with_help(
                    "`print: true` gives the section a page holding all its pages, to print",
                ),
            );
        }
        let Some(v) = sec.meta.params.get("role_pairs") else {
            continue;
        };
        let (line, col) = at("role_pairs");
        let roles: Vec<&str> = site
            .records
            .by_kind
            .get("role")
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|&i| &site.records.list[i])
            .filter(|r| site.pages[r.page].section == s)
            .map(|r| r.id.as_str())
            .collect();
        let bad = |msg: String| Error::at(path, &sec.text, line, col, msg);
        match v {
            Value::Bool(_) => {}
            Value::Array(list) => {
                for item in list {
                    let Some((a, b)) = item.as_str().and_then(|p| p.split_once(" vs ")) else {
                        out.push(
                            bad(format!("`role_pairs` lists pairs like \"scrum-master vs product-owner\", found {item}"))
                                .with_help("write each pair as `<role id> vs <role id>`"),
                        );
                        continue;
                    };
                    for id in [a.trim(), b.trim()] {
                        if !roles.contains(&id) {
                            out.push(
                                bad(format!(
                                    "`role_pairs` names `{id}`, which is no role of this section"
                                ))
                                .with_help(crate::error::hint(
                                    id,
                                    roles.iter().copied(),
                                    "roles here",
                                )),
                            );
                        }
                    }
                }
            }
            other => out.push(
                bad(format!(
                    "`role_pairs` must be true, false or a list of pairs, found {other}"
                ))
                .with_help("e.g. `role_pairs: [scrum-master vs product-owner]`"),
            ),
        }
    }
    out
}

/// `review_by` values that are no date, and with `stale`, the pages past their review date,
/// each at its `review_by:` line.
fn review_problems(site: &mut model::Site, today: jiff::civil::Date, stale: bool) -> Vec<Error> {
    let mut out = Vec::new();
    for page in &mut site.pages {
        let Some(value) = page.meta.params.get("review_by") else {
            continue;
        };
        let (line, col) = crate::config::key_position(&page.text, "review_by", 1).unwrap_or((1, 1));
        let text = value.as_str().map(str::trim).unwrap_or_default();
        match text.get(..10).unwrap_or(text).parse::<jiff::civil::Date>() {
            Err(_) => out.push(
                Error::at(
                    &page.path,
                    &page.text,
                    line,
                    col,
                    format!(
                        "`review_by` must be a date like 2027-03-01, found `{}`",
                        value
                            .as_str()
                            .map_or_else(|| value.to_string(), str::to_string)
                    ),
                )
                .with_help("the day by which someone should check that the page is still true"),
            ),
            Ok(due) if stale && due < today => {
                page.review_due = Some(true);
                let owner = page
                    .meta
                    .params
                    .get("owner")
                    .and_then(serde_json::Value::as_str)
                    .map_or_else(
                        || " (no `owner:`)".to_string(),
                        |o| format!(" (owner: {o})"),
                    );
                out.push(
                    Error::at(&page.path, &page.text, line, col, format!("due for review since {due}{owner}"))
                        .with_help("check that the page is still true, then move `review_by:` to the next date"),
                );
            }
            Ok(due) => page.review_due = Some(due < today),
        }
    }
    out
}

/// Stage 4a: the engine, every body (from the cache when unchanged), glossary links, link
/// checks.
fn render_bodies(
    opts: &BuildOptions,
    input: &Input,
    model: &Model,
    target: &Target,
    cache: &BodyCache,
) -> Result<Bodies, BuildFailure> {
    let (site, sources) = (&model.site, &input.sources);
    let records = Arc::new(RecordViews::new(site, &model.sprints));
    let engine = Engine::for_site(
        site,
        sources,
        records.clone(),
        model.sprints.clone(),
        target.is_memory(),
    )?;
    let (mut pages, mut sections, keys) =
        render::render_bodies(site, &engine, Highlighter::global(), cache)?;
    // Bodies are cached before glossary links, which depend on every page's terms; a cache
    // that already holds every body is left as it is.
    let to_cache = (!cache.holds_exactly(&keys))
        .then(|| (keys, pages.iter().chain(&sections).cloned().collect()));
    let glossary = Glossary::new(site);
    render::glossary::apply(site, &glossary, &mut pages, &mut sections);
    let extra_paths = render::static_paths(site, sources);
    let shadowed = render::shadowed_outputs(site, &extra_paths);
    if !shadowed.is_empty() {
        return Err(failure(&sources.warnings)(shadowed));
    }
    let links = render::check_links(site, &pages, &sections, &extra_paths);
    let mut warnings = sources.warnings.clone();
    let link_problems = links.all();
    if opts.check_only && !link_problems.is_empty() {
        return Err(BuildFailure {
            errors: link_problems,
            warnings,
        });
    }
    warnings.extend(link_problems);
    Ok(Bodies {
        engine,
        records,
        pages,
        sections,
        glossary,
        extra_paths,
        links,
        to_cache,
        warnings,
    })
}

/// Stages 4b–5: every page, list, feed and static file rendered into the target's sink, then
/// the search index over them while the body cache is stored.
fn write(
    input: &Input,
    model: &Model,
    bodies: &mut Bodies,
    target: &Target,
    cache: &mut BodyCache,
) -> Result<Written, BuildFailure> {
    let (site, sources) = (&model.site, &input.sources);
    let Bodies {
        engine,
        records,
        pages,
        sections,
        to_cache,
        warnings,
        ..
    } = bodies;
    let fail = failure(warnings);
    let sink = target.sink().map_err(|e| fail(vec![e]))?;
    let views = Views::new(site, pages, sections, records);
    // The navigation tree needs rendered bodies only for titles; it is built once per build.
    engine.set_site(&views);
    let rendered = render::render_outputs(site, sources, engine, &views, &sink).map_err(&fail)?;
    // `check` writes nothing, so it draws no cards either; nor does a build whose templates
    // never link one.
    let linked = render::cards::linked_by(&sources.templates);
    let cards = match sink {
        Sink::Discard => Vec::new(),
        _ if !linked => Vec::new(),
        _ => render::all_cards(site, &views),
    };
    let previous_cards = std::mem::take(&mut cache.cards);
    // Building the index is mostly one core's work, and the cache needs only the bodies; the
    // cards are drawn meanwhile, on the cores the index leaves free.
    let search_record = crate::render::cache::search_record(&sources.root);
    let (indexed, drawn) = std::thread::scope(|scope| {
        let stored = scope.spawn(|| {
            if let Some((keys, contents)) = to_cache.take() {
                cache.store(
                    keys.into_iter()
                        .zip(contents)
                        .filter(|(k, _)| *k != 0)
                        .collect(),
                );
            }
        });
        let drawn = scope.spawn(|| write_cards(&cards, &sink, &previous_cards));
        let indexed = search::write_index(&sink, &site.config.language, search_record.as_deref());
        // Storing cannot fail (a cache that cannot be written is skipped); a panic is passed on.
        if let Err(panic) = stored.join() {
            std::panic::resume_unwind(panic);
        }
        let drawn = drawn
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (indexed, drawn)
    });
    let indexed = indexed.map_err(|e| fail(vec![e]))?;
    let (cards, kept) = drawn.map_err(|e| fail(vec![e]))?;
    cache.cards = kept;
    Ok(Written {
        sink,
        files: rendered.files + indexed + cards.drawn + cards.kept,
        sidebars: rendered.sidebars,
        cards,
    })
}

/// How many share cards a build drew, and how many it kept from the last build.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CardCounts {
    pub drawn: usize,
    pub kept: usize,
}

/// Stage 4c: the share cards into the sink, in parallel. A card is named by a hash of what
/// it shows, so one the current output already has under its name is kept as it is (not
/// drawn, not written), as is one of `previous` (`serve`'s last build); the others are
/// drawn. Returns the counts and, for a memory sink, this build's cards for the next.
fn write_cards(
    cards: &[render::cards::Card],
    sink: &Sink,
    previous: &std::collections::HashMap<String, Vec<u8>>,
) -> Result<(CardCounts, std::collections::HashMap<String, Vec<u8>>), Error> {
    use rayon::prelude::*;
    use std::sync::atomic::{AtomicU64, Ordering};
    let memory = matches!(sink, Sink::Memory(_));
    let started = Instant::now();
    // For TEAMBOOK_TIMINGS: the time of each step, summed over the cores, and the bytes.
    let steps: [AtomicU64; 4] = Default::default();
    let done: Vec<(String, Option<Vec<u8>>, bool)> = cards
        .par_iter()
        .map(|card| {
            let rel = card.file();
            match sink {
                Sink::Dir(staged) if staged.keep(&rel) => return Ok((rel, None, false)),
                Sink::Memory(_) if previous.contains_key(&rel) => {
                    let bytes = previous[&rel].clone();
                    sink.write(&rel, &bytes)?;
                    return Ok((rel, Some(bytes), false));
                }
                _ => {}
            }
            let (png, took) = card.png_timed().map_err(|e| {
                Error::file(
                    std::path::Path::new(&rel),
                    format!("cannot draw the share card of “{}”: {e}", card.title),
                )
                .with_help("set `share_cards: false` in teambook.yaml to build without cards")
            })?;
            for (sum, d) in steps.iter().zip([took.layout, took.draw, took.encode]) {
                sum.fetch_add(d.as_nanos() as u64, Ordering::Relaxed);
            }
            steps[3].fetch_add(png.len() as u64, Ordering::Relaxed);
            sink.write(&rel, &png)?;
            Ok((rel, memory.then_some(png), true))
        })
        .collect::<Result<_, Error>>()?;
    let drawn = done.iter().filter(|(_, _, drawn)| *drawn).count();
    let counts = CardCounts {
        drawn,
        kept: done.len() - drawn,
    };
    if std::env::var_os("TEAMBOOK_TIMINGS").is_some() {
        let each = |i: usize| steps[i].load(Ordering::Relaxed) as f64 / drawn.max(1) as f64;
        eprintln!(
            "timing: cards          {:>8.1} ms ({drawn} drawn, {} kept; each {:.2} ms layout, \
             {:.2} ms draw, {:.2} ms encode, {:.0} bytes)",
            started.elapsed().as_secs_f64() * 1000.0,
            counts.kept,
            each(0) / 1e6,
            each(1) / 1e6,
            each(2) / 1e6,
            each(3),
        );
    }
    let kept = done
        .into_iter()
        .filter_map(|(rel, bytes, _)| Some((rel, bytes?)))
        .collect();
    Ok((counts, kept))
}

/// Turns errors into a failure that keeps the warnings found before them.
fn failure(warnings: &[Error]) -> impl Fn(Vec<Error>) -> BuildFailure + '_ {
    move |errors| BuildFailure {
        errors,
        warnings: warnings.to_vec(),
    }
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
