//! teambook: a static-site generator for team handbooks and sprint reports.
//!
//! A build runs top to bottom through these stages ([`build::build_with`] makes one call per
//! stage, each returning a named struct):
//!
//! 1. `load` — read `teambook.yaml`, `content/`, `data/`, `static/`, `templates/`, the theme.
//! 2. `parse` — front matter, shortcodes, Markdown, syntax highlighting (per file, pure).
//! 3. `model` — sections, pages, URLs, cascade, drafts/future/expired, order, taxonomies,
//!    typed records; `report` — sprint metrics and charts computed from the records.
//! 4. `render` — the template engine renders bodies, then every page, list, feed and sitemap.
//! 5. `write` — files go to a staging folder that replaces the output only if all succeeded;
//!    `search` builds the search index over them.
//! 6. `serve` — the same pipeline into memory, served with live reload, rerun on every save.
//!
//! Only `load`, `write` and `search` touch the filesystem.
//!
//! Imports point down this list only: `serve` → `build` → `search`, `write` → `render` →
//! `report` → `model` → `parse`, `load` → `config` → `yaml` → `error`; `.ci/run` checks it.

pub mod build;
pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod load;
pub mod model;
pub mod parse;
pub mod render;
pub mod report;
pub mod search;
pub mod serve;
pub mod util;
pub mod write;
pub mod yaml;

pub use build::{BuildFailure, BuildOptions, BuildReport, OutputFiles, build};
pub use error::{Error, Errors};
