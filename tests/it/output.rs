//! Rebuilds over an earlier output: unchanged files are left alone, changed ones replaced,
//! stale ones removed, and the result is the output a build into an empty folder makes.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::common::*;

/// A small site with the default theme (and so a search index) and a static file.
fn handbook() -> tempfile::TempDir {
    site(&[
        ("teambook.yaml", "title: Handbook\n"),
        ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
        (
            "content/guide/_index.md",
            "---\ntitle: Guide\n---\nThe guide.\n",
        ),
        (
            "content/guide/pods.md",
            "---\ntitle: Pods\n---\nA pod is the smallest unit.\n",
        ),
        (
            "content/guide/nodes.md",
            "---\ntitle: Nodes\n---\nA node runs pods.\n",
        ),
        ("static/files/notes.txt", "notes\n"),
    ])
}

/// Builds `root` into `root/public` with its body cache in `cache`, which must succeed.
fn ok(root: &Path, cache: &Path) {
    let (code, _, stderr) = run(root, Some(cache), "build", &[]);
    assert_eq!(code, 0, "{stderr}");
}

/// The handbook, built once: the site, its cache folder and its output folder.
fn built() -> (tempfile::TempDir, tempfile::TempDir, PathBuf) {
    let site = handbook();
    let cache = tempfile::tempdir().unwrap();
    ok(site.path(), cache.path());
    let public = site.path().join("public");
    (site, cache, public)
}

/// Inode and modification time of every file under `dir`.
fn stamps(dir: &Path) -> BTreeMap<String, (u64, i64, i64)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let m = e.metadata().unwrap();
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy();
            (rel.into_owned(), (m.ino(), m.mtime(), m.mtime_nsec()))
        })
        .collect()
}

/// Every file of the output with its bytes, search index included: the same pages always
/// give the same index (pages are numbered in URL order, vendor/pagefind/PATCHES.md).
fn comparable(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    tree(dir)
}

/// What a build of `root` into an empty folder makes.
fn scratch_build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let cache = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let public_arg = public.to_str().unwrap();
    let (code, _, stderr) = run(
        root,
        Some(cache.path()),
        "build",
        &["--output-dir", public_arg],
    );
    assert_eq!(code, 0, "{stderr}");
    comparable(&public)
}

#[test]
fn a_rebuild_with_nothing_changed_touches_no_file() {
    let (site, cache, public) = built();
    assert!(public.join("pagefind/pagefind-entry.json").is_file());
    let before = stamps(&public);
    let cached = stamps(cache.path());
    assert_eq!(cached.len(), 2, "bodies and search record: {cached:?}");
    std::thread::sleep(std::time::Duration::from_millis(20));
    ok(site.path(), cache.path());
    assert_eq!(stamps(&public), before);
    assert_eq!(stamps(cache.path()), cached, "the cache was rewritten");
    // Nothing is left beside the output.
    let beside: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
}

#[test]
fn a_rebuild_replaces_changed_files_and_removes_stale_ones() {
    let (site, cache, public) = built();
    let before = stamps(&public);

    write(
        site.path(),
        "content/guide/pods.md",
        b"---\ntitle: Pods\n---\nA pod holds containers.\n",
    );
    std::fs::remove_file(site.path().join("content/guide/nodes.md")).unwrap();
    // By hand: an edited page and a stray file.
    std::fs::write(public.join("index.html"), "edited by hand").unwrap();
    std::fs::create_dir_all(public.join("stray/deep")).unwrap();
    std::fs::write(public.join("stray/deep/file.txt"), "stray").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    ok(site.path(), cache.path());

    let after = stamps(&public);
    assert!(read(&public, "guide/pods/index.html").contains("A pod holds containers."));
    assert_ne!(
        after["guide/pods/index.html"],
        before["guide/pods/index.html"]
    );
    assert!(!public.join("guide/nodes").exists(), "deleted page left");
    assert!(!public.join("stray").exists(), "stray folder left");
    assert!(
        read(&public, "index.html").contains("Welcome."),
        "hand edit kept"
    );
    assert_eq!(
        after["files/notes.txt"], before["files/notes.txt"],
        "an unchanged static file was rewritten"
    );
    // Including the search index, rebuilt for the changed page.
    let expected = scratch_build(site.path());
    assert!(
        expected
            .keys()
            .any(|rel| rel.starts_with("pagefind/fragment/"))
    );
    assert_eq!(comparable(&public), expected);
}

#[test]
fn a_file_that_becomes_a_folder_is_replaced() {
    let site = handbook();
    let cache = tempfile::tempdir().unwrap();
    write(site.path(), "static/files/data", b"a file\n");
    ok(site.path(), cache.path());
    let public = site.path().join("public");
    std::fs::remove_file(site.path().join("static/files/data")).unwrap();
    write(site.path(), "static/files/data/inner.txt", b"in a folder\n");
    ok(site.path(), cache.path());
    assert_eq!(read(&public, "files/data/inner.txt"), "in a folder\n");
    assert_eq!(comparable(&public), scratch_build(site.path()));

    // And back: a folder that becomes a file.
    std::fs::remove_dir_all(site.path().join("static/files/data")).unwrap();
    write(site.path(), "static/files/data", b"a file again\n");
    ok(site.path(), cache.path());
    assert_eq!(read(&public, "files/data"), "a file again\n");
    assert_eq!(comparable(&public), scratch_build(site.path()));
}

#[test]
fn a_failed_rebuild_leaves_the_output_untouched() {
    let (site, cache, public) = built();
    let (before, files) = (stamps(&public), tree(&public));
    write(
        site.path(),
        "content/guide/pods.md",
        b"---\ntitle: [Pods\n---\nBroken front matter.\n",
    );
    let (code, _, stderr) = run(site.path(), Some(cache.path()), "build", &[]);
    assert_ne!(code, 0, "{stderr}");
    assert_eq!(stamps(&public), before);
    assert_eq!(tree(&public), files);
}

#[test]
fn a_lost_cache_still_gives_the_right_output() {
    let (site, _cache, public) = built();
    write(
        site.path(),
        "content/guide/pods.md",
        b"---\ntitle: Pods\n---\nPods share a network namespace.\n",
    );
    let empty = tempfile::tempdir().unwrap();
    ok(site.path(), empty.path());
    assert_eq!(comparable(&public), scratch_build(site.path()));
}

#[test]
fn the_same_pages_give_the_same_search_index() {
    // Enough pages for pagefind's parallel parsing to finish them in varying order.
    let mut files: Vec<(String, String)> = vec![("teambook.yaml".into(), "title: H\n".into())];
    for i in 0..300 {
        files.push((
            format!("content/notes/n{i:03}.md"),
            format!("---\ntitle: Note {i}\n---\nWord{i} shared text, number {i}.\n"),
        ));
    }
    let site = site(&files);
    let index = |files: BTreeMap<String, Vec<u8>>| -> BTreeMap<String, Vec<u8>> {
        files
            .into_iter()
            .filter(|(rel, _)| rel.starts_with("pagefind/"))
            .collect()
    };
    let first = index(scratch_build(site.path()));
    assert!(first.contains_key("pagefind/pagefind-entry.json"));
    for _ in 0..2 {
        assert!(
            index(scratch_build(site.path())) == first,
            "the index differs"
        );
    }
}
