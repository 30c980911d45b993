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
    assert!(text.contains("4 services scanned"), "{text}");
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
