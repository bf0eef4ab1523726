//! Fixture sites built through the library: Markdown, sections, cascade, bundles, aliases,
//! taxonomies, pagination, feeds and the base path.

use crate::common::*;
use teambook::BuildOptions;

fn build_fixture(name: &str) -> (tempfile::TempDir, teambook::BuildReport) {
    let site = copy_site(&fixture(name));
    let report = teambook::build(&BuildOptions::new(site.path()))
        .unwrap_or_else(|f| panic!("{name}: {:?}", f.errors));
    (site, report)
}

#[test]
fn markdown_features_render() {
    let (site, report) = build_fixture("markdown/features");
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let html = read(site.path(), "public/features/index.html");
    insta::assert_snapshot!("markdown_features_main", main_of(&html));
    assert!(html.contains("<table>"));
    assert!(html.contains("hl-"), "YAML is highlighted");
    assert!(html.contains("┌──────┬──────┐\n│ pod  │ node │\n└──────┴──────┘"));
    assert!(
        html.contains("href=\"/other/#second-part\""),
        "link to a source file is rewritten"
    );
    assert!(html.contains("class=\"callout callout-warning\""));
}

#[test]
fn sections_cascade_bundles_aliases_taxonomies() {
    let (site, report) = build_fixture("sections/cascade");
    let root = site.path();
    // Drafts are left out with a reason.
    assert_eq!(report.skipped.len(), 1);
    assert!(report.skipped[0].reason.contains("--drafts"));
    assert!(!root.join("public/blog/draft/index.html").exists());
    // Bundle page and its asset.
    let first = read(root, "public/guides/first-week/index.html");
    assert!(first.contains("board.svg"));
    assert!(root.join("public/guides/first-week/board.svg").exists());
    // Alias redirect under the base path.
    let alias = read(root, "public/old/first-week/index.html");
    assert!(alias.contains("url=/docs/guides/first-week/"), "{alias}");
    // That the cascade reaches the bundle and the page's own key wins is asserted by value in
    // cascade_values_reach_templates (a `check` that succeeds showed neither).
    // Pagination: 3 posts, 2 per pager.
    assert!(root.join("public/blog/page/2/index.html").exists());
    let blog = read(root, "public/blog/index.html");
    let list = main_of(&blog);
    assert!(
        list.contains("Post 3") && list.contains("Post 2") && !list.contains("Post 1"),
        "{list}"
    );
    assert!(main_of(&read(root, "public/blog/page/2/index.html")).contains("Post 1"));
    // Taxonomies: terms urlized as Hugo does.
    assert!(root.join("public/tags/sprint-review/index.html").exists());
    assert!(root.join("public/tags/index.html").exists());
    // Feeds, sitemap, robots, GitHub Pages files.
    let feed = read(root, "public/blog/atom.xml");
    assert!(feed.contains("<title>Post 3</title>"));
    assert!(feed.contains("https://example.org/docs/blog/post-3/"));
    assert!(
        read(root, "public/sitemap.xml").contains("<loc>https://example.org/docs/guides/</loc>")
    );
    assert!(
        read(root, "public/robots.txt").contains("Sitemap: https://example.org/docs/sitemap.xml")
    );
    assert!(root.join("public/.nojekyll").exists());
    assert!(root.join("public/404.html").exists());
}

#[test]
fn cascade_values_reach_templates() {
    let site = copy_site(&fixture("sections/cascade"));
    write(
        site.path(),
        "templates/page.html",
        b"<main>{{ page.params.audience | default(value='-') }}</main>",
    );
    teambook::build(&BuildOptions::new(site.path())).unwrap();
    assert_eq!(
        read(site.path(), "public/guides/first-week/index.html"),
        "<main>new scrum masters</main>"
    );
    assert_eq!(
        read(site.path(), "public/guides/second-week/index.html"),
        "<main>everyone</main>"
    );
}

#[test]
fn base_url_path_is_honoured_by_every_link() {
    let site = copy_site(&repo().join("examples/hugo-blog"));
    let (code, _, err) = build(
        site.path(),
        &["--base-url", "https://example.org/handbook/"],
    );
    assert_eq!(code, 0, "{err}");
    let mut checked = 0;
    for (path, bytes) in tree(&site.path().join("public")) {
        if !(path.ends_with(".html") || path.ends_with(".xml")) {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        for attr in ["href=\"", "src=\"", "url="] {
            for (i, _) in text.match_indices(attr) {
                let value = &text[i + attr.len()..];
                if value.starts_with('/') && !value.starts_with("//") {
                    checked += 1;
                    assert!(
                        value.starts_with("/handbook/"),
                        "{path}: {attr}{}",
                        &value[..value.len().min(60)]
                    );
                }
            }
        }
    }
    assert!(checked > 20, "only {checked} links seen");
}

#[test]
fn hugo_post_with_url_summary_table_yaml_and_box_drawing() {
    let site = copy_site(&repo().join("examples/hugo-blog"));
    let (code, _, err) = build(site.path(), &[]);
    assert_eq!(code, 0, "{err}");
    let root = site.path();
    let post = read(root, "public/pods-explained/index.html");
    assert!(post.contains("<table>"));
    assert!(post.contains("class=\"code\" data-lang=\"yaml\""));
    assert!(post.contains("hl-"));
    let source = read(root, "content/posts/pods-explained.md");
    let box_lines: Vec<&str> = source.lines().filter(|l| l.contains('─')).collect();
    assert!(!box_lines.is_empty());
    for line in box_lines {
        assert!(post.contains(line), "box drawing line lost: {line}");
    }
    // The list shows only the text before <!--more-->.
    let list = read(root, "public/posts/index.html");
    let body = source.split("<!--more-->").nth(1).unwrap();
    let after = body
        .lines()
        .find(|l| l.len() > 30 && !l.starts_with(['|', '`', '#', '-']))
        .unwrap();
    assert!(
        !list.contains(after.trim()),
        "text after the marker is in the list"
    );
    let before = source.split("<!--more-->").next().unwrap();
    let summary_line = before
        .lines()
        .rfind(|l| l.len() > 30 && !l.contains(':'))
        .unwrap();
    let first_words: String = summary_line
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        list.contains(&first_words),
        "summary missing: {first_words}"
    );
}

#[test]
fn future_posts_are_left_out_with_a_reason_and_built_with_future() {
    let next_year = jiff::Timestamp::now()
        .strftime("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap()
        + 1;
    let post = format!("---\ntitle: Next\ndate: {next_year}-02-01\nurl: /some-slug/\n---\nSoon.\n");
    let site = site(&[
        ("content/_index.md", "Home"),
        ("content/posts/next.md", &post),
    ]);
    let (code, _, err) = build(site.path(), &[]);
    assert_eq!(code, 0);
    assert!(err.contains("content/posts/next.md"), "{err}");
    assert!(err.contains("in the future (build with --future"), "{err}");
    assert!(!site.path().join("public/some-slug/index.html").exists());
    let (code, _, _) = build(site.path(), &["--future"]);
    assert_eq!(code, 0);
    assert!(site.path().join("public/some-slug/index.html").exists());
}

#[test]
fn shortcodes_resolve_site_then_builtin() {
    let site = site(&[
        (
            "templates/shortcodes/note.html",
            "<aside class=\"note\">{{ args.title }}: {{ body | markdown | safe }}</aside>",
        ),
        (
            "templates/page.html",
            "<main>{{ page.content | safe }}</main>",
        ),
        (
            "content/a.md",
            "---\ntitle: A\n---\nIntro.\n\n{{< note title=\"Heads up\" >}}plain{{< /note >}}\n\n{{% note title=\"MD\" %}}**bold**{{% /note %}}\n\nHelm: `{{ .Values.image.tag }}`\n",
        ),
    ]);
    teambook::build(&BuildOptions::new(site.path())).unwrap();
    let html = read(site.path(), "public/a/index.html");
    assert!(
        html.contains("<aside class=\"note\">Heads up: <p>plain</p>\n</aside>"),
        "{html}"
    );
    assert!(html.contains("<strong>bold</strong>"), "{html}");
    assert!(html.contains("{{ .Values.image.tag }}"), "{html}");
}

#[test]
fn sidebar_marks_the_current_page_and_lists_only_open_sections() {
    let (site, _) = build_fixture("sections/cascade");
    let html = read(site.path(), "public/guides/second-week/index.html");
    let start = html
        .find("class=\"sidebar\"")
        .expect("default theme sidebar");
    let sidebar = &html[start..html[start..].find("</nav>").unwrap() + start];
    assert!(
        sidebar.contains("href=\"/docs/guides/second-week/\" aria-current=\"page\""),
        "{sidebar}"
    );
    assert!(
        sidebar.contains("href=\"/docs/blog/\""),
        "every section is listed"
    );
    assert!(
        !sidebar.contains("href=\"/docs/blog/post-1/\""),
        "pages of closed sections are not"
    );
    assert_eq!(sidebar.matches("aria-current").count(), 1);
}

#[test]
fn a_long_section_lists_the_block_of_pages_around_the_current_one() {
    // 120 posts in weight order; pages are listed in blocks of 25 past 50 in a section.
    let mut files: Vec<(String, String)> = vec![
        (
            "content/posts/_index.md".into(),
            "---\ntitle: Posts\n---\n".into(),
        ),
        ("content/about.md".into(), "---\ntitle: About\n---\n".into()),
    ];
    for i in 0..120 {
        files.push((
            format!("content/posts/p{i:03}.md"),
            format!("---\ntitle: Post {i}\nweight: {}\n---\nBody.\n", i + 1),
        ));
    }
    let dir = site(&files);
    let (code, _, err) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{err}");
    let sidebar_of = |rel: &str| {
        let html = read(dir.path(), rel);
        let start = html.find("class=\"sidebar\"").expect("sidebar");
        html[start..html[start..].find("</nav>").unwrap() + start].to_string()
    };
    // Post 60 is in block 2 (posts 50 to 74).
    let sidebar = sidebar_of("public/posts/p060/index.html");
    assert!(
        sidebar.contains("href=\"/posts/p060/\" aria-current=\"page\""),
        "{sidebar}"
    );
    for listed in ["p050", "p074"] {
        assert!(
            sidebar.contains(&format!("href=\"/posts/{listed}/\"")),
            "{listed}"
        );
    }
    for unlisted in ["p049", "p075", "p000", "p119"] {
        assert!(
            !sidebar.contains(&format!("href=\"/posts/{unlisted}/\">Post")),
            "{unlisted}"
        );
    }
    assert!(
        sidebar.contains("href=\"/posts/p025/\">Earlier pages</a>"),
        "{sidebar}"
    );
    assert!(
        sidebar.contains("href=\"/posts/p075/\">Later pages</a>"),
        "{sidebar}"
    );
    assert!(
        sidebar.contains("href=\"/posts/\">All 120 pages of Posts</a>"),
        "{sidebar}"
    );
    assert_eq!(
        sidebar.matches("class=\"nav-link\"").count(),
        25 + 2,
        "{sidebar}"
    );
    // The first block has no earlier link; the last no later one.
    let first = sidebar_of("public/posts/p003/index.html");
    assert!(!first.contains("Earlier pages") && first.contains("Later pages"));
    let last = sidebar_of("public/posts/p119/index.html");
    assert!(last.contains("Earlier pages") && !last.contains("Later pages"));
    // Elsewhere the long section is a link to its list, not 120 pages.
    let about = sidebar_of("public/about/index.html");
    assert!(!about.contains("/posts/p0"), "{about}");
}

#[test]
fn data_files_and_a_disk_theme_override_the_builtin_one() {
    let site = site(&[
        ("teambook.yaml", "theme: plain\n"),
        ("data/team.yaml", "name: Platform\nmembers: [Ana, Raj]\n"),
        (
            "themes/plain/templates/page.html",
            "<main>{{ data.team.name }}: {{ data.team.members | join(sep=', ') }} {{ page.content | safe }}</main>",
        ),
        (
            "themes/plain/templates/shortcodes/badge.html",
            "<b>theme {{ pos | first }}</b>",
        ),
        (
            "templates/shortcodes/badge.html",
            "<b>site {{ pos | first }}</b>",
        ),
        (
            "content/a.md",
            "---\ntitle: A\n---\n{{< badge \"one\" >}}\n\n{{% details summary=\"More\" %}}Hidden *text*{{% /details %}}\n",
        ),
    ]);
    teambook::build(&BuildOptions::new(site.path())).unwrap_or_else(|f| panic!("{:?}", f.errors));
    let html = read(site.path(), "public/a/index.html");
    assert!(html.starts_with("<main>Platform: Ana, Raj "), "{html}");
    assert!(
        html.contains("<b>site one</b>"),
        "site shortcode wins over the theme's: {html}"
    );
    assert!(
        html.contains("<details") && html.contains("<em>text</em>"),
        "built-in details: {html}"
    );
}

#[test]
fn body_cache_reuses_unchanged_pages_and_notices_every_change() {
    let cache = tempfile::tempdir().unwrap();
    let site = site(&[
        ("templates/shortcodes/hi.html", "<b>hi</b>"),
        (
            "templates/page.html",
            "<main>{{ page.content | safe }}</main>",
        ),
        (
            "content/a.md",
            "---\ntitle: A\n---\nOne {{< hi >}} [b](b.md)\n",
        ),
        ("content/b.md", "---\ntitle: B\n---\nTwo\n"),
    ]);
    let run = || build_with_cache(site.path(), cache.path(), "public/a/index.html");
    let first = run();
    assert!(first.contains("One <b>hi</b>"), "{first}");
    // The bodies' file, and the search stage's record of the index it wrote.
    assert_eq!(
        std::fs::read_dir(cache.path()).unwrap().count(),
        2,
        "cache written"
    );
    assert_eq!(run(), first, "unchanged build");
    write(site.path(), "templates/shortcodes/hi.html", b"<i>hello</i>");
    assert!(run().contains("One <i>hello</i>"), "template change seen");
    write(
        site.path(),
        "content/a.md",
        b"---\ntitle: A\n---\nUno [b](b.md)\n",
    );
    assert!(run().contains("Uno"), "page change seen");
    write(
        site.path(),
        "content/b.md",
        b"---\ntitle: B\nslug: bee\n---\nTwo\n",
    );
    assert!(
        run().contains("href=\"/bee/\""),
        "a linked page's new URL is seen"
    );
}

#[test]
fn body_cache_notices_a_record_changed_in_another_file() {
    let cache = tempfile::tempdir().unwrap();
    let site = site(&[
        (
            "content/roles/_index.md",
            "---\ntitle: Roles\ncascade:\n  kind: role\n---\n{{< role_table >}}\n",
        ),
        (
            "content/roles/sm.md",
            "---\ntitle: Scrum Master\nsummary: Flow.\nfocus: how\naspects:\n  metrics: Cycle time\n---\nBody.\n",
        ),
    ]);
    let run = || build_with_cache(site.path(), cache.path(), "public/roles/index.html");
    assert!(run().contains("Cycle time"));
    write(
        site.path(),
        "content/roles/sm.md",
        b"---\ntitle: Scrum Master\nsummary: Flow.\nfocus: how\naspects:\n  metrics: Lead time\n---\nBody.\n",
    );
    let second = run();
    assert!(
        second.contains("Lead time") && !second.contains("Cycle time"),
        "stale role table"
    );
}

/// Builds `root` with its body cache in `cache` and returns the output file `page`.
fn build_with_cache(root: &std::path::Path, cache: &std::path::Path, page: &str) -> String {
    let (code, _, stderr) = run(root, Some(cache), "build", &[]);
    assert_eq!(code, 0, "{stderr}");
    read(root, page)
}

#[test]
fn last_updated_falls_back_to_the_last_git_commit() {
    let dir = site(&[
        ("content/_index.md", "---\ntitle: Home\n---\nHi.\n"),
        ("content/a.md", "---\ntitle: A\n---\nCommitted.\n"),
        (
            "content/b.md",
            "---\ntitle: B\nlastmod: 2025-02-03\n---\nOwn date.\n",
        ),
        ("content/c.md", "---\ntitle: C\n---\nNever committed.\n"),
    ]);
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(dir.path())
            .args(args)
            .env("GIT_AUTHOR_NAME", "Ana Lima")
            .env("GIT_AUTHOR_EMAIL", "t@example.org")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.org")
            .env("GIT_COMMITTER_DATE", "2026-04-05T06:07:08Z")
            .env("GIT_AUTHOR_DATE", "2026-04-05T06:07:08Z")
            .output()
    };
    if git(&["--version"]).is_err() {
        eprintln!("git is not installed; nothing to check");
        return;
    }
    git(&["init", "-q"]).unwrap();
    git(&["add", "content/a.md", "content/b.md", "content/_index.md"]).unwrap();
    let out = git(&["commit", "-q", "-m", "pages"]).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (code, _, err) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{err}");
    let a = read(dir.path(), "public/a/index.html");
    assert!(
        a.contains(
            "Last updated <time datetime=\"2026-04-05\">5 April 2026</time> by Ana Lima</p>"
        ),
        "{a}"
    );
    let b = read(dir.path(), "public/b/index.html");
    assert!(
        b.contains("datetime=\"2025-02-03\">3 February 2025</time></p>"),
        "front matter wins, and names nobody: {b}"
    );
    let c = read(dir.path(), "public/c/index.html");
    assert!(!c.contains("Last updated"), "uncommitted file: {c}");
}

#[test]
fn files_inside_a_page_bundle_are_its_resources() {
    let site = site(&[
        ("content/posts/_index.md", "---\ntitle: Posts\n---\n"),
        ("content/posts/plain.md", "---\ntitle: Plain\n---\nText.\n"),
        (
            "content/posts/trip/index.md",
            "---\ntitle: Trip\n---\nA bundle.\n",
        ),
        (
            "content/posts/trip/notes.md",
            "---\ntitle: Notes\n---\nA resource.\n",
        ),
        (
            "content/posts/trip/_index.md",
            "---\ntitle: Not a section\n---\n",
        ),
        (
            "content/posts/trip/day/index.md",
            "---\ntitle: Day\n---\nNested.\n",
        ),
    ]);
    let report = teambook::build(&BuildOptions::new(site.path()))
        .unwrap_or_else(|f| panic!("{:?}", f.errors));
    let mut skipped: Vec<(String, String)> = report
        .skipped
        .iter()
        .map(|s| (s.path.display().to_string(), s.reason.clone()))
        .collect();
    skipped.sort();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert_eq!(skipped[0].0, "content/posts/trip/_index.md");
    assert_eq!(skipped[1].0, "content/posts/trip/day/index.md");
    assert_eq!(skipped[2].0, "content/posts/trip/notes.md");
    for (path, reason) in &skipped {
        assert!(reason.contains("content/posts/trip"), "{path}: {reason}");
    }
    assert!(skipped[2].1.contains("one of its resources"));
    assert!(read(site.path(), "public/posts/trip/index.html").contains("A bundle."));
    assert!(read(site.path(), "public/posts/plain/index.html").contains("Text."));
}

#[test]
fn the_default_theme_pager_links_the_ends_and_the_nearby_pagers() {
    let mut files: Vec<(String, String)> = vec![
        ("teambook.yaml".into(), "title: H\npaginate: 2\n".into()),
        (
            "content/notes/_index.md".into(),
            "---\ntitle: Notes\n---\n".into(),
        ),
    ];
    for i in 0..30 {
        files.push((
            format!("content/notes/n{i:02}.md"),
            format!("---\ntitle: Note {i}\nweight: {i}\n---\nText.\n"),
        ));
    }
    let site = site(&files);
    teambook::build(&BuildOptions::new(site.path())).unwrap_or_else(|f| panic!("{:?}", f.errors));
    let html = read(site.path(), "public/notes/page/8/index.html");
    let pager = &html[html.find("class=\"pager\"").unwrap()..];
    let pager = &pager[..pager.find("</nav>").unwrap()];
    for shown in [
        "/notes/\"",
        "/notes/page/6/",
        "/notes/page/7/",
        "/notes/page/9/",
        "/notes/page/10/",
        "/notes/page/15/",
    ] {
        assert!(pager.contains(shown), "{shown} missing from {pager}");
    }
    for hidden in [
        "/notes/page/2/",
        "/notes/page/5/",
        "/notes/page/11/",
        "/notes/page/14/",
    ] {
        assert!(!pager.contains(hidden), "{hidden} shown in {pager}");
    }
    assert_eq!(pager.matches("pager-gap").count(), 2, "{pager}");
    assert!(
        pager.contains("href=\"/notes/page/8/\" aria-current=\"page\""),
        "{pager}"
    );
}

/// A folder outside the site holding a known secret, as a page, a data file and a static file.
#[cfg(unix)]
fn outside_with_secret() -> tempfile::TempDir {
    let outside = tempfile::tempdir().unwrap();
    let secret = "SECRET-7f3a-must-not-be-published";
    write(outside.path(), "passwd", secret.as_bytes());
    write(
        outside.path(),
        "roles.yaml",
        format!("- title: {secret}\n").as_bytes(),
    );
    write(
        outside.path(),
        "leak.md",
        format!("---\ntitle: {secret}\n---\n{secret}\n").as_bytes(),
    );
    outside
}

#[cfg(unix)]
#[test]
fn links_out_of_the_site_are_never_followed_and_each_is_named() {
    use std::os::unix::fs::symlink;
    let secret = "SECRET-7f3a-must-not-be-published";
    let outside = outside_with_secret();
    // Whole folders linked out: static/, data/ and a theme's folder.
    let site = site(&[
        ("teambook.yaml", "title: T\ntheme: linked\n"),
        ("content/_index.md", "---\ntitle: Home\n---\nHello.\n"),
    ]);
    let root = site.path();
    symlink(outside.path(), root.join("static")).unwrap();
    symlink(outside.path(), root.join("data")).unwrap();
    std::fs::create_dir_all(root.join("themes/linked")).unwrap();
    symlink(outside.path(), root.join("themes/linked/templates")).unwrap();
    // Links inside content/: to a folder, to a file, and to nothing.
    symlink(outside.path(), root.join("content/elsewhere")).unwrap();
    symlink(outside.path().join("leak.md"), root.join("content/leak.md")).unwrap();
    symlink(
        root.join("content/missing.md"),
        root.join("content/dangling.md"),
    )
    .unwrap();

    let (code, _, stderr) = build(root, &[]);
    assert_eq!(code, 0, "{stderr}");
    for (link, target) in [
        ("static", outside.path().to_path_buf()),
        ("data", outside.path().to_path_buf()),
        ("themes/linked/templates", outside.path().to_path_buf()),
        ("content/elsewhere", outside.path().to_path_buf()),
        ("content/leak.md", outside.path().join("leak.md")),
    ] {
        let target = std::fs::canonicalize(target).unwrap();
        let line = format!(
            "warning: {link}: not read: it is a link to {}, outside the site folder",
            target.display()
        );
        assert!(stderr.contains(&line), "no `{line}` in\n{stderr}");
    }
    assert!(
        stderr
            .contains("content/dangling.md: not read: it is a link to a path that does not exist"),
        "{stderr}"
    );
    for (path, bytes) in tree(&root.join("public")) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(secret),
            "{path} holds the secret"
        );
    }
    assert!(!root.join("public/passwd").exists());
}

#[cfg(unix)]
#[test]
fn a_content_folder_linked_out_of_the_site_is_not_read() {
    use std::os::unix::fs::symlink;
    let secret = "SECRET-7f3a-must-not-be-published";
    let outside = outside_with_secret();
    let site = site(&[("teambook.yaml", "title: T\n")]);
    symlink(outside.path(), site.path().join("content")).unwrap();
    let (code, _, stderr) = build(site.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("warning: content: not read: it is a link to"),
        "{stderr}"
    );
    for (path, bytes) in tree(&site.path().join("public")) {
        assert!(!String::from_utf8_lossy(&bytes).contains(secret), "{path}");
    }
}

#[cfg(unix)]
#[test]
fn links_that_stay_inside_the_site_are_followed() {
    use std::os::unix::fs::symlink;
    let site = site(&[
        ("teambook.yaml", "title: T\n"),
        (
            "docs/guide.md",
            "---\ntitle: Linked guide\n---\nFrom docs/.\n",
        ),
        ("assets/logo.txt", "logo"),
    ]);
    let root = site.path();
    symlink(root.join("docs"), root.join("content")).unwrap();
    symlink(root.join("assets"), root.join("static")).unwrap();
    let (code, _, stderr) = build(root, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("not read"), "{stderr}");
    assert!(read(root, "public/guide/index.html").contains("Linked guide"));
    assert_eq!(read(root, "public/logo.txt"), "logo");
}

#[cfg(unix)]
#[test]
fn a_config_file_linked_out_of_the_site_is_refused() {
    let outside = outside_with_secret();
    let site = site(&[("content/_index.md", "---\ntitle: Home\n---\n")]);
    std::os::unix::fs::symlink(
        outside.path().join("passwd"),
        site.path().join("teambook.yaml"),
    )
    .unwrap();
    let (code, _, stderr) = build(site.path(), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("teambook.yaml: not read: it is a link to"),
        "{stderr}"
    );
    assert!(!stderr.contains("SECRET-7f3a"), "{stderr}");
    assert!(!site.path().join("public").exists());
}

/// A site big enough that a debug build spends a few seconds writing its output.
#[cfg(unix)]
fn slow_site() -> tempfile::TempDir {
    let mut files = vec![("teambook.yaml".to_string(), "title: Slow\n".to_string())];
    for i in 0..800 {
        files.push((
            format!("content/notes/note-{i}.md"),
            format!(
                "---\ntitle: Note {i}\ntags: [t{}]\n---\nSome words about note {i}.\n\n```rust\nfn main() {{ println!(\"{i}\"); }}\n```\n",
                i % 7
            ),
        ));
    }
    site(&files)
}

/// Folders a build of the site at `root` (output `root/public`) may leave: its staging
/// folders beside the output, and its search scratch folders in /dev/shm (by pid).
#[cfg(unix)]
fn leftovers(root: &std::path::Path, pid: u32) -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public.teambook-") || n.ends_with(".search"))
        .collect();
    if let Ok(shm) = std::fs::read_dir("/dev/shm") {
        let prefix = format!("teambook-{pid}-");
        found.extend(
            shm.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(&prefix)),
        );
    }
    found
}

#[cfg(unix)]
#[test]
fn an_interrupted_build_keeps_the_old_output_and_leaves_nothing() {
    let site = slow_site();
    let root = site.path();
    let (code, _, stderr) = build(root, &[]);
    assert_eq!(code, 0, "{stderr}");
    let before = tree(&root.join("public"));
    for (signal, expected) in [("-INT", 130), ("-TERM", 143)] {
        // A change to every page, and no body cache: the rebuild rewrites every file.
        let cache = tempfile::tempdir().unwrap();
        write(
            root,
            "teambook.yaml",
            format!("title: Slow {signal}\n").as_bytes(),
        );
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("teambook"))
            .env("TEAMBOOK_CACHE_DIR", cache.path())
            .arg("--root")
            .arg(root)
            .args(["build", "--quiet"])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let pid = child.id();
        let staging = root.join(format!(".public.teambook-{pid}"));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        while !staging.exists() {
            assert!(std::time::Instant::now() < deadline, "no staging folder");
            assert!(
                child.try_wait().unwrap().is_none(),
                "finished before the signal"
            );
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        let killed = std::process::Command::new("kill")
            .args([signal, &pid.to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(expected), "{signal}: {status:?}");
        assert_eq!(leftovers(root, pid), Vec::<String>::new(), "{signal}");
        assert!(
            tree(&root.join("public")) == before,
            "{signal}: the previous output changed"
        );
    }
    write(root, "teambook.yaml", b"title: Slow\n");
}

#[cfg(unix)]
#[test]
fn a_build_removes_what_a_killed_build_left() {
    let site = site(&[
        ("teambook.yaml", "title: T\n"),
        ("content/_index.md", "---\ntitle: Home\n---\nHello.\n"),
    ]);
    let root = site.path();
    // A pid that no process has: the kernel's pids stay far below it.
    let dead = u32::MAX - 1;
    std::fs::create_dir_all(root.join(format!(".public.teambook-{dead}/a"))).unwrap();
    let scratch = std::path::Path::new("/dev/shm").join(format!("teambook-{dead}-0.search"));
    let shm = std::path::Path::new("/dev/shm").is_dir();
    if shm {
        std::fs::create_dir_all(&scratch).unwrap();
    }
    // A folder of a process that still runs (this one) is not touched.
    let alive = root.join(format!(".public.teambook-{}", std::process::id()));
    std::fs::create_dir_all(&alive).unwrap();
    let (code, _, stderr) = build(root, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!root.join(format!(".public.teambook-{dead}")).exists());
    assert!(!scratch.exists());
    assert!(alive.exists());
}

#[test]
fn pages_show_their_owner_and_review_date_and_check_stale_lists_the_overdue() {
    let dir = site(&[
        ("teambook.yaml", "title: T\n"),
        (
            "content/on-call.md",
            "---\ntitle: On call\nowner: Maya\nreview_by: 2026-10-01\n---\nHow on call works.\n",
        ),
        (
            "content/rota.md",
            "---\ntitle: Rota\nreview_by: 2999-01-31\n---\nWho is on call.\n",
        ),
        ("content/plain.md", "---\ntitle: Plain\n---\nNo owner.\n"),
    ]);
    let (code, _, err) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(read(dir.path(), "public/on-call/index.html").contains(
        "<p class=\"ownership\">Owner: Maya · <strong class=\"overdue\">Due for review since <time datetime=\"2026-10-01\">1 October 2026</time></strong></p>"
    ));
    assert!(read(dir.path(), "public/rota/index.html").contains(
        "<p class=\"ownership\">Next review by <time datetime=\"2999-01-31\">31 January 2999</time></p>"
    ));
    assert!(!read(dir.path(), "public/plain/index.html").contains("ownership"));
    // `check --stale` fails on the overdue page only, at its `review_by:` line.
    let out = teambook()
        .arg("--root")
        .arg(dir.path())
        .args(["check", "--stale"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "error: content/on-call.md:4:1: due for review since 2026-10-01 (owner: Maya)"
        ),
        "{err}"
    );
    assert_eq!(err.matches("error: ").count(), 1, "{err}");
    // A review date that is no date is an error in every build.
    write(
        dir.path(),
        "content/rota.md",
        b"---\ntitle: Rota\nreview_by: soon\n---\nx\n",
    );
    let (code, _, err) = build(dir.path(), &[]);
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "content/rota.md:3:1: `review_by` must be a date like 2027-03-01, found `soon`"
        ),
        "{err}"
    );
}

#[test]
fn includes_render_snippets_in_place_and_refuse_cycles_and_missing_files() {
    let dir = site(&[
        ("teambook.yaml", "title: T\n"),
        (
            "content/a.md",
            "---\ntitle: A\n---\nBefore.\n\n{{< include \"snippets/on-call.md\" >}}\n\nAfter.\n",
        ),
        (
            "snippets/on-call.md",
            "Page the **on-call** engineer.\n\n{{< include \"rota.md\" >}}\n",
        ),
        ("snippets/rota.md", "The rota is *weekly*.\n"),
    ]);
    let cache = tempfile::tempdir().unwrap();
    let run = |root: &std::path::Path| {
        let out = teambook()
            .env("TEAMBOOK_CACHE_DIR", cache.path())
            .arg("--root")
            .arg(root)
            .args(["build", "--quiet"])
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert_eq!(run(dir.path()), (Some(0), String::new()));
    let html = read(dir.path(), "public/a/index.html");
    assert!(html.contains("<p>Before.</p>\n<p>Page the <strong>on-call</strong> engineer.</p>\n<p>The rota is <em>weekly</em>.</p>\n<p>After.</p>"), "{html}");
    // Snippets are not pages.
    assert!(!dir.path().join("public/snippets").exists());
    // A changed snippet reaches the page on the next build, cache or not.
    write(dir.path(), "snippets/rota.md", b"The rota is *monthly*.\n");
    assert_eq!(run(dir.path()).0, Some(0));
    assert!(read(dir.path(), "public/a/index.html").contains("The rota is <em>monthly</em>."));
    // A cycle, at the include in the page, with the chain spelled out.
    write(
        dir.path(),
        "snippets/rota.md",
        b"See {{< include \"on-call.md\" >}}\n",
    );
    let (code, err) = run(dir.path());
    assert_eq!(code, Some(1));
    assert!(err.contains("error: content/a.md:6:1: "), "{err}");
    assert!(err.contains("`snippets/on-call.md` includes itself (content/a.md → snippets/on-call.md → snippets/rota.md → snippets/on-call.md)"), "{err}");
    // A missing snippet, with the nearest name.
    write(dir.path(), "snippets/rota.md", b"Weekly.\n");
    write(
        dir.path(),
        "content/a.md",
        b"---\ntitle: A\n---\n{{< include \"snippets/on-cal.md\" >}}\n",
    );
    let (code, err) = run(dir.path());
    assert_eq!(code, Some(1));
    assert!(
        err.contains("error: content/a.md:4:1: ")
            && err.contains("no snippet `snippets/on-cal.md`; did you mean `snippets/on-call.md`?"),
        "{err}"
    );
}

#[test]
fn tabs_are_an_exclusive_group_of_details_and_bad_tabs_are_located() {
    let dir = site(&[
        ("teambook.yaml", "title: T\n"),
        (
            "content/install.md",
            "---\ntitle: Install\n---\n{{< tabs id=\"os\" >}}\n=== \"macOS\"\n\nUse **brew**.\n\n=== \"Linux\"\n\nUse apt.\n{{< /tabs >}}\n",
        ),
    ]);
    let (code, _, err) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{err}");
    let html = read(dir.path(), "public/install/index.html");
    assert!(html.contains("<details class=\"tab\" name=\"tabs-os\" open>\n<summary>macOS</summary>\n<div class=\"tab-panel\">\n<p>Use <strong>brew</strong>.</p>"), "{html}");
    assert!(html.contains("<details class=\"tab\" name=\"tabs-os\">\n<summary>Linux</summary>\n<div class=\"tab-panel\">\n<p>Use apt.</p>"), "{html}");
    write(
        dir.path(),
        "content/install.md",
        b"---\ntitle: Install\n---\nIntro.\n\n{{< tabs >}}\nNo title line.\n{{< /tabs >}}\n",
    );
    let (code, _, err) = build(dir.path(), &[]);
    assert_eq!(code, 1);
    assert!(
        err.contains("content/install.md:6:1")
            && err.contains("tabs: text before the first `=== \"Title\"` line"),
        "{err}"
    );
}
