//! Incremental updates of `serve`: a save that changes only bodies is patched into the last
//! build, and the patched output must equal, file for file, what a full build gives.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use teambook::render::cache::BodyCache;
use teambook::serve::live::{Live, Update};
use teambook::{BuildOptions, OutputFiles};

use crate::common::{demo_copy, repo, site, write};

fn options(root: &Path) -> BuildOptions {
    BuildOptions {
        now: Some("2027-01-01T00:00:00Z".parse().unwrap()),
        ..BuildOptions::new(root)
    }
}

fn start(root: &Path) -> (OutputFiles, Live) {
    let cache = Mutex::new(BodyCache::in_memory());
    let (_, files, live) = Live::build(&options(root), &cache).unwrap();
    (files, live)
}

/// What a full build of the site as it is now gives, from an empty cache.
fn full(root: &Path) -> OutputFiles {
    start(root).0
}

/// A blog of 25 tagged, dated posts in one section, paginated by 10, with RSS feeds.
fn blog() -> tempfile::TempDir {
    let dir = site(&[
        (
            "teambook.yaml",
            "title: Blog\nbase_url: https://example.org/\ntaxonomies: [tags]\npaginate: 10\nrss: true\n",
        ),
        ("content/_index.md", "---\ntitle: Home\n---\nHello.\n"),
        (
            "content/posts/_index.md",
            "---\ntitle: Posts\n---\nAll the posts.\n",
        ),
    ]);
    for n in 1..=25 {
        let tags = if n % 2 == 0 {
            "[even, all]"
        } else {
            "[odd, all]"
        };
        write(
            dir.path(),
            &format!("content/posts/post-{n:02}.md"),
            format!(
                "---\ntitle: Post {n}\ndate: 2026-01-{n:02}\ntags: {tags}\n---\nOpening of post {n}.\n\n## Details\n\nMore about post {n}.\n"
            )
            .as_bytes(),
        );
    }
    dir
}

/// Puts a new first paragraph (so summaries change), a heading and a term mention into the
/// body of `rel`, keeping its front matter as it is.
fn edit_body(root: &Path, rel: &str) -> PathBuf {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    let at = match text.strip_prefix("---\n") {
        Some(rest) => 4 + rest.find("\n---\n").unwrap() + 5,
        None => 0,
    };
    let edited = format!(
        "{}A new opening paragraph about the {} page.\n\n{}\n\n## A heading added in serve\n\nEvery Pod runs in a cluster.\n",
        &text[..at],
        rel,
        &text[at..]
    );
    std::fs::write(&path, edited).unwrap();
    path
}

/// Applies `patch` to `files` and checks the result equals `expected` exactly.
fn assert_patched_equals(mut files: OutputFiles, patch: OutputFiles, expected: &OutputFiles) {
    files.extend(patch);
    let mut problems = Vec::new();
    for (path, bytes) in expected {
        match files.get(path) {
            None => problems.push(format!("missing after the patch: {path}")),
            Some(b) if b != bytes => {
                let (old, new) = (String::from_utf8_lossy(b), String::from_utf8_lossy(bytes));
                let first = old
                    .lines()
                    .zip(new.lines())
                    .find(|(a, b)| a != b)
                    .map(|(a, b)| format!("\n  patched: {a}\n  full:    {b}"))
                    .unwrap_or_default();
                problems.push(format!("differs from a full build: {path}{first}"));
            }
            Some(_) => {}
        }
    }
    for path in files.keys().filter(|p| !expected.contains_key(*p)) {
        problems.push(format!("not in a full build: {path}"));
    }
    problems.sort();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn body_edits_in_the_handbook_patch_exactly_what_a_full_build_changes() {
    let dir = demo_copy();
    let (files, mut live) = start(dir.path());
    let changed: Vec<PathBuf> = [
        "content/glossary/pod.md",
        "content/roles/scrum-master.md",
        "content/sprints/sprint-21.md",
        "content/onboarding/welcome.md",
        "content/roles/_index.md",
        "content/about.md",
    ]
    .iter()
    .map(|rel| edit_body(dir.path(), rel))
    .collect();
    let Update::Files { files: patch, .. } = live.update(&changed) else {
        panic!("a body-only save must be incremental");
    };
    assert!(patch.contains_key("glossary/pod/index.html"));
    assert!(patch.contains_key("roles/index.html"), "the section pager");
    assert!(
        patch.contains_key("roles/print/index.html"),
        "the section's print page"
    );
    assert!(
        patch.len() < files.len() / 4,
        "{} of {} files re-rendered",
        patch.len(),
        files.len()
    );
    let new_page = String::from_utf8(patch["roles/scrum-master/index.html"].clone()).unwrap();
    assert!(new_page.contains("A heading added in serve"), "{new_page}");
    // The share cards are part of the comparison: a body edit changes no card's text, so
    // the patched page links the card the full build drew.
    let cards = files.keys().filter(|k| k.starts_with("cards/")).count();
    assert!(cards > 100, "{cards} cards");
    assert!(!patch.keys().any(|k| k.starts_with("cards/")));
    let card = new_page
        .split("property=\"og:image\" content=\"https://example.github.io/handbook/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page links its card");
    assert!(files.contains_key(card), "{card}");
    assert!(
        new_page.contains("href=\"/handbook/glossary/pod/\""),
        "term linked"
    );
    assert_patched_equals(files, patch, &full(dir.path()));
}

#[test]
fn body_edits_in_a_blog_patch_pagers_terms_and_feeds_like_a_full_build() {
    let dir = blog();
    let (files, mut live) = start(dir.path());
    // Post 3 is on the last pager of the section and of `odd`; post 24 on the first.
    let changed = vec![
        edit_body(dir.path(), "content/posts/post-03.md"),
        edit_body(dir.path(), "content/posts/post-24.md"),
    ];
    let Update::Files { files: patch, .. } = live.update(&changed) else {
        panic!("a body-only save must be incremental");
    };
    for path in [
        "posts/post-03/index.html",
        "posts/page/3/index.html",
        "tags/odd/page/2/index.html",
        "posts/index.html",
        "tags/even/index.html",
        "atom.xml",
        "index.xml",
        "tags/all/index.xml",
    ] {
        assert!(patch.contains_key(path), "{path} not re-rendered");
    }
    assert!(!patch.contains_key("posts/post-04/index.html"));
    assert_patched_equals(files, patch, &full(dir.path()));

    // The oldest post is only in the feed of `odd` (13 posts; feeds keep the newest 20): no
    // other feed is rendered for it.
    let (_, mut live) = start(dir.path());
    let old = vec![edit_body(dir.path(), "content/posts/post-01.md")];
    let Update::Files { files: patch, .. } = live.update(&old) else {
        panic!("a body-only save must be incremental");
    };
    let feeds: Vec<&String> = patch.keys().filter(|p| p.ends_with(".xml")).collect();
    assert_eq!(feeds, ["tags/odd/index.xml"]);
    assert!(patch.contains_key("posts/post-01/index.html"));
}

#[test]
fn saves_that_change_more_than_bodies_need_a_full_rebuild() {
    let dir = blog();
    let (_, mut live) = start(dir.path());
    let post = dir.path().join("content/posts/post-05.md");
    let text = std::fs::read_to_string(&post).unwrap();

    // A new title shows in listings, neighbours and feeds: not a body edit.
    std::fs::write(&post, text.replace("title: Post 5", "title: Renamed")).unwrap();
    assert!(matches!(
        live.update(std::slice::from_ref(&post)),
        Update::Full
    ));
    std::fs::write(&post, &text).unwrap();

    // A new page, a deleted page, a data file.
    let new = dir.path().join("content/posts/new.md");
    std::fs::write(&new, "---\ntitle: New\n---\nHi.\n").unwrap();
    assert!(matches!(live.update(&[new]), Update::Full));
    let gone = dir.path().join("content/posts/post-06.md");
    std::fs::remove_file(&gone).unwrap();
    assert!(matches!(live.update(&[gone]), Update::Full));
    let data = dir.path().join("data/x.yaml");
    write(dir.path(), "data/x.yaml", b"a: 1\n");
    assert!(matches!(live.update(&[data]), Update::Full));
}

#[test]
fn a_broken_body_fails_with_its_position() {
    let dir = blog();
    let (_, mut live) = start(dir.path());
    let post = dir.path().join("content/posts/post-07.md");
    let text = std::fs::read_to_string(&post).unwrap();
    std::fs::write(&post, format!("{text}\n{{{{< nosuch >}}}}\n")).unwrap();
    let Update::Failed(failure) = live.update(&[post]) else {
        panic!("an unknown shortcode must fail the save");
    };
    let shown = failure.errors[0].report(teambook::error::Severity::Error, false);
    assert!(shown.contains("content/posts/post-07.md:"), "{shown}");
    assert!(shown.contains("nosuch"), "{shown}");
}

/// The check above relies on builds being reproducible: two full builds give the same bytes
/// (map fields such as a team's responsibilities once came out in random order).
#[test]
fn two_full_builds_of_the_handbook_are_identical() {
    let dir = demo_copy();
    let (first, second) = (full(dir.path()), full(dir.path()));
    assert_eq!(first.len(), second.len());
    for (path, bytes) in &first {
        assert!(
            second.get(path) == Some(bytes),
            "{path} differs between builds"
        );
    }
}

/// Saves a copy of the built-in theme's `name` into the site's `templates/`, marked.
fn override_template(root: &Path, name: &str, mark: &str) -> PathBuf {
    let theme =
        std::fs::read_to_string(repo().join("themes/default/templates").join(name)).unwrap();
    // A child template may only hold blocks: the mark goes inside its last one.
    let marked = match theme.rfind("{% endblock") {
        Some(at) if theme.contains("{% extends") => {
            format!("{}<!-- {mark} -->{}", &theme[..at], &theme[at..])
        }
        _ => format!("{theme}<!-- {mark} -->"),
    };
    write(root, &format!("templates/{name}"), marked.as_bytes());
    root.join("templates").join(name)
}

#[test]
fn template_saves_re_render_the_outputs_that_use_them_like_a_full_build() {
    let dir = blog();
    let (mut files, mut live) = start(dir.path());
    let outputs = files.len();

    // The pager partial: section pagers and term pagers, not pages.
    let saved = override_template(dir.path(), "partials/pager.html", "pager v2");
    let patch = match live.update(&[saved]) {
        Update::Files { files, .. } => files,
        Update::Full => panic!("a template save must be incremental"),
        Update::Failed(f) => panic!("{:?}", f.errors),
    };
    assert!(patch.contains_key("posts/page/2/index.html"));
    assert!(patch.contains_key("tags/all/index.html"));
    assert!(
        !patch.contains_key("posts/post-01/index.html"),
        "pages have no pager"
    );
    assert!(patch.len() < outputs / 2, "{} of {outputs}", patch.len());
    files.extend(patch.clone());
    assert_patched_equals(files.clone(), OutputFiles::new(), &full(dir.path()));

    // page.html: every page, no list.
    let saved = override_template(dir.path(), "page.html", "page v2");
    let patch = match live.update(&[saved]) {
        Update::Files { files, .. } => files,
        Update::Full => panic!("a template save must be incremental"),
        Update::Failed(f) => panic!("{:?}", f.errors),
    };
    assert!(patch.contains_key("posts/post-01/index.html"));
    assert!(!patch.contains_key("posts/index.html"));
    files.extend(patch);
    assert_patched_equals(files.clone(), OutputFiles::new(), &full(dir.path()));

    // The sidebar is in every page and list.
    let saved = override_template(dir.path(), "partials/sidebar.html", "sidebar v2");
    let patch = match live.update(&[saved]) {
        Update::Files { files, .. } => files,
        Update::Full => panic!("a template save must be incremental"),
        Update::Failed(f) => panic!("{:?}", f.errors),
    };
    assert!(
        patch.contains_key("posts/index.html") && patch.contains_key("posts/post-01/index.html")
    );
    files.extend(patch);
    assert_patched_equals(files, OutputFiles::new(), &full(dir.path()));

    // A shortcode changes bodies: that is a full rebuild.
    write(dir.path(), "templates/shortcodes/hi.html", b"hi");
    let saved = dir.path().join("templates/shortcodes/hi.html");
    assert!(matches!(live.update(&[saved]), Update::Full));
}

#[test]
fn a_broken_template_save_fails_with_its_position() {
    let dir = blog();
    let (_, mut live) = start(dir.path());
    write(dir.path(), "templates/page.html", b"{% extends \"base.html\" %}\n{% block content %}{{ page.title | nosuchfilter }}{% endblock %}\n");
    let Update::Failed(failure) = live.update(&[dir.path().join("templates/page.html")]) else {
        panic!("an unknown filter must fail the save");
    };
    let shown = failure.errors[0].report(teambook::error::Severity::Error, false);
    assert!(shown.contains("templates/page.html:2:"), "{shown}");
    assert!(shown.contains("nosuchfilter"), "{shown}");
}

#[test]
fn a_kind_template_added_then_removed_re_renders_its_record_pages() {
    let dir = demo_copy();
    let (mut files, mut live) = start(dir.path());
    let before = files["glossary/pod/index.html"].clone();

    // A site's `term.html` takes over term pages from `page.html`…
    let saved = override_template(dir.path(), "page.html", "term v1");
    let term = dir.path().join("templates/term.html");
    std::fs::rename(&saved, &term).unwrap();
    let patch = match live.update(std::slice::from_ref(&term)) {
        Update::Files { files, .. } => files,
        _ => panic!("a template save must be incremental"),
    };
    let pod = String::from_utf8(patch["glossary/pod/index.html"].clone()).unwrap();
    assert!(pod.contains("<!-- term v1 -->"), "{pod}");
    assert!(!patch.contains_key("roles/sre/index.html"), "not a term");
    files.extend(patch);
    assert_patched_equals(files.clone(), OutputFiles::new(), &full(dir.path()));

    // …and gives them back when it is removed.
    std::fs::remove_file(&term).unwrap();
    let patch = match live.update(std::slice::from_ref(&term)) {
        Update::Files { files, .. } => files,
        _ => panic!("a template removal must be incremental"),
    };
    assert_eq!(patch["glossary/pod/index.html"], before);
    files.extend(patch);
    assert_patched_equals(files, OutputFiles::new(), &full(dir.path()));
}
