//! `teambook serve` end to end: the real binary on a free loopback port, plain HTTP over
//! `TcpStream`, the reload signal read from the event stream. Every wait is bounded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use crate::common::{site, write};

const WAIT: Duration = Duration::from_secs(20);

/// A running `teambook serve`; killed when dropped.
struct Server {
    child: Child,
    port: u16,
    stdout: Receiver<String>,
}

impl Server {
    fn start(root: &Path, extra: &[&str]) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_teambook"));
        cmd.arg("--root").arg(root).arg("serve").args(extra);
        Self::spawn(cmd)
    }

    /// `teambook serve` run inside the site folder, as a user types it: no `--root`.
    fn start_in(root: &Path) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_teambook"));
        cmd.current_dir(root).arg("serve");
        Self::spawn(cmd)
    }

    fn spawn(mut cmd: Command) -> Server {
        let mut child = cmd
            .env("NO_COLOR", "1")
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Both streams, as the terminal shows them.
        let (tx, stdout) = channel();
        let err_tx = tx.clone();
        let out = child.stdout.take().unwrap();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                if err_tx.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + WAIT;
        let port = loop {
            let line = stdout
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("serve did not start");
            if let Some(rest) = line.strip_prefix("Serving http://127.0.0.1:") {
                break rest.split('/').next().unwrap().parse().unwrap();
            }
        };
        Server {
            child,
            port,
            stdout,
        }
    }

    fn get(&self, path: &str) -> (u16, String) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(WAIT)).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let text = String::from_utf8_lossy(&raw).into_owned();
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
        (status, body.to_string())
    }

    /// Connects to the event stream and waits for its `ready` event.
    fn events(&self) -> Events {
        self.events_with_ready().0
    }

    /// [`Server::events`], with `ready`: its data is the current error report, if any, its
    /// build the number of the last rebuild.
    fn events_with_ready(&self) -> (Events, Event) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            s,
            "GET /__teambook/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            // Chunk-size lines of the HTTP framing and `:` keep-alives are skipped.
            let (mut name, mut data, mut id) = (String::new(), String::new(), String::new());
            for line in BufReader::new(s).lines().map_while(Result::ok) {
                if let Some(n) = line.strip_prefix("event: ") {
                    name = n.to_string();
                } else if let Some(d) = line.strip_prefix("data: ") {
                    data.push_str(d);
                } else if let Some(i) = line.strip_prefix("id: ") {
                    id = i.to_string();
                } else if line.is_empty() && !name.is_empty() {
                    let event = Event {
                        name: std::mem::take(&mut name),
                        data: std::mem::take(&mut data),
                        build: std::mem::take(&mut id)
                            .parse()
                            .expect("every event has its rebuild's number as its id"),
                    };
                    if tx.send(event).is_err() {
                        break;
                    }
                }
            }
        });
        let events = Events { rx };
        let ready = events.next();
        assert_eq!(ready.name, "ready", "the first event");
        (events, ready)
    }

    fn wait_line(&self, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let line = self
                .stdout
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .unwrap_or_else(|_| panic!("no line containing {needle:?}"));
            if line.contains(needle) {
                return line;
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One server-sent event: its name, its data and the number of the rebuild it reports.
#[derive(Debug)]
struct Event {
    name: String,
    data: String,
    build: u64,
}

struct Events {
    rx: Receiver<Event>,
}

impl Events {
    /// The next event, whatever its name.
    fn next(&self) -> Event {
        self.rx.recv_timeout(WAIT).expect("no event")
    }

    /// The data of the next event named `name`; other events are skipped.
    fn wait(&self, name: &str) -> String {
        self.wait_event(name).data
    }

    /// The next event named `name`; other events are skipped.
    fn wait_event(&self, name: &str) -> Event {
        let deadline = Instant::now() + WAIT;
        loop {
            match self
                .rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(e) if e.name == name => return e,
                Ok(_) => {}
                Err(_) => panic!("no `{name}` event"),
            }
        }
    }
}

#[test]
fn serve_in_the_site_folder_sees_a_save() {
    let dir = handbook();
    let server = Server::start_in(dir.path());
    let events = server.events();
    save(
        dir.path(),
        "content/page.md",
        "---\ntitle: A page\n---\nSecond version.\n",
    );
    events.wait("reload");
    let (status, body) = server.get("/page/");
    assert_eq!(status, 200);
    assert!(body.contains("Second version."), "{body}");
}

fn handbook() -> tempfile::TempDir {
    site(&[
        (
            "teambook.yaml",
            "title: Serve test\nbase_url: https://example.org/handbook/\n",
        ),
        ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
        (
            "content/page.md",
            "---\ntitle: A page\n---\nFirst version.\n\n{{< team >}}\n",
        ),
        (
            "templates/shortcodes/team.html",
            "<span class=\"team\">Team {{ data.team.name }}</span>",
        ),
        ("data/team.yaml", "name: Falcons\n"),
        ("static/custom.css", "body { color: black; }\n"),
    ])
}

/// Saves like most editors: write a temp file beside the target, then rename it over.
fn save(root: &Path, rel: &str, text: &str) {
    let tmp = root.join(format!("{rel}.tmp"));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, root.join(rel)).unwrap();
}

#[test]
fn an_edit_sends_the_reload_signal_and_serves_the_new_content() {
    let dir = handbook();
    let server = Server::start(dir.path(), &[]);
    let events = server.events();
    let (status, body) = server.get("/page/");
    assert_eq!(status, 200);
    assert!(body.contains("First version."), "{body}");
    assert!(body.contains("Team Falcons"), "{body}");
    assert!(body.contains("data-teambook-events"), "no reload script");

    save(
        dir.path(),
        "content/page.md",
        "---\ntitle: A page\n---\nSecond version.\n\n{{< team >}}\n",
    );
    let changed = events.wait("reload");
    assert!(changed.contains("page/index.html"), "{changed}");
    let (_, body) = server.get("/page/");
    assert!(body.contains("Second version."), "{body}");
    // Only the body changed: the page is patched into the last build, not rebuilt with the site.
    server.wait_line("Rebuilt (incremental) after a content change");

    // A data change re-renders the pages that use it.
    save(dir.path(), "data/team.yaml", "name: Owls\n");
    let changed = events.wait("reload");
    server.wait_line("Rebuilt (full) after a data change");
    assert!(changed.contains("page/index.html"), "{changed}");
    assert!(server.get("/page/").1.contains("Team Owls"));

    // So does a template change, though the page's own text did not change.
    save(
        dir.path(),
        "templates/shortcodes/team.html",
        "<span>Crew {{ data.team.name }}</span>",
    );
    events.wait("reload");
    assert!(server.get("/page/").1.contains("Crew Owls"));

    // A stylesheet change swaps styles without a page reload.
    save(dir.path(), "static/custom.css", "body { color: navy; }\n");
    events.wait("css");
    assert!(server.get("/custom.css").1.contains("navy"));

    // Serving never writes the site to disk.
    assert!(!dir.path().join("public").exists());
}

#[test]
fn a_broken_save_shows_the_overlay_and_keeps_the_last_good_page() {
    let dir = handbook();
    let server = Server::start(dir.path(), &[]);
    let events = server.events();

    save(
        dir.path(),
        "content/page.md",
        "---\ntitle: [unclosed\n---\nBroken version.\n",
    );
    let report = events.wait("error");
    assert!(report.contains("content/page.md:2:8"), "{report}");
    assert!(report.contains("title: [unclosed"), "{report}");
    // The terminal shows it too.
    server.wait_line("content/page.md:2:8");
    server.wait_line("Still serving the last good build");

    let (status, body) = server.get("/page/");
    assert_eq!(status, 200);
    assert!(body.contains("First version."), "{body}");
    assert!(!body.contains("Broken version."), "{body}");
    assert!(body.contains("id=\"teambook-overlay\""), "{body}");
    assert!(body.contains("content/page.md:2:8"), "{body}");
    // A tab opened while broken is told at once: its `ready` event carries the report.
    let (late, ready) = server.events_with_ready();
    let ready = ready.data;
    assert!(ready.contains("content/page.md:2:8"), "{ready}");
    assert!(ready.contains("title: [unclosed"), "{ready}");
    drop(late);

    save(
        dir.path(),
        "content/page.md",
        "---\ntitle: A page\n---\nFixed version.\n",
    );
    events.wait("clear");
    let changed = events.wait("reload");
    assert!(changed.contains("page/index.html"), "{changed}");
    let (_, body) = server.get("/page/");
    assert!(body.contains("Fixed version."), "{body}");
    assert!(!body.contains("id=\"teambook-overlay\""), "{body}");
}

#[test]
fn a_template_error_is_shown_with_its_position() {
    let dir = handbook();
    let server = Server::start(dir.path(), &[]);
    let events = server.events();
    save(
        dir.path(),
        "templates/shortcodes/team.html",
        "Team {{ data.team.name ",
    );
    let report = events.wait("error");
    assert!(report.contains("team.html"), "{report}");
    assert!(server.get("/page/").1.contains("Team Falcons"));
}

#[test]
fn editor_save_patterns_make_one_rebuild_and_git_churn_none() {
    let dir = handbook();
    let root = dir.path();
    let server = Server::start(root, &[]);
    let (events, ready) = server.events_with_ready();

    // Vim: probe file, swap file, backup by rename, new file, backup removed.
    let c = root.join("content");
    std::fs::write(c.join("4913"), "").unwrap();
    std::fs::remove_file(c.join("4913")).unwrap();
    std::fs::write(c.join(".page.md.swp"), "swap").unwrap();
    std::fs::rename(c.join("page.md"), c.join("page.md~")).unwrap();
    std::fs::write(c.join("page.md"), "---\ntitle: A page\n---\nVim version.\n").unwrap();
    std::fs::remove_file(c.join("page.md~")).unwrap();
    std::fs::remove_file(c.join(".page.md.swp")).unwrap();

    let vim = events.wait_event("reload");
    assert_eq!(
        vim.build,
        ready.build + 1,
        "a rebuild before the Vim save's: {vim:?}"
    );
    assert!(vim.data.contains("\"page/index.html\""), "{vim:?}");
    assert!(server.get("/page/").1.contains("Vim version."));
    // No second rebuild for the same save, however late: the next rebuild is the sentinel's.
    // Every event carries its rebuild's number, and a rebuild that changes no file (sends no
    // event) still counts, so one of the Vim save in between would show as a skipped number.
    // The sentinel is a stylesheet save: its rebuild sends `css`, which no page save sends.
    let sentinel = |colour: &str| {
        save(
            root,
            "static/custom.css",
            &format!("body {{ color: {colour}; }}\n"),
        );
        let next = events.next();
        assert_eq!(next.name, "css", "not the sentinel's: {next:?}");
        assert!(server.get("/custom.css").1.contains(colour));
        next.build
    };
    let first = sentinel("navy");
    assert_eq!(
        first,
        vim.build + 1,
        "a rebuild came between the Vim save's and the sentinel's"
    );

    // Git and editor noise alone never rebuild: the next rebuild is again the next sentinel's.
    write(root, ".git/index.lock", b"x");
    write(root, ".git/objects/ab/cd", b"x");
    write(root, "content/notes.md.swp", b"x");
    write(root, "content/#page.md#", b"x");
    write(root, "content/4913", b"");
    let second = sentinel("teal");
    assert_eq!(second, first + 1, "the noise caused a rebuild");

    // Several quick saves in a row: the last one is what is served.
    for n in 1..=5 {
        save(
            root,
            "content/page.md",
            &format!("---\ntitle: A page\n---\nSave number {n}.\n"),
        );
    }
    let deadline = Instant::now() + WAIT;
    while !server.get("/page/").1.contains("Save number 5.") {
        assert!(Instant::now() < deadline, "the last save was missed");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn paths_out_of_the_site_are_refused_without_contents() {
    let dir = handbook();
    let root = dir.path();
    write(root, "secret.txt", b"TOPSECRET");
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "key.txt", b"TOPSECRET");
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.path().join("key.txt"), root.join("static/key.txt"))
        .unwrap();
    let server = Server::start(root, &[]);
    let key = outside.path().join("key.txt");
    let absolute = format!("/{}", key.display());
    // README: `..` (encoded or not), backslashes, empty segments and absolute paths get 400;
    // anything else not in the site gets 404, the site's 404.html.
    let not_found = server.get("/no-such-page/");
    assert_eq!(not_found.0, 404);
    assert!(not_found.1.contains("<title>"), "{}", not_found.1);
    for (path, want) in [
        ("/../secret.txt", 400),
        ("/../../../../etc/passwd", 400),
        ("/%2e%2e/secret.txt", 400),
        ("/%2E%2E/%2e%2e/etc/passwd", 400),
        ("/page/..%2f..%2fsecret.txt", 400),
        ("/..%5csecret.txt", 400),
        ("//etc/passwd", 400),
        (absolute.as_str(), 400),
        ("/secret.txt", 404),
        ("/teambook.yaml", 404),
        ("/content/page.md", 404),
        ("/key.txt", 404),
    ] {
        let (status, body) = server.get(path);
        assert_eq!(status, want, "{path}");
        if want == 404 {
            assert_eq!(body, not_found.1, "{path}: the site's 404.html");
        }
        assert!(!body.contains("TOPSECRET"), "{path} leaked a file");
        assert!(!body.contains("root:"), "{path} leaked /etc/passwd");
    }
    assert_eq!(server.get("/page").0, 301);
    assert_eq!(server.get("/custom.css").0, 200);
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let dir = handbook();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_teambook"))
        .env("NO_COLOR", "1")
        .arg("--root")
        .arg(dir.path())
        .args(["serve", "--port", &port])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("already in use"), "{err}");
    assert!(err.contains("--port"), "{err}");
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_and_a_public_bind_warns() {
    let dir = handbook();
    let mut child = Command::new(env!("CARGO_BIN_EXE_teambook"))
        .env("NO_COLOR", "1")
        .arg("--root")
        .arg(dir.path())
        .args(["serve", "--port", "0", "--bind", "0.0.0.0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.starts_with("Serving") {
        line.clear();
        assert!(out.read_line(&mut line).unwrap() > 0, "serve exited early");
    }
    // An open event stream must not keep the server from stopping.
    let port: u16 = line
        .trim_start_matches("Serving http://127.0.0.1:")
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let mut sse = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        sse,
        "GET /__teambook/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("serve did not stop on Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("Stopped."), "{rest}");
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(err.contains("reachable from other machines"), "{err}");
}

#[test]
fn build_output_never_carries_the_reload_script() {
    let dir = handbook();
    let (code, _, err) = crate::common::build(dir.path(), &[]);
    assert_eq!(code, 0, "{err}");
    for entry in walkdir::WalkDir::new(dir.path().join("public")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let text = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).into_owned();
            assert!(!text.contains("__teambook"), "{}", entry.path().display());
            let html = entry.path().extension().is_some_and(|x| x == "html");
            assert!(
                !(html && text.contains("data-preview")),
                "{}",
                entry.path().display()
            );
        }
    }
    // The preview says why its search box finds nothing: the index is made by `build`.
    let server = Server::start(dir.path(), &[]);
    assert!(server.get("/page/").1.contains("data-preview"));
}

#[test]
fn a_site_broken_at_start_is_served_with_its_error_until_fixed() {
    let dir = handbook();
    write(
        dir.path(),
        "content/page.md",
        b"---\ntitle: [unclosed\n---\nBroken.\n",
    );
    let server = Server::start(dir.path(), &[]);
    let (events, first) = server.events_with_ready();
    let first = first.data;
    assert!(first.contains("content/page.md:2:8"), "{first}");
    let (status, body) = server.get("/");
    assert_eq!(status, 404);
    assert!(body.contains("id=\"teambook-overlay\""), "{body}");

    save(
        dir.path(),
        "content/page.md",
        "---\ntitle: A page\n---\nNow it builds.\n",
    );
    events.wait("clear");
    events.wait("reload");
    let (status, body) = server.get("/page/");
    assert_eq!(status, 200);
    assert!(body.contains("Now it builds."), "{body}");
}

#[test]
fn a_data_record_save_changes_the_role_table() {
    let dir = site(&[
        ("teambook.yaml", "title: Roles\n"),
        ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
        (
            "content/compare.md",
            "---\ntitle: Compare\n---\n{{< role_table >}}\n",
        ),
        (
            "data/roles.yaml",
            "- title: Scrum Master\n  summary: Keeps the way of working healthy.\n  aspects:\n    metrics: Cycle time\n",
        ),
    ]);
    let server = Server::start(dir.path(), &[]);
    let events = server.events();
    let (status, body) = server.get("/compare/");
    assert_eq!(status, 200);
    assert!(body.contains("Cycle time"), "{body}");
    assert!(!body.contains("Product Owner"), "{body}");

    save(
        dir.path(),
        "data/roles.yaml",
        "- title: Scrum Master\n  summary: Keeps the way of working healthy.\n  aspects:\n    metrics: Flow efficiency\n\
         - title: Product Owner\n  summary: Decides what is worth building.\n  aspects:\n    metrics: Outcomes\n",
    );
    let changed = events.wait("reload");
    assert!(changed.contains("compare/index.html"), "{changed}");
    let body = server.get("/compare/").1;
    assert!(
        body.contains("Flow efficiency") && !body.contains("Cycle time"),
        "{body}"
    );
    assert!(body.contains("Product Owner"), "{body}");
    // The new record has its own page.
    assert_eq!(server.get("/roles/product-owner/").0, 200);
}
