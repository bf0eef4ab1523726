//! Tests of `markdown`.

use super::*;

fn opts() -> MarkdownOptions {
    MarkdownOptions {
        smart_punctuation: true,
        unsafe_html: true,
    }
}

fn keep(_: &str) -> LinkTarget {
    LinkTarget::Keep
}

fn md(src: &str) -> Rendered {
    render(src, &opts(), Highlighter::global(), &keep, "/page/")
}

fn unescape(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// The text between `<code ...>` and `</code>` of the first code block.
fn code_body(html: &str) -> &str {
    let start = html.find("<code").unwrap();
    let start = start + html[start..].find('>').unwrap() + 1;
    let end = html.rfind("</code></pre>").unwrap();
    &html[start..end]
}

#[test]
fn tables() {
    let r = md("| a | b |\n|---|---|\n| 1 | 2 |\n");
    assert!(r.html.contains("<table>"));
    assert!(r.html.contains("<td>1</td>"));
}

#[test]
fn task_lists() {
    let r = md("- [ ] todo\n- [x] done\n");
    assert!(
        r.html
            .contains("<input type=\"checkbox\" disabled aria-label=\"Not done yet\">todo")
    );
    assert!(
        r.html
            .contains("<input type=\"checkbox\" disabled checked aria-label=\"Done\">done")
    );
}

#[test]
fn tables_are_wrapped_for_sideways_scrolling() {
    let r = md("| a |\n|---|\n| 1 |\n");
    assert!(
        r.html.starts_with("<div class=\"table-wrap\"><table>"),
        "{}",
        r.html
    );
    assert!(
        r.html.trim_end().ends_with("</table>\n</div>"),
        "{}",
        r.html
    );
}

#[test]
fn strikethrough() {
    assert!(md("~~gone~~").html.contains("<del>gone</del>"));
}

#[test]
fn footnotes() {
    let r = md("Claim.[^1]\n\n[^1]: Source.\n");
    assert!(r.html.contains("footnote-reference"));
    assert!(r.html.contains("footnote-definition"));
    assert!(r.html.contains("Source."));
}

#[test]
fn definition_lists() {
    let r = md("Pod\n: The smallest unit Kubernetes schedules.\n");
    assert!(r.html.contains("<dl>"));
    assert!(r.html.contains("<dt>Pod</dt>"));
    assert!(r.html.contains("<dd>"));
}

#[test]
fn smart_punctuation_follows_the_option() {
    let src = "\"quoted\" -- it's...";
    let on = md(src).html;
    assert!(on.contains('\u{201c}') && on.contains('\u{2019}') && on.contains('\u{2026}'));
    assert!(on.contains('\u{2013}'));
    let off = render(
        src,
        &MarkdownOptions {
            smart_punctuation: false,
            unsafe_html: true,
        },
        Highlighter::global(),
        &keep,
        "/page/",
    )
    .html;
    assert!(off.contains("&quot;quoted&quot;") || off.contains("\"quoted\""));
    assert!(!off.contains('\u{201c}'));
}

#[test]
fn heading_ids_from_text_and_custom() {
    let r = md("## Hello, World!\n\n## Custom {#my-id}\n\n### What's `new`?\n");
    assert!(r.html.contains("<h2 id=\"hello-world\">Hello, World!<a class=\"heading-anchor\" href=\"#hello-world\" aria-label=\"Link to this section: Hello, World!\" data-pagefind-ignore>#</a></h2>"));
    assert!(
        r.html
            .contains("<h2 id=\"my-id\">Custom<a class=\"heading-anchor\" href=\"#my-id\"")
    );
    assert!(r.html.contains("<h3 id=\"whats-new\">"));
    assert_eq!(r.heading_ids, ["hello-world", "my-id", "whats-new"]);
}

#[test]
fn heading_attributes_keep_classes() {
    let r = md("## Title {#t .wide}\n");
    assert!(
        r.html
            .contains("<h2 id=\"t\" class=\"wide\">Title<a class=\"heading-anchor\"")
    );
}

#[test]
fn duplicate_heading_ids_get_suffixes() {
    let r = md("## Setup\n\n## Setup\n\n## Setup\n\n## Setup-1 {#setup-2}\n\n## Setup\n");
    assert_eq!(
        r.heading_ids,
        ["setup", "setup-1", "setup-2", "setup-2", "setup-3"]
    );
}

#[test]
fn slugs() {
    assert_eq!(slugify("  Hello -- World  "), "hello-world");
    assert_eq!(slugify("Überblick & Ziele"), "überblick-ziele");
    assert_eq!(slugify("snake_case_name"), "snake-case-name");
    assert_eq!(md("## !!!\n").heading_ids, ["section"]);
}

#[test]
fn toc_nests_by_level() {
    let r = md("# Top\n\n## A\n\n### A.1\n\n#### A.1.a\n\n## B\n\n### B.1\n");
    assert_eq!(r.toc.len(), 1);
    let top = &r.toc[0];
    assert_eq!((top.level, top.id.as_str()), (1, "top"));
    assert_eq!(top.children.len(), 2);
    assert_eq!(top.children[0].title, "A");
    assert_eq!(top.children[0].children[0].title, "A.1");
    assert_eq!(top.children[0].children[0].children[0].title, "A.1.a");
    assert_eq!(top.children[1].children[0].id, "b-1");
}

#[test]
fn toc_without_h1_and_with_jumps() {
    let r = md("### Deep\n\n## A\n\n#### Skips\n\n## B\n");
    let titles: Vec<&str> = r.toc.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(titles, ["Deep", "A", "B"]);
    assert_eq!(r.toc[1].children[0].title, "Skips");
}

#[test]
fn toc_title_is_plain_text() {
    let r = md("## Use `kubectl` *now*\n");
    assert_eq!(r.toc[0].title, "Use kubectl now");
    assert_eq!(r.toc[0].id, "use-kubectl-now");
}

#[test]
fn every_alert_kind_becomes_a_callout() {
    for (marker, class, title) in [
        ("NOTE", "note", "Note"),
        ("TIP", "tip", "Tip"),
        ("IMPORTANT", "important", "Important"),
        ("WARNING", "warning", "Warning"),
        ("CAUTION", "caution", "Caution"),
    ] {
        let r = md(&format!("> [!{marker}]\n> Mind the **gap**.\n"));
        let open = format!(
            "<div class=\"callout callout-{class}\" role=\"note\">\n<p class=\"callout-title\">{title}</p>"
        );
        assert!(r.html.contains(&open), "{marker}: {}", r.html);
        assert!(r.html.contains("<strong>gap</strong>"));
        assert!(r.html.trim_end().ends_with("</div>"));
        assert!(!r.html.contains("<blockquote"));
    }
    assert!(md("> plain quote\n").html.contains("<blockquote>"));
}

#[test]
fn fenced_code_is_highlighted() {
    let r = md("```yaml\nkey: value\n```\n");
    assert!(
        r.html
            .starts_with("<pre class=\"code\" data-lang=\"yaml\"><code class=\"language-yaml\">")
    );
    assert!(r.html.contains("<span class=\"hl-"));
    assert!(r.html.ends_with("</code></pre>\n"));
    let r = md("```rust,ignore\nfn a() {}\n```\n");
    assert!(r.html.contains("data-lang=\"rust\""));
    assert!(r.html.contains("hl-"));
}

#[test]
fn box_drawing_survives_exactly() {
    let table = "┌──────┬───────┐\n│ Role │ Focus │\t \n├──────┼───────┤\n│ SM   │ how   │  \n└──────┴───────┘\n   <x> & \"y\"\n";
    for src in [
        format!("```\n{table}```\n"),
        format!("```text\n{table}```\n"),
        format!("```mermaid-ish\n{table}```\n"),
    ] {
        let r = md(&src);
        assert!(r.html.starts_with("<pre class=\"code\""));
        assert!(!r.html.contains("hl-"));
        assert_eq!(unescape(code_body(&r.html)), table, "{src}");
    }
    assert!(
        md("```\nx\n```\n")
            .html
            .starts_with("<pre class=\"code\"><code>")
    );
    let r = md("```plantuml\n@startuml\n```\n");
    assert!(
        r.html
            .contains("data-lang=\"plantuml\"><code class=\"language-plantuml\">")
    );
}

#[test]
fn indented_code_is_plain_and_exact() {
    let r = md("Para.\n\n    a  <b>\n    \tc\n");
    assert!(r.html.contains("<pre class=\"code\"><code>"));
    assert_eq!(unescape(code_body(&r.html)), "a  <b>\n\tc\n");
}

#[test]
fn links_are_resolved_and_recorded() {
    let resolve = |dest: &str| match dest {
        "../roles/scrum-master.md" => LinkTarget::Resolved("/roles/scrum-master/".into()),
        "missing.md" => LinkTarget::Unresolved,
        "ext-by-resolver" => LinkTarget::External,
        _ => LinkTarget::Keep,
    };
    let src = "See [SM](../roles/scrum-master.md) and [gone](missing.md).\n\n\
               [web](https://example.com) [mail](mailto:a@b.c) [proto](//cdn.x/y)\n\n\
               [here](#setup) ![img](diagram.png) [r](ext-by-resolver)\n";
    let r = render(src, &opts(), Highlighter::global(), &resolve, "/page/");
    assert!(r.html.contains("<a href=\"/roles/scrum-master/\">SM</a>"));
    assert!(r.html.contains("<a href=\"missing.md\">gone</a>"));
    assert!(r.html.contains("href=\"https://example.com\""));
    assert!(r.html.contains("src=\"diagram.png\""));
    let dests: Vec<&str> = r.links.iter().map(|l| l.dest.as_str()).collect();
    assert_eq!(
        dests,
        [
            "../roles/scrum-master.md",
            "missing.md",
            "#setup",
            "diagram.png"
        ]
    );
    assert_eq!(r.links[0].href, "/roles/scrum-master/");
    assert_eq!(r.links[1].href, "missing.md");
    assert_eq!(r.unresolved.len(), 1);
    assert_eq!(r.unresolved[0].dest, "missing.md");
}

#[test]
fn link_offsets_point_at_the_source() {
    let src = "Intro text.\n\n- item [a](a.md)\n\n[ref link][r]\n\n[r]: b.md\n";
    let r = md(src);
    assert_eq!(r.links.len(), 2);
    assert_eq!(r.links[0].offset, src.find("[a]").unwrap());
    assert_eq!(r.links[1].offset, src.find("[ref link]").unwrap());
    assert_eq!(r.links[1].dest, "b.md");
}

#[test]
fn bare_urls_and_emails_are_linked() {
    let r = md(
        "Visit https://example.com/a_b?x=1. Or www.example.org, or write to team@example.com.\n",
    );
    assert!(
        r.html
            .contains("<a href=\"https://example.com/a_b?x=1\">https://example.com/a_b?x=1</a>.")
    );
    assert!(
        r.html
            .contains("<a href=\"http://www.example.org\">www.example.org</a>,")
    );
    assert!(
        r.html
            .contains("<a href=\"mailto:team@example.com\">team@example.com</a>.")
    );
    assert!(r.links.is_empty());
    let r = md("(see https://en.wikipedia.org/wiki/Pod_(disambiguation))\n");
    assert!(r.html.contains(
        "href=\"https://en.wikipedia.org/wiki/Pod_(disambiguation)\">https://en.wikipedia.org/wiki/Pod_(disambiguation)</a>)"
    ));
    let r = md("[https://example.com](https://example.com) `https://x.y` <https://a.b>\n");
    assert_eq!(r.html.matches("<a ").count(), 2);
    let r = md("not a link: https://localhost or wwwx.com or a@b\n");
    assert!(!r.html.contains("<a "));
}

#[test]
fn summary_splits_at_more_marker() {
    let r = md("First *para*.\n\n<!--more-->\n\nSecond para.\n");
    assert_eq!(
        r.summary_html.as_deref(),
        Some("<p>First <em>para</em>.</p>\n")
    );
    assert!(!r.html.contains("more-->"));
    assert!(r.html.contains("Second para."));
    let spaced = md("Lead.\n<!-- more -->\nRest.\n");
    assert_eq!(spaced.summary_html.as_deref(), Some("<p>Lead.</p>\n"));
    assert!(!spaced.html.contains("<!--"));
    assert_eq!(md("No marker.\n").summary_html, None);
    assert_eq!(md("<!--more-->\n\nOnly after.\n").summary_html, None);
}

#[test]
fn summary_closes_open_containers() {
    let r = md("> [!TIP]\n> Before.\n>\n> <!--more-->\n>\n> After.\n");
    let summary = r.summary_html.unwrap();
    assert!(summary.contains("Before."));
    assert!(!summary.contains("After."));
    assert!(summary.trim_end().ends_with("</div>"));
}

#[test]
fn marker_is_honoured_without_unsafe_html() {
    let r = render(
        "A.\n\n<!--more-->\n\nB.\n",
        &MarkdownOptions {
            smart_punctuation: true,
            unsafe_html: false,
        },
        Highlighter::global(),
        &keep,
        "/page/",
    );
    assert_eq!(r.summary_html.as_deref(), Some("<p>A.</p>\n"));
    assert!(!r.html.contains("more"));
}

#[test]
fn raw_html_passes_or_is_escaped() {
    let src = "<div class=\"x\">\nblock\n</div>\n\nInline <b>bold</b> here.\n";
    let on = md(src).html;
    assert!(on.contains("<div class=\"x\">"));
    assert!(on.contains("<b>bold</b>"));
    let off = render(
        src,
        &MarkdownOptions {
            smart_punctuation: true,
            unsafe_html: false,
        },
        Highlighter::global(),
        &keep,
        "/page/",
    )
    .html;
    assert!(!off.contains("<div"));
    assert!(!off.contains("<b>"));
    assert!(
        off.contains("&lt;div class=&quot;x&quot;&gt;") || off.contains("&lt;div class=\"x\"&gt;")
    );
    assert!(off.contains("&lt;b&gt;bold&lt;/b&gt;"));
    assert!(off.contains("block"));
}

#[test]
fn word_count_skips_code_and_html() {
    let src = "# Title here\n\nOne two, three—four **fi**ve don't.\n\n\
               ```yaml\nnot: counted\n```\n\n    nor this\n\n<div>nope</div>\n\n\
               - list `item`\n- ![alt words](x.png) last\n";
    // Title here (2) + One two three—four five don't (5) + list item (2) + last (1)
    assert_eq!(md(src).word_count, 10);
    assert_eq!(md("").word_count, 0);
}

#[test]
fn a_mermaid_fence_becomes_a_figure_with_its_svg_and_caption() {
    let r = md(
        "Before.\n\n```mermaid caption=\"Review & merge\"\nflowchart LR\n  a[Open] --> b[Merged]\n```\n",
    );
    assert!(r.diagram_errors.is_empty(), "{:?}", r.diagram_errors);
    let figure = r
        .html
        .split("<figure class=\"diagram\">")
        .nth(1)
        .expect("a figure");
    assert!(
        figure.starts_with("<svg aria-label=\"Review &amp; merge\" "),
        "{figure:.200}"
    );
    assert!(figure.contains(">Open<"), "the node's label is SVG text");
    assert!(figure.contains(">Merged<"));
    assert!(figure.ends_with("<figcaption>Review &amp; merge</figcaption></figure>\n"));
    // Drawn, not shown as code; diagrams are not prose.
    assert!(!r.html.contains("<pre"));
    assert_eq!(r.word_count, 1);
}

#[test]
fn diagram_ids_differ_between_pages_and_between_diagrams() {
    let src = "```mermaid\ngraph TD\n  a --> b\n```\n\n```mermaid\ngraph TD\n  a --> b\n```\n";
    let one = render(src, &opts(), Highlighter::global(), &keep, "/one/").html;
    let two = render(src, &opts(), Highlighter::global(), &keep, "/two/").html;
    let ids = |html: &str| -> Vec<String> {
        html.match_indices("<svg id=\"")
            .chain(html.match_indices("<svg aria-label=\"Flowchart diagram\" id=\""))
            .map(|(at, m)| html[at + m.len()..].split('"').next().unwrap().to_owned())
            .collect()
    };
    let (a, b) = (ids(&one), ids(&two));
    assert_eq!(a.len(), 2, "{one:.300}");
    assert_ne!(a[0], a[1]);
    assert!(a.iter().all(|id| !b.contains(id)), "{a:?} {b:?}");
}

#[test]
fn a_broken_diagram_is_reported_at_its_place_and_shown_as_code() {
    let src = "Intro.\n\n```mermaid\nflowchart LR\n  a[Open --> b\n```\n";
    let r = md(src);
    assert_eq!(r.diagram_errors.len(), 1);
    let e = &r.diagram_errors[0];
    assert!(e.message.contains("missing `]`"), "{}", e.message);
    // On the line of the unclosed label, inside the fence.
    let line = src[..e.offset].matches('\n').count() + 1;
    assert_eq!(line, 5, "offset {} in {src:?}", e.offset);
    assert!(
        r.html
            .contains("<pre class=\"code\" data-lang=\"mermaid\">")
    );
}

#[test]
fn an_unknown_diagram_type_names_the_ones_that_draw() {
    let r = md("```mermaid\nnotADiagram\n  a b c\n```\n");
    assert_eq!(r.diagram_errors.len(), 1);
    let e = &r.diagram_errors[0];
    assert!(
        e.message.contains("`notADiagram` is not a diagram type"),
        "{}",
        e.message
    );
    assert!(e.message.contains("sequenceDiagram"), "{}", e.message);
    assert_eq!(e.offset, "```mermaid\n".len());
}
