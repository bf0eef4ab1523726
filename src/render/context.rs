//! Stage 4c: template contexts. In: the site model and rendered bodies. Out: serialisable views
//! (`page`, `section`, `paginator`, `taxonomy`, `term`, the site-wide globals), built by
//! reference so no page clones the whole site. The shape is documented in README.md.

use std::borrow::Cow;
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
    /// Who made the last commit, when `lastmod` comes from Git.
    pub updated_by: Option<&'a str>,
    /// `owner:` and `review_by:` from front matter, and whether the review date has passed.
    pub owner: Option<&'a str>,
    pub review_by: Option<&'a str>,
    pub review_due: bool,
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
    /// The record kind the section cascades to its pages (`sprint`, `role`, …), if any.
    pub kind: Option<&'a str>,
    /// The team it cascades to its sprints, if any.
    pub team: Option<&'a str>,
    /// Its print page (`print: true`), if any.
    pub print_url: Option<String>,
    // `pages` is added by [`Views::section`], from the shared page summaries.
}

#[derive(Serialize)]
pub struct SubsectionLink<'a> {
    pub title: &'a str,
    pub url: String,
    pub description: Option<&'a str>,
}

#[derive(Serialize)]
pub struct NavNode<'a> {
    pub title: Cow<'a, str>,
    pub url: String,
    pub weight: i64,
    pub is_section: bool,
    /// A link to more of a long section (earlier or later pages, its list), not a page.
    pub more: bool,
    pub children: Vec<NavNode<'a>>,
}

/// A section of at most this many pages lists them all in the sidebar.
pub const SIDEBAR_ALL: usize = 50;
/// A longer section lists, on each of its pages, the block of this many pages holding it.
pub const SIDEBAR_BLOCK: usize = 25;

/// Which pages of a section a sidebar lists.
pub enum Listing {
    None,
    All,
    /// Only a link to the section's list.
    Link,
    /// The pages of one block, with links to the blocks beside it and to the list.
    Block(usize),
}

/// The block of the sidebar a page of a section with `count` pages, at `position`, shows.
pub fn sidebar_block(count: usize, position: usize) -> usize {
    if count <= SIDEBAR_ALL {
        0
    } else {
        position / SIDEBAR_BLOCK
    }
}

/// How many sidebars a section of `count` pages has.
pub fn sidebar_blocks(count: usize) -> usize {
    if count <= SIDEBAR_ALL {
        1
    } else {
        count.div_ceil(SIDEBAR_BLOCK)
    }
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
                let tax_url = format!("/{}/", crate::util::slug::urlize(name));
                let links = terms
                    .iter()
                    .map(|t| TermLink {
                        name: t,
                        url: self.url(&format!("{tax_url}{}/", crate::util::slug::urlize(t))),
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
            updated_by: page.updated_by.as_deref(),
            owner: page
                .meta
                .params
                .get("owner")
                .and_then(serde_json::Value::as_str),
            review_by: page
                .meta
                .params
                .get("review_by")
                .and_then(serde_json::Value::as_str)
                .filter(|_| page.review_due.is_some()),
            review_due: page.review_due == Some(true),
        }
    }

    /// The `section` of a section's pager listing `page_slice`.
    /// The rendered text of section `s`'s `_index.md`.
    pub fn section_content(&self, s: usize) -> &'a str {
        &self.sections[s].html
    }

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
            kind: sec
                .meta
                .cascade
                .get("kind")
                .and_then(serde_json::Value::as_str),
            team: sec
                .meta
                .cascade
                .get("team")
                .and_then(serde_json::Value::as_str),
            print_url: crate::render::print::wanted(self.site, s)
                .then(|| self.url(&crate::render::print::path(&sec.url))),
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
        self.nav_children(0, &|_| Listing::All)
    }

    /// The section tree with pages listed only in the home section and in `open` and its
    /// ancestors: what a sidebar shows on the pages of `open`. A section of more than
    /// [`SIDEBAR_ALL`] pages lists only the [`SIDEBAR_BLOCK`] pages of block `block` when it
    /// is `open` (with links to the blocks before and after and to the section's own list),
    /// and only that list link when it is an ancestor: the sidebar stays small on any site.
    pub fn nav_open(&self, open: usize, block: usize) -> Vec<NavNode<'a>> {
        let mut path = vec![0];
        let mut cur = Some(open);
        while let Some(c) = cur {
            path.push(c);
            cur = self.site.sections[c].parent;
        }
        self.nav_children(0, &|s| {
            if !path.contains(&s) {
                Listing::None
            } else if self.site.sections[s].pages.len() <= SIDEBAR_ALL {
                Listing::All
            } else if s == open {
                Listing::Block(block)
            } else {
                Listing::Link
            }
        })
    }

    fn nav_children(&self, s: usize, show_pages: &dyn Fn(usize) -> Listing) -> Vec<NavNode<'a>> {
        let sec = &self.site.sections[s];
        let mut nodes: Vec<NavNode> = sec
            .subsections
            .iter()
            .map(|&c| {
                let child = &self.site.sections[c];
                NavNode {
                    title: Cow::Borrowed(&child.title),
                    url: self.url(&child.url),
                    weight: child.meta.weight,
                    is_section: true,
                    more: false,
                    children: self.nav_children(c, show_pages),
                }
            })
            .collect();
        let link = |title: String, page: Option<usize>| NavNode {
            title: Cow::Owned(title),
            url: self.url(page.map_or(&sec.url, |i| &self.site.pages[i].url)),
            weight: 0,
            is_section: false,
            more: true,
            children: Vec::new(),
        };
        let all = format!("All {} pages of {}", sec.pages.len(), sec.title);
        let (listed, before, after): (&[usize], Option<NavNode>, Vec<NavNode>) = match show_pages(s)
        {
            Listing::None => (&[], None, Vec::new()),
            Listing::All => (&sec.pages, None, Vec::new()),
            Listing::Link => (&[], None, vec![link(all, None)]),
            Listing::Block(b) => {
                let from = (b * SIDEBAR_BLOCK).min(sec.pages.len());
                let to = (from + SIDEBAR_BLOCK).min(sec.pages.len());
                let before = (b > 0).then(|| {
                    link(
                        "Earlier pages".into(),
                        Some(sec.pages[from - SIDEBAR_BLOCK]),
                    )
                });
                let mut after = Vec::new();
                if to < sec.pages.len() {
                    after.push(link("Later pages".into(), Some(sec.pages[to])));
                }
                after.push(link(all, None));
                (&sec.pages[from..to], before, after)
            }
        };
        let pages = before
            .into_iter()
            .chain(listed.iter().map(|&i| {
                let p = &self.site.pages[i];
                NavNode {
                    title: Cow::Borrowed(&p.title),
                    url: self.url(&p.url),
                    weight: p.meta.weight,
                    is_section: false,
                    more: false,
                    children: Vec::new(),
                }
            }))
            .chain(after);
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
