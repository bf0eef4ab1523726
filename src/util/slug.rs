//! Slugs: Hugo's `urlize` (kept as Hugo has it, so Hugo sites keep their URLs) and teambook's
//! stricter `slugify` for ids and anchors. Distinct names, distinct rules.

/// Hugo's `urlize`: lowercase, spaces to `-`, keeping letters, digits, `-`, `_`, `.`.
pub fn urlize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.trim().chars() {
        if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
            out.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '/') && !out.ends_with('-') {
            out.push('-');
        }
    }
    out
}

/// A content path made a URL path as Hugo makes it: each segment urlized, `/` kept.
pub fn urlize_path(p: &str) -> String {
    let segs: Vec<String> = p.split('/').filter(|s| !s.is_empty()).map(urlize).collect();
    format!("/{}", segs.join("/"))
}

/// A slug for ids and terms: lowercase ASCII letters and digits joined by single `-`.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urlize_like_hugo() {
        assert_eq!(urlize("Scrum Master"), "scrum-master");
        assert_eq!(urlize("CI/CD"), "ci-cd");
        assert_eq!(urlize("Kubernetes 1.30"), "kubernetes-1.30");
        assert_eq!(urlize_path("/Posts/My Notes"), "/posts/my-notes");
    }

    #[test]
    fn slugify_is_ascii_dashes() {
        assert_eq!(slugify("What is a Pod?"), "what-is-a-pod");
        assert_eq!(slugify("  --x--  "), "x");
    }
}
