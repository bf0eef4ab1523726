//! Stage 6, serving: HTTP over the site built in memory. In: request paths. Out: the built
//! file (HTML with the live-reload script and any error overlay injected), server-sent events
//! for reloads, or 400/404 — never a file that is not part of the built site.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::util::escape::xml_escape;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::Stream;
use tokio::sync::{broadcast, watch};

/// The path of the event stream; no site file can live under `/__teambook/`.
pub const EVENTS_PATH: &str = "/__teambook/events";

/// What the browser is told after a rebuild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signal {
    /// Output files changed (HTML and other files, by `/`-separated path; `*` when too many
    /// to list). Open tabs showing one of them reload.
    Reload(Vec<String>),
    /// Only stylesheets changed: tabs swap their `<link rel=stylesheet>` without reloading.
    Css,
    /// The last save broke the site: the report to show over the page.
    Error(String),
    /// The site builds again: hide the overlay.
    Clear,
}

/// The site being served: the last good build and the error of the last save, if it failed.
#[derive(Default)]
pub struct Served {
    pub files: HashMap<String, Bytes>,
    pub error: Option<String>,
    /// How many rebuilds ran since the first build (failed ones too; a save whose files read
    /// exactly as when last built is no rebuild). Every event carries it as its SSE `id`.
    pub build: u64,
}

#[derive(Clone)]
pub struct AppState {
    pub served: Arc<RwLock<Served>>,
    /// Each signal with the number of the rebuild that sent it ([`Served::build`]).
    pub signals: broadcast::Sender<(u64, Signal)>,
    pub shutdown: watch::Receiver<bool>,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route(EVENTS_PATH, get(events))
        .fallback(get(file))
        .with_state(state)
}

/// Why a request path was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    BadRequest,
}

/// The output file a request path names, after percent-decoding. Any `.` or `..` segment,
/// backslash, NUL or empty segment is refused: the answer is a key of the built site, never a
/// path on disk.
pub fn output_key(raw_path: &str) -> Result<String, Refused> {
    let decoded = percent_decode(raw_path).ok_or(Refused::BadRequest)?;
    let Some(rest) = decoded.strip_prefix('/') else {
        return Err(Refused::BadRequest);
    };
    if rest.contains(['\\', '\0']) {
        return Err(Refused::BadRequest);
    }
    let trimmed = rest.strip_suffix('/').unwrap_or(rest);
    if !trimmed.is_empty() {
        for seg in trimmed.split('/') {
            if seg.is_empty() || seg == "." || seg == ".." || seg.contains(':') {
                return Err(Refused::BadRequest);
            }
        }
    }
    Ok(if rest.is_empty() || rest.ends_with('/') {
        format!("{rest}index.html")
    } else {
        rest.to_string()
    })
}

/// `None` for a malformed escape (`%zz`, a lone `%`), which percent-encoding would pass through
/// as it is, and for bytes that are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let malformed = (0..bytes.len()).any(|i| {
        bytes[i] == b'%'
            && !bytes
                .get(i + 1..i + 3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    });
    if malformed {
        return None;
    }
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(std::borrow::Cow::into_owned)
}

enum Lookup {
    File(Bytes),
    /// A folder asked for without its trailing slash.
    Redirect,
    /// Not in the site: the site's own 404 page, if it has one.
    Missing(Option<Bytes>),
}

async fn file(State(state): State<AppState>, uri: Uri) -> Response {
    let key = match output_key(uri.path()) {
        Ok(k) => k,
        Err(Refused::BadRequest) => return plain(StatusCode::BAD_REQUEST, "400 Bad Request\n"),
    };
    let (found, error) = {
        let served = state.served.read().unwrap_or_else(|e| e.into_inner());
        let found = match served.files.get(&key) {
            Some(b) => Lookup::File(b.clone()),
            None if served.files.contains_key(&format!("{key}/index.html")) => Lookup::Redirect,
            None => Lookup::Missing(served.files.get("404.html").cloned()),
        };
        (found, served.error.clone())
    };
    match found {
        Lookup::Redirect => {
            let mut r = plain(StatusCode::MOVED_PERMANENTLY, "");
            if let Ok(v) = HeaderValue::from_str(&format!("{}/", uri.path())) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        Lookup::Missing(page) => {
            let page = page
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_else(|| {
                    "<!doctype html><html><head><title>Not found</title></head>\
                     <body><h1>404 Not Found</h1></body></html>"
                        .into()
                });
            let html = inject(&page, "", error.as_deref());
            html_response(StatusCode::NOT_FOUND, html.into_bytes())
        }
        Lookup::File(bytes) => {
            let mime = content_type(&key);
            if mime.starts_with("text/html") {
                let html = inject(&String::from_utf8_lossy(&bytes), &key, error.as_deref());
                return html_response(StatusCode::OK, html.into_bytes());
            }
            let mut r = Response::new(Body::from(bytes));
            if let Ok(v) = HeaderValue::from_str(&mime) {
                r.headers_mut().insert(header::CONTENT_TYPE, v);
            }
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut r = (status, text).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn html_response(status: StatusCode, html: Vec<u8>) -> Response {
    let mut r = Response::new(Body::from(html));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// The media type of a built file by its extension (mime_guess's table), text types in UTF-8.
fn content_type(key: &str) -> Cow<'static, str> {
    let ext = key.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let mime = match ext.to_ascii_lowercase().as_str() {
        // The current names, where mime_guess still gives older ones.
        "mjs" => "text/javascript",
        "xml" => "application/xml",
        "woff" => "font/woff",
        ext => mime_guess::from_ext(ext)
            .first_raw()
            .unwrap_or("application/octet-stream"),
    };
    if mime.starts_with("text/") {
        Cow::Owned(format!("{mime}; charset=utf-8"))
    } else {
        Cow::Borrowed(mime)
    }
}

/// The live-reload client. It listens to [`EVENTS_PATH`]; `data-page` is the output file the
/// tab shows, so a rebuild that did not change it leaves the tab alone.
const CLIENT: &str = include_str!("live.js");

/// Puts the live-reload script (and the error overlay, when the site is broken) before the
/// last `</body>` of a served page. Serve mode only: built files never contain it.
pub fn inject(html: &str, page: &str, error: Option<&str>) -> String {
    let mut extra = String::new();
    if let Some(err) = error {
        extra.push_str(&overlay(err));
    }
    extra.push_str(&format!(
        "<script data-teambook-page=\"{}\" data-teambook-events=\"{EVENTS_PATH}\">{CLIENT}</script>",
        xml_escape(page)
    ));
    match html.rfind("</body>") {
        Some(at) => format!("{}{extra}{}", &html[..at], &html[at..]),
        None => format!("{html}{extra}"),
    }
}

/// The error overlay, rendered on the server so it shows even before the script runs.
pub fn overlay(report: &str) -> String {
    format!(
        "<div id=\"teambook-overlay\" role=\"alert\" style=\"position:fixed;inset:0;z-index:2147483647;\
         overflow:auto;background:rgba(20,20,24,.94);color:#f6f6f6;padding:2rem;font:14px/1.5 ui-monospace,monospace\">\
         <p style=\"color:#ff8080;font-weight:bold;margin:0 0 1rem\">teambook: the last save broke the site; \
         showing the last good build. Fix the error and save again.</p>\
         <pre style=\"white-space:pre-wrap;margin:0\">{}</pre></div>",
        xml_escape(report)
    )
}

/// The event stream: `ready` at once, then the events of each rebuild, until shutdown. Each
/// event's `id` is the number of the rebuild it reports (`ready`'s: the last one), so a client
/// can tell which rebuild it is told about and whether one came between.
async fn events(
    State(state): State<AppState>,
) -> Sse<impl Stream<Item = Result<Event, std::convert::Infallible>>> {
    let rx = state.signals.subscribe();
    let shutdown = state.shutdown.clone();
    let (error, build) = {
        let served = state.served.read().unwrap_or_else(|e| e.into_inner());
        (served.error.clone(), served.build)
    };
    let first = match error {
        Some(e) => Signal::Error(e),
        None => Signal::Clear,
    };
    let served = Arc::clone(&state.served);
    let stream = futures_util::stream::unfold(
        (rx, shutdown, Some(first)),
        move |(mut rx, mut shutdown, first)| {
            let served = Arc::clone(&served);
            async move {
                if let Some(first) = first {
                    let ready = Event::default()
                        .event("ready")
                        .id(build.to_string())
                        .data(signal_data(&first));
                    return Some((Ok(ready), (rx, shutdown, None)));
                }
                let signal = tokio::select! {
                    _ = shutdown.wait_for(|stop| *stop) => None,
                    msg = rx.recv() => match msg {
                        Ok(signal) => Some(signal),
                        // A slow tab missed some events: make it reload.
                        Err(broadcast::error::RecvError::Lagged(_)) => {
                            let build = served.read().unwrap_or_else(|e| e.into_inner()).build;
                            Some((build, Signal::Reload(vec!["*".into()])))
                        }
                        Err(broadcast::error::RecvError::Closed) => None,
                    },
                };
                signal.map(|(n, s)| (Ok(to_event(n, &s)), (rx, shutdown, None)))
            }
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// The JSON data of an event. Never empty: a browser's EventSource drops an event without a
/// `data:` line, so `css`, `clear` and an error-free `ready` carry `null`.
fn signal_data(signal: &Signal) -> String {
    match signal {
        Signal::Reload(paths) => serde_json::to_string(paths).unwrap_or_default(),
        Signal::Css | Signal::Clear => "null".into(),
        Signal::Error(report) => serde_json::to_string(report).unwrap_or_default(),
    }
}

fn to_event(build: u64, signal: &Signal) -> Event {
    let name = match signal {
        Signal::Reload(_) => "reload",
        Signal::Css => "css",
        Signal::Error(_) => "error",
        Signal::Clear => "clear",
    };
    Event::default()
        .event(name)
        .id(build.to_string())
        .data(signal_data(signal))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_carries_json_data_a_browser_dispatches() {
        for (signal, data) in [
            (Signal::Css, "null"),
            (Signal::Clear, "null"),
            (
                Signal::Reload(vec!["a/index.html".into()]),
                "[\"a/index.html\"]",
            ),
            (Signal::Error("x.md:1:1: bad".into()), "\"x.md:1:1: bad\""),
        ] {
            assert_eq!(signal_data(&signal), data);
        }
    }

    #[test]
    fn request_paths_map_to_output_files() {
        assert_eq!(output_key("/").unwrap(), "index.html");
        assert_eq!(output_key("/roles/sm/").unwrap(), "roles/sm/index.html");
        assert_eq!(output_key("/style.css").unwrap(), "style.css");
        assert_eq!(output_key("/a%20b/").unwrap(), "a b/index.html");
        assert_eq!(output_key("/caf%C3%A9.html").unwrap(), "café.html");
        assert_eq!(output_key("/caf%c3%a9.html").unwrap(), "café.html");
        assert_eq!(output_key("/%41%2fb").unwrap(), "A/b");
    }

    #[test]
    fn escaping_paths_are_refused() {
        for bad in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/%2e%2e/etc/passwd",
            "/a/%2e%2e%2f%2e%2e%2fetc/passwd",
            "//etc/passwd",
            "/a//b",
            "/./a",
            "/..%5c..%5cetc",
            "/%00",
            "/C:/Windows",
            "/%zz",
            "/a%",
            "/a%4",
            "/%%41",
            "/%+1",
            "/%ff",
            "/%c3%28",
            "etc/passwd",
        ] {
            assert_eq!(output_key(bad), Err(Refused::BadRequest), "{bad}");
        }
    }

    #[test]
    fn content_types_of_the_site_files() {
        // Every extension of the table before mime_guess keeps its answer.
        for (key, want) in [
            ("index.html", "text/html; charset=utf-8"),
            ("a/old.htm", "text/html; charset=utf-8"),
            ("A/INDEX.HTML", "text/html; charset=utf-8"),
            ("style.css", "text/css; charset=utf-8"),
            ("live.js", "text/javascript; charset=utf-8"),
            ("module.mjs", "text/javascript; charset=utf-8"),
            ("search/pagefind-entry.json", "application/json"),
            ("sitemap.xml", "application/xml"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("logo.svg", "image/svg+xml"),
            ("a.png", "image/png"),
            ("a.jpg", "image/jpeg"),
            ("a.JPEG", "image/jpeg"),
            ("a.gif", "image/gif"),
            ("a.webp", "image/webp"),
            ("favicon.ico", "image/x-icon"),
            ("font.woff2", "font/woff2"),
            ("font.woff", "font/woff"),
            ("report.pdf", "application/pdf"),
            ("search/wasm.en.pagefind", "application/octet-stream"),
            ("search/pagefind.wasm", "application/wasm"),
            ("README", "application/octet-stream"),
            ("a.unknownext", "application/octet-stream"),
            // Beyond the old table: mime_guess's answers.
            ("notes.md", "text/markdown; charset=utf-8"),
            ("data.csv", "text/csv; charset=utf-8"),
            ("photo.avif", "image/avif"),
        ] {
            assert_eq!(content_type(key), want, "{key}");
        }
    }

    #[test]
    fn the_script_goes_before_the_last_body_end() {
        let html = inject("<html><body><p>x</p></body></html>", "index.html", None);
        assert!(html.ends_with("</script></body></html>"), "{html}");
        assert!(html.contains("data-teambook-page=\"index.html\""));
        assert!(!html.contains("id=\"teambook-overlay\""));
        let broken = inject("<body></body>", "", Some("content/a.md:3:1: <bad>"));
        assert!(broken.contains("id=\"teambook-overlay\""));
        assert!(broken.contains("content/a.md:3:1: &lt;bad&gt;"));
    }
}
