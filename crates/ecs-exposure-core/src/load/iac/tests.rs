//! CloudFormation templates through the whole pipeline: recognition, conversion, traits, and
//! the line each piece of evidence points at.

use crate::engine::analyze;
use crate::load::{Found, Loader};
use crate::traits::TraitId;

const WEB_YAML: &str = include_str!("../../../../../examples/iac/web-public.yaml");
const WEB_JSON: &str = include_str!("../../../../../examples/iac/web-public.template.json");
const TRAPS: &str = include_str!("../../../../../examples/iac/private-traps.yaml");

pub(super) fn scan(name: &str, text: &str) -> crate::engine::Analysis {
    let mut l = Loader::new();
    l.add(name, text.as_bytes()).unwrap();
    let (inv, warnings) = l.finish();
    assert!(warnings.is_empty(), "{warnings:?}");
    analyze(&inv)
}

/// The line of the first line of `text` containing `needle` (after `after`).
pub(super) fn line_of(text: &str, after: &str, needle: &str) -> usize {
    let start = text.find(after).unwrap();
    let at = start + text[start..].find(needle).unwrap();
    text[..at].matches('\n').count() + 1
}

pub(super) fn located(a: &crate::engine::Analysis, id: TraitId) -> Vec<(String, usize)> {
    let f = &a.findings[0];
    f.traits
        .iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("{id} did not fire"))
        .evidence
        .iter()
        .map(|e| {
            let l = e.location.as_ref().expect("IaC evidence has a location");
            (
                l.snippet
                    .as_ref()
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
                l.line,
            )
        })
        .collect()
}

#[test]
fn yaml_template_fires_and_points_at_lines() {
    let a = scan("stack.yaml", WEB_YAML);
    assert_eq!(a.findings.len(), 1);
    let f = &a.findings[0];
    assert_eq!(f.resource.uid, "stack.yaml#WebService");
    assert_eq!(f.resource.resource_type, "AWS::ECS::Service");
    for id in [
        TraitId::PrivilegedContainer,
        TraitId::HostPidNamespace,
        TraitId::OpenSecurityGroup,
        TraitId::PublicIp,
        TraitId::AdminIamRole,
        TraitId::InternetReachable,
    ] {
        assert!(f.has(id), "{id} should fire");
    }
    let priv_line = line_of(WEB_YAML, "ContainerDefinitions", "Privileged: true");
    assert_eq!(
        located(&a, TraitId::PrivilegedContainer),
        vec![("Privileged: true".to_string(), priv_line)]
    );
    assert_eq!(
        located(&a, TraitId::PublicIp),
        vec![(
            // Every value but booleans, null, ports and the fixed words of the settings judged
            // is masked (see `model::Snippet`).
            "AssignPublicIp: ENABLED".to_string(),
            line_of(WEB_YAML, "WebService:", "AssignPublicIp")
        )]
    );
    let sg = located(&a, TraitId::OpenSecurityGroup);
    assert!(sg.iter().all(|(s, _)| s == "CidrIp: 0.0.0.0/0"), "{sg:?}");
    assert!(sg.contains(&(
        "CidrIp: 0.0.0.0/0".to_string(),
        line_of(WEB_YAML, "WebSGSsh:", "CidrIp")
    )));
    assert_eq!(
        located(&a, TraitId::HostPidNamespace),
        vec![(
            "PidMode: host".to_string(),
            line_of(WEB_YAML, "TaskDef:", "PidMode")
        )]
    );
    let admin = located(&a, TraitId::AdminIamRole);
    assert_eq!(
        admin[0],
        (
            "****".to_string(),
            line_of(WEB_YAML, "ManagedPolicyArns", "AdministratorAccess")
        )
    );
}

#[test]
fn parameter_without_default_is_a_possible_gap_not_a_pass() {
    let a = scan("stack.yaml", WEB_YAML);
    let gap = a
        .not_evaluated
        .iter()
        .find(|n| n.trait_id == TraitId::PrivilegedContainer)
        .expect("the unresolved Privileged value is reported");
    assert!(gap.reason.starts_with("possible:"), "{}", gap.reason);
    assert!(gap.reason.contains("`AgentPrivileged`"), "{}", gap.reason);
    assert!(gap.reason.contains("containerDefinitions[1].privileged"));
    assert_eq!(gap.resources, vec!["stack.yaml#WebService"]);
}

#[test]
fn json_template_gives_the_same_findings() {
    let y = scan("stack.yaml", WEB_YAML);
    let j = scan("stack.template.json", WEB_JSON);
    let ids = |a: &crate::engine::Analysis| {
        a.findings[0]
            .traits
            .iter()
            .map(|t| t.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&y), ids(&j));
    assert_eq!(y.findings[0].severity, j.findings[0].severity);
    let l = located(&j, TraitId::PrivilegedContainer);
    assert_eq!(l[0].0, "\"Privileged\": true,");
    assert_eq!(
        l[0].1,
        line_of(WEB_JSON, "ContainerDefinitions", "\"Privileged\": true")
    );
}

#[test]
fn traps_do_not_fire() {
    let a = scan("traps.yaml", TRAPS);
    assert_eq!(a.services_scanned, 1);
    assert!(a.findings.is_empty(), "{:#?}", a.findings);
    // Only the Inspector checks lack data; nothing is left unresolved.
    assert!(
        a.not_evaluated
            .iter()
            .all(|n| crate::traits::def(n.trait_id)
                .reads_any(&[crate::model::Kind::InspectorFindings])),
        "{:#?}",
        a.not_evaluated
    );
}

#[test]
fn non_template_yaml_is_skipped_with_a_warning() {
    let compose = b"services:\n  web:\n    image: nginx\n";
    let mut l = Loader::new();
    l.add_found("compose.yaml", compose, Found::Walked).unwrap();
    let (_, w) = l.finish();
    assert_eq!(w.len(), 1);
    assert!(w[0].message.ends_with("; skipped"), "{}", w[0].message);
    // Named on the command line, it is an error.
    let e = Loader::new().add("compose.yaml", compose).unwrap_err();
    assert!(
        e.message
            .starts_with("YAML that is not a CloudFormation template"),
        "{e}"
    );
    assert!(!e.message.contains("skipped"), "{e}");
    let e = Loader::new()
        .add("bad.yaml", b"Resources: [\n")
        .unwrap_err();
    assert!(e.message.starts_with("not valid YAML"), "{e}");
}

#[test]
fn import_value_is_unresolved() {
    let t = "Resources:\n  S:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: !ImportValue shared-td\n";
    let a = scan("s.yaml", t);
    assert!(
        a.not_evaluated
            .iter()
            .any(|n| n.reason.contains("imported from another stack")),
        "{:#?}",
        a.not_evaluated
    );
}

#[test]
fn text_report_snapshot() {
    let a = scan("examples/iac/web-public.yaml", WEB_YAML);
    let opts = crate::report::ReportOptions {
        min_severity: crate::engine::Severity::Low,
        warnings: Vec::new(),
        tool_version: "0.0.0".into(),
        time: crate::report::ScanTime {
            rfc3339: "2026-11-30T00:00:00Z".into(),
            epoch_ms: 0,
        },
        threads: 1,
        what_if: Default::default(),
    };
    let text = crate::report::text::render(&a, &opts, false);
    assert!(text.contains("--> examples/iac/web-public.yaml:"));
    insta::assert_snapshot!(text);
}

#[test]
fn terraform_tags_and_cloudformation_metadata_carry_suppressions() {
    let plan = r#"{"format_version": "1.2", "planned_values": {"root_module": {"resources": [
      {"address": "aws_security_group.lb", "mode": "managed", "type": "aws_security_group", "name": "lb",
       "values": {"name": "lb", "ingress": [],
         "tags": {"ecs-exposure:suppress:open-security-group": "public load balancer; expires 2027-06-30"}}}]}}}"#;
    let mut l = Loader::new();
    l.add("plan.json", plan.as_bytes()).unwrap();
    let (inv, _) = l.finish();
    assert_eq!(inv.suppressions.len(), 1);
    let s = &inv.suppressions[0];
    assert_eq!(
        (
            s.trait_id.as_str(),
            s.resource.as_str(),
            s.reason.as_str(),
            s.expires.as_deref()
        ),
        (
            "open-security-group",
            "plan.json#aws_security_group.lb",
            "public load balancer",
            Some("2027-06-30")
        )
    );
    let mut l = Loader::new();
    l.add(
        "s.yaml",
        include_bytes!("../../../../../examples/iac/suppressed.yaml"),
    )
    .unwrap();
    let (inv, _) = l.finish();
    assert_eq!(inv.suppressions.len(), 2);
    assert_eq!(inv.suppressions[0].resource, "s.yaml#DemoService");
    assert_eq!(inv.suppressions[0].expires.as_deref(), Some("2099-12-31"));
}

/// Side by side with Checkov's ECS fixtures (examples/iac/checkov-side-by-side): the
/// problems they cover are caught from CloudFormation and from a real Terraform plan.
#[test]
fn checkov_side_by_side() {
    let cfn = scan(
        "template.yaml",
        include_str!(
            "../../../../../examples/iac/checkov-side-by-side/cloudformation/template.yaml"
        ),
    );
    let plan = scan(
        "plan.json",
        include_str!("../../../../../examples/iac/checkov-side-by-side/terraform/plan.json"),
    );
    for (a, names) in [
        (
            &cfn,
            [
                "privileged",
                "pidhost",
                "writable",
                "publicip",
                "clean",
                "fargateold",
                "samerole",
            ],
        ),
        (
            &plan,
            [
                "privileged",
                "pid_host",
                "writable",
                "public-ip",
                "clean",
                "fargate-old",
                "same-role",
            ],
        ),
    ] {
        let has = |service: &str, id: TraitId| {
            a.findings
                .iter()
                .any(|f| f.resource.name == service && f.has(id))
        };
        assert!(has(names[0], TraitId::PrivilegedContainer));
        assert!(has(names[1], TraitId::HostPidNamespace));
        assert!(has(names[2], TraitId::WritableRootFilesystem));
        assert!(has(names[3], TraitId::PublicIp));
        assert!(has(names[5], TraitId::OutdatedFargatePlatform));
        assert!(has(names[6], TraitId::TaskRoleIsExecutionRole));
        for id in [
            TraitId::PrivilegedContainer,
            TraitId::HostPidNamespace,
            TraitId::WritableRootFilesystem,
            TraitId::PublicIp,
            TraitId::OutdatedFargatePlatform,
            TraitId::TaskRoleIsExecutionRole,
        ] {
            assert!(!has(names[4], id), "clean service has {id}");
        }
        assert_eq!(a.services_scanned, 7);
    }
}

const CDK_NET: &str =
    include_str!("../../../../../examples/iac/cdk-app/cdk.out/NetworkStack.template.json");
const CDK_SVC: &str =
    include_str!("../../../../../examples/iac/cdk-app/cdk.out/ServiceStack.template.json");

/// A CDK app of two stacks: the service stack imports the VPC and subnets from the network
/// stack's exports, which resolve when both templates are scanned together (in any order).
#[test]
fn cdk_multi_stack_imports_resolve_across_templates() {
    for order in [
        [
            ("NetworkStack.template.json", CDK_NET),
            ("ServiceStack.template.json", CDK_SVC),
        ],
        [
            ("ServiceStack.template.json", CDK_SVC),
            ("NetworkStack.template.json", CDK_NET),
        ],
    ] {
        let mut l = Loader::new();
        for (name, text) in order {
            l.add(name, text.as_bytes()).unwrap();
        }
        let a = analyze(&l.finish().0);
        assert_eq!(a.findings.len(), 1);
        let f = &a.findings[0];
        assert_eq!(
            f.resource.uid,
            "ServiceStack.template.json#WebService4C7C9B1E"
        );
        assert_eq!(f.severity, crate::engine::Severity::High);
        assert!(f.has(TraitId::InternetReachable) && f.has(TraitId::AdminIamRole));
        assert!(
            a.not_evaluated
                .iter()
                .all(|n| !n.reason.contains("imported")),
            "{:#?}",
            a.not_evaluated
        );
        let admin = located(&a, TraitId::AdminIamRole);
        assert_eq!(admin[0].0, "\"Action\": \"*\",");
    }
    // The service stack alone: the imports stay unresolved and say so.
    let a = scan("ServiceStack.template.json", CDK_SVC);
    assert!(
        a.not_evaluated
            .iter()
            .any(|n| n.trait_id == TraitId::InternetReachable
                && n.reason.contains(
                    "NetworkStack:ExportsOutputRefVpcPrivateSubnet1Subnet536B997AFD5B6ED4"
                )),
        "{:#?}",
        a.not_evaluated
    );
}

/// Snippets are output too: a credential in an environment entry never appears in any report
/// (YAML, JSON template, Terraform's `container_definitions` string).
#[test]
fn snippets_never_show_credentials() {
    const KEY: &str = "q8Vh3kLm9Zx2Rt6Yp1Wn4Bc7Df0Gj5Hs8Ka3Qe6U";
    let yaml = format!(
        "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: app\n          Image: nginx\n          Environment:\n            - Name: AWS_ACCESS_KEY_ID\n              Value: AKIAZ7QXW3PLMN4RTV2B\n            - {{Name: AWS_SECRET_ACCESS_KEY, Value: {KEY}}}\n  S:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: !Ref T\n"
    );
    let json = format!(
        r#"{{"Resources": {{"T": {{"Type": "AWS::ECS::TaskDefinition", "Properties": {{"ContainerDefinitions": [
  {{"Name": "app", "Environment": [
    {{"Name": "AWS_SECRET_ACCESS_KEY", "Value": "{KEY}"}}]}}]}}}},
  "S": {{"Type": "AWS::ECS::Service", "Properties": {{"TaskDefinition": {{"Ref": "T"}}}}}}}}}}"#
    );
    let defs = format!(
        r#"[{{\"name\":\"app\",\"environment\":[{{\"name\":\"AWS_SECRET_ACCESS_KEY\",\"value\":\"{KEY}\"}}]}}]"#
    );
    let plan = format!(
        r#"{{"format_version": "1.2", "planned_values": {{"root_module": {{"resources": [
  {{"address": "aws_ecs_task_definition.t", "mode": "managed", "type": "aws_ecs_task_definition", "name": "t",
    "values": {{"family": "t", "container_definitions": "{defs}"}}}},
  {{"address": "aws_ecs_service.s", "mode": "managed", "type": "aws_ecs_service", "name": "s",
    "values": {{"name": "s"}}}}]}}}},
  "configuration": {{"root_module": {{"resources": [{{"address": "aws_ecs_service.s",
    "expressions": {{"task_definition": {{"references": ["aws_ecs_task_definition.t.arn", "aws_ecs_task_definition.t"]}}}}}}]}}}}}}"#
    );
    for (name, text) in [
        ("c.yaml", yaml),
        ("c.template.json", json),
        ("plan.json", plan),
    ] {
        let a = scan(name, &text);
        assert!(a.findings[0].has(TraitId::PlaintextCredentials), "{name}");
        let opts = crate::report::ReportOptions {
            min_severity: crate::engine::Severity::Informational,
            warnings: Vec::new(),
            tool_version: "0".into(),
            time: crate::report::ScanTime {
                rfc3339: "2026-11-30T00:00:00Z".into(),
                epoch_ms: 0,
            },
            threads: 1,
            what_if: Default::default(),
        };
        let mut outputs = vec![crate::report::text::render(&a, &opts, false).into_bytes()];
        for write in [
            crate::report::json::write,
            crate::report::sarif::write,
            crate::report::ocsf::write,
        ] {
            let mut out = Vec::new();
            write(&a, &opts, &mut out).unwrap();
            outputs.push(out);
        }
        for out in outputs {
            let out = String::from_utf8(out).unwrap();
            assert!(
                !out.contains(KEY) && !out.contains("Z7QXW3PLMN4RTV2B"),
                "{name}: {out}"
            );
            assert!(out.contains("q8Vh****") || out.contains("****"), "{name}");
        }
    }
}

/// A credential in a block scalar whose text reads like a YAML key (`AKIA…: …`): the evidence
/// points at the scalar's first line of text, which is a value, not a key, so its snippet
/// masks it whole. Found by the `no_secret_leaks` property test (block scalar, `command`).
#[test]
fn a_block_scalar_line_is_a_value_in_its_snippet() {
    let t = "Resources:
  T:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: web
          Image: nginx
          Command:
            - run
            - --db-password
            - |-
              AKIAAaAa0bB1: AAB2CD0A
          Environment:
            - Name: DB_PASSWORD
              Value: >-  # folded
                AKIAQq7Zp0bB1: Zq8vLr2KmT9xw4Pq
";
    let a = scan("block.yaml", t);
    let snippets: Vec<String> = a
        .findings
        .iter()
        .flat_map(|f| &f.traits)
        .filter(|t| t.id == TraitId::PlaintextCredentials)
        .flat_map(|t| &t.evidence)
        .filter_map(|e| e.location.as_ref()?.snippet.as_ref())
        .map(|s| s.to_string())
        .collect();
    // The environment value's evidence points at its `Value:` key (the header shows, the
    // text does not); the command argument's at its text, masked whole.
    assert_eq!(snippets, ["Value: >-", "****"], "{snippets:?}");
    // A key line after a block scalar is still shown as a key.
    let privileged = "Resources:
  T:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: web
          Command:
            - |
              echo hello
          Privileged: true
";
    let a = scan("after.yaml", privileged);
    assert_eq!(
        located(&a, TraitId::PrivilegedContainer)[0].0,
        "Privileged: true"
    );
}

/// A parameter whose default refers to itself (used as an image and as `Privileged`): the
/// scan finishes, and the values are unresolved with the cycle named, so the privileged
/// trait is a possible gap rather than a pass.
#[test]
fn intrinsic_cycles_are_unresolved_values() {
    let t = "Parameters:
  Tag: {Type: String, Default: !Ref Tag}
  A: {Type: String, Default: !Ref B}
  B: {Type: String, Default: !Ref A}
Resources:
  TD:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: app
          Image: !Ref Tag
          Privileged: !Ref A
  S:
    Type: AWS::ECS::Service
    Properties:
      TaskDefinition: !Ref TD
";
    let a = scan("cycle.yaml", t);
    let gap = a
        .not_evaluated
        .iter()
        .find(|n| n.trait_id == TraitId::PrivilegedContainer)
        .expect("the unresolved Privileged value is reported");
    assert!(gap.reason.starts_with("possible:"), "{}", gap.reason);
    assert!(
        gap.reason.contains("parameter cycle A → B → A"),
        "{}",
        gap.reason
    );
    let mut l = Loader::new();
    l.add("cycle.yaml", t.as_bytes()).unwrap();
    let (inv, _) = l.finish();
    assert!(
        inv.unresolved
            .iter()
            .any(|u| u.field.ends_with("image") && u.reason.contains("parameter cycle Tag → Tag")),
        "{:#?}",
        inv.unresolved
    );
}

/// A property given twice (the later one would hide the first from the scan, not from a
/// reviewer): an error naming both lines, in YAML and JSON templates, however found.
#[test]
fn duplicate_keys_in_templates_are_errors() {
    let yaml = "Resources:
  TD:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: app
          Privileged: true
          Image: nginx
          Privileged: false
";
    let json = "{\"Resources\": {\"TD\": {\"Type\": \"AWS::ECS::TaskDefinition\",
  \"Properties\": {\"ContainerDefinitions\": [{\"Name\": \"app\", \"Privileged\": true,
  \"Privileged\": false}]}}}}";
    for (name, text, expected) in [
        (
            "file.yaml",
            yaml,
            "file.yaml:9:11: duplicate key `Privileged` (first at line 7)",
        ),
        (
            "t.template.json",
            json,
            "t.template.json:3:3: duplicate key `Privileged` (first at line 2)",
        ),
    ] {
        for found in [Found::Named, Found::Walked] {
            let e = Loader::new()
                .add_found(name, text.as_bytes(), found)
                .unwrap_err();
            assert_eq!(e.to_string(), expected);
        }
    }
}

/// A 12 KB file of `- - - - … x` (not a template): an error naming the file and the line
/// where the nesting limit is crossed, not a stack overflow.
#[test]
fn deeply_nested_yaml_is_an_error() {
    let text = format!("{}x\n", "- ".repeat(6_000));
    for found in [Found::Named, Found::Walked] {
        let e = Loader::new()
            .add_found("deep.yaml", text.as_bytes(), found)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "deep.yaml:1:257: nesting deeper than 128 levels (limit MAX_NESTING)"
        );
    }
    let json = format!(
        "{{\"Resources\": {{\"T\": {{\"Type\": \"AWS::ECS::Service\", \"Properties\": {}1{}}}}}}}",
        "{\"a\": ".repeat(200),
        "}".repeat(200)
    );
    let e = Loader::new()
        .add_found("t.template.json", json.as_bytes(), Found::Walked)
        .unwrap_err();
    assert!(e.message.contains("limit MAX_NESTING"), "{e}");
}
