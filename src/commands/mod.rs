//! The commands other than `build`, `check` and `serve`, which only call the pipeline:
//! `init` (a starter handbook, or `teambook.yaml` from a Hugo config), `new` (a record
//! page from its archetype, a sprint continuing the last one) and `import` (a tracker export
//! into the backlog and the sprint pages).

pub mod import;
pub mod init;
pub mod new;
