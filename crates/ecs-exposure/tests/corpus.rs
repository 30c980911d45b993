//! The public-repository corpus (docs/corpus.md): task definitions and templates modelled on
//! what people publish, scanned by the built CLI and compared with expectations judged by
//! hand in `tests/corpus/expected.toml`.
//!
//! Findings are compared exactly as (resource type, name, set of trait ids, severity);
//! listed not-evaluated entries must be present, listed wrong reasons absent. A root marked
//! `pending` depends on work not merged yet: it runs only in the ignored test
//! (`cargo test -p ecs-exposure --no-default-features --test corpus -- --ignored`), so that
//! the integrator can see what is left and drop `pending` once a root matches.

use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
struct Expected {
    root: Vec<Root>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Root {
    path: String,
    #[allow(dead_code)]
    why: String,
    /// Issue-9 items this root waits for; such roots run only with `--ignored`.
    pending: Option<String>,
    #[serde(default)]
    finding: Vec<Finding>,
    #[serde(default)]
    not_evaluated: Vec<Gap>,
    #[serde(default)]
    not_evaluated_absent: Vec<Gap>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Finding {
    #[serde(rename = "type")]
    kind: String,
    name: String,
    uid_contains: Option<String>,
    traits: Vec<String>,
    severity: String,
    /// Phrases some evidence message of the finding must hold (case-insensitive).
    #[serde(default)]
    evidence_contains: Vec<String>,
    #[serde(default)]
    needs: Vec<String>,
    #[allow(dead_code)]
    why: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Gap {
    #[serde(rename = "trait")]
    trait_id: String,
    phrase: String,
    #[serde(default)]
    needs: Vec<String>,
    #[allow(dead_code)]
    why: String,
}

/// One finding as the report gives it, reduced to what the corpus judges.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Got {
    kind: String,
    name: String,
    uid: String,
    traits: BTreeSet<String>,
    severity: String,
    /// Every evidence message, lower-cased.
    evidence: Vec<String>,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn expected() -> Expected {
    let path = repo_root().join("tests/corpus/expected.toml");
    let text = std::fs::read_to_string(&path).expect("tests/corpus/expected.toml is readable");
    toml::from_str(&text).unwrap_or_else(|e| panic!("tests/corpus/expected.toml: {e}"))
}

/// Runs the scan and returns the report, or why there is none.
fn scan(root: &str) -> Result<Value, String> {
    let out = assert_cmd::cargo::cargo_bin_cmd!("ecs-exposure")
        .current_dir(repo_root())
        .env("SOURCE_DATE_EPOCH", "1796000000")
        .args(["scan", &format!("tests/corpus/{root}")])
        .args(["--format", "json", "--min-severity", "informational"])
        .output()
        .expect("the CLI runs");
    // 0 (nothing at or above the threshold) and 1 (findings) both carry a report; 2 is an
    // error, which the corpus never expects: every file in it is valid for its tool.
    match out.status.code() {
        Some(0 | 1) => {
            serde_json::from_slice(&out.stdout).map_err(|e| format!("the report is not JSON: {e}"))
        }
        code => Err(format!(
            "exit {code:?}, no report; stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )),
    }
}

fn findings(report: &Value) -> Vec<Got> {
    let mut got: Vec<Got> = report["findings"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|f| Got {
            kind: f["resource"]["type"].as_str().unwrap_or("?").to_owned(),
            name: f["resource"]["name"].as_str().unwrap_or("?").to_owned(),
            uid: f["resource"]["uid"].as_str().unwrap_or("?").to_owned(),
            traits: f["traits"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .filter_map(|t| t["id"].as_str().map(str::to_owned))
                .collect(),
            severity: f["severity"].as_str().unwrap_or("?").to_owned(),
            evidence: f["traits"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .flat_map(|t| {
                    t["evidence"]
                        .as_array()
                        .map(Vec::as_slice)
                        .unwrap_or_default()
                })
                .filter_map(|e| e["message"].as_str().map(str::to_lowercase))
                .collect(),
        })
        .collect();
    got.sort();
    got
}

fn has_gap(report: &Value, gap: &Gap) -> bool {
    let phrase = gap.phrase.to_lowercase();
    report["not_evaluated"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .any(|n| {
            n["trait"] == gap.trait_id.as_str()
                && n["reason"]
                    .as_str()
                    .is_some_and(|r| r.to_lowercase().contains(&phrase))
        })
}

fn matches(want: &Finding, got: &Got) -> bool {
    want.kind == got.kind
        && want.name == got.name
        && want
            .uid_contains
            .as_deref()
            .is_none_or(|part| got.uid.contains(part))
}

fn show(traits: &BTreeSet<String>) -> String {
    traits.iter().cloned().collect::<Vec<_>>().join(", ")
}

fn needs(list: &[String]) -> String {
    if list.is_empty() {
        String::new()
    } else {
        format!(" [needs {}]", list.join("; "))
    }
}

/// Every difference between one root's report and its expectations, one line each.
fn mismatches(root: &Root) -> Vec<String> {
    let report = match scan(&root.path) {
        Ok(report) => report,
        Err(why) => return vec![format!("no report: {why}")],
    };
    let mut out = Vec::new();
    let mut unmatched = findings(&report);
    for want in &root.finding {
        let want_traits: BTreeSet<String> = want.traits.iter().cloned().collect();
        let label = match &want.uid_contains {
            Some(part) => format!("{} `{}` (uid with `{part}`)", want.kind, want.name),
            None => format!("{} `{}`", want.kind, want.name),
        };
        match unmatched.iter().position(|g| matches(want, g)) {
            None => out.push(format!(
                "missing: {label} [{}] {}{}",
                show(&want_traits),
                want.severity,
                needs(&want.needs)
            )),
            Some(i) => {
                let got = unmatched.remove(i);
                if got.traits != want_traits {
                    let extra: BTreeSet<_> = got.traits.difference(&want_traits).cloned().collect();
                    let lack: BTreeSet<_> = want_traits.difference(&got.traits).cloned().collect();
                    out.push(format!(
                        "traits of {label}: expected [{}], got [{}] (extra: [{}], missing: [{}]){}",
                        show(&want_traits),
                        show(&got.traits),
                        show(&extra),
                        show(&lack),
                        needs(&want.needs)
                    ));
                }
                for phrase in &want.evidence_contains {
                    let p = phrase.to_lowercase();
                    if !got.evidence.iter().any(|m| m.contains(&p)) {
                        out.push(format!(
                            "evidence of {label} lacks \"{phrase}\"{}",
                            needs(&want.needs)
                        ));
                    }
                }
                if got.severity != want.severity {
                    out.push(format!(
                        "severity of {label}: expected {}, got {}{}",
                        want.severity,
                        got.severity,
                        needs(&want.needs)
                    ));
                }
            }
        }
    }
    for got in unmatched {
        out.push(format!(
            "unexpected: {} `{}` ({}) [{}] {}",
            got.kind,
            got.name,
            got.uid,
            show(&got.traits),
            got.severity
        ));
    }
    for gap in &root.not_evaluated {
        if !has_gap(&report, gap) {
            out.push(format!(
                "not_evaluated lacks {} with \"{}\"{}",
                gap.trait_id,
                gap.phrase,
                needs(&gap.needs)
            ));
        }
    }
    for gap in &root.not_evaluated_absent {
        if has_gap(&report, gap) {
            out.push(format!(
                "not_evaluated has the wrong reason {} \"{}\"{}",
                gap.trait_id,
                gap.phrase,
                needs(&gap.needs)
            ));
        }
    }
    out
}

fn check(include_pending: bool) {
    let mut text = String::new();
    let mut checked = 0;
    for root in expected().root {
        if root.pending.is_some() && !include_pending {
            continue;
        }
        checked += 1;
        let found = mismatches(&root);
        if !found.is_empty() {
            let pending = root
                .pending
                .as_deref()
                .map(|p| format!(" (pending: {p})"))
                .unwrap_or_default();
            let _ = writeln!(text, "\n== {}{pending}", root.path);
            for line in found {
                let _ = writeln!(text, "  - {line}");
            }
        }
    }
    assert!(checked > 0, "expected.toml lists no root to check");
    assert!(
        text.is_empty(),
        "the corpus differs from its hand-judged expectations (tests/corpus/expected.toml):{text}"
    );
}

#[test]
fn corpus_matches_expectations() {
    check(false);
}

#[test]
#[ignore = "roots marked `pending` wait for issue-9 work; run with --ignored to see what is left"]
fn corpus_pending_roots_match_expectations() {
    check(true);
}

#[test]
fn every_corpus_root_exists_and_has_a_source_note() {
    for root in expected().root {
        let path = repo_root().join("tests/corpus").join(&root.path);
        assert!(path.exists(), "{} does not exist", root.path);
        let repo = root.path.split('/').next().unwrap_or_default();
        let source = repo_root()
            .join("tests/corpus")
            .join(repo)
            .join("SOURCE.md");
        assert!(source.is_file(), "{repo} has no SOURCE.md");
    }
}
