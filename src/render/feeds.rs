//! Stage 4d: site-wide files. In: the site and its rendered bodies. Out: Atom feeds (site and
//! sections), `sitemap.xml`, alias redirects, `404.html`, `robots.txt`, `.nojekyll`, `CNAME`,
//! the syntax stylesheet, theme and site static files, and content assets.

use std::fmt::Write as _;

use rayon::prelude::*;

use crate::error::Error;
use crate::load::{Sources, StaticSource, slash_path};
use crate::model::Site;
use crate::model::url::{normalize_site_path, output_file, with_base};
use crate::parse::highlight;
use crate::render::Output;
use crate::render::context::Views;
use crate::render::engine::Engine;
use crate::render::pager::pager_path;
use crate::util::escape::xml_escape;

/// The file every teambook output has (it tells GitHub Pages not to run Jekyll); the write
/// stage never replaces a folder without it.
pub const MARKER: &str = ".nojekyll";

/// Writes everything that is not a page, section or taxonomy; returns the number of files.
pub fn write_extras(
    site: &Site,
    sources: &Sources,
    engine: &Engine,
    views: &Views,
    out: &dyn Output,
) -> Result<usize, Vec<Error>> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    files.push((MARKER.into(), Vec::new()));
    if let Some(cname) = &site.config.cname {
        files.push(("CNAME".into(), format!("{}\n", cname.trim()).into_bytes()));
    }
    let has_static = |name: &str| {
        sources
            .static_files
            .iter()
            .any(|f| slash_path(&f.dest) == name)
    };
    if !has_static("robots.txt") {
        files.push((
            "robots.txt".into(),
            format!(
                "User-agent: *\nAllow: /\nSitemap: {}\n",
                views.permalink("/sitemap.xml")
            )
            .into_bytes(),
        ));
    }
    files.push(("sitemap.xml".into(), sitemap(site, views).into_bytes()));
    files.push(("atom.xml".into(), atom(site, views, None).into_bytes()));
    // A section's feed carries the pages of its subsections too (a section of per-team
    // sprint folders has a feed of every team's reviews), so it exists when any page does.
    let mut has_pages = vec![false; site.sections.len()];
    for p in &site.pages {
        let mut cur = Some(p.section);
        while let Some(c) = cur {
            has_pages[c] = true;
            cur = site.sections[c].parent;
        }
    }
    for (s, sec) in site.sections.iter().enumerate().skip(1) {
        if has_pages[s] {
            files.push((
                format!("{}atom.xml", sec.url.trim_start_matches('/')),
                atom(site, views, Some(s)).into_bytes(),
            ));
        }
    }
    if site.config.rss {
        files.extend(rss_feeds(site, views));
    }
    for (alias, target) in aliases(site) {
        files.push((output_file(&alias), redirect(views, &target).into_bytes()));
    }
    // As Hugo does, pager 1 of every paginated list also answers at `page/1/`.
    let mut lists: Vec<&str> = Vec::new();
    for sec in &site.sections {
        if sec.meta.paginate.unwrap_or(site.config.paginate) > 0 {
            lists.push(&sec.url);
        }
    }
    if site.config.paginate > 0 {
        lists.extend(
            site.taxonomies
                .iter()
                .flat_map(|t| t.terms.iter().map(|term| term.url.as_str())),
        );
    }
    for url in lists {
        files.push((
            output_file(&format!("{url}page/1/")),
            redirect(views, &pager_path(url, 1)).into_bytes(),
        ));
    }
    let css = highlight::stylesheet(
        &site.config.highlight.theme,
        &site.config.highlight.dark_theme,
    )
    .map_err(|e| {
        vec![Error::file(
            std::path::Path::new(crate::config::CONFIG_FILE),
            format!("highlight: {e}"),
        )]
    })?;
    files.push(("syntax.css".into(), css.into_bytes()));
    if let Some(html) = not_found(site, engine).map_err(|e| vec![e])? {
        files.push(("404.html".into(), html));
    }

    let mut errors = Vec::new();
    // Static files first (site over theme), then content assets; generated files last.
    let mut last_static: std::collections::HashMap<String, &StaticSource> = Default::default();
    for f in &sources.static_files {
        last_static.insert(slash_path(&f.dest), &f.source);
    }
    let statics: Vec<Result<(), Error>> = last_static
        .par_iter()
        .map(|(dest, src)| match src {
            StaticSource::Disk(path) => out.copy(dest, path),
            StaticSource::Embedded(bytes) => out.write(dest, bytes),
        })
        .collect();
    let assets: Vec<Result<(), Error>> = sources
        .content_assets
        .par_iter()
        .map(|rel| out.copy(&asset_dest(site, rel), &sources.root.join(rel)))
        .collect();
    let generated: Vec<Result<(), Error>> =
        files.par_iter().map(|(p, b)| out.write(p, b)).collect();
    let count = statics.len() + assets.len() + generated.len();
    for r in statics.into_iter().chain(assets).chain(generated) {
        if let Err(e) = r {
            errors.push(e);
        }
    }
    if errors.is_empty() {
        Ok(count)
    } else {
        Err(errors)
    }
}

/// `404.html`, when the theme has one.
pub fn not_found(site: &Site, engine: &Engine) -> Result<Option<Vec<u8>>, Error> {
    if !engine.has("404.html") {
        return Ok(None);
    }
    let mut ctx = tera::Context::new();
    ctx.insert("current_url", &with_base(&site.base_path, "/404.html"));
    Ok(Some(engine.render("404.html", &ctx)?.into_bytes()))
}

/// Where a file of `content/` lands: beside its bundle's page, or at its folder path.
pub fn asset_dest(site: &Site, rel: &std::path::Path) -> String {
    for p in &site.pages {
        if let Some(bundle) = &p.bundle
            && let Ok(inner) = rel.strip_prefix(bundle)
        {
            return format!("{}{}", p.url.trim_start_matches('/'), slash_path(inner));
        }
    }
    slash_path(rel.strip_prefix("content").unwrap_or(rel))
}

/// Alias path → target site path, for pages and sections.
pub fn aliases(site: &Site) -> Vec<(String, String)> {
    let page_aliases = site.pages.iter().map(|p| (&p.meta.aliases, &p.url));
    let section_aliases = site.sections.iter().map(|s| (&s.meta.aliases, &s.url));
    page_aliases
        .chain(section_aliases)
        .flat_map(|(aliases, url)| {
            aliases
                .iter()
                .filter_map(|a| normalize_site_path(a).ok())
                .map(move |a| (a, url.clone()))
        })
        .collect()
}

fn redirect(views: &Views, target: &str) -> String {
    let url = views.url(target);
    let permalink = views.permalink(target);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved to {url}</title>\n<link rel=\"canonical\" href=\"{permalink}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={url}\">\n</head>\n<body>\n<p>This page has moved to <a href=\"{url}\">{url}</a>.</p>\n</body>\n</html>\n",
        lang = xml_escape(&views.site.config.language),
        url = xml_escape(&url),
        permalink = xml_escape(&permalink),
    )
}

fn sitemap(site: &Site, views: &Views) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut entry = |path: &str, lastmod: Option<String>| {
        let _ = write!(
            out,
            "  <url><loc>{}</loc>",
            xml_escape(&views.permalink(path))
        );
        if let Some(d) = lastmod {
            let _ = write!(out, "<lastmod>{d}</lastmod>");
        }
        out.push_str("</url>\n");
    };
    for s in &site.sections {
        entry(&s.url, None);
    }
    for p in &site.pages {
        let d = p.meta.lastmod.as_ref().or(p.meta.date.as_ref());
        entry(&p.url, d.map(|d| d.rfc3339()));
    }
    for t in &site.taxonomies {
        entry(&t.url, None);
        for term in &t.terms {
            entry(&term.url, None);
        }
    }
    for pair in &views.records.pairs {
        entry(&pair.path, None);
    }
    out.push_str("</urlset>\n");
    out
}

/// RSS 2.0 feeds where Hugo writes them: `index.xml` of the home page, of every section, of
/// every taxonomy and of every term.
fn rss_feeds(site: &Site, views: &Views) -> Vec<(String, Vec<u8>)> {
    let mut out = vec![rss_home(site, views)];
    for s in 1..site.sections.len() {
        out.push(rss_section(site, views, s));
    }
    for t in &site.taxonomies {
        out.push(rss_file(
            site,
            views,
            format!(
                "{} on {}",
                crate::model::title_from_name(&t.name),
                site.config.title
            ),
            &t.url,
            Vec::new(),
        ));
        for term in &t.terms {
            out.push(rss_term(site, views, term));
        }
    }
    out
}

fn rss_home(site: &Site, views: &Views) -> (String, Vec<u8>) {
    let all = (0..site.pages.len()).collect();
    rss_file(site, views, site.config.title.clone(), "/", all)
}

fn rss_section(site: &Site, views: &Views, s: usize) -> (String, Vec<u8>) {
    let sec = &site.sections[s];
    let title = format!("{} on {}", sec.title, site.config.title);
    rss_file(site, views, title, &sec.url, pages_below(site, s))
}

fn rss_term(site: &Site, views: &Views, term: &crate::model::Term) -> (String, Vec<u8>) {
    let title = format!("{} on {}", term.name, site.config.title);
    rss_file(site, views, title, &term.url, term.pages.clone())
}

fn rss_file(
    site: &Site,
    views: &Views,
    title: String,
    path: &str,
    pages: Vec<usize>,
) -> (String, Vec<u8>) {
    (
        format!("{}index.xml", path.trim_start_matches('/')),
        rss(site, views, &title, path, pages).into_bytes(),
    )
}

/// The feeds that list page `i`, rendered afresh: the site's Atom feed and those of the
/// sections above it, and, with `rss`, the RSS feeds of the home page, those sections and its
/// terms — each only if the page is among its newest entries. After a save that changed only
/// the page's body, no other feed can differ.
pub fn feeds_of_page(site: &Site, views: &Views, i: usize) -> Vec<(String, Vec<u8>)> {
    let mut sections = Vec::new();
    let mut cur = Some(site.pages[i].section);
    while let Some(c) = cur {
        if c != 0 {
            sections.push(c);
        }
        cur = site.sections[c].parent;
    }
    let all = || 0..site.pages.len();
    let mut out = Vec::new();
    if in_newest(site, all(), i, true) {
        out.push(("atom.xml".to_string(), atom(site, views, None).into_bytes()));
    }
    if site.config.rss && in_newest(site, all(), i, false) {
        out.push(rss_home(site, views));
    }
    for &s in &sections {
        let sec = &site.sections[s];
        let below = pages_below(site, s);
        if !below.is_empty() && in_newest(site, below.iter().copied(), i, true) {
            out.push((
                format!("{}atom.xml", sec.url.trim_start_matches('/')),
                atom(site, views, Some(s)).into_bytes(),
            ));
        }
        if site.config.rss && in_newest(site, below.iter().copied(), i, false) {
            out.push(rss_section(site, views, s));
        }
    }
    if site.config.rss {
        for t in &site.taxonomies {
            for term in t.terms.iter().filter(|term| term.pages.contains(&i)) {
                if in_newest(site, term.pages.iter().copied(), i, false) {
                    out.push(rss_term(site, views, term));
                }
            }
        }
    }
    out
}

/// Whether page `i` is among the `feed_limit` first of `pages` in feed order (newest first,
/// then by title, then site order); `dated` leaves out undated pages, as Atom feeds do.
/// One pass, no sort: a save must not pay for sorting 10,000 pages to learn that an old page
/// is in no feed.
fn in_newest(site: &Site, pages: impl Iterator<Item = usize>, i: usize, dated: bool) -> bool {
    let p = &site.pages[i];
    let limit = site.config.feed_limit;
    if limit == 0 || (dated && p.meta.date.is_none()) {
        return false;
    }
    let mut ahead = 0;
    for j in pages.filter(|&j| j != i) {
        let q = &site.pages[j];
        if dated && q.meta.date.is_none() {
            continue;
        }
        let first = q
            .meta
            .date
            .cmp(&p.meta.date)
            .then_with(|| p.title.cmp(&q.title));
        if first.is_gt() || (first.is_eq() && j < i) {
            ahead += 1;
            if ahead >= limit {
                return false;
            }
        }
    }
    true
}

/// Pages of section `s` and of every section below it.
fn pages_below(site: &Site, s: usize) -> Vec<usize> {
    (0..site.pages.len())
        .filter(|&i| {
            let mut cur = Some(site.pages[i].section);
            while let Some(c) = cur {
                if c == s {
                    return true;
                }
                cur = site.sections[c].parent;
            }
            false
        })
        .collect()
}

/// One RSS 2.0 feed: the newest pages first, `feed_limit` of them.
fn rss(site: &Site, views: &Views, title: &str, path: &str, mut pages: Vec<usize>) -> String {
    pages.sort_by(|&a, &b| {
        site.pages[b]
            .meta
            .date
            .cmp(&site.pages[a].meta.date)
            .then_with(|| site.pages[a].title.cmp(&site.pages[b].title))
    });
    pages.truncate(site.config.feed_limit);
    // Not jiff::fmt::rfc2822: it writes the day unpadded ("1 Jun", not "01 Jun"), and a
    // Timestamp's offset as "-0000" (unknown) rather than "+0000".
    let rfc2822 = |d: &crate::parse::frontmatter::Date| {
        d.instant
            .strftime("%a, %d %b %Y %H:%M:%S +0000")
            .to_string()
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n  <channel>\n    <title>{title}</title>\n    <link>{link}</link>\n    <description>Recent content on {title}</description>\n    <generator>teambook</generator>\n    <language>{lang}</language>\n",
        title = xml_escape(title),
        link = xml_escape(&views.permalink(path)),
        lang = xml_escape(&site.config.language),
    );
    if let Some(d) = pages
        .first()
        .and_then(|&i| site.pages[i].meta.date.as_ref())
    {
        let _ = writeln!(out, "    <lastBuildDate>{}</lastBuildDate>", rfc2822(d));
    }
    let _ = writeln!(
        out,
        "    <atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>",
        xml_escape(&views.permalink(&format!("{path}index.xml")))
    );
    for i in pages {
        let p = &site.pages[i];
        let link = xml_escape(&views.permalink(&p.url));
        let _ = write!(
            out,
            "    <item>\n      <title>{}</title>\n      <link>{link}</link>\n      <guid>{link}</guid>\n",
            xml_escape(&p.title)
        );
        if let Some(d) = &p.meta.date {
            let _ = writeln!(out, "      <pubDate>{}</pubDate>", rfc2822(d));
        }
        if let Some(summary) = views.summary_of(i) {
            let _ = writeln!(
                out,
                "      <description>{}</description>",
                xml_escape(&summary)
            );
        }
        out.push_str("    </item>\n");
    }
    out.push_str("  </channel>\n</rss>\n");
    out
}

/// An Atom feed of the site (`None`) or of a section and everything below it.
fn atom(site: &Site, views: &Views, section: Option<usize>) -> String {
    let mut pages: Vec<usize> = match section {
        None => (0..site.pages.len()).collect(),
        Some(s) => (0..site.pages.len())
            .filter(|&i| {
                let mut cur = Some(site.pages[i].section);
                while let Some(c) = cur {
                    if c == s {
                        return true;
                    }
                    cur = site.sections[c].parent;
                }
                false
            })
            .collect(),
    };
    pages.retain(|&i| site.pages[i].meta.date.is_some());
    pages.sort_by(|&a, &b| {
        site.pages[b]
            .meta
            .date
            .cmp(&site.pages[a].meta.date)
            .then_with(|| site.pages[a].title.cmp(&site.pages[b].title))
    });
    pages.truncate(site.config.feed_limit);
    let (title, path) = match section {
        None => (site.config.title.clone(), "/".to_string()),
        Some(s) => (
            format!("{} — {}", site.sections[s].title, site.config.title),
            site.sections[s].url.clone(),
        ),
    };
    let updated = pages
        .first()
        .and_then(|&i| site.pages[i].meta.date.as_ref())
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |d| d.rfc3339());
    let mut out = String::new();
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n  <title>{title}</title>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"{self_url}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{home}\"/>\n  <updated>{updated}</updated>\n  <id>{home}</id>\n  <generator>teambook</generator>\n",
        lang = xml_escape(&site.config.language),
        title = xml_escape(&title),
        self_url = xml_escape(&views.permalink(&format!("{path}atom.xml"))),
        home = xml_escape(&views.permalink(&path)),
    );
    for i in pages {
        let p = &site.pages[i];
        let date = p
            .meta
            .date
            .as_ref()
            .map(|d| d.rfc3339())
            .unwrap_or_default();
        let updated = p
            .meta
            .lastmod
            .as_ref()
            .map_or(date.clone(), |d| d.rfc3339());
        let link = xml_escape(&views.permalink(&p.url));
        let _ = write!(
            out,
            "  <entry>\n    <title>{}</title>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{link}\"/>\n    <id>{link}</id>\n    <published>{date}</published>\n    <updated>{updated}</updated>\n",
            xml_escape(&p.title)
        );
        for a in &p.meta.authors {
            let _ = writeln!(out, "    <author><name>{}</name></author>", xml_escape(a));
        }
        if let Some(summary) = views.summary_of(i) {
            let _ = writeln!(
                out,
                "    <summary type=\"html\">{}</summary>",
                xml_escape(&summary)
            );
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}
