//! Report formats. Reports only format an [`Analysis`](crate::engine::Analysis): they never
//! re-run analysis.

pub mod json;
pub mod ocsf;
pub mod plan;
pub mod sarif;
pub mod text;

#[cfg(test)]
mod testing;

use crate::engine::{Analysis, Finding, Severity};
use crate::load::Diagnostic;
use crate::plan::WhatIfTable;

/// What a report shows beyond the analysis itself.
pub struct ReportOptions {
    /// Findings below this severity are left out.
    pub min_severity: Severity,
    /// Input warnings (unknown kinds) to mention.
    pub warnings: Vec<Diagnostic>,
    /// The tool's version, for metadata.
    pub tool_version: String,
    /// Time of the scan (RFC 3339 and epoch milliseconds), supplied by the caller so that the
    /// core stays pure and snapshots stay stable.
    pub time: ScanTime,
    /// Threads to render large reports with (1 renders on the caller's thread).
    pub threads: usize,
    /// `scan --what-if`: each trait's projected severity if only its remediation were done
    /// (empty otherwise).
    pub what_if: WhatIfTable,
}

#[derive(Debug, Clone)]
pub struct ScanTime {
    pub rfc3339: String,
    pub epoch_ms: i64,
}

impl ReportOptions {
    pub fn shown<'a>(&self, analysis: &'a Analysis) -> impl Iterator<Item = &'a Finding> {
        let min = self.min_severity;
        analysis.findings.iter().filter(move |f| f.severity >= min)
    }
}

/// `serde_json`'s pretty form of `value`, indented by `indent` spaces after each line
/// break, so that it can be placed inside an enclosing pretty document.
pub(crate) fn pretty_indented<T: serde::Serialize + ?Sized>(value: &T, indent: usize) -> Vec<u8> {
    let text = serde_json::to_vec_pretty(value).expect("report values serialize");
    let pad = vec![b' '; indent];
    let mut out = Vec::with_capacity(text.len() + text.len() / 8);
    let mut lines = text.split(|&b| b == b'\n');
    if let Some(first) = lines.next() {
        out.extend_from_slice(first);
    }
    for line in lines {
        out.push(b'\n');
        out.extend_from_slice(&pad);
        out.extend_from_slice(line);
    }
    out
}
