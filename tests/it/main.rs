//! The one integration test binary: a module per feature, so the crate links once.

mod common;

mod build;
mod cards;
mod cli;
mod corpus;
mod docs;
mod errors;
mod examples;
mod features;
mod first_hour;
mod hugo;
mod import;
mod live;
mod output;
mod pairs;
mod print;
mod records;
mod search;
mod serve;
mod sprints;
mod teams;
mod workflow;
