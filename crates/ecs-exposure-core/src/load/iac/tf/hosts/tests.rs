use crate::engine::{Analysis, analyze};
use crate::load::Loader;
use crate::model::{Inventory, LaunchPublicIp};
use crate::traits::TraitId;
use serde_json::{Value, json};

const PLAN: &str = include_str!("../../fixtures/ec2-hosts.tfplan.json");
const F: &str = "plan.json#";

fn plan() -> Value {
    serde_json::from_str(PLAN).unwrap()
}

fn load(plan: &Value) -> Inventory {
    let mut l = Loader::new();
    l.add("plan.json", &serde_json::to_vec(plan).unwrap())
        .unwrap();
    let (inv, warnings) = l.finish();
    assert!(warnings.is_empty(), "{warnings:?}");
    inv
}

fn find<'a>(list: &'a mut Value, address: &str) -> &'a mut Value {
    list.as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["address"] == address)
        .unwrap()
}

/// The planned values of `address`.
fn values<'a>(plan: &'a mut Value, address: &str) -> &'a mut Value {
    &mut find(
        &mut plan["planned_values"]["root_module"]["resources"],
        address,
    )["values"]
}

/// The configuration expressions of `address`.
fn exprs<'a>(plan: &'a mut Value, address: &str) -> &'a mut Value {
    &mut find(
        &mut plan["configuration"]["root_module"]["resources"],
        address,
    )["expressions"]
}

/// Adds a resource with its planned values and configuration expressions.
fn add(plan: &mut Value, address: &str, ty: &str, values: Value, expressions: Value) {
    let name = address.rsplit('.').next().unwrap();
    plan["planned_values"]["root_module"]["resources"]
        .as_array_mut()
        .unwrap()
        .push(json!({"address": address, "mode": "managed", "type": ty, "name": name, "values": values}));
    plan["configuration"]["root_module"]["resources"]
        .as_array_mut()
        .unwrap()
        .push(json!({"address": address, "mode": "managed", "type": ty, "name": name, "expressions": expressions}));
}

fn has(a: &Analysis, t: TraitId) -> bool {
    a.findings.iter().any(|f| f.has(t))
}

const LT: &str = "aws_launch_template.hosts";
const ASG: &str = "aws_autoscaling_group.hosts";

#[test]
fn user_data_referring_to_the_cluster_links_the_group() {
    let inv = load(&plan());
    let g = &inv.host_groups[&format!("{F}{ASG}")];
    assert_eq!(g.cluster, format!("{F}aws_ecs_cluster.main"));
    assert_eq!(
        g.link,
        "the `user_data` of `aws_launch_template.hosts`, which refers to `aws_ecs_cluster.main.name`"
    );
    assert_eq!(g.launch.as_deref(), Some(&*format!("{F}{LT}")));
    assert_eq!(g.subnets, [format!("{F}aws_subnet.public")]);
    assert_eq!(g.security_groups, [format!("{F}aws_security_group.hosts")]);
    assert_eq!(g.public_ip, LaunchPublicIp::SubnetDefault);
    assert!(g.gaps.is_empty(), "{:?}", g.gaps);
    let a = analyze(&inv);
    for t in [
        TraitId::OpenSecurityGroup,
        TraitId::PublicIp,
        TraitId::InternetReachable,
    ] {
        assert!(has(&a, t), "{t}: {:#?}", a.not_evaluated);
    }
    let f = &a.findings[0];
    let reach = f
        .traits
        .iter()
        .find(|t| t.id == TraitId::InternetReachable)
        .unwrap();
    assert!(
        reach.evidence[0].message.contains(
            "the instances of Auto Scaling group `plan.json#aws_autoscaling_group.hosts`"
        ),
        "{}",
        reach.evidence[0].message
    );
}

#[test]
fn a_literal_ecs_cluster_in_base64_user_data_links_the_group() {
    let mut p = plan();
    exprs(&mut p, LT)
        .as_object_mut()
        .unwrap()
        .remove("user_data");
    let inv = load(&p);
    let g = &inv.host_groups[&format!("{F}{ASG}")];
    assert_eq!(g.cluster, format!("{F}aws_ecs_cluster.main"));
    assert_eq!(
        g.link,
        "`ECS_CLUSTER=web` in the `user_data` of `aws_launch_template.hosts`"
    );
}

#[test]
fn a_capacity_provider_links_the_group_and_a_private_launch_template_has_no_public_ip() {
    let mut p = plan();
    exprs(&mut p, LT)
        .as_object_mut()
        .unwrap()
        .remove("user_data");
    values(&mut p, LT)
        .as_object_mut()
        .unwrap()
        .remove("user_data");
    values(&mut p, LT)["network_interfaces"] =
        json!([{"device_index": 0, "associate_public_ip_address": "false", "security_groups": []}]);
    add(
        &mut p,
        "aws_ecs_capacity_provider.hosts",
        "aws_ecs_capacity_provider",
        json!({"name": "hosts", "auto_scaling_group_provider": [{"managed_termination_protection": "DISABLED"}]}),
        json!({"name": {"constant_value": "hosts"}, "auto_scaling_group_provider": [{"auto_scaling_group_arn": {"references": ["aws_autoscaling_group.hosts.arn", "aws_autoscaling_group.hosts"]}}]}),
    );
    add(
        &mut p,
        "aws_ecs_cluster_capacity_providers.main",
        "aws_ecs_cluster_capacity_providers",
        json!({"cluster_name": "web", "capacity_providers": ["hosts"]}),
        json!({"cluster_name": {"references": ["aws_ecs_cluster.main.name", "aws_ecs_cluster.main"]},
            "capacity_providers": {"references": ["aws_ecs_capacity_provider.hosts.name", "aws_ecs_capacity_provider.hosts"]}}),
    );
    let inv = load(&p);
    let g = &inv.host_groups[&format!("{F}{ASG}")];
    assert_eq!(g.cluster, format!("{F}aws_ecs_cluster.main"));
    assert_eq!(
        g.link,
        "capacity provider `aws_ecs_capacity_provider.hosts` (named in `aws_ecs_cluster_capacity_providers.main`)"
    );
    assert!(matches!(
        g.public_ip,
        LaunchPublicIp::Set { public: false, .. }
    ));
    let a = analyze(&inv);
    assert!(has(&a, TraitId::OpenSecurityGroup));
    assert!(!has(&a, TraitId::PublicIp) && !has(&a, TraitId::InternetReachable));
}

#[test]
fn without_hosts_the_gap_names_what_to_add() {
    let mut p = plan();
    for part in [
        ["planned_values", "root_module"],
        ["configuration", "root_module"],
    ] {
        p[part[0]][part[1]]["resources"]
            .as_array_mut()
            .unwrap()
            .retain(|r| r["address"] != ASG);
    }
    let a = analyze(&load(&p));
    assert!(!has(&a, TraitId::OpenSecurityGroup));
    assert!(
        a.not_evaluated.iter().any(|n| n.trait_id == TraitId::OpenSecurityGroup
            && n.reason.contains("cluster `plan.json#aws_ecs_cluster.main` is defined in infrastructure as code, and no Auto Scaling group or instance in the input joins it")),
        "{:#?}",
        a.not_evaluated
    );
}

#[test]
fn a_launch_template_outside_the_plan_is_a_gap() {
    let mut p = plan();
    values(&mut p, ASG)["launch_template"] =
        json!([{"id": "lt-0123456789abcdef0", "version": "$Latest"}]);
    // Linked by its capacity provider, whose ARN is known.
    values(&mut p, ASG)["arn"] =
        json!("arn:aws:autoscaling:us-east-1:1:autoScalingGroup:x:autoScalingGroupName/hosts");
    add(
        &mut p,
        "aws_ecs_capacity_provider.hosts",
        "aws_ecs_capacity_provider",
        json!({"name": "hosts", "auto_scaling_group_provider": [{"auto_scaling_group_arn": "arn:aws:autoscaling:us-east-1:1:autoScalingGroup:x:autoScalingGroupName/hosts"}]}),
        json!({}),
    );
    values(&mut p, "aws_ecs_cluster.main")["capacity_providers"] = json!(["hosts"]);
    let inv = load(&p);
    let g = &inv.host_groups[&format!("{F}{ASG}")];
    assert!(
        g.gaps
            .iter()
            .any(|x| x
                .starts_with("the launch template `lt-0123456789abcdef0` of Auto Scaling group")),
        "{:?}",
        g.gaps
    );
}
