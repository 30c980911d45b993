use crate::engine::{Analysis, analyze};
use crate::load::Loader;
use crate::model::{Inventory, LaunchPublicIp};
use crate::traits::TraitId;

const HOSTS: &str = include_str!("../../fixtures/ec2-hosts.yaml");

fn load(text: &str) -> Inventory {
    let mut l = Loader::new();
    l.add("ec2-hosts.yaml", text.as_bytes()).unwrap();
    let (inv, warnings) = l.finish();
    assert!(warnings.is_empty(), "{warnings:?}");
    inv
}

fn reasons(a: &Analysis, t: TraitId) -> Vec<String> {
    a.not_evaluated
        .iter()
        .filter(|n| n.trait_id == t)
        .map(|n| n.reason.clone())
        .collect()
}

/// The fixture with its launch template replaced by `launch` (YAML resources, indented by
/// two) and the group's `LaunchTemplate` by `asg_launch`.
fn variant(launch: &str, asg_launch: &str) -> String {
    let start = HOSTS.find("  HostLaunchTemplate:\n").unwrap();
    let end = HOSTS.find("  HostGroup:\n").unwrap();
    let mut t = format!("{}{launch}{}", &HOSTS[..start], &HOSTS[end..]);
    let a = t.find("      LaunchTemplate:\n").unwrap();
    let b = t.find("  WebTask:\n").unwrap();
    t.replace_range(a..b, asg_launch);
    t
}

#[test]
fn user_data_links_the_auto_scaling_group_to_the_cluster() {
    let inv = load(HOSTS);
    let g = &inv.host_groups["ec2-hosts.yaml#HostGroup"];
    assert_eq!(g.cluster, "ec2-hosts.yaml#Cluster");
    assert_eq!(
        g.link,
        "`ECS_CLUSTER=${Cluster}` in the UserData of `ec2-hosts.yaml#HostLaunchTemplate`"
    );
    assert_eq!(
        g.launch.as_deref(),
        Some("ec2-hosts.yaml#HostLaunchTemplate")
    );
    assert_eq!(g.subnets, ["ec2-hosts.yaml#PublicSubnet"]);
    assert_eq!(g.security_groups, ["ec2-hosts.yaml#HostSecurityGroup"]);
    assert_eq!(g.public_ip, LaunchPublicIp::SubnetDefault);
    assert!(g.gaps.is_empty(), "{:?}", g.gaps);
}

#[test]
fn a_bridge_service_on_open_public_hosts_is_exposed() {
    let a = analyze(&load(HOSTS));
    let f = &a.findings[0];
    for t in [
        TraitId::OpenSecurityGroup,
        TraitId::PublicIp,
        TraitId::InternetReachable,
    ] {
        assert!(f.has(t), "{t} did not fire: {:#?}", a.not_evaluated);
    }
    let open = f
        .traits
        .iter()
        .find(|t| t.id == TraitId::OpenSecurityGroup)
        .unwrap();
    let ports: Vec<_> = open
        .evidence
        .iter()
        .map(|e| e.details["from_port"].clone())
        .collect();
    assert_eq!(ports, [serde_json::json!(22), serde_json::json!(80)]);
    assert!(
        open.evidence[0]
            .message
            .contains("Auto Scaling group `ec2-hosts.yaml#HostGroup`")
    );
    // The open rule is located in the template.
    assert!(open.evidence[0].location.is_some());
    let reach = f
        .traits
        .iter()
        .find(|t| t.id == TraitId::InternetReachable)
        .unwrap();
    assert_eq!(reach.evidence.len(), 1, "only port 80 is published");
    let e = &reach.evidence[0];
    assert!(
        e.message.contains("host port 80")
            && e.message.contains("`MapPublicIpOnLaunch: true`")
            && e.message.contains("`ECS_CLUSTER=${Cluster}`"),
        "{}",
        e.message
    );
    assert!(
        e.path
            .iter()
            .any(|s| s.resource_type == "AWS::AutoScaling::AutoScalingGroup")
    );
    let ip = f.traits.iter().find(|t| t.id == TraitId::PublicIp).unwrap();
    assert_eq!(ip.evidence[0].resource, "ec2-hosts.yaml#PublicSubnet");
}

#[test]
fn a_capacity_provider_and_a_launch_configuration_without_public_addresses() {
    let t = variant(
        "  HostLaunchConfig:
    Type: AWS::AutoScaling::LaunchConfiguration
    Properties:
      ImageId: !Ref AmiId
      InstanceType: t3.small
      AssociatePublicIpAddress: false
      SecurityGroups: [!Ref HostSecurityGroup]
  Provider:
    Type: AWS::ECS::CapacityProvider
    Properties:
      AutoScalingGroupProvider:
        AutoScalingGroupArn: !Ref HostGroup
  Association:
    Type: AWS::ECS::ClusterCapacityProviderAssociations
    Properties:
      Cluster: !Ref Cluster
      CapacityProviders: [!Ref Provider]
      DefaultCapacityProviderStrategy:
        - CapacityProvider: !Ref Provider
",
        "      LaunchConfigurationName: !Ref HostLaunchConfig\n",
    );
    let inv = load(&t);
    let g = &inv.host_groups["ec2-hosts.yaml#HostGroup"];
    assert_eq!(
        g.link,
        "capacity provider `ec2-hosts.yaml#Provider` (named in `ec2-hosts.yaml#Association`)"
    );
    assert!(matches!(
        g.public_ip,
        LaunchPublicIp::Set { public: false, .. }
    ));
    let a = analyze(&inv);
    let f = &a.findings[0];
    assert!(f.has(TraitId::OpenSecurityGroup));
    assert!(!f.has(TraitId::PublicIp) && !f.has(TraitId::InternetReachable));
}

#[test]
fn cfn_init_metadata_and_join_link_the_hosts() {
    // The ECS reference architecture: cfn-init writes ecs.config, `Fn::Join` around a `Ref`.
    let t = variant(
        "  HostLaunchConfig:
    Type: AWS::AutoScaling::LaunchConfiguration
    Metadata:
      AWS::CloudFormation::Init:
        config:
          commands:
            01_add_instance_to_cluster:
              command: !Join ['', ['echo ECS_CLUSTER=', !Ref Cluster, ' >> /etc/ecs/ecs.config']]
    Properties:
      ImageId: !Ref AmiId
      InstanceType: t3.small
      AssociatePublicIpAddress: true
      SecurityGroups: [!Ref HostSecurityGroup]
",
        "      LaunchConfigurationName: !Ref HostLaunchConfig\n",
    );
    let inv = load(&t);
    let g = &inv.host_groups["ec2-hosts.yaml#HostGroup"];
    assert_eq!(g.cluster, "ec2-hosts.yaml#Cluster");
    assert_eq!(
        g.link,
        "`ECS_CLUSTER=` + `Ref Cluster` in the metadata (cfn-init) of `ec2-hosts.yaml#HostLaunchConfig`"
    );
    let a = analyze(&inv);
    let ip = a.findings[0]
        .traits
        .iter()
        .find(|t| t.id == TraitId::PublicIp)
        .expect("public-ip fires");
    assert_eq!(ip.evidence[0].resource, "ec2-hosts.yaml#HostLaunchConfig");
    assert_eq!(
        ip.evidence[0].field.as_deref(),
        Some("AssociatePublicIpAddress")
    );
    assert!(ip.evidence[0].location.is_some());
}

#[test]
fn a_literal_cluster_name_links_too() {
    let t = HOSTS.replace("ECS_CLUSTER=${Cluster}", "ECS_CLUSTER=web-cluster");
    let inv = load(&t);
    assert_eq!(
        inv.host_groups["ec2-hosts.yaml#HostGroup"].cluster,
        "ec2-hosts.yaml#Cluster"
    );
}

#[test]
fn no_hosts_for_the_cluster_is_a_gap_naming_what_to_add() {
    let start = HOSTS.find("  HostGroup:\n").unwrap();
    let end = HOSTS.find("  WebTask:\n").unwrap();
    let t = format!("{}{}", &HOSTS[..start], &HOSTS[end..]);
    let a = analyze(&load(&t));
    assert!(!a.findings.iter().any(|f| f.has(TraitId::OpenSecurityGroup)));
    for tr in [
        TraitId::OpenSecurityGroup,
        TraitId::PublicIp,
        TraitId::InternetReachable,
    ] {
        let r = reasons(&a, tr);
        assert!(
            r.iter().any(|r| r.contains(
                "cluster `ec2-hosts.yaml#Cluster` is defined in infrastructure as code, and no Auto Scaling group or instance in the input joins it"
            )),
            "{tr}: {r:#?}"
        );
    }
}

#[test]
fn a_launch_template_not_in_the_template_is_a_gap() {
    let t = HOSTS.replace(
        "LaunchTemplateId: !Ref HostLaunchTemplate",
        "LaunchTemplateName: shared-hosts",
    );
    // Linked through a capacity provider, so the group is known to be the cluster's.
    let t = t
        .replace(
            "  WebTask:\n",
            "  Provider:
    Type: AWS::ECS::CapacityProvider
    Properties:
      AutoScalingGroupProvider:
        AutoScalingGroupArn: !Ref HostGroup
  WebTask:\n",
        )
        .replace(
            "      ClusterName: web-cluster\n",
            "      ClusterName: web-cluster\n      CapacityProviders: [!Ref Provider]\n",
        );
    let a = analyze(&load(&t));
    let r = reasons(&a, TraitId::OpenSecurityGroup);
    assert!(
        r.iter().any(|r| r.contains(
            "the launch template `shared-hosts` of Auto Scaling group `ec2-hosts.yaml#HostGroup` is not defined in its template"
        )),
        "{r:#?}"
    );
}

#[test]
fn an_unresolvable_cluster_is_a_gap_saying_so() {
    let t = HOSTS.replace(
        "      Cluster: !Ref Cluster\n      LaunchType: EC2",
        "      Cluster: !ImportValue shared-cluster\n      LaunchType: EC2",
    );
    let a = analyze(&load(&t));
    let r = reasons(&a, TraitId::OpenSecurityGroup);
    assert!(
        r.iter()
            .any(|r| r
                .contains("and its cluster cannot be resolved (it is imported from another stack")),
        "{r:#?}"
    );
}
