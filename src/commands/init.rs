//! `teambook init`: writes the starter handbook (embedded from `starter/`) into a folder, or
//! (`--from-hugo`) the `teambook.yaml` of a Hugo site. In: a target folder. Out: the files
//! written, or an error if the folder is not empty.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use serde_json::{Map, Value};

use crate::error::Error;
use crate::load::hugo::{HugoConfig, load};

static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/starter");

/// Which starter `init` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Starter {
    /// A small handbook with one of everything: roles and their comparison, an anti-pattern,
    /// factors, glossary terms, an onboarding guide, a team with a RACI, a backlog and two
    /// sprints with a review and a retro (`starter/handbook/`).
    Handbook,
    /// A role, a glossary term and a getting-started page (`starter/bare/`).
    Bare,
}

/// Writes the starter site into `dir`: the files every starter has (`starter/common/`: the
/// Pages workflow, `.gitignore`) and those of `starter`. A non-empty `dir` is refused unless
/// `force`; even then existing files are kept.
pub fn init(dir: &Path, force: bool, starter: Starter) -> Result<Vec<PathBuf>, Error> {
    let non_empty = std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some());
    if non_empty && !force {
        return Err(Error::Usage(format!(
            "{} is not empty; run `teambook init` in an empty folder, or add --force to add the missing starter files",
            dir.display()
        )));
    }
    let chosen = match starter {
        Starter::Handbook => "handbook",
        Starter::Bare => "bare",
    };
    // Paths inside the starter part, with their bytes.
    let mut wanted: Vec<(PathBuf, &'static [u8])> = Vec::new();
    for part in ["common", chosen] {
        let part_dir = STARTER
            .get_dir(part)
            .expect("the starter folders are embedded");
        let mut files = Vec::new();
        collect(part_dir, &mut files);
        for f in files {
            let rel = f.path().strip_prefix(part).unwrap_or(f.path());
            wanted.push((rel.to_path_buf(), f.contents()));
        }
    }
    let mut written = Vec::new();
    for (rel, contents) in wanted {
        let dest = dir.join(&rel);
        if dest.exists() {
            continue;
        }
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&dest, contents).map_err(|e| Error::io(&dest, e))?;
        written.push(rel);
    }
    Ok(written)
}

fn collect(dir: &'static Dir<'static>, out: &mut Vec<&'static include_dir::File<'static>>) {
    out.extend(dir.files());
    for d in dir.dirs() {
        collect(d, out);
    }
}

/// The `teambook.yaml` equivalent of a Hugo config, for `teambook init --from-hugo`.
pub fn to_teambook_yaml(h: &HugoConfig) -> String {
    let c = &h.config;
    let mut root = Map::new();
    root.insert("title".into(), Value::from(c.title.clone()));
    root.insert("base_url".into(), Value::from(c.base_url.clone()));
    root.insert("language".into(), Value::from(c.language.clone()));
    if !c.description.is_empty() {
        root.insert("description".into(), Value::from(c.description.clone()));
    }
    root.insert(
        "taxonomies".into(),
        serde_json::to_value(&c.taxonomies).unwrap_or_default(),
    );
    root.insert("paginate".into(), Value::from(c.paginate));
    if !c.menus.is_empty() {
        root.insert(
            "menus".into(),
            serde_json::to_value(&c.menus).unwrap_or_default(),
        );
    }
    if !c.params.is_empty() {
        root.insert("params".into(), Value::Object(c.params.clone()));
    }
    if c.drafts {
        root.insert("drafts".into(), Value::Bool(true));
    }
    if c.future {
        root.insert("future".into(), Value::Bool(true));
    }
    let mut md = Map::new();
    md.insert(
        "smart_punctuation".into(),
        Value::Bool(c.markdown.smart_punctuation),
    );
    md.insert("unsafe_html".into(), Value::Bool(c.markdown.unsafe_html));
    root.insert("markdown".into(), Value::Object(md));
    if !c.permalinks.is_empty() {
        root.insert(
            "permalinks".into(),
            serde_json::to_value(&c.permalinks).unwrap_or_default(),
        );
    }
    root.insert("rss".into(), Value::Bool(c.rss));
    if c.output_dir != "public" {
        root.insert("output_dir".into(), Value::from(c.output_dir.clone()));
    }
    let mut out = String::from("# Written by `teambook init --from-hugo` from ");
    out.push_str(
        &h.files
            .iter()
            .map(|f| crate::load::slash_path(f))
            .collect::<Vec<_>>()
            .join(", "),
    );
    out.push('\n');
    for n in &h.notes {
        out.push_str("# ");
        out.push_str(n);
        out.push('\n');
    }
    out.push_str(&crate::yaml::to_string(&Value::Object(root)));
    out
}

/// Writes `teambook.yaml` for the Hugo site in `dir`; refuses to replace an existing one.
pub fn init_from_hugo(dir: &Path) -> Result<PathBuf, Vec<Error>> {
    let target = dir.join(crate::config::CONFIG_FILE);
    if target.exists() {
        return Err(vec![Error::Usage(format!(
            "{} already exists; remove it first to write it again from the Hugo config",
            target.display()
        ))]);
    }
    let Some(h) = load(dir)? else {
        return Err(vec![Error::Usage(format!(
            "{} has no Hugo config (hugo.toml, config.toml, … or config/_default/)",
            dir.display()
        ))]);
    };
    let yaml = to_teambook_yaml(&h);
    std::fs::write(&target, yaml).map_err(|e| vec![Error::io(&target, e)])?;
    Ok(target)
}
