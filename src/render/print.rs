//! Stage 4c': the print page of a section (`<section>/print/`): every page below it, in order,
//! on one page, for printing or saving as PDF from the browser (mdBook's print page). A section
//! asks for it with `print: true` in its `_index.md`.
//!
//! Each page is rendered by `partials/print-article.html` (its content and its record's
//! fields), and the ids in it are prefixed with the page's own, so that two pages' "Review"
//! headings, or two sprints' charts, do not share an id on the print page.

use aho_corasick::AhoCorasick;
use serde::Serialize;

use crate::error::Error;
use crate::model::Site;
use crate::render::context::Views;
use crate::render::engine::Engine;
use crate::util::slug::urlize;

/// The template of print pages.
pub const TEMPLATE: &str = "print.html";

/// The article template: one page's content and record fields.
pub const ARTICLE: &str = "partials/print-article.html";

/// Whether section `s` has a print page: its `_index.md` says `print: true`.
pub fn wanted(site: &Site, s: usize) -> bool {
    site.sections[s]
        .meta
        .params
        .get("print")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false)
}

/// The site path of the print page of the section at `url`.
pub fn path(url: &str) -> String {
    format!("{url}print/")
}

/// One page (or subsection) on a print page.
#[derive(Debug, Serialize)]
pub struct Article {
    /// The anchor of the article on the print page.
    pub id: String,
    pub title: String,
    /// The page's own URL.
    pub url: String,
    /// 2 for the section's own pages, 3 below a subsection, and so on.
    pub level: usize,
    /// Whether it is a subsection's own text rather than a page.
    pub is_section: bool,
    /// The rendered article, ids prefixed.
    pub html: tera::Value,
}

/// The articles of section `s`: its pages in order, then each subsection's text and pages.
pub fn articles(
    site: &Site,
    engine: &Engine,
    views: &Views,
    s: usize,
) -> Result<Vec<Article>, Error> {
    let mut out = Vec::new();
    walk(site, engine, views, s, 2, &mut out)?;
    Ok(out)
}

fn walk(
    site: &Site,
    engine: &Engine,
    views: &Views,
    s: usize,
    level: usize,
    out: &mut Vec<Article>,
) -> Result<(), Error> {
    let sec = &site.sections[s];
    for &i in &sec.pages {
        let page = &site.pages[i];
        let id = format!("print-{}", urlize(page.url.trim_matches('/')));
        let mut ctx = tera::Context::new();
        ctx.insert("page", &views.page(i));
        if let Some(record) = views.records.of_page(site, i) {
            ctx.insert("record", record);
        }
        ctx.insert("level", &level);
        let html = engine.render(ARTICLE, &ctx)?;
        out.push(Article {
            title: page.title.clone(),
            url: views.url(&page.url),
            level,
            is_section: false,
            html: tera::Value::safe_string(&prefix_ids(&html, &id)),
            id,
        });
    }
    for &c in &sec.subsections {
        let child = &site.sections[c];
        let id = format!("print-{}", urlize(child.url.trim_matches('/')));
        let html = views.section_content(c);
        out.push(Article {
            title: child.title.clone(),
            url: views.url(&child.url),
            level,
            is_section: true,
            html: tera::Value::safe_string(&prefix_ids(html, &id)),
            id,
        });
        walk(site, engine, views, c, level + 1, out)?;
    }
    Ok(())
}

/// `html` with every id it defines, and every reference to one (`href="#…"`, `for`,
/// `aria-labelledby`, `aria-describedby`, `aria-controls`), prefixed with `prefix-`. Diagrams
/// are left as they are: their ids are unique in the site already, and their style and
/// arrowheads refer to them where this would not look (`#id` in CSS, `url(#id)`).
pub fn prefix_ids(html: &str, prefix: &str) -> String {
    const OPEN: &str = "<figure class=\"diagram\">";
    const CLOSE: &str = "</figure>";
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut rest = html;
    while let Some(at) = rest.find(OPEN) {
        let end = rest[at..]
            .find(CLOSE)
            .map_or(rest.len(), |e| at + e + CLOSE.len());
        out.push_str(&prefix_outside_diagrams(&rest[..at], prefix));
        out.push_str(&rest[at..end]);
        rest = &rest[end..];
    }
    out.push_str(&prefix_outside_diagrams(rest, prefix));
    out
}

fn prefix_outside_diagrams(html: &str, prefix: &str) -> String {
    const ATTRS: [&str; 6] = [
        " id=\"",
        " href=\"#",
        " for=\"",
        " aria-labelledby=\"",
        " aria-describedby=\"",
        " aria-controls=\"",
    ];
    static AC: std::sync::LazyLock<AhoCorasick> =
        std::sync::LazyLock::new(|| AhoCorasick::new(ATTRS).expect("fixed patterns"));
    let ac = &*AC;
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut last = 0;
    for m in ac.find_iter(html) {
        let start = m.end();
        let Some(len) = html[start..].find('"') else {
            break;
        };
        out.push_str(&html[last..start]);
        let value = &html[start..start + len];
        let list = value
            .split(' ')
            .filter(|v| !v.is_empty())
            .map(|v| format!("{prefix}-{v}"))
            .collect::<Vec<_>>()
            .join(" ");
        out.push_str(&list);
        last = start + len;
    }
    out.push_str(&html[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_every_reference_to_them_are_prefixed() {
        let html = r##"<h2 id="review">Review</h2><a href="#review">up</a><a href="/x/#y">out</a><svg aria-labelledby="c-title c-desc"><title id="c-title">T</title></svg><label for="q">Q</label><input id="q">"##;
        assert_eq!(
            prefix_ids(html, "p1"),
            r##"<h2 id="p1-review">Review</h2><a href="#p1-review">up</a><a href="/x/#y">out</a><svg aria-labelledby="p1-c-title p1-c-desc"><title id="p1-c-title">T</title></svg><label for="p1-q">Q</label><input id="p1-q">"##
        );
    }

    #[test]
    fn diagrams_keep_their_ids() {
        let html = r##"<p id="a">x</p><figure class="diagram"><svg id="diagram-1" aria-labelledby="chart-title-diagram-1"><style>#diagram-1 .node{}</style><path marker-end="url(#diagram-1_end)"/></svg></figure><p id="b">y</p>"##;
        assert_eq!(
            prefix_ids(html, "p2"),
            r##"<p id="p2-a">x</p><figure class="diagram"><svg id="diagram-1" aria-labelledby="chart-title-diagram-1"><style>#diagram-1 .node{}</style><path marker-end="url(#diagram-1_end)"/></svg></figure><p id="p2-b">y</p>"##
        );
    }
}
