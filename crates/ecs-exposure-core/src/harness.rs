//! Whole pipelines over arbitrary bytes, shared by the fuzz targets (`fuzz/`, nightly
//! `cargo fuzz`) and the corpus replay test that CI runs on stable
//! (`tests/fuzz_corpus.rs`). Each entry point does what a command does with one input file —
//! load, analyse, render every report format, plan, fix — and must return without panicking,
//! whatever the bytes. Errors are expected results here, not failures: hostile input is meant
//! to be refused with a message.
//!
//! Kept in the library rather than in `fuzz/` so that the replay test runs exactly the code
//! the fuzzer ran, and so that no stage of the pipeline can be left out of one of them.

use crate::engine::{Analysis, Severity, analyze_on};
use crate::fix::{self, Credentials, source};
use crate::load::Loader;
use crate::model::Inventory;
use crate::plan;
use crate::report::{self, ReportOptions, ScanTime};
use std::collections::HashMap;

/// The input kinds a fuzz target feeds. The name decides nothing in the loader (kinds are
/// recognised by content), except that a YAML name lets a non-template YAML file be skipped
/// with a warning; the targets use realistic names so both branches are reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// AWS CLI JSON output (a snapshot file).
    Snapshot,
    CloudFormationYaml,
    CloudFormationJson,
    TerraformPlan,
}

impl Input {
    pub fn file_name(self) -> &'static str {
        match self {
            Input::Snapshot => "fuzz/snapshot.json",
            Input::CloudFormationYaml => "fuzz/template.yaml",
            Input::CloudFormationJson => "fuzz/template.json",
            Input::TerraformPlan => "fuzz/plan.json",
        }
    }
}

/// `scan` and `plan` of one file: load, analyse, every report format, the plan with its
/// task-definition revisions and template diffs in every format.
pub fn scan_and_plan(kind: Input, bytes: &[u8]) {
    let name = kind.file_name();
    let Some(inv) = load(name, bytes) else {
        return;
    };
    let analysis = analyze_on(&inv, 1);
    reports(&analysis);
    let mut p = plan::plan(&inv, &analysis, Severity::Informational);
    fix::complete(&mut p, &inv);
    if let Ok(doc) = serde_json::from_slice::<serde_json::Value>(bytes)
        && let Some(arn) = fix::document_arn(name, &doc)
    {
        fix::attach_task_definitions(&mut p, &analysis, &HashMap::from([(arn, doc)]));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        let texts = HashMap::from([(name.to_string(), text.to_string())]);
        fix::attach_template_edits(&mut p, &inv, &texts);
    }
    let _ = report::plan::text(&p);
    let _ = report::plan::json(&p);
    let _ = report::plan::markdown(&p);
}

/// `fix FILE` (with `--unsafe`, which applies the most): a task definition rewritten through
/// its remediations, or a template edited line by line, each checked to load, and the diff.
pub fn fix(bytes: &[u8]) {
    let name = "fuzz/fix-input.json";
    if let Ok(doc) = serde_json::from_slice::<serde_json::Value>(bytes)
        && let (Some(arn), Some(mut output)) =
            (fix::document_arn(name, &doc), fix::register_input(&doc))
    {
        let Some(inv) = load(name, bytes) else {
            return;
        };
        let analysis = analyze_on(&inv, 1);
        let p = plan::plan(&inv, &analysis, Severity::Informational);
        for r in &p.remediations {
            if r.change.task_definition() == Some(arn.as_str()) {
                fix::rewrite(&mut output, &r.change, &arn);
            }
        }
        // As `fix --dry-run` shows it: diffs of copies with each credential masked, and the
        // result read back to check it for credentials, as `fix --output` does.
        let credentials = Credentials::find(&inv);
        let shown = |v: &serde_json::Value| {
            serde_json::to_string_pretty(&credentials.masked_document(v)).unwrap_or_default()
        };
        let before = fix::register_input(&doc).unwrap_or_default();
        let _ = fix::diff::diff(&shown(&before), &shown(&output), name, name);
        let after = serde_json::to_string_pretty(&output).unwrap_or_default();
        if let Some(again) = load(name, after.as_bytes()) {
            let _ = Credentials::find(&again).names();
        }
        return;
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    for name in ["fuzz/fix-input.yaml", name] {
        let Some(inv) = load(name, bytes) else {
            continue;
        };
        let analysis = analyze_on(&inv, 1);
        let p = plan::plan(&inv, &analysis, Severity::Informational);
        let mut edits = Vec::new();
        for r in &p.remediations {
            if source::cfn_file(&inv, &r.change) != Some(name) {
                continue;
            }
            let Ok(more) = source::template_edits(&inv, text, &r.change) else {
                continue;
            };
            let mut all = edits.clone();
            all.extend(more);
            if let Ok(t) = source::apply_edits(text, all.clone())
                && source::check_loads(name, &t).is_ok()
            {
                edits = all;
            }
        }
        if let Ok(after) = source::apply_edits(text, edits) {
            let _ = Credentials::find(&inv).template_diff(name, text, &after, name);
            if let Some(again) = load(name, after.as_bytes()) {
                let _ = Credentials::find(&again).names();
            }
        }
    }
}

/// The suppressions file (`.ecs-exposure.toml`), as `scan --config` reads it, and the expiry
/// check that inline suppressions get too.
pub fn suppressions(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    if let Ok(list) = crate::suppress::parse_config("fuzz/.ecs-exposure.toml", text) {
        let _ = crate::suppress::check_expiries(&list);
    }
}

fn load(name: &str, bytes: &[u8]) -> Option<Inventory> {
    let mut loader = Loader::new();
    loader.add(name, bytes).ok()?;
    Some(loader.finish().0)
}

fn reports(analysis: &Analysis) {
    let opts = ReportOptions {
        min_severity: Severity::Informational,
        warnings: Vec::new(),
        tool_version: "fuzz".into(),
        time: ScanTime {
            rfc3339: "2026-01-01T00:00:00Z".into(),
            epoch_ms: 0,
        },
        threads: 1,
        what_if: Default::default(),
    };
    let _ = report::text::render(analysis, &opts, true);
    let _ = report::json::render(analysis, &opts);
    let _ = report::ocsf::render(analysis, &opts);
    let _ = report::sarif::write(analysis, &opts, &mut std::io::sink());
}
