//! Bad input: each case is a clear error with its location, exit code 1, and the previous
//! output left byte-for-byte unchanged.

use crate::common::*;

const GOOD_PAGE: &str = "---\ntitle: Good\n---\nFine.\n";

/// Builds a good site, breaks it with `files`, rebuilds; returns stderr of the failed build.
fn breaks(files: &[(&str, &[u8])]) -> String {
    let site = site(&[
        ("teambook.yaml", "title: T\n"),
        ("content/_index.md", "Home"),
        ("content/good.md", GOOD_PAGE),
    ]);
    let (code, _, err) = build(site.path(), &[]);
    assert_eq!(code, 0, "{err}");
    let before = tree(&site.path().join("public"));
    assert!(before.contains_key("good/index.html"));
    for (path, bytes) in files {
        write(site.path(), path, bytes);
    }
    let (code, _, err) = build(site.path(), &[]);
    assert_eq!(code, 1, "expected exit 1, stderr:\n{err}");
    assert_eq!(
        before,
        tree(&site.path().join("public")),
        "output changed after a failed build"
    );
    let leftovers: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".teambook-"))
        .collect();
    assert!(leftovers.is_empty(), "staging folder left behind");
    err
}

#[test]
fn malformed_yaml_front_matter_at_the_line_of_the_file() {
    let err = breaks(&[(
        "content/bad.md",
        b"---\ntitle: Bad\ndescription: a: b\ndate: 2026-01-01\n---\nBody\n",
    )]);
    assert!(
        err.contains("content/bad.md:3:15: mapping values are not allowed"),
        "{err}"
    );
    assert!(
        err.contains("description: a: b"),
        "source line shown: {err}"
    );
    assert!(err.contains('^'), "caret shown: {err}");
}

#[test]
fn unterminated_front_matter() {
    let err = breaks(&[(
        "content/bad.md",
        b"---\ntitle: Bad\n\nBody without a fence\n",
    )]);
    assert!(
        err.contains("content/bad.md:1:1: front matter opened with `---` is never closed"),
        "{err}"
    );
}

#[test]
fn unknown_config_key_with_a_hint() {
    let err = breaks(&[("teambook.yaml", b"title: T\nbaseurl: https://x.y/\n")]);
    assert!(
        err.contains("teambook.yaml:2:1: unknown config key `baseurl`"),
        "{err}"
    );
    assert!(err.contains("did you mean `base_url`?"), "{err}");
}

#[test]
fn two_pages_with_one_url_name_both_files() {
    let err = breaks(&[
        ("content/a.md", b"---\ntitle: A\nurl: /same/\n---\n"),
        ("content/b.md", b"---\ntitle: B\nurl: /same/\n---\n"),
    ]);
    assert!(
        err.contains("content/a.md") && err.contains("content/b.md"),
        "{err}"
    );
    assert!(err.contains("URL `/same/` is already used by"), "{err}");
}

#[test]
fn url_escaping_the_output_folder() {
    let err = breaks(&[("content/evil.md", b"---\ntitle: E\nurl: ../../etc/\n---\n")]);
    assert!(
        err.contains(
            "content/evil.md:3:1: `url: ../../etc/` would write outside the output folder"
        ),
        "{err}"
    );
}

#[test]
fn non_utf8_file() {
    let err = breaks(&[("content/latin1.md", b"---\ntitle: Caf\xe9\n---\n")]);
    assert!(
        err.contains("content/latin1.md:2:11: not valid UTF-8"),
        "{err}"
    );
}

#[test]
fn missing_template() {
    let err = breaks(&[("content/odd.md", b"---\ntitle: Odd\nlayout: fancy\n---\n")]);
    assert!(
        err.contains("content/odd.md:3:1: template `fancy.html` not found"),
        "{err}"
    );
    assert!(err.contains("add templates/fancy.html"), "{err}");
}

#[test]
fn unknown_shortcode_names_the_template_to_add() {
    let err = breaks(&[(
        "content/sc.md",
        b"---\ntitle: S\n---\nText\n\n{{< mystery x=\"1\" >}}\n",
    )]);
    assert!(err.contains("content/sc.md:6:1:"), "{err}");
    assert!(err.contains("templates/shortcodes/mystery.html"), "{err}");
}

#[test]
fn unclosed_shortcode() {
    let err = breaks(&[(
        "content/sc.md",
        b"---\ntitle: S\n---\nText\n{{< details summary=\"x\" \n\nmore\n",
    )]);
    assert!(err.contains("content/sc.md:5:1:"), "{err}");
    assert!(err.contains("not closed"), "{err}");
}

#[test]
fn template_syntax_error_points_into_the_template() {
    let err = breaks(&[(
        "templates/page.html",
        b"<main>\n{% if page.title %}\n</main>\n",
    )]);
    assert!(err.contains("templates/page.html:"), "{err}");
}

#[test]
fn all_errors_of_a_build_are_reported_together() {
    let err = breaks(&[
        ("content/one.md", b"---\ntitle: [\n---\n"),
        ("content/two.md", b"---\nweight: heavy\n---\n"),
    ]);
    assert!(
        err.contains("content/one.md:2:") && err.contains("content/two.md:2:1"),
        "{err}"
    );
}

#[test]
fn broken_links_warn_in_build_and_fail_check() {
    let site = site(&[
        ("content/_index.md", "Home"),
        (
            "content/a.md",
            "---\ntitle: A\n---\nSee [b](b.md) and [top](#nowhere).\n",
        ),
    ]);
    let (code, _, err) = build(site.path(), &[]);
    assert_eq!(code, 0);
    assert!(
        err.contains("content/a.md:4:9: broken link: no page is built from `b.md`"),
        "{err}"
    );
    assert!(err.contains("broken anchor: `#nowhere`"), "{err}");
    let out = teambook()
        .arg("--root")
        .arg(site.path())
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn output_folder_inside_content_or_root_is_refused() {
    let site = site(&[("content/_index.md", "Home")]);
    for bad in ["content/out", "."] {
        let (code, _, err) = build(
            site.path(),
            &["--output-dir", &site.path().join(bad).to_string_lossy()],
        );
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(err.contains("refusing to write the site"), "{err}");
    }
    let foreign = tempfile::tempdir().unwrap();
    write(foreign.path(), "keep.txt", b"mine");
    let (code, _, err) = build(
        site.path(),
        &["--output-dir", &foreign.path().to_string_lossy()],
    );
    assert_eq!(code, 1, "{err}");
    assert_eq!(read(foreign.path(), "keep.txt"), "mine");
}

#[test]
fn two_pages_with_one_url_point_at_the_second_url_line() {
    let err = breaks(&[
        ("content/a.md", b"---\ntitle: A\nurl: /same/\n---\n"),
        ("content/b.md", b"---\ntitle: B\n\nurl: /same/\n---\n"),
    ]);
    assert!(
        err.contains("content/b.md:4:1: page URL `/same/` is already used by content/a.md"),
        "{err}"
    );
    assert!(err.contains("4 | url: /same/"), "{err}");
}

#[test]
fn an_alias_onto_a_page_points_at_its_aliases_line() {
    let err = breaks(&[(
        "content/b.md",
        b"---\ntitle: B\naliases:\n  - /good/\n---\n",
    )]);
    assert!(
        err.contains("content/b.md:3:1: alias URL `/good/` is already used by content/good.md"),
        "{err}"
    );
}

#[test]
fn a_slug_that_climbs_or_names_a_folder_is_refused_at_its_line() {
    for slug in ["../../../up", "a/b", ".."] {
        let text = format!("---\ntitle: X\nslug: \"{slug}\"\n---\n");
        let err = breaks(&[("content/posts/x.md", text.as_bytes())]);
        assert!(
            err.contains(&format!(
                "content/posts/x.md:3:1: `slug: {slug}` is not one URL segment"
            )),
            "{slug}: {err}"
        );
    }
}

#[test]
fn a_config_that_is_not_utf8_points_at_the_byte() {
    let err = breaks(&[("teambook.yaml", b"title: T\ndescription: caf\xe9\n")]);
    assert!(
        err.contains("teambook.yaml:2:17: not valid UTF-8 (byte 25 of the file)"),
        "{err}"
    );
    assert!(err.contains("2 | description: caf"), "{err}");
}

#[test]
fn an_output_dir_refused_in_the_config_points_at_its_line() {
    let err = breaks(&[("teambook.yaml", b"title: T\noutput_dir: content/out\n")]);
    assert!(
        err.contains("teambook.yaml:2:1: refusing to write the site to"),
        "{err}"
    );
    assert!(err.contains("inside the site's content/ folder"), "{err}");
    assert!(err.contains("^^^^^^^^^^"), "{err}");
}

#[test]
fn two_backlog_items_with_one_id_name_both_places() {
    let err = breaks(&[(
        "data/backlog.yaml",
        b"- title: Login\n  id: PBI-7\n  points: 3\n- title: Logout\n  id: PBI-7\n  points: 5\n",
    )]);
    assert!(
        err.contains("data/backlog.yaml:5:3: duplicate backlog item id `PBI-7`"),
        "{err}"
    );
    assert!(
        err.contains("already the id of `Login` at data/backlog.yaml:2"),
        "{err}"
    );
}

#[test]
fn a_shortcode_closed_with_the_other_delimiter_names_file_lines() {
    let err = breaks(&[(
        "content/b.md",
        b"---\ntitle: B\n---\n\n\n{{% details summary=\"x\" %}}\nhello\n{{< /details >}}\n",
    )]);
    assert!(
        err.contains("content/b.md:8:1: closing `{{< /details >}}` does not match its opening `{{% details %}}` (line 6, column 1)"),
        "{err}"
    );
}

#[test]
fn library_messages_are_in_our_words_at_the_line() {
    let err = breaks(&[("teambook.yaml", b"title: T\npaginate: \"ten\"\n")]);
    assert!(
        err.contains("teambook.yaml:2:11: expected a whole number of 0 or more"),
        "{err}"
    );
    let deep = format!("a: {}{}\n", "[".repeat(70), "]".repeat(70));
    let err = breaks(&[("data/deep.yaml", deep.as_bytes())]);
    assert!(
        err.contains("data/deep.yaml:1:") && err.contains("nested too deeply"),
        "{err}"
    );
    let err = breaks(&[("data/loop.yaml", b"a: &x\n  b: *x\n")]);
    assert!(
        err.contains("data/loop.yaml:2:6: an alias (`*name`) refers to the value it is part of"),
        "{err}"
    );
}

#[test]
fn a_term_made_of_dots_is_refused_at_its_line() {
    let err = breaks(&[("content/t.md", b"---\ntitle: T\ntags: [\"..\", ok]\n---\n")]);
    assert!(
        err.contains(
            "content/t.md:3:1: `..` in `tags` has no letters or digits to make its URL from"
        ),
        "{err}"
    );
}

#[test]
fn a_url_clash_points_at_the_page_that_wrote_the_url_out() {
    // b.md sets `url: /good/`; good.md's URL comes from its file name: b.md is the one to fix.
    let err = breaks(&[("content/b.md", b"---\ntitle: B\nurl: /good/\n---\n")]);
    assert!(
        err.contains(
            "content/b.md:3:1: URL `/good/` is already the URL of the page content/good.md"
        ),
        "{err}"
    );
}
