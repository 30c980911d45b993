//! Replays the fuzz corpora and every input that once crashed a fuzz target, on the stable
//! toolchain, so that CI keeps what fuzzing found (`scripts/fuzz` runs the fuzzer itself, on
//! nightly). Each input goes through the same `harness` entry point as its fuzz target.

use ecs_exposure_core::harness::{self, Input};
use std::path::{Path, PathBuf};

fn inputs(target: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut files = Vec::new();
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        files.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_file()));
    }
    files.sort();
    files
}

fn replay(target: &str, run: impl Fn(&[u8])) {
    let files = inputs(target);
    assert!(
        !files.is_empty(),
        "no corpus for fuzz target `{target}` (scripts/fuzz-seed makes one)"
    );
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        // A panic names the input that caused it.
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&bytes)));
        assert!(ok.is_ok(), "fuzz input {} panicked", f.display());
    }
}

#[test]
fn snapshot() {
    replay("snapshot", |b| harness::scan_and_plan(Input::Snapshot, b));
}

#[test]
fn cloudformation_yaml() {
    replay("cloudformation_yaml", |b| {
        harness::scan_and_plan(Input::CloudFormationYaml, b)
    });
}

#[test]
fn cloudformation_json() {
    replay("cloudformation_json", |b| {
        harness::scan_and_plan(Input::CloudFormationJson, b)
    });
}

#[test]
fn terraform_plan() {
    replay("terraform_plan", |b| {
        harness::scan_and_plan(Input::TerraformPlan, b)
    });
}

#[test]
fn fix_input() {
    replay("fix_input", harness::fix);
}

#[test]
fn suppressions() {
    replay("suppressions", harness::suppressions);
}
