//! Stage 6: the dev server. In: the site root and [`ServeOptions`]. Out: the site built into
//! memory (never into `public/`), served on loopback, rebuilt on every save, with open tabs
//! told by server-sent events to reload, swap stylesheets, or show the error of a broken save.

pub mod live;
pub mod server;
pub mod watcher;

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, RwLock, mpsc};
use std::time::Instant;

use axum::body::Bytes;
use tokio::sync::{broadcast, watch};

use crate::error::{Error, Severity};
use crate::render::cache::BodyCache;
use crate::{BuildOptions, BuildReport, OutputFiles};
use server::{AppState, Served, Signal};
use watcher::Change;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// `0` picks a free port; the chosen one is printed.
    pub port: u16,
    pub drafts: bool,
    pub future: bool,
    /// Open the site in the default browser once it is served.
    pub open: bool,
    pub quiet: bool,
    pub color: bool,
}

/// What every rebuild needs: the build options, the bodies of the last full build, and the
/// state of the last good build for incremental updates (`None` after a failed save).
struct Rebuild {
    opts: BuildOptions,
    cache: std::sync::Mutex<BodyCache>,
    live: std::sync::Mutex<Option<live::Live>>,
}

/// More changed files than this and the reload signal says `*` instead of listing them.
const MAX_LISTED: usize = 1000;

/// Builds, serves and watches until Ctrl-C. Errors are those that stop `serve` from starting
/// (port in use, unwatchable folder); a broken site is served with its error shown instead.
pub fn serve(opts: &ServeOptions) -> Result<(), Vec<Error>> {
    // The watcher reports absolute paths; with the default root `.` none of them lay under
    // the root as written, and no save was ever seen. Everything below uses the absolute root.
    let absolute = ServeOptions {
        root: std::path::absolute(&opts.root).map_err(|e| vec![Error::io(&opts.root, e)])?,
        ..opts.clone()
    };
    let opts = &absolute;
    let listener = bind(opts.bind, opts.port)?;
    let addr = listener.local_addr().map_err(|e| usage(e.to_string()))?;
    let url = local_url(addr);
    if !opts.bind.is_loopback() {
        eprintln!(
            "warning: serving on {} makes this preview, drafts included, reachable from other \
             machines; use --bind 127.0.0.1 to keep it local",
            opts.bind
        );
    }
    let build_opts = Rebuild {
        opts: BuildOptions {
            base_url: Some(url.clone()),
            drafts: opts.drafts,
            future: opts.future,
            ..BuildOptions::new(&opts.root)
        },
        cache: std::sync::Mutex::new(BodyCache::in_memory()),
        live: std::sync::Mutex::new(None),
    };
    let served = Arc::new(RwLock::new(Served::default()));
    let (signals, _) = broadcast::channel(64);
    let (shutdown_tx, shutdown_rx) = watch::channel(false);

    // Watch before the first build, so a save during it is not missed.
    let (tx, rx) = mpsc::channel::<BTreeSet<(Change, PathBuf)>>();
    let mut watcher = watcher::watch(&opts.root, tx).map_err(|e| vec![e])?;
    if let Some(report) = first_build(&build_opts, &served, opts)
        && !opts.quiet
    {
        for s in &report.skipped {
            eprintln!("note: left out {}: {}", s.path.display(), s.reason);
        }
    }
    println!("Serving {url} (Ctrl-C to stop)");
    let _ = std::io::stdout().flush();
    if opts.open {
        open_browser(&url);
    }

    let rebuild_served = Arc::clone(&served);
    let rebuild_signals = signals.clone();
    let rebuild_opts = opts.clone();
    std::thread::spawn(move || {
        let mut echoes = Echoes::default();
        while let Ok(mut changes) = rx.recv() {
            // Everything that arrived meanwhile goes into the same rebuild.
            while let Ok(more) = rx.try_recv() {
                changes.extend(more);
            }
            let broken = rebuild_served.read().map_or(true, |s| s.error.is_some());
            if echoes.all_seen(&changes) && !broken {
                continue;
            }
            if let Err(e) = watcher.refresh() {
                eprint!("{}", e.report(Severity::Warning, rebuild_opts.color));
            }
            let signals = rebuild_signals_of(&build_opts, &rebuild_served, &rebuild_opts, &changes);
            let build = {
                let mut served = rebuild_served.write().unwrap_or_else(|e| e.into_inner());
                served.build += 1;
                served.build
            };
            for signal in signals {
                let _ = rebuild_signals.send((build, signal));
            }
        }
    });

    let state = AppState {
        served,
        signals,
        shutdown: shutdown_rx,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| usage(format!("cannot start the server: {e}")))?;
    runtime.block_on(async move {
        listener
            .set_nonblocking(true)
            .map_err(|e| usage(e.to_string()))?;
        let listener =
            tokio::net::TcpListener::from_std(listener).map_err(|e| usage(e.to_string()))?;
        axum::serve(listener, server::router(state))
            .with_graceful_shutdown(async move {
                let _ = tokio::signal::ctrl_c().await;
                let _ = shutdown_tx.send(true);
            })
            .await
            .map_err(|e| usage(format!("server error: {e}")))
    })?;
    if !opts.quiet {
        println!("Stopped.");
    }
    Ok(())
}

/// The contents of the files of earlier batches, by hash. One save can reach `serve` as two
/// batches (the watcher may hand on an editor's temp-file events and the rename separately);
/// a batch whose files all read exactly as when they were last built is such an echo, and
/// rebuilding for it would only repeat the last rebuild.
#[derive(Default)]
struct Echoes {
    seen: HashMap<PathBuf, u64>,
}

impl Echoes {
    /// Records the current contents of every changed file; true when each is a regular file
    /// whose contents were already seen. Deleted files and folders never count as seen.
    fn all_seen(&mut self, changes: &BTreeSet<(Change, PathBuf)>) -> bool {
        let mut all = true;
        for (_, path) in changes {
            let hash = std::fs::read(path).ok().map(|bytes| {
                use std::hash::{Hash, Hasher};
                let mut h = std::hash::DefaultHasher::new();
                bytes.hash(&mut h);
                h.finish()
            });
            match hash {
                Some(h) => all &= self.seen.insert(path.clone(), h) == Some(h),
                None => {
                    self.seen.remove(path);
                    all = false;
                }
            }
        }
        all
    }
}

/// Rebuilds after `changes` and returns what open tabs must be told.
fn rebuild_signals_of(
    build_opts: &Rebuild,
    served: &RwLock<Served>,
    opts: &ServeOptions,
    changes: &BTreeSet<(Change, PathBuf)>,
) -> Vec<Signal> {
    let had_error = served.read().map(|s| s.error.is_some()).unwrap_or(false);
    let started = Instant::now();
    let paths: Vec<PathBuf> = changes.iter().map(|(_, p)| p.clone()).collect();
    let Some((changed, full)) = rebuild_outcome(build_opts, served, opts, Some(&paths)) else {
        let report = served
            .read()
            .ok()
            .and_then(|s| s.error.clone())
            .unwrap_or_default();
        return vec![Signal::Error(report)];
    };
    let mut signals = Vec::new();
    if had_error {
        signals.push(Signal::Clear);
    }
    if !opts.quiet {
        let kinds: BTreeSet<String> = changes
            .iter()
            .map(|(c, _)| format!("{c:?}").to_lowercase())
            .collect();
        println!(
            "Rebuilt ({}) after a {} change in {} ms: {} file{} changed",
            if full.is_some() {
                "full"
            } else {
                "incremental"
            },
            kinds.into_iter().collect::<Vec<_>>().join("/"),
            started.elapsed().as_millis(),
            changed.len(),
            if changed.len() == 1 { "" } else { "s" }
        );
    }
    if changed.is_empty() {
        // Nothing to reload (a fix that restored the last good build only clears the overlay).
        return signals;
    }
    if changed.iter().all(|p| p.ends_with(".css")) {
        signals.push(Signal::Css);
    } else if changed.len() > MAX_LISTED {
        signals.push(Signal::Reload(vec!["*".into()]));
    } else {
        signals.push(Signal::Reload(changed));
    }
    signals
}

/// Brings the served files up to date after a save of `paths` (`None`: the first build):
/// incrementally when the last good build allows it, else by a full build into memory. On
/// success returns the output paths that changed and, for a full build, its report; on failure
/// keeps the last good files, records and prints the error, and returns `None`.
fn rebuild_outcome(
    build_opts: &Rebuild,
    served: &RwLock<Served>,
    opts: &ServeOptions,
    paths: Option<&[PathBuf]>,
) -> Option<(Vec<String>, Option<BuildReport>)> {
    let mut live = build_opts.live.lock().unwrap_or_else(|e| e.into_inner());
    if let (Some(state), Some(paths)) = (live.as_mut(), paths) {
        match state.update(paths) {
            live::Update::Full => {}
            live::Update::Files { files, warnings } => {
                for w in &warnings {
                    eprint!("{}", w.report(Severity::Warning, opts.color));
                }
                let mut served = served.write().unwrap_or_else(|e| e.into_inner());
                let changed = patch_in(&mut served, files);
                served.error = None;
                return Some((changed, None));
            }
            live::Update::Failed(failure) => {
                // The next save rebuilds everything, so every error of the site is reported.
                *live = None;
                show_failure(served, opts, &failure);
                return None;
            }
        }
    }
    *live = None;
    match live::Live::build(&build_opts.opts, &build_opts.cache) {
        Ok((report, files, state)) => {
            print_warnings(&report, opts);
            *live = Some(state);
            drop(live);
            let mut served = served.write().unwrap_or_else(|e| e.into_inner());
            let changed = swap_in(&mut served, files);
            served.error = None;
            Some((changed, Some(report)))
        }
        Err(failure) => {
            show_failure(served, opts, &failure);
            None
        }
    }
}

/// Prints a failed build and keeps its report for the browser overlay.
fn show_failure(served: &RwLock<Served>, opts: &ServeOptions, failure: &crate::BuildFailure) {
    for w in &failure.warnings {
        eprint!("{}", w.report(Severity::Warning, opts.color));
    }
    for e in &failure.errors {
        eprint!("{}", e.report(Severity::Error, opts.color));
    }
    eprintln!("Still serving the last good build; fix the error and save again.");
    let report: String = failure
        .errors
        .iter()
        .map(|e| e.report(Severity::Error, false))
        .collect();
    served.write().unwrap_or_else(|e| e.into_inner()).error = Some(report);
}

/// The first build, with the summary line of `teambook build`. A broken site is served empty,
/// with its error shown, until a save fixes it.
fn first_build(
    build_opts: &Rebuild,
    served: &RwLock<Served>,
    opts: &ServeOptions,
) -> Option<BuildReport> {
    let (_, report) = rebuild_outcome(build_opts, served, opts, None)?;
    let report = report?;
    if !opts.quiet {
        println!(
            "Built {} pages, {} sections, {} terms ({} files) in memory in {} ms",
            report.pages,
            report.sections,
            report.terms,
            report.files,
            report.elapsed.as_millis()
        );
    }
    Some(report)
}

fn print_warnings(report: &BuildReport, opts: &ServeOptions) {
    for w in &report.warnings {
        eprint!("{}", w.report(Severity::Warning, opts.color));
    }
}

/// Replaces the served files with `files`; returns the paths added, changed or removed, sorted.
/// Unchanged files keep their old buffers.
fn swap_in(served: &mut Served, files: OutputFiles) -> Vec<String> {
    let mut changed = Vec::new();
    let mut old = std::mem::take(&mut served.files);
    let mut new: HashMap<String, Bytes> = HashMap::with_capacity(files.len());
    for (path, bytes) in files {
        match old.remove(&path) {
            Some(prev) if prev[..] == bytes[..] => {
                new.insert(path, prev);
            }
            _ => {
                changed.push(path.clone());
                new.insert(path, Bytes::from(bytes));
            }
        }
    }
    changed.extend(old.into_keys());
    changed.sort();
    served.files = new;
    changed
}

/// Replaces the served files named in `files`, leaving every other file as it is; returns the
/// paths whose contents changed, sorted.
fn patch_in(served: &mut Served, files: OutputFiles) -> Vec<String> {
    let mut changed = Vec::new();
    for (path, bytes) in files {
        if served
            .files
            .get(&path)
            .is_some_and(|old| old[..] == bytes[..])
        {
            continue;
        }
        changed.push(path.clone());
        served.files.insert(path, Bytes::from(bytes));
    }
    changed.sort();
    changed
}

fn bind(ip: IpAddr, port: u16) -> Result<std::net::TcpListener, Vec<Error>> {
    std::net::TcpListener::bind((ip, port)).map_err(|e| {
        let msg = match e.kind() {
            std::io::ErrorKind::AddrInUse => format!(
                "port {port} on {ip} is already in use (another `teambook serve`?); \
                 choose another with --port, e.g. --port {}",
                port.wrapping_add(1).max(1024)
            ),
            std::io::ErrorKind::PermissionDenied => format!(
                "not allowed to listen on {ip}:{port}; ports below 1024 need privileges, \
                 choose another with --port"
            ),
            _ => format!("cannot listen on {ip}:{port}: {e}"),
        };
        usage(msg)
    })
}

fn usage(msg: String) -> Vec<Error> {
    vec![Error::Usage(msg)]
}

/// The address to print and to build links with; a wildcard bind is reached via loopback.
fn local_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::from([127, 0, 0, 1]),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}/", SocketAddr::new(ip, addr.port()))
}

fn open_browser(url: &str) {
    if let Err(e) = opener::open_browser(url) {
        eprintln!("{}", browser_warning(url, &e));
    }
}

/// What is said when no browser could be started: the error and its cause, and the URL.
fn browser_warning(url: &str, e: &opener::OpenError) -> String {
    let cause = std::error::Error::source(e)
        .map(|s| format!(": {s}"))
        .unwrap_or_default();
    format!("warning: could not open a browser ({e}{cause}); visit {url}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browser_that_cannot_start_is_a_warning_with_the_url() {
        let e = opener::OpenError::Spawn {
            cmds: "xdg-open".into(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        };
        assert_eq!(
            browser_warning("http://127.0.0.1:1313/", &e),
            "warning: could not open a browser (error spawning command(s) 'xdg-open': entity not found); visit http://127.0.0.1:1313/"
        );
    }

    #[test]
    fn swapping_in_reports_added_changed_and_removed_files() {
        let mut served = Served::default();
        let files = |pairs: &[(&str, &str)]| -> OutputFiles {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
                .collect()
        };
        let all = swap_in(&mut served, files(&[("a.html", "1"), ("b.html", "1")]));
        assert_eq!(all, ["a.html", "b.html"]);
        let changed = swap_in(&mut served, files(&[("a.html", "2"), ("c.css", "1")]));
        assert_eq!(changed, ["a.html", "b.html", "c.css"]);
        let none = swap_in(&mut served, files(&[("a.html", "2"), ("c.css", "1")]));
        assert!(none.is_empty());
        assert_eq!(&served.files["a.html"][..], b"2");
    }

    #[test]
    fn a_batch_of_files_read_as_before_is_an_echo() {
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("page.md");
        let batch: BTreeSet<(Change, PathBuf)> = [(Change::Content, page.clone())].into();
        let mut echoes = Echoes::default();
        std::fs::write(&page, "one").unwrap();
        assert!(!echoes.all_seen(&batch), "first sight");
        assert!(echoes.all_seen(&batch), "same contents again");
        std::fs::write(&page, "two").unwrap();
        assert!(!echoes.all_seen(&batch), "new contents");
        std::fs::remove_file(&page).unwrap();
        assert!(!echoes.all_seen(&batch), "deleted");
        assert!(!echoes.all_seen(&batch), "still deleted: never an echo");
        let folder: BTreeSet<(Change, PathBuf)> =
            [(Change::Content, dir.path().to_path_buf())].into();
        assert!(!echoes.all_seen(&folder) && !echoes.all_seen(&folder));
    }

    #[test]
    fn wildcard_binds_are_reached_through_loopback() {
        let any: SocketAddr = "0.0.0.0:1111".parse().unwrap();
        assert_eq!(local_url(any), "http://127.0.0.1:1111/");
        let v6: SocketAddr = "[::1]:8080".parse().unwrap();
        assert_eq!(local_url(v6), "http://[::1]:8080/");
    }
}
