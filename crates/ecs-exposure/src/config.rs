//! `.ecs-exposure.toml`: suppressions kept in the repository.
//!
//! ```toml
//! [[suppress]]
//! trait = "public-ip"
//! resource = "infra/*#WebService"   # `*` matches any run of characters
//! reason = "public demo endpoint, reviewed by security"
//! expires = 2027-03-31              # optional: after this day it stops suppressing
//! ```

use ecs_exposure_core::suppress::Suppression;
use serde::Deserialize;
use std::path::Path;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    suppress: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    #[serde(rename = "trait")]
    trait_id: String,
    resource: String,
    reason: String,
    expires: Option<toml::Value>,
}

/// Largest suppressions file read: hand-written lists of a few hundred entries are kilobytes.
pub const MAX_CONFIG_FILE_SIZE: u64 = 1 << 20;

/// Reads a config file; `Ok(empty)` when `path` is the default and does not exist.
pub fn load(path: &Path, explicit: bool) -> Result<Vec<Suppression>, String> {
    let limit = crate::read::Limit {
        bytes: MAX_CONFIG_FILE_SIZE,
        named: "MAX_CONFIG_FILE_SIZE of a suppressions file",
    };
    let text = match crate::read::read_text(path, limit) {
        Ok(t) => t,
        Err(e) if !explicit && e.is_not_found() => return Ok(Vec::new()),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let file: File = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (i, e) in file.suppress.into_iter().enumerate() {
        if e.trait_id != "*" && ecs_exposure_core::traits::by_id(&e.trait_id).is_none() {
            return Err(format!(
                "{}: suppress[{i}]: unknown trait `{}` (see `ecs-exposure traits`)",
                path.display(),
                e.trait_id
            ));
        }
        if e.reason.trim().is_empty() {
            return Err(format!(
                "{}: suppress[{i}]: a reason is required",
                path.display()
            ));
        }
        let expires = match e.expires {
            None => None,
            Some(toml::Value::Datetime(d)) => Some(d.to_string()),
            Some(toml::Value::String(s)) => Some(s),
            Some(other) => {
                return Err(format!(
                    "{}: suppress[{i}]: `expires` must be a date like 2027-03-31, not {other:?}",
                    path.display()
                ));
            }
        };
        if let Some(d) = &expires
            && !(d.len() == 10 && d.as_bytes()[4] == b'-' && d.as_bytes()[7] == b'-')
        {
            return Err(format!(
                "{}: suppress[{i}]: `expires` must be a date like 2027-03-31, not `{d}`",
                path.display()
            ));
        }
        out.push(Suppression {
            trait_id: e.trait_id,
            resource: e.resource,
            reason: e.reason,
            expires,
            source: format!("{} (suppress[{i}])", path.display()),
        });
    }
    Ok(out)
}
