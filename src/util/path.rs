//! Lexical path normalisation.

use std::path::{Component, Path, PathBuf};

/// `p` with `.` dropped and each `..` taking off the component before it, without touching
/// the disk. `None` for a `..` above the start, an absolute path or a Windows prefix: the
/// result always stays inside the folder `p` is relative to.
pub fn normalize(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::Normal(n) => out.push(n),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// `p` made absolute (against the current folder, by `std::path::absolute`) with `.` and
/// `..` resolved lexically: the folder need not exist, and no link is followed.
pub fn absolute(p: &Path) -> PathBuf {
    let joined = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(p: &str) -> Option<String> {
        normalize(Path::new(p)).map(|p| p.to_string_lossy().into_owned())
    }

    #[test]
    fn absolute_paths_resolve_dots_without_the_disk() {
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(absolute(Path::new("a/../b/./c")), cwd.join("b/c"));
        assert_eq!(absolute(Path::new("/x/y/../../../z")), PathBuf::from("/z"));
    }

    #[test]
    fn dots_are_resolved_lexically() {
        assert_eq!(
            norm("content/roles/../glossary/pod.md").as_deref(),
            Some("content/glossary/pod.md")
        );
        assert_eq!(norm("./a/./b/").as_deref(), Some("a/b"));
        assert_eq!(norm("a/b/../..").as_deref(), Some(""));
        assert_eq!(norm("").as_deref(), Some(""));
    }

    #[test]
    fn escapes_and_absolute_paths_are_refused() {
        assert_eq!(norm("../a"), None);
        assert_eq!(norm("a/../../b"), None);
        assert_eq!(norm("a/../.."), None);
        assert_eq!(norm("/etc/passwd"), None);
    }
}
