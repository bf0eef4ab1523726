//! Stage 4a: the template engine. In: templates in override order and the site's base path.
//! Out: one shared `Tera` with teambook's filters and functions, and template errors located at
//! `file:line:col` of the template that caused them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tera::{Kwargs, State, Tera, Value};

use crate::error::Error;
use crate::load::TemplateSource;
use crate::model::url::{slugify, with_base};

/// The engine plus where each template came from, for error messages.
pub struct Engine {
    pub tera: Tera,
    sources: HashMap<String, (PathBuf, String)>,
}

impl Engine {
    /// Loads templates (later sources override earlier ones of the same name).
    pub fn new(templates: &[TemplateSource], base_path: &str) -> Result<Engine, Vec<Error>> {
        Self::with_records(templates, base_path, Arc::default())
    }

    /// Like [`Engine::new`], with the record functions answering from `records`.
    pub fn with_records(
        templates: &[TemplateSource],
        base_path: &str,
        records: Arc<crate::render::records::RecordViews>,
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
        crate::render::records::register(&mut tera, records);
        let mut engine = Engine {
            tera: Tera::new(),
            sources,
        };
        if let Err(e) =
            tera.add_raw_templates(chosen.iter().map(|(n, t)| (n.as_str(), t.text.as_str())))
        {
            return Err(vec![engine.locate(&e, None)]);
        }
        engine.tera = tera;
        Ok(engine)
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

    /// Turns a Tera error into ours, at the template file's line and column.
    pub fn locate(&self, e: &tera::Error, rendering: Option<&str>) -> Error {
        match e.kind() {
            tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
                let name = if r.filename().is_empty() {
                    rendering.unwrap_or("")
                } else {
                    r.filename()
                };
                match self.sources.get(name) {
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

/// Percent-encodes everything but unreserved characters.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
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
