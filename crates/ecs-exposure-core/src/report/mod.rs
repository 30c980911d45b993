//! Report formats. Reports only format an [`Analysis`](crate::engine::Analysis): they never
//! re-run analysis.

pub mod json;
pub mod ocsf;
pub mod sarif;
pub mod text;

#[cfg(test)]
mod testing;

use crate::engine::{Analysis, Finding, Severity};
use crate::load::Diagnostic;

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
