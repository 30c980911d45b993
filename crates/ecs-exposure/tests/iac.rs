//! The CLI on infrastructure as code: CloudFormation templates found in a folder, text with
//! file:line, SARIF, exit codes.

use serde_json::Value;
use std::path::Path;

fn scan(args: &[&str]) -> std::process::Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    assert_cmd::cargo::cargo_bin_cmd!("ecs-exposure")
        .current_dir(root)
        .env("SOURCE_DATE_EPOCH", "1796000000")
        .arg("scan")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn templates_in_a_folder_are_found_and_located() {
    let out = scan(&["examples/iac", "--color", "never"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("--> examples/iac/web-public.yaml:84:11"),
        "{text}"
    );
    assert!(text.contains("| Privileged: true"));
    assert!(text.contains("examples/iac/web-public.template.json#WebService"));
    // The trap template's service is scanned and clean; the Terraform plan is found too.
    assert!(text.contains("services scanned"), "{text}");
    assert!(!text.contains("ARN       examples/iac/private-traps.yaml#ApiService"));
    assert!(text.contains("examples/iac/terraform/plan.json#module.web.aws_ecs_service.app"));
}

#[test]
fn sarif_output() {
    let out = scan(&["examples/iac/web-public.yaml", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "public-ip"
        && r["locations"][0]["physicalLocation"]["region"]["snippet"]["text"]
            == "AssignPublicIp: ENABLED"));
}

#[test]
fn traps_pass() {
    let out = scan(&["examples/iac/private-traps.yaml"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn inline_suppressions_are_listed_and_expired_ones_say_so() {
    let out = scan(&[
        "examples/iac/suppressed.yaml",
        "--min-severity",
        "informational",
        "--format",
        "json",
    ]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let suppressed = doc["suppressed"].as_array().unwrap();
    assert_eq!(suppressed.len(), 1, "{doc:#}");
    assert_eq!(suppressed[0]["trait"]["id"], "public-ip");
    assert!(
        suppressed[0]["suppression"]["reason"]
            .as_str()
            .unwrap()
            .contains("SEC-142")
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("expired on 2026-01-15"), "{stderr}");
    // The expired one no longer suppresses: ecs-exec-enabled is reported.
    let traits: Vec<&str> = doc["findings"][0]["traits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert!(traits.contains(&"ecs-exec-enabled"), "{traits:?}");
    assert!(!traits.contains(&"public-ip"));
}

#[test]
fn config_file_suppresses_and_exit_code_follows() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("suppress.toml");
    std::fs::write(
        &config,
        "[[suppress]]\ntrait = \"*\"\nresource = \"examples/iac/web-public.yaml#*\"\nreason = \"sandbox account\"\nexpires = 2099-01-01\n",
    )
    .unwrap();
    let out = scan(&[
        "examples/iac/web-public.yaml",
        "--color",
        "never",
        "--config",
        config.to_str().unwrap(),
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("Suppressed\n"), "{text}");
    assert!(
        text.contains(
            "privileged-container on examples/iac/web-public.yaml#WebService: sandbox account"
        ),
        "{text}"
    );
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[[suppress]]\ntrait = \"no-such-trait\"\nresource = \"*\"\nreason = \"x\"\n",
    )
    .unwrap();
    let out = scan(&[
        "examples/iac/web-public.yaml",
        "--config",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    // Named by place and expectation; the value itself is not repeated.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("at `suppress[0].trait`: not a known trait id"),
        "{stderr}"
    );
    assert!(!stderr.contains("no-such-trait"), "{stderr}");
}

/// A template whose task definition a schedule runs (no service): the task definition is a
/// finding of its own, with the network checks listed as not evaluated and why.
#[test]
fn a_scheduled_task_definition_is_a_finding_of_its_own() {
    let out = scan(&["examples/iac/scheduled-task.yaml", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["services_scanned"], 0);
    assert_eq!(doc["summary"]["task_definitions_scanned"], 1);
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{doc:#}");
    let f = &findings[0];
    assert_eq!(f["resource"]["type"], "AWS::ECS::TaskDefinition");
    assert_eq!(f["resource"]["name"], "nightly-report");
    assert_eq!(
        f["resource"]["uid"],
        "examples/iac/scheduled-task.yaml#ReportTask"
    );
    assert_eq!(f["severity"], "MEDIUM");
    let ids: Vec<&str> = f["traits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["privileged-container", "host-pid-namespace"]);
    assert!(
        f["explanation"]
            .as_str()
            .unwrap()
            .contains("its network path was not judged (no service in the input runs it)"),
        "{}",
        f["explanation"]
    );
    for id in ["public-ip", "open-security-group", "internet-reachable"] {
        let n = doc["not_evaluated"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["trait"] == id)
            .unwrap_or_else(|| panic!("{id} is not listed as not evaluated: {doc:#}"));
        assert!(
            n["reason"]
                .as_str()
                .unwrap()
                .starts_with("no service in the input runs this task definition"),
            "{n}"
        );
    }
}

/// A task definition that a service of the same template runs is part of that service's
/// finding only.
#[test]
fn a_task_definition_a_service_runs_is_not_judged_twice() {
    let out = scan(&["examples/iac/web-public.yaml", "--format", "json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["task_definitions_scanned"], 0, "{doc:#}");
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["resource"]["type"] == "AWS::ECS::Service")
    );
}
