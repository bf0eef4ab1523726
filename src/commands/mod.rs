//! The commands other than `build`, `check` and `serve`, which only call the pipeline:
//! `init` (a starter handbook, or `teambook.yaml` from a Hugo config) and `new` (a record
//! page from its archetype, a sprint continuing the last one).

pub mod init;
pub mod new;
