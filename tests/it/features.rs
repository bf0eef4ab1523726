//! Config keys, front-matter keys and output files README documents, each checked by what a
//! reader sees: the text, the number, the link's URL.

use crate::common::*;

/// Builds `files` through the CLI; panics unless it succeeds. Returns the site and stderr.
fn built(files: &[(impl AsRef<str>, impl AsRef<str>)]) -> (tempfile::TempDir, String) {
    let dir = site(files);
    let (code, _, err) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{err}");
    (dir, err)
}

/// The titles of the page cards of a list page's `<main>`, in order.
fn listed(html: &str) -> Vec<String> {
    main_of(html)
        .split("<li class=\"page-card\">\n<h3><a ")
        .skip(1)
        .filter_map(|card| {
            let text = card.split_once('>')?.1;
            Some(text.split_once('<')?.0.to_string())
        })
        .collect()
}

fn entries(feed: &str) -> usize {
    feed.matches("<entry>").count()
}

const CONFIG: &str = "\
title: Field Notes
base_url: https://example.org/notes/
language: de
description: What the night shift wrote down
feed_limit: 2
repo_url: https://git.example.org/ops/notes
edit_path: src/branch/trunk/content
menus:
  main:
    - {name: Read this first, url: /posts/, weight: 2}
    - {name: Start, url: /, weight: 1}
";

fn post(title: &str, day: u32) -> String {
    format!("---\ntitle: {title}\ndate: 2026-02-{day:02}\n---\nWhat happened on shift {day}.\n")
}

#[test]
fn language_description_menus_edit_links_and_feed_limit() {
    let (dir, _) = built(&[
        ("teambook.yaml", CONFIG),
        ("content/posts/_index.md", "---\ntitle: Posts\n---\n"),
        ("content/posts/a.md", &post("Quiet night", 3)),
        ("content/posts/b.md", &post("Disk alarm", 5)),
        ("content/posts/c.md", &post("Power cut", 9)),
    ]);
    let root = dir.path();
    let home = read(root, "public/index.html");
    assert!(home.contains("<html lang=\"de\">"), "{home}");
    assert!(
        home.contains("<meta name=\"description\" content=\"What the night shift wrote down\">")
    );
    // The menu in weight order, its URLs under the base path.
    let menu = &home[home.find("class=\"site-menu\"").expect("menu")..];
    let menu = &menu[..menu.find("</nav>").unwrap()];
    let start = menu
        .find("href=\"/notes/\"")
        .expect("Start links the home page");
    let first = menu
        .find("href=\"/notes/posts/\">Read this first</a>")
        .expect("{menu}");
    assert!(start < first, "weight 1 before weight 2: {menu}");
    // "Edit this page": repo_url/edit_path/<file under content/>.
    let page = read(root, "public/posts/b/index.html");
    assert!(
        page.contains(
            "href=\"https://git.example.org/ops/notes/src/branch/trunk/content/posts/b.md\""
        ),
        "{}",
        main_of(&page)
    );
    // Feeds: the language, and only the newest feed_limit entries.
    let feed = read(root, "public/posts/atom.xml");
    assert!(feed.contains("xml:lang=\"de\""), "{feed}");
    assert_eq!(entries(&feed), 2, "{feed}");
    assert!(
        feed.contains("<title>Power cut</title>") && feed.contains("<title>Disk alarm</title>")
    );
    assert!(!feed.contains("<title>Quiet night</title>"), "{feed}");
    assert_eq!(entries(&read(root, "public/atom.xml")), 2);
}

#[test]
fn edit_path_defaults_to_edit_main_content() {
    let (dir, _) = built(&[
        ("teambook.yaml", "repo_url: https://github.com/acme/notes\n"),
        ("content/about.md", "---\ntitle: About\n---\nUs.\n"),
    ]);
    let page = read(dir.path(), "public/about/index.html");
    assert!(
        page.contains("href=\"https://github.com/acme/notes/edit/main/content/about.md\""),
        "{page}"
    );
}

#[test]
fn paginate_zero_puts_every_page_on_one_pager() {
    let mut files: Vec<(String, String)> = vec![
        ("teambook.yaml".into(), "paginate: 0\n".into()),
        (
            "content/posts/_index.md".into(),
            "---\ntitle: Posts\n---\n".into(),
        ),
    ];
    for day in 1..=12 {
        files.push((
            format!("content/posts/p{day}.md"),
            post(&format!("Shift {day}"), day),
        ));
    }
    let (dir, _) = built(&files);
    let list = read(dir.path(), "public/posts/index.html");
    assert_eq!(listed(&list).len(), 12, "{:?}", listed(&list));
    assert!(!dir.path().join("public/posts/page/2").exists());
}

#[test]
fn sort_by_and_paginate_in_an_index_order_and_cut_its_list() {
    // Dated so that date order (newest first) would give another order than titles.
    let (dir, _) = built(&[
        (
            "content/posts/_index.md",
            "---\ntitle: Posts\nsort_by: title\npaginate: 2\n---\n",
        ),
        ("content/posts/c.md", &post("Charlie", 1)),
        ("content/posts/a.md", &post("Alpha", 2)),
        ("content/posts/d.md", &post("Delta", 4)),
        ("content/posts/b.md", &post("Bravo", 3)),
        ("content/other/_index.md", "---\ntitle: Other\n---\n"),
        ("content/other/x.md", &post("Xray", 1)),
        ("content/other/y.md", &post("Yankee", 2)),
        ("content/other/z.md", &post("Zulu", 3)),
    ]);
    let root = dir.path();
    assert_eq!(
        listed(&read(root, "public/posts/index.html")),
        ["Alpha", "Bravo"]
    );
    assert_eq!(
        listed(&read(root, "public/posts/page/2/index.html")),
        ["Charlie", "Delta"]
    );
    // Without them: the site's paginate (10) and date order, newest first.
    assert_eq!(
        listed(&read(root, "public/other/index.html")),
        ["Zulu", "Yankee", "Xray"]
    );
}

#[test]
fn highlight_themes_name_the_light_and_dark_colours() {
    let fence = "---\ntitle: Code\n---\n```yaml\nreplicas: 3\n```\n";
    let (dir, _) = built(&[
        (
            "teambook.yaml",
            "highlight:\n  theme: base16-ocean.light\n  dark_theme: Solarized (dark)\n",
        ),
        ("content/code.md", fence),
    ]);
    let css = read(dir.path(), "public/syntax.css");
    assert!(
        css.starts_with(
            "/* Code highlighting: light \"base16-ocean.light\", dark \"Solarized (dark)\"."
        ),
        "{}",
        &css[..200.min(css.len())]
    );
    // base16-ocean.light's background.
    assert!(css.contains("background-color: #eff1f5;"), "{css}");
    let (dir, _) = built(&[("content/code.md", fence)]);
    let css = read(dir.path(), "public/syntax.css");
    assert!(
        css.starts_with("/* Code highlighting: light \"InspiredGitHub\", dark \"OneHalfDark\".")
    );
}

#[test]
fn an_output_dir_outside_the_site_is_refused_unless_the_command_line_says_so() {
    let outer = tempfile::tempdir().unwrap();
    let root = outer.path().join("site");
    write(&root, "teambook.yaml", b"output_dir: ../elsewhere\n");
    write(&root, "content/a.md", b"---\ntitle: A\n---\nText.\n");
    let (code, _, err) = build(&root, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("teambook.yaml:1:1: refusing to write the site to")
            && err.contains(
                "output_dir in teambook.yaml points outside the site; pass --output-dir to mean it"
            ),
        "{err}"
    );
    assert!(!outer.path().join("elsewhere").exists());
    let out = outer.path().join("elsewhere");
    let (code, _, err) = build(&root, &["--output-dir", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(read(&out, "a/index.html").contains("<h1"));
}

#[test]
fn expiry_dates_leave_a_page_out_with_the_reason() {
    let (dir, err) = built(&[
        (
            "content/old.md",
            "---\ntitle: Old rota\ndate: 2025-01-01\nexpiryDate: 2025-06-01\n---\nGone.\n",
        ),
        (
            "content/new.md",
            "---\ntitle: New rota\ndate: 2025-01-01\nexpiryDate: 2999-01-01\n---\nHere.\n",
        ),
    ]);
    assert!(
        err.contains("left out content/old.md: expired on 2025-06-01 (expiryDate)"),
        "{err}"
    );
    assert!(!dir.path().join("public/old/index.html").exists());
    assert!(dir.path().join("public/new/index.html").exists());
    assert!(!read(dir.path(), "public/sitemap.xml").contains("/old/"));
}

#[test]
fn pubdate_and_published_stand_in_for_date() {
    let (dir, _) = built(&[
        ("content/posts/_index.md", "---\ntitle: Posts\n---\n"),
        (
            "content/posts/a.md",
            "---\ntitle: By pubdate\npubdate: 2025-02-03\n---\nA.\n",
        ),
        (
            "content/posts/b.md",
            "---\ntitle: By published\npublished: 2025-04-05\n---\nB.\n",
        ),
        (
            "content/posts/c.md",
            "---\ntitle: By publishDate\npublishDate: 2025-03-04\n---\nC.\n",
        ),
    ]);
    let root = dir.path();
    // Newest first: the dates were read.
    assert_eq!(
        listed(&read(root, "public/posts/index.html")),
        ["By published", "By publishDate", "By pubdate"]
    );
    let feed = read(root, "public/posts/atom.xml");
    assert!(
        feed.contains("<updated>2025-04-05T00:00:00Z</updated>"),
        "{feed}"
    );
    assert!(feed.contains("2025-02-03T00:00:00Z"), "{feed}");
}

#[test]
fn the_summary_is_the_text_before_more_else_summary_else_the_first_paragraph() {
    let (dir, _) = built(&[
        ("content/posts/_index.md", "---\ntitle: Posts\n---\n"),
        (
            "content/posts/a.md",
            "---\ntitle: A\ndate: 2025-01-03\nsummary: Written by hand.\n---\nThe body of A.\n\nMore of A.\n",
        ),
        (
            "content/posts/b.md",
            "---\ntitle: B\ndate: 2025-01-02\n---\nFirst of B.\n\nSecond of B.\n",
        ),
        (
            "content/posts/c.md",
            "---\ntitle: C\ndate: 2025-01-01\nsummary: Not this.\n---\nTeaser of C.\n<!--more-->\nRest of C.\n",
        ),
    ]);
    let list = read(dir.path(), "public/posts/index.html");
    let list = main_of(&list);
    assert!(
        list.contains("Written by hand.") && !list.contains("The body of A."),
        "{list}"
    );
    assert!(
        list.contains("First of B.") && !list.contains("Second of B."),
        "{list}"
    );
    assert!(
        list.contains("Teaser of C.")
            && !list.contains("Not this.")
            && !list.contains("Rest of C."),
        "{list}"
    );
}

#[test]
fn layout_and_type_pick_the_template_and_authors_are_shown() {
    let (dir, _) = built(&[
        (
            "templates/special.html",
            "<main>special: {{ page.title }}</main>",
        ),
        (
            "content/a.md",
            "---\ntitle: By layout\nlayout: special\n---\nx\n",
        ),
        (
            "content/b.md",
            "---\ntitle: By type\ntype: special\n---\nx\n",
        ),
        (
            "content/c.md",
            "---\ntitle: By two\nauthors: [Ana Ruiz, Li Wei]\n---\nx\n",
        ),
        (
            "content/d.md",
            "---\ntitle: By one\nauthor: Sam Okafor\n---\nx\n",
        ),
    ]);
    let root = dir.path();
    assert_eq!(
        read(root, "public/a/index.html"),
        "<main>special: By layout</main>"
    );
    assert_eq!(
        read(root, "public/b/index.html"),
        "<main>special: By type</main>"
    );
    assert!(main_of(&read(root, "public/c/index.html")).contains("Ana Ruiz, Li Wei"));
    assert!(main_of(&read(root, "public/d/index.html")).contains("Sam Okafor"));
}

#[test]
fn data_files_in_toml_and_json_reach_templates() {
    let (dir, _) = built(&[
        ("data/shift.toml", "lead = \"Noor\"\nhours = [22, 6]\n"),
        (
            "data/pager.json",
            "{\"number\": \"+49 30 1234\", \"rota\": {\"week\": 49}}",
        ),
        (
            "templates/page.html",
            "<main>{{ data.shift.lead }} {{ data.shift.hours | join(sep='-') }} {{ data.pager.number }} week {{ data.pager.rota.week }}</main>",
        ),
        ("content/a.md", "---\ntitle: A\n---\n"),
    ]);
    assert_eq!(
        read(dir.path(), "public/a/index.html"),
        "<main>Noor 22-6 +49 30 1234 week 49</main>"
    );
}

#[test]
fn static_files_replace_the_themes_and_robots_txt_is_the_sites_own() {
    let (dir, _) = built(&[
        ("static/theme.js", "// our own script\n"),
        ("static/robots.txt", "User-agent: *\nDisallow: /drafts/\n"),
        ("content/a.md", "---\ntitle: A\n---\n"),
    ]);
    let root = dir.path();
    assert_eq!(read(root, "public/theme.js"), "// our own script\n");
    assert_eq!(
        read(root, "public/robots.txt"),
        "User-agent: *\nDisallow: /drafts/\n"
    );
    // Without them: the theme's script and a robots.txt naming the sitemap.
    let (dir, _) = built(&[
        ("teambook.yaml", "base_url: https://example.org/\n"),
        ("content/a.md", "---\ntitle: A\n---\n"),
    ]);
    assert!(read(dir.path(), "public/theme.js").contains("localStorage"));
    assert_eq!(
        read(dir.path(), "public/robots.txt"),
        "User-agent: *\nAllow: /\nSitemap: https://example.org/sitemap.xml\n"
    );
}

#[test]
fn the_sitemap_lists_every_page_section_and_term() {
    let (dir, _) = built(&[
        ("teambook.yaml", "base_url: https://example.org/hb/\n"),
        ("content/posts/_index.md", "---\ntitle: Posts\n---\n"),
        ("content/posts/a.md", "---\ntitle: A\ntags: [oncall]\n---\n"),
        ("content/posts/b.md", "---\ntitle: B\ndraft: true\n---\n"),
        ("content/about.md", "---\ntitle: About\n---\n"),
    ]);
    let sitemap = read(dir.path(), "public/sitemap.xml");
    let mut locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|l| l.split_once("</loc>").unwrap().0)
        .collect();
    locs.sort_unstable();
    assert_eq!(
        locs,
        [
            "https://example.org/hb/",
            "https://example.org/hb/about/",
            "https://example.org/hb/categories/",
            "https://example.org/hb/posts/",
            "https://example.org/hb/posts/a/",
            "https://example.org/hb/tags/",
            "https://example.org/hb/tags/oncall/",
        ]
    );
}

#[test]
fn errors_are_coloured_on_a_terminal_and_never_with_no_color() {
    let dir = site(&[("content/a.md", "---\ntitle: [\n---\n")]);
    let bin = assert_cmd::cargo::cargo_bin("teambook");
    let line = format!("{} --root {} build", bin.display(), dir.path().display());
    let on_terminal = |no_color: bool| {
        let mut cmd = std::process::Command::new("script");
        cmd.args(["-qec", &line, "/dev/null"])
            .env_remove("NO_COLOR");
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        let out = cmd
            .output()
            .expect("script(1) runs a command on a terminal");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let coloured = on_terminal(false);
    assert!(
        coloured.contains("\x1b[1;31merror\x1b[0m: content/a.md:2:8:"),
        "{coloured:?}"
    );
    let plain = on_terminal(true);
    assert!(plain.contains("error: content/a.md:2:8:"), "{plain:?}");
    assert!(!plain.contains('\x1b'), "{plain:?}");
    // Not a terminal: plain, NO_COLOR or not.
    let out = std::process::Command::new(&bin)
        .arg("--root")
        .arg(dir.path())
        .arg("build")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error: content/a.md:2:8:") && !err.contains('\x1b'),
        "{err:?}"
    );
}

#[test]
fn a_json_data_file_nested_past_64_levels_is_refused_in_our_words() {
    let nested = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
    let (dir, _) = built(&[("data/deep.json", nested(64))]);
    assert!(dir.path().join("public/index.html").exists());
    let dir = site(&[("data/deep.json", nested(65))]);
    let (code, _, err) = build(dir.path(), &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("error: data/deep.json:1:65: nested too deeply (more than 64 levels)"),
        "{err}"
    );
}

#[test]
fn template_functions_and_filters_return_their_values() {
    let template = r#"<main>
C:{% for r in collection(name="roles") %}{{ r.id }},{% endfor %}
R:{% set sm = record(kind="role", id="scrum-master") %}{{ sm.summary }}
G:{% for g in glossary_index() %}{{ g.title }}={% for t in g.items %}{{ t.title }};{% endfor %} {% endfor %}
A:{% for g in antipattern_groups() %}{{ g.title }}={% for i in g.items %}{{ i.title }};{% endfor %} {% endfor %}
D:{% for f in definition_of_done() %}{{ f.title }}={{ f.items | join(sep="/") }} {% endfor %}
T:{% set t = role_table(roles="scrum-master,product-owner") %}{% for r in t.roles %}{{ r.title }}@{{ r.url }},{% endfor %}{% for row in t.rows %}{{ row.label }}={{ row.cells | join(sep="|") }}{% endfor %}
U:{{ url(path="/roles/") }}
F:{{ "Team Rituals & More" | slugify }} {{ "a b&c" | urlencode }} {{ config.params | json_encode | safe }} {{ page.date | date(format="%d %B %Y") }} {{ "*hi*" | markdown(inline=true) | safe }}
</main>"#;
    let (dir, _) = built(&[
        (
            "teambook.yaml",
            "base_url: https://example.org/hb/\nparams: {team: ops}\n",
        ),
        (
            "data/roles.yaml",
            "- {title: Scrum Master, slug: scrum-master, weight: 2, summary: Keeps the flow., aspects: {metrics: Cycle time}}\n- {title: Product Owner, slug: product-owner, weight: 1, summary: Picks the work., aspects: {metrics: Outcomes}}\n",
        ),
        (
            "data/antipatterns.yaml",
            "- {title: Note taker, role: scrum-master, problem: Writes minutes., solution: Facilitates.}\n",
        ),
        (
            "data/glossary.yaml",
            "- {title: Pod, short: A group of containers.}\n- {title: Node, short: A machine.}\n- {title: Ingress, short: The way in.}\n- {title: Pipeline, short: The road to production.}\n",
        ),
        (
            "data/factors.yaml",
            "- {title: Config, number: 3, principle: Config in env., definition_of_done: [No secrets]}\n- {title: Codebase, number: 1, principle: One repo., definition_of_done: [One repo per app, CI builds it]}\n",
        ),
        ("templates/fns.html", template),
        (
            "content/fns.md",
            "---\ntitle: Fns\ndate: 2026-03-01\nlayout: fns\n---\n",
        ),
    ]);
    assert_eq!(
        read(dir.path(), "public/fns/index.html"),
        "<main>
C:product-owner,scrum-master,
R:Keeps the flow.
G:I=Ingress; N=Node; P=Pipeline;Pod; \nA:Scrum Master=Note taker; \nD:Codebase=One repo per app/CI builds it Config=No secrets \nT:Scrum Master@/hb/roles/scrum-master/,Product Owner@/hb/roles/product-owner/,Metrics=Cycle time|Outcomes
U:/hb/roles/
F:team-rituals-more a%20b%26c {\"team\":\"ops\"} 01 March 2026 <em>hi</em>
</main>"
    );
}

#[test]
fn taxonomy_templates_get_their_terms_and_pages() {
    let (dir, _) = built(&[
        (
            "templates/taxonomy_list.html",
            "<main>{{ taxonomy.name }}:{% for t in taxonomy.terms %}{{ t.name }}={{ t.slug }}@{{ t.url }}#{{ t.count }};{% endfor %}</main>",
        ),
        (
            "templates/taxonomy_term.html",
            "<main>{{ taxonomy.name }}/{{ term.name }} {{ term.count }}:{% for p in term.pages %}{{ p.title }};{% endfor %}</main>",
        ),
        (
            "content/posts/a.md",
            "---\ntitle: Tagged\ntags: [On Call, pager]\n---\n",
        ),
        (
            "content/posts/b.md",
            "---\ntitle: Tagged two\ntags: [On Call]\n---\n",
        ),
    ]);
    let root = dir.path();
    assert_eq!(
        read(root, "public/tags/index.html"),
        "<main>tags:On Call=on-call@/tags/on-call/#2;pager=pager@/tags/pager/#1;</main>"
    );
    assert_eq!(
        read(root, "public/tags/on-call/index.html"),
        "<main>tags/On Call 2:Tagged;Tagged two;</main>"
    );
}

#[test]
fn markdown_options_and_the_factor_shortcodes() {
    let factors = "- {title: Config, number: 3, principle: Config in env., definition_of_done: [No secrets]}\n- {title: Codebase, number: 1, principle: One repo., definition_of_done: [One repo per app]}\n";
    let page = "---\ntitle: F\n---\n{{< factors >}}\n\n{{< definition_of_done >}}\n\n\"Quoted\" -- dash... <b>raw</b>\n";
    let (dir, _) = built(&[("data/factors.yaml", factors), ("content/f.md", page)]);
    let html = read(dir.path(), "public/f/index.html");
    assert!(html.contains("<ol class=\"factors\">\n<li value=\"1\"><a href=\"/factors/codebase/\">Codebase</a>: <em>One repo.</em></li>\n<li value=\"3\"><a href=\"/factors/config/\">Config</a>: <em>Config in env.</em></li>\n</ol>"), "{html}");
    assert!(html.contains("<h3 id=\"dod-codebase\"><a href=\"/factors/codebase/\">Codebase</a></h3>\n<ul class=\"checklist\">\n<li>One repo per app</li>\n</ul>\n<h3 id=\"dod-config\">"), "{html}");
    // Defaults: smart punctuation and raw HTML.
    assert!(
        html.contains("<p>“Quoted” – dash… <b>raw</b></p>"),
        "{html}"
    );
    let (dir, _) = built(&[
        (
            "teambook.yaml",
            "markdown:\n  smart_punctuation: false\n  unsafe_html: false\n",
        ),
        ("data/factors.yaml", factors),
        ("content/f.md", page),
    ]);
    let html = read(dir.path(), "public/f/index.html");
    assert!(
        html.contains("<p>\"Quoted\" -- dash... &lt;b&gt;raw&lt;/b&gt;</p>"),
        "{html}"
    );
}

/// A ```mermaid fence is drawn into the page and its section's print page, with the same
/// site-unique id in both (the print page does not prefix a diagram's ids, which its style
/// and arrowheads refer to), named by its accTitle; the same diagram on two pages gets two ids.
#[test]
fn diagrams_draw_in_pages_and_print_pages_with_unique_ids() {
    let diagram = "```mermaid caption=\"From commit to customers\"\nflowchart LR\n  accTitle: How a change ships\n  pr[Review] --> prod[Production]\n```\n";
    let (dir, _) = built(&[
        ("teambook.yaml", "title: T\n".to_string()),
        (
            "content/guide/_index.md",
            "---\ntitle: Guide\nprint: true\n---\n".to_string(),
        ),
        (
            "content/guide/one.md",
            format!("---\ntitle: One\nweight: 1\n---\n{diagram}"),
        ),
        (
            "content/guide/two.md",
            format!("---\ntitle: Two\nweight: 2\n---\n{diagram}"),
        ),
    ]);
    let id_of = |html: &str| -> Vec<String> {
        html.match_indices("<title id=\"chart-title-")
            .map(|(at, m)| html[at + m.len()..].split('"').next().unwrap().to_owned())
            .collect()
    };
    let one = read(dir.path(), "public/guide/one/index.html");
    let two = read(dir.path(), "public/guide/two/index.html");
    let print = read(dir.path(), "public/guide/print/index.html");
    assert!(main_of(&one).contains("How a change ships</title>"));
    assert!(main_of(&one).contains(">Review<"));
    assert!(main_of(&one).contains("<figcaption>From commit to customers</figcaption>"));
    assert!(
        !one.contains("language-mermaid"),
        "drawn, not shown as code"
    );
    let (a, b) = (id_of(&one), id_of(&two));
    assert_eq!(a.len(), 1);
    assert_ne!(a, b, "two pages, two ids");
    assert_eq!(
        id_of(&print),
        [a[0].clone(), b[0].clone()],
        "the print page keeps them"
    );
    assert!(print.contains(&format!("aria-labelledby=\"chart-title-{}\"", a[0])));
}
