//! The search index the default theme yields: the text pagefind keeps for each page (its
//! fragments), so page chrome such as the glossary's letter headings, dates, tag lists and
//! "edit this page" never matches a query, while the content itself stays findable.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use crate::common::{build, site};

/// Every indexed page of a build: its URL and the text pagefind indexed for it.
fn indexed(public: &Path) -> BTreeMap<String, String> {
    let mut pages = BTreeMap::new();
    for entry in std::fs::read_dir(public.join("pagefind/fragment")).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .unwrap();
        let json = text
            .strip_prefix("pagefind_dcd")
            .expect("a pagefind fragment");
        let fragment: serde_json::Value = serde_json::from_str(json).unwrap();
        pages.insert(
            fragment["url"].as_str().unwrap().to_string(),
            fragment["content"].as_str().unwrap().to_string(),
        );
    }
    pages
}

fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

fn glossary_site() -> tempfile::TempDir {
    let term = |title: &str, short: &str| {
        format!(
            "---\ntitle: {title}\nshort: {short}\ndate: 2026-05-11\ntags: [animals]\n---\n\
             The {title} entry, explained at length for readers.\n"
        )
    };
    site(&[
        (
            "teambook.yaml",
            "title: Zoo\nbase_url: https://example.org/zoo/\ntaxonomies: [tags]\npaginate: 1\n\
             repo_url: https://example.org/zoo-repo\nedit_path: edit/main/content\n",
        ),
        (
            "content/glossary/_index.md",
            "---\ntitle: Glossary\ncascade:\n  kind: term\n---\nEvery animal we keep.\n\n{{< glossary >}}\n",
        ),
        (
            "content/glossary/zebra.md",
            &term("Zebra", "Striped grazer."),
        ),
        (
            "content/glossary/quokka.md",
            &term("Quokka", "Smiling marsupial."),
        ),
    ])
}

#[test]
fn glossary_letters_and_page_chrome_stay_out_of_the_search_index() {
    let dir = glossary_site();
    let (code, _, stderr) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let pages = indexed(&dir.path().join("public"));

    // The A–Z index keeps its entries but not its one-letter headings and letter links:
    // pagefind answers a word it lacks with its longest indexed prefix, so an indexed "Z"
    // would match every query starting with z.
    let glossary = &pages["/glossary/"];
    let glossary_words = words(glossary);
    for entry in ["Zebra", "Striped", "Quokka", "Smiling"] {
        assert!(
            glossary_words.contains(&entry),
            "{entry} missing: {glossary}"
        );
    }
    for letter in ["Z", "Q"] {
        assert!(
            !glossary_words.contains(&letter),
            "letter {letter} indexed: {glossary}"
        );
    }
    assert!(
        !glossary.contains("Edit this page"),
        "edit link indexed: {glossary}"
    );

    // An entry's page: its title, definition and prose, without the date, the reading time,
    // its tags, the edit link or the breadcrumbs.
    let zebra = &pages["/glossary/zebra/"];
    for wanted in ["Zebra", "Striped grazer", "explained at length"] {
        assert!(zebra.contains(wanted), "{wanted} missing: {zebra}");
    }
    for chrome in [
        "2026",
        "min read",
        "animals",
        "Tags",
        "Edit this page",
        "Glossary",
    ] {
        assert!(!zebra.contains(chrome), "{chrome} indexed: {zebra}");
    }

    // A list page is found by its own title, not by the summaries of what it lists, and a
    // second pager is not indexed at all.
    let tag = &pages["/tags/animals/"];
    assert!(tag.contains("animals"), "{tag}");
    assert!(!tag.contains("Zebra") && !tag.contains("Quokka"), "{tag}");
    let pagers: Vec<_> = pages.keys().filter(|u| u.contains("/page/")).collect();
    assert!(pagers.is_empty(), "second pagers indexed: {pagers:?}");
}
