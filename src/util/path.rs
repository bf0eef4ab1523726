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

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(p: &str) -> Option<String> {
        normalize(Path::new(p)).map(|p| p.to_string_lossy().into_owned())
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
