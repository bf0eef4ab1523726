//! Share cards: every page, section and sprint review gets an `og:image`, a 1200×630 PNG
//! under `cards/` named by a hash of what it shows; `share_cards: false` writes none; a
//! rebuild keeps the cards it already has instead of drawing them again.

use std::path::Path;
use std::sync::Mutex;

use teambook::render::cache::BodyCache;
use teambook::render::cards::{Card, SprintLine};
use teambook::{BuildOptions, BuildReport};

use crate::common::*;

const BACKLOG: &str = "\
- {id: K-1, title: Pay by invoice, points: 5, status: done, added_on: 2026-05-01, done_on: 2026-05-08}
- {id: K-2, title: Gift wrapping, points: 3, status: todo, added_on: 2026-05-01}
- {id: K-3, title: Faster checkout, points: 8, status: done, added_on: 2026-05-01, done_on: 2026-05-12}
";

/// A handbook with a section, a page, sprints and a tag, at an absolute base URL.
fn handbook(extra_config: &str) -> tempfile::TempDir {
    site(&[
        (
            "teambook.yaml",
            format!(
                "title: Shop Handbook\ndescription: How the shop team works.\n\
                 base_url: https://handbook.test/shop/\n{extra_config}"
            ),
        ),
        (
            "content/_index.md",
            "---\ntitle: Home\n---\nWelcome.\n".into(),
        ),
        (
            "content/guide/_index.md",
            "---\ntitle: Ways of working\n---\nHow we work.\n".into(),
        ),
        (
            "content/guide/review.md",
            "---\ntitle: Code review <rules> & habits\ntags: [process]\n---\nBe kind.\n".into(),
        ),
        ("data/backlog.yaml", BACKLOG.into()),
        (
            "content/sprints/_index.md",
            "---\ntitle: Sprints\ncascade:\n  kind: sprint\n---\n".into(),
        ),
        (
            "content/sprints/sprint-1.md",
            "---\ntitle: Sprint 1\nnumber: 1\ngoal: Firms can pay by invoice.\ngoal_met: partly\n\
             start: 2026-05-04\nend: 2026-05-15\nitems: [K-1, K-2, K-3]\n---\n"
                .into(),
        ),
    ])
}

fn build_in(root: &Path) -> BuildReport {
    teambook::build(&BuildOptions::new(root)).unwrap_or_else(|f| panic!("{:#?}", f.errors))
}

/// The `content` of `<meta property="NAME" …>` (or `name="NAME"`) in a page.
fn meta<'a>(html: &'a str, name: &str) -> Option<&'a str> {
    let at = html
        .find(&format!("property=\"{name}\" content=\""))
        .or_else(|| html.find(&format!("name=\"{name}\" content=\"")))?;
    let rest = &html[at..];
    let start = rest.find("content=\"")? + "content=\"".len();
    let end = rest[start..].find('"')?;
    Some(&rest[start..start + end])
}

/// Width and height of a PNG file, which must decode.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    reader.next_frame(&mut buf).unwrap();
    let info = reader.info();
    (info.width, info.height)
}

fn card(section: &str, title: &str, sprint: Option<SprintLine>) -> Card {
    Card {
        site: "Shop Handbook".into(),
        section: section.into(),
        title: title.into(),
        summary: String::new(),
        sprint,
    }
}

#[test]
fn pages_sections_and_sprints_link_their_own_card() {
    let dir = handbook("");
    let report = build_in(dir.path());
    let public = dir.path().join("public");
    let sprint = card(
        "Sprints",
        "Sprint 1",
        Some(SprintLine {
            goal_met: "partly".into(),
            verdict: "Goal partly met".into(),
            planned: "16".into(),
            finished: "13".into(),
            unit: "points".into(),
        }),
    );
    let home = Card {
        summary: "How the shop team works.".into(),
        ..card("", "Home", None)
    };
    let cases = [
        (
            "index.html",
            home,
            "Home · How the shop team works. · Shop Handbook",
        ),
        (
            "guide/review/index.html",
            card("Ways of working", "Code review <rules> & habits", None),
            "Code review &lt;rules&gt; &amp; habits · Ways of working · Shop Handbook",
        ),
        (
            "guide/index.html",
            card("", "Ways of working", None),
            "Ways of working · Shop Handbook",
        ),
        (
            "sprints/sprint-1/index.html",
            sprint,
            "Sprint 1 · Goal partly met · planned 16 · finished 13 points · Sprints · Shop Handbook",
        ),
        (
            "tags/process/index.html",
            card("Tags", "process", None),
            "process · Tags · Shop Handbook",
        ),
    ];
    for (page, want, alt) in cases {
        let html = read(&public, page);
        let file = want.file();
        assert_eq!(
            meta(&html, "og:image"),
            Some(format!("https://handbook.test/shop/{file}").as_str()),
            "{page}"
        );
        assert_eq!(meta(&html, "og:image:width"), Some("1200"), "{page}");
        assert_eq!(meta(&html, "og:image:height"), Some("630"), "{page}");
        assert_eq!(meta(&html, "og:image:alt"), Some(alt), "{page}");
        assert_eq!(
            meta(&html, "twitter:card"),
            Some("summary_large_image"),
            "{page}"
        );
        assert_eq!(png_size(&public.join(&file)), (1200, 630), "{page}");
    }
    // Every page with a <head> links a card that exists; the print-free site has one card
    // per distinct page, and no other file under cards/.
    let cards: Vec<String> = tree(&public)
        .into_keys()
        .filter(|k| k.starts_with("cards/"))
        .collect();
    assert_eq!(cards.len(), report.cards.drawn);
    for (rel, bytes) in tree(&public) {
        if !rel.ends_with(".html") || rel == "404.html" {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        if html.contains("http-equiv=\"refresh\"") {
            continue;
        }
        let url = meta(&html, "og:image").unwrap_or_else(|| panic!("no og:image in {rel}"));
        let file = url.strip_prefix("https://handbook.test/shop/").unwrap();
        assert!(cards.iter().any(|c| c == file), "{rel} links {url}");
    }
}

#[test]
fn share_cards_false_writes_no_card_and_no_og_image() {
    let dir = handbook("share_cards: false\n");
    let report = build_in(dir.path());
    let public = dir.path().join("public");
    assert!(!public.join("cards").exists());
    assert_eq!(report.cards.drawn + report.cards.kept, 0);
    let html = read(&public, "sprints/sprint-1/index.html");
    assert_eq!(meta(&html, "og:image"), None);
    assert_eq!(meta(&html, "twitter:card"), None);
    // The rest of the page's head is as before.
    assert_eq!(meta(&html, "og:title"), Some("Sprint 1"));
}

#[test]
fn a_rebuild_keeps_the_cards_it_has_and_draws_only_changed_ones() {
    let dir = handbook("");
    let public = dir.path().join("public");
    let first = build_in(dir.path());
    assert!(first.cards.drawn >= 6, "{:?}", first.cards);
    assert_eq!(first.cards.kept, 0);
    let before = tree(&public);

    let second = build_in(dir.path());
    assert_eq!(second.cards.drawn, 0);
    assert_eq!(second.cards.kept, first.cards.drawn);
    assert_eq!(tree(&public), before);

    // A new title is a new card under a new name; the old one goes.
    let old = card("Ways of working", "Code review <rules> & habits", None).file();
    let new = card("Ways of working", "Code review habits", None).file();
    write(
        dir.path(),
        "content/guide/review.md",
        b"---\ntitle: Code review habits\ntags: [process]\n---\nBe kind.\n",
    );
    let third = build_in(dir.path());
    assert_eq!(third.cards.drawn, 1, "{:?}", third.cards);
    assert_eq!(third.cards.kept, first.cards.drawn - 1);
    assert!(public.join(&new).is_file());
    assert!(!public.join(&old).exists());
    let html = read(&public, "guide/review/index.html");
    assert_eq!(
        meta(&html, "og:image"),
        Some(format!("https://handbook.test/shop/{new}").as_str())
    );
}

#[test]
fn serve_keeps_its_cards_in_memory_between_full_builds() {
    let dir = handbook("");
    let cache = Mutex::new(BodyCache::in_memory());
    let opts = BuildOptions::new(dir.path());
    let (first, files, _) = teambook::serve::live::Live::build(&opts, &cache).unwrap();
    assert!(first.cards.drawn >= 6);
    let (second, again, _) = teambook::serve::live::Live::build(&opts, &cache).unwrap();
    assert_eq!(
        (second.cards.drawn, second.cards.kept),
        (0, first.cards.drawn)
    );
    let cards = |f: &teambook::OutputFiles| {
        let mut c: Vec<(String, Vec<u8>)> = f
            .iter()
            .filter(|(k, _)| k.starts_with("cards/"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        c.sort();
        c
    };
    assert_eq!(cards(&files), cards(&again));
    assert_eq!(cards(&files).len(), first.cards.drawn);
}

#[test]
fn check_draws_no_cards() {
    let dir = handbook("");
    let report = teambook::build(&BuildOptions {
        check_only: true,
        ..BuildOptions::new(dir.path())
    })
    .unwrap();
    assert_eq!((report.cards.drawn, report.cards.kept), (0, 0));
}

/// A `base.html` of the site's own that links no card.
const PLAIN_BASE: &str = "<!DOCTYPE html>\n<html lang=\"en\"><head><title>{% block title %}{{ config.title }}{% endblock title %}</title>{% block head %}{% endblock head %}</head>\n<body>{% block content %}{% endblock content %}</body></html>\n";

#[test]
fn templates_that_link_no_card_get_none_drawn() {
    let dir = handbook("");
    write(dir.path(), "templates/base.html", PLAIN_BASE.as_bytes());
    let report = build_in(dir.path());
    assert_eq!((report.cards.drawn, report.cards.kept), (0, 0));
    assert!(!dir.path().join("public/cards").exists());
    let html = read(dir.path(), "public/guide/review/index.html");
    assert!(html.contains("<title>Code review"), "{html}");
}

#[test]
fn a_template_save_that_starts_linking_cards_is_a_full_rebuild_in_serve() {
    use teambook::serve::live::{Live, Update};
    let dir = handbook("");
    write(dir.path(), "templates/base.html", PLAIN_BASE.as_bytes());
    let cache = Mutex::new(BodyCache::in_memory());
    let (report, _, mut live) = Live::build(&BuildOptions::new(dir.path()), &cache).unwrap();
    assert_eq!(report.cards.drawn, 0);
    let linking = PLAIN_BASE.replace(
        "{% block head %}",
        "{% if card %}<meta property=\"og:image\" content=\"{{ card.url }}\">{% endif %}{% block head %}",
    );
    write(dir.path(), "templates/base.html", linking.as_bytes());
    let saved = dir.path().join("templates/base.html");
    assert!(matches!(live.update(&[saved]), Update::Full));
    let (report, files, _) = Live::build(&BuildOptions::new(dir.path()), &cache).unwrap();
    assert!(report.cards.drawn >= 6);
    let html = String::from_utf8(files["guide/review/index.html"].clone()).unwrap();
    let want = card("Ways of working", "Code review <rules> & habits", None).file();
    assert_eq!(
        meta(&html, "og:image"),
        Some(format!("https://handbook.test/shop/{want}").as_str())
    );
    assert!(files.contains_key(&want));
}

/// Past `PER_PAGE_LIMIT` pages, a plain page links its section's card; a sprint review keeps
/// its own; the cards drawn are one per section, record and term page, not one per page.
#[test]
fn a_large_site_links_section_cards_from_its_plain_pages() {
    let dir = handbook("");
    let n = teambook::render::cards::PER_PAGE_LIMIT;
    for i in 0..n {
        write(
            dir.path(),
            &format!("content/guide/note-{i}.md"),
            format!("---\ntitle: Note {i}\n---\nx\n").as_bytes(),
        );
    }
    let report = build_in(dir.path());
    let public = dir.path().join("public");
    let image = |rel: &str| meta(&read(&public, rel), "og:image").map(str::to_owned);
    let section = image("guide/index.html").expect("the section has its card");
    assert_eq!(
        image("guide/note-7/index.html").as_deref(),
        Some(section.as_str())
    );
    assert_eq!(
        image("guide/review/index.html").as_deref(),
        Some(section.as_str())
    );
    let sprint = image("sprints/sprint-1/index.html").expect("the sprint has its card");
    assert_ne!(sprint, section);
    // Home, guide, sprints, sprint 1, the tags list and its term: a handful, not 2,000.
    let drawn = report.cards.drawn;
    assert!((4..20).contains(&drawn), "{drawn} cards drawn");
    assert_eq!(
        std::fs::read_dir(public.join("cards")).unwrap().count(),
        drawn
    );
}
