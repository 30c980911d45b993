//! `--format text`: findings grouped by severity for a terminal.
//! (Minimal first version; see the outputs work for the full layout.)

use super::ReportOptions;
use crate::engine::Analysis;

pub fn render(analysis: &Analysis, opts: &ReportOptions, _color: bool) -> String {
    let mut s = String::new();
    for f in opts.shown(analysis) {
        s.push_str(&format!(
            "{} {}\n  {}\n",
            f.severity, f.title, f.explanation
        ));
    }
    s
}
