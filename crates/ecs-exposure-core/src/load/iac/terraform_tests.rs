//! Terraform plans through the whole pipeline: ids known only after apply linked through the
//! configuration, values unknown until apply reported as possible, never as safe.

use super::tests::{line_of, located, scan};
use crate::traits::TraitId;

const PLAN: &str = include_str!("../../../../../examples/iac/terraform/plan.json");

#[test]
fn terraform_plan_links_unknown_ids_through_configuration() {
    let a = scan("plan.json", PLAN);
    assert_eq!(a.findings.len(), 1);
    let f = &a.findings[0];
    assert_eq!(f.resource.uid, "plan.json#module.web.aws_ecs_service.app");
    // The task definition and security group are new (ids unknown until apply): found
    // through the module's configuration references.
    for id in [
        TraitId::PrivilegedContainer,
        TraitId::HostPidNamespace,
        TraitId::OpenSecurityGroup,
        TraitId::PublicIp,
        TraitId::AdminIamRole,
    ] {
        assert!(f.has(id), "{id} should fire");
    }
    let pid = located(&a, TraitId::HostPidNamespace);
    assert_eq!(
        pid[0],
        (
            "\"pid_mode\": \"host\",".to_string(),
            line_of(PLAN, "aws_ecs_task_definition", "\"pid_mode\"")
        )
    );
    // Subnets come from a module variable: reachability is possible, not ruled out.
    let gap = a
        .not_evaluated
        .iter()
        .find(|n| n.trait_id == TraitId::InternetReachable)
        .expect("unresolved subnets are reported");
    assert!(gap.reason.contains("var.subnet_ids"), "{}", gap.reason);
}

/// `container_definitions` known only after apply: every container check is "possible".
#[test]
fn terraform_unknown_container_definitions_are_possible_not_safe() {
    let plan = r#"{"format_version": "1.2", "planned_values": {"root_module": {"resources": [
      {"address": "aws_ecs_task_definition.t", "mode": "managed", "type": "aws_ecs_task_definition", "name": "t",
       "values": {"family": "t"}},
      {"address": "aws_ecs_service.s", "mode": "managed", "type": "aws_ecs_service", "name": "s", "values": {"name": "s"}}]}},
      "configuration": {"root_module": {"resources": [{"address": "aws_ecs_service.s",
        "expressions": {"task_definition": {"references": ["aws_ecs_task_definition.t.arn", "aws_ecs_task_definition.t"]}}}]}}}"#;
    let a = scan("plan.json", plan);
    for id in [TraitId::PrivilegedContainer, TraitId::PlaintextCredentials] {
        assert!(
            a.not_evaluated.iter().any(|n| n.trait_id == id
                && n.reason
                    .contains("`container_definitions` is known only after apply")),
            "{id}: {:#?}",
            a.not_evaluated
        );
    }
}

/// A service's `load_balancer` whose target group is known only after apply and that no
/// configuration reference names (a module's `dynamic "load_balancer"` block, as in
/// terraform-aws-modules/ecs): the load balancer path is a named gap, never silently no path.
/// A Classic Load Balancer (`elb_name`) is carried, so its path is named as not modelled.
#[test]
fn terraform_unknown_target_group_of_a_service_is_a_gap() {
    let plan = r#"{"format_version": "1.2", "planned_values": {"root_module": {"resources": [
      {"address": "aws_ecs_task_definition.t", "mode": "managed", "type": "aws_ecs_task_definition", "name": "t",
       "values": {"family": "t", "network_mode": "awsvpc", "container_definitions": "[{\"name\":\"app\",\"image\":\"app:1\",\"portMappings\":[{\"containerPort\":80}]}]"}},
      {"address": "aws_ecs_service.s", "mode": "managed", "type": "aws_ecs_service", "name": "s", "values": {"name": "s",
       "load_balancer": [{"container_name": "app", "container_port": 80, "elb_name": null}]}},
      {"address": "aws_ecs_service.c", "mode": "managed", "type": "aws_ecs_service", "name": "c", "values": {"name": "c",
       "load_balancer": [{"container_name": "app", "container_port": 80, "elb_name": "legacy"}]}}]}},
      "configuration": {"root_module": {"resources": [
        {"address": "aws_ecs_service.s", "expressions": {"task_definition": {"references": ["aws_ecs_task_definition.t.arn", "aws_ecs_task_definition.t"]}}},
        {"address": "aws_ecs_service.c", "expressions": {"task_definition": {"references": ["aws_ecs_task_definition.t.arn", "aws_ecs_task_definition.t"]}}}]}}}"#;
    let a = scan("plan.json", plan);
    let gaps: Vec<&str> = a
        .not_evaluated
        .iter()
        .filter(|n| n.trait_id == TraitId::InternetReachable)
        .map(|n| n.reason.as_str())
        .collect();
    assert!(
        gaps.iter()
            .any(|r| r.contains("`loadBalancers[0].targetGroupArn`")
                && r.contains("aws_ecs_service.s")
                && r.contains("known only after apply")),
        "{gaps:#?}"
    );
    assert!(
        gaps.iter()
            .any(|r| r.contains("Classic Load Balancer legacy")),
        "{gaps:#?}"
    );
    assert!(
        !gaps
            .iter()
            .any(|r| r.contains("targetGroupArn") && r.contains("aws_ecs_service.c")),
        "{gaps:#?}"
    );
}
