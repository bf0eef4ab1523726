//! Stage 1, optional: when the site is a Git checkout, the date of the last commit of each
//! content file, for "last updated" where front matter gives no `lastmod`. In: the site root.
//! Out: root-relative path → commit date. Empty when Git is missing or this is no checkout.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::parse::frontmatter::Date;

/// The last commit date of every file under `content/` that Git has history for, from one
/// `git log` run (newest commits first, so the first date seen for a file is its latest).
pub fn last_commits(root: &Path) -> HashMap<PathBuf, Date> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "-c",
            "core.quotePath=false",
            "log",
            "--format=%x00%cI",
            "--name-only",
            "--no-renames",
            "--relative",
            "--",
            "content",
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    match output {
        Ok(out) if out.status.success() => parse(&String::from_utf8_lossy(&out.stdout)),
        _ => HashMap::new(),
    }
}

/// Reads `git log --format=%x00%cI --name-only` output.
fn parse(log: &str) -> HashMap<PathBuf, Date> {
    let mut dates = HashMap::new();
    for commit in log.split('\0').skip(1) {
        let mut lines = commit.lines();
        let Some(date) = lines.next().and_then(Date::parse) else {
            continue;
        };
        for file in lines.map(str::trim).filter(|l| !l.is_empty()) {
            dates
                .entry(PathBuf::from(file))
                .or_insert_with(|| date.clone());
        }
    }
    dates
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_commit_of_each_file_wins() {
        let log = [
            "\u{0}2026-03-02T10:00:00+01:00\n\ncontent/a.md\n",
            "\u{0}2026-01-05T09:00:00Z\n\ncontent/a.md\ncontent/b.md\n",
        ]
        .concat();
        let log = log.as_str();
        let dates = parse(log);
        assert_eq!(dates[Path::new("content/a.md")].day, "2026-03-02");
        assert_eq!(dates[Path::new("content/b.md")].day, "2026-01-05");
        assert_eq!(dates.len(), 2);
    }
}
