//! Helpers shared by the integration tests: temporary sites, the CLI, output trees.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// A temporary site made of `(path, contents)` pairs.
pub fn site(files: &[(impl AsRef<str>, impl AsRef<str>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        write(dir.path(), path.as_ref(), text.as_ref().as_bytes());
    }
    dir
}

pub fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

/// Copies a folder (a fixture or example) into a temporary one.
/// A copy of the demo handbook (its content, data, snippets and teambook.yaml), to build or
/// edit without touching the repository.
pub fn demo_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for part in ["content", "data", "snippets"] {
        let copy = copy_site(&repo().join(part));
        std::fs::rename(copy.path(), dir.path().join(part)).unwrap();
    }
    std::fs::copy(
        repo().join("teambook.yaml"),
        dir.path().join("teambook.yaml"),
    )
    .unwrap();
    dir
}

pub fn copy_site(from: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = dir.path().join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
    dir
}

pub fn teambook() -> Command {
    let mut cmd = Command::cargo_bin("teambook").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

/// Runs `teambook build` on `root` into `root/public`; returns (exit code, stdout, stderr).
pub fn build(root: &Path, extra: &[&str]) -> (i32, String, String) {
    run(root, None, "build", extra)
}

/// Runs `teambook --root ROOT COMMAND ARGS…`, with the body cache in `cache` when given;
/// returns (exit code, stdout, stderr).
pub fn run(
    root: &Path,
    cache: Option<&Path>,
    command: &str,
    args: &[&str],
) -> (i32, String, String) {
    let mut cmd = teambook();
    if let Some(cache) = cache {
        cmd.env("TEAMBOOK_CACHE_DIR", cache);
    }
    let out = cmd
        .arg("--root")
        .arg(root)
        .arg(command)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel))
        .unwrap_or_else(|e| panic!("{}: {e}", root.join(rel).display()))
}

/// Every file under `dir` with its bytes, for byte-for-byte comparisons.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// The `<main …>…</main>` element of a page.
pub fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("page has <main>");
    let end = html.rfind("</main>").expect("page has </main>") + "</main>".len();
    &html[start..end]
}
