//! Stage 4a: the template engine. In: templates in override order and the site's base path.
//! Out: one shared `Tera` with teambook's filters and functions, and template errors located at
//! `file:line:col` of the template that caused them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tera::{Kwargs, State, Tera, Value};

use crate::config::{Config, MenuItem};
use crate::error::Error;
use crate::load::{Sources, TemplateSource};
use crate::model::Site;
use crate::model::url::with_base;
use crate::render::context::Views;
use crate::render::records::RecordViews;
use crate::report::sprints::Analysis;
use crate::util::path::normalize;
use crate::util::slug::slugify;

/// The `config` global: the site's config, its base path, and its menus with their URLs under
/// the base path, sorted by weight.
#[derive(serde::Serialize)]
struct ConfigView<'a> {
    #[serde(flatten)]
    config: &'a Config,
    base_path: &'a str,
    menus: std::collections::BTreeMap<&'a str, Vec<MenuItem>>,
}

impl<'a> ConfigView<'a> {
    fn new(site: &'a Site) -> Self {
        let menus = site
            .config
            .menus
            .iter()
            .map(|(name, items)| {
                let mut items: Vec<MenuItem> = items
                    .iter()
                    .map(|i| MenuItem {
                        url: site_url(&site.base_path, &i.url),
                        ..i.clone()
                    })
                    .collect();
                items.sort_by_key(|i| i.weight);
                (name.as_str(), items)
            })
            .collect();
        ConfigView {
            config: &site.config,
            base_path: &site.base_path,
            menus,
        }
    }
}

/// The `assets` global: the URLs of the theme's stylesheets.
#[derive(serde::Serialize)]
struct Assets {
    css: String,
    highlight_css: String,
}

/// The engine plus where each template came from, for error messages.
pub struct Engine {
    pub tera: Tera,
    sources: HashMap<String, (PathBuf, String)>,
    /// Filled by [`Engine::register_site`] once the site is assembled; read by `ref`/`relref`.
    refs: Arc<std::sync::OnceLock<RefTargets>>,
}

impl Engine {
    /// Loads templates (later sources override earlier ones of the same name); record and
    /// sprint functions answer from an empty site.
    pub fn new(templates: &[TemplateSource], base_path: &str) -> Result<Engine, Vec<Error>> {
        Self::with_records(templates, base_path, Arc::default(), Arc::default())
    }

    /// The template engine of a build: templates, filters and functions answering from the
    /// site's records and sprint reports, and every global but `site`, which needs the
    /// rendered bodies (see [`Engine::set_site`]).
    pub fn for_site(
        site: &Site,
        sources: &Sources,
        records: Arc<RecordViews>,
        sprints: Arc<Analysis>,
        serve: bool,
    ) -> Result<Engine, Vec<Error>> {
        let mut engine = Self::with_records(&sources.templates, &site.base_path, records, sprints)?;
        engine.register_site(site);
        let globals = engine.tera.global_context();
        globals.insert("config", &ConfigView::new(site));
        globals.insert("data", &sources.data);
        globals.insert(
            "assets",
            &Assets {
                css: with_base(&site.base_path, "/style.css"),
                highlight_css: with_base(&site.base_path, "/syntax.css"),
            },
        );
        globals.insert("serve", &serve);
        Ok(engine)
    }

    /// Gives templates the `site` global: the navigation tree, built once per build.
    pub fn set_site(&mut self, views: &Views) {
        self.tera
            .global_context()
            .insert("site", &views.site_globals(views.nav()));
    }

    /// Like [`Engine::new`], with the record and sprint functions answering from `records`
    /// and `sprints`.
    fn with_records(
        templates: &[TemplateSource],
        base_path: &str,
        records: Arc<RecordViews>,
        sprints: Arc<Analysis>,
    ) -> Result<Engine, Vec<Error>> {
        let mut chosen: HashMap<String, &TemplateSource> = HashMap::new();
        for t in templates {
            chosen.insert(t.name.clone(), t);
        }
        let sources: HashMap<String, (PathBuf, String)> = chosen
            .iter()
            .map(|(n, t)| (n.clone(), (t.path.clone(), t.text.clone())))
            .collect();
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".xml", ".htm"]);
        register(&mut tera, base_path);
        let refs: Arc<std::sync::OnceLock<RefTargets>> = Arc::default();
        register_refs(&mut tera, &refs);
        let team_ids = records.ids("team");
        crate::render::records::register(&mut tera, records);
        crate::render::records::register_sprints(&mut tera, sprints, team_ids);
        let mut engine = Engine {
            tera: Tera::new(),
            sources,
            refs,
        };
        if let Err(e) =
            tera.add_raw_templates(chosen.iter().map(|(n, t)| (n.as_str(), t.text.as_str())))
        {
            let located = match e.kind() {
                tera::ErrorKind::Msg(reports) => engine.locate_reports(reports),
                _ => Vec::new(),
            };
            if located.is_empty() {
                return Err(vec![engine.locate(&e, None)]);
            }
            return Err(located);
        }
        engine.tera = tera;
        Ok(engine)
    }

    /// Whether the template `name` mentions the variable `var` (a word of its own in the
    /// template's text, so `body` and not `nobody`).
    pub fn uses_variable(&self, name: &str, var: &str) -> bool {
        self.sources.get(name).is_some_and(|(_, text)| {
            text.match_indices(var).any(|(at, _)| {
                let word = |c: char| c.is_alphanumeric() || c == '_';
                let before = text[..at].chars().next_back().is_none_or(|c| !word(c));
                let after = text[at + var.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !word(c));
                before && after
            })
        })
    }

    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// Renders a template; errors point into the template that failed.
    pub fn render(&self, name: &str, ctx: &tera::Context) -> Result<String, Error> {
        self.tera
            .render(name, ctx)
            .map_err(|e| self.locate(&e, Some(name)))
    }

    /// Tera checks every template once all are loaded (unknown filters, tests, functions,
    /// includes) and hands back its reports as text, each `error: <message>` then
    /// ` --> <template>:<line>:<col>`; they become ours, at the template file's position.
    fn locate_reports(&self, reports: &str) -> Vec<Error> {
        let mut errors = Vec::new();
        let mut message = None;
        for line in reports.lines() {
            if let Some(m) = line.strip_prefix("error: ") {
                message = Some(m.to_string());
            } else if let (Some(at), Some(_)) = (line.trim_start().strip_prefix("--> "), &message) {
                let mut parts = at.rsplitn(3, ':');
                let (col, line_no, name) = (parts.next(), parts.next(), parts.next());
                let position = line_no
                    .and_then(|l| l.parse().ok())
                    .zip(col.and_then(|c| c.parse().ok()));
                if let (Some((line_no, col)), Some((path, text))) =
                    (position, name.and_then(|n| self.sources.get(n)))
                {
                    let m = message.take().unwrap_or_default();
                    errors.push(Error::at(path, text, line_no, col, m));
                }
            }
        }
        errors
    }

    /// A template that reaches itself through `{% include %}` or `{% extends %}`: the error is
    /// at the tag in the first template of `chain` that names the next one.
    fn cycle(&self, tpl: &str, chain: &[String], tag: &str, verb: &str) -> Error {
        let shown = chain.join(" → ");
        let message = if chain.len() <= 2 {
            format!("`{tpl}` {verb} itself ({shown}), so it would never end")
        } else {
            format!(
                "`{tpl}` {verb} itself by way of other templates ({shown}), so it would never end"
            )
        };
        let help = format!("remove the `{{% {tag} %}}` that leads back to `{tpl}`");
        let next = chain.get(1).map_or(tpl, String::as_str);
        match self.sources.get(tpl) {
            Some((path, text)) => match tag_offset(text, tag, next) {
                Some(offset) => Error::at_offset(path, text, offset, message),
                None => Error::file(path, message),
            }
            .with_help(help),
            None => Error::file(Path::new("templates"), message).with_help(help),
        }
    }

    /// Turns a Tera error into ours, at the template file's line and column.
    pub fn locate(&self, e: &tera::Error, rendering: Option<&str>) -> Error {
        match e.kind() {
            tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
                let name = if r.filename().is_empty() {
                    rendering.unwrap_or("")
                } else {
                    r.filename()
                };
                // Tera's "unknown tag" at an `{% endX %}` that closes another block than the
                // open one: found once, here, and reported at the block left open.
                let misclosed_at = self
                    .sources
                    .get(name)
                    .filter(|_| r.message().starts_with("Unknown tag"))
                    .and_then(|(_, text)| misclosed(text, r.span().start_line, r.span().start_col));
                match self.sources.get(name) {
                    Some((path, text)) if misclosed_at.is_some() => {
                        let (offset, open, close) = misclosed_at.expect("matched as some");
                        Error::at_offset(
                            path,
                            text,
                            offset,
                            format!(
                                "`{{% {open} %}}` is never closed: `{{% {close} %}}` comes first"
                            ),
                        )
                        .with_help(format!(
                            "add `{{% end{open} %}}` before the `{{% {close} %}}`"
                        ))
                    }
                    Some((path, text)) if r.message().contains("Unexpected end of input") => {
                        match unclosed_block(text) {
                            Some((offset, tag)) => Error::at_offset(
                                path,
                                text,
                                offset,
                                format!("`{{% {tag} %}}` is never closed"),
                            )
                            .with_help(format!("add `{{% end{tag} %}}` where its part ends")),
                            None => Error::at(
                                path,
                                text,
                                r.span().start_line,
                                r.span().start_col + 1,
                                r.message().to_string(),
                            ),
                        }
                    }
                    Some((path, text)) => Error::at(
                        path,
                        text,
                        r.span().start_line,
                        r.span().start_col + 1,
                        r.message().to_string(),
                    ),
                    None => Error::file(Path::new(name), r.message().to_string()),
                }
            }
            tera::ErrorKind::TemplateNotFound(missing) => {
                let path = rendering
                    .and_then(|n| self.sources.get(n))
                    .map_or_else(|| PathBuf::from("templates"), |(p, _)| p.clone());
                Error::file(&path, format!("template `{missing}` not found"))
                    .with_help(format!("add templates/{missing}"))
            }
            tera::ErrorKind::CircularInclude { tpl, include_chain } => {
                self.cycle(tpl, include_chain, "include", "includes")
            }
            tera::ErrorKind::CircularExtend {
                tpl,
                inheritance_chain,
            } => {
                // `tpl` is the template being resolved, the chain its parents up to the first
                // repeat; the loop is the part of the chain from the repeated name on.
                let repeated = inheritance_chain.last().unwrap_or(tpl);
                let looped: Vec<String> = if repeated == tpl {
                    std::iter::once(tpl.clone())
                        .chain(inheritance_chain.iter().cloned())
                        .collect()
                } else {
                    let from = inheritance_chain
                        .iter()
                        .position(|n| n == repeated)
                        .unwrap_or(0);
                    inheritance_chain[from..].to_vec()
                };
                self.cycle(&looped[0], &looped, "extends", "extends")
            }
            tera::ErrorKind::MissingParent { current, parent } => {
                let path = self
                    .sources
                    .get(current)
                    .map_or_else(|| PathBuf::from(current), |(p, _)| p.clone());
                Error::file(&path, format!("extends `{parent}`, which does not exist"))
                    .with_help(format!("add templates/{parent} or fix the name"))
            }
            _ => {
                let path = rendering
                    .and_then(|n| self.sources.get(n))
                    .map_or_else(|| PathBuf::from("templates"), |(p, _)| p.clone());
                let mut msg = e.to_string();
                let mut src = std::error::Error::source(e);
                while let Some(s) = src {
                    msg.push_str(&format!(": {s}"));
                    src = s.source();
                }
                Error::file(&path, msg)
            }
        }
    }
}

/// For Tera's "unknown tag" at an `{% endX %}` (1-based line, 0-based column) that closes a
/// block other than the innermost open one: that block's offset, its tag and the `endX`.
fn misclosed(text: &str, line: usize, col: usize) -> Option<(usize, &'static str, String)> {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let at = line_start
        + text
            .get(line_start..)?
            .chars()
            .take(col)
            .map(char::len_utf8)
            .sum::<usize>();
    let word: String = text
        .get(at..)?
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let closed = word.strip_prefix("end")?;
    let (offset, open) = unclosed_block(text.get(..at)?)?;
    (open != closed).then(|| (offset, open, word.clone()))
}

/// The innermost block tag of `text` (`if`, `for`, `block`, `macro`, `filter`, `raw`) left
/// open at the end, with its byte offset: where Tera's "unexpected end of input" begins.
fn unclosed_block(text: &str) -> Option<(usize, &'static str)> {
    const BLOCKS: [&str; 6] = ["if", "for", "block", "macro", "filter", "raw"];
    let mut open: Vec<(usize, &'static str)> = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find("{%") {
        let start = from + found;
        let end = text[start..].find("%}").map_or(text.len(), |e| start + e);
        let inner = text[start + 2..end].trim_matches('-').trim();
        let word = inner.split_whitespace().next().unwrap_or("");
        from = (end + 2).min(text.len());
        if open.last().is_some_and(|(_, t)| *t == "raw") && word != "endraw" {
            continue;
        }
        if let Some(tag) = BLOCKS.iter().find(|b| **b == word) {
            open.push((start, tag));
        } else if let Some(closed) = word.strip_prefix("end")
            && let Some(at) = open.iter().rposition(|(_, t)| *t == closed)
        {
            open.truncate(at);
        }
    }
    open.pop()
}

/// The byte offset of the first `{% tag "name" %}` (or `{%- tag 'name' -%}`) in `text`.
fn tag_offset(text: &str, tag: &str, name: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(found) = text[from..].find("{%") {
        let start = from + found;
        let end = text[start..].find("%}").map_or(text.len(), |e| start + e);
        let inner = text[start + 2..end].trim_start_matches('-').trim();
        if let Some(rest) = inner.strip_prefix(tag) {
            let rest = rest.trim_start();
            if rest.starts_with(&format!("\"{name}\"")) || rest.starts_with(&format!("'{name}'")) {
                return Some(start);
            }
        }
        from = start + 2;
    }
    None
}

fn register(tera: &mut Tera, base_path: &str) {
    let base: Arc<str> = Arc::from(base_path);
    tera.register_function(
        "url",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
            Ok(site_url(&base, &path))
        },
    );
    tera.register_filter("slugify", |s: &str, _: Kwargs, _: &State| slugify(s));
    tera.register_filter("urlencode", |s: &str, _: Kwargs, _: &State| urlencode(s));
    tera.register_filter(
        "json_encode",
        |v: &Value, _: Kwargs, _: &State| -> tera::TeraResult<String> {
            serde_json::to_string(v).map_err(|e| tera::Error::message(e.to_string()))
        },
    );
    tera.register_filter(
        "date",
        |s: &str, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let format: String = kwargs.get("format")?.unwrap_or_else(|| "%Y-%m-%d".into());
            let d = crate::parse::frontmatter::Date::parse(s)
                .ok_or_else(|| tera::Error::message(format!("`{s}` is not a date")))?;
            let zoned = d.instant.to_zoned_datetime(jiff::tz::TimeZone::UTC);
            let mut out = String::new();
            use std::fmt::Write;
            write!(out, "{}", zoned.strftime(&format))
                .map_err(|_| tera::Error::message(format!("bad date format `{format}`")))?;
            Ok(out)
        },
    );
    tera.register_filter(
        "highlight",
        |code: &str, kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let lang: Option<String> = kwargs.get("lang")?;
            let lang = lang.filter(|l| !l.is_empty());
            let html = crate::parse::markdown::code_block_html(
                lang.as_deref(),
                &trim_code(code),
                crate::parse::highlight::Highlighter::global(),
            );
            Ok(Value::safe_string(&html))
        },
    );
    tera.register_filter(
        "markdown",
        |s: &str, kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let inline: bool = kwargs.get("inline")?.unwrap_or(false);
            let mut html = String::new();
            let parser = pulldown_cmark::Parser::new_ext(s, pulldown_cmark::Options::all());
            pulldown_cmark::html::push_html(&mut html, parser);
            if inline {
                let t = html.trim();
                if let Some(inner) = t.strip_prefix("<p>").and_then(|x| x.strip_suffix("</p>")) {
                    html = inner.to_string();
                }
            }
            Ok(Value::safe_string(&html))
        },
    );
}

/// The code of a `highlight` shortcode without its leading blank lines and trailing space,
/// ending in one newline as a fenced block does.
fn trim_code(code: &str) -> String {
    let start = code
        .char_indices()
        .take_while(|(_, c)| c.is_whitespace())
        .filter(|(_, c)| *c == '\n')
        .last()
        .map_or(0, |(i, _)| i + 1);
    let mut out = code[start..].trim_end().to_string();
    out.push('\n');
    out
}

impl Engine {
    /// Gives `ref(path=, from=)` (absolute URL) and `relref(path=, from=)` (root-relative)
    /// the assembled site's content files, so they resolve a content path as Hugo does.
    fn register_site(&self, site: &Site) {
        let _ = self.refs.set(RefTargets {
            by_source: site.by_source.clone(),
            base_path: site.base_path.clone(),
            base_url: site.config.base_url_slash(),
        });
    }
}

fn register_refs(tera: &mut Tera, refs: &Arc<std::sync::OnceLock<RefTargets>>) {
    for (name, absolute) in [("ref", true), ("relref", false)] {
        let refs = Arc::clone(refs);
        tera.register_function(
            name,
            move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
                let path: String = kwargs.must_get("path")?;
                let from: String = kwargs.get("from")?.unwrap_or_default();
                let targets = refs.get().ok_or_else(|| {
                    tera::Error::message("ref/relref: the site is not assembled yet")
                })?;
                targets
                    .resolve(&path, &from, absolute)
                    .map_err(tera::Error::message)
            },
        );
    }
}

/// Content files and their site paths, for `ref` and `relref`.
struct RefTargets {
    by_source: HashMap<PathBuf, String>,
    base_path: String,
    base_url: String,
}

impl RefTargets {
    /// `path` may be relative to the page's folder (`from`, a source path), rooted at
    /// `content/` (`/posts/a.md`), without `.md`, a bundle or section folder, or a bare file
    /// name found once in the site; `#anchor` is kept.
    fn resolve(&self, path: &str, from: &str, absolute: bool) -> Result<String, String> {
        let (file, fragment) = match path.split_once('#') {
            Some((f, frag)) => (f, Some(frag)),
            None => (path, None),
        };
        let site_path = if file.is_empty() {
            self.by_source.get(Path::new(from)).cloned()
        } else {
            self.find(file, from)
        };
        let Some(site_path) = site_path else {
            return Err(format!(
                "ref/relref: no page is built from `{path}` (a content file such as `posts/first.md`)"
            ));
        };
        let mut out = if absolute {
            format!("{}{}", self.base_url.trim_end_matches('/'), site_path)
        } else {
            with_base(&self.base_path, &site_path)
        };
        if let Some(f) = fragment {
            out.push('#');
            out.push_str(f);
        }
        Ok(out)
    }

    fn find(&self, file: &str, from: &str) -> Option<String> {
        let from_dir = Path::new(from).parent().unwrap_or(Path::new("content"));
        let bases: Vec<PathBuf> = match file.strip_prefix('/') {
            Some(abs) => vec![Path::new("content").join(abs)],
            None => vec![from_dir.join(file), Path::new("content").join(file)],
        };
        for base in &bases {
            let Some(base) = normalize(base) else {
                continue;
            };
            let s = base.to_string_lossy();
            let trimmed = s.trim_end_matches('/');
            for candidate in [
                trimmed.to_string(),
                format!("{trimmed}.md"),
                format!("{trimmed}/index.md"),
                format!("{trimmed}/_index.md"),
            ] {
                if let Some(u) = self.by_source.get(Path::new(&candidate)) {
                    return Some(u.clone());
                }
            }
        }
        // A bare name: the one content file of that name anywhere in the site.
        if !file.contains('/') {
            let want = file.trim_end_matches(".md");
            let mut found = self.by_source.iter().filter(|(p, _)| {
                p.file_stem().is_some_and(|s| s == want)
                    || (p.file_stem().is_some_and(|s| s == "index")
                        && p.parent()
                            .and_then(Path::file_name)
                            .is_some_and(|d| d == want))
            });
            if let (Some((_, u)), None) = (found.next(), found.next()) {
                return Some(u.clone());
            }
        }
        None
    }
}

/// A site path made root-relative under the base path; full URLs pass through.
pub fn site_url(base: &str, path: &str) -> String {
    if path.contains("://") || path.starts_with("//") || path.starts_with('#') {
        return path.to_string();
    }
    let base_trim = base.trim_end_matches('/');
    if !base_trim.is_empty() && (path == base_trim || path.starts_with(&format!("{base_trim}/"))) {
        return path.to_string();
    }
    with_base(base, path)
}

/// What [`urlencode`] encodes: all but ASCII letters, digits, `-`, `_`, `.`, `~` and `/`.
const URL_KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// Percent-encodes everything but unreserved characters and `/`, in uppercase hex.
pub fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, URL_KEEP).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tpl(name: &str, text: &str) -> TemplateSource {
        TemplateSource {
            name: name.into(),
            text: text.into(),
            path: PathBuf::from(format!("templates/{name}")),
        }
    }

    #[test]
    fn urlencode_keeps_only_unreserved_characters_and_slashes() {
        assert_eq!(
            urlencode("a b/c-d_e.f~g!*'();:@&=+$,?#[]%é\u{0}"),
            "a%20b/c-d_e.f~g%21%2A%27%28%29%3B%3A%40%26%3D%2B%24%2C%3F%23%5B%5D%25%C3%A9%00"
        );
        for b in 0u8..0x80 {
            let c = char::from(b).to_string();
            let kept = b.is_ascii_alphanumeric() || b"-_.~/".contains(&b);
            let want = if kept { c.clone() } else { format!("%{b:02X}") };
            assert_eq!(urlencode(&c), want);
        }
    }

    #[test]
    fn later_templates_override_earlier_ones() {
        let e = Engine::new(&[tpl("a.html", "one"), tpl("a.html", "two")], "/").unwrap();
        assert_eq!(e.render("a.html", &tera::Context::new()).unwrap(), "two");
    }

    #[test]
    fn url_function_honours_base_path() {
        let e = Engine::new(&[tpl("a.html", "{{ url(path='/roles/') }}")], "/handbook/").unwrap();
        assert_eq!(
            e.render("a.html", &tera::Context::new()).unwrap(),
            "/handbook/roles/"
        );
        assert_eq!(site_url("/handbook/", "/handbook/x/"), "/handbook/x/");
        assert_eq!(site_url("/handbook/", "https://a.b/"), "https://a.b/");
    }

    #[test]
    fn filters_work() {
        let e = Engine::new(
            &[tpl(
                "a.html",
                "{{ 'Scrum Master!' | slugify }} {{ '2026-03-01' | date(format='%d %B %Y') }} {{ '*x*' | markdown(inline=true) }} {{ 'a b' | urlencode }}",
            )],
            "/",
        )
        .unwrap();
        assert_eq!(
            e.render("a.html", &tera::Context::new()).unwrap(),
            "scrum-master 01 March 2026 <em>x</em> a%20b"
        );
    }

    #[test]
    fn highlight_filter_trims_and_highlights() {
        let e = Engine::new(
            &[tpl(
                "a.html",
                "{{ code | highlight(lang='yaml') }}|{{ code | highlight }}",
            )],
            "/",
        )
        .unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("code", "\n\nkey: {{ .Values.x }}\n  ");
        let out = e.render("a.html", &ctx).unwrap();
        let (yaml, plain) = out.split_once('|').unwrap();
        assert!(
            yaml.starts_with("<pre class=\"code\" data-lang=\"yaml\">"),
            "{yaml}"
        );
        assert!(yaml.contains("hl-"), "{yaml}");
        assert_eq!(
            plain,
            "<pre class=\"code\"><code>key: {{ .Values.x }}\n</code></pre>\n"
        );
    }

    #[test]
    fn refs_resolve_like_hugo() {
        let t = RefTargets {
            by_source: [
                ("content/posts/first.md", "/posts/first/"),
                ("content/posts/_index.md", "/posts/"),
                ("content/guides/setup/index.md", "/guides/setup/"),
            ]
            .into_iter()
            .map(|(a, b)| (PathBuf::from(a), b.to_string()))
            .collect(),
            base_path: "/blog/".into(),
            base_url: "https://x.org/blog/".into(),
        };
        let from = "content/posts/second.md";
        assert_eq!(
            t.resolve("first.md", from, false).unwrap(),
            "/blog/posts/first/"
        );
        assert_eq!(
            t.resolve("/posts/first", from, false).unwrap(),
            "/blog/posts/first/"
        );
        assert_eq!(t.resolve("posts", from, false).unwrap(), "/blog/posts/");
        assert_eq!(
            t.resolve("setup#step-2", from, true).unwrap(),
            "https://x.org/blog/guides/setup/#step-2"
        );
        assert_eq!(
            t.resolve("../guides/setup/index.md", from, false).unwrap(),
            "/blog/guides/setup/"
        );
        assert!(t.resolve("missing.md", from, false).is_err());
    }

    #[test]
    fn unknown_filters_point_into_the_template_file() {
        let errors = Engine::new(
            &[
                tpl("base.html", "{{ x }}"),
                tpl("page.html", "line one\n{{ page.title | nosuchfilter }}\n"),
            ],
            "/",
        )
        .err()
        .expect("an unknown filter is an error");
        let shown = errors[0].to_string();
        assert!(
            shown.starts_with("templates/page.html:2:") && shown.contains("nosuchfilter"),
            "{shown}"
        );
    }

    #[test]
    fn syntax_errors_point_into_the_template_file() {
        let err = Engine::new(&[tpl("page.html", "ok\n{% if %}\n")], "/")
            .err()
            .unwrap();
        let msg = err[0].to_string();
        assert!(msg.starts_with("templates/page.html:2:"), "{msg}");
    }

    #[test]
    fn render_errors_point_into_the_template_file() {
        let e = Engine::new(&[tpl("page.html", "a\n{{ missing.field }}\n")], "/").unwrap();
        let err = e.render("page.html", &tera::Context::new()).unwrap_err();
        assert!(
            err.to_string().starts_with("templates/page.html:2:"),
            "{err}"
        );
    }
}
