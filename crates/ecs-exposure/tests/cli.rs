//! End-to-end tests of the `ecs-exposure` binary: exit codes, error messages, options and
//! the reports of a small fixture snapshot (a privileged service and a clean one).

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Fixed scan time, so that reports are reproducible.
const EPOCH: &str = "1796000000";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snapshot")
}

fn cmd() -> Command {
    let mut c = assert_cmd::cargo::cargo_bin_cmd!("ecs-exposure");
    c.env("SOURCE_DATE_EPOCH", EPOCH)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    c
}

/// `scan <fixture> <args>` from the fixture's parent, so that file names in messages are
/// relative and stable.
fn scan(args: &[&str]) -> Command {
    let mut c = cmd();
    c.current_dir(fixture().parent().unwrap())
        .arg("scan")
        .arg("snapshot")
        .args(args);
    c
}

fn stdout(c: &mut Command) -> String {
    String::from_utf8(c.output().unwrap().stdout).unwrap()
}

/// A temporary folder holding the fixture plus `extra` files (name, content).
fn with_files(extra: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture()).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
    }
    for (name, content) in extra {
        std::fs::write(dir.path().join(name), content).unwrap();
    }
    dir
}

fn alone(name: &str, content: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), content).unwrap();
    dir
}

#[test]
fn findings_exit_1_and_fail_on_sets_the_threshold() {
    // The fixture's only finding is MEDIUM (privileged container, no internet path).
    scan(&[]).assert().code(1);
    scan(&["--fail-on", "medium"]).assert().code(1);
    scan(&["--fail-on", "high"]).assert().code(0);
    scan(&["--fail-on", "CRITICAL"]).assert().code(0);
}

#[test]
fn min_severity_filters_the_report_not_the_exit_code() {
    let assert = scan(&["--min-severity", "high"]).assert().code(1);
    let out = String::from_utf8_lossy(&assert.get_output().stdout);
    assert!(out.starts_with("No findings at or above HIGH."), "{out}");
    assert!(out.contains("(1 medium not shown)"), "{out}");
    scan(&["--min-severity", "high", "--fail-on", "high"])
        .assert()
        .code(0);
    let json: Value = serde_json::from_str(&stdout(&mut scan(&[
        "-f",
        "json",
        "--min-severity",
        "high",
    ])))
    .unwrap();
    assert_eq!(json["findings"].as_array().unwrap().len(), 0);
    assert_eq!(json["summary"]["by_severity"]["MEDIUM"], 1);
}

#[test]
fn bad_min_severity_is_a_usage_error() {
    scan(&["--min-severity", "severe"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown severity `severe`"));
    scan(&["--fail-on", "nope"]).assert().code(2);
}

#[test]
fn not_json_names_file_line_and_column() {
    let dir = alone("broken.json", "{\n  \"services\": [\n");
    cmd()
        .current_dir(dir.path())
        .args(["scan", "broken.json"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::is_match(r"error: broken\.json:3:\d+: not valid JSON").unwrap());
}

#[test]
fn wrong_type_names_file_and_json_path() {
    let dir = alone(
        "services.json",
        r#"{"services": [{"serviceArn": "arn:aws:ecs:us-east-1:111122223333:service/c/s",
            "desiredCount": "two"}]}"#,
    );
    cmd()
        .current_dir(dir.path())
        .args(["scan", "."])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("services.json:2:")
                .and(predicate::str::contains("at `services[0].desiredCount`"))
                .and(predicate::str::contains("describe-services")),
        );
}

#[test]
fn missing_path_and_empty_folder_are_errors() {
    cmd()
        .args(["scan", "does/not/exist"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does/not/exist"));
    let dir = tempfile::tempdir().unwrap();
    cmd()
        .arg("scan")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no *.json"));
}

/// A docker-compose file converted to JSON shares the top-level key `services` with
/// `describe-services` output: found in a folder it is skipped with a warning saying why, and
/// the scan goes on; named on the command line it is an error.
#[test]
fn a_file_sharing_a_snapshot_key_is_skipped_when_walked_and_an_error_when_named() {
    let compose = r#"{"services": {"web": {"image": "nginx", "ports": ["80:80"]}}}"#;
    let dir = with_files(&[("compose.json", compose)]);
    let out = cmd()
        .current_dir(dir.path())
        .args(["scan", ".", "--format", "json"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "warning: ./compose.json: top-level `services` is an object, not the list `aws ecs describe-services` prints; skipped",
        ))
        .get_output()
        .clone();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["services_scanned"], 2);
    cmd()
        .current_dir(dir.path())
        .args(["scan", "compose.json"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("error: compose.json:1:13: at `services`")
                .and(predicate::str::contains("skipped").not()),
        );
    // Named together with the folder that holds it, it counts as named.
    cmd()
        .current_dir(dir.path())
        .args(["scan", ".", "compose.json"])
        .assert()
        .code(2);
    // YAML that is not a template: skipped in a folder, an error when named.
    let dir = with_files(&[("compose.yaml", "services:\n  web:\n    image: nginx\n")]);
    cmd()
        .current_dir(dir.path())
        .args(["scan", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "warning: ./compose.yaml: YAML that is not",
        ));
    cmd()
        .current_dir(dir.path())
        .args(["scan", "compose.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: compose.yaml: YAML that is not",
        ));
}

/// The same service in two snapshot files: a warning names both, the later (by path) wins.
#[test]
fn a_resource_in_two_files_is_a_warning() {
    let services = std::fs::read_to_string(fixture().join("services.json")).unwrap();
    let dir = with_files(&[("services-copy.json", &services)]);
    let out = cmd()
        .current_dir(dir.path())
        .args(["scan", "."])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("are in both ./services-copy.json and ./services.json (arn:aws:ecs:")
            && stderr.contains("the copies in ./services.json are used"),
        "{stderr}"
    );
}

#[test]
fn unknown_kind_warns_and_the_rest_is_scanned() {
    let dir = with_files(&[("trails.json", r#"{"trailList": []}"#)]);
    let out = cmd()
        .current_dir(dir.path())
        .args(["scan", ".", "--format", "json"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("warning: ./trails.json")
                .and(predicate::str::contains("skipped")),
        )
        .get_output()
        .clone();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["services_scanned"], 2);
    assert_eq!(json["findings"].as_array().unwrap().len(), 1);
    assert_eq!(json["warnings"][0]["file"], "./trails.json");
}

#[test]
fn output_file_is_written_and_stdout_stays_empty() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    scan(&["--format", "json", "--output"])
        .arg(&file)
        .assert()
        .code(1)
        .stdout("");
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(json["schema_version"], 1);
    scan(&["--output", "/nonexistent-dir/report.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot write /nonexistent-dir/report.txt",
        ));
}

#[test]
fn json_report_has_the_documented_fields() {
    let mut json: Value = serde_json::from_str(&stdout(&mut scan(&["--format", "json"]))).unwrap();
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["tool"]["name"], "ecs-exposure");
    for key in ["findings", "not_evaluated", "warnings", "summary"] {
        assert!(json.get(key).is_some(), "missing `{key}`");
    }
    let f = &json["findings"][0];
    for key in [
        "id",
        "resource",
        "severity",
        "likelihood",
        "impact",
        "title",
        "explanation",
        "traits",
    ] {
        assert!(f.get(key).is_some(), "finding lacks `{key}`");
    }
    assert_eq!(f["severity"], "MEDIUM");
    assert_eq!(f["traits"][0]["id"], "privileged-container");
    // The version moves with every release; the snapshot should not.
    json["tool"]["version"] = Value::from("[version]");
    insta::assert_json_snapshot!("fixture_json", json);
}

#[test]
fn text_report_snapshot_without_colour_when_piped() {
    let out = stdout(&mut scan(&[]));
    assert!(!out.contains('\x1b'), "no ANSI escapes when not a terminal");
    insta::assert_snapshot!("fixture_text", out);
}

/// `--color auto` in a pipe: no colour, unless CLICOLOR_FORCE asks for it; NO_COLOR wins
/// over it.
#[test]
fn colour_auto_follows_the_environment() {
    let out = stdout(&mut scan(&[]));
    assert!(!out.contains('\x1b'));
    let out = stdout(scan(&["--color", "auto"]).env("CLICOLOR_FORCE", "1"));
    assert!(out.contains("\x1b["), "{out}");
    let mut forced_but_no = scan(&[]);
    forced_but_no
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1");
    assert!(!stdout(&mut forced_but_no).contains('\x1b'));
}

#[test]
fn colour_always_and_never() {
    let out = stdout(&mut scan(&["--color", "always"]));
    assert!(out.contains("\x1b["), "{out}");
    let out = stdout(scan(&["--color", "never"]).env("NO_COLOR", ""));
    assert!(!out.contains('\x1b'));
    // Colour never goes into machine formats.
    let out = stdout(&mut scan(&["--color", "always", "--format", "json"]));
    assert!(!out.contains('\x1b'));
}

#[test]
fn ocsf_report_is_an_array_of_detection_findings() {
    let json: Value = serde_json::from_str(&stdout(&mut scan(&["--format", "ocsf"]))).unwrap();
    let findings = json.as_array().unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["class_uid"], 2004);
    assert_eq!(findings[0]["severity"], "Medium");
    assert_eq!(findings[0]["time"], 1_796_000_000_000_i64);
}

#[test]
fn explain_prints_the_trait_doc() {
    cmd()
        .args(["explain", "privileged-container"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::starts_with("# privileged-container")
                .and(predicate::str::contains("## What it detects"))
                .and(predicate::str::contains("## Fix")),
        );
    cmd()
        .args(["explain", "no-such-trait"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown trait `no-such-trait`"));
}

#[test]
fn traits_lists_every_id() {
    let out = stdout(cmd().arg("traits"));
    let ids: Vec<&str> = out
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for id in [
        "privileged-container",
        "internet-reachable",
        "exploitable-vulnerability",
        "admin-iam-role",
        "service-admin-iam-role",
        "outdated-fargate-platform",
        "task-role-is-execution-role",
        "host-ipc-namespace",
        "host-devices",
        "unconfined-security-options",
        "mutable-image-tag",
        "missing-log-configuration",
    ] {
        assert!(ids.contains(&id), "{id} missing from:\n{out}");
    }
    // Every registered trait, each once (the registry is the one list of them).
    assert_eq!(ids.len(), ecs_exposure_core::traits::ALL.len());
}
