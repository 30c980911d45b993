//! Listener rules from every source: snapshot documents, CloudFormation and Terraform plans,
//! through the whole pipeline.

use crate::engine::{Analysis, Severity, analyze};
use crate::load::{Found, Loader, parse_document};
use crate::model::{Inventory, Kind};
use crate::traits::{Facet, TraitId};

const TEMPLATE: &str = include_str!("iac/fixtures/alb-listener-rule.yaml");

fn load(files: &[(&str, &str)]) -> Inventory {
    let mut l = Loader::new();
    for (name, text) in files {
        l.add(name, text.as_bytes()).unwrap();
    }
    let (inv, warnings) = l.finish();
    assert!(warnings.is_empty(), "{warnings:?}");
    inv
}

fn reachable(a: &Analysis) -> &crate::traits::TraitHit {
    a.findings[0]
        .traits
        .iter()
        .find(|t| t.id == TraitId::InternetReachable)
        .unwrap_or_else(|| panic!("not reachable: {:#?}", a.not_evaluated))
}

#[test]
fn snapshot_rules_get_their_listener_from_the_arn() {
    let inv = load(&[(
        "rules.json",
        r#"{"Rules": [
            {"RuleArn": "arn:aws:elasticloadbalancing:us-east-1:1:listener-rule/app/web/5/0f/9a", "Priority": "10",
             "Conditions": [{"Field": "path-pattern", "Values": ["/api/*"]}],
             "Actions": [{"Type": "forward", "TargetGroupArn": "tg"}], "IsDefault": false},
            {"RuleArn": "arn:aws:elasticloadbalancing:us-east-1:1:listener-rule/app/web/5/0f/d3", "Priority": "default",
             "Conditions": [], "Actions": [{"Type": "forward", "TargetGroupArn": "tg"}], "IsDefault": true}]}"#,
    )]);
    assert!(inv.has(Kind::Elbv2Rules));
    assert_eq!(inv.listener_rules.len(), 2);
    let listener = "arn:aws:elasticloadbalancing:us-east-1:1:listener/app/web/5/0f";
    // The default rule is the listener's default actions, judged from the listener.
    let rules: Vec<_> = inv
        .rules_of(listener)
        .map(|r| r.rule_arn.as_str())
        .collect();
    assert_eq!(
        rules,
        ["arn:aws:elasticloadbalancing:us-east-1:1:listener-rule/app/web/5/0f/9a"]
    );
    assert_eq!(inv.rules_forwarding_to("tg").count(), 1);
}

#[test]
fn snapshot_rules_follow_the_shape_rules_of_the_other_kinds() {
    // A wrong type names the path and the command.
    let d = match parse_document(
        "r.json",
        br#"{"Rules": [{"RuleArn": "a", "Priority": {"x": 1}}]}"#,
        Found::Named,
    ) {
        Err(d) => d,
        Ok(_) => panic!("accepted"),
    };
    assert_eq!(d.path.as_deref(), Some("Rules[0].Priority"));
    assert!(
        d.message.contains("aws elbv2 describe-rules"),
        "{}",
        d.message
    );
    // Another tool's `Rules` (EventBridge list-rules) in a walked folder is skipped.
    let other = br#"{"Rules": [{"Name": "nightly", "Arn": "arn:aws:events:us-east-1:1:rule/nightly", "State": "ENABLED"}]}"#;
    assert!(matches!(
        parse_document("events.json", other, Found::Walked),
        Ok(crate::load::Parsed::Unknown(_))
    ));
    // The same rule in two files: kept once, and said.
    let rule = r#"{"Rules": [{"RuleArn": "arn:aws:elasticloadbalancing:us-east-1:1:listener-rule/app/web/5/0f/9a"}]}"#;
    let mut l = Loader::new();
    l.add("a.json", rule.as_bytes()).unwrap();
    l.add("b.json", rule.as_bytes()).unwrap();
    let (inv, warnings) = l.finish();
    assert_eq!(inv.listener_rules.len(), 1);
    assert!(
        warnings.iter().any(|w| w.message.contains("listener rule")),
        "{warnings:?}"
    );
}

#[test]
fn a_json_template_with_a_rules_section_is_read_as_a_template() {
    let template = serde_json::json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Rules": {"ProdOnly": {"Assertions": [{"Assert": {"Fn::Equals": ["a", "a"]}}]}},
        "Resources": {"Cluster": {"Type": "AWS::ECS::Cluster"}}
    });
    let inv = load(&[("stack.template.json", &template.to_string())]);
    assert_eq!(inv.clusters.len(), 1);
}

#[test]
fn cloudformation_listener_rule_is_a_path_from_the_internet() {
    let a = analyze(&load(&[("api.yaml", TEMPLATE)]));
    let f = &a.findings[0];
    // Reachable (Moderate) with a task role (Medium impact): MEDIUM, not LOW.
    assert_eq!(f.severity, Severity::Medium, "{}", f.explanation);
    let hit = reachable(&a);
    assert!(!hit.has(Facet::GuardedLoadBalancerPath));
    let ev = &hit.evidence[0];
    assert!(
        ev.message
            .contains("listener HTTPS :443 → rule 10 (path /api/*) → target group `api`"),
        "{}",
        ev.message
    );
    let rule_step = ev
        .path
        .iter()
        .find(|s| s.resource_type == "AWS::ElasticLoadBalancingV2::ListenerRule")
        .expect("the rule is a step of the path");
    assert_eq!(rule_step.id, "api.yaml#ApiRule");
    // The remediation names the rule and how to narrow it.
    assert!(
        hit.remediation.steps.iter().any(|s| s.starts_with(
            "Listener rule rule 10 (path /api/*) sends matching requests to `ApiService`"
        ) && s
            .contains("aws elbv2 modify-rule --rule-arn api.yaml#ApiRule")
            && s.contains("TargetGroupArn=api.yaml#ApiTargets")),
        "{:#?}",
        hit.remediation.steps
    );
    assert!(
        !a.not_evaluated
            .iter()
            .any(|n| n.reason.contains("listener rules")),
        "{:#?}",
        a.not_evaluated
    );
    // Without the rule, the listener answers 404: no path, and nothing missing.
    let without = TEMPLATE.replace(
        "  ApiRule:\n    Type: AWS::ElasticLoadBalancingV2::ListenerRule",
        "  ApiRule:\n    Type: AWS::CloudFormation::WaitConditionHandle\n    Metadata:\n      was: AWS::ElasticLoadBalancingV2::ListenerRule",
    );
    let a = analyze(&load(&[("api.yaml", &without)]));
    assert!(!a.findings[0].has(TraitId::InternetReachable));
    assert!(
        !a.not_evaluated
            .iter()
            .any(|n| n.trait_id == TraitId::InternetReachable),
        "{:#?}",
        a.not_evaluated
    );
}

#[test]
fn cloudformation_rule_guards_lower_the_likelihood() {
    // Cognito sign-in before the forward.
    let cognito = TEMPLATE.replace(
        "      Actions:\n        - Type: forward\n          Order: 1\n",
        "      Actions:\n        - Type: authenticate-cognito\n          Order: 1\n          AuthenticateCognitoConfig:\n            UserPoolArn: arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_abc\n            UserPoolClientId: client\n            UserPoolDomain: login\n        - Type: forward\n          Order: 2\n",
    );
    assert_ne!(cognito, TEMPLATE);
    let a = analyze(&load(&[("api.yaml", &cognito)]));
    let hit = reachable(&a);
    assert!(hit.has(Facet::GuardedLoadBalancerPath));
    assert!(
        hit.evidence[0]
            .message
            .contains("the caller must first pass sign-in with Amazon Cognito user pool"),
        "{}",
        hit.evidence[0].message
    );
    assert_eq!(
        a.findings[0].severity,
        Severity::Low,
        "{}",
        a.findings[0].explanation
    );
    // A source-ip condition of one public range: a restricted path.
    let restricted = TEMPLATE.replace(
        "            Values: [\"/api/*\"]\n",
        "            Values: [\"/api/*\"]\n        - Field: source-ip\n          SourceIpConfig:\n            Values: [\"203.0.113.0/24\"]\n",
    );
    let a = analyze(&load(&[("api.yaml", &restricted)]));
    let hit = reachable(&a);
    assert!(hit.has(Facet::GuardedLoadBalancerPath));
    assert!(
        hit.evidence[0]
            .message
            .contains("only source IPs 203.0.113.0/24 are admitted"),
        "{}",
        hit.evidence[0].message
    );
    assert_eq!(a.findings[0].severity, Severity::Low);
    // Only private ranges: no path from the internet.
    let private = restricted.replace("203.0.113.0/24", "10.0.0.0/8");
    let a = analyze(&load(&[("api.yaml", &private)]));
    assert!(!a.findings[0].has(TraitId::InternetReachable));
    // A range with host bits set is read by its prefix: 192.168.1.0/0 is the whole internet.
    let all = restricted.replace("203.0.113.0/24", "192.168.1.0/0");
    let a = analyze(&load(&[("api.yaml", &all)]));
    assert!(!reachable(&a).has(Facet::GuardedLoadBalancerPath));
}

#[test]
fn a_forward_of_weight_zero_is_not_a_path() {
    let weighted = TEMPLATE.replace(
        "          TargetGroupArn: !Ref ApiTargets\n  TaskRole:",
        "          ForwardConfig:\n            TargetGroups:\n              - TargetGroupArn: !Ref ApiTargets\n                Weight: 0\n              - TargetGroupArn: arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/canary/1\n                Weight: 100\n  TaskRole:",
    );
    assert_ne!(weighted, TEMPLATE);
    let a = analyze(&load(&[("api.yaml", &weighted)]));
    assert!(!a.findings[0].has(TraitId::InternetReachable));
    // Weight 1 of 101: a path, and the weight is said.
    let a = analyze(&load(&[(
        "api.yaml",
        &weighted.replace("Weight: 0", "Weight: 1"),
    )]));
    let ev = &reachable(&a).evidence[0];
    assert_eq!(ev.details["weight"], "1 of 101");
}

/// A Terraform plan of the same service: `aws_lb_listener_rule` with a weighted `forward`
/// block and a `condition`, its `listener_arn` known only after apply (linked through the
/// configuration).
const PLAN: &str = include_str!("iac/fixtures/alb-listener-rule.plan.json");

#[test]
fn terraform_listener_rule_is_a_path_from_the_internet() {
    let inv = load(&[("plan.json", PLAN)]);
    assert!(inv.has(Kind::Elbv2Rules));
    let a = analyze(&inv);
    let f = &a.findings[0];
    assert_eq!(f.severity, Severity::Medium, "{}", f.explanation);
    let ev = &reachable(&a).evidence[0];
    assert!(
        ev.message
            .contains("→ rule 10 (path /api/* and host api.example.com) → target group `api`"),
        "{}",
        ev.message
    );
    assert!(
        ev.path
            .iter()
            .any(|s| s.id == "plan.json#aws_lb_listener_rule.api")
    );
    // Cognito in front of it.
    let plan: serde_json::Value = serde_json::from_str(PLAN).unwrap();
    let mut guarded = plan.clone();
    let rule = guarded["planned_values"]["root_module"]["resources"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["type"] == "aws_lb_listener_rule")
        .unwrap();
    let forward = rule["values"]["action"][0].clone();
    rule["values"]["action"] = serde_json::json!([
        {"type": "authenticate-oidc", "order": 1, "authenticate_oidc": [{"issuer": "https://login.example.com", "client_secret": "not-read", "on_unauthenticated_request": "authenticate"}]},
        forward
    ]);
    rule["values"]["action"][1]["order"] = 2.into();
    let a = analyze(&load(&[("plan.json", &guarded.to_string())]));
    let hit = reachable(&a);
    assert!(
        hit.has(Facet::GuardedLoadBalancerPath),
        "{:#?}",
        hit.evidence
    );
    assert!(!serde_json::to_string(&a).unwrap().contains("not-read"));
    assert_eq!(a.findings[0].severity, Severity::Low);
}

#[test]
fn rules_not_in_a_snapshot_are_a_gap_when_the_default_action_does_not_reach() {
    // The same account as a snapshot, with no describe-rules output.
    let fixture: serde_json::Value =
        serde_json::from_str(include_str!("../traits/fixtures/internet_reachable.json")).unwrap();
    let case = fixture["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "internet-facing ALB forwarding to tasks in private subnets")
        .unwrap();
    let run = |rules: Option<serde_json::Value>| {
        let mut l = Loader::new();
        for doc in case["documents"].as_array().unwrap() {
            let mut doc = doc.clone();
            if let Some(a) = doc.pointer_mut("/Listeners/0/DefaultActions") {
                *a = serde_json::json!([{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}]);
            }
            l.add("snapshot", &serde_json::to_vec(&doc).unwrap())
                .unwrap();
        }
        if let Some(r) = rules {
            l.add("rules.json", &serde_json::to_vec(&r).unwrap())
                .unwrap();
        }
        analyze(&l.finish().0)
    };
    let a = run(None);
    assert!(!a.findings.iter().any(|f| f.has(TraitId::InternetReachable)));
    assert!(
        a.not_evaluated.iter().any(|n| n.trait_id == TraitId::InternetReachable
            && n.reason.starts_with("listener rules not in the input (add `aws elbv2 describe-rules --listener-arn arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/50dc6c495c0c9188/0f1e2d3c4b5a6978`)")),
        "{:#?}",
        a.not_evaluated
    );
    let tg = "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/73e2d6bc24d8a067";
    let rule = |arn: &str| {
        serde_json::json!({"Rules": [{"RuleArn": arn, "Priority": "5",
            "Conditions": [{"Field": "host-header", "HostHeaderConfig": {"Values": ["web.example.com"]}}],
            "Actions": [{"Type": "forward", "Order": 1, "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": tg, "Weight": 1}]}}],
            "IsDefault": false}]})
    };
    let a = run(Some(rule(
        "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener-rule/app/web/50dc6c495c0c9188/0f1e2d3c4b5a6978/aa11",
    )));
    let ev = &reachable(&a).evidence[0];
    assert!(
        ev.message.contains("rule 5 (host web.example.com)"),
        "{}",
        ev.message
    );
    assert!(
        !a.not_evaluated
            .iter()
            .any(|n| n.reason.contains("listener rules"))
    );
    // A rule of a listener the input does not hold, and one whose ARN names no listener.
    let a = run(Some(rule(
        "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener-rule/app/web/50dc6c495c0c9188/ffff/aa11",
    )));
    assert!(
        a.not_evaluated.iter().any(|n| n.reason.starts_with(
            "listener arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/50dc6c495c0c9188/ffff of listener rule"
        )),
        "{:#?}",
        a.not_evaluated
    );
    let a = run(Some(rule("rule-without-a-listener")));
    assert!(
        a.not_evaluated.iter().any(|n| n.reason.starts_with(
            "listener rule rule-without-a-listener forwards to target group web, but its ARN names no listener"
        )),
        "{:#?}",
        a.not_evaluated
    );
    // A source IP that cannot be read is a gap, not a pass.
    let mut bad = rule(
        "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener-rule/app/web/50dc6c495c0c9188/0f1e2d3c4b5a6978/aa11",
    );
    bad["Rules"][0]["Conditions"] =
        serde_json::json!([{"Field": "source-ip", "SourceIpConfig": {"Values": ["10.0.0.0/33"]}}]);
    let a = run(Some(bad));
    assert!(!a.findings.iter().any(|f| f.has(TraitId::InternetReachable)));
    assert!(
        a.not_evaluated.iter().any(
            |n| n.reason.contains("Conditions[0].SourceIpConfig.Values[0]")
                && !n.reason.contains("10.0.0.0/33")
        ),
        "{:#?}",
        a.not_evaluated
    );
}

#[test]
fn a_weight_zero_rule_beside_a_path_is_said_in_its_evidence() {
    let fixture: serde_json::Value =
        serde_json::from_str(include_str!("../traits/fixtures/internet_reachable.json")).unwrap();
    let case = fixture["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "internet-facing ALB forwarding to tasks in private subnets")
        .unwrap();
    let mut l = Loader::new();
    for doc in case["documents"].as_array().unwrap() {
        l.add("snapshot", &serde_json::to_vec(doc).unwrap())
            .unwrap();
    }
    let tg = "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/73e2d6bc24d8a067";
    let rules = serde_json::json!({"Rules": [{"RuleArn": "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener-rule/app/web/50dc6c495c0c9188/0f1e2d3c4b5a6978/bb22",
        "Priority": "7", "Conditions": [{"Field": "path-pattern", "Values": ["/beta/*"]}],
        "Actions": [{"Type": "forward", "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": tg, "Weight": 0}, {"TargetGroupArn": "other", "Weight": 5}]}}]}]});
    l.add("rules.json", &serde_json::to_vec(&rules).unwrap())
        .unwrap();
    let a = analyze(&l.finish().0);
    let hit = reachable(&a);
    // One path: the default action; the weight-0 rule is named as not counted.
    assert_eq!(hit.evidence.len(), 1);
    let notes = hit.evidence[0].details["not_counted"].to_string();
    assert!(
        notes.contains("rule 7 (path /beta/*)") && notes.contains("weight 0"),
        "{notes}"
    );
}
