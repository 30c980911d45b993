//! `plan` and `fix` honour suppressions like `scan` (issue 10, item 3): they run the same
//! pipeline, so a risk the team accepted in `.ecs-exposure.toml` (or `--config`, or inline in
//! a template) no longer drives the plan, and an expired suppression no longer counts.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Scan time 2026-11-30, so that expiries are judged on a known day.
fn cmd(dir: &Path) -> Command {
    let mut c = assert_cmd::cargo::cargo_bin_cmd!("ecs-exposure");
    c.env("SOURCE_DATE_EPOCH", "1796000000")
        .env_remove("NO_COLOR")
        .current_dir(dir);
    c
}

/// A privileged container: the plan drops `privileged`, and so does `fix --unsafe`.
const TASKDEF: &str = r#"{
  "family": "web",
  "containerDefinitions": [
    {"name": "app", "image": "nginx:1.25", "privileged": true, "user": "1000",
     "readonlyRootFilesystem": true}
  ]
}
"#;

fn suppression(expires: &str) -> String {
    format!(
        "[[suppress]]\ntrait = \"privileged-container\"\nresource = \"*\"\nreason = \"needs the host's devices, reviewed\"\n{expires}"
    )
}

/// A folder holding the task definition and, when given, `.ecs-exposure.toml`.
fn folder(config: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("taskdef.json"), TASKDEF).unwrap();
    if let Some(c) = config {
        std::fs::write(dir.path().join(".ecs-exposure.toml"), c).unwrap();
    }
    dir
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = cmd(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn remediation_ids(dir: &Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["plan", "--format", "json"];
    all.extend(args);
    let (code, out, err) = run(dir, &all);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    v["remediations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

fn plans_drop_privileged(ids: &[String]) -> bool {
    ids.iter().any(|id| id.starts_with("drop-privileged:"))
}

/// The lines of a diff that remove `privileged: true`.
fn drops_privileged(diff: &str) -> bool {
    diff.lines()
        .any(|l| l.starts_with('-') && l.contains("\"privileged\": true"))
}

#[test]
fn without_a_suppression_the_privileged_container_is_planned_and_fixed() {
    let dir = folder(None);
    assert!(plans_drop_privileged(&remediation_ids(
        dir.path(),
        &["taskdef.json"]
    )));
    let (code, diff, err) = run(
        dir.path(),
        &["fix", "taskdef.json", "--dry-run", "--unsafe"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(drops_privileged(&diff), "{diff}");
}

#[test]
fn a_suppression_in_the_config_file_is_neither_planned_nor_fixed() {
    let dir = folder(Some(&suppression("")));
    let ids = remediation_ids(dir.path(), &["taskdef.json"]);
    assert!(!plans_drop_privileged(&ids), "{ids:?}");

    // The plan says what it left out.
    let (code, text, err) = run(dir.path(), &["plan", "taskdef.json"]);
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("1 suppressed trait(s) not planned"), "{text}");
    let (_, json, _) = run(dir.path(), &["plan", "taskdef.json", "--format", "json"]);
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["suppressed_traits"], 1, "{json}");

    let (code, diff, err) = run(
        dir.path(),
        &["fix", "taskdef.json", "--dry-run", "--unsafe"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(!drops_privileged(&diff), "{diff}");
    // Nothing about it is fixed, and stderr says why.
    assert!(
        !err.lines()
            .any(|l| l.starts_with("ecs-exposure: fixed:") && l.contains("privileged")),
        "{err}"
    );
    assert!(
        err.contains("ecs-exposure: suppressed: privileged-container is not fixed (.ecs-exposure.toml (suppress[0]): needs the host's devices, reviewed)"),
        "{err}"
    );
}

#[test]
fn an_explicit_config_file_is_honoured_too() {
    let dir = folder(None);
    std::fs::write(dir.path().join("accepted.toml"), suppression("")).unwrap();
    let ids = remediation_ids(dir.path(), &["taskdef.json", "--config", "accepted.toml"]);
    assert!(!plans_drop_privileged(&ids), "{ids:?}");
    let (code, diff, err) = run(
        dir.path(),
        &[
            "fix",
            "taskdef.json",
            "--dry-run",
            "--unsafe",
            "--config",
            "accepted.toml",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(!drops_privileged(&diff), "{diff}");
    // A named file that does not exist is an error, as for `scan`.
    let (code, _, err) = run(
        dir.path(),
        &["plan", "taskdef.json", "--config", "nope.toml"],
    );
    assert_eq!(code, 2, "{err}");
}

#[test]
fn an_expired_suppression_plans_and_fixes_as_before_and_says_so() {
    let dir = folder(Some(&suppression("expires = 2026-01-31\n")));
    let (code, json, err) = run(dir.path(), &["plan", "taskdef.json", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("expired on 2026-01-31"), "{err}");
    let v: Value = serde_json::from_str(&json).unwrap();
    assert!(v.get("suppressed_traits").is_none(), "{json}");
    assert!(plans_drop_privileged(&remediation_ids(
        dir.path(),
        &["taskdef.json"]
    )));
    let (code, diff, err) = run(
        dir.path(),
        &["fix", "taskdef.json", "--dry-run", "--unsafe"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(drops_privileged(&diff), "{diff}");
    assert!(err.contains("expired on 2026-01-31"), "{err}");
}

/// A suppression in a template's `Metadata` counts for `plan` as for `scan`; the expired one
/// next to it does not (ECS Exec alone is INFORMATIONAL, hence the minimum severity).
#[test]
fn inline_suppressions_are_honoured_by_plan() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let ids = remediation_ids(
        &root,
        &[
            "examples/iac/suppressed.yaml",
            "--min-severity",
            "informational",
        ],
    );
    assert!(
        !ids.iter().any(|id| id.starts_with("disable-public-ip:")),
        "{ids:?}"
    );
    assert!(
        ids.iter()
            .any(|id| id.starts_with("disable-execute-command:")),
        "{ids:?}"
    );
    // `fix` of the template leaves the accepted public IP and turns ECS Exec off.
    let (code, diff, err) = run(
        &root,
        &[
            "fix",
            "examples/iac/suppressed.yaml",
            "--dry-run",
            "--unsafe",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        !diff
            .lines()
            .any(|l| l.starts_with(['+', '-']) && l.contains("AssignPublicIp")),
        "{diff}"
    );
    assert!(
        diff.contains("+      EnableExecuteCommand: false"),
        "{diff}"
    );
}

/// A bad config file stops `plan` and `fix` as it stops `scan`.
#[test]
fn a_broken_config_file_stops_plan_and_fix() {
    let dir = folder(Some("[[suppress]]\ntrait = 3\n"));
    for args in [
        &["plan", "taskdef.json"][..],
        &["fix", "taskdef.json", "--dry-run"][..],
    ] {
        let (code, _, err) = run(dir.path(), args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(".ecs-exposure.toml"), "{args:?}: {err}");
    }
}

/// A suppressed `plaintext-credentials` is still a credential: the plan of another change to
/// the task definition must neither give its new revision with the value nor show it anywhere.
#[test]
fn a_suppressed_credential_never_reaches_the_plan() {
    const VALUE: &str = "Zq8vLr2KmT9xw4Pq";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("taskdef.json"),
        format!(
            r#"{{"family": "web", "containerDefinitions": [{{"name": "app", "image": "nginx:1.25",
              "privileged": true, "user": "1000", "readonlyRootFilesystem": true,
              "environment": [{{"name": "DB_PASSWORD", "value": "{VALUE}"}}]}}]}}"#
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join(".ecs-exposure.toml"),
        "[[suppress]]\ntrait = \"plaintext-credentials\"\nresource = \"*\"\nreason = \"rotated weekly\"\n",
    )
    .unwrap();
    let ids = remediation_ids(dir.path(), &["taskdef.json"]);
    assert!(plans_drop_privileged(&ids), "{ids:?}");
    assert!(
        !ids.iter().any(|id| id.starts_with("move-env-to-secrets:")),
        "{ids:?}"
    );
    for format in ["json", "text", "markdown"] {
        let (code, out, err) = run(dir.path(), &["plan", "taskdef.json", "--format", format]);
        assert_eq!(code, 0, "{err}");
        assert!(
            !out.contains(VALUE) && !err.contains(VALUE),
            "{format}: {out}"
        );
    }
    let (code, diff, err) = run(
        dir.path(),
        &["fix", "taskdef.json", "--dry-run", "--unsafe"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(!diff.contains(VALUE) && !err.contains(VALUE), "{diff}");
}
