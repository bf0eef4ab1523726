//! Stage 4c: share cards, the picture a chat app or social site shows for a link. In: what a
//! card says ([`Card`]: site title, section, page title, and for a sprint its verdict and
//! numbers). Out: an SVG built from one template, rasterised to a 1200×630 PNG with the font
//! bundled in the binary (Noto Sans, `src/render/fonts/`).
//!
//! A card's file name is a hash of what it shows ([`Card::file`]): the same card is the same
//! file from build to build, so a rebuild keeps the PNG the output already has instead of
//! drawing it again, and a changed card gets a new URL that no chat app has cached.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use resvg::{tiny_skia, usvg};
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};

use crate::util::escape::xml_escape;

/// The size chat apps and social sites ask for (`summary_large_image`).
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;
/// Sites of more pages than this draw a card per section, record and term page, and their
/// plain pages link their section's (README, "Output").
pub const PER_PAGE_LIMIT: usize = 2_000;

/// The folder of the output that holds the cards.
pub const FOLDER: &str = "cards";

/// Changes whenever the picture drawn from the same inputs changes (layout, colours, font).
/// With teambook's version it is part of every card's name, so that no rebuild keeps a card
/// drawn by an older teambook.
const DESIGN: u32 = 4;

const REGULAR: &[u8] = include_bytes!("fonts/NotoSans-Regular.ttf");
const BOLD: &[u8] = include_bytes!("fonts/NotoSans-Bold.ttf");
const FAMILY: &str = "Noto Sans";

/// The default theme's light colours (themes/default/static/style.css).
const BG: &str = "#ffffff";
const BG_SUBTLE: &str = "#f6f8fa";
const FG: &str = "#1b1f24";
const FG_MUTED: &str = "#555e6a";
const ACCENT: &str = "#0a58b8";
const BORDER: &str = "#d8dee4";

/// Left and right margin; text wraps within what is left.
const MARGIN: f32 = 80.0;
const TITLE_SIZE: f32 = 64.0;
const TITLE_LINE: f32 = 78.0;
const TITLE_LINES: usize = 3;

/// What one card shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Card {
    /// The site's title, top left.
    pub site: String,
    /// The section the page is in (empty for none), above the title.
    pub section: String,
    /// The page's title: wrapped, at most three lines (two on a sprint's card), the last
    /// ellipsised when it goes on.
    pub title: String,
    /// Under the title, in at most two lines: the site's description on the home page's
    /// card; empty on the others.
    pub summary: String,
    /// For a sprint review: its verdict and numbers.
    pub sprint: Option<SprintLine>,
}

/// A sprint's verdict and numbers, as its page shows them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SprintLine {
    /// `yes`, `partly`, `no`, or empty when not assessed yet: picks the verdict's colours.
    pub goal_met: String,
    /// "Goal met", "Goal partly met", "Goal not met", "Goal not assessed yet".
    pub verdict: String,
    pub planned: String,
    pub finished: String,
    /// What the numbers count ("points").
    pub unit: String,
}

impl SprintLine {
    /// "planned 30 · finished 28 points".
    pub fn numbers(&self) -> String {
        format!(
            "planned {} · finished {} {}",
            self.planned, self.finished, self.unit
        )
    }
}

impl Card {
    /// A hash of everything the picture depends on: the card and the design.
    pub fn key(&self) -> u64 {
        let mut h = DefaultHasher::new();
        (DESIGN, env!("CARGO_PKG_VERSION")).hash(&mut h);
        self.hash(&mut h);
        h.finish()
    }

    /// The card's path in the output, `cards/<hash>.png`.
    pub fn file(&self) -> String {
        format!("{FOLDER}/{:016x}.png", self.key())
    }

    /// The text for `og:image:alt`: what the picture says, in one line.
    pub fn alt(&self) -> String {
        let mut parts = vec![self.title.clone()];
        if !self.summary.is_empty() {
            parts.push(self.summary.clone());
        }
        if let Some(s) = &self.sprint {
            parts.push(s.verdict.clone());
            parts.push(s.numbers());
        }
        if !self.section.is_empty() {
            parts.push(self.section.clone());
        }
        if self.site != self.title {
            parts.push(self.site.clone());
        }
        parts.join(" · ")
    }

    /// The card as SVG: the template with this card's text, escaped and wrapped.
    pub fn svg(&self) -> String {
        document(&format!("{}{}", background(&self.site), self.foreground()))
    }

    /// What differs from card to card of a site: section, title and sprint line.
    fn foreground(&self) -> String {
        let fonts = fonts();
        let width = WIDTH as f32 - 2.0 * MARGIN;
        let section = fonts.fit(&self.section, 30.0, false, width);
        // A sprint's line takes the place of the title's third line.
        let most = if self.sprint.is_some() {
            2
        } else {
            TITLE_LINES
        };
        let lines = fonts.wrap(&self.title, TITLE_SIZE, true, width, most);
        let first = 340.0;
        let mut svg = String::with_capacity(1024);
        if !section.is_empty() {
            svg.push_str(&format!(
                r#"<text x="{MARGIN}" y="{}" font-size="30" fill="{ACCENT}">{}</text>
"#,
                first - TITLE_LINE - 6.0,
                xml_escape(&section)
            ));
        }
        for (n, line) in lines.iter().enumerate() {
            svg.push_str(&format!(
                r#"<text x="{MARGIN}" y="{}" font-size="{TITLE_SIZE}" font-weight="700" fill="{FG}">{}</text>
"#,
                first + TITLE_LINE * n as f32,
                xml_escape(line)
            ));
        }
        let below = first + TITLE_LINE * (lines.len().max(1) - 1) as f32 + 66.0;
        for (n, line) in fonts
            .wrap(&self.summary, 30.0, false, width, 2)
            .iter()
            .enumerate()
        {
            svg.push_str(&format!(
                r#"<text x="{MARGIN}" y="{}" font-size="30" fill="{FG_MUTED}">{}</text>
"#,
                below + 42.0 * n as f32,
                xml_escape(line)
            ));
        }
        if let Some(s) = &self.sprint {
            let (fg, bg) = verdict_colours(&s.goal_met);
            let verdict = fonts.fit(&s.verdict, 34.0, true, width / 2.0);
            let pill = fonts.width(&verdict, 34.0, true) + 48.0;
            let numbers = fonts.fit(&s.numbers(), 34.0, false, width - pill - 32.0);
            svg.push_str(&format!(
                r#"<rect x="{MARGIN}" y="506" width="{pill}" height="64" rx="32" fill="{bg}"/>
<text x="{}" y="550" font-size="34" font-weight="700" fill="{fg}">{}</text>
<text x="{}" y="550" font-size="34" fill="{FG_MUTED}">{}</text>
"#,
                MARGIN + 24.0,
                xml_escape(&verdict),
                MARGIN + pill + 32.0,
                xml_escape(&numbers)
            ));
        }
        svg
    }

    /// The card as a PNG of [`WIDTH`] × [`HEIGHT`].
    pub fn png(&self) -> Result<Vec<u8>, String> {
        self.png_timed().map(|(png, _)| png)
    }

    /// [`Card::png`], and how long each step took. The background, the same on every card of
    /// a site, is drawn once and copied; only the text is laid out and drawn per card.
    pub fn png_timed(&self) -> Result<(Vec<u8>, Steps), String> {
        /// A card's pixels, kept per thread: a fresh 3 MB pixmap per card had the kernel
        /// zero pages for every card.
        struct Scratch {
            pixmap: Option<tiny_skia::Pixmap>,
        }
        thread_local! {
            static SCRATCH: std::cell::RefCell<Scratch> =
                const { std::cell::RefCell::new(Scratch { pixmap: None }) };
        }
        let started = Instant::now();
        let base = base(&self.site)?;
        let tree = usvg::Tree::from_str(&document(&self.foreground()), &fonts().options)
            .map_err(|e| e.to_string())?;
        SCRATCH.with_borrow_mut(|scratch| {
            let pixmap = match &mut scratch.pixmap {
                Some(p) => p,
                none => none.insert(base.pixmap.clone()),
            };
            pixmap.data_mut().copy_from_slice(base.pixmap.data());
            let laid_out = Instant::now();
            resvg::render(
                &tree,
                tiny_skia::Transform::identity(),
                &mut pixmap.as_mut(),
            );
            let drawn = Instant::now();
            let png = encode(pixmap.data(), &base).map_err(|e| e.to_string())?;
            let steps = Steps {
                layout: laid_out - started,
                draw: drawn - laid_out,
                encode: drawn.elapsed(),
            };
            Ok((png, steps))
        })
    }
}

/// How long the steps of one card took: copying the background and laying out the text,
/// drawing it, encoding the PNG.
#[derive(Debug, Default, Clone, Copy)]
pub struct Steps {
    pub layout: Duration,
    pub draw: Duration,
    pub encode: Duration,
}

/// An SVG document of the card's size around `inner`.
fn document(inner: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FAMILY}">
{inner}</svg>
"#
    )
}

/// What every card of a site shows: the theme's colours, its mark and the site's title.
fn background(site: &str) -> String {
    let site = fonts().fit(site, 30.0, true, WIDTH as f32 - 2.0 * MARGIN - 68.0);
    format!(
        r##"<rect width="{WIDTH}" height="{HEIGHT}" fill="{BG}"/>
<rect x="0" y="0" width="{WIDTH}" height="150" fill="{BG_SUBTLE}"/>
<rect x="0" y="150" width="{WIDTH}" height="2" fill="{BORDER}"/>
<rect x="0" y="0" width="16" height="{HEIGHT}" fill="{ACCENT}"/>
<g transform="translate({MARGIN} 50) scale(1.6)"><rect x="3" y="4" width="26" height="24" rx="4" fill="{ACCENT}"/><path d="M16 8v16M8 11h5M8 15h5M19 11h5M19 15h5" fill="none" stroke="{BG}" stroke-width="2" stroke-linecap="round"/></g>
<text x="{}" y="99" font-size="30" font-weight="700" fill="{FG}">{}</text>
"##,
        MARGIN + 68.0,
        xml_escape(&site)
    )
}

/// The background of a site's cards: its pixels, and their palette and indices, so that a
/// card's rows that show only background are copied rather than indexed again.
struct Base {
    pixmap: tiny_skia::Pixmap,
    palette: Palette,
}

/// The background of `site`'s cards, drawn once per site title and process.
fn base(site: &str) -> Result<Arc<Base>, String> {
    static BASES: Mutex<Vec<(String, Arc<Base>)>> = Mutex::new(Vec::new());
    if let Some((_, b)) = BASES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .find(|(s, _)| s == site)
    {
        return Ok(b.clone());
    }
    let tree = usvg::Tree::from_str(&document(&background(site)), &fonts().options)
        .map_err(|e| e.to_string())?;
    let mut pixmap =
        tiny_skia::Pixmap::new(WIDTH, HEIGHT).ok_or_else(|| "cannot allocate".to_string())?;
    resvg::render(
        &tree,
        tiny_skia::Transform::identity(),
        &mut pixmap.as_mut(),
    );
    let palette = Palette::of(pixmap.data(), None).ok_or("the background has too many colours")?;
    let base = Arc::new(Base { pixmap, palette });
    let mut bases = BASES.lock().unwrap_or_else(|e| e.into_inner());
    // A few site titles per process at most (tests build many sites): keep the last eight.
    if bases.len() >= 8 {
        bases.remove(0);
    }
    bases.push((site.to_string(), base.clone()));
    Ok(base)
}

/// Whether any of these templates uses the `card` variable inside a `{{ }}` or `{% %}` tag:
/// cards are drawn only for a theme that links them (the benchmark's minimal templates, or a
/// theme of one's own without `og:image`, draw none). A template that merely has a variable
/// of that name counts too, which only means cards drawn in vain.
pub fn used_by<'t>(templates: impl IntoIterator<Item = &'t str>) -> bool {
    templates.into_iter().any(|text| {
        let mut rest = text;
        while let Some(open) = rest.find(['{']) {
            let after = &rest[open + 1..];
            let close = match after.chars().next() {
                Some('{') => "}}",
                Some('%') => "%}",
                _ => {
                    rest = after;
                    continue;
                }
            };
            let end = after.find(close).unwrap_or(after.len());
            if mentions(&after[1..end], "card") {
                return true;
            }
            rest = &after[end..];
        }
        false
    })
}

/// Whether the templates in use (where several share a name, the last: a site's own over the
/// theme's) use the `card` variable; see [`used_by`].
pub fn linked_by(templates: &[crate::load::TemplateSource]) -> bool {
    let in_use: std::collections::HashMap<&str, &str> = templates
        .iter()
        .map(|t| (t.name.as_str(), t.text.as_str()))
        .collect();
    used_by(in_use.into_values())
}

/// Whether `word` stands in `expr` as a name of its own (not inside `record_card` or `x.card`).
fn mentions(expr: &str, word: &str) -> bool {
    let part = |c: char| c.is_ascii_alphanumeric() || c == '_';
    expr.match_indices(word).any(|(at, _)| {
        let before = expr[..at].chars().next_back();
        let after = expr[at + word.len()..].chars().next();
        !before.is_some_and(|c| part(c) || c == '.') && !after.is_some_and(part)
    })
}

/// The verdict's text and background colours: the theme's tip, caution, warning and muted.
fn verdict_colours(goal_met: &str) -> (&'static str, &'static str) {
    match goal_met {
        "yes" => ("#146c35", "#e8f6ed"),
        "no" => ("#b3232a", "#fdeded"),
        "partly" => ("#7a4f00", "#fdf4e1"),
        _ => (FG_MUTED, "#eef1f5"),
    }
}

/// RGBA pixels (opaque, so alpha is dropped) as PNG with png's fast setting (fdeflate, each
/// row filtered as suits it best): a palette image when they have at most 256 colours (a card
/// nearly always has, about 170: a few flat colours and the edges of the text between them),
/// else RGB. Measured on a sprint card: palette 27.6 KB in 0.33 ms; unfiltered palette
/// 726 KB (fdeflate needs the zeros filters make); zlib's default level 23 KB in 1.4 ms;
/// RGB 71 KB.
fn encode(rgba: &[u8], base: &Base) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::with_capacity(64 * 1024);
    let mut enc = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    let data: Vec<u8> = match Palette::of(rgba, Some(base)) {
        Some(palette) => {
            enc.set_color(png::ColorType::Indexed);
            enc.set_palette(palette.colours);
            palette.indices
        }
        None => {
            enc.set_color(png::ColorType::Rgb);
            rgba.chunks_exact(4)
                .flat_map(|p| [p[0], p[1], p[2]])
                .collect()
        }
    };
    let mut writer = enc.write_header()?;
    writer.write_image_data(&data)?;
    writer.finish()?;
    Ok(out)
}

/// An image as palette colours (RGB triples) and one index per pixel.
struct Palette {
    colours: Vec<u8>,
    seen: std::collections::HashMap<u32, u8>,
    indices: Vec<u8>,
}

impl Palette {
    /// `rgba` (opaque, [`WIDTH`] pixels a row) as a palette image, or `None` past 256
    /// colours. Rows equal to `base`'s (a card's background) take its indices as they are.
    fn of(rgba: &[u8], base: Option<&Base>) -> Option<Palette> {
        let mut out = match base {
            Some(b) => Palette {
                colours: b.palette.colours.clone(),
                seen: b.palette.seen.clone(),
                indices: Vec::with_capacity(rgba.len() / 4),
            },
            None => Palette {
                colours: Vec::with_capacity(3 * 256),
                seen: std::collections::HashMap::new(),
                indices: Vec::with_capacity(rgba.len() / 4),
            },
        };
        let row = WIDTH as usize * 4;
        for (y, pixels) in rgba.chunks_exact(row).enumerate() {
            if let Some(b) = base
                && b.pixmap.data()[y * row..(y + 1) * row] == *pixels
            {
                let at = y * WIDTH as usize;
                out.indices
                    .extend_from_slice(&b.palette.indices[at..at + WIDTH as usize]);
                continue;
            }
            out.index_row(pixels)?;
        }
        Some(out)
    }

    fn index_row(&mut self, pixels: &[u8]) -> Option<()> {
        let (mut last, mut index) = (None, 0u8);
        for p in pixels.chunks_exact(4) {
            // Opaque pixels: the whole word is the colour.
            let word = u32::from_ne_bytes([p[0], p[1], p[2], p[3]]);
            // Runs of one colour are most of a row: look up only where the colour changes.
            if last != Some(word) {
                index = match self.seen.get(&word) {
                    Some(&i) => i,
                    None => {
                        let i = u8::try_from(self.seen.len()).ok()?;
                        self.seen.insert(word, i);
                        self.colours.extend_from_slice(&p[..3]);
                        i
                    }
                };
                last = Some(word);
            }
            self.indices.push(index);
        }
        Some(())
    }
}

/// The bundled font: in a database for usvg, and parsed for measuring words.
struct Fonts {
    options: usvg::Options<'static>,
    regular: skrifa::FontRef<'static>,
    bold: skrifa::FontRef<'static>,
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(REGULAR.to_vec());
        db.load_font_data(BOLD.to_vec());
        let options = usvg::Options {
            font_family: FAMILY.to_string(),
            fontdb: Arc::new(db),
            ..usvg::Options::default()
        };
        Fonts {
            options,
            regular: skrifa::FontRef::new(REGULAR).expect("the bundled font parses"),
            bold: skrifa::FontRef::new(BOLD).expect("the bundled font parses"),
        }
    })
}

impl Fonts {
    /// The advance width of `text` at `size` pixels (no kerning: a little wider than drawn).
    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let font = if bold { &self.bold } else { &self.regular };
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
        text.chars()
            .map(|c| {
                let gid = charmap.map(c).unwrap_or_default();
                metrics.advance_width(gid).unwrap_or(size * 0.6)
            })
            .sum()
    }

    /// `text` on one line of at most `max` pixels, ellipsised when longer.
    fn fit(&self, text: &str, size: f32, bold: bool, max: f32) -> String {
        if self.width(text, size, bold) <= max {
            text.to_string()
        } else {
            self.ellipsised(text, size, bold, max)
        }
    }

    /// As much of `text` as fits in `max` pixels with an ellipsis after it, cut between
    /// words when it has more than one.
    fn ellipsised(&self, text: &str, size: f32, bold: bool, max: f32) -> String {
        let mut out = text.trim_end().to_string();
        let mut cut = false;
        while !out.is_empty() && self.width(&format!("{out}…"), size, bold) > max {
            cut |= !out.ends_with(' ');
            out.pop();
        }
        if cut
            && !out.ends_with(' ')
            && let Some(space) = out.trim_end().rfind(' ')
        {
            out.truncate(space);
        }
        format!("{}…", out.trim_end())
    }

    /// `text` in lines of at most `max` pixels, broken between words (inside a word only when
    /// it alone is too wide); past `lines` lines the last one shown ends in an ellipsis.
    fn wrap(&self, text: &str, size: f32, bold: bool, max: f32, lines: usize) -> Vec<String> {
        let width = |t: &str| self.width(t, size, bold);
        let mut pieces: Vec<String> = Vec::new();
        for word in text.split_whitespace() {
            if width(word) <= max {
                pieces.push(word.to_string());
                continue;
            }
            let mut head = String::new();
            for c in word.chars() {
                head.push(c);
                if head.chars().count() > 1 && width(&head) > max {
                    head.pop();
                    pieces.push(std::mem::take(&mut head));
                    head.push(c);
                }
            }
            pieces.push(head);
        }
        let mut out: Vec<String> = Vec::new();
        let mut line = String::new();
        for piece in pieces {
            let candidate = if line.is_empty() {
                piece.clone()
            } else {
                format!("{line} {piece}")
            };
            if width(&candidate) <= max {
                line = candidate;
            } else {
                out.push(std::mem::replace(&mut line, piece));
            }
        }
        if !line.is_empty() {
            out.push(line);
        }
        if out.len() > lines {
            out.truncate(lines);
            if let Some(last) = out.last_mut() {
                *last = self.ellipsised(last, size, bold, max);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(title: &str) -> Card {
        Card {
            site: "Team Handbook".into(),
            section: "Ways of working".into(),
            title: title.into(),
            summary: String::new(),
            sprint: None,
        }
    }

    /// The text of every `<text>` element of an SVG, unescaped.
    fn texts(svg: &str) -> Vec<String> {
        let doc = usvg::roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
        doc.descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| n.text().unwrap_or_default().to_string())
            .collect()
    }

    #[test]
    fn a_title_with_markup_characters_is_escaped() {
        let svg = card("Pairing <rules> & \"review\" of O'Brien's code").svg();
        let texts = texts(&svg);
        assert_eq!(texts[0], "Team Handbook");
        assert_eq!(texts[1], "Ways of working");
        assert_eq!(
            texts[2..].join(" "),
            "Pairing <rules> & \"review\" of O'Brien's code"
        );
        assert!(svg.contains("Pairing &lt;rules&gt; &amp; &quot;review&quot;"));
    }

    #[test]
    fn a_long_title_wraps_into_three_lines_and_ends_in_an_ellipsis() {
        let short = texts(&card("Onboarding").svg());
        assert_eq!(short[2..], ["Onboarding"]);
        let long = "How we run the quarterly planning meeting with every team of the \
                    product area, the stakeholders, and the people who keep the lights on";
        let lines = texts(&card(long).svg())[2..].to_vec();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert_eq!(lines[0], "How we run the quarterly");
        assert!(lines[2].ends_with('…'), "{lines:?}");
        let shown = lines.join(" ");
        let shown = shown.trim_end_matches('…');
        assert!(long.starts_with(shown), "{shown}");
        let fonts = fonts();
        for line in &lines {
            assert!(fonts.width(line, TITLE_SIZE, true) <= WIDTH as f32 - 2.0 * MARGIN);
        }
    }

    #[test]
    fn the_home_card_shows_the_site_description_under_the_title() {
        let home = Card {
            section: String::new(),
            summary: "How our platform team works: roles, vocabulary, onboarding, and the \
                      reviews of every sprint since the team began, with their numbers and charts"
                .into(),
            ..card("Team Handbook")
        };
        let lines = texts(&home.svg());
        assert_eq!(lines[..2], ["Team Handbook", "Team Handbook"]);
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert!(
            lines[2].starts_with("How our platform team works"),
            "{lines:?}"
        );
        assert!(lines[3].ends_with('…'), "{lines:?}");
        assert!(
            home.alt()
                .starts_with("Team Handbook · How our platform team works:")
        );
    }

    #[test]
    fn a_word_wider_than_the_card_is_broken() {
        let word = "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherung";
        let lines = texts(&card(word).svg())[2..].to_vec();
        assert!(lines.len() >= 2, "{lines:?}");
        assert!(
            word.starts_with(lines.concat().trim_end_matches('…')),
            "{lines:?}"
        );
    }

    #[test]
    fn a_sprint_card_shows_its_verdict_and_numbers() {
        let sprint = Card {
            sprint: Some(SprintLine {
                goal_met: "partly".into(),
                verdict: "Goal partly met".into(),
                planned: "34".into(),
                finished: "21".into(),
                unit: "points".into(),
            }),
            ..card("Sprint 7")
        };
        let svg = sprint.svg();
        let texts = texts(&svg);
        assert_eq!(
            texts[2..],
            [
                "Sprint 7",
                "Goal partly met",
                "planned 34 · finished 21 points"
            ]
        );
        assert!(svg.contains("#fdf4e1"), "the warning colours of `partly`");
        assert_eq!(
            sprint.alt(),
            "Sprint 7 · Goal partly met · planned 34 · finished 21 points · Ways of working · Team Handbook"
        );
        assert_ne!(sprint.key(), card("Sprint 7").key());
        // The sprint's line takes the third line of a long title.
        let long = Card {
            title: "Sprint 7 review: the new checkout flow, the invoice emails and the \
                    warehouse label printer all went live"
                .into(),
            ..sprint
        };
        let lines = super::tests::texts(&long.svg());
        assert_eq!(lines.len(), 2 + 2 + 2, "{lines:?}");
        assert!(lines[3].ends_with('…'), "{lines:?}");
        assert_eq!(
            lines[4..],
            ["Goal partly met", "planned 34 · finished 21 points"]
        );
    }

    #[test]
    fn only_templates_that_use_the_card_variable_count() {
        assert!(used_by([
            "{%- if card %}<meta content=\"{{ card.url }}\">{% endif %}"
        ]));
        assert!(used_by(["<p>x</p>", "{{ card.alt | safe }}"]));
        assert!(!used_by([
            "<div class=\"role-card\">{{ page.title }}</div>",
            "{{ record_card }}{{ page.card }}{% for scorecard in x %}{% endfor %}",
        ]));
        assert!(!used_by(["card outside any tag { card }"]));
    }

    #[test]
    fn pixels_of_more_than_256_colours_are_encoded_as_rgb() {
        let base = base("Team Handbook").unwrap();
        let mut rgba = base.pixmap.data().to_vec();
        // A gradient over the first row: 1200 colours.
        for (x, p) in rgba[..WIDTH as usize * 4].chunks_exact_mut(4).enumerate() {
            p.copy_from_slice(&[(x % 256) as u8, (x / 256) as u8, 7, 255]);
        }
        assert!(Palette::of(&rgba, Some(&base)).is_none());
        let png = encode(&rgba, &base).unwrap();
        let mut reader = png::Decoder::new(std::io::Cursor::new(png))
            .read_info()
            .unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut buf).unwrap();
        assert_eq!(frame.color_type, png::ColorType::Rgb);
        assert_eq!(
            buf[3 * 300..3 * 301],
            [44, 1, 7],
            "pixel 300 is (300 % 256, 300 / 256, 7)"
        );
        // A card's own pixels fit a palette, and decode to what was drawn.
        let card = card("Definition of Done");
        let png = card.png().unwrap();
        let mut reader = png::Decoder::new(std::io::Cursor::new(png))
            .read_info()
            .unwrap();
        assert_eq!(reader.info().color_type, png::ColorType::Indexed);
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut buf).unwrap();
    }

    #[test]
    fn a_card_is_a_1200_by_630_png() {
        let png = card("Definition of Done").png().unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(&png));
        let reader = decoder.read_info().unwrap();
        let info = reader.info();
        assert_eq!((info.width, info.height), (1200, 630));
    }
}
