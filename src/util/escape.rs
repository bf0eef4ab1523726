//! HTML and XML escaping, in the two flavours the output has always had: [`xml_escape`]
//! (five characters, pulldown-cmark's) and [`escape_html`] (four: apostrophes kept).

/// `&`, `<`, `>`, `"` and `'` as `&amp;`, `&lt;`, `&gt;`, `&quot;` and `&#39;`: for XML text
/// and attributes (feeds, SVG charts) and for HTML text and attributes in either quotes.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Writing to a String never fails.
    let _ = pulldown_cmark_escape::escape_html(&mut out, s);
    out
}

/// `&`, `<`, `>` and `"` as `&amp;`, `&lt;`, `&gt;` and `&quot;`, appended to `out`; `'` is
/// kept as it is. For the Markdown stage's code blocks and double-quoted attributes.
pub fn escape_html(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escape_escapes_all_five() {
        assert_eq!(
            xml_escape("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
        assert_eq!(xml_escape("<>&\"'"), "&lt;&gt;&amp;&quot;&#39;");
        assert_eq!(xml_escape("plain é ✓ &amp;"), "plain é ✓ &amp;amp;");
        assert_eq!(xml_escape(""), "");
    }

    #[test]
    fn escape_html_keeps_apostrophes_and_appends() {
        let mut out = String::from("<pre>");
        escape_html(&mut out, "<>&\"'");
        assert_eq!(out, "<pre>&lt;&gt;&amp;&quot;'");
        let mut out = String::new();
        escape_html(&mut out, "if a < b && c > 'd' { \"é\" }");
        assert_eq!(out, "if a &lt; b &amp;&amp; c &gt; 'd' { &quot;é&quot; }");
    }
}
