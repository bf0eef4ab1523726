//! Stage 1: reading the site from disk. In: the site root. Out: `Sources` — config, content
//! files as text, content assets, static files, templates in override order, and free data.

pub mod git;
pub mod hugo;
mod json;

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
    /// Markdown under `snippets/`, for `{{< include "snippets/…" >}}`; never pages.
    pub snippets: Vec<SourceFile>,
    /// Links that were not followed because they lead out of the site, and files that are
    /// not regular files: skipped, each named.
    pub warnings: Vec<Error>,
}

/// Reads `teambook.yaml` of `root`. A missing file means all defaults.
pub fn load_config(root: &Path) -> Result<Config, Vec<Error>> {
    let path = root.join(CONFIG_FILE);
    if let Err(outside) = stays_inside(root, Path::new(CONFIG_FILE)) {
        return Err(vec![outside.error(Path::new(CONFIG_FILE))]);
    }
    if !path.exists() {
        return Ok(Config::default());
    }
    // Not UTF-8 is an error at the first byte that is not.
    let file = read_text(root, PathBuf::from(CONFIG_FILE)).map_err(|e| vec![e])?;
    let config = Config::parse(&file.path, &file.text)?;
    // A highlighting theme is known only to the highlighter: checked here, at its line.
    let below = crate::config::key_position(&file.text, "highlight", 0).map_or(0, |(l, _)| l);
    let errors: Vec<Error> = [
        ("theme", &config.highlight.theme),
        ("dark_theme", &config.highlight.dark_theme),
    ]
    .into_iter()
    .filter_map(|(key, name)| {
        let problem = crate::parse::highlight::check_theme(name).err()?;
        let (line, col) = crate::config::key_position(&file.text, key, below).unwrap_or((1, 1));
        Some(Error::at(
            &file.path,
            &file.text,
            line,
            col,
            format!("highlight: {problem}"),
        ))
    })
    .collect();
    if errors.is_empty() {
        Ok(config)
    } else {
        Err(errors)
    }
}

/// The text of `teambook.yaml`, for errors that point into it after it was parsed; empty when
/// it cannot be read.
pub fn config_text(root: &Path) -> String {
    std::fs::read_to_string(root.join(CONFIG_FILE)).unwrap_or_default()
}

/// The site's config and notes about what it cannot honour: `teambook.yaml`, else a Hugo
/// config (`hugo.toml`, `config.toml`, …), else all defaults.
pub fn site_config(root: &Path) -> Result<(Config, Vec<String>), Vec<Error>> {
    if root.join(CONFIG_FILE).is_file() {
        return load_config(root).map(|c| (c, Vec::new()));
    }
    match hugo::load(root)? {
        Some(h) => Ok((h.config, h.notes)),
        None => Ok((Config::default(), Vec::new())),
    }
}

/// The Markdown files of `content/`, links followed as `load` follows them, for a command
/// that edits pages without building the site (`teambook import`).
pub fn content_pages(root: &Path) -> Result<Vec<SourceFile>, Vec<Error>> {
    let mut walker = Walker::new(root);
    let mut pages = Vec::new();
    for rel in walker.files("content") {
        if rel
            .extension()
            .is_some_and(|e| e == "md" || e == "markdown")
        {
            match read_text(root, rel) {
                Ok(f) => pages.push(f),
                Err(e) => walker.errors.push(e),
            }
        }
    }
    if !walker.errors.is_empty() {
        return Err(walker.errors);
    }
    Ok(pages)
}

/// Reads the whole site. All problems are collected before returning.
pub fn load(root: &Path, config: Config) -> Result<Sources, Vec<Error>> {
    let mut walker = Walker::new(root);
    let mut md_paths = Vec::new();
    let mut content_assets = Vec::new();
    for rel in walker.files("content") {
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
            Err(e) => walker.errors.push(e),
        }
    }

    let (static_files, templates) = theme_files(&mut walker, &config);

    let mut data = DataTree::default();
    let mut data_files = Vec::new();
    let data_paths = walker.files("data");
    let errors = &mut walker.errors;
    for rel in data_paths {
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
                Ok(value) => match data.insert(&file.path, value) {
                    Ok(()) => data_files.push(file),
                    Err(e) => errors.push(e),
                },
                Err(e) => errors.push(e),
            },
            Err(e) => errors.push(e),
        }
    }

    let mut snippets = Vec::new();
    for rel in walker.files("snippets") {
        if !rel
            .extension()
            .is_some_and(|e| e == "md" || e == "markdown")
        {
            continue;
        }
        match read_text(root, rel) {
            Ok(file) => snippets.push(file),
            Err(e) => walker.errors.push(e),
        }
    }

    if !walker.errors.is_empty() {
        return Err(walker.errors);
    }
    Ok(Sources {
        root: root.to_path_buf(),
        config,
        content,
        content_assets,
        static_files,
        templates,
        data: data.map,
        data_files,
        snippets,
        warnings: walker.warnings,
    })
}

/// Static files and templates: the built-in theme, the configured theme, then the site's own.
fn theme_files(walker: &mut Walker, config: &Config) -> (Vec<StaticFile>, Vec<TemplateSource>) {
    let root = walker.root.clone();
    let root = root.as_path();
    let mut static_files = Vec::new();
    let mut templates = Vec::new();
    embedded_theme(&mut static_files, &mut templates);
    if let Some(name) = config.theme.as_deref().filter(|n| *n != "default") {
        let theme_dir = root.join("themes").join(name);
        if !theme_dir.is_dir() {
            let text = std::fs::read_to_string(root.join(CONFIG_FILE)).unwrap_or_default();
            let (line, col) = crate::config::key_position(&text, "theme", 0).unwrap_or((1, 1));
            walker.errors.push(
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
            let theme = Path::new("themes").join(name);
            disk_templates(walker, &theme.join("templates"), &mut templates);
            disk_static(walker, &theme.join("static"), &mut static_files);
        }
    }
    disk_templates(walker, Path::new("templates"), &mut templates);
    disk_static(walker, Path::new("static"), &mut static_files);
    (static_files, templates)
}

/// Only the templates of the site, as [`load`] reads them (for `serve` after a template save).
pub fn templates(root: &Path, config: &Config) -> Result<Vec<TemplateSource>, Vec<Error>> {
    let mut walker = Walker::new(root);
    let (_, templates) = theme_files(&mut walker, config);
    if walker.errors.is_empty() {
        Ok(templates)
    } else {
        Err(walker.errors)
    }
}

/// The largest data file read: larger ones are refused before they are read or parsed.
pub const MAX_DATA_BYTES: u64 = 10_000_000;

/// Why a path was not read: it is, or passes through, a link whose target lies outside the
/// site root.
#[derive(Debug)]
pub struct Outside {
    /// Where the link points, resolved.
    pub target: PathBuf,
}

impl Outside {
    /// The warning (or, for `teambook.yaml`, the error) that names the link and its target.
    pub fn error(&self, rel: &Path) -> Error {
        Error::file(
            rel,
            format!(
                "not read: it is a link to {}, outside the site folder",
                self.target.display()
            ),
        )
        .with_help("teambook reads nothing outside the site; copy the files into the site")
    }
}

/// Whether `rel` (relative to `root`) really lies inside `root` once every link on the way is
/// resolved. A path that does not exist is inside (nothing can be read through it). This is
/// the one rule for links: `load` and `serve` follow a link only when this holds.
pub fn stays_inside(root: &Path, rel: &Path) -> Result<(), Outside> {
    let Ok(real) = std::fs::canonicalize(root.join(rel)) else {
        return Ok(());
    };
    let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    if real.starts_with(&real_root) {
        Ok(())
    } else {
        Err(Outside { target: real })
    }
}

/// Walks the folders of one site, following links only while they stay inside the site root,
/// and collects what it could not read (errors) or would not read (warnings).
struct Walker {
    root: PathBuf,
    /// The root with every link resolved, to compare link targets against.
    real_root: PathBuf,
    errors: Vec<Error>,
    warnings: Vec<Error>,
}

impl Walker {
    fn new(root: &Path) -> Self {
        Walker {
            root: root.to_path_buf(),
            real_root: std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()),
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Whether the link at `path` leads inside the site; a warning naming it when not.
    fn follows(&mut self, path: &Path) -> bool {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        match std::fs::canonicalize(path) {
            Ok(real) if real.starts_with(&self.real_root) => true,
            Ok(target) => {
                self.warnings.push(Outside { target }.error(rel));
                false
            }
            Err(_) => {
                self.warnings.push(Error::file(
                    rel,
                    "not read: it is a link to a path that does not exist",
                ));
                false
            }
        }
    }

    /// Files under `dir` (relative to the root), relative to the root, sorted; hidden, backup
    /// and swap files skipped. Links are followed only when their target is inside the site;
    /// other links, and anything that is neither file nor folder, are skipped with a warning.
    fn files(&mut self, dir: impl AsRef<Path>) -> Vec<PathBuf> {
        let dir = self.root.join(dir);
        if std::fs::symlink_metadata(&dir).is_err() {
            return Vec::new();
        }
        // The folder itself, or any folder above it (`themes/` for a theme), may be a link.
        let real_dir = match std::fs::canonicalize(&dir) {
            Ok(real) if real.starts_with(&self.real_root) => real,
            _ => {
                self.follows(&dir);
                return Vec::new();
            }
        };
        if !real_dir.is_dir() {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut skipped = Vec::new();
        let real_root = self.real_root.clone();
        let entries: Vec<_> = WalkDir::new(&dir)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                if e.depth() > 0 && is_ignored(e.file_name().to_str().unwrap_or("")) {
                    return false;
                }
                if e.depth() > 0 && e.path_is_symlink() {
                    let inside = std::fs::canonicalize(e.path())
                        .is_ok_and(|real| real.starts_with(&real_root));
                    if !inside {
                        skipped.push(e.path().to_path_buf());
                    }
                    return inside;
                }
                true
            })
            .collect();
        for entry in entries {
            match entry {
                Ok(e) if e.file_type().is_file() => out.push(self.relative(e.path())),
                Ok(e) if e.file_type().is_dir() => {}
                Ok(e) => {
                    let rel = self.relative(e.path());
                    self.warnings.push(
                        Error::file(&rel, "not read: it is not a regular file or folder")
                            .with_help("remove it, or replace it with a regular file"),
                    );
                }
                // A link into a folder above it: followed once, not in circles.
                Err(e) if e.loop_ancestor().is_some() => {
                    let rel = self.relative(e.path().unwrap_or(&dir));
                    self.warnings.push(Error::file(
                        &rel,
                        "not read again: it is a link to a folder that contains it",
                    ));
                }
                // A link to nothing.
                Err(e) if e.path().is_some_and(Path::is_symlink) => {
                    skipped.push(e.path().unwrap_or(&dir).to_path_buf());
                }
                Err(e) => {
                    let path = e.path().unwrap_or(&dir).to_path_buf();
                    let rel = self.relative(&path);
                    self.errors.push(Error::file(&rel, e.to_string()));
                }
            }
        }
        for link in skipped {
            self.follows(&link);
        }
        out
    }

    fn relative(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.root).unwrap_or(path).to_path_buf()
    }
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
                span: crate::error::Span::new(&rel, line, col),
                message: format!("not valid UTF-8 (byte {valid} of the file)"),
                source_line: String::from_utf8_lossy(&bytes)
                    .lines()
                    .nth(line - 1)
                    .map(str::to_string),
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

/// The templates under `dir`, a folder relative to the site root.
fn disk_templates(walker: &mut Walker, dir: &Path, templates: &mut Vec<TemplateSource>) {
    for rel in walker.files(dir) {
        let name = slash_path(rel.strip_prefix(dir).unwrap_or(&rel));
        match read_text(&walker.root, rel) {
            Ok(f) => templates.push(TemplateSource {
                name,
                text: f.text,
                path: f.path,
            }),
            Err(e) => walker.errors.push(e),
        }
    }
}

/// The static files under `dir`, a folder relative to the site root.
fn disk_static(walker: &mut Walker, dir: &Path, statics: &mut Vec<StaticFile>) {
    for rel in walker.files(dir) {
        statics.push(StaticFile {
            dest: rel.strip_prefix(dir).unwrap_or(&rel).to_path_buf(),
            source: StaticSource::Disk(walker.root.join(&rel)),
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
        "json" => json::parse(&file.text).map_err(|e| {
            // serde_json ends its messages with " at line L column C", which we show anyway.
            let mut message = e.to_string();
            if let Some(i) = message.rfind(" at line ") {
                message.truncate(i);
            }
            Error::at(&file.path, &file.text, e.line(), e.column(), message)
        }),
        "toml" => file
            .text
            .parse::<toml::Table>()
            .map(|t| serde_json::to_value(t).unwrap_or_default())
            .map_err(|e| Error::at_bytes(&file.path, &file.text, e.span(), e.message())),
        _ => {
            let docs: Vec<serde_json::Value> = crate::yaml::from_str_multiple(&file.text)
                .map_err(|e| e.in_file(&file.path, &file.text, 1))?;
            Ok(match docs.len() {
                0 => serde_json::Value::Null,
                1 => docs.into_iter().next().unwrap_or_default(),
                _ => serde_json::Value::Array(docs),
            })
        }
    }
}

/// `data/teams/platform.yaml` becomes `data.teams.platform`. Two files may not give one
/// key: `data/x.yaml` beside `data/x.json`, or `data/teams.yaml` beside `data/teams/`.
#[derive(Default)]
struct DataTree {
    map: serde_json::Map<String, serde_json::Value>,
    /// The file that gave each key path (`teams/platform`), and the first file under each
    /// folder key path (`teams`).
    files: std::collections::HashMap<String, PathBuf>,
    folders: std::collections::HashMap<String, PathBuf>,
}

impl DataTree {
    fn insert(&mut self, rel: &Path, value: serde_json::Value) -> Result<(), Error> {
        let inner: Vec<String> = rel
            .with_extension("")
            .components()
            .skip(1)
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let Some((last, dirs)) = inner.split_last() else {
            return Ok(());
        };
        let clash = |other: &Path, key: &str| {
            Error::file(
                rel,
                format!(
                    "`data.{}` is given twice: by this file and by {}",
                    key.replace('/', "."),
                    slash_path(other)
                ),
            )
            .with_help("rename or merge one of them: one key, one file (or one folder)")
        };
        let key = inner.join("/");
        if let Some(other) = self.files.get(&key).or_else(|| self.folders.get(&key)) {
            return Err(clash(other, &key));
        }
        for depth in 1..=dirs.len() {
            let folder = inner[..depth].join("/");
            if let Some(other) = self.files.get(&folder) {
                return Err(clash(other, &folder));
            }
            self.folders
                .entry(folder)
                .or_insert_with(|| rel.to_path_buf());
        }
        self.files.insert(key, rel.to_path_buf());
        let mut map = &mut self.map;
        for d in dirs {
            let entry = map
                .entry(d.clone())
                .or_insert_with(|| serde_json::Value::Object(Default::default()));
            map = entry.as_object_mut().expect("folders are objects");
        }
        map.insert(last.clone(), value);
        Ok(())
    }
}
