//! `--format json`: the public, versioned JSON report.

use super::ReportOptions;
use crate::engine::{Analysis, FailedCall, Finding, NotEvaluated, Severity};
use crate::load::Diagnostic;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

/// Schema version of the JSON report; bumped only on incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// The report document. It borrows the analysis and is serialized straight to the output:
/// a large account's report is hundreds of megabytes, and building it as a `Value` tree
/// first would hold it in memory several times over.
#[derive(Serialize)]
struct Report<'a> {
    schema_version: u32,
    tool: Tool<'a>,
    findings: Vec<&'a Finding>,
    not_evaluated: &'a [NotEvaluated],
    collection_failures: &'a [FailedCall],
    warnings: &'a [Diagnostic],
    /// Traits accepted by a suppression, with its reason (absent when none).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    suppressed: &'a [crate::suppress::Suppressed],
    summary: Summary,
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct Summary {
    services_scanned: usize,
    findings_shown: usize,
    min_severity: Severity,
    by_severity: BTreeMap<&'static str, usize>,
}

/// Writes the JSON report (pretty-printed, with a final newline).
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
    let report = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "ecs-exposure",
            version: &opts.tool_version,
        },
        summary: Summary {
            services_scanned: analysis.services_scanned,
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
    serde_json::to_writer_pretty(&mut *w, &report)?;
    w.write_all(b"\n")
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

    #[test]
    fn snapshot() {
        let out = render(&testing::analysis(), &testing::options(Severity::Low));
        let v: Value = serde_json::from_str(&out).expect("valid JSON");
        assert_eq!(v["schema_version"], 1);
        assert_eq!(v["findings"].as_array().unwrap().len(), 4);
        insta::assert_json_snapshot!(v);
    }
}
