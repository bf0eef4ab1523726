//! Tests of `search`.

use super::*;

fn page(title: &str, text: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><title>{title}</title></head><body>\
         <header><nav><a href=\"/\">Home</a> <a href=\"/x/\">Other pages</a></nav></header>\
         <div class=\"layout\"><main data-pagefind-body><h1 data-pagefind-weight=\"10\">{title}</h1>\
         <h2 id=\"part\">Part</h2><p>{text}</p></main>\n</div><footer>Footer words</footer></body></html>"
    )
}

#[test]
fn indexes_marked_pages_and_skips_redirects() {
    let out = tempfile::tempdir().unwrap();
    let sink = Sink::stage(&out.path().join("public")).unwrap();
    sink.write(
        "glossary/pod/index.html",
        page("Pod", "The smallest unit.").as_bytes(),
    )
    .unwrap();
    sink.write(
        "old/index.html",
        b"<meta http-equiv=\"refresh\" content=\"0\"><main data-pagefind-body></main>",
    )
    .unwrap();
    sink.write("plain/index.html", b"<html><body><p>x</p></body></html>")
        .unwrap();
    let Sink::Dir(Staged { staging, .. }) = &sink else {
        unreachable!()
    };
    let written = write_index(&sink, "en", None).unwrap();
    assert!(written > 3, "{written} files");
    assert!(staging.join("pagefind/pagefind.js").is_file());
    assert!(staging.join("pagefind/pagefind-entry.json").is_file());
    let entry = std::fs::read_to_string(staging.join("pagefind/pagefind-entry.json")).unwrap();
    assert!(entry.contains("\"page_count\":1"), "{entry}");
    let scratch = scratch_dir(staging);
    assert!(scratch.is_dir());
    std::fs::remove_dir(&scratch).unwrap();
    let left: Vec<_> = std::fs::read_dir(out.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "scratch folder left behind: {left:?}");
    drop(sink);
}

#[test]
fn the_view_keeps_the_head_and_the_indexed_element_only() {
    let html = page("Pod", "The smallest unit.");
    let view = View::of(&html).unwrap();
    assert!(view.is_cut(), "the page was not cut");
    let view = view.text();
    assert!(view.contains("<title>Pod</title>"));
    assert!(view.contains("<main data-pagefind-body>"));
    assert!(view.contains("The smallest unit."));
    assert!(!view.contains("Other pages") && !view.contains("Footer words"));
    assert!(view.ends_with("</main></body></html>"), "{view}");
}

#[test]
fn the_view_is_the_whole_page_when_a_cut_part_matters_to_pagefind() {
    let base = page("Pod", "The smallest unit.");
    for (what, extra) in [
        ("an attribute", "<p data-pagefind-filter=\"team\">Ops</p>"),
        ("a first heading", "<h1>Site</h1>"),
        ("a first image", "<img src=\"/logo.png\" alt=\"logo\">"),
        ("an unclosed dropped element", "<form>"),
    ] {
        let html = base.replace("<header>", &format!("{extra}<header>"));
        assert!(!View::of(&html).unwrap().is_cut(), "{what} was cut");
    }
    let no_head_title = base.replace("<title>Pod</title>", "");
    let html = no_head_title.replace("<header>", "<svg><title>Icon</title></svg><header>");
    assert!(!View::of(&html).unwrap().is_cut());
    assert!(View::of("<html><body><p>unmarked</p></body></html>").is_none());
}

#[test]
fn code_blocks_lose_their_highlighting_spans_only() {
    let html = "<p><span>kept</span></p>\
        <pre class=\"code\"><code><span class=\"hl-a\"><span class=\"hl-b\">fn</span> x</span>\n</code></pre>\
        <pre class=\"code\"><code><span data-pagefind-weight=\"2\">raw</span></code></pre>";
    let mut out = Vec::new();
    write_without_code_spans(html, &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "<p><span>kept</span></p>\
        <pre class=\"code\"><code>fn x\n</code></pre>\
        <pre class=\"code\"><code><span data-pagefind-weight=\"2\">raw</span></code></pre>"
    );
}

/// Indexes `pages` (path, HTML) as pagefind would the whole pages, and as teambook does.
fn both_indexes(pages: &[(&str, String)]) -> (IndexFiles, IndexFiles) {
    let dir = tempfile::tempdir().unwrap();
    let sink = Sink::stage(&dir.path().join("public")).unwrap();
    for (rel, html) in pages {
        sink.write(rel, html.as_bytes()).unwrap();
    }
    let Sink::Dir(out) = &sink else {
        unreachable!()
    };
    let staging = &out.staging;
    let whole = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(async {
            let config = PagefindServiceConfig::builder()
                .force_language("en".to_string())
                .build();
            let mut index = PagefindIndex::new(Some(config)).unwrap();
            index
                .add_directory(staging.to_string_lossy().into_owned(), None)
                .await
                .unwrap();
            index.get_files().await.unwrap()
        });
    let mut whole: Vec<(String, Vec<u8>)> = whole
        .into_iter()
        .map(|f| (f.filename.to_string_lossy().into_owned(), f.contents))
        .collect();
    let scratch = dir.path().join("scratch");
    for (rel, html) in pages {
        write_view(&scratch, rel, &View::of(html).unwrap()).unwrap();
    }
    let mut cut = index_scratch(&scratch, "en", &mut Clock(None)).unwrap();
    whole.sort();
    cut.sort();
    (whole, cut)
}

#[test]
fn cutting_the_page_does_not_change_the_index() {
    let pages = [
        ("a/index.html", page("Pod", "The smallest deployable unit.")),
        (
            "b/index.html",
            page(
                "Node",
                "A machine that runs pods, with <a id=\"x\" href=\"#\">links</a>.",
            ),
        ),
        (
            "c/index.html",
            page(
                "Code",
                &format!(
                    "Before the block.</p>{}<p>After it.",
                    crate::parse::highlight::Highlighter::global()
                        .highlight(
                            "fn scale_pods(count: u32) -> u32 {\n    // double them\n    count * 2\n}\n",
                            "rust"
                        )
                        .map(|h| format!(
                            "<pre class=\"code\" data-lang=\"rust\"><code>{h}</code></pre>"
                        ))
                        .unwrap()
                ),
            ),
        ),
    ];
    assert!(pages.iter().all(|(_, h)| View::of(h).unwrap().is_cut()));
    let (whole, cut) = both_indexes(&pages);
    assert_eq!(whole.len(), cut.len());
    for ((wn, wb), (cn, cb)) in whole.iter().zip(&cut) {
        assert_eq!(wn, cn);
        assert!(wb == cb, "{wn} differs");
    }
}

#[test]
fn an_unchanged_site_reuses_the_index_of_the_current_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let record = dir.path().join("search.json");
    let build = |text: &str| {
        let sink = Sink::stage(&out).unwrap();
        sink.write(crate::render::feeds::MARKER, b"").unwrap();
        let html = page("Pod", text.trim_start_matches('!'));
        // A leading `!` changes the page outside the indexed element only.
        let html = match text.starts_with('!') {
            true => html.replace("Other pages", "More pages"),
            false => html,
        };
        sink.write("pod/index.html", html.as_bytes()).unwrap();
        let n = write_index(&sink, "en", Some(&record)).unwrap();
        sink.commit().unwrap();
        n
    };
    let fragments = |out: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(out.join("pagefind/fragment"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let n = build("The smallest unit.");
    let first = fragments(&out);
    // A marker file in the index shows whether the next build linked it or built it anew.
    let marker = out.join("pagefind/built-before.txt");
    std::fs::write(&marker, "").unwrap();
    let mut stored: Record = serde_json::from_slice(&std::fs::read(&record).unwrap()).unwrap();
    stored.files.push(("built-before.txt".to_string(), 0));
    std::fs::write(&record, serde_json::to_vec(&stored).unwrap()).unwrap();

    assert_eq!(build("The smallest unit."), n + 1);
    assert!(marker.exists(), "the unchanged index was built again");
    assert_eq!(fragments(&out), first);

    // The page changed, but not the part of it that is indexed.
    assert_eq!(build("!The smallest unit."), n + 1);
    assert!(out.join("pod/index.html").is_file());
    let page_now = std::fs::read_to_string(out.join("pod/index.html")).unwrap();
    assert!(page_now.contains("More pages"));
    assert!(
        marker.exists(),
        "an index of unchanged views was built again"
    );

    build("The smallest deployable unit.");
    assert!(!marker.exists(), "a changed page reused the old index");
    assert_ne!(fragments(&out), first);
}

#[test]
fn long_runs_are_found_only_when_there_is_one() {
    let words = "word ".repeat(2000);
    assert!(!has_long_run(words.as_bytes()));
    let just = "x".repeat(MAX_INDEXED_RUN);
    assert!(!has_long_run(format!("{words}{just} {words}").as_bytes()));
    let over = "x".repeat(MAX_INDEXED_RUN + 1);
    assert!(has_long_run(format!("{words}{over} {words}").as_bytes()));
    // Chinese needs no spaces: a long sentence is not a run.
    assert!(!has_long_run("容器编排".repeat(500).as_bytes()));
}

#[test]
fn a_pasted_data_uri_is_not_indexed_but_its_neighbours_are() {
    let blob: String = (0..200_000)
        .map(|i| ['Q', 'm', '9', '+', '/', 'z'][i % 6])
        .collect();
    let long_href = format!("<a href=\"/{}\">link words</a>", "p".repeat(400));
    let image = format!("<img alt=\"chart\" src=\"data:image/png;base64,{blob}\">");
    let html = page(
        "Shot",
        &format!("Before the picture. {blob} After it. {long_href} {image}"),
    );
    let dir = tempfile::tempdir().unwrap();
    write_view(dir.path(), "shot/index.html", &View::of(&html).unwrap()).unwrap();
    let written = std::fs::read_to_string(dir.path().join("shot/index.html")).unwrap();
    assert!(!written.contains("Qm9+/z"), "the blob reached the indexer");
    assert!(written.contains("Before the picture.") && written.contains("After it."));
    assert!(written.contains(&"p".repeat(400)), "a tag was changed");
    assert!(written.contains("link words"));
    assert!(
        written.contains("<img alt=\"chart\" src=\"\">"),
        "the data URI was kept"
    );
}
