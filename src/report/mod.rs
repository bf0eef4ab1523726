//! Stage 3b: sprint reports. In: sprints with their items and retro actions (from records).
//! Out: metrics computed in Rust (`metrics`) and inline SVG charts (`charts`) for templates.

pub mod charts;
pub mod goals;
pub mod metrics;
pub mod sprints;
