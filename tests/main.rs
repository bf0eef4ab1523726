//! The one integration test binary: a module per feature, so the crate links once.

#[path = "it/common.rs"]
mod common;

#[path = "it/build.rs"]
mod build;
#[path = "it/cli.rs"]
mod cli;
#[path = "it/errors.rs"]
mod errors;
#[path = "it/examples.rs"]
mod examples;
#[path = "it/hugo.rs"]
mod hugo;
#[path = "it/live.rs"]
mod live;
#[path = "it/output.rs"]
mod output;
#[path = "it/records.rs"]
mod records;
#[path = "it/search.rs"]
mod search;
#[path = "it/serve.rs"]
mod serve;
#[path = "it/sprints.rs"]
mod sprints;
