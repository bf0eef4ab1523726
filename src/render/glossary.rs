//! Stage 4e: glossary links. In: a rendered body and the site's terms. Out: the body with the
//! first mention of each term (or synonym) in running text linked to its entry, the one-line
//! definition as its tooltip; headings, code, links and other markup are left alone.

use crate::render::feeds::xml_escape;

/// A term as the linker needs it: the words that mean it (lowercase), its URL and definition.
#[derive(Debug, Clone)]
pub struct TermLink {
    pub words: Vec<String>,
    pub url: String,
    pub short: String,
}

/// Elements whose text is never linked.
const SKIP: &[&str] = &[
    "a", "code", "pre", "kbd", "samp", "script", "style", "h1", "h2", "h3", "h4", "h5", "h6",
    "abbr", "dfn", "button", "svg", "title", "textarea", "select", "option", "dt",
];

/// Links the first mention of each term in `html`. `skip_url`: the page's own term, if any.
pub fn link_terms(html: &str, terms: &[TermLink], skip_url: Option<&str>) -> String {
    let mut pending: Vec<&TermLink> = terms
        .iter()
        .filter(|t| Some(t.url.as_str()) != skip_url)
        .collect();
    if pending.is_empty() {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len() + 256);
    let mut skip_depth: Vec<String> = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            let tag = &rest[..end];
            track(tag, &mut skip_depth);
            out.push_str(tag);
            rest = &rest[end..];
            continue;
        }
        let end = rest.find('<').unwrap_or(rest.len());
        let text = &rest[..end];
        rest = &rest[end..];
        if !skip_depth.is_empty() || pending.is_empty() {
            out.push_str(text);
            continue;
        }
        out.push_str(&link_text(text, &mut pending));
    }
    out
}

fn track(tag: &str, stack: &mut Vec<String>) {
    if tag.starts_with("<!") || tag.starts_with("<?") || tag.ends_with("/>") {
        return;
    }
    let closing = tag.starts_with("</");
    let name: String = tag
        .trim_start_matches("</")
        .trim_start_matches('<')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    if !SKIP.contains(&name.as_str()) {
        return;
    }
    if closing {
        if let Some(i) = stack.iter().rposition(|n| *n == name) {
            stack.truncate(i);
        }
    } else {
        stack.push(name);
    }
}

/// Links terms in one text node; each linked term leaves `pending`. One left-to-right pass:
/// at each word start the longest pending word that matches wins.
fn link_text(text: &str, pending: &mut Vec<&TermLink>) -> String {
    let lower = text.to_lowercase();
    if lower.len() != text.len() {
        // Lowercasing changed byte lengths (rare scripts): leave the text as it is.
        return text.to_string();
    }
    let bytes = lower.as_bytes();
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    let mut prev_word = false;
    while i < lower.len() {
        let Some(c) = lower[i..].chars().next() else {
            break;
        };
        if !prev_word && is_word(c) {
            let mut best: Option<(usize, usize)> = None;
            for (ti, term) in pending.iter().enumerate() {
                for w in &term.words {
                    let e = i + w.len();
                    if w.is_empty()
                        || bytes[i] != w.as_bytes()[0]
                        || !lower[i..].starts_with(w.as_str())
                        || lower[e..].chars().next().is_some_and(is_word)
                    {
                        continue;
                    }
                    if best.is_none_or(|(_, be)| e > be) {
                        best = Some((ti, e));
                    }
                }
            }
            if let Some((ti, e)) = best {
                let term = pending.remove(ti);
                if out.is_empty() {
                    out.reserve(text.len() + 128);
                }
                out.push_str(&text[copied..i]);
                out.push_str(&format!(
                    "<a class=\"term-link\" href=\"{}\" title=\"{}\">{}</a>",
                    xml_escape(&term.url),
                    xml_escape(&term.short),
                    &text[i..e]
                ));
                copied = e;
                i = e;
                prev_word = true;
                if pending.is_empty() {
                    break;
                }
                continue;
            }
        }
        prev_word = is_word(c);
        i += c.len_utf8();
    }
    if copied == 0 {
        return text.to_string();
    }
    out.push_str(&text[copied..]);
    out
}

/// The site's terms and the sections holding them, for linking bodies one by one.
pub struct Glossary {
    terms: Vec<TermLink>,
    /// A section holding terms is the glossary itself: no links to its own entries.
    sections: Vec<usize>,
}

impl Glossary {
    pub fn new(site: &crate::model::Site) -> Glossary {
        let terms = site
            .records
            .of_kind("term")
            .map(|r| {
                let mut words = vec![r.title.to_lowercase()];
                if let Some(list) = r.fields.get("synonyms").and_then(|v| v.as_array()) {
                    words.extend(
                        list.iter()
                            .filter_map(|v| v.as_str())
                            .map(str::to_lowercase),
                    );
                }
                TermLink {
                    words,
                    url: crate::model::url::with_base(&site.base_path, &site.pages[r.page].url),
                    short: r.text("short").unwrap_or_default().to_string(),
                }
            })
            .collect();
        let sections = site
            .records
            .of_kind("term")
            .map(|r| site.pages[r.page].section)
            .collect();
        Glossary { terms, sections }
    }

    /// Links terms in the body of page `i`, unless it opts out or is the A–Z index; a term's
    /// own page does not link to itself.
    pub fn link_page(
        &self,
        site: &crate::model::Site,
        i: usize,
        c: &mut crate::render::content::Content,
    ) {
        let page = &site.pages[i];
        if self.terms.is_empty() || opted_out(&page.meta) {
            return;
        }
        let own = site
            .records
            .by_page
            .get(&i)
            .filter(|&&r| site.records.list[r].kind.name == "term")
            .map(|_| crate::model::url::with_base(&site.base_path, &page.url));
        self.relink(c, own.as_deref());
    }

    /// Links terms in the body of section `s`, unless it opts out or holds the terms.
    pub fn link_section(
        &self,
        site: &crate::model::Site,
        s: usize,
        c: &mut crate::render::content::Content,
    ) {
        if self.terms.is_empty() || opted_out(&site.sections[s].meta) || self.sections.contains(&s)
        {
            return;
        }
        self.relink(c, None);
    }

    fn relink(&self, c: &mut crate::render::content::Content, own: Option<&str>) {
        if c.html.contains("class=\"glossary-index\"") {
            return;
        }
        c.html = link_terms(&c.html, &self.terms, own);
    }
}

fn opted_out(meta: &crate::parse::frontmatter::FrontMatter) -> bool {
    meta.params.get("glossary") == Some(&serde_json::Value::Bool(false))
}

/// Links terms in every page and section body, except on pages that opt out with
/// `glossary: false`, on a term's own page and on pages holding the A–Z glossary.
pub fn apply(
    site: &crate::model::Site,
    glossary: &Glossary,
    pages: &mut [crate::render::content::Content],
    sections: &mut [crate::render::content::Content],
) {
    use rayon::prelude::*;
    if glossary.terms.is_empty() {
        return;
    }
    pages
        .par_iter_mut()
        .enumerate()
        .for_each(|(i, c)| glossary.link_page(site, i, c));
    sections
        .par_iter_mut()
        .enumerate()
        .for_each(|(s, c)| glossary.link_section(site, s, c));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod() -> Vec<TermLink> {
        vec![
            TermLink {
                words: vec!["pod".into(), "pods".into()],
                url: "/glossary/pod/".into(),
                short: "The smallest unit \"Kubernetes\" runs.".into(),
            },
            TermLink {
                words: vec!["node".into()],
                url: "/glossary/node/".into(),
                short: "A machine.".into(),
            },
        ]
    }

    #[test]
    fn first_mention_only_and_whole_words() {
        let out = link_terms(
            "<p>Podcasts aside, Pods run on a node. A pod again.</p>",
            &pod(),
            None,
        );
        assert_eq!(
            out,
            "<p>Podcasts aside, <a class=\"term-link\" href=\"/glossary/pod/\" title=\"The smallest unit &quot;Kubernetes&quot; runs.\">Pods</a> run on a <a class=\"term-link\" href=\"/glossary/node/\" title=\"A machine.\">node</a>. A pod again.</p>"
        );
    }

    #[test]
    fn never_in_headings_code_or_links() {
        let html = "<h2 id=\"pod\">Pod</h2><p><code>pod</code> <a href=\"/x/\">a pod</a></p><pre><code>pod\n</code></pre><p>The pod.</p>";
        let out = link_terms(html, &pod(), None);
        assert!(out.starts_with(
            "<h2 id=\"pod\">Pod</h2><p><code>pod</code> <a href=\"/x/\">a pod</a></p><pre><code>pod\n</code></pre><p>The <a class=\"term-link\""
        ), "{out}");
    }

    #[test]
    fn a_term_is_not_linked_on_its_own_page() {
        let out = link_terms("<p>A pod.</p>", &pod(), Some("/glossary/pod/"));
        assert_eq!(out, "<p>A pod.</p>");
    }
}
