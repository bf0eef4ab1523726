//! Stage 2 (parse): a ```` ```mermaid ```` fence to inline SVG, drawn once at build time.
//! In: the fence's text, its caption and an id unique in the site; out: a `<figure>` with the
//! SVG (no script in the reader's browser), or the problem with its offset in the fence's text.

use std::sync::LazyLock;

use merman::{
    Engine, MermaidConfig, OperationControl, ParseOptions, RenderError, RenderOutput,
    RenderRequest, Renderer, SvgRequest,
};

use crate::util::escape::escape_html;

/// The diagram types compiled in (`Cargo.toml`'s merman features), as a fence's first word
/// names them.
pub const SUPPORTED: &[&str] = &[
    "flowchart",
    "graph",
    "sequenceDiagram",
    "stateDiagram-v2",
    "stateDiagram",
    "classDiagram",
    "erDiagram",
    "gantt",
    "pie",
    "journey",
    "timeline",
];

/// Why a fence did not become a diagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagramError {
    /// Byte offset in the fence's text where the problem is.
    pub offset: usize,
    pub message: String,
}

/// One renderer for the whole build: the neutral theme (grey boxes, black lines) reads on
/// paper and, inverted by the stylesheet, in dark mode; labels are SVG text, not HTML in a
/// `foreignObject`, so a label in a wider fallback font runs over its box instead of being
/// cut off, and printing and text extraction see it.
static RENDERER: LazyLock<Renderer> = LazyLock::new(|| {
    let config = MermaidConfig::from_value(serde_json::json!({
        "theme": "neutral",
        "htmlLabels": false,
        "flowchart": { "htmlLabels": false },
        "fontFamily": "system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif",
    }));
    Renderer::new()
        .with_engine(Engine::new().with_site_config(config))
        .with_parse_options(ParseOptions::strict())
});

/// The figure for the diagram `code`; `id` must be unique in the site (the SVG's style and
/// arrowheads refer to it), `caption` is shown under it and names it when the diagram has no
/// `accTitle`.
pub fn render(code: &str, id: &str, caption: Option<&str>) -> Result<String, DiagramError> {
    let request = SvgRequest {
        options: merman::svg::SvgRenderOptions {
            diagram_id: Some(id.to_owned()),
            ..Default::default()
        },
        ..Default::default()
    };
    let output = RENDERER
        .render(RenderRequest::svg(code, OperationControl::new(), request))
        .map_err(|e| error(code, e))?;
    let RenderOutput::Svg(Some(svg)) = output else {
        return Err(no_diagram(code));
    };
    let svg = svg.svg();
    let mut html = String::with_capacity(svg.len() + 128);
    html.push_str("<figure class=\"diagram\">");
    let named = svg
        .split_once('>')
        .is_some_and(|(root, _)| root.contains("aria-labelledby="));
    if named {
        html.push_str(svg);
    } else {
        // The caption names the diagram, else its type: `aria-label` on the root.
        let mut label = String::new();
        match caption {
            Some(caption) => escape_html(&mut label, caption),
            None => {
                let kind = code.split_whitespace().next().unwrap_or("diagram");
                label = format!("{} diagram", readable_kind(kind.trim_end_matches("-v2")));
            }
        }
        html.push_str(&svg.replacen("<svg ", &format!("<svg aria-label=\"{label}\" "), 1));
    }
    if let Some(caption) = caption {
        html.push_str("<figcaption>");
        escape_html(&mut html, caption);
        html.push_str("</figcaption>");
    }
    html.push_str("</figure>\n");
    Ok(html)
}

/// `sequenceDiagram` as a reader would say it: "Sequence".
fn readable_kind(kind: &str) -> &'static str {
    match kind {
        "flowchart" | "graph" => "Flowchart",
        "sequenceDiagram" => "Sequence",
        "stateDiagram" => "State",
        "classDiagram" => "Class",
        "erDiagram" => "Entity-relationship",
        "gantt" => "Gantt",
        "pie" => "Pie",
        "journey" => "User journey",
        "timeline" => "Timeline",
        _ => "Mermaid",
    }
}

fn error(code: &str, e: RenderError) -> DiagramError {
    match e {
        RenderError::NoDiagram => no_diagram(code),
        RenderError::Parse(diagnostic) => {
            let details = diagnostic.terminal_diagnostic_details();
            let offset = details.span.map_or(0, |s| s.start.min(code.len()));
            let mut message = diagnostic.terminal_safe_message();
            if details.code.contains("unsupported") || details.code.contains("detect") {
                message = no_diagram(code).message;
            }
            DiagramError { offset, message }
        }
        other => DiagramError {
            offset: 0,
            message: other.to_string(),
        },
    }
}

fn no_diagram(code: &str) -> DiagramError {
    let start = code.len() - code.trim_start().len();
    let first = code.split_whitespace().next().unwrap_or("");
    DiagramError {
        offset: start,
        message: format!(
            "`{first}` is not a diagram type teambook draws; start the diagram with one of: {}",
            SUPPORTED.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests;
