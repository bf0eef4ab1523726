//! Stage 4c: template contexts. In: the site model and rendered bodies. Out: serialisable views
//! (`page`, `section`, `paginator`, `taxonomy`, `term`, the site-wide globals), built by
//! reference so no page clones the whole site. The shape is documented in README.md.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Serialize;

use crate::model::url::with_base;
use crate::model::{Page, Section, Site, day};
use crate::parse::markdown::TocEntry;
use crate::render::content::{Content, first_paragraph};

#[derive(Serialize)]
pub struct Link<'a> {
    pub title: &'a str,
    pub url: String,
}

#[derive(Serialize)]
pub struct TermLink<'a> {
    pub name: &'a str,
    pub url: String,
}

#[derive(Serialize)]
pub struct PageSummary<'a> {
    pub title: &'a str,
    pub url: String,
    pub permalink: String,
    pub date: Option<&'a str>,
    pub description: Option<&'a str>,
    pub summary: Option<String>,
    pub reading_time: usize,
    pub word_count: usize,
    pub taxonomies: BTreeMap<&'a str, Vec<TermLink<'a>>>,
    pub params: &'a serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
pub struct PageView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub date: Option<&'a str>,
    pub lastmod: Option<&'a str>,
    pub url: String,
    pub permalink: String,
    pub content: &'a str,
    pub summary: Option<String>,
    pub toc: &'a [TocEntry],
    pub word_count: usize,
    pub reading_time: usize,
    pub taxonomies: BTreeMap<&'a str, Vec<TermLink<'a>>>,
    pub params: &'a serde_json::Map<String, serde_json::Value>,
    pub authors: &'a [String],
    pub slug: String,
    pub weight: i64,
    pub draft: bool,
    pub ancestors: Vec<Link<'a>>,
    pub prev: Option<Link<'a>>,
    pub next: Option<Link<'a>>,
    pub edit_url: Option<String>,
    pub source_path: String,
}

#[derive(Serialize)]
pub struct SectionView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub url: String,
    pub permalink: String,
    pub content: &'a str,
    pub toc: &'a [TocEntry],
    pub ancestors: Vec<Link<'a>>,
    pub params: &'a serde_json::Map<String, serde_json::Value>,
    pub edit_url: Option<String>,
    pub subsections: Vec<SubsectionLink<'a>>,
    // `pages` is added by [`Views::section`], from the shared page summaries.
}

#[derive(Serialize)]
pub struct SubsectionLink<'a> {
    pub title: &'a str,
    pub url: String,
    pub description: Option<&'a str>,
}

#[derive(Serialize)]
pub struct Pager {
    pub number: usize,
    pub url: String,
}

#[derive(Serialize)]
pub struct NavNode<'a> {
    pub title: &'a str,
    pub url: String,
    pub weight: i64,
    pub is_section: bool,
    pub children: Vec<NavNode<'a>>,
}

/// The `site` variable of every template.
#[derive(Serialize)]
pub struct SiteGlobals<'a> {
    pub nav: Vec<NavNode<'a>>,
    pub taxonomies: Vec<TermLink<'a>>,
    pub generator: &'static str,
}

/// Builds views of a site once its bodies are rendered.
pub struct Views<'a> {
    pub site: &'a Site,
    pub pages: &'a [Content],
    pub sections: &'a [Content],
    pub records: &'a crate::render::records::RecordViews,
    /// Each page's summary as a template value, made the first time a list needs it and then
    /// shared (values are reference-counted) by every list that shows the page: sections,
    /// their pagers, and each of the page's terms.
    summaries: Vec<OnceLock<tera::Value>>,
}

/// `view` as a template value, with `key` set to `items`, which are shared, not copied.
pub fn with_list(view: &impl Serialize, key: &'static str, items: Vec<tera::Value>) -> tera::Value {
    let mut map = tera::Value::from_serializable(view)
        .into_map()
        .unwrap_or_default();
    map.insert(key.into(), items.into());
    map.into()
}

impl<'a> Views<'a> {
    pub fn new(
        site: &'a Site,
        pages: &'a [Content],
        sections: &'a [Content],
        records: &'a crate::render::records::RecordViews,
    ) -> Views<'a> {
        Views {
            site,
            pages,
            sections,
            records,
            summaries: (0..site.pages.len()).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The summary of page `i` as a template value, made once per build.
    pub fn summary_value(&self, i: usize) -> tera::Value {
        self.summaries[i]
            .get_or_init(|| tera::Value::from_serializable(&self.page_summary(i)))
            .clone()
    }

    pub fn site_globals(&self, nav: Vec<NavNode<'a>>) -> SiteGlobals<'a> {
        SiteGlobals {
            nav,
            taxonomies: self
                .site
                .taxonomies
                .iter()
                .map(|t| TermLink {
                    name: &t.name,
                    url: self.url(&t.url),
                })
                .collect(),
            generator: concat!("teambook ", env!("CARGO_PKG_VERSION")),
        }
    }

    pub fn url(&self, site_path: &str) -> String {
        with_base(&self.site.base_path, site_path)
    }

    pub fn permalink(&self, site_path: &str) -> String {
        format!(
            "{}{}",
            self.site.config.base_url.trim_end_matches('/'),
            site_path
        )
    }

    fn edit_url(&self, source: Option<&std::path::Path>) -> Option<String> {
        let repo = self.site.config.repo_url.as_deref()?;
        let source = source?;
        let rel = source.strip_prefix("content").unwrap_or(source);
        let edit = self
            .site
            .config
            .edit_path
            .as_deref()
            .unwrap_or("edit/main/content");
        Some(format!(
            "{}/{}/{}",
            repo.trim_end_matches('/'),
            edit.trim_matches('/'),
            crate::load::slash_path(rel)
        ))
    }

    fn taxonomies(&self, page: &'a Page) -> BTreeMap<&'a str, Vec<TermLink<'a>>> {
        page.meta
            .taxonomies
            .iter()
            .map(|(name, terms)| {
                let tax_url = format!("/{}/", crate::model::url::urlize(name));
                let links = terms
                    .iter()
                    .map(|t| TermLink {
                        name: t,
                        url: self.url(&format!("{tax_url}{}/", crate::model::url::urlize(t))),
                    })
                    .collect();
                (name.as_str(), links)
            })
            .collect()
    }

    pub fn ancestors(&self, mut section: Option<usize>) -> Vec<Link<'a>> {
        let mut out = Vec::new();
        while let Some(s) = section {
            let sec = &self.site.sections[s];
            out.push(Link {
                title: &sec.title,
                url: self.url(&sec.url),
            });
            section = sec.parent;
        }
        out.reverse();
        out
    }

    pub fn summary_of(&self, i: usize) -> Option<String> {
        let page = &self.site.pages[i];
        let content = &self.pages[i];
        content
            .summary_html
            .clone()
            .or_else(|| {
                page.meta
                    .summary
                    .as_ref()
                    .map(|s| format!("<p>{}</p>", crate::util::escape::xml_escape(s)))
            })
            .or_else(|| first_paragraph(&content.html))
    }

    pub fn page_summary(&self, i: usize) -> PageSummary<'a> {
        let page = &self.site.pages[i];
        let content = &self.pages[i];
        PageSummary {
            title: &page.title,
            url: self.url(&page.url),
            permalink: self.permalink(&page.url),
            date: day(&page.meta.date),
            description: page.meta.description.as_deref(),
            summary: self.summary_of(i),
            reading_time: content.reading_time(),
            word_count: content.word_count,
            taxonomies: self.taxonomies(page),
            params: &page.meta.params,
        }
    }

    pub fn page(&self, i: usize) -> PageView<'a> {
        let page = &self.site.pages[i];
        let content = &self.pages[i];
        let link = |j: Option<usize>| {
            j.map(|j| Link {
                title: &self.site.pages[j].title,
                url: self.url(&self.site.pages[j].url),
            })
        };
        PageView {
            title: &page.title,
            description: page.meta.description.as_deref(),
            date: day(&page.meta.date),
            lastmod: day(&page.meta.lastmod),
            url: self.url(&page.url),
            permalink: self.permalink(&page.url),
            content: &content.html,
            summary: self.summary_of(i),
            toc: &content.toc,
            word_count: content.word_count,
            reading_time: content.reading_time(),
            taxonomies: self.taxonomies(page),
            params: &page.meta.params,
            authors: &page.meta.authors,
            slug: page
                .url
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string(),
            weight: page.meta.weight,
            draft: page.meta.draft,
            ancestors: self.ancestors(Some(page.section)),
            prev: link(page.prev),
            next: link(page.next),
            edit_url: self.edit_url(Some(&page.path)),
            source_path: crate::load::slash_path(&page.path),
        }
    }

    /// The `section` of a section's pager listing `page_slice`.
    pub fn section(&self, s: usize, page_slice: &[usize]) -> tera::Value {
        let pages = page_slice.iter().map(|&i| self.summary_value(i)).collect();
        with_list(&self.section_view(s), "pages", pages)
    }

    fn section_view(&self, s: usize) -> SectionView<'a> {
        let sec: &'a Section = &self.site.sections[s];
        let content = &self.sections[s];
        SectionView {
            title: &sec.title,
            description: sec.meta.description.as_deref(),
            url: self.url(&sec.url),
            permalink: self.permalink(&sec.url),
            content: &content.html,
            toc: &content.toc,
            ancestors: self.ancestors(sec.parent),
            params: &sec.meta.params,
            edit_url: self.edit_url(sec.path.as_deref()),
            subsections: sec
                .subsections
                .iter()
                .map(|&c| {
                    let child = &self.site.sections[c];
                    SubsectionLink {
                        title: &child.title,
                        url: self.url(&child.url),
                        description: child.meta.description.as_deref(),
                    }
                })
                .collect(),
        }
    }

    /// The section tree of the whole site, for navigation; built once per build.
    pub fn nav(&self) -> Vec<NavNode<'a>> {
        self.nav_children(0, &|_| true)
    }

    /// The section tree with pages listed only in the home section and in `open` and its
    /// ancestors: what a sidebar shows on the pages of `open`, small even on huge sites.
    pub fn nav_open(&self, open: usize) -> Vec<NavNode<'a>> {
        let mut path = vec![0];
        let mut cur = Some(open);
        while let Some(c) = cur {
            path.push(c);
            cur = self.site.sections[c].parent;
        }
        self.nav_children(0, &|s| path.contains(&s))
    }

    fn nav_children(&self, s: usize, show_pages: &dyn Fn(usize) -> bool) -> Vec<NavNode<'a>> {
        let sec = &self.site.sections[s];
        let mut nodes: Vec<NavNode> = sec
            .subsections
            .iter()
            .map(|&c| {
                let child = &self.site.sections[c];
                NavNode {
                    title: &child.title,
                    url: self.url(&child.url),
                    weight: child.meta.weight,
                    is_section: true,
                    children: self.nav_children(c, show_pages),
                }
            })
            .collect();
        let listed: &[usize] = if show_pages(s) { &sec.pages } else { &[] };
        let pages = listed.iter().map(|&i| {
            let p = &self.site.pages[i];
            NavNode {
                title: &p.title,
                url: self.url(&p.url),
                weight: p.meta.weight,
                is_section: false,
                children: Vec::new(),
            }
        });
        if s == 0 {
            nodes.splice(0..0, pages);
        } else {
            let mut all: Vec<NavNode> = pages.collect();
            all.extend(nodes);
            nodes = all;
        }
        nodes
    }
}

/// Pager URLs: the first pager is the section itself, then `page/2/`, `page/3/`…
pub fn pager_path(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

/// The links to every pager of a list at site path `base` with `total` pagers, built once per
/// list and shared by its pagers: each pager lists them all, so building them per pager made a
/// term with thousands of pagers quadratic (perf, 100,000 pages).
pub fn pager_links(views: &Views, base: &str, total: usize) -> tera::Value {
    (1..=total)
        .map(|k| {
            tera::Value::from_serializable(&Pager {
                number: k,
                url: views.url(&pager_path(base, k)),
            })
        })
        .collect::<Vec<tera::Value>>()
        .into()
}

/// The paginator of pager `n` (1-based) of `total`, for a list at site path `base` whose
/// [`pager_links`] are `links`: `current`, `total`, `prev_url`, `next_url`, `pagers`.
pub fn paginator(
    views: &Views,
    base: &str,
    n: usize,
    total: usize,
    links: &tera::Value,
) -> Option<tera::Value> {
    if total <= 1 {
        return None;
    }
    let mut map: std::collections::BTreeMap<&'static str, tera::Value> = Default::default();
    map.insert("current", n.into());
    map.insert("total", total.into());
    map.insert(
        "prev_url",
        (n > 1).then(|| views.url(&pager_path(base, n - 1))).into(),
    );
    map.insert(
        "next_url",
        (n < total)
            .then(|| views.url(&pager_path(base, n + 1)))
            .into(),
    );
    map.insert("pagers", links.clone());
    map.insert("nearby", nearby(n, total, links).into());
    Some(map.into())
}

/// How many pagers on each side of the current one [`nearby`] shows.
const NEARBY: usize = 2;

/// The pager links worth showing on pager `n` of `total`: the first, the last, and those
/// within [`NEARBY`] of `n`, each with `gap` when numbers were left out before it. A list of
/// every pager on every pager grows with the square of the list (at 100,000 pages, 1.2 GB of
/// category pagers), and no reader scans a thousand numbers.
fn nearby(n: usize, total: usize, links: &tera::Value) -> Vec<tera::Value> {
    let all = links.as_array().unwrap_or_default();
    let mut numbers: Vec<usize> = (n.saturating_sub(NEARBY)..=n + NEARBY)
        .chain([1, total])
        .filter(|k| (1..=total).contains(k))
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    let mut shown = Vec::new();
    let mut last = 0;
    for k in numbers {
        let Some(link) = all.get(k - 1).and_then(|l| l.as_map()) else {
            continue;
        };
        let mut item = link.clone();
        item.insert("gap".into(), (k > last + 1).into());
        shown.push(item.into());
        last = k;
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagers_of_a_list_share_one_list_of_links() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("teambook.yaml"),
            "title: T\nbase_url: https://example.org/hb/\n",
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        let (config, _) = crate::load::site_config(dir.path()).unwrap();
        let sources = crate::load::load(dir.path(), config.clone()).unwrap();
        let include = crate::model::Include {
            drafts: false,
            future: false,
            now: jiff::Timestamp::now(),
        };
        let site = crate::model::assemble(config, sources.content.clone(), include).unwrap();
        let records = crate::render::records::RecordViews::default();
        let views = Views::new(&site, &[], &[], &records);
        let links = pager_links(&views, "/blog/", 3);
        assert!(paginator(&views, "/blog/", 1, 1, &links).is_none());
        let second = paginator(&views, "/blog/", 2, 3, &links).unwrap();
        let third = paginator(&views, "/blog/", 3, 3, &links).unwrap();
        let map = second.as_map().unwrap();
        let nearby = |p: &tera::Value| -> Vec<(u64, bool)> {
            p.as_map().unwrap()[&tera::value::Key::from("nearby")]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| {
                    let l = l.as_map().unwrap();
                    let number = l[&tera::value::Key::from("number")].as_u64().unwrap();
                    (number, l[&tera::value::Key::from("gap")].as_bool().unwrap())
                })
                .collect()
        };
        assert_eq!(nearby(&second), [(1, false), (2, false), (3, false)]);
        let links = pager_links(&views, "/blog/", 20);
        let tenth = paginator(&views, "/blog/", 10, 20, &links).unwrap();
        let expected = [
            (1, false),
            (8, true),
            (9, false),
            (10, false),
            (11, false),
            (12, false),
            (20, true),
        ];
        assert_eq!(nearby(&tenth), expected);
        let last = paginator(&views, "/blog/", 20, 20, &links).unwrap();
        assert_eq!(
            nearby(&last),
            [(1, false), (18, true), (19, false), (20, false)]
        );
        let get = |k: &'static str| map.get(&tera::value::Key::from(k)).unwrap().to_string();
        assert_eq!(get("current"), "2");
        assert_eq!(get("total"), "3");
        assert_eq!(get("prev_url"), "/hb/blog/");
        assert_eq!(get("next_url"), "/hb/blog/page/3/");
        let pagers = |p: &tera::Value| {
            p.as_map().unwrap()[&tera::value::Key::from("pagers")]
                .as_array()
                .unwrap()
                .as_ptr()
        };
        assert_eq!(pagers(&second), pagers(&third), "pagers rebuilt per pager");
        assert_eq!(
            second.as_map().unwrap()[&tera::value::Key::from("pagers")]
                .as_array()
                .unwrap()
                .len(),
            3
        );
        let last = third.as_map().unwrap();
        assert!(last[&tera::value::Key::from("next_url")].is_none());
    }
}
