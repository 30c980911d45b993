//! Suppressions: a trait accepted on purpose for some resources, with a reason and an optional
//! expiry date. A suppressed trait is moved out of its finding (whose severity is recomputed
//! from what remains) into [`Analysis::suppressed`](crate::engine::Analysis), so it is listed,
//! not dropped; an expired suppression no longer applies and says so.
//!
//! Sources: the CLI's `.ecs-exposure.toml`, and inline forms read with infrastructure as code
//! (CloudFormation `Metadata`, Terraform tags).

mod config;
mod date;

pub use config::{ConfigError, MAX_CONFIG_BYTES, MAX_SUPPRESSIONS, check_expiries, parse_config};
pub use date::{DATE_EXPECTED, Date};

pub use crate::model::Suppression;

use crate::engine::{Analysis, Finding, assess};
use crate::traits::TraitHit;
use serde::Serialize;

/// A trait hit that a suppression accepted.
#[derive(Debug, Clone, Serialize)]
pub struct Suppressed {
    /// The service the trait was found on.
    pub service: String,
    pub suppression: Suppression,
    #[serde(rename = "trait")]
    pub hit: TraitHit,
}

impl Suppression {
    fn matches(&self, service: &str, hit: &TraitHit) -> bool {
        (self.trait_id == "*" || self.trait_id == hit.id.as_str())
            && (glob(&self.resource, service)
                || hit.resources.iter().any(|r| glob(&self.resource, r))
                || hit
                    .evidence
                    .iter()
                    .any(|e| glob(&self.resource, &e.resource)))
    }

    /// Whether the expiry date has passed. Dates are compared as dates; an expiry that is not
    /// a real date (readers reject those, see [`check_expiries`]) or an unknown `today` counts
    /// as expired: a suppression never hides a trait on a date it cannot read.
    fn expired(&self, today: Option<Date>) -> bool {
        match (self.expires.as_deref(), today) {
            (None, _) => false,
            (Some(d), Some(today)) => Date::parse(d).is_none_or(|d| d < today),
            (Some(_), None) => true,
        }
    }
}

/// Applies suppressions to an analysis. `today` is `YYYY-MM-DD`. Returns notices for the
/// expired suppressions that would have matched (they no longer suppress).
pub fn apply(analysis: &mut Analysis, suppressions: &[Suppression], today: &str) -> Vec<String> {
    let mut notices = Vec::new();
    if suppressions.is_empty() {
        return notices;
    }
    let today = Date::parse(today);
    let findings = std::mem::take(&mut analysis.findings);
    for f in findings {
        if let Some(f) = apply_to_finding(
            f,
            suppressions,
            today,
            &mut analysis.suppressed,
            &mut notices,
        ) {
            analysis.findings.push(f);
        }
    }
    analysis.findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.resource.uid.cmp(&b.resource.uid))
    });
    notices.sort();
    notices.dedup();
    notices
}

/// Applies suppressions to one finding: what is left of it (`None` when every trait was
/// suppressed; its severity recomputed when some were), the traits moved out pushed to
/// `suppressed`, and a notice for each expired suppression that would have matched. The
/// what-if of the planner re-analyses one service at a time and goes through here too, so a
/// projected severity never counts a trait the team accepted.
pub fn apply_to_finding(
    f: Finding,
    suppressions: &[Suppression],
    today: Option<Date>,
    suppressed: &mut Vec<Suppressed>,
    notices: &mut Vec<String>,
) -> Option<Finding> {
    if suppressions.is_empty() {
        return Some(f);
    }
    let mut kept = Vec::new();
    let mut moved = false;
    for hit in f.traits.iter().cloned() {
        let m = suppressions
            .iter()
            .find(|s| s.matches(&f.resource.uid, &hit) && !s.expired(today));
        match m {
            Some(s) => {
                moved = true;
                suppressed.push(Suppressed {
                    service: f.resource.uid.clone(),
                    suppression: s.clone(),
                    hit,
                });
            }
            None => {
                for s in suppressions
                    .iter()
                    .filter(|s| s.matches(&f.resource.uid, &hit) && s.expired(today))
                {
                    // Only a date that parsed is shown: anything else is not repeated.
                    let when = match s.expires.as_deref().and_then(Date::parse) {
                        Some(d) => format!("expired on {d}"),
                        None => "has an expiry that is not a date".to_string(),
                    };
                    notices.push(format!(
                        "the suppression of {} for {} ({}) {when}: the trait is reported again (reason given: {})",
                        hit.id, f.resource.uid, s.source, s.reason
                    ));
                }
                kept.push(hit);
            }
        }
    }
    if !moved {
        Some(f)
    } else if !kept.is_empty() {
        Some(assess(f.resource, kept))
    } else {
        None
    }
}

/// `*` matches any run of characters; everything else literally, case included (`?` too: the
/// documented form has one wildcard, and a resource name may hold a `?`).
pub fn glob(pattern: &str, text: &str) -> bool {
    // The same matcher as IAM patterns, with its one-character wildcard set to a character
    // that has no place in a pattern: U+FFFF is a Unicode noncharacter. A pattern holding it
    // would match any one character there, which gives its writer nothing `*` does not.
    wildmatch::WildMatchPattern::<'*', '\u{FFFF}'>::new(pattern).matches(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::analyze;
    use crate::load::Loader;
    use crate::traits::TraitId;

    #[test]
    fn globs() {
        assert!(glob("*#WebService", "stack.yaml#WebService"));
        assert!(glob("stack.yaml#*", "stack.yaml#WebSG"));
        assert!(glob("a*b*c", "a-b-c"));
        assert!(!glob("a*b*c", "a-c-b"));
        assert!(glob("x", "x") && !glob("x", "xy"));
        assert!(glob("a?", "a?") && !glob("a?", "ab"));
        assert!(!glob("Web*", "web-service") && glob("**", ""));
    }

    fn web() -> Analysis {
        let mut l = Loader::new();
        l.add(
            "stack.yaml",
            include_bytes!("../../../examples/iac/web-public.yaml"),
        )
        .unwrap();
        analyze(&l.finish().0)
    }

    fn sup(trait_id: &str, expires: Option<&str>) -> Suppression {
        Suppression {
            trait_id: trait_id.into(),
            resource: "*#WebService".into(),
            reason: "accepted for the demo".into(),
            expires: expires.map(str::to_string),
            source: ".ecs-exposure.toml".into(),
            written: crate::model::Written::InConfig,
        }
    }

    #[test]
    fn suppressed_traits_are_listed_and_severity_recomputed() {
        let mut a = web();
        let before = a.findings[0].severity;
        let notes = apply(
            &mut a,
            &[
                sup("admin-iam-role", Some("2099-12-31")),
                sup("assumable-iam-role", None),
            ],
            "2026-11-30",
        );
        assert!(notes.is_empty());
        assert!(!a.findings[0].has(TraitId::AdminIamRole));
        assert_eq!(a.suppressed.len(), 2);
        assert!(a.findings[0].severity <= before);
    }

    #[test]
    fn expired_suppression_stops_and_says_so() {
        let mut a = web();
        let notes = apply(
            &mut a,
            &[sup("public-ip", Some("2026-01-31"))],
            "2026-11-30",
        );
        assert!(a.findings[0].has(TraitId::PublicIp));
        assert!(a.suppressed.is_empty());
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("expired on 2026-01-31"), "{}", notes[0]);
    }

    #[test]
    fn everything_suppressed_leaves_no_finding_but_lists_all() {
        let mut a = web();
        let n = a.findings[0].traits.len();
        apply(&mut a, &[sup("*", None)], "2026-11-30");
        assert!(a.findings.is_empty());
        assert_eq!(a.suppressed.len(), n);
    }

    #[test]
    fn an_expiry_that_is_not_a_date_never_suppresses() {
        // Compared as text, `9999-99-99` would be later than any day and suppress forever.
        for bad in ["9999-99-99", "2099-13-01", "someday"] {
            let mut a = web();
            let notes = apply(&mut a, &[sup("public-ip", Some(bad))], "2026-11-30");
            assert!(a.findings[0].has(TraitId::PublicIp), "{bad}");
            assert!(a.suppressed.is_empty(), "{bad}");
            assert!(
                notes[0].contains("an expiry that is not a date"),
                "{}",
                notes[0]
            );
            assert!(!notes[0].contains(bad), "{}", notes[0]);
        }
        // A real date far ahead still suppresses; an unreadable `today` does not.
        let mut a = web();
        apply(
            &mut a,
            &[sup("public-ip", Some("9999-12-31"))],
            "2026-11-30",
        );
        assert_eq!(a.suppressed.len(), 1);
        let mut a = web();
        apply(&mut a, &[sup("public-ip", Some("9999-12-31"))], "today");
        assert!(a.suppressed.is_empty());
    }
}
