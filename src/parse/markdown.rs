//! Stage 2 (parse): Markdown body to HTML.
//! In: a page body (front matter already removed), options, a highlighter and a link resolver;
//! out: [`Rendered`] — HTML, summary, table of contents, heading ids, word count, links.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag,
    TagEnd,
};
use serde::{Deserialize, Serialize};

use super::diagram;
use super::highlight::Highlighter;
use crate::util::escape::escape_html;

/// Switches from the site's `markdown` settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkdownOptions {
    /// Curly quotes, en and em dashes, ellipses.
    pub smart_punctuation: bool,
    /// Pass raw HTML through; when false it is shown as text.
    pub unsafe_html: bool,
}

impl Default for MarkdownOptions {
    fn default() -> Self {
        MarkdownOptions {
            smart_punctuation: true,
            unsafe_html: true,
        }
    }
}

/// What the resolver says about a link that does not point to another site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// The destination points to another site; leave it alone.
    External,
    /// Replace the destination with this href.
    Resolved(String),
    /// An internal link that leads nowhere: keep it as written and report it.
    Unresolved,
    /// Leave the destination as written.
    Keep,
}

/// A link (or image) to something inside the site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InternalLink {
    /// The destination as written in the source.
    pub dest: String,
    /// The destination in the output, after rewriting.
    pub href: String,
    /// Byte offset in the source where the link starts.
    pub offset: usize,
}

/// One heading in the table of contents, with the deeper headings under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// Everything the later stages need from a Markdown body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The whole body as HTML, without the `<!--more-->` marker.
    pub html: String,
    /// HTML of everything before `<!--more-->`, or `None` without a marker (or with nothing
    /// before it).
    pub summary_html: Option<String>,
    pub toc: Vec<TocEntry>,
    /// Every heading id in document order.
    pub heading_ids: Vec<String>,
    /// Words of prose: text outside code blocks, raw HTML and image descriptions.
    pub word_count: usize,
    /// Every link and image to something inside the site, in source order.
    pub links: Vec<InternalLink>,
    /// The links the resolver could not map (also listed in `links`).
    pub unresolved: Vec<InternalLink>,
    /// ```` ```mermaid ```` fences that did not draw (each shown as its code instead).
    pub diagram_errors: Vec<DiagramProblem>,
}

/// A diagram that did not draw, with where its problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagramProblem {
    /// Byte offset in the Markdown source where the problem is.
    pub offset: usize,
    /// The fence's text and the problem's offset in it, to find the place again in a source
    /// that shortcodes changed.
    pub code: String,
    pub offset_in_code: usize,
    pub message: String,
}

/// Renders `src` to HTML. `resolve` is called with the destination of every link and image
/// that does not name a scheme (`https:`, `mailto:`, ...) or start with `//`. `ids` is unique
/// in the site (the page's URL, say): diagrams' SVG ids are made from it.
pub fn render(
    src: &str,
    opts: &MarkdownOptions,
    hl: &Highlighter,
    resolve: &dyn Fn(&str) -> LinkTarget,
    ids: &str,
) -> Rendered {
    let mut options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_GFM;
    if opts.smart_punctuation {
        options |= Options::ENABLE_SMART_PUNCTUATION;
    }
    let events = merge_text(Parser::new_ext(src, options).into_offset_iter());

    let mut state = State::new(opts, hl, resolve, src);
    state.diagram_seed = {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        ids.hash(&mut h);
        h.finish() as u32
    };
    for (event, range) in events {
        state.event(event, range);
    }
    state.finish()
}

/// Joins runs of `Text` events (the parser splits text at every candidate delimiter), so
/// words and bare URLs arrive in one piece.
fn merge_text<'a>(
    events: impl Iterator<Item = (Event<'a>, Range<usize>)>,
) -> Vec<(Event<'a>, Range<usize>)> {
    let mut merged: Vec<(Event<'a>, Range<usize>)> = Vec::new();
    for (event, range) in events {
        if let (Event::Text(next), Some((Event::Text(prev), prev_range))) =
            (&event, merged.last_mut())
        {
            let mut joined = String::with_capacity(prev.len() + next.len());
            joined.push_str(prev);
            joined.push_str(next);
            *prev = CowStr::from(joined);
            prev_range.end = range.end;
            continue;
        }
        merged.push((event, range));
    }
    merged
}

/// How to close an element that is open at the `<!--more-->` marker.
#[derive(Debug, Clone)]
enum Closer {
    Tag(TagEnd),
    Html(&'static str),
}

struct PendingHeading {
    /// Index of the heading's `Start` event in the output, patched with the id at the end.
    at: usize,
    level: HeadingLevel,
    custom_id: Option<String>,
    text: String,
}

struct PendingCode {
    lang: Option<String>,
    /// The fence's info string after the language (`caption="…"`).
    info: String,
    /// Offset in the source where the code's first line starts.
    start: usize,
    text: String,
}

struct State<'a, 'r> {
    src: &'a str,
    opts: &'r MarkdownOptions,
    hl: &'r Highlighter,
    resolve: &'r dyn Fn(&str) -> LinkTarget,
    out: Vec<Event<'a>>,
    open: Vec<Closer>,
    summary_at: Option<(usize, Vec<Closer>)>,
    heading: Option<PendingHeading>,
    code: Option<PendingCode>,
    html_block: Option<Vec<Event<'a>>>,
    /// Depth of links and images: no bare-URL links inside them.
    link_depth: usize,
    /// Depth of images: their descriptions are not prose.
    image_depth: usize,
    ids: HeadingIds,
    headings: Vec<(u8, String, String)>,
    words: WordCounter,
    links: Vec<InternalLink>,
    unresolved: Vec<InternalLink>,
    diagram_seed: u32,
    diagrams: usize,
    diagram_errors: Vec<DiagramProblem>,
}

impl<'a, 'r> State<'a, 'r> {
    fn new(
        opts: &'r MarkdownOptions,
        hl: &'r Highlighter,
        resolve: &'r dyn Fn(&str) -> LinkTarget,
        src: &'a str,
    ) -> Self {
        let src_len = src.len();
        State {
            src,
            opts,
            hl,
            resolve,
            out: Vec::with_capacity(src_len / 8),
            open: Vec::new(),
            summary_at: None,
            heading: None,
            code: None,
            html_block: None,
            link_depth: 0,
            image_depth: 0,
            ids: HeadingIds::default(),
            headings: Vec::new(),
            words: WordCounter::default(),
            links: Vec::new(),
            unresolved: Vec::new(),
            diagram_seed: 0,
            diagrams: 0,
            diagram_errors: Vec::new(),
        }
    }

    fn event(&mut self, event: Event<'a>, range: Range<usize>) {
        if let Some(code) = &mut self.code {
            match event {
                Event::Text(text) => code.text.push_str(&text),
                Event::End(TagEnd::CodeBlock) => self.end_code_block(),
                _ => {}
            }
            return;
        }
        if let Some(block) = &mut self.html_block {
            if let Event::End(TagEnd::HtmlBlock) = event {
                self.end_html_block();
            } else {
                block.push(event);
            }
            return;
        }
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                self.words.boundary();
                let (lang, info, start) = match kind {
                    CodeBlockKind::Fenced(info) => {
                        let lang = fence_language(&info);
                        let rest = lang.map_or("", |l| &info[l.len()..]).to_owned();
                        let start = self.src[range.start..]
                            .find('\n')
                            .map_or(range.end, |i| range.start + i + 1);
                        (lang.map(str::to_owned), rest, start)
                    }
                    CodeBlockKind::Indented => (None, String::new(), range.start),
                };
                self.code = Some(PendingCode {
                    lang,
                    info,
                    start,
                    text: String::new(),
                });
            }
            Event::Start(Tag::HtmlBlock) => {
                self.words.boundary();
                self.html_block = Some(Vec::new());
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                self.words.boundary();
                self.heading = Some(PendingHeading {
                    at: self.out.len(),
                    level,
                    custom_id: id.map(|id| id.into_string()),
                    text: String::new(),
                });
                self.open_tag(Tag::Heading {
                    level,
                    id: None,
                    classes,
                    attrs,
                });
            }
            Event::End(TagEnd::Heading(level)) => {
                self.words.boundary();
                self.end_heading();
                self.close_tag(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                self.words.boundary();
                let (class, title) = callout(kind);
                self.out.push(Event::Html(CowStr::from(format!(
                    "<div class=\"callout callout-{class}\" role=\"note\">\n\
                     <p class=\"callout-title\">{title}</p>\n"
                ))));
                self.open.push(Closer::Html("</div>\n"));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                self.words.boundary();
                self.close_tag(Event::Html(CowStr::Borrowed("</div>\n")));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.link_destination(link_type, dest_url, range.start);
                self.link_depth += 1;
                self.open_tag(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                });
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.link_destination(link_type, dest_url, range.start);
                self.link_depth += 1;
                self.image_depth += 1;
                self.open_tag(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                });
            }
            Event::End(TagEnd::Link) => {
                self.link_depth -= 1;
                self.close_tag(event);
            }
            Event::End(TagEnd::Image) => {
                self.link_depth -= 1;
                self.image_depth -= 1;
                self.close_tag(event);
            }
            Event::Start(Tag::Table(align)) => {
                self.words.boundary();
                self.out
                    .push(Event::Html(CowStr::Borrowed("<div class=\"table-wrap\">")));
                self.open_tag(Tag::Table(align));
            }
            Event::End(TagEnd::Table) => {
                self.words.boundary();
                self.close_tag(event);
                self.out.push(Event::Html(CowStr::Borrowed("</div>\n")));
            }
            Event::End(TagEnd::TableCell) => {
                self.words.boundary();
                self.close_tag(event);
                // Whitespace between cells: search indexes and text extractors see separate
                // words instead of `HeaderOneHeaderTwo`.
                self.out.push(Event::Html(CowStr::Borrowed("\n")));
            }
            Event::TaskListMarker(done) => {
                self.out.push(Event::InlineHtml(CowStr::Borrowed(if done {
                    "<input type=\"checkbox\" disabled checked aria-label=\"Done\">"
                } else {
                    "<input type=\"checkbox\" disabled aria-label=\"Not done yet\">"
                })));
            }
            Event::Start(tag) => {
                if !is_inline(&tag) {
                    self.words.boundary();
                }
                self.open_tag(tag);
            }
            Event::End(end) => {
                if !is_inline_end(end) {
                    self.words.boundary();
                }
                self.close_tag(event);
            }
            Event::Text(text) => {
                self.prose(&text);
                self.push_text(text);
            }
            Event::Code(text) => {
                self.prose(&text);
                self.out.push(Event::Code(text));
            }
            Event::Html(html) | Event::InlineHtml(html) if is_more_marker(&html) => {
                self.mark_summary();
            }
            Event::InlineHtml(html) | Event::Html(html) => {
                if self.opts.unsafe_html {
                    self.out.push(Event::InlineHtml(html));
                } else {
                    self.out.push(Event::Text(html));
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                self.words.boundary();
                if let Some(heading) = &mut self.heading {
                    heading.text.push(' ');
                }
                self.out.push(event);
            }
            other => self.out.push(other),
        }
    }

    fn open_tag(&mut self, tag: Tag<'a>) {
        self.open.push(Closer::Tag(tag.to_end()));
        self.out.push(Event::Start(tag));
    }

    fn close_tag(&mut self, event: Event<'a>) {
        self.open.pop();
        self.out.push(event);
    }

    /// Text that counts as prose: words, and the title of the heading being read.
    fn prose(&mut self, text: &str) {
        if self.image_depth > 0 {
            return;
        }
        self.words.feed(text);
        if let Some(heading) = &mut self.heading {
            heading.text.push_str(text);
        }
    }

    /// Pushes text, turning bare URLs and e-mail addresses into links as GitHub does.
    fn push_text(&mut self, text: CowStr<'a>) {
        if self.link_depth > 0 || !may_hold_autolink(&text) {
            self.out.push(Event::Text(text));
            return;
        }
        let found = find_autolinks(&text);
        if found.is_empty() {
            self.out.push(Event::Text(text));
            return;
        }
        let mut pos = 0;
        for (range, href) in found {
            if range.start > pos {
                self.out
                    .push(Event::Text(CowStr::from(text[pos..range.start].to_owned())));
            }
            self.out.push(Event::Start(Tag::Link {
                link_type: LinkType::Autolink,
                dest_url: CowStr::from(href),
                title: CowStr::Borrowed(""),
                id: CowStr::Borrowed(""),
            }));
            self.out
                .push(Event::Text(CowStr::from(text[range.clone()].to_owned())));
            self.out.push(Event::End(TagEnd::Link));
            pos = range.end;
        }
        if pos < text.len() {
            self.out
                .push(Event::Text(CowStr::from(text[pos..].to_owned())));
        }
    }

    /// Asks the resolver about an internal destination; returns the destination to emit.
    fn link_destination(
        &mut self,
        link_type: LinkType,
        dest: CowStr<'a>,
        offset: usize,
    ) -> CowStr<'a> {
        if link_type == LinkType::Email || is_external(&dest) {
            return dest;
        }
        let (href, unresolved) = match (self.resolve)(&dest) {
            LinkTarget::External => return dest,
            LinkTarget::Resolved(href) => (CowStr::from(href), false),
            LinkTarget::Unresolved => (dest.clone(), true),
            LinkTarget::Keep => (dest.clone(), false),
        };
        let link = InternalLink {
            dest: dest.into_string(),
            href: href.to_string(),
            offset,
        };
        if unresolved {
            self.unresolved.push(link.clone());
        }
        self.links.push(link);
        href
    }

    fn end_heading(&mut self) {
        let Some(heading) = self.heading.take() else {
            return;
        };
        let title = heading.text.trim().to_owned();
        let id = match heading.custom_id {
            Some(custom) => self.ids.claim(custom),
            None => self.ids.unique(slugify(&title)),
        };
        if let Event::Start(Tag::Heading { id: slot, .. }) = &mut self.out[heading.at] {
            *slot = Some(CowStr::from(id.clone()));
        }
        let mut anchor = String::from("<a class=\"heading-anchor\" href=\"#");
        escape_html(&mut anchor, &id);
        anchor.push_str("\" aria-label=\"Link to this section: ");
        escape_html(&mut anchor, &title);
        anchor.push_str("\" data-pagefind-ignore>#</a>");
        self.out.push(Event::InlineHtml(CowStr::from(anchor)));
        self.headings.push((heading.level as u8, id, title));
    }

    fn end_code_block(&mut self) {
        let Some(code) = self.code.take() else {
            return;
        };
        if code.lang.as_deref() == Some("mermaid") {
            self.diagrams += 1;
            let id = format!("diagram-{:08x}-{}", self.diagram_seed, self.diagrams);
            let caption = fence_caption(&code.info);
            match diagram::render(&code.text, &id, caption.as_deref()) {
                Ok(html) => {
                    self.out.push(Event::Html(CowStr::from(html)));
                    return;
                }
                Err(e) => self.diagram_errors.push(DiagramProblem {
                    offset: (code.start + e.offset).min(self.src.len()),
                    code: code.text.clone(),
                    offset_in_code: e.offset,
                    message: e.message,
                }),
            }
        }
        let html = code_block_html(code.lang.as_deref(), &code.text, self.hl);
        self.out.push(Event::Html(CowStr::from(html)));
    }

    fn end_html_block(&mut self) {
        let Some(block) = self.html_block.take() else {
            return;
        };
        let mut raw = String::new();
        for event in &block {
            if let Event::Html(html) | Event::Text(html) | Event::InlineHtml(html) = event {
                raw.push_str(html);
            }
        }
        if is_more_marker(&raw) {
            self.mark_summary();
        } else if self.opts.unsafe_html {
            self.out.push(Event::Start(Tag::HtmlBlock));
            self.out.extend(block);
            self.out.push(Event::End(TagEnd::HtmlBlock));
        } else {
            let text = raw.trim_end_matches('\n').to_owned();
            self.out.push(Event::Start(Tag::Paragraph));
            self.out.push(Event::Text(CowStr::from(text)));
            self.out.push(Event::End(TagEnd::Paragraph));
        }
    }

    fn mark_summary(&mut self) {
        if self.summary_at.is_none() {
            self.summary_at = Some((self.out.len(), self.open.clone()));
        }
    }

    fn finish(mut self) -> Rendered {
        self.words.boundary();
        let summary_html = self.summary_at.take().and_then(|(at, open)| {
            let closers = open.into_iter().rev().map(|closer| match closer {
                Closer::Tag(end) => Event::End(end),
                Closer::Html(html) => Event::Html(CowStr::Borrowed(html)),
            });
            let mut html = String::new();
            pulldown_cmark::html::push_html(
                &mut html,
                self.out[..at].iter().cloned().chain(closers),
            );
            (!html.trim().is_empty()).then_some(html)
        });
        let mut html = String::with_capacity(self.out.len() * 16);
        pulldown_cmark::html::push_html(&mut html, self.out.into_iter());

        let heading_ids = self.headings.iter().map(|(_, id, _)| id.clone()).collect();
        let mut toc = Vec::new();
        for (level, id, title) in self.headings {
            insert_toc(
                &mut toc,
                TocEntry {
                    level,
                    id,
                    title,
                    children: Vec::new(),
                },
            );
        }
        Rendered {
            html,
            summary_html,
            toc,
            heading_ids,
            word_count: self.words.count,
            links: self.links,
            unresolved: self.unresolved,
            diagram_errors: self.diagram_errors,
        }
    }
}

/// Puts `entry` under the last entry of `list` when it is deeper, recursively.
fn insert_toc(list: &mut Vec<TocEntry>, entry: TocEntry) {
    match list.last_mut() {
        Some(last) if last.level < entry.level => insert_toc(&mut last.children, entry),
        _ => list.push(entry),
    }
}

/// Heading ids handed out so far in one document.
#[derive(Default)]
struct HeadingIds {
    /// For each id in use, the next numeric suffix to try.
    next_suffix: HashMap<String, usize>,
}

impl HeadingIds {
    /// An explicit `{#id}`: used as written.
    fn claim(&mut self, id: String) -> String {
        self.next_suffix.entry(id.clone()).or_insert(1);
        id
    }

    /// A generated id, with `-1`, `-2`, ... appended when it is already taken.
    fn unique(&mut self, base: String) -> String {
        let base = if base.is_empty() {
            "section".to_owned()
        } else {
            base
        };
        let Some(next) = self.next_suffix.get(&base).copied() else {
            self.next_suffix.insert(base.clone(), 1);
            return base;
        };
        let mut n = next;
        loop {
            let candidate = format!("{base}-{n}");
            n += 1;
            if !self.next_suffix.contains_key(&candidate) {
                self.next_suffix.insert(base, n);
                self.next_suffix.insert(candidate.clone(), 1);
                return candidate;
            }
        }
    }
}

/// The id GitHub-style Markdown gives a heading: lower case letters and digits, words joined
/// by single dashes, apostrophes dropped.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.extend(c.to_lowercase());
        } else if !matches!(c, '\'' | '\u{2019}' | '\u{2018}') {
            pending_dash = true;
        }
    }
    slug
}

/// The CSS class suffix and the title of a GFM alert.
fn callout(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// The language of a fence info string: its first word (`yaml title="x"`, `rust,ignore`).
/// `caption="…"` (or `caption='…'`) in a fence's info string, as in
/// ```` ```mermaid caption="How a change ships" ````.
fn fence_caption(info: &str) -> Option<String> {
    let at = info.find("caption=")? + "caption=".len();
    let rest = &info[at..];
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let body = &rest[1..];
    let end = body.find(quote)?;
    Some(body[..end].to_owned()).filter(|c| !c.trim().is_empty())
}

fn fence_language(info: &str) -> Option<&str> {
    info.split(|c: char| c.is_whitespace() || c == ',' || c == '{')
        .next()
        .filter(|lang| !lang.is_empty())
}

/// A whole code block: highlighted when the language is known, else escaped text with every
/// character kept.
pub fn code_block_html(lang: Option<&str>, code: &str, hl: &Highlighter) -> String {
    let mut html = String::with_capacity(code.len() * 2 + 64);
    html.push_str("<pre class=\"code\"");
    if let Some(lang) = lang {
        html.push_str(" data-lang=\"");
        escape_html(&mut html, lang);
        html.push_str("\"><code class=\"language-");
        escape_html(&mut html, lang);
        html.push_str("\">");
    } else {
        html.push_str("><code>");
    }
    match lang.and_then(|lang| hl.highlight(code, lang)) {
        Some(highlighted) => html.push_str(&highlighted),
        None => escape_html(&mut html, code),
    }
    html.push_str("</code></pre>\n");
    html
}

/// `<!--more-->`, with optional spaces inside the comment.
fn is_more_marker(html: &str) -> bool {
    html.trim()
        .strip_prefix("<!--")
        .and_then(|rest| rest.strip_suffix("-->"))
        .is_some_and(|inner| inner.trim() == "more")
}

/// A destination with a URL scheme (`https:`, `mailto:`, ...) or a protocol-relative `//`.
fn is_external(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    let Some(colon) = dest.find(':') else {
        return false;
    };
    let scheme = &dest[..colon];
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Inline elements do not separate words: `**bold**ness` is one word.
fn is_inline(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

fn is_inline_end(end: TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Counts words across text fragments: a word is a run without white space that holds at
/// least one letter or digit.
#[derive(Default)]
struct WordCounter {
    count: usize,
    in_word: bool,
}

impl WordCounter {
    fn feed(&mut self, text: &str) {
        for c in text.chars() {
            if c.is_whitespace() {
                self.boundary();
            } else if c.is_alphanumeric() {
                self.in_word = true;
            }
        }
    }

    fn boundary(&mut self) {
        if self.in_word {
            self.count += 1;
            self.in_word = false;
        }
    }
}

/// Cheap test before the autolink scan.
fn may_hold_autolink(text: &str) -> bool {
    text.contains("://") || text.contains("www.") || text.contains('@')
}

/// Bare URLs (`https://...`, `http://...`, `www....`) and e-mail addresses in `text`, by the
/// GFM autolink rules: byte range of the link text and its href, in order.
fn find_autolinks(text: &str) -> Vec<(Range<usize>, String)> {
    let bytes = text.as_bytes();
    let mut urls = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if matches!(bytes[i], b'h' | b'H' | b'w')
            && after_delimiter(text, i)
            && let Some(len) = url_at(&text[i..])
        {
            let link = &text[i..i + len];
            let href = if link.starts_with("www.") {
                format!("http://{link}")
            } else {
                link.to_owned()
            };
            urls.push((i..i + len, href));
            i += len;
            continue;
        }
        i += 1;
    }
    if !text.contains('@') {
        return urls;
    }
    // E-mail addresses in the gaps between URLs.
    let mut all = Vec::new();
    let mut gap_start = 0;
    let gaps = urls
        .iter()
        .map(|(range, _)| range.start)
        .chain(std::iter::once(text.len()));
    let mut url_iter = urls.iter().cloned();
    for gap_end in gaps {
        find_emails(text, gap_start..gap_end, &mut all);
        if let Some(url) = url_iter.next() {
            gap_start = url.0.end;
            all.push(url);
        }
    }
    all
}

/// GFM allows an autolink at the start, after white space, or after `*`, `_`, `~`, `(`.
fn after_delimiter(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_none_or(|c| c.is_whitespace() || matches!(c, '*' | '_' | '~' | '('))
}

/// Length of the URL autolink at the start of `s`, if there is one.
fn url_at(s: &str) -> Option<usize> {
    let lower_prefix = |p: &str| {
        s.get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p))
    };
    let host_start = if lower_prefix("https://") {
        8
    } else if lower_prefix("http://") {
        7
    } else if s.starts_with("www.") {
        0
    } else {
        return None;
    };
    let end = s
        .find(|c: char| c.is_whitespace() || c == '<')
        .unwrap_or(s.len());
    let rest = &s[host_start..end];
    let host_len = rest
        .find(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(rest.len());
    if !valid_domain(rest[..host_len].trim_end_matches('.')) {
        return None;
    }
    let len = trim_autolink_end(&s[..end]);
    (len > host_start + 1).then_some(len)
}

/// Segments of letters, digits, `-` and `_` joined by dots; at least one dot; no `_` in the
/// last two segments.
fn valid_domain(domain: &str) -> bool {
    let segments: Vec<&str> = domain.split('.').collect();
    segments.len() >= 2
        && segments.iter().all(|s| !s.is_empty())
        && segments[segments.len() - 2..]
            .iter()
            .all(|s| !s.contains('_'))
}

/// Drops trailing punctuation that GFM leaves outside an autolink; returns the new length.
fn trim_autolink_end(link: &str) -> usize {
    let mut end = link.len();
    loop {
        let current = &link[..end];
        let Some(last) = current.chars().next_back() else {
            return 0;
        };
        match last {
            '?' | '!' | '.' | ',' | ':' | '*' | '_' | '~' | '\'' | '"' => end -= 1,
            ')' if current.matches(')').count() > current.matches('(').count() => end -= 1,
            ';' => {
                // An entity-like ending (`&amp;`) is left out as a whole.
                let Some(amp) = current.rfind('&') else {
                    return end;
                };
                let name = &current[amp + 1..end - 1];
                if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()) {
                    end = amp;
                } else {
                    return end;
                }
            }
            _ => return end,
        }
    }
}

/// E-mail autolinks inside `text[gap]`, pushed as (range, `mailto:` href).
fn find_emails(text: &str, gap: Range<usize>, found: &mut Vec<(Range<usize>, String)>) {
    let is_local = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-' | b'_');
    let is_domain = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_');
    let bytes = text.as_bytes();
    let mut search = gap.start;
    while let Some(pos) = text[search..gap.end].find('@') {
        let at = search + pos;
        let mut start = at;
        while start > search && is_local(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < gap.end && is_domain(bytes[end]) {
            end += 1;
        }
        while end > at + 1 && bytes[end - 1] == b'.' {
            end -= 1;
        }
        let domain = &text[at + 1..end];
        let last_ok = domain
            .bytes()
            .next_back()
            .is_some_and(|b| b.is_ascii_alphanumeric());
        if start < at && last_ok && domain.contains('.') && !domain.split('.').any(str::is_empty) {
            found.push((start..end, format!("mailto:{}", &text[start..end])));
            search = end;
        } else {
            search = at + 1;
        }
    }
}

#[cfg(test)]
mod tests;
