//! teambook: a static-site generator for team handbooks and sprint reports.
//!
//! A build runs top to bottom through these stages ([`build::build_with`] makes one call per
//! stage, each returning a named struct):
//!
//! 1. `load` — read `teambook.yaml`, `content/`, `data/`, `static/`, `templates/`, the theme.
//! 2. `parse` — front matter, shortcodes, Markdown, syntax highlighting (per file, pure).
//! 3. `model` — sections, pages, URLs, cascade, drafts/future/expired, order, taxonomies,
//!    typed records; `report` — sprint metrics and charts computed from the records;
//!    `import` — tracker exports read into items and sprints, and the edits they make.
//! 4. `render` — the template engine renders bodies, then every page, list, feed and sitemap.
//! 5. `write` — files go to a staging folder that replaces the output only if all succeeded;
//!    `search` builds the search index over them.
//! 6. `serve` — the same pipeline into memory, served with live reload, rerun on every save.
//!
//! Only `load`, `write`, `search` and `commands` touch the filesystem.
//!
//! Where things are: `load/` reads the site (and a Hugo config, `load/hugo.rs`); `parse/`
//! holds front matter, shortcodes, Markdown and highlighting; `model/` the pages, sections,
//! URLs and permalinks (`url.rs`), the seven assembly phases (`assembly.rs`) and the typed
//! records (`records/`: kinds and fields, value readers, the records pass, JSON Schema);
//! `report/` sprint checks, metrics and charts; `render/` the template engine, contexts,
//! pagers, feeds and record views; `write.rs` the staged output folder; `search.rs` the
//! index; `build/` the pipeline and where its output goes; `serve/` the preview server,
//! watcher and incremental rebuilds; `import/` the tracker exports (Jira, Linear, Azure
//! Boards, GitHub Projects) and their edits of the backlog and sprint pages; `commands/`
//! `init`, `new` and `import`; `util/` escaping, paths
//! and slugs; `config.rs`, `yaml.rs` and `error.rs` the config, the YAML library and the
//! located errors every stage returns.
//!
//! Imports point down the stages only: `serve`, `commands` → `build` → `search`, `write` →
//! `render` → `report`, `import` → `model` → `parse`, `load` → `config` → `yaml` → `error`, `util`;
//! `.ci/check-imports.py` (run by `.ci/run`) fails on an import that points up.

pub mod build;
pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod import;
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
