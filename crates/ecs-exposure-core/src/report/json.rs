//! `--format json`: the public, versioned JSON report.

use super::ReportOptions;
use crate::engine::{Analysis, Severity};
use serde_json::{Value, json};

/// Schema version of the JSON report; bumped only on incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

pub fn render(analysis: &Analysis, opts: &ReportOptions) -> String {
    let findings: Vec<&_> = opts.shown(analysis).collect();
    let mut counts = serde_json::Map::new();
    for s in [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Informational,
    ] {
        counts.insert(
            s.as_str().to_string(),
            Value::from(analysis.findings.iter().filter(|f| f.severity == s).count()),
        );
    }
    let doc = json!({
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "ecs-exposure", "version": opts.tool_version},
        "findings": findings,
        "not_evaluated": analysis.not_evaluated,
        "collection_failures": analysis.collection_failures,
        "warnings": opts.warnings,
        "summary": {
            "services_scanned": analysis.services_scanned,
            "findings_shown": findings.len(),
            "min_severity": opts.min_severity,
            "by_severity": counts,
        },
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("report serializes");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing;

    #[test]
    fn snapshot() {
        let out = render(&testing::analysis(), &testing::options(Severity::Low));
        let v: Value = serde_json::from_str(&out).expect("valid JSON");
        assert_eq!(v["schema_version"], 1);
        assert_eq!(v["findings"].as_array().unwrap().len(), 4);
        insta::assert_json_snapshot!(v);
    }
}
