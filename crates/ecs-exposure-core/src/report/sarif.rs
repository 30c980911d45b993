//! `--format sarif`: SARIF 2.1.0 for code scanning (GitHub, GitLab, IDEs). One rule per trait,
//! with the trait doc as help; one result per piece of evidence of a shown finding, at the
//! file and line of infrastructure as code when the evidence has one.

use super::ReportOptions;
use crate::engine::{Analysis, Finding, Severity};
use crate::traits::{self, Evidence, TraitHit};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::io::Write;

/// The score GitHub code scanning reads (`security-severity`, 0–10) for a severity.
pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Informational => "0.0",
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Informational => "note",
    }
}

/// A fingerprint that survives reordering and line moves: trait, resource and field.
pub fn fingerprint(trait_id: &str, resource: &str, field: Option<&str>) -> String {
    let mut h = Sha256::new();
    for part in [trait_id, resource, field.unwrap_or("")] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn write(analysis: &Analysis, opts: &ReportOptions, w: &mut dyn Write) -> std::io::Result<()> {
    let shown: Vec<&Finding> = opts.shown(analysis).collect();
    let rules: Vec<Value> = traits::ALL
        .iter()
        .map(|def| {
            // A rule's score is the highest severity it takes part in during this run.
            let worst = shown
                .iter()
                .filter(|f| f.has(def.id))
                .map(|f| f.severity)
                .max()
                .unwrap_or(if def.context_only() {
                    Severity::Low
                } else {
                    Severity::Medium
                });
            json!({
                "id": def.id.as_str(),
                "name": def.id.as_str(),
                "shortDescription": {"text": def.title},
                "fullDescription": {"text": format!("The service {}.", def.phrase)},
                "help": {"text": def.doc, "markdown": def.doc},
                "defaultConfiguration": {"level": level(worst)},
                "properties": {
                    "tags": ["security", def.category.as_str()],
                    "security-severity": security_severity(worst),
                },
            })
        })
        .collect();
    let mut results = Vec::new();
    for f in &shown {
        for t in &f.traits {
            for e in &t.evidence {
                results.push(result(f, t, e));
            }
        }
    }
    // Suppressed traits stay in the log, marked so code scanning shows them as dismissed.
    for x in &analysis.suppressed {
        for e in &x.hit.evidence {
            let mut r = suppressed_result(x, e);
            let s = &x.suppression;
            let inline = s.written == crate::model::Written::InSource;
            r["suppressions"] = json!([{
                "kind": if inline { "inSource" } else { "external" },
                "status": "accepted",
                "justification": match &s.expires {
                    Some(d) => format!("{} (until {d}; {})", s.reason, s.source),
                    None => format!("{} ({})", s.reason, s.source),
                },
            }]);
            results.push(r);
        }
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ecs-exposure",
                "version": opts.tool_version,
                "informationUri": "https://github.com/ecs-exposure/ecs-exposure",
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": true,
                "endTimeUtc": opts.time.rfc3339,
                "toolExecutionNotifications": opts.warnings.iter().map(|d| json!({
                    "level": "warning",
                    "message": {"text": d.to_string()},
                })).collect::<Vec<_>>(),
            }],
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    w.write_all(b"\n")
}

fn result(f: &Finding, t: &TraitHit, e: &Evidence) -> Value {
    let index = traits::ALL.iter().position(|d| d.id == t.id).unwrap_or(0);
    let location = location(e);
    let mut r = json!({
        "ruleId": t.id.as_str(),
        "ruleIndex": index,
        "level": level(f.severity),
        "message": {"text": format!("{} — {}. {}", e.message, f.title, f.explanation)},
        "locations": [location],
        "partialFingerprints": {
            "ecsExposure/v1": fingerprint(t.id.as_str(), &f.resource.uid, e.field.as_deref()),
        },
        "properties": {
            "security-severity": security_severity(f.severity),
            "severity": f.severity.as_str(),
            "finding_id": f.id,
            "service": f.resource.uid,
            "resource": e.resource,
        },
    });
    if let Some(field) = &e.field {
        r["properties"]["field"] = json!(field);
    }
    r
}

fn suppressed_result(x: &crate::suppress::Suppressed, e: &Evidence) -> Value {
    let index = traits::ALL
        .iter()
        .position(|d| d.id == x.hit.id)
        .unwrap_or(0);
    json!({
        "ruleId": x.hit.id.as_str(),
        "ruleIndex": index,
        "level": "note",
        "message": {"text": e.message},
        "locations": [location(e)],
        "partialFingerprints": {
            "ecsExposure/v1": fingerprint(x.hit.id.as_str(), &x.service, e.field.as_deref()),
        },
        "properties": {"service": x.service, "resource": e.resource},
    })
}

fn location(e: &Evidence) -> Value {
    let mut location = json!({
        "logicalLocations": [{"fullyQualifiedName": e.resource, "kind": "resource"}],
    });
    if let Some(l) = &e.location {
        let mut region = json!({"startLine": l.line, "startColumn": l.column});
        if let Some(s) = &l.snippet {
            region["snippet"] = json!({"text": s.as_str()});
        }
        location["physicalLocation"] = json!({
            "artifactLocation": {"uri": uri(&l.file)},
            "region": region,
        });
    }
    location
}

/// A relative path as a URI reference (forward slashes, no leading `./`).
fn uri(file: &str) -> String {
    let f = file.replace('\\', "/");
    let f = f.strip_prefix("./").unwrap_or(&f);
    f.replace(' ', "%20")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::analyze;
    use crate::load::Loader;
    use crate::report::testing;

    fn sarif(analysis: &Analysis) -> Value {
        let mut out = Vec::new();
        write(analysis, &testing::options(Severity::Low), &mut out).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    fn iac_analysis() -> Analysis {
        let mut l = Loader::new();
        l.add(
            "examples/iac/web-public.yaml",
            include_bytes!("../../../../examples/iac/web-public.yaml"),
        )
        .unwrap();
        analyze(&l.finish().0)
    }

    fn validate(doc: &Value) {
        let schema: Value =
            serde_json::from_str(include_str!("../../tests/schemas/sarif-schema-2.1.0.json"))
                .unwrap();
        let v = jsonschema::draft4::new(&schema).expect("the SARIF schema compiles");
        let errors: Vec<String> = v
            .iter_errors(doc)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "SARIF is not valid: {errors:#?}");
    }

    #[test]
    fn valid_against_the_sarif_schema() {
        validate(&sarif(&iac_analysis()));
        let mut a = iac_analysis();
        let s = crate::suppress::Suppression {
            trait_id: "public-ip".into(),
            resource: "*".into(),
            reason: "demo".into(),
            expires: Some("2099-01-01".into()),
            source: ".ecs-exposure.toml (suppress[0])".into(),
            written: crate::model::Written::InConfig,
        };
        crate::suppress::apply(&mut a, &[s], "2026-11-30");
        let doc = sarif(&a);
        assert!(
            doc["runs"][0]["results"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["suppressions"][0]["kind"] == "external")
        );
        validate(&doc);
        validate(&sarif(&testing::analysis()));
    }

    /// The validator is not vacuous: a broken document fails it.
    #[test]
    #[should_panic(expected = "SARIF is not valid")]
    fn schema_check_catches_a_broken_document() {
        let mut doc = sarif(&iac_analysis());
        doc["runs"][0]["results"][0]["level"] = json!("fatal");
        validate(&doc);
    }

    #[test]
    fn results_point_at_lines_with_stable_fingerprints() {
        let doc = sarif(&iac_analysis());
        let results = doc["runs"][0]["results"].as_array().unwrap();
        let r = results
            .iter()
            .find(|r| r["ruleId"] == "privileged-container")
            .unwrap();
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(
            loc["artifactLocation"]["uri"],
            "examples/iac/web-public.yaml"
        );
        assert_eq!(loc["region"]["snippet"]["text"], "Privileged: true");
        assert_eq!(r["properties"]["security-severity"], "8.0");
        assert_eq!(
            r["partialFingerprints"]["ecsExposure/v1"],
            fingerprint(
                "privileged-container",
                "examples/iac/web-public.yaml#WebService",
                Some("containerDefinitions[0].privileged")
            )
        );
        let rules = doc["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap();
        assert_eq!(rules.len(), traits::ALL.len());
        assert_eq!(
            rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"],
            "privileged-container"
        );
        assert!(
            rules[0]["help"]["text"]
                .as_str()
                .unwrap()
                .contains("## What it detects")
        );
    }

    #[test]
    fn snapshot() {
        let mut doc = sarif(&iac_analysis());
        // The help texts are the trait docs, snapshotted on their own.
        for r in doc["runs"][0]["tool"]["driver"]["rules"]
            .as_array_mut()
            .unwrap()
        {
            r["help"] = json!("(trait doc)");
        }
        insta::assert_json_snapshot!(doc);
    }
}
