//! Stage 4: rendering. In: the site model and the template engine. Out: every file of the site
//! (pages, sections with their pagers, taxonomies, feeds, sitemap, aliases, 404, robots.txt)
//! handed to an [`Output`] as soon as it is rendered, in parallel.

pub mod cache;
pub mod cards;
pub mod content;
pub mod context;
pub mod engine;
pub mod feeds;
pub mod glossary;
pub mod pager;
pub mod print;
pub mod records;

use std::collections::HashSet;

use rayon::prelude::*;
use serde::Serialize;

use crate::error::Error;
use crate::load::Sources;
use crate::model::Site;
use crate::model::url::{output_file, with_base};
use crate::parse::highlight::Highlighter;
use cache::BodyCache;
use cards::Card;
use content::{Body, Content, render_body};
use context::Views;
use engine::Engine;
use pager::{insert_paginator, pager_count, pager_links, pager_path, paginator, slice};

/// Where rendered files go; the write stage's sink is one.
pub trait Output: Sync {
    /// Puts one file, `rel` being a `/`-separated path inside the output.
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Error>;
    /// Puts a copy of the file at `from`.
    fn copy(&self, rel: &str, from: &std::path::Path) -> Result<(), Error>;
}

/// Page bodies, section bodies (in site order) and the cache key of each (pages first).
pub type Bodies = (Vec<Content>, Vec<Content>, Vec<u64>);

/// Renders every page and section body, in parallel, reusing unchanged bodies from `cache`.
/// Errors of all pages are collected. Returns the bodies and their cache keys.
pub fn render_bodies(
    site: &Site,
    engine: &Engine,
    hl: &Highlighter,
    cache: &BodyCache,
) -> Result<Bodies, Vec<Error>> {
    let page_bodies = site.pages.iter().map(|p| Some(Body::of_page(p)));
    let section_bodies = site.sections.iter().map(Body::of_section);
    let bodies: Vec<Option<Body>> = page_bodies.chain(section_bodies).collect();
    let rendered: Vec<(u64, Result<Content, Vec<Error>>)> = bodies
        .par_iter()
        .map(|body| match body {
            None => (0, Ok(Content::default())),
            Some(body) => {
                let key = cache.key(body);
                match cache.get(key) {
                    Some(content) => (key, Ok(content)),
                    None => (key, render_body(site, engine, hl, body)),
                }
            }
        })
        .collect();
    let mut errors = Vec::new();
    let mut keys = Vec::with_capacity(rendered.len());
    let mut contents = Vec::with_capacity(rendered.len());
    for (key, r) in rendered {
        keys.push(key);
        contents.push(r.unwrap_or_else(|e| {
            errors.extend(e);
            Content::default()
        }));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let sections = contents.split_off(site.pages.len());
    Ok((contents, sections, keys))
}

/// Link problems of every body, pages then sections in site order, kept per body so that
/// `serve` can recheck only the bodies a save changed.
pub struct LinkProblems {
    pub pages: Vec<Vec<Error>>,
    pub sections: Vec<Vec<Error>>,
}

impl LinkProblems {
    pub fn all(&self) -> Vec<Error> {
        self.pages
            .iter()
            .chain(&self.sections)
            .flatten()
            .cloned()
            .collect()
    }
}

/// Checks internal links and anchors of every body, in parallel.
pub fn check_links(
    site: &Site,
    pages: &[Content],
    sections: &[Content],
    extra_paths: &HashSet<String>,
) -> LinkProblems {
    let checker = LinkChecker::new(site, pages, sections, extra_paths);
    LinkProblems {
        pages: (0..pages.len())
            .into_par_iter()
            .map(|i| checker.page(i))
            .collect(),
        sections: (0..sections.len())
            .into_par_iter()
            .map(|s| checker.section(s))
            .collect(),
    }
}

/// What link checks look targets up in: every page's URL and heading ids, and the paths of
/// files that are not pages.
pub struct LinkChecker<'a> {
    site: &'a Site,
    pages: &'a [Content],
    sections: &'a [Content],
    extra_paths: &'a HashSet<String>,
    ids_by_url: std::collections::HashMap<&'a str, &'a HashSet<String>>,
}

impl<'a> LinkChecker<'a> {
    pub fn new(
        site: &'a Site,
        pages: &'a [Content],
        sections: &'a [Content],
        extra_paths: &'a HashSet<String>,
    ) -> Self {
        let mut ids_by_url = std::collections::HashMap::with_capacity(pages.len() + sections.len());
        for (p, c) in site.pages.iter().zip(pages) {
            ids_by_url.insert(p.url.as_str(), &c.ids);
        }
        for (s, c) in site.sections.iter().zip(sections) {
            ids_by_url.insert(s.url.as_str(), &c.ids);
        }
        LinkChecker {
            site,
            pages,
            sections,
            extra_paths,
            ids_by_url,
        }
    }

    /// One problem per broken link or anchor of page `i`.
    pub fn page(&self, i: usize) -> Vec<Error> {
        let p = &self.site.pages[i];
        self.body(&p.path, &p.text, p.body_start, &p.url, &self.pages[i])
    }

    /// One problem per broken link or anchor of section `s` (none without `_index.md`).
    pub fn section(&self, s: usize) -> Vec<Error> {
        let sec = &self.site.sections[s];
        match &sec.path {
            Some(path) => self.body(path, &sec.text, sec.body_start, &sec.url, &self.sections[s]),
            None => Vec::new(),
        }
    }

    fn body(
        &self,
        path: &std::path::Path,
        text: &str,
        body_start: usize,
        own_url: &str,
        content: &Content,
    ) -> Vec<Error> {
        let base = self.site.base_path.trim_end_matches('/');
        let mut problems = Vec::new();
        for link in &content.links {
            let href = link.href.as_str();
            if href.contains("://") || href.starts_with("mailto:") {
                continue;
            }
            let (target, fragment) = match href.split_once('#') {
                Some((t, f)) => (t, Some(f)),
                None => (href, None),
            };
            let locate = |msg: String| {
                let body = &text[body_start..];
                let offset = body
                    .find(&format!("]({}", link.dest))
                    .map(|i| i + 2)
                    .or_else(|| body.find(link.dest.as_str()))
                    .unwrap_or(link.offset.min(body.len()));
                Error::at_offset(path, text, body_start + offset, msg)
            };
            let target_url: Option<String> = if target.is_empty() {
                Some(own_url.to_string())
            } else if target.ends_with(".md") || target.ends_with(".markdown") {
                problems.push(
                locate(format!("broken link: no page is built from `{}`", link.dest))
                    .with_help("check the file name, or whether the page is a draft or dated in the future"),
            );
                continue;
            } else if let Some(rest) = target.strip_prefix('/') {
                let site_path = if base.is_empty() {
                    format!("/{rest}")
                } else {
                    match target.strip_prefix(base) {
                        Some(r) if r.starts_with('/') => r.to_string(),
                        _ => format!("/{rest}"),
                    }
                };
                let mut candidates = vec![site_path.clone()];
                if !site_path.ends_with('/')
                    && !site_path.rsplit('/').next().unwrap_or("").contains('.')
                {
                    candidates.push(format!("{site_path}/"));
                }
                match candidates.iter().find(|c| {
                    self.site.urls.contains_key(c.as_str()) || self.extra_paths.contains(c.as_str())
                }) {
                    Some(found) => Some(found.clone()),
                    None => {
                        problems.push(locate(format!(
                            "broken link: nothing is built at `{}`",
                            link.dest
                        )));
                        continue;
                    }
                }
            } else {
                None
            };
            if let (Some(url), Some(frag)) = (target_url, fragment) {
                if frag.is_empty() {
                    continue;
                }
                if let Some(ids) = self.ids_by_url.get(url.as_str())
                    && !ids.contains(frag)
                {
                    problems.push(
                        locate(format!("broken anchor: `#{frag}` is not a heading id of {url}"))
                            .with_help(match crate::error::did_you_mean(frag, ids.iter().map(String::as_str)) {
                                Some(s) => format!("did you mean `#{s}`?"),
                                None => "heading ids are the heading text in lowercase, with `-` between words".into(),
                            }),
                    );
                }
            }
        }
        problems
    }
}

#[derive(Serialize)]
struct TaxonomyView<'a> {
    name: &'a str,
    url: String,
    terms: Vec<TermView<'a>>,
}

#[derive(Serialize)]
struct TermView<'a> {
    name: &'a str,
    slug: &'a str,
    url: String,
    count: usize,
}

/// What [`render_outputs`] leaves behind for later partial renders (`serve`).
pub struct Rendered {
    /// Files written.
    pub files: usize,
    /// The sidebars, each rendered once (none when the theme has none).
    pub sidebars: Sidebars,
}

/// Renders all output files into `out`.
pub fn render_outputs(
    site: &Site,
    sources: &Sources,
    engine: &Engine,
    views: &Views,
    out: &dyn Output,
) -> Result<Rendered, Vec<Error>> {
    let sidebars = render_sidebars(site, engine, views).map_err(|e| vec![e])?;
    let count = run_jobs(site, engine, views, out, &sidebars, &all_jobs(site, views))?;
    let extras = feeds::write_extras(site, sources, engine, views, out)?;
    Ok(Rendered {
        files: count + extras,
        sidebars,
    })
}

/// Every page, section pager, taxonomy list and term pager of the site.
fn all_jobs(site: &Site, views: &Views) -> Vec<Job> {
    let mut jobs: Vec<Job> = (0..site.pages.len()).map(Job::Page).collect();
    for s in 0..site.sections.len() {
        jobs.extend(section_jobs(site, views, s, None));
        if print::wanted(site, s) {
            jobs.push(Job::Print(s));
        }
    }
    jobs.extend((0..views.records.pairs.len()).map(Job::Pair));
    for (t, tax) in site.taxonomies.iter().enumerate() {
        jobs.push(Job::TaxonomyList(t));
        for (k, term) in tax.terms.iter().enumerate() {
            let per = site.config.paginate;
            let pagers = pager_count(term.pages.len(), per);
            let links = pager_links(views, &term.url, pagers);
            for n in 1..=pagers {
                jobs.push(Job::Term(t, k, n, pagers, per, links.clone()));
            }
        }
    }
    jobs
}

/// After templates changed: renders the outputs whose template `affected` says changed, in
/// `before` (the engine of the last build; a record page may have lost its `<kind>.html`) or
/// in `engine`, and every output when the sidebar did (each shows it); `sidebars` are then
/// rendered again.
pub fn render_with_templates(
    site: &Site,
    before: &Engine,
    engine: &Engine,
    views: &Views,
    out: &dyn Output,
    sidebars: &mut Sidebars,
    affected: &dyn Fn(&str) -> bool,
) -> Result<(), Vec<Error>> {
    let sidebar_changed = affected(SIDEBAR);
    if sidebar_changed {
        *sidebars = render_sidebars(site, engine, views).map_err(|e| vec![e])?;
    }
    let jobs: Vec<Job> = all_jobs(site, views)
        .into_iter()
        .filter(|job| {
            sidebar_changed
                || affected(&job_template(site, engine, job))
                || affected(&job_template(site, before, job))
        })
        .collect();
    run_jobs(site, engine, views, out, sidebars, &jobs)?;
    if affected("404.html")
        && let Some(html) = feeds::not_found(site, engine).map_err(|e| vec![e])?
    {
        out.write("404.html", &html).map_err(|e| vec![e])?;
    }
    Ok(())
}

/// Renders what shows page `i`'s body: the page itself, the pager of its section and of each
/// of its terms that lists it, and the feeds it appears in. For a save that changed only the
/// body (same front matter), this is everything whose output can differ.
pub fn render_page_outputs(
    site: &Site,
    engine: &Engine,
    views: &Views,
    out: &dyn Output,
    sidebars: &Sidebars,
    i: usize,
) -> Result<usize, Vec<Error>> {
    let mut jobs = vec![Job::Page(i)];
    jobs.extend(section_jobs(site, views, site.pages[i].section, Some(i)));
    // The print pages that hold it: its section's and those above.
    let mut cur = Some(site.pages[i].section);
    while let Some(s) = cur {
        if print::wanted(site, s) {
            jobs.push(Job::Print(s));
        }
        cur = site.sections[s].parent;
    }
    let per = site.config.paginate;
    for (t, tax) in site.taxonomies.iter().enumerate() {
        for (k, term) in tax.terms.iter().enumerate() {
            if let Some(pos) = term.pages.iter().position(|&p| p == i) {
                let pagers = pager_count(term.pages.len(), per);
                let n = pos.checked_div(per).map_or(1, |q| q + 1);
                let links = pager_links(views, &term.url, pagers);
                jobs.push(Job::Term(t, k, n, pagers, per, links));
            }
        }
    }
    let count = run_jobs(site, engine, views, out, sidebars, &jobs)?;
    let feeds = feeds::feeds_of_page(site, views, i);
    for (path, bytes) in &feeds {
        out.write(path, bytes).map_err(|e| vec![e])?;
    }
    Ok(count + feeds.len())
}

/// Renders every pager of section `s`: what shows its body.
pub fn render_section_outputs(
    site: &Site,
    engine: &Engine,
    views: &Views,
    out: &dyn Output,
    sidebars: &Sidebars,
    s: usize,
) -> Result<usize, Vec<Error>> {
    let mut jobs = section_jobs(site, views, s, None);
    if print::wanted(site, s) {
        jobs.push(Job::Print(s));
    }
    run_jobs(site, engine, views, out, sidebars, &jobs)
}

/// The pagers of section `s`; with `only`, just the one listing that page.
fn section_jobs(site: &Site, views: &Views, s: usize, only: Option<usize>) -> Vec<Job> {
    let sec = &site.sections[s];
    let per = sec.meta.paginate.unwrap_or(site.config.paginate);
    let pagers = pager_count(sec.pages.len(), per);
    let links = pager_links(views, &sec.url, pagers);
    let wanted = only.map(|i| match sec.pages.iter().position(|&p| p == i) {
        Some(pos) if per > 0 => pos / per + 1,
        _ => 1,
    });
    (1..=pagers)
        .filter(|n| wanted.is_none_or(|w| w == *n))
        .map(|n| Job::Section(s, n, pagers, per, links.clone()))
        .collect()
}

/// Renders `jobs` in parallel; every error is collected, one per distinct message.
fn run_jobs(
    site: &Site,
    engine: &Engine,
    views: &Views,
    out: &dyn Output,
    sidebars: &Sidebars,
    jobs: &[Job],
) -> Result<usize, Vec<Error>> {
    let results: Vec<Result<usize, Error>> = jobs
        .par_iter()
        .map(|job| render_job(site, engine, views, out, sidebars, job))
        .collect();
    let mut errors: Vec<Error> = Vec::new();
    let mut count = 0;
    for r in results {
        match r {
            Ok(n) => count += n,
            Err(e) => errors.push(e),
        }
    }
    // One error per template is enough: the same broken template fails every page.
    let mut seen = HashSet::new();
    errors.retain(|e| seen.insert(e.to_string()));
    if errors.is_empty() {
        Ok(count)
    } else {
        Err(errors)
    }
}

enum Job {
    Page(usize),
    /// section, pager number, pager count, per pager, the list's pager links
    Section(usize, usize, usize, usize, tera::Value),
    TaxonomyList(usize),
    /// taxonomy, term, pager number, pager count, per pager, the list's pager links
    Term(usize, usize, usize, usize, usize, tera::Value),
    /// The print page of a section: every page below it, in order, on one page.
    Print(usize),
    /// The page comparing a pair of roles (an index into `RecordViews::pairs`).
    Pair(usize),
}

/// The template rendered once per section as the `sidebar` of its pages.
pub const SIDEBAR: &str = "partials/sidebar.html";

/// The sidebars of a build: one per section, or one per block of a long section's pages
/// (see [`context::nav_open`](Views::nav_open)), and which one each page shows.
#[derive(Debug, Default, Clone)]
pub struct Sidebars {
    html: Vec<String>,
    /// The first sidebar of each section.
    first: Vec<usize>,
    /// The sidebar of each page.
    of_page: Vec<usize>,
}

impl Sidebars {
    /// The sidebar of a section's own pages (its list), else of a page.
    fn get(&self, job: &Job) -> Option<&str> {
        let slot = match *job {
            Job::Page(i) => *self.of_page.get(i)?,
            Job::Section(s, ..) | Job::Print(s) => *self.first.get(s)?,
            Job::Pair(_) => *self.first.first()?,
            _ => *self.first.first()?,
        };
        self.html.get(slot).map(String::as_str)
    }

    /// The bytes of every sidebar, for measurements.
    pub fn sizes(&self) -> Vec<usize> {
        self.html.iter().map(String::len).collect()
    }
}

/// Renders `partials/sidebar.html` once per section (or block of a long section's pages)
/// rather than once per page: on a site of 10,000 pages a per-page tree walk dominates the
/// build. Pages are marked current afterwards.
fn render_sidebars(site: &Site, engine: &Engine, views: &Views) -> Result<Sidebars, Error> {
    if !engine.has(SIDEBAR) {
        return Ok(Sidebars::default());
    }
    let mut first = Vec::with_capacity(site.sections.len());
    let mut slots: Vec<(usize, usize)> = Vec::new();
    let mut of_page = vec![0; site.pages.len()];
    for (s, sec) in site.sections.iter().enumerate() {
        first.push(slots.len());
        for pos in 0..sec.pages.len() {
            of_page[sec.pages[pos]] = slots.len() + context::sidebar_block(sec.pages.len(), pos);
        }
        slots.extend((0..context::sidebar_blocks(sec.pages.len())).map(|b| (s, b)));
    }
    let html = slots
        .into_par_iter()
        .map(|(s, block)| {
            let mut ctx = tera::Context::new();
            ctx.insert("site", &views.site_globals(views.nav_open(s, block)));
            // A URL under the section that matches no link: ancestors open, nothing current.
            let probe = format!("{}\u{1}", views.url(&site.sections[s].url));
            ctx.insert("current_url", &probe);
            engine.render(SIDEBAR, &ctx)
        })
        .collect::<Result<Vec<String>, Error>>()?;
    Ok(Sidebars {
        html,
        first,
        of_page,
    })
}

/// The job's sidebar with the link to `url` marked as the current page.
fn sidebar_for(sidebars: &Sidebars, job: &Job, url: &str) -> Option<tera::Value> {
    let html = sidebars.get(job)?;
    let needle = format!("href=\"{url}\"");
    let marked = match html.find(&needle) {
        Some(i) => {
            let at = i + needle.len();
            let mut s = String::with_capacity(html.len() + 24);
            s.push_str(&html[..at]);
            s.push_str(" aria-current=\"page\"");
            s.push_str(&html[at..]);
            s
        }
        None => html.to_string(),
    };
    Some(tera::Value::safe_string(&marked))
}

fn render_job(
    site: &Site,
    engine: &Engine,
    views: &Views,
    out: &dyn Output,
    sidebars: &Sidebars,
    job: &Job,
) -> Result<usize, Error> {
    let mut ctx = tera::Context::new();
    type Owner<'s> = Option<(&'s std::path::Path, &'s str)>;
    let (template, site_path, owner): (String, String, Owner) = match *job {
        Job::Page(i) => {
            let page = &site.pages[i];
            ctx.insert("page", &views.page(i));
            if let Some(record) = views.records.of_page(site, i) {
                ctx.insert("record", record);
            }
            (
                job_template(site, engine, job),
                page.url.clone(),
                Some((&page.path, &page.text)),
            )
        }
        Job::Section(s, n, total, per, ref links) => {
            let sec = &site.sections[s];
            ctx.insert_value("section", views.section(s, slice(&sec.pages, n, per)));
            insert_paginator(&mut ctx, paginator(views, &sec.url, n, total, links));
            let owner = sec.path.as_deref().map(|p| (p, sec.text.as_str()));
            (
                job_template(site, engine, job),
                pager_path(&sec.url, n),
                owner,
            )
        }
        Job::Print(s) => {
            let sec = &site.sections[s];
            ctx.insert_value("section", views.section(s, &[]));
            ctx.insert("articles", &print::articles(site, engine, views, s)?);
            let owner = sec.path.as_deref().map(|p| (p, sec.text.as_str()));
            (
                job_template(site, engine, job),
                print::path(&sec.url),
                owner,
            )
        }
        Job::Pair(k) => {
            let pair = &views.records.pairs[k];
            ctx.insert_value("section", views.section(pair.section, &[]));
            ctx.insert("pair", pair);
            (job_template(site, engine, job), pair.path.clone(), None)
        }
        Job::TaxonomyList(t) => {
            let tax = &site.taxonomies[t];
            ctx.insert(
                "taxonomy",
                &TaxonomyView {
                    name: &tax.name,
                    url: views.url(&tax.url),
                    terms: tax
                        .terms
                        .iter()
                        .map(|term| TermView {
                            name: &term.name,
                            slug: &term.slug,
                            url: views.url(&term.url),
                            count: term.pages.len(),
                        })
                        .collect(),
                },
            );
            (job_template(site, engine, job), tax.url.clone(), None)
        }
        Job::Term(t, k, n, total, per, ref links) => {
            let tax = &site.taxonomies[t];
            let term = &tax.terms[k];
            ctx.insert(
                "taxonomy",
                &TaxonomyView {
                    name: &tax.name,
                    url: views.url(&tax.url),
                    terms: Vec::new(),
                },
            );
            let pages = slice(&term.pages, n, per)
                .iter()
                .map(|&i| views.summary_value(i))
                .collect();
            let view = TermView {
                name: &term.name,
                slug: &term.slug,
                url: views.url(&term.url),
                count: term.pages.len(),
            };
            ctx.insert_value("term", context::with_list(&view, "pages", pages));
            insert_paginator(&mut ctx, paginator(views, &term.url, n, total, links));
            (
                job_template(site, engine, job),
                pager_path(&term.url, n),
                None,
            )
        }
    };
    let current_url = with_base(&site.base_path, &site_path);
    if let Some(card) = card_of(site, views, job) {
        ctx.insert("card", &CardView::of(views, &card));
    }
    if let Some(sidebar) = sidebar_for(sidebars, job, &current_url) {
        ctx.insert_value("sidebar", sidebar);
    }
    ctx.insert("current_url", &current_url);
    if !engine.has(&template) {
        return Err(missing_template(owner, &template));
    }
    let html = engine.render(&template, &ctx)?;
    out.write(&output_file(&site_path), html.as_bytes())?;
    Ok(1)
}

/// What templates get as `card`: the share card's absolute URL, size and description.
#[derive(Serialize)]
struct CardView {
    url: String,
    width: u32,
    height: u32,
    alt: String,
}

impl CardView {
    fn of(views: &Views, card: &Card) -> CardView {
        CardView {
            url: views.permalink(&format!("/{}", card.file())),
            width: cards::WIDTH,
            height: cards::HEIGHT,
            alt: card.alt(),
        }
    }
}

/// Every share card of the site, each once (a section's pagers share one), or none with
/// `share_cards: false`.
pub fn all_cards(site: &Site, views: &Views) -> Vec<Card> {
    let mut seen = HashSet::new();
    all_jobs(site, views)
        .iter()
        .filter_map(|job| card_of(site, views, job))
        .filter(|card| seen.insert(card.key()))
        .collect()
}

/// The share card of a job's page: its title and section, and for a sprint review the
/// verdict and numbers. Print pages (a copy of their section's pages) have none, and nothing
/// has one with `share_cards: false`.
fn card_of(site: &Site, views: &Views, job: &Job) -> Option<Card> {
    if !site.config.share_cards {
        return None;
    }
    let title_of = |s: usize| match site.sections[s].title.as_str() {
        "" => site.config.title.clone(),
        t => t.to_string(),
    };
    // The section a page or section is in; nothing for the home page's.
    let in_section = |s: usize| if s == 0 { String::new() } else { title_of(s) };
    let card = |section: String, title: String, sprint: Option<cards::SprintLine>| Card {
        site: site.config.title.clone(),
        section,
        title,
        summary: String::new(),
        sprint,
    };
    let section_card = |s: usize| match s {
        0 => Card {
            summary: site.config.description.clone(),
            ..card(String::new(), title_of(0), None)
        },
        s => {
            let parent = site.sections[s].parent.map(in_section).unwrap_or_default();
            card(parent, title_of(s), None)
        }
    };
    Some(match *job {
        Job::Page(i) => {
            let page = &site.pages[i];
            let record = views.records.of_page(site, i);
            let report = record
                .and_then(|r| r.get("report"))
                .filter(|r| r.is_object());
            // A large site's plain pages show their section's card: drawing one per page
            // would double a cold build of 10,000 pages and add 190 MB. Records (sprints
            // among them) keep their own.
            if record.is_none() && site.pages.len() > cards::PER_PAGE_LIMIT {
                return Some(section_card(page.section));
            }
            let mut section = in_section(page.section);
            let sprint = report.map(|r| {
                if let Some(team) = r["team"]["title"].as_str() {
                    section = format!("{section} · {team}")
                        .trim_start_matches(" · ")
                        .into();
                }
                let number = |v: &serde_json::Value| match v {
                    serde_json::Value::Null => "0".to_string(),
                    v => v.to_string(),
                };
                cards::SprintLine {
                    goal_met: r["goal_met"].as_str().unwrap_or_default().to_string(),
                    verdict: r["verdict"].as_str().unwrap_or_default().to_string(),
                    planned: number(&r["metrics"]["committed_points"]),
                    finished: number(&r["metrics"]["completed_points"]),
                    unit: "points".into(),
                }
            });
            card(section, page.title.clone(), sprint)
        }
        Job::Section(s, ..) => section_card(s),
        Job::Pair(k) => {
            let pair = &views.records.pairs[k];
            card(in_section(pair.section), pair.title.clone(), None)
        }
        Job::TaxonomyList(t) => card(String::new(), capitalize(&site.taxonomies[t].name), None),
        Job::Term(t, k, ..) => {
            let tax = &site.taxonomies[t];
            card(capitalize(&tax.name), tax.terms[k].name.clone(), None)
        }
        Job::Print(_) => return None,
    })
}

/// `tags` as `Tags`, as the default theme shows a taxonomy's name.
fn capitalize(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The template a job renders: the `layout` of its page or section, else for a record page
/// `<kind>.html` when the theme or site has one, else the default.
fn job_template(site: &Site, engine: &Engine, job: &Job) -> String {
    let layout = |l: Option<&str>, default: &str| {
        l.map_or_else(|| default.to_string(), |l| format!("{l}.html"))
    };
    match *job {
        Job::Page(i) => {
            let meta = &site.pages[i].meta;
            let kind = meta
                .kind
                .as_ref()
                .map(|k| format!("{k}.html"))
                .filter(|t| engine.has(t));
            let type_is_field = meta
                .kind
                .as_deref()
                .and_then(crate::model::records::kinds::kind)
                .is_some_and(|k| k.field("type").is_some());
            layout(
                meta.template(type_is_field),
                kind.as_deref().unwrap_or("page.html"),
            )
        }
        Job::Section(s, ..) => {
            let default = if s == 0 { "index.html" } else { "section.html" };
            layout(site.sections[s].meta.template(false), default)
        }
        Job::TaxonomyList(_) => "taxonomy_list.html".into(),
        Job::Term(..) => "taxonomy_term.html".into(),
        Job::Print(_) => print::TEMPLATE.into(),
        Job::Pair(_) => "role-pair.html".into(),
    }
}

/// A missing template, located at the `layout:` line of the page that asked for it.
fn missing_template(owner: Option<(&std::path::Path, &str)>, template: &str) -> Error {
    let help = format!("add templates/{template}, or fix `layout:`");
    let message = format!("template `{template}` not found");
    let Some((path, text)) = owner else {
        return Error::file(std::path::Path::new("templates"), message).with_help(help);
    };
    let located = crate::parse::frontmatter::split(path, text)
        .ok()
        .and_then(|s| {
            ["layout", "template", "type"]
                .iter()
                .find_map(|k| crate::config::key_position(text, k, s.front_line))
        });
    match located {
        Some((line, col)) => Error::at(path, text, line, col, message),
        None => Error::file(path, message),
    }
    .with_help(help)
}

/// Pages and aliases whose output file is one the build writes itself (a static or theme
/// file, a feed, the sitemap, `404.html`): without this check one would silently replace the
/// other (`aliases: [/style.css]` took the site's stylesheet). Each is an error at the line
/// that set the URL.
pub fn shadowed_outputs(site: &Site, extra_paths: &HashSet<String>) -> Vec<Error> {
    let written: HashSet<String> = extra_paths.iter().map(|p| output_file(p)).collect();
    let mut errors = Vec::new();
    let mut urls: Vec<(&String, &std::path::PathBuf)> = site.urls.iter().collect();
    urls.sort();
    for (url, owner) in urls {
        let file = output_file(url);
        if !written.contains(&file) && !file.starts_with("pagefind/") {
            continue;
        }
        let message = format!("URL `{url}` is a file the build writes itself (`{file}`)");
        let source = site
            .pages
            .iter()
            .find(|p| &p.path == owner)
            .map(|p| (&p.text, &p.meta))
            .or_else(|| {
                site.sections
                    .iter()
                    .find(|s| s.path.as_ref() == Some(owner))
                    .map(|s| (&s.text, &s.meta))
            });
        let error = match source {
            Some((text, meta)) => {
                let key = if meta.aliases.iter().any(|a| output_file(a) == file) {
                    "aliases"
                } else {
                    "url"
                };
                let (line, col) = crate::parse::frontmatter::split(owner, text)
                    .map(|s| crate::parse::frontmatter::locate_key(text, &s, key))
                    .unwrap_or((1, 1));
                Error::at(owner, text, line, col, message)
            }
            None => Error::file(owner, message),
        };
        errors
            .push(error.with_help("choose another path; this one belongs to the site's own files"));
    }
    errors
}

/// Site paths served by static files and content assets, for link checks.
pub fn static_paths(site: &Site, sources: &Sources) -> HashSet<String> {
    let mut paths: HashSet<String> = sources
        .static_files
        .iter()
        .map(|f| format!("/{}", crate::load::slash_path(&f.dest)))
        .collect();
    for a in &sources.content_assets {
        paths.insert(format!("/{}", feeds::asset_dest(site, a)));
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
