//! One highlighter (the feature this binary was built with) over the fenced code blocks of a
//! site, for bench/highlighters.sh:
//!   highlighters time DIR     every ```lang block of DIR/**/*.md, on one thread: blocks, bytes, ms
//!   highlighters coverage     which of the languages we need have a grammar
//!   highlighters sample FILE  an HTML page of one sample per language, for screenshots

use std::time::Instant;

/// The languages the issue names, as a fence writes them, with a sample each.
const SAMPLES: &[(&str, &str)] = &[
    ("yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: checkout # the shop's\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - image: \"registry.example.com/checkout:4.12\"\n          ports: [{containerPort: 8080}]\n"),
    ("dockerfile", "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app ./cmd/app\n\nFROM gcr.io/distroless/static\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n"),
    ("hcl", "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"team-logs-${var.env}\"\n  tags = {\n    owner = \"platform\"\n  }\n}\n\nvariable \"env\" {\n  type    = string\n  default = \"staging\"\n}\n"),
    ("toml", "[package]\nname = \"teambook\"\nversion = \"0.1.0\" # first\n\n[dependencies]\nserde = { version = \"1\", features = [\"derive\"] }\n"),
    ("sh", "#!/usr/bin/env bash\nset -euo pipefail\nfor pod in $(kubectl get pods -o name); do\n  echo \"restarting ${pod}\" >&2\n  kubectl delete \"$pod\" --wait=false\ndone\n"),
    ("go", "package main\n\nimport \"fmt\"\n\n// Sum adds the points of a sprint.\nfunc Sum(points []int) (total int) {\n\tfor _, p := range points {\n\t\ttotal += p\n\t}\n\treturn\n}\n\nfunc main() { fmt.Println(Sum([]int{3, 5, 8})) }\n"),
    ("rust", "/// The velocity of the last `n` sprints.\nfn velocity(done: &[u32], n: usize) -> Option<f64> {\n    let last = &done[done.len().saturating_sub(n)..];\n    (!last.is_empty()).then(|| last.iter().sum::<u32>() as f64 / last.len() as f64)\n}\n"),
    ("python", "import json\n\n\ndef burnup(days: list[dict]) -> list[int]:\n    \"\"\"Points done by the end of each day.\"\"\"\n    total = 0\n    out = []\n    for day in days:\n        total += day.get(\"points\", 0)\n        out.append(total)\n    return out\n\nprint(json.dumps(burnup([{\"points\": 3}])))\n"),
    ("js", "const items = document.querySelectorAll('pre.code');\nfor (const pre of items) {\n  // a copy button per block\n  const b = document.createElement('button');\n  b.textContent = `Copy ${pre.dataset.lang ?? ''}`;\n  pre.append(b);\n}\n"),
    ("ts", "interface Sprint {\n  number: number;\n  goal: string;\n  done?: boolean;\n}\n\nexport function met(s: Sprint): string {\n  return s.done ? `Sprint ${s.number}: met` : 'not met';\n}\n"),
    ("json", "{\n  \"name\": \"checkout\",\n  \"replicas\": 3,\n  \"labels\": {\"app\": \"checkout\", \"tier\": null},\n  \"enabled\": true\n}\n"),
    ("sql", "SELECT team, SUM(points) AS done\nFROM backlog_items\nWHERE status = 'done' AND sprint >= 12 -- this quarter\nGROUP BY team\nORDER BY done DESC;\n"),
];

#[cfg(feature = "syntect")]
mod hl {
    use syntect::html::{ClassStyle, ClassedHTMLGenerator};
    use syntect::parsing::SyntaxSet;
    use syntect::util::LinesWithEndings;
    pub const NAME: &str = "syntect 5.3 + two-face 0.5 (teambook today)";
    pub struct Hl(SyntaxSet);
    impl Hl {
        pub fn new() -> Hl {
            Hl(two_face::syntax::extra_newlines())
        }
        pub fn highlight(&mut self, lang: &str, code: &str) -> Option<String> {
            let syntax = self.0.find_syntax_by_token(lang)?;
            let mut g = ClassedHTMLGenerator::new_with_class_style(
                syntax,
                &self.0,
                ClassStyle::SpacedPrefixed { prefix: "hl-" },
            );
            for line in LinesWithEndings::from(code) {
                g.parse_html_for_line_which_includes_newline(line).ok()?;
            }
            Some(g.finalize())
        }
        pub fn css() -> String {
            let ts = syntect::highlighting::ThemeSet::load_defaults();
            syntect::html::css_for_theme_with_class_style(
                &ts.themes["InspiredGitHub"],
                ClassStyle::SpacedPrefixed { prefix: "hl-" },
            )
            .unwrap_or_default()
        }
    }
}

#[cfg(feature = "giallo")]
mod hl {
    use giallo::{HighlightOptions, HtmlRenderer, Registry, RenderOptions, ThemeVariant};
    pub const NAME: &str = "giallo 0.5.2 (Zola's)";
    pub struct Hl(Registry);
    impl Hl {
        pub fn new() -> Hl {
            let mut r = Registry::builtin().expect("giallo's built-in grammars");
            r.link_grammars();
            Hl(r)
        }
        pub fn highlight(&mut self, lang: &str, code: &str) -> Option<String> {
            let name = match lang {
                "sh" => "shellscript",
                "js" => "javascript",
                "ts" => "typescript",
                "yml" => "yaml",
                "dockerfile" => "docker",
                other => other,
            };
            let opts = HighlightOptions::new(name, ThemeVariant::Single("github-light"));
            let h = self.0.highlight(code, &opts).ok()?;
            Some(HtmlRenderer::default().render(&h, &RenderOptions::default()))
        }
        pub fn css() -> String {
            String::new()
        }
    }
}

#[cfg(feature = "arborium")]
mod hl {
    pub const NAME: &str = "arborium 2.18 (tree-sitter)";
    pub struct Hl(arborium::Highlighter);
    impl Hl {
        pub fn new() -> Hl {
            Hl(arborium::Highlighter::new())
        }
        pub fn highlight(&mut self, lang: &str, code: &str) -> Option<String> {
            let name = match lang {
                "sh" | "shell" => "bash",
                "js" => "javascript",
                "ts" => "typescript",
                "yml" => "yaml",
                "terraform" | "tf" => "hcl",
                other => other,
            };
            self.0.highlight(name, code).ok()
        }
        pub fn css() -> String {
            arborium::theme::builtin::github_light().to_css("pre")
        }
    }
}

/// Every fenced block with a language in the Markdown files under `dir`.
fn blocks(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("a folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            blocks(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(&path).expect("UTF-8");
            let mut lines = text.lines();
            while let Some(line) = lines.next() {
                let Some(lang) = line.strip_prefix("```") else { continue };
                let lang = lang.split_whitespace().next().unwrap_or("").to_owned();
                let mut code = String::new();
                for l in lines.by_ref() {
                    if l.starts_with("```") {
                        break;
                    }
                    code.push_str(l);
                    code.push('\n');
                }
                if !lang.is_empty() {
                    out.push((lang, code));
                }
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let t = Instant::now();
    let mut hl = hl::Hl::new();
    let setup = t.elapsed();
    match args.first().map(String::as_str) {
        Some("time") => {
            let mut all = Vec::new();
            blocks(std::path::Path::new(&args[1]), &mut all);
            let bytes: usize = all.iter().map(|(_, c)| c.len()).sum();
            let t = Instant::now();
            let (mut out, mut plain) = (0usize, 0usize);
            for (lang, code) in &all {
                match hl.highlight(lang, code) {
                    Some(html) => out += html.len(),
                    None => plain += 1,
                }
            }
            let took = t.elapsed();
            println!(
                "{}\tblocks {}\tcode {:.1} MB\tsetup {} ms\thighlight {} ms\t{:.1} MB/s\tHTML {:.1} MB\tno grammar {}",
                hl::NAME,
                all.len(),
                bytes as f64 / 1e6,
                setup.as_millis(),
                took.as_millis(),
                bytes as f64 / 1e6 / took.as_secs_f64(),
                out as f64 / 1e6,
                plain
            );
        }
        Some("coverage") => {
            let got: Vec<String> = SAMPLES
                .iter()
                .map(|(lang, code)| {
                    let ok = hl.highlight(lang, code).is_some_and(|h| h.contains('<'));
                    format!("{lang}:{}", if ok { "yes" } else { "NO" })
                })
                .collect();
            println!("{}\t{}", hl::NAME, got.join(" "));
        }
        Some("sample") => {
            let mut html = format!(
                "<!doctype html><meta charset=utf-8><title>{}</title><style>body{{font:14px system-ui;margin:8px;width:560px}} pre{{background:#fff;border:1px solid #ddd;padding:6px;margin:2px 0 8px;font:12px/1.35 monospace}} h2{{font-size:12px;margin:0}}\n{}</style><h1 style=\"font-size:14px\">{}</h1>",
                hl::NAME,
                hl::Hl::css(),
                hl::NAME
            );
            for (lang, code) in SAMPLES {
                let body = hl.highlight(lang, code).unwrap_or_else(|| "(no grammar)".into());
                if body.starts_with("<pre") {
                    html.push_str(&format!("<h2>{lang}</h2>{body}"));
                } else {
                    html.push_str(&format!("<h2>{lang}</h2><pre><code>{body}</code></pre>"));
                }
            }
            std::fs::write(&args[1], html).expect("written");
        }
        _ => eprintln!("usage: highlighters time DIR | coverage | sample FILE"),
    }
}
