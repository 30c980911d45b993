//! `--format json`: the public, versioned JSON report.

use super::{ReportOptions, pretty_indented};
use crate::engine::{Analysis, Finding, Severity};
use crate::parallel::map as map_parallel;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

/// Findings rendered at once: enough to keep the threads busy, few enough to stay small.
pub(crate) const BLOCK: usize = 1024;

/// Schema version of the JSON report; bumped only on incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct Summary {
    services_scanned: usize,
    /// Task definitions judged on their own (no service in the input runs them).
    task_definitions_scanned: usize,
    findings_shown: usize,
    min_severity: Severity,
    by_severity: BTreeMap<&'static str, usize>,
}

/// Writes the JSON report: byte for byte what `serde_json::to_writer_pretty` gives for the
/// document, but the findings (the bulk of a large account's report, hundreds of megabytes)
/// are serialized on `opts.threads` threads and streamed, never built as a `Value` tree.
pub fn write(analysis: &Analysis, opts: &ReportOptions, w: &mut dyn Write) -> std::io::Result<()> {
    let findings: Vec<&Finding> = opts.shown(analysis).collect();
    let mut by_severity = BTreeMap::new();
    for s in [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Informational,
    ] {
        by_severity.insert(
            s.as_str(),
            analysis.findings.iter().filter(|f| f.severity == s).count(),
        );
    }
    let summary = Summary {
        services_scanned: analysis.services_scanned,
        task_definitions_scanned: analysis.task_definitions_scanned,
        findings_shown: findings.len(),
        min_severity: opts.min_severity,
        by_severity,
    };
    w.write_all(b"{\n")?;
    field(w, "schema_version", &SCHEMA_VERSION)?;
    field(
        w,
        "tool",
        &Tool {
            name: "ecs-exposure",
            version: &opts.tool_version,
        },
    )?;
    if findings.is_empty() {
        w.write_all(b"  \"findings\": [],\n")?;
    } else {
        w.write_all(b"  \"findings\": [\n")?;
        // Blocks bound the memory held by rendered text; each block renders in parallel.
        for (b, block) in findings.chunks(BLOCK).enumerate() {
            let rendered = map_parallel(block, opts.threads, |f| {
                pretty_indented(&FindingOut::new(f, &opts.what_if), 4)
            });
            for (i, f) in rendered.iter().enumerate() {
                let last = b * BLOCK + i + 1 == findings.len();
                w.write_all(b"    ")?;
                w.write_all(f)?;
                w.write_all(if last { b"\n" } else { b",\n" })?;
            }
        }
        w.write_all(b"  ],\n")?;
    }
    field(w, "not_evaluated", &analysis.not_evaluated)?;
    field(w, "collection_failures", &analysis.collection_failures)?;
    field(w, "warnings", &opts.warnings)?;
    // Traits accepted by a suppression, with its reason (absent when none).
    if !analysis.suppressed.is_empty() {
        field(w, "suppressed", &analysis.suppressed)?;
    }
    w.write_all(b"  \"summary\": ")?;
    w.write_all(&pretty_indented(&summary, 2))?;
    w.write_all(b"\n}\n")
}

/// A finding as the JSON report shows it: the analysis' finding with, under `scan --what-if`,
/// each trait's what-if (a table of the planner's, joined here) after its own fields.
#[derive(Serialize)]
struct FindingOut<'a> {
    id: &'a str,
    resource: &'a crate::engine::ResourceRef,
    severity: Severity,
    likelihood: Option<crate::engine::Likelihood>,
    impact: crate::engine::Impact,
    title: &'a str,
    explanation: &'a str,
    traits: Vec<TraitOut<'a>>,
}

#[derive(Serialize)]
struct TraitOut<'a> {
    #[serde(flatten)]
    hit: &'a crate::traits::TraitHit,
    #[serde(skip_serializing_if = "Option::is_none")]
    what_if: Option<&'a crate::plan::WhatIf>,
}

impl<'a> FindingOut<'a> {
    fn new(f: &'a Finding, what_if: &'a crate::plan::WhatIfTable) -> Self {
        // Every field of the finding, in its order: a field added to `Finding` must be added
        // here too (the destructuring fails to compile otherwise).
        let Finding {
            id,
            resource,
            severity,
            likelihood,
            impact,
            title,
            explanation,
            traits,
        } = f;
        FindingOut {
            id,
            resource,
            severity: *severity,
            likelihood: *likelihood,
            impact: *impact,
            title,
            explanation,
            traits: traits
                .iter()
                .map(|hit| TraitOut {
                    hit,
                    what_if: what_if.get(&resource.uid, hit.id),
                })
                .collect(),
        }
    }
}

/// One `"key": value,` line of the top-level object.
fn field<T: Serialize + ?Sized>(w: &mut dyn Write, key: &str, value: &T) -> std::io::Result<()> {
    w.write_all(format!("  {}: ", serde_json::Value::from(key)).as_bytes())?;
    w.write_all(&pretty_indented(value, 2))?;
    w.write_all(b",\n")
}

/// The JSON report as a string.
pub fn render(analysis: &Analysis, opts: &ReportOptions) -> String {
    let mut out = Vec::new();
    write(analysis, opts, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing;
    use serde_json::Value;

    /// The hand-assembled document is exactly serde_json's pretty form of the same data
    /// (checked against a derived `Serialize` of the whole document, fields in order).
    #[test]
    fn layout_is_serde_json_pretty() {
        use crate::engine::{FailedCall, NotEvaluated};
        use crate::load::Diagnostic;
        #[derive(Serialize)]
        struct Whole<'a> {
            schema_version: u32,
            tool: Tool<'a>,
            findings: Vec<&'a Finding>,
            not_evaluated: &'a [NotEvaluated],
            collection_failures: &'a [FailedCall],
            warnings: &'a [Diagnostic],
            #[serde(skip_serializing_if = "<[_]>::is_empty")]
            suppressed: &'a [crate::suppress::Suppressed],
            summary: Summary,
        }
        let mut empty = testing::analysis();
        empty.findings.clear();
        for (analysis, min) in [
            (testing::analysis(), Severity::Critical),
            (testing::analysis(), Severity::Low),
            (empty, Severity::Low),
        ] {
            let opts = testing::options(min);
            let out = render(&analysis, &opts);
            let findings: Vec<&Finding> = opts.shown(&analysis).collect();
            let parsed: Value = serde_json::from_str(&out).unwrap();
            let by_severity = serde_json::from_value(parsed["summary"]["by_severity"].clone())
                .map(|m: BTreeMap<String, usize>| {
                    m.into_iter()
                        .map(|(k, v)| {
                            let k: &'static str = Severity::parse(&k).unwrap().as_str();
                            (k, v)
                        })
                        .collect()
                })
                .unwrap();
            let whole = Whole {
                schema_version: SCHEMA_VERSION,
                tool: Tool {
                    name: "ecs-exposure",
                    version: &opts.tool_version,
                },
                summary: Summary {
                    services_scanned: analysis.services_scanned,
                    task_definitions_scanned: analysis.task_definitions_scanned,
                    findings_shown: findings.len(),
                    min_severity: opts.min_severity,
                    by_severity,
                },
                findings,
                not_evaluated: &analysis.not_evaluated,
                collection_failures: &analysis.collection_failures,
                warnings: &opts.warnings,
                suppressed: &analysis.suppressed,
            };
            let mut expected = serde_json::to_string_pretty(&whole).unwrap();
            expected.push('\n');
            assert_eq!(out, expected);
        }
    }

    #[test]
    fn snapshot() {
        let out = render(&testing::analysis(), &testing::options(Severity::Low));
        let v: Value = serde_json::from_str(&out).expect("valid JSON");
        assert_eq!(v["schema_version"], 1);
        assert_eq!(v["findings"].as_array().unwrap().len(), 4);
        insta::assert_json_snapshot!(v);
    }
}
