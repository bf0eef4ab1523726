//! Errors and warnings of every stage, carrying their path and, where known, line and column.
//! In: problems found while loading, parsing, checking, rendering or writing a site.
//! Out: `Error` values the CLI renders as `path:line:col: message`, source line and caret.

use std::fmt;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Where a located problem is: a file, the 1-based line and column (in characters) where it
/// starts, and how many characters of that line it covers (the width of its caret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub path: PathBuf,
    pub line: usize,
    pub col: usize,
    pub len: usize,
}

impl Span {
    /// One character at `line:col` of `path`.
    pub fn new(path: &Path, line: usize, col: usize) -> Span {
        Span {
            path: path.to_path_buf(),
            line,
            col,
            len: 1,
        }
    }

    /// The bytes `range` of `text`, the contents of `path`, as a parser reports them; a range
    /// over several lines covers the rest of its first line.
    pub fn of_bytes(path: &Path, text: &str, range: std::ops::Range<usize>) -> Span {
        let (line, col) = line_col(text, range.start);
        let start = floor_char_boundary(text, range.start.min(text.len()));
        let end = floor_char_boundary(text, range.end.min(text.len())).max(start);
        let first_line = text[start..end].split('\n').next().unwrap_or("");
        Span {
            len: first_line.chars().count().max(1),
            ..Span::new(path, line, col)
        }
    }

    /// The same place, `len` characters wide (at least one).
    pub fn with_len(self, len: usize) -> Span {
        Span {
            len: len.max(1),
            ..self
        }
    }
}

/// One problem, located as precisely as the stage that found it could.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A problem at a span of a file.
    #[error("{}:{}:{}: {message}", span.path.display(), span.line, span.col)]
    At {
        span: Span,
        message: String,
        /// The text of the offending line, without its newline.
        source_line: Option<String>,
        help: Option<String>,
    },
    /// A problem with a whole file.
    #[error("{}: {message}", path.display())]
    File {
        path: PathBuf,
        message: String,
        help: Option<String>,
    },
    /// The filesystem refused an operation.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The command line asked for something impossible (exit code 2).
    #[error("{0}")]
    Usage(String),
}

/// `std::io::Error` is not `Clone`; a clone keeps its kind and message.
impl Clone for Error {
    fn clone(&self) -> Self {
        match self {
            Error::At {
                span,
                message,
                source_line,
                help,
            } => Error::At {
                span: span.clone(),
                message: message.clone(),
                source_line: source_line.clone(),
                help: help.clone(),
            },
            Error::File {
                path,
                message,
                help,
            } => Error::File {
                path: path.clone(),
                message: message.clone(),
                help: help.clone(),
            },
            Error::Io { path, source } => Error::Io {
                path: path.clone(),
                source: std::io::Error::new(source.kind(), source.to_string()),
            },
            Error::Usage(m) => Error::Usage(m.clone()),
        }
    }
}

impl Error {
    /// An error at `line:col` (1-based) of `path`, quoting that line of `text`.
    pub fn at(
        path: &Path,
        text: &str,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Self::located(Span::new(path, line, col), text, message)
    }

    /// An error at `span`, quoting its line of `text`, the contents of the span's file.
    pub fn located(span: Span, text: &str, message: impl Into<String>) -> Self {
        Error::At {
            source_line: text
                .lines()
                .nth(span.line.saturating_sub(1))
                .map(str::to_string),
            span,
            message: message.into(),
            help: None,
        }
    }

    /// An error at the bytes `range` of `text` that a parser reports (TOML's spans), or at its
    /// start when the parser gives none.
    pub fn at_bytes(
        path: &Path,
        text: &str,
        range: Option<std::ops::Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        let span = Span::of_bytes(path, text, range.unwrap_or(0..1));
        Self::located(span, text, message)
    }

    /// An error at a byte offset of `text`, the contents of `path`.
    pub fn at_offset(path: &Path, text: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, col) = line_col(text, offset);
        Self::at(path, text, line, col, message)
    }

    pub fn file(path: &Path, message: impl Into<String>) -> Self {
        Error::File {
            path: path.to_path_buf(),
            message: message.into(),
            help: None,
        }
    }

    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// Adds advice on what to do about the problem.
    pub fn with_help(mut self, text: impl Into<String>) -> Self {
        match &mut self {
            Error::At { help, .. } | Error::File { help, .. } => *help = Some(text.into()),
            Error::Io { .. } | Error::Usage(_) => {}
        }
        self
    }

    pub fn path(&self) -> Option<&Path> {
        match self {
            Error::At { span, .. } => Some(&span.path),
            Error::File { path, .. } | Error::Io { path, .. } => Some(path),
            Error::Usage(_) => None,
        }
    }

    pub fn line(&self) -> Option<usize> {
        match self {
            Error::At { span, .. } => Some(span.line),
            _ => None,
        }
    }

    pub fn help(&self) -> Option<&str> {
        match self {
            Error::At { help, .. } | Error::File { help, .. } => help.as_deref(),
            _ => None,
        }
    }

    /// Renders the error for a terminal: headline, source line with a caret, help.
    pub fn report(&self, severity: Severity, color: bool) -> String {
        let paint = |code: &str, s: &str| {
            if color {
                format!("\x1b[{code}m{s}\x1b[0m")
            } else {
                s.to_string()
            }
        };
        let label = match severity {
            Severity::Error => paint("1;31", "error"),
            Severity::Warning => paint("1;33", "warning"),
        };
        let mut out = format!("{label}: {self}\n");
        if let Error::At {
            span,
            source_line: Some(src),
            ..
        } = self
        {
            let gutter = span.line.to_string();
            let pad = " ".repeat(gutter.len());
            let chars: Vec<char> = src
                .chars()
                .map(|c| if c == '\t' { ' ' } else { c })
                .collect();
            let col = span.col.saturating_sub(1).min(chars.len());
            // A long line (minified JSON, a pasted image) is cut around the column.
            let (from, to) = if chars.len() > SNIPPET {
                let from = col.saturating_sub(SNIPPET / 3);
                (from, (from + SNIPPET).min(chars.len()))
            } else {
                (0, chars.len())
            };
            let mut shown: String = chars[from..to].iter().collect();
            let mut caret_pad = col - from;
            if from > 0 {
                shown.insert(0, '…');
                caret_pad += 1;
            }
            if to < chars.len() {
                shown.push('…');
            }
            // As wide as the span, within the line (a caret past its end marks the end).
            let width = span.len.min(to.saturating_sub(col)).max(1);
            out.push_str(&format!("{pad} |\n{gutter} | {shown}\n{pad} | "));
            out.push_str(&" ".repeat(caret_pad));
            out.push_str(&paint("1;31", &"^".repeat(width)));
            out.push('\n');
        }
        if let Some(help) = self.help() {
            out.push_str(&format!("  = help: {help}\n"));
        }
        out
    }
}

/// The most characters of a source line a report shows.
const SNIPPET: usize = 120;

/// Whether a problem stops the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// Whether reports should be coloured: a terminal, and `NO_COLOR` unset.
pub fn use_color() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// All errors of one build, reported together.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<Error>);

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.0 {
            writeln!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

impl From<Error> for Errors {
    fn from(e: Error) -> Self {
        Errors(vec![e])
    }
}

/// The closest candidate to `word` by edit distance, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word_l = word.to_lowercase();
    candidates
        .into_iter()
        .filter_map(|c| {
            let c_l = c.to_lowercase();
            if word_l.len() >= 3 && (c_l.starts_with(&word_l) || word_l.starts_with(&c_l)) {
                return Some((0, c));
            }
            let d = strsim::levenshtein(&word_l, &c_l);
            let limit = (c_l.chars().count().max(word_l.chars().count()) / 3).max(2);
            (d <= limit).then_some((d, c))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// A hint for a word that names nothing: "did you mean `x`?", else the known names (up to
/// twelve), else that there are none of `what` yet.
pub fn hint<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>, what: &str) -> String {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    match did_you_mean(word, candidates.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None if candidates.is_empty() => format!("there are no {what} yet"),
        None => {
            let mut list: Vec<&str> = candidates.into_iter().take(12).collect();
            list.sort_unstable();
            format!("known {what}: {}", list.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carets_are_as_wide_as_the_span_within_its_line() {
        let text = "title = \"x\"\nweight = nope\n";
        let e = Error::at_bytes(Path::new("a.toml"), text, Some(21..25), "not a number");
        assert_eq!(e.to_string(), "a.toml:2:10: not a number");
        assert!(
            e.report(Severity::Error, false)
                .contains("\n  |          ^^^^\n")
        );
        // A span running past the end of its line is cut at the line's end.
        let long = Span::new(Path::new("b.yaml"), 1, 3).with_len(50);
        let e = Error::located(long, "a: bc\n", "x");
        assert!(
            e.report(Severity::Error, false)
                .contains("| a: bc\n  |   ^^^\n")
        );
    }

    #[test]
    fn a_long_line_is_cut_around_the_column() {
        let line = format!("data: {}BAD{}", "x".repeat(5000), "y".repeat(5000));
        let e = Error::at(Path::new("big.yaml"), &line, 1, 5007, "bad");
        let report = e.report(Severity::Error, false);
        assert!(report.len() < 400, "{report}");
        let shown = report.lines().nth(2).unwrap();
        let caret = report.lines().nth(3).unwrap();
        assert!(
            shown.starts_with("1 | …x") && shown.ends_with("y…"),
            "{shown}"
        );
        let at = caret.find('^').unwrap();
        assert_eq!(shown.chars().nth(at), Some('B'), "{shown}\n{caret}");
    }

    #[test]
    fn line_col_counts_from_one_in_characters() {
        let text = "ab\nçd\nef";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 5), (2, 2));
        assert_eq!(line_col(text, 7), (3, 1));
    }

    #[test]
    fn report_shows_source_line_and_caret() {
        let e = Error::at(Path::new("content/a.md"), "x\ntitle: [oops\n", 2, 8, "bad")
            .with_help("close the bracket");
        let r = e.report(Severity::Error, false);
        assert_eq!(
            r,
            "error: content/a.md:2:8: bad\n  |\n2 | title: [oops\n  |        ^\n  = help: close the bracket\n"
        );
    }

    #[test]
    fn did_you_mean_finds_typos_only() {
        let keys = ["title", "base_url", "language"];
        assert_eq!(did_you_mean("titel", keys), Some("title"));
        assert_eq!(did_you_mean("baseurl", keys), Some("base_url"));
        assert_eq!(did_you_mean("zzz", keys), None);
    }

    #[test]
    fn did_you_mean_takes_the_closest_within_a_third_of_the_length() {
        // Edit distance in characters: "dte" is 1 from "date", 3 from "draft".
        assert_eq!(did_you_mean("dte", ["draft", "date"]), Some("date"));
        // Six characters allow two edits, not three; a swap counts as two.
        assert_eq!(did_you_mean("abcdyz", ["abcdef"]), Some("abcdef"));
        assert_eq!(did_you_mean("abcxyz", ["abcdef"]), None);
        assert_eq!(did_you_mean("ttile", ["title"]), Some("title"));
        // Characters, not bytes: "é" for "e" is one edit.
        assert_eq!(did_you_mean("cafés", ["cafe"]), Some("cafe"));
    }
}
