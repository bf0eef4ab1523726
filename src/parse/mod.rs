//! Stage 2: parsing one source file at a time, with no knowledge of the rest of the site.
//! In: text. Out: front matter, Markdown rendered to HTML, shortcodes expanded, code highlighted.

pub mod diagram;
pub mod frontmatter;
pub mod highlight;
pub mod markdown;
pub mod shortcodes;
