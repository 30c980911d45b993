//! Task definitions judged on their own (issue 9, item 1): a `taskdef.json` kept in a
//! repository and registered from CI is the most common ECS workflow, so scanning it must not
//! pass it with "no findings".

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn cmd() -> Command {
    let mut c = assert_cmd::cargo::cargo_bin_cmd!("ecs-exposure");
    c.env("SOURCE_DATE_EPOCH", "1796000000")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    c
}

const TASKDEF: &str = r#"{
  "family": "web",
  "networkMode": "host",
  "pidMode": "host",
  "containerDefinitions": [
    {"name": "app", "image": "nginx:1.25", "privileged": true,
     "environment": [{"name": "DB_PASSWORD", "value": "Zq8vLr2KmT9xw4Pq"}]}
  ]
}"#;

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn trait_ids(f: &Value) -> Vec<&str> {
    f["traits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect()
}

#[test]
fn a_task_definition_file_on_its_own_is_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("taskdef.json"), TASKDEF).unwrap();
    let out = cmd()
        .current_dir(dir.path())
        .args(["scan", "taskdef.json", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "findings exit 1");
    let doc = json(&out);
    assert_eq!(doc["summary"]["task_definitions_scanned"], 1);
    let f = &doc["findings"][0];
    assert_eq!(f["resource"]["type"], "AWS::ECS::TaskDefinition");
    assert_eq!(f["resource"]["name"], "web");
    assert_eq!(f["resource"]["uid"], "taskdef.json#web");
    assert_eq!(f["severity"], "HIGH");
    assert_eq!(
        trait_ids(f),
        [
            "privileged-container",
            "host-pid-namespace",
            "plaintext-credentials",
            "host-network-mode",
            "writable-root-filesystem",
            "root-user",
            "mutable-image-tag",
            "missing-log-configuration"
        ]
    );
    // The value never appears, whatever the format.
    for format in ["text", "json", "ocsf", "sarif"] {
        let out = cmd()
            .current_dir(dir.path())
            .args(["scan", "taskdef.json", "--format", format])
            .output()
            .unwrap();
        let all = [out.stdout, out.stderr].concat();
        assert!(!String::from_utf8_lossy(&all).contains("Zq8vLr2KmT9xw4Pq"));
    }
    // The text report says what was judged and how.
    let out = cmd()
        .current_dir(dir.path())
        .args(["scan", "taskdef.json", "--color", "never"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("1 task definition judged on its own: 0 critical, 1 high"),
        "{text}"
    );
    assert!(text.contains("Task def  `web`"), "{text}");
    // `--fail-on critical` passes it; the finding is still reported.
    let out = cmd()
        .current_dir(dir.path())
        .args(["scan", "taskdef.json", "--fail-on", "critical"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

/// `describe-task-definition` output on its own (no services in the input) is judged too.
#[test]
fn describe_output_without_services_is_judged() {
    let dir = tempfile::tempdir().unwrap();
    let doc = serde_json::json!({"taskDefinition": {
        "taskDefinitionArn": "arn:aws:ecs:eu-west-1:111122223333:task-definition/batch:3",
        "family": "batch", "revision": 3, "status": "ACTIVE",
        "containerDefinitions": [{"name": "job", "image": "busybox", "privileged": true}]
    }});
    std::fs::write(
        dir.path().join("td.json"),
        serde_json::to_vec(&doc).unwrap(),
    )
    .unwrap();
    let out = cmd()
        .current_dir(dir.path())
        .args(["scan", "td.json", "--format", "json"])
        .output()
        .unwrap();
    let doc = json(&out);
    assert_eq!(doc["findings"][0]["resource"]["name"], "batch");
    assert_eq!(doc["findings"][0]["resource"]["account"], "111122223333");
}

/// In an account snapshot, a revision no service runs is left out unless asked for.
#[test]
fn unused_revisions_need_the_flag() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snapshot");
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(&fixture).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
    }
    let unused = serde_json::json!({"taskDefinition": {
        "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/debug:1",
        "family": "debug", "revision": 1, "status": "ACTIVE",
        "containerDefinitions": [{"name": "debug", "image": "busybox", "privileged": true}]
    }});
    std::fs::write(
        dir.path().join("ecs-describe-task-definition-debug.json"),
        serde_json::to_vec(&unused).unwrap(),
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let out = cmd()
            .current_dir(dir.path())
            .args(["scan", ".", "--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        json(&out)
    };
    let names = |doc: &Value| -> Vec<String> {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["resource"]["type"] == "AWS::ECS::TaskDefinition")
            .map(|f| f["resource"]["name"].as_str().unwrap().to_string())
            .collect()
    };
    let doc = run(&[]);
    assert!(names(&doc).is_empty(), "{doc:#}");
    assert_eq!(doc["summary"]["task_definitions_scanned"], 0);
    let doc = run(&["--all-task-definitions"]);
    assert_eq!(names(&doc), ["debug"]);
}

/// An input with nothing to judge says so, and `--strict` fails on it.
#[test]
fn nothing_to_judge_is_said_and_strict_fails() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sg.json"), r#"{"SecurityGroups": []}"#).unwrap();
    let out = cmd()
        .current_dir(dir.path())
        .args(["scan", "sg.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("the input holds no ECS service and no task definition: nothing was judged"),
        "{err}"
    );
    let out = cmd()
        .current_dir(dir.path())
        .args(["scan", "sg.json", "--strict"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// The SARIF result of `trait_id` (code scanning places it by its physical location).
fn sarif_result<'a>(doc: &'a Value, rule: &str) -> &'a Value {
    doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"].as_str().is_some_and(|id| id.contains(rule)))
        .unwrap_or_else(|| panic!("no {rule} result: {doc:#}"))
}

/// The 1-based line of the first line of `text` holding `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

/// The CI case: a repository's `taskdef.json` scanned with `--format sarif` for code
/// scanning. The result must name the file and the line to change, or GitHub cannot place it;
/// the text report shows the same place.
#[test]
fn findings_of_a_task_definition_file_point_at_its_lines() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("deploy")).unwrap();
    std::fs::write(dir.path().join("deploy/taskdef.json"), TASKDEF).unwrap();
    let out = cmd()
        .current_dir(dir.path())
        .args(["scan", "deploy/taskdef.json", "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    let r = sarif_result(&doc, "privileged");
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "deploy/taskdef.json");
    assert_eq!(
        loc["region"]["startLine"],
        line_of(TASKDEF, r#""privileged": true"#)
    );
    let col = TASKDEF
        .lines()
        .nth(5)
        .unwrap()
        .find(r#""privileged""#)
        .unwrap()
        + 1;
    assert_eq!(loc["region"]["startColumn"], col);
    assert_eq!(loc["region"]["snippet"]["text"], r#""privileged": true,"#);
    let r = sarif_result(&doc, "host-pid");
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["region"]["startLine"], line_of(TASKDEF, "pidMode"));
    assert_eq!(loc["region"]["snippet"]["text"], r#""pidMode": "host","#);
    // The credential's line is placed, its value never shown.
    let r = sarif_result(&doc, "plaintext-credentials");
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["region"]["startLine"], line_of(TASKDEF, "DB_PASSWORD"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("Zq8vLr2KmT9xw4Pq"));
    let out = cmd()
        .current_dir(dir.path())
        .args(["scan", "deploy/taskdef.json"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let line = line_of(TASKDEF, r#""privileged": true"#);
    assert!(
        text.contains(&format!("--> deploy/taskdef.json:{line}:{col}")),
        "{text}"
    );
    assert!(!text.contains("Zq8vLr2KmT9xw4Pq"));
}

/// `describe-task-definition` output kept in a repository is placed the same way; in an
/// account snapshot (with services) it is not read again for places nobody edits.
#[test]
fn describe_output_findings_point_at_its_lines_without_services() {
    let dir = tempfile::tempdir().unwrap();
    let td = r#"{
  "taskDefinition": {
    "taskDefinitionArn": "arn:aws:ecs:eu-west-1:111122223333:task-definition/batch:3",
    "family": "batch",
    "containerDefinitions": [
      {
        "name": "job",
        "image": "busybox",
        "privileged": true
      }
    ]
  }
}
"#;
    std::fs::write(dir.path().join("td.json"), td).unwrap();
    let out = cmd()
        .current_dir(dir.path())
        .args(["scan", "td.json", "--format", "sarif"])
        .output()
        .unwrap();
    let doc = json(&out);
    let loc = &sarif_result(&doc, "privileged")["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "td.json");
    assert_eq!(loc["region"]["startLine"], 9);
    assert_eq!(loc["region"]["startColumn"], 9);
    assert_eq!(loc["region"]["snippet"]["text"], r#""privileged": true"#);
    // With the service that runs it: an account snapshot, no places.
    let services = serde_json::json!({"services": [{
        "serviceArn": "arn:aws:ecs:eu-west-1:111122223333:service/c/batch",
        "serviceName": "batch", "launchType": "EC2",
        "taskDefinition": "arn:aws:ecs:eu-west-1:111122223333:task-definition/batch:3"}]});
    std::fs::write(
        dir.path().join("services.json"),
        serde_json::to_vec(&services).unwrap(),
    )
    .unwrap();
    let out = cmd()
        .current_dir(dir.path())
        .args(["scan", ".", "--format", "sarif"])
        .output()
        .unwrap();
    let doc = json(&out);
    let r = sarif_result(&doc, "privileged");
    assert!(r["locations"][0].get("physicalLocation").is_none(), "{r:#}");
}
