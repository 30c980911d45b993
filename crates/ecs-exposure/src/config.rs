//! `.ecs-exposure.toml`: the CLI finds and reads the file; the core parses it
//! ([`ecs_exposure_core::suppress::parse_config`]) and checks inline suppressions the same way.

use crate::args::ConfigArgs;
use crate::error::Error;
use ecs_exposure_core::suppress::{self, MAX_CONFIG_BYTES, Suppression};
use std::path::{Path, PathBuf};

/// The suppressions file read when `--config` is not given, if it exists.
const DEFAULT_CONFIG: &str = ".ecs-exposure.toml";

impl ConfigArgs {
    /// The file `--config` names, or the default one.
    pub fn path(&self) -> PathBuf {
        self.config
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG))
    }

    /// The suppressions of the file; none when the default file does not exist.
    pub fn suppressions(&self) -> Result<Vec<Suppression>, Error> {
        load(&self.path(), self.config.is_some())
    }
}

/// Reads a config file; `Ok(empty)` when `path` is the default and does not exist.
fn load(path: &Path, explicit: bool) -> Result<Vec<Suppression>, Error> {
    // The core's cap, enforced while reading: a huge or endless file is never read whole.
    let limit = crate::read::Limit {
        bytes: MAX_CONFIG_BYTES as u64,
        named: "MAX_CONFIG_BYTES of a suppressions file",
    };
    let text = match crate::read::read_text(path, limit) {
        Ok(t) => t,
        Err(e) if !explicit && e.is_not_found() => return Ok(Vec::new()),
        Err(source) => {
            return Err(Error::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    Ok(suppress::parse_config(&path.display().to_string(), &text)?)
}
