//! Stage 2 (parse): Hugo-syntax shortcodes. In: a page's Markdown source and a render callback.
//! Out: Markdown with `{{% %}}` output spliced in and each top-level `{{< >}}` output parked
//! behind a placeholder token, which [`restore`] swaps back in after Markdown rendering.

use std::fmt::Write as _;

/// A typed shortcode argument. Quoted values are always strings; a bare word becomes a
/// boolean or a number when it reads as one.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum ArgValue {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// The delimiter pair a shortcode is written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delim {
    /// `{{< >}}`: the output is HTML and bypasses Markdown.
    Html,
    /// `{{% %}}`: the output is Markdown and is rendered with the page.
    Markdown,
}

impl Delim {
    fn open(self) -> &'static str {
        match self {
            Delim::Html => "{{<",
            Delim::Markdown => "{{%",
        }
    }

    fn close(self) -> &'static str {
        match self {
            Delim::Html => ">}}",
            Delim::Markdown => "%}}",
        }
    }

    fn escape_close(self) -> &'static str {
        match self {
            Delim::Html => "*/>}}",
            Delim::Markdown => "*/%}}",
        }
    }

    fn other(self) -> Delim {
        match self {
            Delim::Html => Delim::Markdown,
            Delim::Markdown => Delim::Html,
        }
    }

    /// How a tag of this delimiter looks in a message: `{{< note >}}` or `{{< /note >}}`.
    fn tag(self, name: &str, closing: bool) -> String {
        let slash = if closing { "/" } else { "" };
        format!("{} {slash}{name} {}", self.open(), self.close())
    }
}

/// One shortcode call, as handed to the render callback.
#[derive(Debug, Clone, PartialEq)]
pub struct Call<'a> {
    pub name: &'a str,
    pub named: Vec<(String, ArgValue)>,
    pub positional: Vec<ArgValue>,
    /// Inner text of a paired shortcode, with nested shortcodes already expanded.
    pub body: Option<&'a str>,
    /// True for the `{{% %}}` form, whose output is Markdown.
    pub markdown: bool,
    /// 1-based line of the opening `{{` in the source given to [`expand`].
    pub line: usize,
    /// 1-based column (in characters) of the opening `{{`.
    pub col: usize,
}

/// The result of [`expand`]: Markdown to render, and the HTML each placeholder stands for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Expanded {
    pub markdown: String,
    pub html: Vec<String>,
}

/// A problem with one shortcode; `line` and `col` (1-based) point at its opening `{{`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ShortcodeError {
    /// A tag whose `>}}` / `%}}` never comes.
    #[error("{}", unclosed_message(.name, .expected))]
    UnclosedTag {
        name: String,
        expected: &'static str,
        line: usize,
        col: usize,
    },
    /// A tag that cannot be read at all: no name, or a malformed closing tag.
    #[error("{message}")]
    BadTag {
        message: String,
        line: usize,
        col: usize,
    },
    /// Arguments that cannot be read: mixed named and positional, bad quoting, and so on.
    #[error("shortcode `{name}`: {message}")]
    BadArgs {
        name: String,
        message: String,
        line: usize,
        col: usize,
    },
    /// A closing tag with no opening tag before it.
    #[error("closing `{}` has no opening `{}`", .delim.tag(.name, true), .delim.tag(.name, false))]
    UnexpectedClose {
        name: String,
        delim: Delim,
        line: usize,
        col: usize,
    },
    /// A paired shortcode whose closing tag comes after the closing tag of a shortcode
    /// around it (`{{< a >}}{{< b >}}{{< /a >}}{{< /b >}}`); points at the inner opener.
    #[error(
        "`{}` is still open when `{closed_by}` (line {close_line}, column {close_col}) closes the shortcode around it; close `{name}` first",
        .delim.tag(.name, false)
    )]
    UnclosedPair {
        name: String,
        delim: Delim,
        line: usize,
        col: usize,
        closed_by: String,
        close_line: usize,
        close_col: usize,
    },
    /// A closing tag whose delimiter differs from its opener's; points at the closing tag.
    #[error(
        "closing `{}` does not match its opening `{}` (line {open_line}, column {open_col}); use the same delimiters for both",
        .open.other().tag(.name, true), .open.tag(.name, false)
    )]
    MismatchedDelim {
        name: String,
        open: Delim,
        line: usize,
        col: usize,
        open_line: usize,
        open_col: usize,
    },
    /// The render callback failed for this call.
    #[error("shortcode `{name}`: {message}")]
    Render {
        name: String,
        message: String,
        line: usize,
        col: usize,
    },
}

fn unclosed_message(name: &str, expected: &str) -> String {
    if name.is_empty() {
        format!("shortcode is not closed: expected `{expected}`")
    } else {
        format!("shortcode `{name}` is not closed: expected `{expected}`")
    }
}

impl ShortcodeError {
    /// Moves every line the error names down by `lines`: the expanded text starts at line
    /// `lines + 1` of its file (the line after the front matter).
    pub fn shift(mut self, lines: usize) -> Self {
        match &mut self {
            ShortcodeError::UnclosedPair {
                line, close_line, ..
            } => {
                *line += lines;
                *close_line += lines;
            }
            ShortcodeError::MismatchedDelim {
                line, open_line, ..
            } => {
                *line += lines;
                *open_line += lines;
            }
            ShortcodeError::UnclosedTag { line, .. }
            | ShortcodeError::BadTag { line, .. }
            | ShortcodeError::BadArgs { line, .. }
            | ShortcodeError::UnexpectedClose { line, .. }
            | ShortcodeError::Render { line, .. } => *line += lines,
        }
        self
    }

    /// The 1-based line and column of the `{{` the error is about.
    pub fn position(&self) -> (usize, usize) {
        match self {
            ShortcodeError::UnclosedTag { line, col, .. }
            | ShortcodeError::BadTag { line, col, .. }
            | ShortcodeError::BadArgs { line, col, .. }
            | ShortcodeError::UnexpectedClose { line, col, .. }
            | ShortcodeError::UnclosedPair { line, col, .. }
            | ShortcodeError::MismatchedDelim { line, col, .. }
            | ShortcodeError::Render { line, col, .. } => (*line, *col),
        }
    }
}

const PLACEHOLDER_PREFIX: &str = "tbsc";
const PLACEHOLDER_DIGITS: usize = 6;

/// The token standing for `html[i]` in the Markdown: letters and digits only, so Markdown
/// passes it through untouched.
pub fn placeholder(i: usize) -> String {
    format!("{PLACEHOLDER_PREFIX}{i:0PLACEHOLDER_DIGITS$}x")
}

/// Puts the HTML of each placeholder back into rendered HTML, in one pass. A placeholder
/// that is alone in a paragraph (`<p>tbsc000000x</p>`) replaces the whole paragraph.
pub fn restore(html: &str, expanded_html: &[String]) -> String {
    if expanded_html.is_empty() {
        return html.to_owned();
    }
    let extra: usize = expanded_html.iter().map(String::len).sum();
    let mut out = String::with_capacity(html.len() + extra);
    let bytes = html.as_bytes();
    let mut copied = 0;
    let mut from = 0;
    while let Some(off) = html[from..].find(PLACEHOLDER_PREFIX) {
        let start = from + off;
        let digits = start + PLACEHOLDER_PREFIX.len();
        let mut end = digits;
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
        }
        let index = if bytes.get(end) == Some(&b'x') {
            html[digits..end].parse::<usize>().ok().filter(|&i| {
                i < expanded_html.len() && end - digits == PLACEHOLDER_DIGITS.max(decimal_len(i))
            })
        } else {
            None
        };
        let Some(index) = index else {
            from = digits;
            continue;
        };
        let end = end + 1;
        let alone = start >= copied + 3
            && html[..start].ends_with("<p>")
            && html[end..].starts_with("</p>");
        if alone {
            out.push_str(&html[copied..start - 3]);
            copied = end + 4;
        } else {
            out.push_str(&html[copied..start]);
            copied = end;
        }
        out.push_str(&expanded_html[index]);
        from = copied;
    }
    out.push_str(&html[copied..]);
    out
}

fn decimal_len(mut i: usize) -> usize {
    let mut n = 1;
    while i >= 10 {
        i /= 10;
        n += 1;
    }
    n
}

/// Expands every shortcode in `src`, innermost first, calling `render` once per call.
/// Collects every error of the page; on any error, returns them sorted by position.
pub fn expand(
    src: &str,
    render: &mut dyn FnMut(&Call) -> Result<String, String>,
) -> Result<Expanded, Vec<ShortcodeError>> {
    if !has_shortcodes(src) {
        return Ok(Expanded {
            markdown: src.to_owned(),
            html: Vec::new(),
        });
    }
    let mut lexer = Lexer {
        src,
        toks: Vec::new(),
        errors: Vec::new(),
        cursor: LineCursor::default(),
    };
    lexer.run();
    let Lexer {
        mut toks,
        mut errors,
        ..
    } = lexer;
    let pairs = match_pairs(&toks, &mut errors);
    let mut emitter = Emitter {
        pairs: &pairs,
        render,
        html: Vec::new(),
        errors,
    };
    let mut markdown = String::with_capacity(src.len());
    emitter.emit(&mut toks, 0, pairs.len(), 0, &mut markdown);
    let Emitter {
        html, mut errors, ..
    } = emitter;
    if errors.is_empty() {
        Ok(Expanded { markdown, html })
    } else {
        errors.sort_by_key(ShortcodeError::position);
        Err(errors)
    }
}

/// Whether `src` holds any `{{<` or `{{%`; when it does not, [`expand`] returns the text as
/// is and the page needs no [`restore`].
pub fn has_shortcodes(src: &str) -> bool {
    find_open(src, 0).is_some()
}

/// The byte offset of the next `{{<` or `{{%` at or after `from`.
fn find_open(src: &str, from: usize) -> Option<usize> {
    let bytes = src.as_bytes();
    let mut pos = from;
    while let Some(off) = src.get(pos..)?.find("{{") {
        let at = pos + off;
        match bytes.get(at + 2) {
            Some(b'<' | b'%') => return Some(at),
            Some(_) => pos = at + 1,
            None => return None,
        }
    }
    None
}

/// Turns byte offsets into 1-based line and character column, moving forward through the
/// source so that the whole page is scanned once.
#[derive(Default)]
struct LineCursor {
    pos: usize,
    line: usize,
    col: usize,
}

impl LineCursor {
    fn at(&mut self, src: &str, pos: usize) -> (usize, usize) {
        if pos < self.pos || self.line == 0 {
            *self = LineCursor {
                pos: 0,
                line: 1,
                col: 0,
            };
        }
        let seg = &src[self.pos..pos];
        match seg.rfind('\n') {
            Some(nl) => {
                self.line += seg.bytes().filter(|&b| b == b'\n').count();
                self.col = seg[nl + 1..].chars().count();
            }
            None => self.col += seg.chars().count(),
        }
        self.pos = pos;
        (self.line, self.col + 1)
    }
}

struct Tag<'a> {
    name: &'a str,
    delim: Delim,
    named: Vec<(String, ArgValue)>,
    positional: Vec<ArgValue>,
    self_closing: bool,
    /// The tag had an argument error: it still pairs, but is not rendered.
    broken: bool,
    line: usize,
    col: usize,
}

enum Tok<'a> {
    Text(&'a str),
    /// `{{</* inner */>}}`, written out as `{{<inner>}}`.
    Escaped {
        delim: Delim,
        inner: &'a str,
    },
    Open(Tag<'a>),
    Close {
        name: &'a str,
        delim: Delim,
        line: usize,
        col: usize,
    },
}

/// A failed argument: the message and where to look for the tag's end from.
type ArgError = (String, usize);

struct Lexer<'a> {
    src: &'a str,
    toks: Vec<Tok<'a>>,
    errors: Vec<ShortcodeError>,
    cursor: LineCursor,
}

impl<'a> Lexer<'a> {
    fn run(&mut self) {
        let mut text_start = 0;
        while let Some(at) = find_open(self.src, text_start) {
            if at > text_start {
                self.toks.push(Tok::Text(&self.src[text_start..at]));
            }
            text_start = self.tag(at);
        }
        if text_start < self.src.len() {
            self.toks.push(Tok::Text(&self.src[text_start..]));
        }
    }

    fn starts(&self, i: usize, s: &str) -> bool {
        self.src.as_bytes()[i.min(self.src.len())..].starts_with(s.as_bytes())
    }

    fn skip_ws(&self, mut i: usize) -> usize {
        let bytes = self.src.as_bytes();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    }

    /// The end of a shortcode name starting at `i` (letters, digits, `_`, `-`, `.`, and
    /// `/` between such characters, as in `docs/note`).
    fn name_end(&self, i: usize) -> usize {
        let mut end = i;
        let mut chars = self.src[i..].chars().peekable();
        while let Some(c) = chars.next() {
            let ok = if c == '/' {
                end > i && chars.peek().is_some_and(|&n| is_name_char(n))
            } else {
                is_name_char(c)
            };
            if !ok {
                break;
            }
            end += c.len_utf8();
        }
        end
    }

    /// After a broken tag: the position after its closing delimiter if one comes before the
    /// next `{{`, else `Err` with where to go on scanning.
    fn recover(&self, i: usize, delim: Delim) -> Result<usize, usize> {
        let rest = &self.src[i..];
        let next_open = rest.find("{{").unwrap_or(rest.len());
        match rest[..next_open].find(delim.close()) {
            Some(c) => Ok(i + c + delim.close().len()),
            None => Err(i + next_open),
        }
    }

    /// Reads one tag whose `{{` is at `at`; returns where scanning goes on.
    fn tag(&mut self, at: usize) -> usize {
        let delim = if self.src.as_bytes()[at + 2] == b'<' {
            Delim::Html
        } else {
            Delim::Markdown
        };
        let (line, col) = self.cursor.at(self.src, at);
        let i = self.skip_ws(at + 3);
        if self.starts(i, "/*") {
            return self.escaped(delim, i + 2, line, col);
        }
        if self.starts(i, "/") {
            return self.closing(delim, i + 1, line, col);
        }
        let name_end = self.name_end(i);
        if name_end == i {
            self.errors.push(ShortcodeError::BadTag {
                message: format!("expected a shortcode name after `{}`", delim.open()),
                line,
                col,
            });
            return self.recover(i, delim).unwrap_or_else(|resume| resume);
        }
        let mut tag = Tag {
            name: &self.src[i..name_end],
            delim,
            named: Vec::new(),
            positional: Vec::new(),
            self_closing: false,
            broken: false,
            line,
            col,
        };
        let mut problem: Option<String> = None;
        let mut i = name_end;
        let end = loop {
            i = self.skip_ws(i);
            if i >= self.src.len() || self.starts(i, "{{") {
                self.errors.push(ShortcodeError::UnclosedTag {
                    name: tag.name.to_owned(),
                    expected: delim.close(),
                    line,
                    col,
                });
                return i;
            }
            if self.starts(i, delim.close()) {
                break i + 3;
            }
            if self.starts(i, "/") {
                let j = self.skip_ws(i + 1);
                if self.starts(j, delim.close()) {
                    tag.self_closing = true;
                    break j + 3;
                }
            }
            if self.starts(i, delim.other().close()) {
                problem.get_or_insert_with(|| {
                    format!(
                        "opened with `{}` but ends with `{}`; end it with `{}`",
                        delim.open(),
                        delim.other().close(),
                        delim.close()
                    )
                });
                break i + 3;
            }
            match self.arg(i) {
                Ok((key, value, next)) => {
                    i = next;
                    if let Some(message) = add_arg(&mut tag, key, value) {
                        problem.get_or_insert(message);
                    }
                }
                Err((message, from)) => {
                    problem.get_or_insert(message);
                    match self.recover(from, delim) {
                        Ok(end) => break end,
                        Err(resume) => {
                            self.push_bad_args(&tag, problem);
                            return resume;
                        }
                    }
                }
            }
        };
        if problem.is_some() {
            tag.broken = true;
            self.push_bad_args(&tag, problem);
        }
        self.toks.push(Tok::Open(tag));
        end
    }

    fn push_bad_args(&mut self, tag: &Tag, problem: Option<String>) {
        if let Some(message) = problem {
            self.errors.push(ShortcodeError::BadArgs {
                name: tag.name.to_owned(),
                message,
                line: tag.line,
                col: tag.col,
            });
        }
    }

    /// One argument at `i`: `key=value` or a positional value.
    fn arg(&self, i: usize) -> Result<(Option<String>, ArgValue, usize), ArgError> {
        let (first, bare, next) = self.value(i)?;
        let eq = self.skip_ws(next);
        if !self.starts(eq, "=") {
            return Ok((None, first, next));
        }
        if !bare {
            return Err((
                format!(
                    "argument names are written without quotes: `{}=`",
                    self.src[i + 1..next - 1].trim()
                ),
                eq + 1,
            ));
        }
        let key = &self.src[i..next];
        if !key.chars().all(is_key_char) {
            return Err((format!("`{key}` is not a valid argument name"), eq + 1));
        }
        let v = self.skip_ws(eq + 1);
        let at_end = v >= self.src.len()
            || self.src.as_bytes()[v..].starts_with(b"{{")
            || self.starts(v, ">}}")
            || self.starts(v, "%}}");
        if at_end {
            return Err((format!("argument `{key}` has no value after `=`"), v));
        }
        let (value, _, next) = self.value(v)?;
        Ok((Some(key.to_owned()), value, next))
    }

    /// One value at `i`; also says whether it was a bare (unquoted) word.
    fn value(&self, i: usize) -> Result<(ArgValue, bool, usize), ArgError> {
        let rest = &self.src[i..];
        let quote = rest.as_bytes()[0];
        match quote {
            b'"' => {
                let mut text = String::new();
                let mut chunk = i + 1;
                let bytes = self.src.as_bytes();
                let mut j = i + 1;
                while j < bytes.len() {
                    match bytes[j] {
                        b'\\' if bytes.get(j + 1) == Some(&b'"') => {
                            text.push_str(&self.src[chunk..j]);
                            text.push('"');
                            j += 2;
                            chunk = j;
                        }
                        b'"' => {
                            text.push_str(&self.src[chunk..j]);
                            return Ok((ArgValue::Str(text), false, j + 1));
                        }
                        _ => j += 1,
                    }
                }
                Err(("string is not closed: missing `\"`".to_owned(), i + 1))
            }
            b'\'' | b'`' => match rest[1..].find(quote as char) {
                Some(len) => Ok((
                    ArgValue::Str(rest[1..1 + len].to_owned()),
                    false,
                    i + len + 2,
                )),
                None => Err((
                    format!("string is not closed: missing `{}`", quote as char),
                    i + 1,
                )),
            },
            _ => {
                let mut end = i;
                for c in rest.chars() {
                    let stop = c.is_whitespace()
                        || c == '='
                        || self.starts(end, "{{")
                        || self.starts(end, ">}}")
                        || self.starts(end, "%}}")
                        || (c == '/'
                            && (self.starts(end + 1, ">}}") || self.starts(end + 1, "%}}")));
                    if stop {
                        break;
                    }
                    end += c.len_utf8();
                }
                if end == i {
                    let c = rest.chars().next().unwrap_or(' ');
                    return Err((format!("unexpected `{c}`"), i + c.len_utf8()));
                }
                Ok((typed(&self.src[i..end]), true, end))
            }
        }
    }

    /// A closing tag; `i` is just after its `/`.
    fn closing(&mut self, delim: Delim, i: usize, line: usize, col: usize) -> usize {
        let i = self.skip_ws(i);
        let name_end = self.name_end(i);
        if name_end == i {
            self.errors.push(ShortcodeError::BadTag {
                message: format!("expected a shortcode name after `{} /`", delim.open()),
                line,
                col,
            });
            return self.recover(i, delim).unwrap_or_else(|resume| resume);
        }
        let name = &self.src[i..name_end];
        let j = self.skip_ws(name_end);
        if self.starts(j, delim.close()) {
            self.toks.push(Tok::Close {
                name,
                delim,
                line,
                col,
            });
            return j + 3;
        }
        if j >= self.src.len() || self.starts(j, "{{") {
            self.errors.push(ShortcodeError::UnclosedTag {
                name: format!("/{name}"),
                expected: delim.close(),
                line,
                col,
            });
            return j;
        }
        let message = if self.starts(j, delim.other().close()) {
            format!(
                "closing tag `{} /{name}` must end with `{}`",
                delim.open(),
                delim.close()
            )
        } else {
            format!("closing tag `{}` takes no arguments", delim.tag(name, true))
        };
        self.errors
            .push(ShortcodeError::BadTag { message, line, col });
        match self.recover(j, delim) {
            Ok(end) => {
                self.toks.push(Tok::Close {
                    name,
                    delim,
                    line,
                    col,
                });
                end
            }
            Err(resume) => resume,
        }
    }

    /// An escaped tag; `i` is just after its `/*`.
    fn escaped(&mut self, delim: Delim, i: usize, line: usize, col: usize) -> usize {
        let limit = find_open(self.src, i).unwrap_or(self.src.len());
        let mut k = i;
        while let Some(off) = self.src[k..limit].find("*/") {
            let star = k + off;
            let j = self.skip_ws(star + 2);
            if self.starts(j, delim.close()) {
                self.toks.push(Tok::Escaped {
                    delim,
                    inner: &self.src[i..star],
                });
                return j + 3;
            }
            k = star + 2;
        }
        let name_start = self.skip_ws(i);
        let name_start = if self.starts(name_start, "/") {
            self.skip_ws(name_start + 1)
        } else {
            name_start
        };
        let name = &self.src[name_start..self.name_end(name_start)];
        self.errors.push(ShortcodeError::UnclosedTag {
            name: name.to_owned(),
            expected: delim.escape_close(),
            line,
            col,
        });
        i
    }
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.')
}

fn is_key_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-')
}

/// Adds one argument to a tag; returns a message if it breaks the rules.
fn add_arg(tag: &mut Tag, key: Option<String>, value: ArgValue) -> Option<String> {
    const MIXED: &str =
        "named arguments (`key=value`) and positional arguments cannot be mixed in one call";
    match key {
        Some(key) => {
            if !tag.positional.is_empty() {
                return Some(MIXED.to_owned());
            }
            if tag.named.iter().any(|(k, _)| *k == key) {
                return Some(format!("argument `{key}` is given twice"));
            }
            tag.named.push((key, value));
        }
        None => {
            if !tag.named.is_empty() {
                return Some(MIXED.to_owned());
            }
            tag.positional.push(value);
        }
    }
    None
}

/// Types a bare word: `true`/`false`, integers, floats; anything else stays a string.
fn typed(word: &str) -> ArgValue {
    match word {
        "true" => return ArgValue::Bool(true),
        "false" => return ArgValue::Bool(false),
        _ => {}
    }
    let digits = word.strip_prefix('-').unwrap_or(word);
    let numeric = digits
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if numeric {
        if let Ok(i) = word.parse::<i64>() {
            return ArgValue::Int(i);
        }
        if let Ok(f) = word.parse::<f64>()
            && f.is_finite()
        {
            return ArgValue::Float(f);
        }
    }
    ArgValue::Str(word.to_owned())
}

/// Pairs each opening tag with its closing tag: a closing tag closes the nearest open tag
/// of its name, and any tags opened after that one stay standalone. Returns, for each
/// opening token, the index of its closing token.
fn match_pairs(toks: &[Tok], errors: &mut Vec<ShortcodeError>) -> Vec<Option<usize>> {
    let mut pairs = vec![None; toks.len()];
    let mut stack: Vec<usize> = Vec::new();
    // Opening tags left standalone because an outer tag closed: (opener, closer).
    let mut orphans: Vec<(usize, usize)> = Vec::new();
    let opener = |i: usize| match &toks[i] {
        Tok::Open(tag) => tag,
        _ => unreachable!("only opening tags are stacked"),
    };
    for (i, tok) in toks.iter().enumerate() {
        match tok {
            Tok::Open(tag) if !tag.self_closing => stack.push(i),
            Tok::Close {
                name,
                delim,
                line,
                col,
            } => {
                if let Some(k) = stack.iter().rposition(|&o| opener(o).name == *name) {
                    orphans.extend(stack[k + 1..].iter().map(|&o| (o, i)));
                    let open = stack[k];
                    stack.truncate(k);
                    pairs[open] = Some(i);
                    let tag = opener(open);
                    if tag.delim != *delim {
                        errors.push(ShortcodeError::MismatchedDelim {
                            name: name.to_string(),
                            open: tag.delim,
                            line: *line,
                            col: *col,
                            open_line: tag.line,
                            open_col: tag.col,
                        });
                    }
                } else if let Some(p) = orphans.iter().rposition(|&(o, _)| opener(o).name == *name)
                {
                    let (open, by) = orphans.remove(p);
                    let tag = opener(open);
                    let Tok::Close {
                        name: by_name,
                        delim: by_delim,
                        line: by_line,
                        col: by_col,
                    } = &toks[by]
                    else {
                        unreachable!("orphans are closed by closing tags")
                    };
                    errors.push(ShortcodeError::UnclosedPair {
                        name: name.to_string(),
                        delim: tag.delim,
                        line: tag.line,
                        col: tag.col,
                        closed_by: by_delim.tag(by_name, true),
                        close_line: *by_line,
                        close_col: *by_col,
                    });
                } else {
                    errors.push(ShortcodeError::UnexpectedClose {
                        name: name.to_string(),
                        delim: *delim,
                        line: *line,
                        col: *col,
                    });
                }
            }
            _ => {}
        }
    }
    pairs
}

struct Emitter<'p, 'r> {
    pairs: &'p [Option<usize>],
    render: &'r mut dyn FnMut(&Call) -> Result<String, String>,
    html: Vec<String>,
    errors: Vec<ShortcodeError>,
}

impl Emitter<'_, '_> {
    /// Writes the tokens `from..to` to `out`, rendering calls; `depth` 0 is the page itself.
    fn emit(&mut self, toks: &mut [Tok], from: usize, to: usize, depth: usize, out: &mut String) {
        let mut i = from;
        while i < to {
            let next = i + 1;
            match &toks[i] {
                Tok::Text(text) => out.push_str(text),
                Tok::Escaped { delim, inner } => {
                    out.push_str(delim.open());
                    out.push_str(inner);
                    out.push_str(delim.close());
                }
                // Only closing tags that matched nothing reach here; they are errors already.
                Tok::Close { .. } => {}
                Tok::Open(_) => {
                    let close = self.pairs[i];
                    let body = close.map(|c| {
                        let mut body = String::new();
                        self.emit(toks, i + 1, c, depth + 1, &mut body);
                        body
                    });
                    if let Tok::Open(tag) = &mut toks[i] {
                        self.call(tag, body.as_deref(), depth, out);
                    }
                    i = close.map_or(next, |c| c + 1);
                    continue;
                }
            }
            i = next;
        }
    }

    fn call(&mut self, tag: &mut Tag, body: Option<&str>, depth: usize, out: &mut String) {
        if tag.broken {
            return;
        }
        let call = Call {
            name: tag.name,
            named: std::mem::take(&mut tag.named),
            positional: std::mem::take(&mut tag.positional),
            body,
            markdown: tag.delim == Delim::Markdown,
            line: tag.line,
            col: tag.col,
        };
        match (self.render)(&call) {
            Ok(text) if depth > 0 || call.markdown => out.push_str(&text),
            Ok(html) => {
                let index = self.html.len();
                self.html.push(html);
                let _ = write!(out, "{PLACEHOLDER_PREFIX}{index:0PLACEHOLDER_DIGITS$}x");
            }
            Err(message) => self.errors.push(ShortcodeError::Render {
                name: tag.name.to_owned(),
                message,
                line: tag.line,
                col: tag.col,
            }),
        }
    }
}

#[cfg(test)]
mod tests;
