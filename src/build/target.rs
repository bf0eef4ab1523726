//! Where a build's files go — an output folder, memory (`serve`), or nowhere (`check`) —
//! decided once, with the body cache and the sink that go with it.

use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use super::{BuildFailure, BuildOptions, OutputFiles};
use crate::config::Config;
use crate::error::Error;
use crate::load::Sources;
use crate::model::Site;
use crate::render::cache::BodyCache;
use crate::util::path::absolute;
use crate::write::Sink;

/// Where a build's files go.
pub enum Target<'a> {
    /// An output folder, staged beside it and put in place at the end; bodies cached on disk.
    Disk(PathBuf),
    /// Memory, for `serve`, with the body cache `serve` keeps between builds.
    Memory(&'a Mutex<BodyCache>),
    /// Nowhere (`check`); bodies cached on disk.
    Check,
}

/// The body cache of one build: `serve`'s, locked for the build, or the one on disk.
pub enum Cache<'a> {
    Disk(BodyCache),
    Memory(MutexGuard<'a, BodyCache>),
}

impl<'a> Target<'a> {
    /// The one place that looks at the build mode: memory when `serve` gives a cache, nothing
    /// for `check`, else the output folder (refusing the dangerous ones).
    pub fn decide(
        opts: &BuildOptions,
        config: &Config,
        memory: Option<&'a Mutex<BodyCache>>,
    ) -> Result<Target<'a>, BuildFailure> {
        Ok(match memory {
            Some(cache) => Target::Memory(cache),
            None if opts.check_only => Target::Check,
            None => Target::Disk(output_dir(&opts.root, config, opts)?),
        })
    }

    pub fn is_memory(&self) -> bool {
        matches!(self, Target::Memory(_))
    }

    /// The output folder, for the report.
    pub fn output_dir(&self) -> Option<PathBuf> {
        match self {
            Target::Disk(dir) => Some(dir.clone()),
            _ => None,
        }
    }

    /// The body cache: `serve`'s (told which bodies' inputs changed), or the one on disk.
    pub fn cache(&self, site: &Site, sources: &Sources) -> Cache<'a> {
        match self {
            Target::Memory(m) => {
                let mut cache = m.lock().unwrap_or_else(|e| e.into_inner());
                cache.revalidate(site, sources);
                Cache::Memory(cache)
            }
            _ => Cache::Disk(BodyCache::open(&sources.root, site, sources)),
        }
    }

    /// Where rendered files go; a staging folder removes itself unless committed.
    pub fn sink(&self) -> Result<Sink, Error> {
        match self {
            Target::Disk(dir) => Sink::stage(dir),
            Target::Memory(_) => Ok(Sink::Memory(Default::default())),
            Target::Check => Ok(Sink::Discard),
        }
    }

    /// Puts a disk build in place; hands back the files of a memory build.
    pub fn finish(&self, sink: Sink) -> Result<OutputFiles, Error> {
        match self {
            Target::Memory(_) => Ok(sink.into_files()),
            _ => sink.commit().map(|()| OutputFiles::new()),
        }
    }
}

impl Deref for Cache<'_> {
    type Target = BodyCache;
    fn deref(&self) -> &BodyCache {
        match self {
            Cache::Disk(c) => c,
            Cache::Memory(c) => c,
        }
    }
}

impl DerefMut for Cache<'_> {
    fn deref_mut(&mut self) -> &mut BodyCache {
        match self {
            Cache::Disk(c) => c,
            Cache::Memory(c) => c,
        }
    }
}

/// Decides the output folder and refuses the dangerous ones.
fn output_dir(root: &Path, config: &Config, opts: &BuildOptions) -> Result<PathBuf, BuildFailure> {
    let (dir, explicit) = match &opts.output_dir {
        Some(d) => (d.clone(), true),
        None => (root.join(&config.output_dir), false),
    };
    let abs = absolute(&dir);
    let root_abs = absolute(root);
    // From the command line, a usage error; from teambook.yaml, an error at its line.
    let refuse = |why: &str| {
        let message = format!("refusing to write the site to {}: {why}", dir.display());
        let error = if explicit {
            Error::Usage(message)
        } else {
            let text = crate::load::config_text(root);
            let (line, col) = crate::config::key_position(&text, "output_dir", 1).unwrap_or((1, 1));
            let span = crate::error::Span::new(Path::new(crate::config::CONFIG_FILE), line, col)
                .with_len("output_dir".len());
            Error::located(span, &text, message)
                .with_help("set output_dir to a folder inside the site, such as public")
        };
        Err(BuildFailure::from(vec![error]))
    };
    if root_abs.starts_with(&abs) {
        return refuse("it is the site root or contains it");
    }
    for protected in ["content", "static", "templates", "data", "themes"] {
        if abs.starts_with(root_abs.join(protected)) {
            return refuse(&format!("it is inside the site's {protected}/ folder"));
        }
    }
    if !explicit && !abs.starts_with(&root_abs) {
        return refuse(
            "output_dir in teambook.yaml points outside the site; pass --output-dir to mean it",
        );
    }
    Ok(dir)
}
