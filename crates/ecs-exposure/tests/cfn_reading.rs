//! The CLI on the templates of real repositories: one file that cannot be loaded never stops
//! the others, templates CloudFormation accepts are read, nested stacks are followed.

use serde_json::Value;
use std::path::Path;

fn scan(dir: &Path, args: &[&str]) -> std::process::Output {
    assert_cmd::cargo::cargo_bin_cmd!("ecs-exposure")
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1796000000")
        .arg("scan")
        .args(args)
        .output()
        .unwrap()
}

const PRIVILEGED: &str = r#"
Parameters:
  Port:
    Type: Number
    Default: 8080
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: web
          Image: nginx
          Privileged: "true"
          PortMappings: [{ContainerPort: "80"}]
          Environment:
            - {Name: PORT, Value: !Ref Port}
  Service:
    Type: AWS::ECS::Service
    Properties:
      TaskDefinition: !Ref Task
      NetworkConfiguration:
        AwsvpcConfiguration:
          AssignPublicIp: ENABLED
          Subnets: [subnet-1]
"#;

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

#[test]
fn a_broken_file_in_a_folder_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "repo/app.yaml", PRIVILEGED);
    write(dir.path(), "repo/broken.yaml", "Resources:\n  A: [\n");
    write(
        dir.path(),
        "repo/td.json",
        r#"{"family": "x", "containerDefinitions": [{"privileged": "yes"}]}"#,
    );
    let out = scan(dir.path(), &["repo", "--format", "json"]);
    // The scan is incomplete: an error exit, after the report.
    assert_eq!(out.status.code(), Some(2));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["resource"]["uid"] == "repo/app.yaml#Service"),
        "{doc:#}"
    );
    let warnings = doc["warnings"].to_string();
    for f in ["repo/broken.yaml", "repo/td.json"] {
        assert!(warnings.contains(f), "{warnings}");
    }
    assert!(warnings.contains("not loaded"), "{warnings}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("error: repo/broken.yaml:3:1"), "{err}");
    assert!(err.contains("2 file(s)"), "{err}");
    assert!(err.contains("the scan is incomplete"), "{err}");
    // The same file named on the command line stays an error, with no report.
    let out = scan(dir.path(), &["repo/app.yaml", "repo/broken.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

/// The templates that stopped folder scans before: a `Number` parameter as an environment
/// value, quoted ports and booleans, a policy name that cannot be resolved, `run-task` input.
#[test]
fn templates_cloudformation_accepts_are_read() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "repo/app.yaml", PRIVILEGED);
    write(
        dir.path(),
        "repo/iam.yaml",
        r#"
Parameters:
  Env: {Type: String}
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: []}
      Policies:
        - PolicyName: !Sub "app-${Env}"
          PolicyDocument: {Statement: []}
"#,
    );
    write(
        dir.path(),
        "repo/run-task.json",
        r#"{"cluster": "c", "taskDefinition": "web:1", "overrides": {}}"#,
    );
    let out = scan(dir.path(), &["repo", "--color", "never"]);
    let err = String::from_utf8(out.stderr).unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{err}\n{text}");
    assert!(!err.contains("error"), "{err}");
    assert!(text.contains("privileged-container"), "{text}");
    assert!(err.contains("`aws ecs run-task`"), "{err}");
}

const PARENT: &str = r#"
Resources:
  Network:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./network.yaml
  App:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: app/service.yaml
      Parameters:
        SecurityGroup: !GetAtt Network.Outputs.WebSg
  Escape:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ../outside/network.yaml
  Linked:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./link.yaml
  Remote:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://s3.amazonaws.com/bucket/x.yaml
"#;

const NETWORK: &str = r#"
Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      VpcId: vpc-1
      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: 0.0.0.0/0}]
Outputs:
  WebSg:
    Value: !Ref Sg
"#;

const SERVICE: &str = r#"
Parameters:
  SecurityGroup: {Type: String}
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      NetworkMode: awsvpc
      ContainerDefinitions:
        - {Name: web, Image: nginx, Privileged: true}
  Service:
    Type: AWS::ECS::Service
    Properties:
      TaskDefinition: !Ref Task
      NetworkConfiguration:
        AwsvpcConfiguration:
          AssignPublicIp: ENABLED
          SecurityGroups: [!Ref SecurityGroup]
          Subnets: [subnet-1]
"#;

/// A folder holding a parent template and its nested stacks' templates: the children are
/// read once, as part of the parent, with what it passes; a `TemplateURL` that leads out of
/// the folder (by `..` or a symbolic link) is refused, a remote one named.
#[test]
fn nested_stacks_are_followed_inside_the_folder_only() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "repo/parent.yaml", PARENT);
    write(dir.path(), "repo/network.yaml", NETWORK);
    write(dir.path(), "repo/app/service.yaml", SERVICE);
    write(dir.path(), "outside/network.yaml", NETWORK);
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        dir.path().join("outside/network.yaml"),
        dir.path().join("repo/link.yaml"),
    )
    .unwrap();
    let out = scan(dir.path(), &["repo", "--format", "json"]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{err}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["services_scanned"], 1, "{doc:#}");
    let f = &doc["findings"][0];
    assert_eq!(f["resource"]["uid"], "repo/parent.yaml#App/Service");
    let traits = f["traits"].to_string();
    assert!(traits.contains("open-security-group"), "{traits}");
    assert!(traits.contains("repo/app/service.yaml"), "{traits}");
    for (stack, why) in [
        ("Escape", "outside the folder being scanned"),
        ("Remote", "not a local file"),
        #[cfg(unix)]
        ("Linked", "outside the folder being scanned"),
    ] {
        let line = err
            .lines()
            .find(|l| l.contains(&format!("nested stack `{stack}`")))
            .unwrap_or_else(|| panic!("{stack} is not named: {err}"));
        assert!(line.contains(why), "{line}");
    }
    assert!(
        doc["warnings"]
            .to_string()
            .contains("nested stack `Escape`")
    );
    // Resources that may exist and were not read: `--strict` fails.
    let out = scan(dir.path(), &["repo", "--strict"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("nested stack(s) were not followed"), "{err}");
}
