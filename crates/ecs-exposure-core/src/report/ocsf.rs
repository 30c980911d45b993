//! `--format ocsf`: OCSF Detection Findings (class 2004) shaped like Security Hub's exposure
//! findings. (First version; see the outputs work.)

use super::ReportOptions;
use crate::engine::Analysis;

pub fn render(analysis: &Analysis, opts: &ReportOptions) -> String {
    let v: Vec<_> = opts
        .shown(analysis)
        .map(|f| serde_json::json!({"class_uid": 2004, "finding_info": {"uid": f.id}}))
        .collect();
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}
