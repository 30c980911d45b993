//! `.ecs-exposure.toml`: the CLI reads the file; the core parses it
//! ([`ecs_exposure_core::suppress::parse_config`]) and checks inline suppressions the same way.

use ecs_exposure_core::suppress::{self, MAX_CONFIG_BYTES, Suppression};
use std::path::Path;

/// Reads a config file; `Ok(empty)` when `path` is the default and does not exist.
pub fn load(path: &Path, explicit: bool) -> Result<Vec<Suppression>, String> {
    // The core's cap, enforced while reading: a huge or endless file is never read whole.
    let limit = crate::read::Limit {
        bytes: MAX_CONFIG_BYTES as u64,
        named: "MAX_CONFIG_BYTES of a suppressions file",
    };
    let text = match crate::read::read_text(path, limit) {
        Ok(t) => t,
        Err(e) if !explicit && e.is_not_found() => return Ok(Vec::new()),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    suppress::parse_config(&path.display().to_string(), &text).map_err(|e| e.to_string())
}

/// Inline suppressions (CloudFormation `Metadata`, Terraform tags) pass the same expiry check
/// as the file: an error for the first bad one, with a count of the others.
pub fn check_inline(suppressions: &[Suppression]) -> Result<(), String> {
    suppress::check_expiries(suppressions).map_err(|errors| {
        let mut msg = errors.first().map(|e| e.to_string()).unwrap_or_default();
        if errors.len() > 1 {
            msg.push_str(&format!(
                " (and {} more suppression(s) with the same problem)",
                errors.len() - 1
            ));
        }
        msg
    })
}
