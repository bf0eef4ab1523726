//! Stage 4e: glossary links. In: a rendered body and the site's terms. Out: the body with the
//! first mention of each term (or synonym) in running text linked to its entry, the one-line
//! definition as its tooltip; headings, code, links and other markup are left alone.

use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, StartKind};

use crate::util::escape::xml_escape;

/// A term as the linker needs it: the words that mean it (lowercase), its URL and definition.
#[derive(Debug, Clone)]
pub struct TermLink {
    pub words: Vec<String>,
    pub url: String,
    pub short: String,
}

/// The site's terms with an automaton over all their words, built once per build.
pub struct Terms {
    links: Vec<TermLink>,
    /// Every distinct non-empty word, leftmost-longest, also searchable anchored at a start.
    words: AhoCorasick,
    /// For each word (by pattern id), the terms it names, in term order.
    owners: Vec<Vec<usize>>,
}

impl Terms {
    pub fn new(links: Vec<TermLink>) -> Terms {
        let mut patterns: Vec<&str> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        let mut ids = std::collections::HashMap::new();
        for (ti, term) in links.iter().enumerate() {
            for w in term.words.iter().filter(|w| !w.is_empty()) {
                let id = *ids.entry(w.as_str()).or_insert_with(|| {
                    patterns.push(w);
                    owners.push(Vec::new());
                    owners.len() - 1
                });
                if owners[id].last() != Some(&ti) {
                    owners[id].push(ti);
                }
            }
        }
        // Not ascii_case_insensitive: words and text are both lowercased (Unicode), as before.
        let words = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Both)
            .build(&patterns)
            .expect("glossary words fit in an automaton");
        Terms {
            links,
            words,
            owners,
        }
    }

    /// The first pending term named by the longest word at `start` that ends at a word end,
    /// and that end; `m` is the longest word there. Shorter words are tried when it fails.
    fn longest_at(
        &self,
        lower: &str,
        start: usize,
        mut m: aho_corasick::Match,
        pending: &[bool],
    ) -> Option<(usize, usize)> {
        let is_word = |c: char| c.is_alphanumeric() || c == '_';
        loop {
            let e = m.end();
            if !lower[e..].chars().next().is_some_and(is_word) {
                let owner = self.owners[m.pattern()].iter().find(|&&t| pending[t]);
                if let Some(&ti) = owner {
                    return Some((ti, e));
                }
            }
            // The next shorter word starting here.
            let shorter = Input::new(lower).span(start..e - 1).anchored(Anchored::Yes);
            m = self.words.find(shorter)?;
        }
    }
}

/// Elements whose text is never linked.
const SKIP: &[&str] = &[
    "a", "code", "pre", "kbd", "samp", "script", "style", "h1", "h2", "h3", "h4", "h5", "h6",
    "abbr", "dfn", "button", "svg", "title", "textarea", "select", "option", "dt",
];

/// Links the first mention of each term in `html`. `skip_url`: the page's own term, if any.
pub fn link_terms(html: &str, terms: &Terms, skip_url: Option<&str>) -> String {
    let mut pending: Vec<bool> = terms
        .links
        .iter()
        .map(|t| Some(t.url.as_str()) != skip_url)
        .collect();
    let mut left = pending.iter().filter(|&&p| p).count();
    if left == 0 {
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
        if !skip_depth.is_empty() || left == 0 {
            out.push_str(text);
            continue;
        }
        out.push_str(&link_text(text, terms, &mut pending, &mut left));
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
/// at each word start the longest pending word that matches a whole word wins.
fn link_text(text: &str, terms: &Terms, pending: &mut [bool], left: &mut usize) -> String {
    let lower = text.to_lowercase();
    let same_lengths =
        |c: char| c.to_lowercase().map(char::len_utf8).sum::<usize>() == c.len_utf8();
    if lower.len() != text.len() || !(text.is_ascii() || text.chars().all(same_lengths)) {
        // Lowercasing changed byte lengths (rare scripts), so offsets in `lower` are not
        // offsets in `text`: leave the text as it is.
        return text.to_string();
    }
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::new();
    let mut copied = 0;
    let mut at = 0;
    while let Some(m) = terms.words.find(Input::new(&lower).span(at..lower.len())) {
        let i = m.start();
        let c = lower[i..].chars().next().unwrap_or_default();
        let word_start = is_word(c) && !lower[..i].chars().next_back().is_some_and(is_word);
        let Some((ti, e)) = word_start
            .then(|| terms.longest_at(&lower, i, m, pending))
            .flatten()
        else {
            at = i + c.len_utf8();
            continue;
        };
        pending[ti] = false;
        *left -= 1;
        let term = &terms.links[ti];
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
        at = e;
        if *left == 0 {
            break;
        }
    }
    if copied == 0 {
        return text.to_string();
    }
    out.push_str(&text[copied..]);
    out
}

/// The site's terms and the sections holding them, for linking bodies one by one.
pub struct Glossary {
    terms: Terms,
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
        let terms = Terms::new(terms);
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
        if self.terms.links.is_empty() || opted_out(&page.meta) {
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
        if self.terms.links.is_empty()
            || opted_out(&site.sections[s].meta)
            || self.sections.contains(&s)
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
    if glossary.terms.links.is_empty() {
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

    fn pod() -> Terms {
        Terms::new(vec![
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
        ])
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

    fn term(word: &str, slug: &str) -> TermLink {
        TermLink {
            words: vec![word.into()],
            url: format!("/glossary/{slug}/"),
            short: slug.into(),
        }
    }

    fn a(slug: &str, text: &str) -> String {
        format!("<a class=\"term-link\" href=\"/glossary/{slug}/\" title=\"{slug}\">{text}</a>")
    }

    #[test]
    fn the_longest_whole_word_wins_where_terms_overlap() {
        let terms = Terms::new(vec![term("control", "c"), term("control plane", "cp")]);
        let out = link_terms("<p>The Control Plane runs control loops.</p>", &terms, None);
        let want = format!(
            "<p>The {} runs {} loops.</p>",
            a("cp", "Control Plane"),
            a("c", "control")
        );
        assert_eq!(out, want);
        // "control plane" is not a whole word in "control planes": "control" is.
        let out = link_terms(
            "<p>Two control planes, one control plane.</p>",
            &terms,
            None,
        );
        let want = format!(
            "<p>Two {} planes, one {}.</p>",
            a("c", "control"),
            a("cp", "control plane")
        );
        assert_eq!(out, want);
        // Once linked, "control plane" no longer hides the "plane" inside it.
        let terms = Terms::new(vec![term("control plane", "cp"), term("plane", "p")]);
        let out = link_terms("<p>A control plane; a control plane.</p>", &terms, None);
        let want = format!(
            "<p>A {}; a control {}.</p>",
            a("cp", "control plane"),
            a("p", "plane")
        );
        assert_eq!(out, want);
    }

    #[test]
    fn text_whose_lowercase_moves_offsets_is_left_alone() {
        // "İ" grows by a byte when lowercased and the Kelvin sign "K" shrinks by two: the
        // lengths add up but the offsets do not (this used to panic).
        let terms = Terms::new(vec![term("pod", "p")]);
        let html = "<p>İİ\u{212A} pod</p>";
        assert_eq!(link_terms(html, &terms, None), html);
        let html = "<p>İ pod</p>";
        assert_eq!(link_terms(html, &terms, None), html);
        let out = link_terms("<p>Ünïcödé pod</p>", &terms, None);
        assert_eq!(out, format!("<p>Ünïcödé {}</p>", a("p", "pod")));
    }

    #[test]
    fn a_term_is_not_linked_on_its_own_page() {
        let out = link_terms("<p>A pod.</p>", &pod(), Some("/glossary/pod/"));
        assert_eq!(out, "<p>A pod.</p>");
    }
}
