//! Stage 5b: the search index. In: the HTML pages already written to the staging folder.
//! Out: pagefind's index, WebAssembly and JavaScript under `pagefind/`, for offline search in
//! the browser. Only the part of a page marked `data-pagefind-body` is indexed.

use std::path::Path;

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::error::Error;
use crate::write::Sink;

/// The folder of the output that holds the index.
pub const DIR: &str = "pagefind";

/// Indexes every page of the staged output and writes the index beside it. Returns the number
/// of files written. Alias redirects and pages without `data-pagefind-body` are not indexed.
pub fn write_index(sink: &Sink, language: &str) -> Result<usize, Error> {
    let Sink::Dir { staging, .. } = sink else {
        return Ok(0);
    };
    let pages = staged_pages(staging)?;
    if pages.is_empty() {
        return Ok(0);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| Error::io(staging, e))?;
    let files = runtime
        .block_on(async {
            let config = PagefindServiceConfig::builder()
                .force_language(language.to_string())
                .build();
            let mut index = PagefindIndex::new(Some(config))?;
            for (rel, html) in pages {
                index.add_html_file(Some(rel), None, html).await?;
            }
            index.get_files().await
        })
        .map_err(|e| Error::file(staging, format!("search index: {e:#}")))?;
    for file in &files {
        let rel = file.filename.to_string_lossy().replace('\\', "/");
        sink.write(&format!("{DIR}/{rel}"), &file.contents)?;
    }
    Ok(files.len())
}

/// The `/`-separated paths and contents of the staged HTML files worth indexing.
fn staged_pages(staging: &Path) -> Result<Vec<(String, String)>, Error> {
    let mut pages = Vec::new();
    for entry in walkdir::WalkDir::new(staging).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::file(staging, e.to_string()))?;
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().is_none_or(|x| x != "html") {
            continue;
        }
        let html = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        if !html.contains("data-pagefind-body") || html.contains("http-equiv=\"refresh\"") {
            continue;
        }
        let rel = path.strip_prefix(staging).unwrap_or(path);
        pages.push((rel.to_string_lossy().replace('\\', "/"), html));
    }
    Ok(pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_marked_pages_and_skips_redirects() {
        let out = tempfile::tempdir().unwrap();
        let sink = Sink::stage(&out.path().join("public")).unwrap();
        let body = |title: &str, text: &str| {
            format!(
                "<!DOCTYPE html><html lang=\"en\"><head><title>{title}</title></head><body>\
                 <main data-pagefind-body><h1 data-pagefind-meta=\"title\">{title}</h1>\
                 <p>{text}</p></main></body></html>"
            )
        };
        sink.write(
            "glossary/pod/index.html",
            body("Pod", "The smallest unit.").as_bytes(),
        )
        .unwrap();
        sink.write(
            "old/index.html",
            b"<meta http-equiv=\"refresh\" content=\"0\">",
        )
        .unwrap();
        let Sink::Dir { staging, .. } = &sink else {
            unreachable!()
        };
        assert_eq!(staged_pages(staging).unwrap().len(), 1);
        let written = write_index(&sink, "en").unwrap();
        assert!(written > 3, "{written} files");
        assert!(staging.join("pagefind/pagefind.js").is_file());
        assert!(staging.join("pagefind/pagefind-entry.json").is_file());
        let entry = std::fs::read_to_string(staging.join("pagefind/pagefind-entry.json")).unwrap();
        assert!(entry.contains("\"page_count\":1"), "{entry}");
        sink.abandon();
    }
}
