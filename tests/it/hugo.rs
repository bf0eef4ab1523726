//! Hugo sites: the fixture in tests/fixtures/hugo/site/ builds unchanged, at the URLs Hugo
//! gives it (recorded once in hugo-urls.txt by record-hugo-urls.sh), with Hugo's shortcodes.

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::{build, copy_site, fixture, main_of, read, run, site, teambook};

/// The HTML files of an output folder as site paths (`/posts/index.html`).
fn html_urls(out: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e
                .path()
                .strip_prefix(out)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            rel.ends_with(".html").then(|| format!("/{rel}"))
        })
        .collect()
}

fn hugo_urls() -> BTreeSet<String> {
    read(&fixture("hugo"), "hugo-urls.txt")
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn fixture_has_the_html_urls_hugo_gives_it() {
    let site = copy_site(&fixture("hugo/site"));
    let (code, stdout, stderr) = build(site.path(), &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    // Only HTML is compared: teambook's own extras (atom.xml, syntax.css, style.css,
    // sitemap.xml, robots.txt, .nojekyll) are other file types. No difference is intended:
    // pages (permalinks, url, slug, lowercase names), sections, pagers with their page/1/
    // redirects, taxonomies and terms, aliases and 404.html all match Hugo 0.168.
    let ours = html_urls(&site.path().join("public"));
    let hugo = hugo_urls();
    let missing: Vec<_> = hugo.difference(&ours).collect();
    let extra: Vec<_> = ours.difference(&hugo).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:?}\nextra: {extra:?}"
    );
}

#[test]
fn unhonoured_keys_and_left_out_pages_are_reported_once() {
    let site = copy_site(&fixture("hugo/site"));
    std::fs::create_dir_all(site.path().join("layouts")).unwrap();
    let (code, _, stderr) = build(site.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stderr
            .matches("note: Hugo config keys not honoured: summarylength")
            .count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains("note: layouts/ holds Go templates, which teambook cannot run"),
        "{stderr}"
    );
    assert!(
        stderr.contains("in-the-future.md: dated 2099-01-01 in the future"),
        "{stderr}"
    );
    assert!(stderr.contains("unfinished.md: draft: true"), "{stderr}");
}

#[test]
fn drafts_and_future_pages_come_in_when_asked() {
    let site = copy_site(&fixture("hugo/site"));
    let (code, _, stderr) = build(site.path(), &["--drafts", "--future"]);
    assert_eq!(code, 0, "{stderr}");
    let out = site.path().join("public");
    assert!(out.join("2099/01/next-years-roadmap/index.html").is_file());
    assert!(
        out.join("2025/01/half-written-thoughts/index.html")
            .is_file()
    );
}

#[test]
fn built_in_shortcodes_and_go_template_text() {
    let site = copy_site(&fixture("hugo/site"));
    let (code, _, stderr) = build(site.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let html = read(
        &site.path().join("public"),
        "2025/06/every-built-in-shortcode/index.html",
    );
    for want in [
        // param: the page's key, then the site's params.
        "The owner is Dana; the on-call rota is the pager rota.",
        // figure, caption rendered as Markdown.
        "<figure class=\"figure\"><img src=\"/img/board.png\" alt=\"The sprint board\"",
        "<figcaption>The board on <em>day three</em></figcaption>",
        // highlight: a highlighted block that keeps the Helm text.
        "<pre class=\"code\" data-lang=\"yaml\"><code class=\"language-yaml\">",
        ".Values.image.tag",
        // ref is absolute, relref root-relative.
        "href=\"https://example.org/2025/01/our-first-sprint-on-the-new-cluster/\"",
        "href=\"/about-us/\"",
        // details: the body is Markdown.
        "<summary>Why a details box?</summary>",
        "<p>Because some answers are <strong>long</strong>.</p>\n\n\n</details>",
        // Privacy-friendly links, no third-party frames.
        "href=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\"",
        "href=\"https://vimeo.com/146022717\"",
        "href=\"https://x.com/acme/status/1453110110599868418\"",
        "href=\"https://www.instagram.com/p/CxOWiQNP2MO/\"",
        // An escaped shortcode is written out, not run.
        "escape it: {{&lt; figure src=",
        // Go templates in prose and in code blocks come out as written.
        "<p>Helm values stay as written in prose: {{ .Values.image.tag }}.</p>",
        "{{ .Values.image.repository }}:{{ .Values.image.tag }}",
        "<code class=\"language-text\">{{- range .Values.hosts }}\n  - {{ . | quote }}\n{{- end }}\n</code>",
    ] {
        assert!(html.contains(want), "missing {want:?} in\n{html}");
    }
    assert!(!html.contains("<iframe"), "no autoloading embeds");
}

#[test]
fn titles_of_files_without_front_matter_come_from_the_file_name() {
    let site = copy_site(&fixture("hugo/site"));
    let (code, _, stderr) = build(site.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let out = site.path().join("public");
    assert!(read(&out, "notes/empty/index.html").contains(">Empty</h1>"));
    let plain = read(&out, "notes/no-front-matter/index.html");
    assert!(plain.contains("<title>No Front Matter"), "{plain}");
}

#[test]
fn rss_feeds_are_where_hugo_puts_them() {
    let site = copy_site(&fixture("hugo/site"));
    let (code, _, stderr) = build(site.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let out = site.path().join("public");
    for feed in [
        "index.xml",
        "posts/index.xml",
        "notes/index.xml",
        "tags/index.xml",
        "tags/kubernetes/index.xml",
        "series/cluster-move/index.xml",
    ] {
        let xml = read(&out, feed);
        assert!(xml.contains("<rss version=\"2.0\""), "{feed}: {xml}");
    }
    let home = read(&out, "index.xml");
    assert!(home.contains("<link>https://example.org/2025/06/every-built-in-shortcode/</link>"));
    assert!(home.contains("<pubDate>Sun, 01 Jun 2025 00:00:00 +0000</pubDate>"));
    // Links to the feeds are not broken links.
    let linked = copy_site(&fixture("hugo/site"));
    crate::common::write(
        linked.path(),
        "content/notes/feeds.md",
        b"---\ntitle: Feeds\n---\n[All posts](/posts/index.xml), [Kubernetes](/tags/kubernetes/index.xml).\n",
    );
    let (code, _, stderr) = teambook_check(linked.path());
    assert_eq!(code, 0, "{stderr}");
    // teambook's own Atom feed is still written.
    assert!(out.join("atom.xml").is_file());
}

fn teambook_check(root: &Path) -> (i32, String, String) {
    run(root, None, "check", &[])
}

#[test]
fn init_from_hugo_writes_an_equivalent_teambook_yaml() {
    let site = copy_site(&fixture("hugo/site"));
    let out = teambook()
        .arg("init")
        .arg("--from-hugo")
        .arg(site.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let yaml = read(site.path(), "teambook.yaml");
    assert!(yaml.starts_with("# Written by `teambook init --from-hugo` from config.toml\n"));
    assert!(
        yaml.contains("# Hugo config keys not honoured: summarylength"),
        "{yaml}"
    );
    // The Hugo config goes; the teambook.yaml alone builds the same site.
    std::fs::remove_file(site.path().join("config.toml")).unwrap();
    let (code, _, stderr) = build(site.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(html_urls(&site.path().join("public")), hugo_urls());
    // A second run refuses to overwrite it.
    let again = teambook()
        .arg("init")
        .arg("--from-hugo")
        .arg(site.path())
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn nested_folders_without_index_are_not_sections() {
    let site = site(&[
        ("content/_index.md", "Home"),
        ("content/docs/_index.md", "---\ntitle: Docs\n---\n"),
        (
            "content/docs/how to/Deploy Now.md",
            "---\ntitle: Deploy\n---\nSteps.\n",
        ),
        ("content/docs/ops/_index.md", "---\ntitle: Ops\n---\n"),
        (
            "content/docs/ops/deep/pager.md",
            "---\ntitle: Pager\n---\nOn call.\n",
        ),
        (
            "content/notes/2026/jan.md",
            "---\ntitle: January\n---\nNotes.\n",
        ),
    ]);
    let (code, _, err) = build(site.path(), &[]);
    assert_eq!(code, 0, "{err}");
    let out = site.path().join("public");
    // Pages keep their folder path in the URL, as Hugo does…
    assert!(out.join("docs/how-to/deploy-now/index.html").exists());
    assert!(out.join("docs/ops/deep/pager/index.html").exists());
    assert!(out.join("notes/2026/jan/index.html").exists());
    // …but only top-level folders and folders with _index.md get a list page.
    assert!(out.join("notes/index.html").exists());
    assert!(out.join("docs/ops/index.html").exists());
    assert!(!out.join("docs/how-to/index.html").exists());
    assert!(!out.join("docs/ops/deep/index.html").exists());
    assert!(!out.join("notes/2026/index.html").exists());
    // The page is listed in its nearest section.
    assert!(main_of(&read(&out, "docs/index.html")).contains("Deploy"));
    assert!(main_of(&read(&out, "docs/ops/index.html")).contains("Pager"));
}

#[test]
fn the_hugo_configs_keys_reach_the_pages() {
    let site = copy_site(&fixture("hugo/site"));
    let (code, _, stderr) = build(site.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let out = site.path().join("public");
    let home = read(&out, "index.html");
    // languageCode, baseURL.
    assert!(home.contains("<html lang=\"en-us\""), "{home}");
    assert!(home.contains("<link rel=\"canonical\" href=\"https://example.org/\">"));
    // [[menu.main]] with pageRef.
    assert!(
        home.contains("<nav class=\"site-menu\" aria-label=\"Main menu\">\n<ul>\n<li><a href=\"/posts/\">Posts</a></li>\n</ul>"),
        "{home}"
    );
    // pagination.pagerSize = 3.
    let posts = read(&out, "posts/index.html");
    assert_eq!(main_of(&posts).matches("class=\"page-card\"").count(), 3);
    assert!(out.join("posts/page/4/index.html").exists());
    assert!(
        !out.join("posts/page/5").exists(),
        "three posts a pager, four pagers as in hugo-urls.txt"
    );
}
