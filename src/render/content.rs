//! Stage 4b: page bodies. In: a page's Markdown body, the site (for link targets) and the engine
//! (for shortcode templates). Out: HTML, summary, ToC, word count, anchor ids and the internal
//! links to check once every page is rendered.

use std::collections::HashSet;
use std::path::Path;

use serde::Serialize;

use crate::error::Error;
use crate::model::Site;
use crate::model::url::with_base;
use crate::parse::highlight::Highlighter;
use crate::parse::markdown::{self, InternalLink, LinkTarget, MarkdownOptions, TocEntry};
use crate::parse::shortcodes;
use crate::render::engine::Engine;
use crate::util::path::normalize;

/// What a page or section body turns into.
#[derive(Debug, Default, Clone, Serialize, serde::Deserialize)]
pub struct Content {
    pub html: String,
    pub summary_html: Option<String>,
    pub toc: Vec<TocEntry>,
    pub word_count: usize,
    /// Every `id="…"` in the body, for anchor checks.
    pub ids: HashSet<String>,
    pub links: Vec<InternalLink>,
}

impl Content {
    /// Minutes to read at 200 words a minute, at least one.
    pub fn reading_time(&self) -> usize {
        self.word_count.div_ceil(200).max(1)
    }
}

/// The source a body comes from.
pub struct Body<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    pub body_start: usize,
    pub body_line: usize,
    pub title: &'a str,
    pub url: &'a str,
    /// Front matter keys kept for templates (`page.params`).
    pub params: &'a serde_json::Map<String, serde_json::Value>,
}

impl<'a> Body<'a> {
    pub fn of_page(p: &'a crate::model::Page) -> Body<'a> {
        Body {
            path: &p.path,
            text: &p.text,
            body_start: p.body_start,
            body_line: p.body_line,
            title: &p.title,
            url: &p.url,
            params: &p.meta.params,
        }
    }

    /// The body of a section's `_index.md`; `None` for a section without one.
    pub fn of_section(s: &'a crate::model::Section) -> Option<Body<'a>> {
        Some(Body {
            path: s.path.as_deref()?,
            text: &s.text,
            body_start: s.body_start,
            body_line: s.body_line,
            title: &s.title,
            url: &s.url,
            params: &s.meta.params,
        })
    }
}

#[derive(Serialize)]
struct ShortcodePage<'a> {
    title: &'a str,
    url: String,
    /// Source file, e.g. `content/posts/first.md`, for `ref`/`relref`.
    source_path: String,
    /// Site params overlaid by the page's, keys lowercased as Hugo's `.Param` sees them.
    params: serde_json::Map<String, serde_json::Value>,
}

/// Expands shortcodes, renders Markdown and rewrites links to source files.
pub fn render_body(
    site: &Site,
    engine: &Engine,
    hl: &Highlighter,
    body: &Body,
) -> Result<Content, Vec<Error>> {
    let src = &body.text[body.body_start..];
    let page_ctx = ShortcodePage {
        title: body.title,
        url: with_base(&site.base_path, body.url),
        source_path: crate::load::slash_path(body.path),
        params: if shortcodes::has_shortcodes(src) {
            site.config
                .params
                .iter()
                .chain(body.params.iter())
                .map(|(k, v)| (k.to_lowercase(), v.clone()))
                .collect()
        } else {
            serde_json::Map::new()
        },
    };
    let mut stack: Vec<String> = Vec::new();
    let mut render_call = |call: &shortcodes::Call| -> Result<String, String> {
        call_shortcode(site, engine, hl, &page_ctx, &mut stack, call)
    };
    let expanded = shortcodes::expand(src, &mut render_call).map_err(|errs| {
        errs.into_iter()
            .map(|e| {
                // Every line it names, the error's own and those in its message, of the file.
                let e = e.shift(body.body_line - 1);
                let (line, col) = e.position();
                Error::at(body.path, body.text, line, col, e.to_string())
            })
            .collect::<Vec<_>>()
    })?;
    let source_dir = body.path.parent().unwrap_or(Path::new("content"));
    let resolve = |dest: &str| resolve_link(site, source_dir, dest);
    let opts = markdown_options(site);
    let rendered = markdown::render(&expanded.markdown, &opts, hl, &resolve, body.url);
    if !rendered.diagram_errors.is_empty() {
        return Err(rendered
            .diagram_errors
            .iter()
            .map(|d| {
                // Shortcodes move text: find the fence's text in the source again.
                let offset = src
                    .find(d.code.as_str())
                    .map_or(d.offset.min(src.len()), |at| at + d.offset_in_code);
                Error::at_offset(
                    body.path,
                    body.text,
                    body.body_start + offset,
                    format!("this Mermaid diagram does not draw: {}", d.message),
                )
                .with_help(
                    "fix the diagram (its syntax is Mermaid's), or write ```text to show it as code",
                )
            })
            .collect());
    }
    let (html, summary_html) = if expanded.html.is_empty() {
        (rendered.html, rendered.summary_html)
    } else {
        (
            shortcodes::restore(&rendered.html, &expanded.html),
            rendered
                .summary_html
                .map(|s| shortcodes::restore(&s, &expanded.html)),
        )
    };
    let ids = collect_ids(&html);
    Ok(Content {
        html,
        summary_html,
        toc: rendered.toc,
        word_count: rendered.word_count,
        ids,
        links: rendered.links,
    })
}

/// Renders one shortcode call with its template; `include` renders a snippet in place.
/// `stack`: the snippets being included, outermost first, to refuse a cycle.
fn call_shortcode(
    site: &Site,
    engine: &Engine,
    hl: &Highlighter,
    page_ctx: &ShortcodePage,
    stack: &mut Vec<String>,
    call: &shortcodes::Call,
) -> Result<String, String> {
    if call.name == "include" && !engine.has("shortcodes/include.html") {
        return include(site, engine, hl, page_ctx, stack, call);
    }
    let name = format!("shortcodes/{}.html", call.name);
    if !engine.has(&name) {
        return Err(format!(
            "unknown shortcode `{}`: add the template templates/{name}",
            call.name
        ));
    }
    let mut ctx = tera::Context::new();
    let args: serde_json::Map<String, serde_json::Value> = call
        .named
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::to_value(v).unwrap_or_default()))
        .collect();
    ctx.insert("args", &args);
    ctx.insert("pos", &call.positional);
    ctx.insert("body", &call.body);
    ctx.insert("markdown", &call.markdown);
    ctx.insert("page", &page_ctx);
    // A template file's final newline is not part of an inline shortcode's output.
    engine
        .render(&name, &ctx)
        .map_err(|e| {
            // A template that needs the text between the tags, called without a closing
            // tag: say that, not what Tera found missing inside the template.
            if call.body.is_none() && engine.uses_variable(&name, "body") {
                let (open, close) = if call.markdown {
                    ("{{%", "%}}")
                } else {
                    ("{{<", ">}}")
                };
                format!(
                    "never closed: its template uses the text between `{open} {n} {close}` \
                         and `{open} /{n} {close}`; add the closing tag after that text",
                    n = call.name
                )
            } else {
                e.to_string()
            }
        })
        .map(|mut out| {
            while out.ends_with('\n') {
                out.pop();
            }
            out
        })
}

/// The site's Markdown options, for page bodies and included snippets alike.
fn markdown_options(site: &Site) -> MarkdownOptions {
    MarkdownOptions {
        smart_punctuation: site.config.markdown.smart_punctuation,
        unsafe_html: site.config.markdown.unsafe_html,
    }
}

/// How deep includes may nest (a snippet including a snippet …).
const MAX_INCLUDE_DEPTH: usize = 16;

/// `{{< include "snippets/on-call.md" >}}`: the snippet's Markdown, its shortcodes expanded,
/// rendered to HTML in place. The path is relative to the site root (`snippets/` may be left
/// out); a missing snippet, a cycle and an error inside the snippet are errors at the call.
fn include(
    site: &Site,
    engine: &Engine,
    hl: &Highlighter,
    page_ctx: &ShortcodePage,
    stack: &mut Vec<String>,
    call: &shortcodes::Call,
) -> Result<String, String> {
    let text_of = |v: &shortcodes::ArgValue| match v {
        shortcodes::ArgValue::Str(s) => s.clone(),
        shortcodes::ArgValue::Int(i) => i.to_string(),
        shortcodes::ArgValue::Float(x) => x.to_string(),
        shortcodes::ArgValue::Bool(b) => b.to_string(),
    };
    let asked = call
        .named
        .iter()
        .find(|(k, _)| k == "path")
        .map(|(_, v)| text_of(v))
        .or_else(|| call.positional.first().map(text_of))
        .ok_or("name the snippet, e.g. `{{< include \"snippets/on-call.md\" >}}`")?;
    let key = asked.trim().trim_start_matches("./").to_string();
    let key = if site.snippets.contains_key(&key) {
        key
    } else {
        format!("snippets/{key}")
    };
    let Some(text) = site.snippets.get(&key) else {
        let hint = crate::error::did_you_mean(&asked, site.snippets.keys().map(String::as_str))
            .map_or_else(
                || "put it in the site's snippets/ folder".to_string(),
                |s| format!("did you mean `{s}`?"),
            );
        return Err(format!("no snippet `{asked}`; {hint}"));
    };
    if let Some(at) = stack.iter().position(|s| *s == key) {
        let mut chain: Vec<&str> = vec![page_ctx.source_path.as_str()];
        chain.extend(
            stack[..]
                .iter()
                .map(String::as_str)
                .skip(at.min(stack.len())),
        );
        chain.push(&key);
        return Err(format!("`{key}` includes itself ({})", chain.join(" → ")));
    }
    if stack.len() >= MAX_INCLUDE_DEPTH {
        return Err(format!("snippets nest deeper than {MAX_INCLUDE_DEPTH}"));
    }
    stack.push(key.clone());
    let (front_len, body_line) = match crate::parse::frontmatter::split(Path::new(&key), text) {
        Ok(split) => (text.len() - split.body.len(), split.body_line),
        Err(_) => (0, 1),
    };
    let expanded = shortcodes::expand(&text[front_len..], &mut |c| {
        call_shortcode(site, engine, hl, page_ctx, stack, c)
    });
    stack.pop();
    let expanded = expanded.map_err(|errs| {
        errs.into_iter()
            .map(|e| {
                let e = e.shift(body_line - 1);
                let (line, col) = e.position();
                format!("in {key}:{line}:{col}: {e}")
            })
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    let opts = markdown_options(site);
    let source_dir = Path::new(&page_ctx.source_path)
        .parent()
        .unwrap_or(Path::new("content"))
        .to_path_buf();
    let resolve = |dest: &str| resolve_link(site, &source_dir, dest);
    let ids = format!("{}\u{0}{key}", page_ctx.url);
    let rendered = markdown::render(&expanded.markdown, &opts, hl, &resolve, &ids);
    if let Some(d) = rendered.diagram_errors.first() {
        let (line, col) = crate::error::line_col(&expanded.markdown, d.offset);
        return Err(format!(
            "in {key}:{}:{col}: this Mermaid diagram does not draw: {}",
            line + body_line - 1,
            d.message
        ));
    }
    let html = if expanded.html.is_empty() {
        rendered.html
    } else {
        shortcodes::restore(&rendered.html, &expanded.html)
    };
    Ok(html.trim_end().to_string())
}

/// Maps a link written in a body to its target: source files become page URLs, site paths
/// get the base path.
pub fn resolve_link(site: &Site, source_dir: &Path, dest: &str) -> LinkTarget {
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    if path.is_empty() {
        return LinkTarget::Keep;
    }
    let path_only = path.split('?').next().unwrap_or(path);
    if path_only.ends_with(".md") || path_only.ends_with(".markdown") {
        let joined = if let Some(abs) = path_only.strip_prefix('/') {
            Path::new("content").join(abs)
        } else {
            source_dir.join(path_only)
        };
        let Some(target) = normalize(&joined) else {
            return LinkTarget::Unresolved;
        };
        return match site.by_source.get(&target) {
            Some(url) => {
                let mut href = with_base(&site.base_path, url);
                if let Some(f) = fragment {
                    href.push('#');
                    href.push_str(f);
                }
                LinkTarget::Resolved(href)
            }
            None => LinkTarget::Unresolved,
        };
    }
    if path.starts_with('/') && site.base_path != "/" && !path.starts_with(&site.base_path) {
        return LinkTarget::Resolved(with_base(&site.base_path, dest));
    }
    LinkTarget::Keep
}

/// Collects `id="…"` attribute values of rendered HTML.
pub fn collect_ids(html: &str) -> HashSet<String> {
    let mut ids = HashSet::new();
    let mut rest = html;
    while let Some(i) = rest.find(" id=\"") {
        rest = &rest[i + 5..];
        if let Some(end) = rest.find('"') {
            ids.insert(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    ids
}

/// The first paragraph of rendered HTML, used as a summary when none is given.
pub fn first_paragraph(html: &str) -> Option<String> {
    let start = html.find("<p>")?;
    let end = html[start..].find("</p>")? + start + 4;
    Some(html[start..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn ids_are_collected() {
        let ids = collect_ids("<h2 id=\"a\">A</h2><p>x</p><sup id=\"fn-1\">1</sup>");
        assert!(ids.contains("a") && ids.contains("fn-1"));
        assert_eq!(ids.len(), 2);
    }

    #[test]
    fn first_paragraph_only() {
        assert_eq!(
            first_paragraph("<h2>x</h2><p>one</p><p>two</p>").as_deref(),
            Some("<p>one</p>")
        );
        assert_eq!(first_paragraph("<pre>x</pre>"), None);
    }

    #[test]
    fn normalize_refuses_escapes() {
        assert_eq!(
            normalize(Path::new("content/roles/../glossary/pod.md")),
            Some(PathBuf::from("content/glossary/pod.md"))
        );
        assert_eq!(normalize(Path::new("../../etc/passwd")), None);
    }
}
