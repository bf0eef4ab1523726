//! The command line: clap types for `init`, `build`, `check`, `serve`, `schema`, `new`,
//! `import`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "teambook",
    version,
    about = "Build team handbooks and sprint reports into a static site"
)]
pub struct Cli {
    /// The site folder (holding teambook.yaml and content/).
    #[arg(long, global = true, default_value = ".")]
    pub root: PathBuf,
    /// Print only warnings and errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new handbook in DIR (default: the current folder).
    Init {
        dir: Option<PathBuf>,
        /// Write into a folder that is not empty (existing files are never overwritten).
        #[arg(long)]
        force: bool,
        /// Start from a role, a glossary term and a page instead of the example handbook.
        #[arg(long)]
        bare: bool,
        /// Write teambook.yaml for the Hugo site in this folder, from its Hugo config.
        #[arg(long, value_name = "DIR", conflicts_with = "dir")]
        from_hugo: Option<PathBuf>,
    },
    /// Build the site into the output folder (default: public/).
    Build(BuildArgs),
    /// Check the site, links and anchors included, without writing anything.
    Check(BuildArgs),
    /// Build into memory, serve on 127.0.0.1:1111, rebuild on every save and live-reload.
    Serve(ServeArgs),
    /// Print the JSON Schema of a record kind (all kinds when none is given).
    Schema { kind: Option<String> },
    /// Create a page: `new page about.md` (or a title), a record from its kind's archetype
    /// (`new role "Scrum Master"`), or the next sprint (`new sprint`).
    New {
        /// `page`, or a record kind: role, antipattern, factor, term, guide, team, pbi, sprint,
        /// goal.
        kind: String,
        /// The page's path under content/ or its title; the record's title; the sprint's
        /// number (by default the one after the last).
        name: Option<String>,
        /// A new sprint's first day (YYYY-MM-DD).
        #[arg(long)]
        start: Option<jiff::civil::Date>,
        /// A new sprint's last day (YYYY-MM-DD).
        #[arg(long)]
        end: Option<jiff::civil::Date>,
        /// The team of a new sprint, on a site whose sprints name their teams (its id).
        #[arg(long, value_name = "ID")]
        team: Option<String>,
    },
    /// Update the backlog and the sprints' items from a tracker export, e.g.
    /// `teambook import jira Jira.csv`; only the tracker's fields change.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// `jira`, `github`, `azure` or `linear`; with only FILE, the format is recognised from
    /// its header.
    #[arg(value_name = "TOOL")]
    pub tool_or_file: String,
    /// The export (Jira CSV, Linear CSV, Azure Boards query CSV, `gh project item-list --format
    /// json` or the project's TSV).
    pub file: Option<PathBuf>,
    /// Update only this sprint's page (the backlog is updated whole).
    #[arg(long, value_name = "N")]
    pub sprint: Option<u32>,
    /// First day of a new sprint page for --sprint, when the export has no dates.
    #[arg(long, value_name = "YYYY-MM-DD", requires = "sprint")]
    pub start: Option<jiff::civil::Date>,
    /// Last day of a new sprint page for --sprint.
    #[arg(long, value_name = "YYYY-MM-DD", requires = "sprint")]
    pub end: Option<jiff::civil::Date>,
    /// The day the export was taken (default: today); decides which sprints are running.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<jiff::civil::Date>,
    /// Print the change as a diff and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The port to listen on; 0 picks a free one.
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,
    /// The address to listen on; anything but loopback exposes the preview to the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Include pages dated in the future.
    #[arg(long)]
    pub future: bool,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Where to write the site; may be outside the site folder.
    #[arg(long, short)]
    pub output_dir: Option<PathBuf>,
    /// Override base_url, e.g. https://org.github.io/handbook/
    #[arg(long, value_parser = absolute_url)]
    pub base_url: Option<String>,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Include pages dated in the future.
    #[arg(long)]
    pub future: bool,
    /// Fail on every page whose `review_by` date has passed, listing each with its owner.
    #[arg(long)]
    pub stale: bool,
}

/// `--base-url` is checked like the config's `base_url`.
fn absolute_url(value: &str) -> Result<String, String> {
    match crate::config::base_url_problem(value) {
        Some(problem) => Err(format!(
            "{problem}: write it like `https://org.github.io/handbook/` or `/handbook/`"
        )),
        None => Ok(value.to_string()),
    }
}
