use super::*;
use crate::load::Loader;

fn load(docs: &[serde_json::Value]) -> Inventory {
    let mut loader = Loader::new();
    for (i, d) in docs.iter().enumerate() {
        loader
            .add(&format!("doc{i}.json"), &serde_json::to_vec(d).unwrap())
            .unwrap();
    }
    loader.finish().0
}

const CI: &str = "arn:aws:ecs:us-east-1:111122223333:container-instance/prod/0abc";

fn instances() -> serde_json::Value {
    serde_json::json!({"Reservations": [{"Instances": [{
        "InstanceId": "i-1", "SubnetId": "subnet-1", "VpcId": "vpc-1",
        "PublicIpAddress": "203.0.113.10",
        "SecurityGroups": [{"GroupId": "sg-host", "GroupName": "host"}],
        "NetworkInterfaces": [{"SubnetId": "subnet-1", "Groups": [{"GroupId": "sg-host"}, {"GroupId": "sg-extra"}],
            "Association": {"PublicIp": "203.0.113.10"}, "Ipv6Addresses": [{"Ipv6Address": "2001:db8::1"}]}],
        "State": {"Name": "running"}}]}]})
}

#[test]
fn container_instances_and_instances_give_the_hosts_of_a_cluster() {
    let inv = load(&[
        serde_json::json!({"containerInstances": [{"containerInstanceArn": CI, "ec2InstanceId": "i-1", "status": "ACTIVE"}], "failures": []}),
        instances(),
    ]);
    assert!(inv.has(Kind::EcsContainerInstances) && inv.has(Kind::Ec2Instances));
    let h = inv.hosts_of(Some("arn:aws:ecs:us-east-1:111122223333:cluster/prod"));
    assert!(h.gaps.is_empty(), "{:?}", h.gaps);
    assert_eq!(h.hosts.len(), 1);
    let host = &h.hosts[0];
    assert_eq!(host.id, "i-1");
    assert_eq!(host.subnets, ["subnet-1"]);
    assert_eq!(host.security_groups, ["sg-host", "sg-extra"]);
    assert_eq!(
        host.public_ipv4,
        HostPublicIp::Address {
            address: "203.0.113.10".into(),
            field: "PublicIpAddress".into()
        }
    );
    assert_eq!(host.ipv6, ["2001:db8::1"]);
    // Another region's cluster of the same name is not this one.
    let other = inv.hosts_of(Some("arn:aws:ecs:eu-west-1:111122223333:cluster/prod"));
    assert!(other.hosts.is_empty());
    assert!(
        other.gaps[0].starts_with("no container instance of cluster prod"),
        "{:?}",
        other.gaps
    );
}

#[test]
fn an_old_format_arn_takes_the_cluster_from_the_document() {
    let inv = load(&[
        serde_json::json!({"cluster": "prod", "containerInstances": [{"containerInstanceArn": "arn:aws:ecs:us-east-1:111122223333:container-instance/0abc", "ec2InstanceId": "i-1"}]}),
        instances(),
    ]);
    assert_eq!(inv.hosts_of(Some("prod")).hosts.len(), 1);
    assert_eq!(
        inv.hosts_of(Some("arn:aws:ecs:us-east-1:111122223333:cluster/prod"))
            .hosts
            .len(),
        1
    );
}

#[test]
fn missing_pieces_are_named_gaps() {
    // No container instances at all.
    let h = load(&[instances()]).hosts_of(Some("prod"));
    assert!(h.hosts.is_empty());
    assert!(
        h.gaps[0].starts_with("no container instances in the input (add the output of `aws ecs describe-container-instances --cluster prod"),
        "{:?}",
        h.gaps
    );
    // Container instances without their EC2 instances.
    let ci = serde_json::json!({"containerInstances": [{"containerInstanceArn": CI, "ec2InstanceId": "i-1"}]});
    let h = load(std::slice::from_ref(&ci)).hosts_of(Some("prod"));
    assert!(
        h.gaps[0].starts_with("no EC2 instances in the input"),
        "{:?}",
        h.gaps
    );
    let h = load(&[ci, serde_json::json!({"Reservations": []})]).hosts_of(Some("prod"));
    assert!(
        h.gaps[0].starts_with("EC2 instance i-1 of container instance")
            && h.gaps[0].contains("--instance-ids i-1"),
        "{:?}",
        h.gaps
    );
}

#[test]
fn inactive_and_terminated_hosts_run_nothing() {
    let mut gone = instances();
    gone["Reservations"][0]["Instances"][0]["State"]["Name"] = "terminated".into();
    let inv = load(&[
        serde_json::json!({"containerInstances": [{"containerInstanceArn": CI, "ec2InstanceId": "i-1", "status": "ACTIVE"}]}),
        gone,
    ]);
    assert!(inv.hosts_of(Some("prod")).hosts.is_empty());
    let inv = load(&[
        serde_json::json!({"containerInstances": [{"containerInstanceArn": CI, "ec2InstanceId": "i-1", "status": "INACTIVE"}]}),
        instances(),
    ]);
    assert!(inv.hosts_of(Some("prod")).hosts.is_empty());
}

#[test]
fn a_list_of_arns_is_not_a_snapshot() {
    // `describe-container-instances --cli-input-json` input, found in a folder.
    let json = br#"{"cluster": "prod", "containerInstances": ["arn:aws:ecs:us-east-1:1:container-instance/prod/a"]}"#;
    assert!(matches!(
        crate::load::parse_document("input.json", json, crate::load::Found::Walked),
        Ok(crate::load::Parsed::Unknown(_))
    ));
}

#[test]
fn documents_follow_the_snapshot_rules() {
    // The same container instance twice: the later copy wins, with a warning naming both files.
    let doc = serde_json::json!({"containerInstances": [{"containerInstanceArn": CI, "ec2InstanceId": "i-1"}]});
    let mut loader = Loader::new();
    loader
        .add("a.json", &serde_json::to_vec(&doc).unwrap())
        .unwrap();
    loader
        .add("b.json", &serde_json::to_vec(&doc).unwrap())
        .unwrap();
    loader
        .add("c.json", &serde_json::to_vec(&instances()).unwrap())
        .unwrap();
    loader
        .add("d.json", &serde_json::to_vec(&instances()).unwrap())
        .unwrap();
    let (inv, warnings) = loader.finish();
    assert_eq!(inv.container_instances.len(), 1);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].message.starts_with("container instance "),
        "{}",
        warnings[0].message
    );
    assert!(
        warnings[1].message.starts_with("EC2 instance "),
        "{}",
        warnings[1].message
    );
    // A value of the wrong type: its JSON path and the command whose output it looks like,
    // never the value.
    let d = match crate::load::parse_document(
        "ci.json",
        br#"{"containerInstances": [{"containerInstanceArn": "arn:x", "ec2InstanceId": 12345}]}"#,
        crate::load::Found::Walked,
    ) {
        Err(d) => d,
        Ok(_) => panic!("a number for ec2InstanceId must be an error"),
    };
    assert_eq!(
        d.path.as_deref(),
        Some("containerInstances[0].ec2InstanceId")
    );
    assert!(
        d.message.contains("aws ecs describe-container-instances"),
        "{}",
        d.message
    );
    assert!(!d.message.contains("12345"));
    let d = match crate::load::parse_document(
        "i.json",
        br#"{"Reservations": [{"Instances": [{"InstanceId": "i-1", "PublicIpAddress": 7}]}]}"#,
        crate::load::Found::Named,
    ) {
        Err(d) => d,
        Ok(_) => panic!("a number for PublicIpAddress must be an error"),
    };
    assert_eq!(
        d.path.as_deref(),
        Some("Reservations[0].Instances[0].PublicIpAddress")
    );
    assert!(
        d.message.contains("aws ec2 describe-instances"),
        "{}",
        d.message
    );
}
