//! The command-line edge: parse arguments, call the library, print diagnostics, set the exit
//! code (0 ok, 1 content or build errors, 2 usage).

use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use teambook::cli::{BuildArgs, Cli, Command, ImportArgs, ServeArgs};
use teambook::error::{Severity, use_color};
use teambook::{BuildOptions, Error};

/// jemalloc rather than glibc's malloc: see the reason in Cargo.toml (measured with bench/run.sh).
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = use_color();
    match cli.command {
        Command::Init {
            dir,
            from_hugo: Some(hugo_dir),
            ..
        } => {
            let _ = dir;
            match teambook::commands::init::init_from_hugo(&hugo_dir) {
                Ok(path) => {
                    if !cli.quiet {
                        println!(
                            "Wrote {} from the Hugo config. Next: teambook build --root {}",
                            path.display(),
                            hugo_dir.display()
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(errors) => fail(&errors, color),
            }
        }
        Command::Init {
            dir, force, bare, ..
        } => {
            let dir = dir.unwrap_or_else(|| cli.root.clone());
            let starter = if bare {
                teambook::commands::init::Starter::Bare
            } else {
                teambook::commands::init::Starter::Handbook
            };
            match teambook::commands::init::init(&dir, force, starter) {
                Ok(written) => {
                    if !cli.quiet {
                        let cd = if dir == Path::new(".") {
                            String::new()
                        } else {
                            format!("cd {} && ", dir.display())
                        };
                        println!(
                            "Created a handbook in {} ({} files).\n\nNext:\n  {cd}teambook serve\n      preview it at http://127.0.0.1:1111/ while you edit\n  teambook new page about.md, teambook new sprint\n      a page of your own; the next sprint\n  git push\n      .github/workflows/pages.yml publishes it on GitHub Pages: set\n      Settings > Pages > Source to \"GitHub Actions\" once, and base_url in\n      teambook.yaml to the site's address",
                            dir.display(),
                            written.len(),
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&[e], color),
            }
        }
        Command::Build(args) => run(&cli.root, cli.quiet, args, false, color),
        Command::Check(args) => run(&cli.root, cli.quiet, args, true, color),
        Command::Serve(args) => serve(&cli.root, cli.quiet, args, color),
        Command::Schema { kind } => schema(kind.as_deref(), color),
        Command::New {
            kind,
            name,
            start,
            end,
            team,
        } => {
            let dates = teambook::commands::new::SprintDates { start, end, team };
            match teambook::commands::new::new(&cli.root, &kind, name.as_deref(), dates) {
                Ok(path) => {
                    if !cli.quiet {
                        println!("Created {}", path.display());
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&[e], color),
            }
        }
        Command::Import(args) => import(&cli.root, cli.quiet, args, color),
    }
}

fn import(root: &Path, quiet: bool, args: ImportArgs, color: bool) -> ExitCode {
    let (tool, file) = match args.file {
        Some(file) => (Some(args.tool_or_file), file),
        None => (None, args.tool_or_file.into()),
    };
    let req = teambook::commands::import::Request {
        tool,
        file,
        sprint: args.sprint,
        start: args.start,
        end: args.end,
        as_of: args.as_of,
        dry_run: args.dry_run,
    };
    let outcome = match teambook::commands::import::import(root, &req) {
        Ok(o) => o,
        Err(errors) => return fail(&errors, color),
    };
    let plan = &outcome.plan;
    if args.dry_run {
        print!("{}", outcome.diff);
    }
    for note in &plan.notes {
        eprintln!("note: {note}");
    }
    if !plan.new_pages.is_empty() {
        eprintln!(
            "note: the new sprint pages need their goal (`goal:`) before the site builds; the import never writes it"
        );
    }
    if !plan.disappeared.is_empty() {
        eprintln!(
            "note: no longer in the export, kept as they are: {}",
            plan.disappeared.join(", ")
        );
    }
    if !quiet {
        // `3, 4`, or by team: `payments 3, sre 3`.
        let pages = |list: &[(Option<String>, u32)]| {
            list.iter()
                .map(|(team, n)| team.as_ref().map_or(n.to_string(), |t| format!("{t} {n}")))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut what = vec![format!(
            "backlog: {} new, {} updated",
            plan.new_items, plan.updated_items
        )];
        if !plan.new_pages.is_empty() {
            what.push(format!("new sprint pages: {}", pages(&plan.new_pages)));
        }
        if !plan.updated_pages.is_empty() {
            what.push(format!("sprints updated: {}", pages(&plan.updated_pages)));
        }
        let verb = if args.dry_run {
            "Would import"
        } else {
            "Imported"
        };
        let tail = if args.dry_run {
            "; nothing written (--dry-run)".to_string()
        } else {
            format!("; {} files written", outcome.written.len())
        };
        println!(
            "{verb} {} items from {}, a {} export ({}){tail}",
            outcome.items,
            req.file.display(),
            outcome.tool.label(),
            what.join("; "),
        );
    }
    ExitCode::SUCCESS
}

fn serve(root: &Path, quiet: bool, args: ServeArgs, color: bool) -> ExitCode {
    if !root.is_dir() {
        eprintln!("error: the site folder {} does not exist", root.display());
        return ExitCode::from(2);
    }
    let opts = teambook::serve::ServeOptions {
        root: root.to_path_buf(),
        bind: args.bind,
        port: args.port,
        drafts: args.drafts,
        future: args.future,
        open: args.open,
        quiet,
        color,
    };
    match teambook::serve::serve(&opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(errors) => fail(&errors, color),
    }
}

fn run(root: &Path, quiet: bool, args: BuildArgs, check_only: bool, color: bool) -> ExitCode {
    // Ctrl-C or a CI timeout's SIGTERM must not leave a staging or scratch folder behind.
    teambook::util::temp::remove_on_signals();
    if !root.is_dir() {
        eprintln!("error: the site folder {} does not exist", root.display());
        return ExitCode::from(2);
    }
    let opts = BuildOptions {
        output_dir: args.output_dir,
        base_url: args.base_url,
        drafts: args.drafts,
        future: args.future,
        check_only,
        stale: args.stale,
        ..BuildOptions::new(root)
    };
    match teambook::build(&opts) {
        Ok(report) => {
            for w in &report.warnings {
                eprint!("{}", w.report(Severity::Warning, color));
            }
            if !quiet {
                for n in &report.notes {
                    eprintln!("note: {n}");
                }
                for s in &report.skipped {
                    eprintln!("note: left out {}: {}", s.path.display(), s.reason);
                }
                let what = if check_only { "Checked" } else { "Built" };
                let place = report
                    .output_dir
                    .as_ref()
                    .map(|d| format!(" into {}", d.display()))
                    .unwrap_or_default();
                let warn = match report.warnings.len() {
                    0 => String::new(),
                    1 => ", 1 warning".into(),
                    n => format!(", {n} warnings"),
                };
                let records = match report.records {
                    0 => String::new(),
                    n => format!(", {n} records"),
                };
                println!(
                    "{what} {} pages, {} sections, {} terms{records} ({} files){place} in {} ms{warn}",
                    report.pages,
                    report.sections,
                    report.terms,
                    report.files,
                    report.elapsed.as_millis()
                );
            }
            ExitCode::SUCCESS
        }
        Err(failure) => {
            for w in &failure.warnings {
                eprint!("{}", w.report(Severity::Warning, color));
            }
            fail(&failure.errors, color)
        }
    }
}

fn schema(kind: Option<&str>, color: bool) -> ExitCode {
    use teambook::model::records::schema::json_schema;
    use teambook::model::records::{KINDS, kind_or_hint};
    let value = match kind {
        Some(name) => match kind_or_hint(name) {
            Ok(k) => json_schema(k),
            Err(msg) => return fail(&[Error::Usage(msg)], color),
        },
        None => serde_json::Value::Object(
            KINDS
                .iter()
                .map(|k| (k.name.to_string(), json_schema(k)))
                .collect(),
        ),
    };
    // A closed pipe (`| head`) is not an error worth a panic.
    use std::io::Write;
    let text = serde_json::to_string_pretty(&value).unwrap_or_default();
    let _ = writeln!(std::io::stdout(), "{text}");
    ExitCode::SUCCESS
}

fn fail(errors: &[Error], color: bool) -> ExitCode {
    for e in errors {
        eprint!("{}", e.report(Severity::Error, color));
    }
    let usage = errors.iter().all(|e| matches!(e, Error::Usage(_)));
    if errors.len() > 1 {
        eprintln!("{} errors; nothing was written", errors.len());
    }
    ExitCode::from(if usage { 2 } else { 1 })
}
