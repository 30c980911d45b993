//! Hostile or broken input at the CLI: rules that cannot be read are reported as not
//! evaluated (and fail `--strict`), suppression expiry dates must be real dates, and names from
//! the input never reach the terminal as control characters.

use assert_cmd::Command;
use serde_json::{Value, json};
use std::path::Path;

const WEB: &str = "arn:aws:ecs:us-east-1:111122223333:service/ops/web";

fn cmd(dir: &Path) -> Command {
    let mut c = assert_cmd::cargo::cargo_bin_cmd!("ecs-exposure");
    c.current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1796000000")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    c
}

/// A folder holding the CLI fixture snapshot plus `extra` files (name, content).
fn snapshot_with(extra: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snapshot");
    for entry in std::fs::read_dir(fixture).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
    }
    for (name, content) in extra {
        std::fs::write(dir.path().join(name), content).unwrap();
    }
    dir
}

fn security_group(cidr: &str) -> String {
    json!({"SecurityGroups": [{"GroupId": "sg-0123abcd4567ef890", "VpcId": "vpc-1",
        "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
            "IpRanges": [{"CidrIp": cidr}]}]}]})
    .to_string()
}

#[test]
fn a_rule_that_cannot_be_read_is_not_evaluated_and_fails_strict() {
    for cidr in ["0.0.0.0/33", "not-a-cidr"] {
        let dir = snapshot_with(&[("sg.json", security_group(cidr))]);
        let out = cmd(dir.path())
            .args(["scan", ".", "--format", "json"])
            .output()
            .unwrap();
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        let entry = doc["not_evaluated"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["trait"] == "open-security-group")
            .unwrap_or_else(|| panic!("{cidr}: the rule was dropped: {doc:#}"));
        let reason = entry["reason"].as_str().unwrap();
        assert!(
            reason.starts_with(
                "security group `sg-0123abcd4567ef890` IpPermissions[0].IpRanges[0].CidrIp: the address block is not a valid IPv4 CIDR"
            ),
            "{reason}"
        );
        assert!(!reason.contains(cidr), "{reason}");
        assert_eq!(entry["resources"], json!([WEB]));
        let out = cmd(dir.path())
            .args(["scan", ".", "--strict"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
    }
    // The same group, readable and closed: no entry for its rule.
    let dir = snapshot_with(&[("sg.json", security_group("10.0.0.0/8"))]);
    let out = cmd(dir.path())
        .args(["scan", ".", "--format", "json"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        !doc["not_evaluated"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["reason"].as_str().unwrap().contains("IpPermissions")),
        "{doc:#}"
    );
}

#[test]
fn a_config_expiry_must_be_a_real_date() {
    let dir = snapshot_with(&[(
        "suppress.toml",
        "[[suppress]]\ntrait = \"privileged-container\"\nresource = \"*\"\nreason = \"ok\"\nexpires = \"9999-99-99\"\n".to_string(),
    )]);
    let out = cmd(dir.path())
        .args(["scan", ".", "--config", "suppress.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("ecs-exposure: error: suppress.toml:5:11: at `suppress[0].expires`: the suppression of `privileged-container`: `expires` must be a calendar date written YYYY-MM-DD"),
        "{stderr}"
    );
    assert!(!stderr.contains("9999-99-99"), "{stderr}");
}

#[test]
fn an_inline_expiry_must_be_a_real_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let template = std::fs::read_to_string(root.join("examples/iac/suppressed.yaml"))
        .unwrap()
        .replace("expires: 2099-12-31", "expires: 2099-02-30");
    let plan = r#"{"format_version": "1.2", "planned_values": {"root_module": {"resources": [
      {"address": "aws_security_group.lb", "mode": "managed", "type": "aws_security_group", "name": "lb",
       "values": {"name": "lb", "ingress": [],
         "tags": {"ecs-exposure:suppress:open-security-group": "public load balancer; expires 9999-99-99"}}}]}}}"#;
    for (name, text, named) in [
        (
            "stack.yaml",
            template.as_str(),
            "stack.yaml:19: the suppression of `public-ip`",
        ),
        ("plan.json", plan, "plan.json:"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(name), text).unwrap();
        let out = cmd(dir.path()).args(["scan", "."]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains(named), "{stderr}");
        assert!(stderr.contains("YYYY-MM-DD"), "{stderr}");
        assert!(
            !stderr.contains("02-30") && !stderr.contains("99-99"),
            "{stderr}"
        );
    }
}

#[test]
fn names_with_control_characters_never_reach_the_terminal_raw() {
    let evil = "\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}1m\u{202e}";
    let services = json!({"services": [{
        "serviceArn": format!("arn:aws:ecs:us-east-1:111122223333:service/ops/web{evil}"),
        "serviceName": format!("web{evil}"),
        "clusterArn": "arn:aws:ecs:us-east-1:111122223333:cluster/ops",
        "launchType": "FARGATE",
        "taskDefinition": "arn:aws:ecs:us-east-1:111122223333:task-definition/web:1"}]});
    let td = json!({"taskDefinition": {
        "taskDefinitionArn": "arn:aws:ecs:us-east-1:111122223333:task-definition/web:1",
        "family": "web", "revision": 1, "networkMode": "awsvpc",
        "containerDefinitions": [{"name": format!("app{evil}"), "image": format!("nginx{evil}:1"),
            "privileged": true}]}});
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("services.json"), services.to_string()).unwrap();
    std::fs::write(dir.path().join("td.json"), td.to_string()).unwrap();
    // An unknown document under a hostile file name: named in a warning on stderr.
    std::fs::write(
        dir.path().join(format!("trail{evil}.json")),
        r#"{"Trails": []}"#,
    )
    .unwrap();
    for color in ["never", "always"] {
        let out = cmd(dir.path())
            .args(["scan", ".", "--color", color])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stdout.contains("web\\u{1b}[2J"), "{stdout}");
        assert!(stdout.contains("app\\u{1b}[2J"), "{stdout}");
        assert!(stderr.contains("trail\\u{1b}[2J"), "{stderr}");
        let sgr = regex_lite_sgr(&stdout);
        for (what, text) in [("stdout", sgr.as_str()), ("stderr", stderr.as_str())] {
            assert!(
                !text.contains(['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}']),
                "{color}: raw control character in {what}:\n{text}"
            );
        }
    }
    // Errors too: a broken file with a hostile name.
    std::fs::write(dir.path().join(format!("bad{evil}.json")), "{").unwrap();
    let out = cmd(dir.path()).args(["scan", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("bad\\u{1b}[2J"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
}

/// `text` without the report's own colour sequences (`ESC [ digits/semicolons m`).
fn regex_lite_sgr(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("\u{1b}[") {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 2..];
        let n = tail
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap_or(tail.len());
        if tail[n..].starts_with('m') {
            rest = &tail[n + 1..];
        } else {
            out.push('\u{1b}');
            rest = &rest[i + 1..];
        }
    }
    out.push_str(rest);
    out
}
