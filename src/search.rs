//! Stage 5b: the search index. In: the HTML pages of the new output (staged, or kept unchanged
//! from the current output).
//! Out: pagefind's index, WebAssembly and JavaScript under `pagefind/`, for offline search in
//! the browser. Only the part of a page marked `data-pagefind-body` is indexed.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use rayon::prelude::*;

use crate::error::Error;
use crate::write::{Sink, Staged};

/// The folder of the output that holds the index.
pub const DIR: &str = "pagefind";

/// Indexes every page of the staged output and writes the index beside it. Returns the number
/// of files written. Alias redirects and pages without `data-pagefind-body` are not indexed.
///
/// `record` is where the key of the indexed pages and the files of the index are remembered
/// between builds: when no indexed page changed since the build that wrote the current output,
/// that output's index is kept in the new one instead of being built again.
pub fn write_index(sink: &Sink, language: &str, record: Option<&Path>) -> Result<usize, Error> {
    let Sink::Dir(out) = sink else {
        return Ok(0);
    };
    let mut clock = Clock::new();
    let html: Vec<(String, bool)> = out
        .files()
        .into_iter()
        .filter(|(rel, _)| rel.ends_with(".html"))
        .collect();
    let stored: Option<Record> = record
        .and_then(|r| std::fs::read(r).ok())
        .and_then(|bytes| serde_json::from_slice(&bytes).ok());
    // When every page is byte for byte the page the current output has, and the current
    // output's index was built from exactly these pages, there is nothing to read.
    let listing = listing_key(&html);
    if let Some(stored) = &stored
        && stored.html == listing
        && html.iter().all(|(_, staged)| !staged)
        && let Some(n) = reuse(stored, out)
    {
        clock.mark("search: reused unread");
        return Ok(n);
    }
    // pagefind parses the files of a folder in parallel, while pages added one by one are
    // parsed in turn under a lock and compared with every page added before them (quadratic).
    // So the views go to a scratch folder, and that is indexed. Past the check above the index
    // is nearly always built anew, so each view is written there in the pass that reads the
    // page to learn which pages are indexed and whether any changed.
    let scratch = Scratch(scratch_dir(&out.staging));
    let hashes: Vec<Option<u64>> = html
        .par_iter()
        .map(|(rel, staged)| {
            let text = read(&out.path_of(rel, *staged))?;
            let Some(view) = View::of(&text) else {
                return Ok(None);
            };
            write_view(&scratch.0, rel, &view)?;
            Ok(Some(view.hash()))
        })
        .collect::<Result<_, Error>>()?;
    let pages: Vec<(&String, u64)> = html
        .iter()
        .zip(hashes)
        .filter_map(|((rel, _), h)| h.map(|h| (rel, h)))
        .collect();
    if pages.is_empty() {
        return Ok(0);
    }
    let key = index_key(language, &pages);
    clock.mark("search: views written");
    if let Some(stored) = &stored
        && stored.key == key
        && let Some(n) = reuse(stored, out)
    {
        remember(record, key, listing, &stored.files);
        return Ok(n);
    }
    let files = index_scratch(&scratch.0, language, &mut clock)
        .map_err(|e| Error::file(&out.staging, format!("search index: {e}")))?;
    drop(scratch);
    clock.mark("search: scratch removed");
    files
        .par_iter()
        .map(|(rel, bytes)| sink.write(&format!("{DIR}/{rel}"), bytes))
        .collect::<Result<Vec<()>, Error>>()?;
    clock.mark("search: files written");
    let sizes: Vec<(String, u64)> = files
        .iter()
        .map(|(rel, bytes)| (rel.clone(), bytes.len() as u64))
        .collect();
    remember(record, key, listing, &sizes);
    Ok(files.len())
}

/// Saves what the next build needs to know of this index. The record only ever saves time;
/// failing to write it is not an error.
fn remember(record: Option<&Path>, key: u64, html: u64, files: &[(String, u64)]) {
    let Some(record) = record else {
        return;
    };
    let stored = Record {
        key,
        html,
        files: files.to_vec(),
    };
    if let Some(dir) = record.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = std::fs::write(record, serde_json::to_vec(&stored).unwrap_or_default());
}

/// Where the views go: under `/dev/shm` where there is one, as creating and deleting thousands
/// of small files costs next to nothing in memory and seconds on a busy disk; else beside the
/// staging folder. The name is unique to the staging folder.
fn scratch_dir(staging: &Path) -> PathBuf {
    let mut h = DefaultHasher::new();
    staging.hash(&mut h);
    let name = format!("teambook-{}-{:016x}.search", std::process::id(), h.finish());
    let shm = Path::new("/dev/shm");
    remove_stale_scratch(shm);
    // Registered before it is made: a signal in between must not leave it behind.
    let in_shm = shm.join(&name);
    crate::util::temp::register(&in_shm);
    if shm.is_dir() && std::fs::create_dir(&in_shm).is_ok() {
        return in_shm;
    }
    crate::util::temp::unregister(&in_shm);
    let dir = staging.with_file_name(name);
    crate::util::temp::register(&dir);
    dir
}

/// Removes the scratch folders that killed teambook processes left in `dir`
/// (`teambook-<pid>-<hash>.search`).
fn remove_stale_scratch(dir: &Path) {
    crate::util::temp::remove_stale(dir, |n| {
        let rest = n.strip_suffix(".search")?.strip_prefix("teambook-")?;
        rest.split('-').next()?.parse().ok()
    });
}

/// The scratch folder of the views, removed with everything in it when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
        crate::util::temp::unregister(&self.0);
    }
}

/// Writes the view of the page at `rel` under `scratch`.
fn write_view(scratch: &Path, rel: &str, view: &View) -> Result<(), Error> {
    let path = scratch.join(rel);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    view.write_to(&path).map_err(|e| Error::io(&path, e))
}

/// Has pagefind index the views under `scratch`. Returns the index files, `/`-separated paths
/// inside [`DIR`] with their contents.
fn index_scratch(scratch: &Path, language: &str, clock: &mut Clock) -> Result<IndexFiles, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| e.to_string())?;
    let folder = scratch.to_string_lossy().into_owned();
    let files = runtime
        .block_on(async {
            let config = PagefindServiceConfig::builder()
                .force_language(language.to_string())
                .build();
            let mut index = PagefindIndex::new(Some(config))?;
            index.add_directory(folder, None).await?;
            clock.mark("search: pages parsed");
            let files = index.get_files().await;
            clock.mark("search: index built");
            files
        })
        .map_err(|e| format!("{e:#}"))?;
    clock.mark("search: index dropped");
    drop(runtime);
    clock.mark("search: runtime dropped");
    Ok(files
        .into_iter()
        .map(|f| (f.filename.to_string_lossy().replace('\\', "/"), f.contents))
        .collect())
}

/// Index files: `/`-separated paths inside [`DIR`] and contents.
type IndexFiles = Vec<(String, Vec<u8>)>;

/// Times of the steps of indexing, printed to stderr when `TEAMBOOK_TIMINGS` is set.
struct Clock(Option<std::time::Instant>);

impl Clock {
    fn new() -> Clock {
        Clock(std::env::var_os("TEAMBOOK_TIMINGS").map(|_| std::time::Instant::now()))
    }

    fn mark(&mut self, step: &str) {
        if let Some(last) = self.0.as_mut() {
            let now = std::time::Instant::now();
            let last = std::mem::replace(last, now);
            eprintln!(
                "timing: {step:<24} {:>8.1} ms",
                last.elapsed().as_secs_f64() * 1000.0
            );
        }
    }
}

/// What a build remembers of the index it wrote.
#[derive(serde::Serialize, serde::Deserialize)]
struct Record {
    key: u64,
    /// The key of the output's HTML files (paths only, see [`listing_key`]).
    html: u64,
    /// Paths inside [`DIR`] and sizes.
    files: Vec<(String, u64)>,
}

/// The version of what pagefind is given of a page (the view and what it leaves out): a
/// stored index made under other rules is not reused, even by a build of the same version.
const VIEW_RULES: u32 = 2;

/// The key of an index: pagefind's and teambook's versions, the view rules, the language, and
/// every indexed page's path and view.
fn index_key(language: &str, pages: &[(&String, u64)]) -> u64 {
    let mut h = DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    VIEW_RULES.hash(&mut h);
    language.hash(&mut h);
    pages.hash(&mut h);
    h.finish()
}

/// The key of the list of HTML files of an output. When no page was staged, every page is the
/// current output's, so equal listings mean equal pages.
fn listing_key(html: &[(String, bool)]) -> u64 {
    let mut h = DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    VIEW_RULES.hash(&mut h);
    for (rel, _) in html {
        rel.hash(&mut h);
    }
    h.finish()
}

/// Keeps the index of the current output in the new one when it is still whole (every file
/// with its recorded size). Returns the number of files, or `None` to build it anew.
fn reuse(stored: &Record, out: &Staged) -> Option<usize> {
    let old = out.target.join(DIR);
    let whole = stored.files.par_iter().all(|(rel, size)| {
        std::fs::metadata(old.join(rel)).is_ok_and(|m| m.is_file() && m.len() == *size)
    });
    if !whole {
        return None;
    }
    let kept = stored
        .files
        .par_iter()
        .all(|(rel, _)| out.keep(&format!("{DIR}/{rel}")));
    kept.then_some(stored.files.len())
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

/// What pagefind is given of a page: nothing for a page it would not index (no
/// `data-pagefind-body`, or an alias redirect); else the page, with the parts of `<body>` before
/// and after the indexed element cut out when pagefind would read nothing there. On a theme
/// page those parts (header, navigation tree, footer) are two thirds of the bytes.
#[derive(Clone, Copy)]
struct View<'a> {
    parts: [&'a str; 3],
}

impl<'a> View<'a> {
    fn of(html: &'a str) -> Option<View<'a>> {
        let marker = html.find("data-pagefind-body")?;
        if html.contains("http-equiv=\"refresh\"") {
            return None;
        }
        Some(match cut_points(html, marker) {
            Some([body_end, open, element_end, body_close]) => View {
                parts: [
                    &html[..body_end],
                    &html[open..element_end],
                    &html[body_close..],
                ],
            },
            None => View {
                parts: [html, "", ""],
            },
        })
    }

    #[cfg(test)]
    fn is_cut(&self) -> bool {
        !self.parts[1].is_empty()
    }

    fn hash(&self) -> u64 {
        let mut h = DefaultHasher::new();
        self.parts.hash(&mut h);
        h.finish()
    }

    fn write_to(&self, path: &Path) -> std::io::Result<()> {
        let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
        for part in self.parts {
            if has_long_run(part.as_bytes()) {
                let mut text = Vec::with_capacity(part.len());
                write_without_code_spans(part, &mut text)?;
                std::io::Write::write_all(&mut file, &without_long_runs(&text))?;
            } else {
                write_without_code_spans(part, &mut file)?;
            }
        }
        std::io::Write::flush(&mut file)
    }

    #[cfg(test)]
    fn text(&self) -> String {
        self.parts.concat()
    }
}

/// Writes `html` with the highlighting spans of its code blocks left out: text only, for
/// pagefind. A highlighted block is mostly `<span class="hl-…">` tags (a hundred in a short
/// block), each one an element pagefind's parser visits; spans join text without spaces, so
/// the text pagefind reads, and its index, are the same without them. A block holding any
/// other span (raw HTML, which may carry `data-pagefind-*` attributes) is written whole.
fn write_without_code_spans(html: &str, out: &mut impl std::io::Write) -> std::io::Result<()> {
    const OPEN: &str = "<pre class=\"code\"";
    const CLOSE: &str = "</pre>";
    let mut rest = html;
    while let Some(start) = rest.find(OPEN) {
        let Some(len) = rest[start..].find(CLOSE) else {
            break;
        };
        let (before, block) = (&rest[..start], &rest[start..start + len]);
        out.write_all(before.as_bytes())?;
        let only_ours = block
            .match_indices("<span")
            .all(|(i, _)| block[i..].starts_with("<span class=\"hl-"));
        if only_ours {
            let mut text = block;
            while let Some(tag) = text
                .find("<span")
                .into_iter()
                .chain(text.find("</span>"))
                .min()
            {
                out.write_all(&text.as_bytes()[..tag])?;
                let end = text[tag..].find('>').map_or(text.len(), |e| tag + e + 1);
                text = &text[end..];
            }
            out.write_all(text.as_bytes())?;
        } else {
            out.write_all(block.as_bytes())?;
        }
        rest = &rest[start + len..];
    }
    out.write_all(rest.as_bytes())
}

/// The longest run of ASCII letters, digits and punctuation without a space that search
/// indexes. Longer runs are a pasted data URI, base64 or minified code, never a word: indexed,
/// one such line of 5 MB cost seconds and grew the index by megabytes. Runs of other scripts
/// (Chinese, Japanese, which need no spaces) are not counted.
pub const MAX_INDEXED_RUN: usize = 256;

/// Whether a run that [`without_long_runs`] drops may be in `bytes`: a window of more than
/// [`MAX_INDEXED_RUN`] bytes none of which is a break. Probes every `MAX_INDEXED_RUN + 1`
/// bytes and looks back only to the last break, so ordinary text costs a fraction of a pass.
fn has_long_run(bytes: &[u8]) -> bool {
    let window = MAX_INDEXED_RUN + 1;
    let mut start = 0;
    while start + window <= bytes.len() {
        let probe = start + window - 1;
        match bytes[start..=probe].iter().rposition(|&b| breaks_run(b)) {
            Some(i) => start += i + 1,
            None => return true,
        }
    }
    false
}

/// Bytes that end a run: whitespace, tag brackets, and every byte of a non-ASCII character.
fn breaks_run(b: u8) -> bool {
    b.is_ascii_whitespace() || b == b'<' || b == b'>' || !b.is_ascii()
}

/// The longest run inside a tag (an attribute value) pagefind is given. A `data:` URI of an
/// image pasted into Markdown is megabytes in one `src`; pagefind's parser took a minute over
/// one of 5 MB. Links and image paths are far shorter.
const MAX_TAG_RUN: usize = 4096;

/// `html` with every text run longer than [`MAX_INDEXED_RUN`] replaced by a space, and every
/// run inside a tag longer than [`MAX_TAG_RUN`] left out; the rest is kept as it is.
fn without_long_runs(html: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(html.len());
    let mut i = 0;
    while i < html.len() {
        if html[i] == b'<' {
            let end = html[i..]
                .iter()
                .position(|&b| b == b'>')
                .map_or(html.len(), |e| i + e + 1);
            let tag = &html[i..end];
            let mut k = 0;
            while k < tag.len() {
                let value_break = |b: u8| breaks_run(b) || b == b'"' || b == b'\'';
                let run = tag[k..].iter().take_while(|&&b| !value_break(b)).count();
                if run == 0 {
                    out.push(tag[k]);
                    k += 1;
                } else {
                    if run <= MAX_TAG_RUN {
                        out.extend_from_slice(&tag[k..k + run]);
                    }
                    k += run;
                }
            }
            i = end;
            continue;
        }
        let run = html[i..].iter().take_while(|&&b| !breaks_run(b)).count();
        if run == 0 {
            out.push(html[i]);
            i += 1;
        } else {
            if run > MAX_INDEXED_RUN {
                out.push(b' ');
            } else {
                out.extend_from_slice(&html[i..i + run]);
            }
            i += run;
        }
    }
    out
}

/// The tags pagefind drops with everything inside them, from its parser.
const REMOVED_TAGS: &[&str] = &[
    "head", "style", "script", "noscript", "label", "form", "svg", "footer", "nav", "iframe",
    "template",
];

/// Where the body's content before and after the element holding `marker` starts and ends:
/// `[end of <body>, start of the element, end of the element, start of </body>]`. `None` when a
/// part to cut holds something pagefind reads outside that element: its attributes, a first
/// `<h1>` or `<img>` (default title and image), a `<title>` when the head has none, or an
/// unclosed element that pagefind drops with its content (it may enclose the indexed one).
fn cut_points(html: &str, marker: usize) -> Option<[usize; 4]> {
    let open = html[..marker].rfind('<')?;
    let name = tag_name(&html[open + 1..]);
    if name.is_empty() {
        return None;
    }
    let body = html[..open].find("<body")?;
    let body_end = body + html[body..open].find('>')? + 1;
    let close_tag = format!("</{name}>");
    let close = html.rfind(&close_tag).filter(|&c| c > marker)?;
    let element_end = close + close_tag.len();
    let body_close = element_end + html[element_end..].find("</body>")?;
    let head_has_title = html[..body].contains("<title");
    let safe = |part: &str| {
        let lower = part.to_ascii_lowercase();
        !lower.contains("pagefind") && tags_are_harmless(&lower, head_has_title)
    };
    (safe(&html[body_end..open]) && safe(&html[element_end..body_close])).then_some([
        body_end,
        open,
        element_end,
        body_close,
    ])
}

/// Whether lower-case HTML has no `<h1>`, `<img>` or (unless the head has one) `<title>`, and
/// closes every dropped element it opens. Text that only looks like a tag (in a script or a
/// comment) can only make this answer no, which keeps the whole page.
fn tags_are_harmless(lower: &str, head_has_title: bool) -> bool {
    let mut open = [0i64; REMOVED_TAGS.len()];
    let mut rest = lower;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let closing = rest.starts_with('/');
        let name = tag_name(rest.trim_start_matches('/'));
        if !closing && (name == "h1" || name == "img" || (name == "title" && !head_has_title)) {
            return false;
        }
        if let Some(k) = REMOVED_TAGS.iter().position(|t| *t == name) {
            let end = rest.find('>').unwrap_or(rest.len());
            open[k] += match (closing, rest[..end].ends_with('/')) {
                (true, _) => -1,
                (false, true) => 0,
                (false, false) => 1,
            };
        }
    }
    open.iter().all(|&n| n == 0)
}

/// The name at the start of a tag's text (after `<`).
fn tag_name(text: &str) -> &str {
    let len = text
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-')
        .count();
    &text[..len]
}

#[cfg(test)]
mod tests;
