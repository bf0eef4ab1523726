use super::*;

fn figure(code: &str) -> String {
    render(code, "d1", None).unwrap_or_else(|e| panic!("{code}: {e:?}"))
}

/// Each diagram type README lists draws, and its labels are in the SVG as text.
#[test]
fn every_listed_diagram_type_draws() {
    let cases = [
        ("flowchart TD\n  a[Plan] --> b[Build]\n", "Build"),
        ("graph LR\n  a[Plan] --> b[Ship]\n", "Ship"),
        (
            "sequenceDiagram\n  participant PO\n  participant Team\n  PO->>Team: Ready?\n",
            "Ready?",
        ),
        ("stateDiagram-v2\n  [*] --> Todo\n  Todo --> Done\n", "Todo"),
        ("classDiagram\n  class Sprint {\n    +goal\n  }\n", "Sprint"),
        ("erDiagram\n  TEAM ||--o{ SPRINT : runs\n", "SPRINT"),
        (
            "gantt\n  dateFormat YYYY-MM-DD\n  section Q1\n  Discovery :a1, 2026-01-05, 10d\n",
            "Discovery",
        ),
        (
            "pie title Time\n  \"Meetings\" : 20\n  \"Coding\" : 80\n",
            "Coding",
        ),
        (
            "journey\n  title Onboarding\n  section Week 1\n    Meet the team: 5: New hire\n",
            "Meet the team",
        ),
        ("timeline\n  title Releases\n  2026 : v1 : v2\n", "Releases"),
    ];
    for (code, label) in cases {
        let html = figure(code);
        assert!(
            html.starts_with("<figure class=\"diagram\"><svg "),
            "{code}"
        );
        assert!(html.contains(label), "{code}: no `{label}` in {html:.400}");
        assert!(!html.contains("<script"), "{code}");
        // Labels are SVG text (a journey's task boxes are HTML in Mermaid itself).
        if !code.starts_with("journey") {
            assert!(
                !html.contains("<foreignObject"),
                "{code}: labels as SVG text"
            );
        }
    }
}

#[test]
fn acc_title_and_descr_name_the_svg() {
    let html = figure(
        "flowchart LR\n  accTitle: How a change ships\n  accDescr: From a pull request to production.\n  a --> b\n",
    );
    let root = html.split_once('>').unwrap().1.split_once('>').unwrap().0;
    assert!(
        root.contains("aria-labelledby=\"chart-title-d1\""),
        "{root}"
    );
    assert!(html.contains("<title id=\"chart-title-d1\">How a change ships</title>"));
    assert!(html.contains("From a pull request to production.</desc>"));
    // No second name from the fallback.
    assert!(!root.contains("aria-label="), "{root}");
}

#[test]
fn without_a_title_the_caption_or_the_type_names_it() {
    let with_caption = render("graph TD\n  a --> b\n", "d1", Some("Pods <on> nodes")).unwrap();
    assert!(with_caption.contains("<svg aria-label=\"Pods &lt;on&gt; nodes\" "));
    assert!(with_caption.contains("<figcaption>Pods &lt;on&gt; nodes</figcaption>"));
    let bare = figure("sequenceDiagram\n  A->>B: hi\n");
    assert!(
        bare.contains("<svg aria-label=\"Sequence diagram\" "),
        "{bare:.200}"
    );
    assert!(!bare.contains("<figcaption>"));
}

#[test]
fn the_id_scopes_the_style_and_the_arrowheads() {
    let html = render("flowchart LR\n  a --> b\n", "diagram-abc-2", None).unwrap();
    assert!(html.contains("id=\"diagram-abc-2\""));
    assert!(
        html.contains("#diagram-abc-2"),
        "the style is scoped to the id"
    );
    assert!(!html.contains("id=\"d1\""));
}

#[test]
fn a_parse_error_points_into_the_fence() {
    let code = "flowchart LR\n  a --> b\n  c[open --> d\n";
    let e = render(code, "d1", None).unwrap_err();
    assert!(e.message.contains("missing `]`"), "{e:?}");
    let line = code[..e.offset].matches('\n').count() + 1;
    assert_eq!(line, 3, "{e:?}");
}

#[test]
fn an_empty_fence_is_an_error_not_a_blank_figure() {
    let e = render("\n", "d1", None).unwrap_err();
    assert!(e.message.contains("start the diagram with one of"), "{e:?}");
}
