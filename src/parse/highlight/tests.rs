//! Tests of `highlight`.

use super::*;

const SNIPPETS: &[(&str, &str)] = &[
    ("yaml", "name: web\nreplicas: 3\n"),
    ("yml", "name: web\nreplicas: 3\n"),
    ("dockerfile", "FROM alpine:3.20\nRUN apk add curl\n"),
    ("docker", "FROM alpine:3.20\nRUN apk add curl\n"),
    ("toml", "[package]\nname = \"x\"\n"),
    (
        "hcl",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n}\n",
    ),
    (
        "terraform",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n}\n",
    ),
    ("tf", "variable \"region\" {\n  default = \"eu\"\n}\n"),
    ("sh", "echo \"hi\" | grep h\n"),
    ("bash", "for f in *; do echo $f; done\n"),
    ("shell", "export A=1\n"),
    ("console", "ls -la\n"),
    ("zsh", "echo $HOME\n"),
    ("go", "package main\nfunc main() {}\n"),
    ("rust", "fn main() { let x = 1; }\n"),
    ("rs", "fn main() { let x = 1; }\n"),
    ("python", "def f(x):\n    return x\n"),
    ("py", "import os\n"),
    ("js", "const a = 1;\n"),
    ("javascript", "function f() { return 1; }\n"),
    ("ts", "let a: number = 1;\n"),
    ("typescript", "interface A { b: string }\n"),
    ("json", "{\"a\": [1, true]}\n"),
    ("sql", "SELECT id FROM users WHERE a = 1;\n"),
    ("html", "<p class=\"x\">hi</p>\n"),
    ("css", "body { color: red; }\n"),
    ("markdown", "# Title\n\n*em*\n"),
    ("md", "# Title\n"),
    ("diff", "--- a\n+++ b\n-old\n+new\n"),
    ("ini", "[section]\nkey = value\n"),
    ("makefile", "all:\n\tcc -o x x.c\n"),
];

#[test]
fn every_listed_language_gets_classed_spans() {
    let hl = Highlighter::global();
    for (lang, code) in SNIPPETS {
        let html = hl
            .highlight(code, lang)
            .unwrap_or_else(|| panic!("no syntax for {lang}"));
        assert!(
            html.contains("<span class=\"hl-"),
            "{lang} produced no hl- span: {html}"
        );
    }
}

#[test]
fn language_names_are_case_insensitive() {
    let hl = Highlighter::global();
    assert!(hl.highlight("a: 1\n", "YAML").is_some());
    assert!(hl.highlight("FROM x\n", "Dockerfile").is_some());
}

#[test]
fn unknown_and_plain_languages_are_none() {
    let hl = Highlighter::global();
    assert_eq!(hl.highlight("x", "no-such-language"), None);
    assert_eq!(hl.highlight("x", ""), None);
    assert_eq!(hl.highlight("x", "text"), None);
    assert!(!hl.knows("txt"));
    assert!(hl.knows("yaml"));
}

#[test]
fn highlighted_text_keeps_the_code() {
    let hl = Highlighter::global();
    let html = hl.highlight("let a = \"<b>\";", "rust").unwrap();
    assert!(html.contains("&lt;b&gt;"));
    assert!(!html.contains('\n'));
    let html = hl.highlight("let a = 1;\n", "rust").unwrap();
    assert_eq!(html.matches('\n').count(), 1);
}

#[test]
fn cache_returns_identical_output() {
    let hl = Highlighter::new();
    let code = "key: value\nlist:\n  - a\n";
    let first = hl.highlight(code, "yaml").unwrap();
    let cached = hl.highlight(code, "yml").unwrap();
    assert_eq!(first, cached);
    let total: usize = hl.cache.iter().map(|s| lock(s).entries.len()).sum();
    assert_eq!(total, 1, "yaml and yml share one cache entry");
}

#[test]
fn highlighting_from_many_threads_agrees() {
    let hl = Highlighter::global();
    let outputs: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| hl.highlight("fn a() {}\n", "rust").unwrap()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(outputs.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn stylesheet_has_light_and_dark_variants() {
    let css = stylesheet("InspiredGitHub", "OneHalfDark").unwrap();
    assert!(css.contains("@media (prefers-color-scheme: dark) {"));
    assert!(css.contains(":root:not([data-theme=light]) .hl-comment"));
    assert!(css.contains("[data-theme=dark] .hl-comment"));
    assert!(css.contains("[data-theme=light] .hl-comment"));
    assert!(css.contains(":root:not([data-theme=dark]) pre.code"));
    // The InspiredGitHub background is white, OneHalfDark's is dark.
    assert!(css.contains("[data-theme=light] .hl-code, [data-theme=light] pre.code {"));
    assert!(css.contains("background-color: #ffffff;"));
    assert!(css.contains("background-color: #282c34;"));
    assert_eq!(css.matches('{').count(), css.matches('}').count());
}

#[test]
fn every_token_colour_meets_aa_contrast() {
    for name in ["InspiredGitHub", "OneHalfDark", "Solarized (light)"] {
        let rules = theme_rules(find_theme(name).unwrap()).unwrap();
        let bg = rules
            .iter()
            .find(|r| r.selectors.iter().any(|s| s == ".hl-code"))
            .and_then(|r| declaration(&r.body, "background-color"))
            .and_then(parse_hex)
            .unwrap();
        for r in &rules {
            if let Some(fg) = declaration(&r.body, "color").and_then(parse_hex) {
                let c = contrast(fg, bg);
                assert!(c >= MIN_CONTRAST, "{name} {:?}: {c:.2}", r.selectors);
            }
        }
    }
    assert!(
        contrast([150.0, 152.0, 150.0], [255.0; 3]) < MIN_CONTRAST,
        "the comment colour of InspiredGitHub needed fixing"
    );
}

#[test]
fn stylesheet_accepts_syntect_default_themes() {
    assert!(stylesheet("base16-ocean.light", "base16-ocean.dark").is_ok());
    assert!(stylesheet("Solarized (light)", "Dracula").is_ok());
}

#[test]
fn unknown_theme_lists_the_available_ones() {
    let err = stylesheet("InspiredGitHub", "Nope").unwrap_err();
    assert!(err.contains("`Nope`"));
    assert!(err.contains("OneHalfDark"));
    assert!(err.contains("InspiredGitHub"));
    assert!(stylesheet("Nope", "OneHalfDark").is_err());
}

#[test]
fn blocks_too_big_to_highlight_are_left_plain() {
    let hl = Highlighter::global();
    assert!(hl.highlight("{\"a\": 1}", "json").is_some());
    let one_line = format!("{{\"a\": \"{}\"}}", "x".repeat(MAX_LINE + 1));
    assert!(hl.highlight(&one_line, "json").is_none());
    let many_lines = "{\"a\": 1}\n".repeat(MAX_BLOCK / 9 + 1);
    assert!(hl.highlight(&many_lines, "json").is_none());
}
