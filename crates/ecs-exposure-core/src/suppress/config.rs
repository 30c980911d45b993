//! `.ecs-exposure.toml`: suppressions kept in the repository. Parsed here, in the pure core,
//! so that the same code serves the CLI and a fuzz target; the CLI only reads the file.
//!
//! ```toml
//! [[suppress]]
//! trait = "public-ip"
//! resource = "infra/*#WebService"   # `*` matches any run of characters
//! reason = "public demo endpoint, reviewed by security"
//! expires = 2027-03-31              # optional: after this day it stops suppressing
//! ```
//!
//! Errors name the file, the line and column, the suppression (`suppress[2]`, and its trait
//! once that is known to be one) and what was expected. They never quote a value from the
//! file: a reason or a pattern may hold anything.

use super::Suppression;
use super::date::{DATE_EXPECTED, Date};
use toml::de::{DeTable, DeValue};

/// Largest configuration file read, in bytes. A suppression list is a few kilobytes; the cap
/// keeps a hostile file in a pull request from costing memory and time.
pub const MAX_CONFIG_BYTES: usize = 1024 * 1024;

/// Most suppressions one file may hold: each is matched against every trait of every finding.
pub const MAX_SUPPRESSIONS: usize = 10_000;

const ENTRY_KEYS: &[&str] = &["trait", "resource", "reason", "expires"];

/// A configuration file that cannot be used: a diagnostic like the loader's (file, line,
/// column, the suppression and key as its path, e.g. `suppress[2].expires`, and a message).
pub type ConfigError = crate::load::Diagnostic;

/// Parses a configuration file's text. `origin` names it in errors and in each
/// suppression's `source`.
pub fn parse_config(origin: &str, text: &str) -> Result<Vec<Suppression>, ConfigError> {
    let err = |span: Option<std::ops::Range<usize>>, path: Option<String>, message: String| {
        let (line, column) = match span {
            Some(s) => {
                let (l, c) = line_column(text, s.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        ConfigError {
            file: origin.to_string(),
            line,
            column,
            path,
            message,
        }
    };
    if text.len() > MAX_CONFIG_BYTES {
        return Err(err(
            None,
            None,
            format!(
                "the file is larger than MAX_CONFIG_BYTES ({MAX_CONFIG_BYTES} bytes); a suppression list should be far smaller"
            ),
        ));
    }
    // The parser's own messages say what was expected at a position, without the text there.
    let doc = DeTable::parse(text)
        .map_err(|e| err(e.span(), None, format!("not valid TOML: {}", e.message())))?;
    let mut list = None;
    for (k, v) in doc.get_ref().iter() {
        if k.get_ref().as_ref() == "suppress" {
            list = Some(v);
        } else {
            return Err(err(
                Some(k.span()),
                None,
                "unknown top-level key (expected only `[[suppress]]` tables)".to_string(),
            ));
        }
    }
    let Some(list) = list else {
        return Ok(Vec::new());
    };
    let DeValue::Array(items) = list.get_ref() else {
        return Err(err(
            Some(list.span()),
            Some("suppress".into()),
            "expected an array of tables (`[[suppress]]`)".to_string(),
        ));
    };
    if items.len() > MAX_SUPPRESSIONS {
        return Err(err(
            Some(list.span()),
            Some("suppress".into()),
            format!("more than MAX_SUPPRESSIONS ({MAX_SUPPRESSIONS}) suppressions"),
        ));
    }
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = |key: &str| Some(format!("suppress[{i}]{key}"));
        let DeValue::Table(t) = item.get_ref() else {
            return Err(err(
                Some(item.span()),
                at(""),
                "expected a table with `trait`, `resource` and `reason`".to_string(),
            ));
        };
        for (k, _) in t.iter() {
            if !ENTRY_KEYS.contains(&k.get_ref().as_ref()) {
                return Err(err(
                    Some(k.span()),
                    at(""),
                    "unknown key (expected `trait`, `resource`, `reason` and optionally `expires`)"
                        .to_string(),
                ));
            }
        }
        let text_of = |key: &str| -> Result<String, ConfigError> {
            match t.get(key) {
                Some(v) => match v.get_ref() {
                    DeValue::String(s) => Ok(s.to_string()),
                    _ => Err(err(
                        Some(v.span()),
                        at(&format!(".{key}")),
                        "expected a string".to_string(),
                    )),
                },
                None => Err(err(
                    Some(item.span()),
                    at(""),
                    format!("`{key}` is required"),
                )),
            }
        };
        let trait_id = text_of("trait")?;
        if trait_id != "*" && crate::traits::by_id(&trait_id).is_none() {
            return Err(err(
                t.get("trait").map(|v| v.span()),
                at(".trait"),
                "not a known trait id (see `ecs-exposure traits`) or `*`".to_string(),
            ));
        }
        let resource = text_of("resource")?;
        let reason = text_of("reason")?;
        if reason.trim().is_empty() {
            return Err(err(
                t.get("reason").map(|v| v.span()),
                at(".reason"),
                "a reason is required".to_string(),
            ));
        }
        let expires = match t.get("expires") {
            None => None,
            Some(v) => {
                let date = match v.get_ref() {
                    // A bare TOML date (`2027-03-31`): a date and nothing else.
                    DeValue::Datetime(d) if d.time.is_none() && d.offset.is_none() => {
                        d.date.and_then(|d| Date::new(d.year, d.month, d.day))
                    }
                    DeValue::String(s) => Date::parse(s),
                    _ => None,
                };
                match date {
                    Some(d) => Some(d.to_string()),
                    None => {
                        return Err(err(
                            Some(v.span()),
                            at(".expires"),
                            format!(
                                "the suppression of `{trait_id}`: `expires` must be {DATE_EXPECTED}"
                            ),
                        ));
                    }
                }
            }
        };
        out.push(Suppression {
            trait_id,
            resource,
            reason,
            expires,
            source: format!("{origin} (suppress[{i}])"),
            written: crate::model::Written::InConfig,
        });
    }
    Ok(out)
}

/// The 1-based line and column (in characters) of byte offset `at` in `text`.
fn line_column(text: &str, at: usize) -> (usize, usize) {
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Checks the expiry of suppressions read elsewhere (CloudFormation `Metadata`, Terraform
/// tags) with the same rule as the configuration file: every `expires` must be a real date.
/// Each error names the suppression's `source` (file and line) and its trait.
pub fn check_expiries(suppressions: &[Suppression]) -> Result<(), Vec<ConfigError>> {
    let errors: Vec<ConfigError> = suppressions
        .iter()
        .filter(|s| {
            s.expires
                .as_deref()
                .is_some_and(|d| Date::parse(d).is_none())
        })
        .map(|s| ConfigError {
            file: s.source.clone(),
            line: None,
            column: None,
            path: None,
            message: format!(
                "the suppression of {}: `expires` must be {DATE_EXPECTED}",
                // Named only when it is a trait id: the text is not checked elsewhere.
                crate::traits::by_id(&s.trait_id)
                    .map_or("an unknown trait".to_string(), |d| format!("`{}`", d.id))
            ),
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(expires: &str) -> Result<Vec<Suppression>, ConfigError> {
        parse_config(
            "repo/.ecs-exposure.toml",
            &format!(
                "# suppressions\n[[suppress]]\ntrait = \"public-ip\"\nresource = \"*#Web\"\nreason = \"demo\"\nexpires = {expires}\n"
            ),
        )
    }

    #[test]
    fn reads_suppressions_and_normalises_dates() {
        let got = parse_config(
            ".ecs-exposure.toml",
            "[[suppress]]\ntrait = \"public-ip\"\nresource = \"*#Web\"\nreason = \"demo\"\nexpires = 2027-03-31\n\n[[suppress]]\ntrait = \"*\"\nresource = \"x\"\nreason = \"y\"\nexpires = \"2028-02-29\"\n\n[[suppress]]\ntrait = \"ecs-exec-enabled\"\nresource = \"x\"\nreason = \"no expiry\"\n",
        )
        .unwrap();
        let dates: Vec<Option<&str>> = got.iter().map(|s| s.expires.as_deref()).collect();
        assert_eq!(dates, [Some("2027-03-31"), Some("2028-02-29"), None]);
        assert_eq!(got[1].source, ".ecs-exposure.toml (suppress[1])");
        assert!(parse_config("x", "").unwrap().is_empty());
    }

    #[test]
    fn an_expiry_must_be_a_real_date() {
        for bad in [
            "\"9999-99-99\"",
            "\"2027-02-29\"",
            "\"2027-04-31\"",
            "\"2027-13-01\"",
            "\"2027-1-01\"",
            "\"next year\"",
            "2027-02-29",
            "2027-04-31",
            "2027-03-31T10:00:00",
            "2027-03-31T10:00:00Z",
            "20270331",
            "true",
        ] {
            let e = one(bad).unwrap_err();
            let shown = e.to_string();
            assert_eq!(e.file, "repo/.ecs-exposure.toml", "{bad}: {shown}");
            // Either the date check (with the key) or TOML's own date syntax check.
            if e.path.is_some() {
                assert_eq!(e.path.as_deref(), Some("suppress[0].expires"), "{shown}");
                assert!(shown.contains("`public-ip`"), "{shown}");
                assert!(shown.contains("YYYY-MM-DD"), "{shown}");
            }
            assert_eq!(e.line, Some(6), "{bad}: {shown}");
            let bare = bad.trim_matches('"');
            assert!(!shown.contains(bare), "{bad} is quoted: {shown}");
        }
    }

    #[test]
    fn errors_name_the_place_and_never_the_value() {
        let cases = [
            (
                "[[suppress]]\ntrait = \"no-such-trait\"\nresource = \"*\"\nreason = \"x\"\n",
                "suppress[0].trait",
                "no-such-trait",
            ),
            (
                "[[suppress]]\ntrait = \"public-ip\"\nresource = \"*\"\nreason = \"  \"\n",
                "suppress[0].reason",
                "  \"",
            ),
            (
                "[[suppress]]\ntrait = \"public-ip\"\nresource = \"*\"\n",
                "suppress[0]",
                "reason =",
            ),
            (
                "[[suppress]]\ntrait = \"public-ip\"\nresource = 7\nreason = \"x\"\n",
                "suppress[0].resource",
                "= 7",
            ),
            (
                "[[suppress]]\ntrait = \"public-ip\"\nresource = \"*\"\nreason = \"x\"\nowner = \"s3cr3t\"\n",
                "suppress[0]",
                "s3cr3t",
            ),
        ];
        for (text, path, hidden) in cases {
            let e = parse_config("c.toml", text).unwrap_err();
            assert_eq!(e.path.as_deref(), Some(path), "{e}");
            assert!(e.line.is_some(), "{e}");
            assert!(!e.to_string().contains(hidden), "{e}");
        }
        // Not TOML at all: the parser's position and expectation, not the text.
        let e = parse_config("c.toml", "[[suppress]]\nreason = \"hunter2\n").unwrap_err();
        assert_eq!((e.line, e.path.as_deref()), (Some(2), None), "{e}");
        assert!(!e.to_string().contains("hunter2"), "{e}");
        let e = parse_config("c.toml", "other = 1\n").unwrap_err();
        assert!(e.message.contains("unknown top-level key"), "{e}");
        let e = parse_config("c.toml", "suppress = \"all\"\n").unwrap_err();
        assert!(e.message.contains("array of tables"), "{e}");
    }

    #[test]
    fn limits() {
        let big = "#".repeat(MAX_CONFIG_BYTES + 1);
        let e = parse_config("c.toml", &big).unwrap_err();
        assert!(e.message.contains("MAX_CONFIG_BYTES"), "{e}");
        let many = "[[suppress]]\n".repeat(MAX_SUPPRESSIONS + 1);
        let e = parse_config("c.toml", &many).unwrap_err();
        assert!(e.message.contains("MAX_SUPPRESSIONS"), "{e}");
    }

    #[test]
    fn inline_expiries_get_the_same_check() {
        let s = |trait_id: &str, expires: &str| Suppression {
            trait_id: trait_id.into(),
            resource: "stack.yaml#Web".into(),
            reason: "r".into(),
            expires: Some(expires.into()),
            source: "stack.yaml:12".into(),
            written: crate::model::Written::InSource,
        };
        assert!(check_expiries(&[s("public-ip", "2027-03-31")]).is_ok());
        let errs = check_expiries(&[
            s("public-ip", "2027-03-31"),
            s("public-ip", "9999-99-99"),
            s("\u{1b}[2Jnot-a-trait", "2027-02-30"),
        ])
        .unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(
            errs[0].to_string(),
            format!(
                "stack.yaml:12: the suppression of `public-ip`: `expires` must be {DATE_EXPECTED}"
            )
        );
        assert!(
            errs[1].to_string().contains("an unknown trait"),
            "{}",
            errs[1]
        );
        assert!(!errs[1].to_string().contains('\u{1b}'));
    }
}
