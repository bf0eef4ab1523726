//! Stage 1, optional: when the site is a Git checkout, the date and author of the last commit
//! of each content file, for "last updated … by …" where front matter gives no `lastmod`. In:
//! the site root. Out: root-relative path → last commit. Empty when Git is missing or this is
//! no checkout.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::parse::frontmatter::Date;

/// A file's last commit: when, and by whom (the author's name as Git has it).
#[derive(Debug, Clone, PartialEq)]
pub struct LastCommit {
    pub date: Date,
    pub author: String,
}

/// The last commit of every file under `content/` that Git has history for, from one
/// `git log` run (newest commits first, so the first commit seen for a file is its latest).
pub fn last_commits(root: &Path) -> HashMap<PathBuf, LastCommit> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "-c",
            "core.quotePath=false",
            "log",
            "--format=%x00%cI%x09%an",
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

/// Reads `git log --format=%x00%cI%x09%an --name-only` output.
fn parse(log: &str) -> HashMap<PathBuf, LastCommit> {
    let mut commits = HashMap::new();
    for commit in log.split('\0').skip(1) {
        let mut lines = commit.lines();
        let Some(head) = lines.next() else {
            continue;
        };
        let (date, author) = head.split_once('\t').unwrap_or((head, ""));
        let Some(date) = Date::parse(date) else {
            continue;
        };
        let last = LastCommit {
            date,
            author: author.trim().to_string(),
        };
        for file in lines.map(str::trim).filter(|l| !l.is_empty()) {
            commits
                .entry(PathBuf::from(file))
                .or_insert_with(|| last.clone());
        }
    }
    commits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_commit_of_each_file_wins() {
        let log = [
            "\u{0}2026-03-02T10:00:00+01:00\tMaya Okafor\n\ncontent/a.md\n",
            "\u{0}2026-01-05T09:00:00Z\tLena\n\ncontent/a.md\ncontent/b.md\n",
        ]
        .concat();
        let log = log.as_str();
        let commits = parse(log);
        assert_eq!(commits[Path::new("content/a.md")].date.day, "2026-03-02");
        assert_eq!(commits[Path::new("content/a.md")].author, "Maya Okafor");
        assert_eq!(commits[Path::new("content/b.md")].date.day, "2026-01-05");
        assert_eq!(commits[Path::new("content/b.md")].author, "Lena");
        assert_eq!(commits.len(), 2);
    }
}
