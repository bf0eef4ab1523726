//! URL paths of pages: pretty URLs, `slug`, `url`, Hugo's lowercasing, and the checks that keep
//! every output file inside the output folder. Pure functions. Slugs are `util::slug`.

use crate::util::slug::urlize;

/// Why a `url:` or `aliases:` path cannot be used.
#[derive(Debug, PartialEq, Eq)]
pub enum UrlProblem {
    Escapes,
    Absolute,
    /// A control character (NUL, newline, tab): no file name should hold one.
    Control,
    /// A segment longer than file systems allow (255 bytes).
    TooLong,
}

/// Normalises a site path written by an author (`url:`, alias): leading `/`, no `.`/`..`
/// segments, trailing `/` unless it names a file (`/old.html`).
pub fn normalize_site_path(raw: &str) -> Result<String, UrlProblem> {
    let raw = raw.trim();
    if raw.chars().any(char::is_control) {
        return Err(UrlProblem::Control);
    }
    if raw.split('/').any(|seg| seg.len() > 200) {
        return Err(UrlProblem::TooLong);
    }
    if raw.contains('\\')
        || raw.contains("://")
        || (raw.len() >= 2 && raw.as_bytes()[1] == b':')
        || raw.starts_with("//")
    {
        return Err(UrlProblem::Absolute);
    }
    let mut segments = Vec::new();
    for seg in raw.split('/') {
        match seg {
            "" | "." => {}
            ".." => return Err(UrlProblem::Escapes),
            s => segments.push(s),
        }
    }
    let joined = segments.join("/");
    if joined.is_empty() {
        return Ok("/".into());
    }
    let last = segments.last().copied().unwrap_or("");
    if last.contains('.') && !raw.ends_with('/') {
        Ok(format!("/{joined}"))
    } else {
        Ok(format!("/{joined}/"))
    }
}

/// The file inside the output folder that serves a site path.
pub fn output_file(site_path: &str) -> String {
    let trimmed = site_path.trim_start_matches('/');
    if trimmed.is_empty() {
        "index.html".into()
    } else if trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        trimmed.to_string()
    }
}

/// Joins the base path (`/handbook/`) and a site path (`/roles/`) into a root-relative URL.
pub fn with_base(base_path: &str, site_path: &str) -> String {
    let mut s = String::with_capacity(base_path.len() + site_path.len());
    s.push_str(base_path.trim_end_matches('/'));
    if !site_path.starts_with('/') {
        s.push('/');
    }
    s.push_str(site_path);
    s
}

/// Permalink tokens Hugo knows and teambook fills in.
pub const PERMALINK_TOKENS: &[&str] = &[
    ":year",
    ":month",
    ":monthname",
    ":day",
    ":weekday",
    ":weekdayname",
    ":yearday",
    ":section",
    ":sections",
    ":title",
    ":slug",
    ":filename",
    ":slugorfilename",
    ":contentbasename",
    ":slugorcontentbasename",
];

/// What a permalink pattern is filled with for one page.
pub struct PermalinkFields<'a> {
    pub date: Option<&'a jiff::Timestamp>,
    /// Folder names from `content/` down to the page's section.
    pub sections: &'a [String],
    pub title: &'a str,
    pub slug: Option<&'a str>,
    /// File name without extension (or the bundle's folder name).
    pub filename: &'a str,
}

/// Expands `/:year/:month/:slug/`; unknown tokens are kept as written.
pub fn expand_permalink(pattern: &str, f: &PermalinkFields) -> String {
    let date = f.date.map(|d| d.to_zoned_datetime(jiff::tz::TimeZone::UTC));
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut rest = pattern;
    while let Some(i) = rest.find(':') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        let len = tail
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .unwrap_or(tail.len());
        let token = &tail[..len];
        let u = urlize;
        let value: Option<String> = match token {
            "year" => date.as_ref().map(|d| format!("{:04}", d.year())),
            "month" => date.as_ref().map(|d| format!("{:02}", d.month())),
            "monthname" => date
                .as_ref()
                .map(|d| d.strftime("%B").to_string().to_lowercase()),
            "day" => date.as_ref().map(|d| format!("{:02}", d.day())),
            "weekday" => date
                .as_ref()
                .map(|d| d.weekday().to_sunday_zero_offset().to_string()),
            "weekdayname" => date
                .as_ref()
                .map(|d| d.strftime("%A").to_string().to_lowercase()),
            "yearday" => date.as_ref().map(|d| d.day_of_year().to_string()),
            "section" => Some(f.sections.first().map(|s| u(s)).unwrap_or_default()),
            "sections" => Some(
                f.sections
                    .iter()
                    .map(|s| u(s))
                    .collect::<Vec<_>>()
                    .join("/"),
            ),
            "title" => Some(u(f.title)),
            "slug" => Some(u(f.slug.unwrap_or(f.title))),
            "filename" | "contentbasename" => Some(u(f.filename)),
            "slugorfilename" | "slugorcontentbasename" => Some(u(f.slug.unwrap_or(f.filename))),
            _ => None,
        };
        match value {
            Some(v) => out.push_str(&v),
            None => {
                out.push(':');
                out.push_str(token);
            }
        }
        rest = &tail[len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permalinks_expand() {
        let date: jiff::Timestamp = "2025-03-07T10:00:00Z".parse().unwrap();
        let sections = vec!["Posts".to_string()];
        let f = PermalinkFields {
            date: Some(&date),
            sections: &sections,
            title: "Hello World",
            slug: None,
            filename: "hello",
        };
        assert_eq!(
            expand_permalink("/:year/:month/:day/:slug/", &f),
            "/2025/03/07/hello-world/"
        );
        assert_eq!(
            expand_permalink("/:section/:filename/", &f),
            "/posts/hello/"
        );
        assert_eq!(
            expand_permalink("/:monthname/:slugorfilename/:nope/", &f),
            "/march/hello/:nope/"
        );
    }

    #[test]
    fn every_permalink_token_the_config_accepts_expands() {
        let date: jiff::Timestamp = "2025-03-07T10:00:00Z".parse().unwrap();
        let sections = vec!["Posts".to_string()];
        let f = PermalinkFields {
            date: Some(&date),
            sections: &sections,
            title: "Hello",
            slug: None,
            filename: "hello",
        };
        for token in crate::config::PERMALINK_TOKENS {
            let out = expand_permalink(&format!("/:{token}/"), &f);
            assert!(
                !out.contains(':'),
                "`:{token}` is accepted but not expanded: {out}"
            );
        }
    }

    #[test]
    fn site_paths_normalise_and_refuse_escapes() {
        assert_eq!(normalize_site_path("/some-slug/").unwrap(), "/some-slug/");
        assert_eq!(normalize_site_path("some-slug").unwrap(), "/some-slug/");
        assert_eq!(
            normalize_site_path("/old/page.html").unwrap(),
            "/old/page.html"
        );
        assert_eq!(normalize_site_path("/a/./b").unwrap(), "/a/b/");
        assert_eq!(normalize_site_path("/"), Ok("/".into()));
        assert_eq!(normalize_site_path("/../../etc/"), Err(UrlProblem::Escapes));
        assert_eq!(normalize_site_path("a/../b"), Err(UrlProblem::Escapes));
        assert_eq!(normalize_site_path("/a\0b/"), Err(UrlProblem::Control));
        assert_eq!(normalize_site_path("/a\nb/"), Err(UrlProblem::Control));
        let long = format!("/{}/", "a".repeat(201));
        assert_eq!(normalize_site_path(&long), Err(UrlProblem::TooLong));
        assert_eq!(normalize_site_path("C:\\x"), Err(UrlProblem::Absolute));
        assert_eq!(
            normalize_site_path("https://x.y/"),
            Err(UrlProblem::Absolute)
        );
    }

    #[test]
    fn output_files_of_paths() {
        assert_eq!(output_file("/"), "index.html");
        assert_eq!(output_file("/a/b/"), "a/b/index.html");
        assert_eq!(output_file("/a.html"), "a.html");
    }

    #[test]
    fn base_is_prefixed_once() {
        assert_eq!(with_base("/", "/roles/"), "/roles/");
        assert_eq!(with_base("/handbook/", "/roles/"), "/handbook/roles/");
        assert_eq!(with_base("/handbook/", "/"), "/handbook/");
    }
}
