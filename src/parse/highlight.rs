//! Stage 2 (parse): syntax highlighting for fenced code blocks.
//! In: code text and a fence language; out: HTML spans with `hl-` CSS classes, plus the
//! matching light/dark stylesheet built from syntect themes.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::{Mutex, OnceLock};

use syntect::highlighting::{Theme, ThemeSet};
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

/// The class prefix of every highlighted span (`hl-keyword`, `hl-string`, ...).
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Number of independently locked cache shards, so rayon workers rarely wait on each other.
const SHARDS: usize = 16;

/// Bytes of cached keys and output a shard may hold before it is emptied.
const SHARD_BYTE_LIMIT: usize = 8 * 1024 * 1024;

/// Fence names that mean "no highlighting" even though syntect knows a plain-text syntax.
const PLAIN_NAMES: &[&str] = &["text", "txt", "plain", "plaintext", "none", "nohighlight"];

/// Highlights code with the syntaxes bundled by two-face; cheap to share across threads.
pub struct Highlighter {
    syntaxes: SyntaxSet,
    cache: [Mutex<Shard>; SHARDS],
}

#[derive(Default)]
struct Shard {
    bytes: usize,
    entries: HashMap<(String, String), String>,
}

impl Highlighter {
    /// Loads the syntax definitions. Slow (tens of milliseconds): prefer [`Highlighter::global`].
    pub fn new() -> Self {
        Highlighter {
            syntaxes: two_face::syntax::extra_newlines(),
            cache: std::array::from_fn(|_| Mutex::new(Shard::default())),
        }
    }

    /// The process-wide highlighter, loaded on first use.
    pub fn global() -> &'static Highlighter {
        static GLOBAL: OnceLock<Highlighter> = OnceLock::new();
        GLOBAL.get_or_init(Highlighter::new)
    }

    /// Whether `lang` names a syntax this highlighter can colour.
    pub fn knows(&self, lang: &str) -> bool {
        self.syntax_for(lang).is_some()
    }

    /// The inner HTML of a code block (spans with `hl-` classes), or `None` when `lang` is
    /// not a language we know, or the block is too big to highlight (it is then shown plain). Identical (language, code) pairs are highlighted once.
    pub fn highlight(&self, code: &str, lang: &str) -> Option<String> {
        if too_big_to_highlight(code) {
            return None;
        }
        let syntax = self.syntax_for(lang)?;
        let key = (syntax.name.clone(), code.to_owned());
        let shard = &self.cache[shard_index(&key)];
        if let Some(hit) = lock(shard).entries.get(&key) {
            return Some(hit.clone());
        }
        // Highlight outside the lock: other threads keep using the shard meanwhile.
        let html = self.highlight_uncached(code, syntax)?;
        let mut guard = lock(shard);
        let size = key.0.len() + key.1.len() + html.len();
        if guard.bytes + size > SHARD_BYTE_LIMIT {
            guard.entries.clear();
            guard.bytes = 0;
        }
        if guard.entries.insert(key, html.clone()).is_none() {
            guard.bytes += size;
        }
        Some(html)
    }

    fn highlight_uncached(&self, code: &str, syntax: &SyntaxReference) -> Option<String> {
        let mut generator =
            ClassedHTMLGenerator::new_with_class_style(syntax, &self.syntaxes, CLASS_STYLE);
        // The "newlines" syntax set expects every line to end with '\n'.
        let owned;
        let text = if code.ends_with('\n') || code.is_empty() {
            code
        } else {
            owned = format!("{code}\n");
            &owned
        };
        for line in LinesWithEndings::from(text) {
            generator
                .parse_html_for_line_which_includes_newline(line)
                .ok()?;
        }
        let mut html = generator.finalize();
        if !code.ends_with('\n') {
            // Drop the newline we appended; it is the last one in the output.
            if let Some(at) = html.rfind('\n') {
                html.remove(at);
            }
        }
        Some(html)
    }

    /// Finds the syntax for a fence language: a file extension, a syntax name or an alias.
    fn syntax_for(&self, lang: &str) -> Option<&SyntaxReference> {
        let lang = lang.trim();
        if lang.is_empty() {
            return None;
        }
        let lower = lang.to_ascii_lowercase();
        if PLAIN_NAMES.contains(&lower.as_str()) {
            return None;
        }
        let token = match lower.as_str() {
            "docker" | "containerfile" => "Dockerfile",
            "terraform" | "tf" | "hcl" => "tf",
            "shell" | "console" | "shell-session" | "zsh" | "sh" | "bash" => "bash",
            "javascript" | "node" => "js",
            "typescript" => "ts",
            "python3" => "py",
            "golang" => "go",
            "yml" => "yaml",
            "markdown" => "md",
            "patch" => "diff",
            "make" => "makefile",
            "jsonc" | "json5" => "json",
            _ => lang,
        };
        let syntax = self
            .syntaxes
            .find_syntax_by_token(token)
            .or_else(|| self.syntaxes.find_syntax_by_token(&lower))?;
        (syntax.name != "Plain Text").then_some(syntax)
    }
}

impl Default for Highlighter {
    fn default() -> Self {
        Highlighter::new()
    }
}

fn shard_index(key: &(String, String)) -> usize {
    let mut hasher = DefaultHasher::new();
    key.hash(&mut hasher);
    (hasher.finish() % SHARDS as u64) as usize
}

/// A poisoned shard only means another thread panicked mid-insert; the map is still valid.
fn lock(shard: &Mutex<Shard>) -> std::sync::MutexGuard<'_, Shard> {
    shard
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Blocks above this size, or with a line above [`MAX_LINE`], are shown without highlighting:
/// syntect's memory grows with the length of a line (5 MB of minified JSON on one line peaked
/// at 1.8 GB), and nobody reads such a block for its colours.
pub const MAX_BLOCK: usize = 512 * 1024;
/// The longest line that is highlighted; see [`MAX_BLOCK`].
pub const MAX_LINE: usize = 10_000;

fn too_big_to_highlight(code: &str) -> bool {
    code.len() > MAX_BLOCK || code.lines().any(|l| l.len() > MAX_LINE)
}

/// Every theme name [`stylesheet`] accepts, sorted.
pub fn theme_names() -> Vec<String> {
    let mut names: Vec<String> = two_face::theme::EmbeddedLazyThemeSet::theme_names()
        .iter()
        .map(|name| name.as_name().to_owned())
        .collect();
    names.extend(default_themes().themes.keys().cloned());
    names.sort();
    names.dedup();
    names
}

fn default_themes() -> &'static ThemeSet {
    static DEFAULTS: OnceLock<ThemeSet> = OnceLock::new();
    DEFAULTS.get_or_init(ThemeSet::load_defaults)
}

fn extra_themes() -> &'static two_face::theme::LazyThemeSet {
    static EXTRA: OnceLock<two_face::theme::LazyThemeSet> = OnceLock::new();
    EXTRA.get_or_init(|| two_face::theme::extra().into())
}

/// Whether `name` is a highlighting theme we ship; the error lists those we do, and the
/// nearest name when there is one.
pub fn check_theme(name: &str) -> Result<(), String> {
    find_theme(name).map(|_| ()).map_err(|e| {
        let names = theme_names();
        match crate::error::did_you_mean(name, names.iter().map(String::as_str)) {
            Some(s) => format!("unknown highlighting theme `{name}`; did you mean `{s}`?"),
            None => e,
        }
    })
}

fn find_theme(name: &str) -> Result<&'static Theme, String> {
    extra_themes()
        .get(name)
        .or_else(|| default_themes().themes.get(name))
        .ok_or_else(|| {
            format!(
                "unknown highlighting theme `{name}`; available themes: {}",
                theme_names().join(", ")
            )
        })
}

/// CSS for the `hl-` classes: `light_theme` when the reader prefers light (or the page sets
/// `data-theme="light"`), `dark_theme` when the reader prefers dark (or `data-theme="dark"`).
/// The two sets of rules never apply at once, so neither theme's colours leak into the other.
/// The theme's base colours go on `.hl-code` and on the `pre.code` wrapper of code blocks.
pub fn stylesheet(light_theme: &str, dark_theme: &str) -> Result<String, String> {
    let light = theme_rules(find_theme(light_theme)?)?;
    let dark = theme_rules(find_theme(dark_theme)?)?;
    let mut css = format!(
        "/* Code highlighting: light \"{light_theme}\", dark \"{dark_theme}\". Generated by teambook. */\n"
    );
    push_scoped(
        &mut css,
        &light,
        "@media (prefers-color-scheme: light)",
        ":root:not([data-theme=dark])",
    );
    push_scoped(&mut css, &light, "", "[data-theme=light]");
    push_scoped(
        &mut css,
        &dark,
        "@media (prefers-color-scheme: dark)",
        ":root:not([data-theme=light])",
    );
    push_scoped(&mut css, &dark, "", "[data-theme=dark]");
    Ok(css)
}

/// One CSS rule: its selectors and its declarations.
struct Rule {
    selectors: Vec<String>,
    body: String,
}

/// Splits syntect's generated CSS for `theme` into rules.
fn theme_rules(theme: &Theme) -> Result<Vec<Rule>, String> {
    let css = css_for_theme_with_class_style(theme, CLASS_STYLE).map_err(|e| e.to_string())?;
    let css = strip_comments(&css);
    let mut rules = Vec::new();
    for block in css.split('}') {
        let Some((selector, body)) = block.split_once('{') else {
            continue;
        };
        let mut selectors: Vec<String> = selector
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let body = body.trim();
        if selectors.is_empty() || body.is_empty() {
            continue;
        }
        if selectors == [".hl-code"] {
            selectors.push("pre.code".to_owned());
        }
        rules.push(Rule {
            selectors,
            body: body.to_owned(),
        });
    }
    ensure_contrast(&mut rules);
    Ok(rules)
}

/// WCAG AA for normal text.
const MIN_CONTRAST: f64 = 4.5;

/// Moves every token colour that is too faint against the code background (many themes'
/// comments are) towards black or white until it reaches WCAG AA contrast.
fn ensure_contrast(rules: &mut [Rule]) {
    let Some(bg) = rules
        .iter()
        .find(|r| r.selectors.iter().any(|s| s == ".hl-code"))
        .and_then(|r| declaration(&r.body, "background-color"))
        .and_then(parse_hex)
    else {
        return;
    };
    let toward = if luminance(bg) > 0.18 {
        [0.0; 3]
    } else {
        [255.0; 3]
    };
    for rule in rules.iter_mut() {
        let Some(hex) = declaration(&rule.body, "color") else {
            continue;
        };
        let Some(mut fg) = parse_hex(hex) else {
            continue;
        };
        if contrast(fg, bg) >= MIN_CONTRAST {
            continue;
        }
        for _ in 0..40 {
            for i in 0..3 {
                fg[i] += (toward[i] - fg[i]) * 0.1;
            }
            if contrast(fg, bg) >= MIN_CONTRAST + 0.05 {
                break;
            }
        }
        let fixed = format!(
            "#{:02x}{:02x}{:02x}",
            fg[0].round() as u8,
            fg[1].round() as u8,
            fg[2].round() as u8
        );
        let old = hex.to_string();
        rule.body = rule
            .body
            .replacen(&format!("color: {old}"), &format!("color: {fixed}"), 1);
    }
}

/// The value of `name:` in a rule body (exact property, not a suffix like `background-color`).
fn declaration<'a>(body: &'a str, name: &str) -> Option<&'a str> {
    body.split(';').find_map(|d| {
        let (k, v) = d.split_once(':')?;
        (k.trim() == name).then(|| v.trim())
    })
}

fn parse_hex(s: &str) -> Option<[f64; 3]> {
    let h = s.strip_prefix('#')?;
    if h.len() != 6 && h.len() != 8 {
        return None;
    }
    let c = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok().map(f64::from);
    Some([c(0)?, c(2)?, c(4)?])
}

fn luminance(c: [f64; 3]) -> f64 {
    let ch = |v: f64| {
        let v = v / 255.0;
        if v <= 0.039_28 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2])
}

fn contrast(a: [f64; 3], b: [f64; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

fn strip_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        match rest[start + 2..].find("*/") {
            Some(end) => rest = &rest[start + 2 + end + 2..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

/// Appends `rules` with every selector prefixed by `scope`, inside `media` when not empty.
fn push_scoped(css: &mut String, rules: &[Rule], media: &str, scope: &str) {
    let indent = if media.is_empty() { "" } else { "  " };
    if !media.is_empty() {
        css.push_str(media);
        css.push_str(" {\n");
    }
    for rule in rules {
        css.push_str(indent);
        let scoped: Vec<String> = rule
            .selectors
            .iter()
            .map(|selector| format!("{scope} {selector}"))
            .collect();
        css.push_str(&scoped.join(", "));
        css.push_str(" {");
        for declaration in rule.body.split(';') {
            let declaration = declaration.trim();
            if !declaration.is_empty() {
                css.push(' ');
                css.push_str(declaration);
                css.push(';');
            }
        }
        css.push_str(" }\n");
    }
    if !media.is_empty() {
        css.push_str("}\n");
    }
}

#[cfg(test)]
mod tests;
