//! Stage 1: reading the site from disk. In: the site root. Out: `Sources` — config, content
//! files as text, content assets, static files, templates in override order, and free data.

pub mod git;

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::{CONFIG_FILE, Config};
use crate::error::Error;

/// The built-in theme, embedded at compile time.
pub static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A Markdown file under `content/`.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the site root, e.g. `content/roles/scrum-master.md`.
    pub path: PathBuf,
    pub text: String,
}

/// A file copied to the output as is.
#[derive(Debug, Clone)]
pub enum StaticSource {
    Disk(PathBuf),
    Embedded(&'static [u8]),
}

#[derive(Debug, Clone)]
pub struct StaticFile {
    pub source: StaticSource,
    /// Relative path inside the output folder.
    pub dest: PathBuf,
}

/// A Tera template and where it came from.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    /// Name used by `extends`/`include`, e.g. `page.html`, `shortcodes/note.html`.
    pub name: String,
    pub text: String,
    /// Where to point errors: a file of the site or theme, or `<built-in>/page.html`.
    pub path: PathBuf,
}

/// Everything read from disk for one build.
#[derive(Debug)]
pub struct Sources {
    pub root: PathBuf,
    pub config: Config,
    pub content: Vec<SourceFile>,
    /// Non-Markdown files under `content/`, relative to the root.
    pub content_assets: Vec<PathBuf>,
    /// Theme static files first, then the site's `static/`; later entries win.
    pub static_files: Vec<StaticFile>,
    /// Built-in theme, then the configured theme, then the site's `templates/`; later wins.
    pub templates: Vec<TemplateSource>,
    pub data: serde_json::Map<String, serde_json::Value>,
    /// Text of data files, kept for error positions.
    pub data_files: Vec<SourceFile>,
}

/// Reads `teambook.yaml` of `root`. A missing file means all defaults.
pub fn load_config(root: &Path) -> Result<Config, Vec<Error>> {
    let path = root.join(CONFIG_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => Config::parse(Path::new(CONFIG_FILE), &text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
        Err(e) => Err(vec![Error::io(Path::new(CONFIG_FILE), e)]),
    }
}

/// The site's config and notes about what it cannot honour: `teambook.yaml`, else a Hugo
/// config (`hugo.toml`, `config.toml`, …), else all defaults.
pub fn site_config(root: &Path) -> Result<(Config, Vec<String>), Vec<Error>> {
    if root.join(CONFIG_FILE).is_file() {
        return load_config(root).map(|c| (c, Vec::new()));
    }
    match crate::hugo::load(root)? {
        Some(h) => Ok((h.config, h.notes)),
        None => Ok((Config::default(), Vec::new())),
    }
}

/// Reads the whole site. All problems are collected before returning.
pub fn load(root: &Path, config: Config) -> Result<Sources, Vec<Error>> {
    let mut errors = Vec::new();
    let content_dir = root.join("content");
    let mut md_paths = Vec::new();
    let mut content_assets = Vec::new();
    for rel in walk_files(root, &content_dir, &mut errors) {
        if rel
            .extension()
            .is_some_and(|e| e == "md" || e == "markdown")
        {
            md_paths.push(rel);
        } else {
            content_assets.push(rel);
        }
    }
    let read: Vec<Result<SourceFile, Error>> = md_paths
        .into_par_iter()
        .map(|rel| read_text(root, rel))
        .collect();
    let mut content = Vec::with_capacity(read.len());
    for r in read {
        match r {
            Ok(f) => content.push(f),
            Err(e) => errors.push(e),
        }
    }

    let (static_files, templates) = theme_files(root, &config, &mut errors);

    let mut data = serde_json::Map::new();
    let mut data_files = Vec::new();
    for rel in walk_files(root, &root.join("data"), &mut errors) {
        let ext = rel
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_string();
        if !matches!(ext.as_str(), "yaml" | "yml" | "json" | "toml") {
            continue;
        }
        let size = std::fs::metadata(root.join(&rel)).map_or(0, |m| m.len());
        if size > MAX_DATA_BYTES {
            errors.push(
                Error::file(
                    &rel,
                    format!(
                        "data file is {} MB; data files are limited to {} MB",
                        size / 1_000_000,
                        MAX_DATA_BYTES / 1_000_000
                    ),
                )
                .with_help("split it into several files under a folder of the same name"),
            );
            continue;
        }
        match read_text(root, rel) {
            Ok(file) => match parse_data(&file, &ext) {
                Ok(value) => {
                    insert_data(&mut data, &file.path, value);
                    data_files.push(file);
                }
                Err(e) => errors.push(e),
            },
            Err(e) => errors.push(e),
        }
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Sources {
        root: root.to_path_buf(),
        config,
        content,
        content_assets,
        static_files,
        templates,
        data,
        data_files,
    })
}

/// Static files and templates: the built-in theme, the configured theme, then the site's own.
fn theme_files(
    root: &Path,
    config: &Config,
    errors: &mut Vec<Error>,
) -> (Vec<StaticFile>, Vec<TemplateSource>) {
    let mut static_files = Vec::new();
    let mut templates = Vec::new();
    embedded_theme(&mut static_files, &mut templates);
    if let Some(name) = config.theme.as_deref().filter(|n| *n != "default") {
        let theme_dir = root.join("themes").join(name);
        if !theme_dir.is_dir() {
            let text = std::fs::read_to_string(root.join(CONFIG_FILE)).unwrap_or_default();
            let (line, col) = crate::config::key_position(&text, "theme", 0).unwrap_or((1, 1));
            errors.push(
                Error::at(
                    Path::new(CONFIG_FILE),
                    &text,
                    line,
                    col,
                    format!("theme `{name}` not found: there is no folder themes/{name}/"),
                )
                .with_help("remove `theme:` to use the built-in theme"),
            );
        } else {
            disk_templates(root, &theme_dir.join("templates"), &mut templates, errors);
            disk_static(root, &theme_dir.join("static"), &mut static_files, errors);
        }
    }
    disk_templates(root, &root.join("templates"), &mut templates, errors);
    disk_static(root, &root.join("static"), &mut static_files, errors);
    (static_files, templates)
}

/// Only the templates of the site, as [`load`] reads them (for `serve` after a template save).
pub fn templates(root: &Path, config: &Config) -> Result<Vec<TemplateSource>, Vec<Error>> {
    let mut errors = Vec::new();
    let (_, templates) = theme_files(root, config, &mut errors);
    if errors.is_empty() {
        Ok(templates)
    } else {
        Err(errors)
    }
}

/// The largest data file read: larger ones are refused before they are read or parsed.
pub const MAX_DATA_BYTES: u64 = 10_000_000;

/// Files under `dir`, relative to `root`, sorted; hidden, backup and swap files skipped.
fn walk_files(root: &Path, dir: &Path, errors: &mut Vec<Error>) -> Vec<PathBuf> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let walker = WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(e.file_name().to_str().unwrap_or("")));
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let rel = e
                    .path()
                    .strip_prefix(root)
                    .unwrap_or(e.path())
                    .to_path_buf();
                out.push(rel);
            }
            Ok(_) => {}
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
                errors.push(Error::file(&rel, e.to_string()));
            }
        }
    }
    out
}

/// Editor and system droppings that are never part of a site.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with('#')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
}

fn read_text(root: &Path, rel: PathBuf) -> Result<SourceFile, Error> {
    let bytes = std::fs::read(root.join(&rel)).map_err(|e| Error::io(&rel, e))?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile { path: rel, text }),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let text = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let (line, col) = crate::error::line_col(&text, valid);
            Err(Error::At {
                path: rel,
                line,
                col,
                message: format!("not valid UTF-8 (byte {valid} of the file)"),
                source_line: None,
                help: Some("save the file as UTF-8".into()),
            })
        }
    }
}

fn embedded_theme(statics: &mut Vec<StaticFile>, templates: &mut Vec<TemplateSource>) {
    fn walk(dir: &'static Dir<'static>, out: &mut Vec<&'static include_dir::File<'static>>) {
        for f in dir.files() {
            out.push(f);
        }
        for d in dir.dirs() {
            walk(d, out);
        }
    }
    let mut files = Vec::new();
    walk(&DEFAULT_THEME, &mut files);
    for f in files {
        let path = f.path();
        if let Ok(name) = path.strip_prefix("templates") {
            templates.push(TemplateSource {
                name: slash_path(name),
                text: String::from_utf8_lossy(f.contents()).into_owned(),
                path: Path::new("<built-in theme>/templates").join(name),
            });
        } else if let Ok(dest) = path.strip_prefix("static") {
            statics.push(StaticFile {
                source: StaticSource::Embedded(f.contents()),
                dest: dest.to_path_buf(),
            });
        }
    }
}

fn disk_templates(
    root: &Path,
    dir: &Path,
    templates: &mut Vec<TemplateSource>,
    errors: &mut Vec<Error>,
) {
    let base = dir.strip_prefix(root).unwrap_or(dir).to_path_buf();
    for rel in walk_files(root, dir, errors) {
        let name = slash_path(rel.strip_prefix(&base).unwrap_or(&rel));
        match read_text(root, rel) {
            Ok(f) => templates.push(TemplateSource {
                name,
                text: f.text,
                path: f.path,
            }),
            Err(e) => errors.push(e),
        }
    }
}

fn disk_static(root: &Path, dir: &Path, statics: &mut Vec<StaticFile>, errors: &mut Vec<Error>) {
    let base = dir.strip_prefix(root).unwrap_or(dir).to_path_buf();
    for rel in walk_files(root, dir, errors) {
        statics.push(StaticFile {
            dest: rel.strip_prefix(&base).unwrap_or(&rel).to_path_buf(),
            source: StaticSource::Disk(root.join(&rel)),
        });
    }
}

/// A path with `/` separators, as template names and URLs use.
pub fn slash_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn parse_data(file: &SourceFile, ext: &str) -> Result<serde_json::Value, Error> {
    match ext {
        "json" => serde_json::from_str(&file.text)
            .map_err(|e| Error::at(&file.path, &file.text, e.line(), e.column(), e.to_string())),
        "toml" => file
            .text
            .parse::<toml::Table>()
            .map(|t| serde_json::to_value(t).unwrap_or_default())
            .map_err(|e| {
                let (line, col) = e
                    .span()
                    .map_or((1, 1), |s| crate::error::line_col(&file.text, s.start));
                Error::at(&file.path, &file.text, line, col, e.message().to_string())
            }),
        _ => {
            let docs: Vec<serde_json::Value> = crate::yaml::from_str_multiple(&file.text)
                .map_err(|e| Error::at(&file.path, &file.text, e.line, e.col, e.message))?;
            Ok(match docs.len() {
                0 => serde_json::Value::Null,
                1 => docs.into_iter().next().unwrap_or_default(),
                _ => serde_json::Value::Array(docs),
            })
        }
    }
}

/// `data/teams/platform.yaml` becomes `data.teams.platform`.
fn insert_data(
    data: &mut serde_json::Map<String, serde_json::Value>,
    rel: &Path,
    value: serde_json::Value,
) {
    let inner: Vec<String> = rel
        .with_extension("")
        .components()
        .skip(1)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let Some((last, dirs)) = inner.split_last() else {
        return;
    };
    let mut map = data;
    for d in dirs {
        let entry = map
            .entry(d.clone())
            .or_insert_with(|| serde_json::Value::Object(Default::default()));
        if !entry.is_object() {
            *entry = serde_json::Value::Object(Default::default());
        }
        map = entry.as_object_mut().expect("just made an object");
    }
    map.insert(last.clone(), value);
}
