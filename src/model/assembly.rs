//! The model's assembly, in seven phases: front matter parsed, files sorted into sections,
//! pages and bundles, the section tree, sections with their cascade, pages with their URLs,
//! order and prev/next, URL ownership. [`assemble`] calls them in turn.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::{Map, Value};

use super::url::{UrlProblem, normalize_site_path};
use super::{
    Include, Page, Section, Site, Skipped, Taxonomy, Term, records, sorting, title_from_name,
};
use crate::config::Config;
use crate::error::Error;
use crate::load::SourceFile;
use crate::parse::frontmatter::{self, FrontMatter};
use crate::util::slug::urlize;

/// Builds the model from content files. Every problem found is returned together.
pub fn assemble(
    config: Config,
    files: Vec<SourceFile>,
    include: Include,
) -> Result<Site, Vec<Error>> {
    let mut errors = Vec::new();
    let files = parse_front_matter(files, &mut errors);
    let Sorted {
        mut skipped,
        mut section_files,
        page_files,
    } = sort_files(files);
    let tree = Tree::new(&section_files, &page_files);
    let (mut sections, cascades) = build_sections(&config, &tree, &mut section_files, &mut errors);
    let mut pages = build_pages(
        &config,
        include,
        &tree,
        &sections,
        &cascades,
        page_files,
        &mut skipped,
        &mut errors,
    );
    order(&mut sections, &mut pages);
    let taxonomies = build_taxonomies(&config, &pages, &mut errors);
    let (urls, by_source) = claim_urls(&sections, &pages, &taxonomies, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let base_path = config.base_path();
    Ok(Site {
        config,
        base_path,
        pages,
        sections,
        taxonomies,
        skipped,
        by_source,
        urls,
        records: records::Records::default(),
        snippets: HashMap::new(),
    })
}

/// A content file with its front matter parsed into a map.
struct Parsed {
    file: SourceFile,
    body_start: usize,
    body_line: usize,
    front_line: usize,
    format: Option<frontmatter::Format>,
    map: Map<String, Value>,
}

/// Phase 1: every file's front matter, in parallel; the files that fail are reported.
fn parse_front_matter(files: Vec<SourceFile>, errors: &mut Vec<Error>) -> Vec<Parsed> {
    let parsed: Vec<Result<Parsed, Error>> = files
        .into_par_iter()
        .map(|file| {
            let split = frontmatter::split(&file.path, &file.text)?;
            let map = frontmatter::parse_map(&file.path, &file.text, &split)?;
            let body_start = file.text.len() - split.body.len();
            let (body_line, front_line, format) = (split.body_line, split.front_line, split.format);
            Ok(Parsed {
                file,
                body_start,
                body_line,
                front_line,
                format,
                map,
            })
        })
        .collect();
    let mut files: Vec<Parsed> = Vec::with_capacity(parsed.len());
    for p in parsed {
        match p {
            Ok(p) => files.push(p),
            Err(e) => errors.push(e),
        }
    }
    files
}

/// A path relative to `content/`.
fn rel_in_content(p: &Path) -> PathBuf {
    p.strip_prefix("content").unwrap_or(p).to_path_buf()
}

/// The files sorted into section files (`_index.md`, by folder), pages (with their bundle
/// folder) and the files that are neither.
struct Sorted {
    skipped: Vec<Skipped>,
    section_files: BTreeMap<PathBuf, Parsed>,
    page_files: Vec<(Parsed, Option<PathBuf>)>,
}

/// Phase 2: bundles (folders holding `index.md`), section files and pages.
fn sort_files(files: Vec<Parsed>) -> Sorted {
    // Folders: bundles (hold index.md), sections (everything else that holds content).
    // A set, and lookups by ancestor: a site of 100,000 pages may have as many bundles.
    let bundles: HashSet<PathBuf> = files
        .iter()
        .filter(|f| is_named(&f.file.path, "index"))
        .filter_map(|f| rel_in_content(&f.file.path).parent().map(Path::to_path_buf))
        .filter(|d| !d.as_os_str().is_empty())
        .collect();
    // The outermost bundle above `rel` (or `rel` itself, with `include_self`).
    let bundle_of = |rel: &Path, include_self: bool| -> Option<PathBuf> {
        rel.ancestors()
            .skip(usize::from(!include_self))
            .filter(|a| !a.as_os_str().is_empty() && bundles.contains(*a))
            .last()
            .map(Path::to_path_buf)
    };

    let mut skipped = Vec::new();
    let mut section_files: BTreeMap<PathBuf, Parsed> = BTreeMap::new();
    let mut page_files: Vec<(Parsed, Option<PathBuf>)> = Vec::new();
    for f in files {
        let rel = rel_in_content(&f.file.path);
        if is_named(&f.file.path, "_index") {
            let dir = rel.parent().map(Path::to_path_buf).unwrap_or_default();
            if let Some(b) = bundle_of(&dir, true) {
                skipped.push(Skipped {
                    path: f.file.path.clone(),
                    reason: format!("inside the page bundle content/{}", b.display()),
                });
                continue;
            }
            section_files.insert(dir, f);
        } else if is_named(&f.file.path, "index")
            && rel.parent().is_some_and(|d| !d.as_os_str().is_empty())
        {
            let dir = rel.parent().map(Path::to_path_buf).unwrap_or_default();
            if let Some(outer) = bundle_of(&dir, false) {
                skipped.push(Skipped {
                    path: f.file.path.clone(),
                    reason: format!("inside the page bundle content/{}", outer.display()),
                });
                continue;
            }
            page_files.push((f, Some(dir)));
        } else if let Some(b) = bundle_of(&rel, false) {
            skipped.push(Skipped {
                path: f.file.path.clone(),
                reason: format!(
                    "a Markdown file inside the page bundle content/{} is one of its resources, not a page",
                    b.display()
                ),
            });
        } else {
            page_files.push((f, None));
        }
    }
    Sorted {
        skipped,
        section_files,
        page_files,
    }
}

/// The section folders, in order, and how a folder finds its section.
struct Tree {
    dirs: Vec<PathBuf>,
    index: HashMap<PathBuf, usize>,
}

impl Tree {
    /// Phase 3: sections, as Hugo has them: the home, every top-level folder holding content,
    /// and every folder with an `_index.md`. Pages in other folders belong to the nearest
    /// section above.
    fn new(
        section_files: &BTreeMap<PathBuf, Parsed>,
        page_files: &[(Parsed, Option<PathBuf>)],
    ) -> Tree {
        let mut dirs: BTreeSet<PathBuf> = BTreeSet::from([PathBuf::new()]);
        let mut note_dir = |d: &Path| {
            if !dirs.contains(d) {
                dirs.insert(d.to_path_buf());
            }
        };
        let top_level = |d: &Path| d.components().next().map(|c| PathBuf::from(c.as_os_str()));
        for d in section_files.keys() {
            note_dir(d);
            if let Some(t) = top_level(d) {
                note_dir(&t);
            }
        }
        for (f, bundle) in page_files {
            let rel = rel_in_content(&f.file.path);
            let dir = match bundle {
                Some(b) => b.parent().map(Path::to_path_buf).unwrap_or_default(),
                None => rel.parent().map(Path::to_path_buf).unwrap_or_default(),
            };
            if let Some(t) = top_level(&dir) {
                note_dir(&t);
            }
        }
        let dirs: Vec<PathBuf> = dirs.into_iter().collect();
        let index = dirs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.clone(), i))
            .collect();
        Tree { dirs, index }
    }

    /// The nearest section at or above a folder, and the folder's path below it.
    fn nearest(&self, dir: &Path) -> (usize, PathBuf) {
        let mut cur = dir;
        loop {
            if let Some(&i) = self.index.get(cur) {
                return (
                    i,
                    dir.strip_prefix(cur).unwrap_or(Path::new("")).to_path_buf(),
                );
            }
            cur = cur.parent().unwrap_or(Path::new(""));
        }
    }
}

/// A folder path as URL segments, each urlized and followed by `/`.
fn url_segments(rel: &Path) -> String {
    rel.components()
        .map(|c| format!("{}/", urlize(&c.as_os_str().to_string_lossy())))
        .collect()
}

/// Phase 4: the sections, in folder order; cascade flows from a section to everything below
/// it. Returns the sections and the cascade in force in each.
fn build_sections(
    config: &Config,
    tree: &Tree,
    section_files: &mut BTreeMap<PathBuf, Parsed>,
    errors: &mut Vec<Error>,
) -> (Vec<Section>, Vec<Map<String, Value>>) {
    let taxonomies = config.taxonomies.clone();
    let mut sections: Vec<Section> = Vec::with_capacity(tree.dirs.len());
    let mut cascades: Vec<Map<String, Value>> = Vec::with_capacity(tree.dirs.len());
    for dir in &tree.dirs {
        let parent = dir.parent().map(|p| tree.nearest(p).0);
        let inherited = parent.map(|p| cascades[p].clone()).unwrap_or_default();
        let file = section_files.remove(dir);
        let (meta, path, text, body_start, body_line) = match file {
            Some(f) => {
                let map = merge_cascade(&inherited, f.map.clone());
                let split = split_of(&f);
                match frontmatter::typed(&f.file.path, &f.file.text, &split, map, &taxonomies) {
                    Ok(m) => (m, Some(f.file.path), f.file.text, f.body_start, f.body_line),
                    Err(es) => {
                        errors.extend(es);
                        (
                            FrontMatter::default(),
                            Some(f.file.path),
                            f.file.text,
                            f.body_start,
                            f.body_line,
                        )
                    }
                }
            }
            None => (FrontMatter::default(), None, String::new(), 0, 1),
        };
        let mut cascade = inherited;
        cascade.extend(meta.cascade.clone());
        cascades.push(cascade);
        let dir_name = dir.file_name().map(|n| n.to_string_lossy().into_owned());
        let title = meta.title.clone().unwrap_or_else(|| match &dir_name {
            Some(n) => title_from_name(n),
            None => config.title.clone(),
        });
        let url = match (&meta.url, parent) {
            (Some(u), _) => {
                match check_url(u, path.as_deref().unwrap_or(Path::new("content")), &text) {
                    Ok(u) => u,
                    Err(e) => {
                        errors.push(e);
                        String::from("/")
                    }
                }
            }
            (None, None) => "/".into(),
            (None, Some(p)) => format!(
                "{}{}",
                sections[p].url,
                url_segments(dir.strip_prefix(&sections[p].dir).unwrap_or(dir))
            ),
        };
        sections.push(Section {
            path,
            dir: dir.clone(),
            text,
            body_start,
            body_line,
            meta,
            title,
            url,
            parent,
            pages: Vec::new(),
            subsections: Vec::new(),
        });
    }
    (sections, cascades)
}

/// Phase 5: the pages, each with its section, cascade, URL; drafts, future and expired pages
/// left out with their reasons.
#[allow(clippy::too_many_arguments)]
fn build_pages(
    config: &Config,
    include: Include,
    tree: &Tree,
    sections: &[Section],
    cascades: &[Map<String, Value>],
    page_files: Vec<(Parsed, Option<PathBuf>)>,
    skipped: &mut Vec<Skipped>,
    errors: &mut Vec<Error>,
) -> Vec<Page> {
    let taxonomies = config.taxonomies.clone();
    let mut pages: Vec<Page> = Vec::with_capacity(page_files.len());
    for (f, bundle) in page_files {
        let rel = rel_in_content(&f.file.path);
        let dir = match &bundle {
            Some(b) => b.parent().map(Path::to_path_buf).unwrap_or_default(),
            None => rel.parent().map(Path::to_path_buf).unwrap_or_default(),
        };
        let (section, below) = tree.nearest(&dir);
        let map = merge_cascade(&cascades[section], f.map.clone());
        let split = split_of(&f);
        let meta = match frontmatter::typed(&f.file.path, &f.file.text, &split, map, &taxonomies) {
            Ok(m) => m,
            Err(es) => {
                errors.extend(es);
                continue;
            }
        };
        if let Some(reason) = excluded(&meta, include) {
            skipped.push(Skipped {
                path: f.file.path.clone(),
                reason,
            });
            continue;
        }
        // A sprint without `date:` is dated by its last day, so that lists and the sprints
        // feed order it; after the future check, so a sprint under way is still built.
        let mut meta = meta;
        if meta.date.is_none() && meta.kind.as_deref() == Some("sprint") {
            meta.date = meta
                .params
                .get("end")
                .and_then(Value::as_str)
                .and_then(frontmatter::Date::parse);
        }
        let stem = match &bundle {
            Some(b) => b
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            None => rel
                .file_stem()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        };
        let title = meta.title.clone().unwrap_or_else(|| title_from_name(&stem));
        // A slug is the last segment of the URL: one that names a folder or climbs out of it
        // would put the page somewhere nobody asked for.
        if let Some(slug) = meta.slug.as_deref() {
            let trimmed = slug.trim();
            if trimmed.contains(['/', '\\'])
                || trimmed.is_empty()
                || trimmed.chars().all(|c| c == '.')
            {
                let split = split_of(&f);
                let (line, col) = frontmatter::locate_key(&f.file.text, &split, "slug");
                errors.push(
                    Error::at(
                        &f.file.path,
                        &f.file.text,
                        line,
                        col,
                        format!("`slug: {slug}` is not one URL segment"),
                    )
                    .with_help("a slug names the page's last URL segment (`my-page`); set `url:` for a whole path"),
                );
                continue;
            }
        }
        let url = match &meta.url {
            Some(u) => match check_url(u, &f.file.path, &f.file.text) {
                Ok(u) => u,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            },
            None => match permalink_pattern(config, &dir) {
                Some(pattern) => {
                    let names: Vec<String> = dir
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect();
                    let fields = crate::model::url::PermalinkFields {
                        date: meta.date.as_ref().map(|d| &d.instant),
                        sections: &names,
                        title: &title,
                        slug: meta.slug.as_deref(),
                        filename: &stem,
                    };
                    let expanded = crate::model::url::expand_permalink(pattern, &fields);
                    match normalize_site_path(&expanded) {
                        Ok(u) => u,
                        Err(problem) => {
                            errors.push(url_problem(
                                &f.file.path,
                                &f.file.text,
                                1,
                                1,
                                "permalinks",
                                &expanded,
                                problem,
                            ));
                            continue;
                        }
                    }
                }
                None => {
                    let slug = meta
                        .slug
                        .as_deref()
                        .map(urlize)
                        .unwrap_or_else(|| urlize(&stem));
                    format!("{}{}{}/", sections[section].url, url_segments(&below), slug)
                }
            },
        };
        let bundle = bundle.map(|b| Path::new("content").join(b));
        pages.push(Page {
            path: f.file.path,
            text: f.file.text,
            body_start: f.body_start,
            body_line: f.body_line,
            meta,
            title,
            url,
            section,
            bundle,
            prev: None,
            next: None,
            updated_by: None,
            review_due: None,
        });
    }
    pages
}

/// Phase 6: each section's pages and subsections in display order; prev/next.
fn order(sections: &mut [Section], pages: &mut [Page]) {
    for (i, p) in pages.iter().enumerate() {
        sections[p.section].pages.push(i);
    }
    for s in 0..sections.len() {
        if let Some(p) = sections[s].parent {
            sections[p].subsections.push(s);
        }
    }
    for s in 0..sections.len() {
        let order = sections[s].meta.sort_by.clone();
        let mut list = std::mem::take(&mut sections[s].pages);
        sorting::sort_pages(&mut list, pages, order.as_deref());
        for w in list.windows(2) {
            pages[w[0]].next = Some(w[1]);
            pages[w[1]].prev = Some(w[0]);
        }
        sections[s].pages = list;
        let mut subs = std::mem::take(&mut sections[s].subsections);
        subs.sort_by(|a, b| sorting::section_order(&sections[*a], &sections[*b]));
        sections[s].subsections = subs;
    }
}

/// Phase 7: URL ownership: two sources claiming one URL is an error naming both, at the line
/// of the one that set the URL (`url:`, `slug:`, an alias) when only one of them did. Returns
/// every URL with its owner, and each source file's URL.
fn claim_urls<'a>(
    sections: &'a [Section],
    pages: &'a [Page],
    taxonomies: &[Taxonomy],
    errors: &mut Vec<Error>,
) -> (HashMap<String, PathBuf>, HashMap<PathBuf, String>) {
    /// Who claimed a URL: the file, its text and the keys that may have set the URL, and
    /// whether the URL was written out (`url:`, `slug:`, an alias) or derived from the path.
    struct Claim<'a> {
        owner: PathBuf,
        source: Option<(&'a str, &'static [&'static str])>,
        explicit: bool,
    }
    impl Claim<'_> {
        fn error(&self, message: String) -> Error {
            let located = self.source.and_then(|(text, keys)| {
                let split = frontmatter::split(&self.owner, text).ok()?;
                let (line, col) = keys
                    .iter()
                    .find_map(|k| crate::config::key_position(text, k, split.front_line))
                    .unwrap_or((1, 1));
                Some(Error::at(&self.owner, text, line, col, message.clone()))
            });
            located
                .unwrap_or_else(|| Error::file(&self.owner, message))
                .with_help("give one of them another `url:` or `slug:`")
        }
    }
    let mut claims: HashMap<String, Claim<'a>> = HashMap::new();
    let mut by_source = HashMap::new();
    let mut claim = |url: &str, what: &str, new: Claim<'a>, errors: &mut Vec<Error>| {
        let Some(prev) = claims.get(url) else {
            claims.insert(url.to_string(), new);
            return;
        };
        // The one that wrote the URL out is the one to change.
        errors.push(if prev.explicit && !new.explicit {
            prev.error(format!(
                "URL `{url}` is already the URL of the {what} {}",
                new.owner.display()
            ))
        } else {
            new.error(format!(
                "{what} URL `{url}` is already used by {}",
                prev.owner.display()
            ))
        });
    };
    const PAGE_KEYS: &[&str] = &["url", "slug", "title"];
    for s in sections {
        let owner = s
            .path
            .clone()
            .unwrap_or_else(|| Path::new("content").join(&s.dir));
        let source = s.path.as_ref().map(|_| (s.text.as_str(), PAGE_KEYS));
        let explicit = s.meta.url.is_some();
        claim(
            &s.url,
            "section",
            Claim {
                owner,
                source,
                explicit,
            },
            errors,
        );
        if let Some(p) = &s.path {
            by_source.insert(p.clone(), s.url.clone());
        }
    }
    for p in pages {
        let explicit = p.meta.url.is_some() || p.meta.slug.is_some();
        let source = Some((p.text.as_str(), PAGE_KEYS));
        let owner = p.path.clone();
        claim(
            &p.url,
            "page",
            Claim {
                owner,
                source,
                explicit,
            },
            errors,
        );
        by_source.insert(p.path.clone(), p.url.clone());
    }
    for t in taxonomies {
        let owner = || PathBuf::from(format!("<taxonomy {}>", t.name));
        let derived = |owner| Claim {
            owner,
            source: None,
            explicit: false,
        };
        claim(&t.url, "taxonomy", derived(owner()), errors);
        for term in &t.terms {
            claim(&term.url, "taxonomy term", derived(owner()), errors);
        }
    }
    let alias_owners = pages
        .iter()
        .map(|p| (&p.meta, &p.path, p.text.as_str()))
        .chain(
            sections
                .iter()
                .filter_map(|s| s.path.as_ref().map(|p| (&s.meta, p, s.text.as_str()))),
        )
        .flat_map(|(meta, path, text)| meta.aliases.iter().map(move |a| (a, path, text)));
    for (alias, path, text) in alias_owners {
        match normalize_site_path(alias) {
            Ok(a) => {
                let source = Some((text, &["aliases"][..]));
                let owner = path.clone();
                let explicit = true;
                claim(
                    &a,
                    "alias",
                    Claim {
                        owner,
                        source,
                        explicit,
                    },
                    errors,
                )
            }
            Err(problem) => {
                let split = frontmatter::split(path, text).ok();
                let (line, col) = split
                    .map(|s| frontmatter::locate_key(text, &s, "aliases"))
                    .unwrap_or((1, 1));
                errors.push(url_problem(path, text, line, col, "alias", alias, problem));
            }
        }
    }
    let urls = claims.into_iter().map(|(url, c)| (url, c.owner)).collect();
    (urls, by_source)
}

/// The `permalinks` pattern for pages under `dir`, keyed by its top-level section.
fn permalink_pattern<'c>(config: &'c Config, dir: &Path) -> Option<&'c str> {
    if config.permalinks.is_empty() {
        return None;
    }
    let top = dir.components().next()?.as_os_str().to_string_lossy();
    if config
        .taxonomies
        .iter()
        .any(|t| t.eq_ignore_ascii_case(&top))
    {
        return None;
    }
    config
        .permalinks
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(&top))
        .map(|(_, v)| v.as_str())
}

fn split_of(f: &Parsed) -> frontmatter::Split<'_> {
    frontmatter::Split {
        format: f.format,
        front: "",
        front_line: f.front_line,
        body: &f.file.text[f.body_start..],
        body_line: f.body_line,
    }
}

fn is_named(path: &Path, stem: &str) -> bool {
    path.file_stem().is_some_and(|s| s == stem)
}

/// The page's own keys win over cascaded ones, compared case-insensitively.
fn merge_cascade(cascade: &Map<String, Value>, own: Map<String, Value>) -> Map<String, Value> {
    if cascade.is_empty() {
        return own;
    }
    let mut merged = own;
    for (k, v) in cascade {
        if !merged.keys().any(|m| m.eq_ignore_ascii_case(k)) {
            merged.insert(k.clone(), v.clone());
        }
    }
    merged
}

fn excluded(meta: &FrontMatter, include: Include) -> Option<String> {
    if meta.draft && !include.drafts {
        return Some("draft: true (build with --drafts to include it)".into());
    }
    let published = meta.publish_date.as_ref().or(meta.date.as_ref());
    if let Some(d) = published.filter(|d| d.instant > include.now)
        && !include.future
    {
        return Some(format!(
            "dated {} in the future (build with --future to include it)",
            d.day
        ));
    }
    if let Some(d) = meta
        .expiry_date
        .as_ref()
        .filter(|d| d.instant <= include.now)
    {
        return Some(format!("expired on {} (expiryDate)", d.day));
    }
    None
}

fn check_url(raw: &str, path: &Path, text: &str) -> Result<String, Error> {
    normalize_site_path(raw).map_err(|problem| {
        let (line, col) = frontmatter::split(path, text)
            .ok()
            .map(|s| frontmatter::locate_key(text, &s, "url"))
            .unwrap_or((1, 1));
        url_problem(path, text, line, col, "url", raw, problem)
    })
}

fn url_problem(
    path: &Path,
    text: &str,
    line: usize,
    col: usize,
    key: &str,
    raw: &str,
    problem: UrlProblem,
) -> Error {
    let message = match problem {
        UrlProblem::Escapes => format!("`{key}: {raw}` would write outside the output folder"),
        UrlProblem::Absolute => {
            format!("`{key}: {raw}` is not a site path")
        }
        UrlProblem::Control => format!(
            "`{key}: {}` holds a control character, which no file name can hold",
            raw.escape_debug()
        ),
        UrlProblem::TooLong => {
            format!("`{key}:` has a segment over 200 characters, longer than file names may be")
        }
    };
    Error::at(path, text, line, col, message)
        .with_help("write a path inside the site, like `/some-slug/`, without `..`")
}

fn build_taxonomies(config: &Config, pages: &[Page], errors: &mut Vec<Error>) -> Vec<Taxonomy> {
    config
        .taxonomies
        .iter()
        .map(|name| {
            let tax_url = format!("/{}/", urlize(name));
            let term_pattern = config
                .permalinks
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str());
            let mut terms: BTreeMap<String, Term> = BTreeMap::new();
            for (i, p) in pages.iter().enumerate() {
                for t in p.meta.taxonomies.get(name).into_iter().flatten() {
                    let slug = urlize(t);
                    if slug.is_empty() {
                        continue;
                    }
                    // `..` would make the term's page climb out of the taxonomy's folder.
                    if slug.chars().all(|c| c == '.') {
                        let (line, col) = frontmatter::split(&p.path, &p.text)
                            .map(|s| frontmatter::locate_key(&p.text, &s, name))
                            .unwrap_or((1, 1));
                        errors.push(
                            Error::at(
                                &p.path,
                                &p.text,
                                line,
                                col,
                                format!("`{t}` in `{name}` has no letters or digits to make its URL from"),
                            )
                            .with_help("name the term with a word"),
                        );
                        continue;
                    }
                    let term = terms.entry(slug.clone()).or_insert_with(|| Term {
                        name: t.clone(),
                        url: match term_pattern {
                            Some(p) => term_url(p, name, t, &slug),
                            None => format!("{tax_url}{slug}/"),
                        },
                        slug,
                        pages: Vec::new(),
                    });
                    if term.pages.last() != Some(&i) {
                        term.pages.push(i);
                    }
                }
            }
            let mut terms: Vec<Term> = terms.into_values().collect();
            for t in &mut terms {
                sorting::sort_pages(&mut t.pages, pages, Some("date"));
            }
            terms.sort_by_key(|t| t.name.to_lowercase());
            Taxonomy {
                name: name.clone(),
                url: tax_url,
                terms,
            }
        })
        .collect()
}

/// A term's URL from a `permalinks` pattern (`tags: /topic/:slug/`).
fn term_url(pattern: &str, taxonomy: &str, name: &str, slug: &str) -> String {
    let sections = vec![taxonomy.to_string()];
    let fields = crate::model::url::PermalinkFields {
        date: None,
        sections: &sections,
        title: name,
        slug: Some(slug),
        filename: slug,
    };
    normalize_site_path(&crate::model::url::expand_permalink(pattern, &fields))
        .unwrap_or_else(|_| format!("/{}/{slug}/", urlize(taxonomy)))
}
