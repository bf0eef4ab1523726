//! Folders a build makes beside its output or in `/dev/shm` and must never leave behind: each
//! is registered while it exists, so that SIGINT or SIGTERM removes it before the process
//! exits ([`remove_on_signals`]), and each is named after the process that made it, so that a
//! later build removes what a killed one left ([`is_stale`]).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// The folders to remove if the process is stopped by a signal.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Set once a signal arrived: writers stop, so that none recreates a folder being removed.
static STOPPING: AtomicBool = AtomicBool::new(false);

/// Whether the process is being stopped by a signal; writers into registered folders check
/// it before each file.
pub fn stopping() -> bool {
    STOPPING.load(Ordering::SeqCst)
}

/// Notes a folder to remove on SIGINT or SIGTERM. Register it *before* creating it: a signal
/// between the two would otherwise leave it behind.
pub fn register(path: &Path) {
    LIVE.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(path.to_path_buf());
}

/// Forgets a folder: it was removed, or put in place as the output.
pub fn unregister(path: &Path) {
    LIVE.lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|p| p != path);
}

/// From now on, SIGINT (Ctrl-C) and SIGTERM (a CI timeout) remove every registered folder and
/// end the process with 130 or 143, as a shell would report them. For `build` and `check`;
/// `serve` handles Ctrl-C itself.
pub fn remove_on_signals() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build();
        let Ok(runtime) = runtime else { return };
        // The handlers are installed before this returns, so no signal is missed.
        let waiting = runtime.block_on(async { Signals::new() });
        let Some(signals) = waiting else { return };
        std::thread::spawn(move || {
            let code = runtime.block_on(signals.next());
            STOPPING.store(true, Ordering::SeqCst);
            let folders = std::mem::take(&mut *LIVE.lock().unwrap_or_else(|e| e.into_inner()));
            // A writer that checked `stopping` just before the flag was set may still create
            // a file (and its folder) while the tree is removed: try again until it is gone.
            for folder in folders {
                for _ in 0..50 {
                    let _ = std::fs::remove_dir_all(&folder);
                    if !folder.exists() {
                        break;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
            }
            std::process::exit(code);
        });
    });
}

#[cfg(unix)]
struct Signals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    fn new() -> Option<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        Some(Signals {
            interrupt: signal(SignalKind::interrupt()).ok()?,
            terminate: signal(SignalKind::terminate()).ok()?,
        })
    }

    /// Waits for the first signal; the exit code it calls for.
    async fn next(mut self) -> i32 {
        tokio::select! {
            _ = self.interrupt.recv() => 130,
            _ = self.terminate.recv() => 143,
        }
    }
}

#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn new() -> Option<Signals> {
        Some(Signals)
    }

    async fn next(self) -> i32 {
        let _ = tokio::signal::ctrl_c().await;
        130
    }
}

/// Whether a folder named for process `pid` was left by a process that no longer runs. Only
/// where that can be known (Linux's `/proc`); elsewhere nothing is taken for stale.
pub fn is_stale(pid: u32) -> bool {
    pid != std::process::id()
        && Path::new("/proc/self").exists()
        && !Path::new("/proc").join(pid.to_string()).exists()
}

/// Removes the folders in `dir` that `pid_of` says a process made (it returns that pid from
/// the folder's name) and that process no longer runs.
pub fn remove_stale(dir: &Path, pid_of: impl Fn(&str) -> Option<u32>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let stale = entry
            .file_name()
            .to_str()
            .and_then(&pid_of)
            .is_some_and(is_stale);
        if stale && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_folders_of_ended_processes_are_stale() {
        assert!(!is_stale(std::process::id()));
        if Path::new("/proc/self").exists() {
            // Pid 1 always runs; a pid above the kernel's limit never did.
            assert!(!is_stale(1));
            assert!(is_stale(u32::MAX - 1));
        }
    }

    #[test]
    fn registered_folders_can_be_forgotten() {
        let p = Path::new("/nonexistent/teambook-test-folder");
        register(p);
        assert!(LIVE.lock().unwrap().iter().any(|x| x == p));
        unregister(p);
        assert!(!LIVE.lock().unwrap().iter().any(|x| x == p));
    }
}
