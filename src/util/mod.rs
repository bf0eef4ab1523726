//! The lowest layer: helpers every stage may use (escaping, paths, slugs); imports nothing of the crate.

pub mod escape;
pub mod path;
pub mod slug;
pub mod temp;
