//! `.ecs-exposure.toml`: the CLI reads the file; the core parses it
//! ([`ecs_exposure_core::suppress::parse_config`]) and checks inline suppressions the same way.

use ecs_exposure_core::suppress::{self, MAX_CONFIG_BYTES, Suppression};
use std::io::Read;
use std::path::Path;

/// Reads a config file; `Ok(empty)` when `path` is the default and does not exist.
pub fn load(path: &Path, explicit: bool) -> Result<Vec<Suppression>, String> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if !explicit && e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    // One byte over the cap is enough for the core to refuse the file by name.
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("{}: the file is not UTF-8 text", path.display()))?;
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
