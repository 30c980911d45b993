//! VPC networking: `describe-subnets`, `-route-tables`, `-network-acls`,
//! `-internet-gateways` and `-security-groups`, one file each as the CLI prints them.

use crate::layout::*;
use crate::out::Out;
use crate::rng::hex;
use serde_json::{Value, json};

pub fn write(layout: &Layout, out: &mut Out) -> std::io::Result<()> {
    let mut subnets = Vec::new();
    let mut route_tables = Vec::new();
    let mut acls = Vec::new();
    let mut igws = Vec::new();
    for v in 0..VPCS {
        let vpc = vpc_id(v);
        for k in 0..SUBNETS_PER_VPC {
            let id = subnet_id(v, k);
            let az = ["eu-west-1a", "eu-west-1b", "eu-west-1c"][k % 3];
            subnets.push(json!({
                "AvailabilityZoneId": format!("euw1-az{}", k % 3 + 1), "MapCustomerOwnedIpOnLaunch": false,
                "OwnerId": ACCOUNT, "AssignIpv6AddressOnCreation": false, "Ipv6CidrBlockAssociationSet": [],
                "Tags": [{"Key": "Name", "Value": format!("bench-{v}-{}-{k}", if is_public_subnet(k) { "public" } else { "private" })}],
                "SubnetArn": format!("arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{id}"), "EnableDns64": false,
                "Ipv6Native": false,
                "PrivateDnsNameOptionsOnLaunch": {"HostnameType": "ip-name", "EnableResourceNameDnsARecord": false,
                                                  "EnableResourceNameDnsAAAARecord": false},
                "BlockPublicAccessStates": {"InternetGatewayBlockMode": "off"},
                "SubnetId": id, "State": "available", "VpcId": vpc,
                "CidrBlock": format!("10.{v}.{k}.0/24"), "AvailableIpAddressCount": 200,
                "AvailabilityZone": az, "DefaultForAz": false, "MapPublicIpOnLaunch": is_public_subnet(k)
            }));
        }
        let local = json!({"DestinationCidrBlock": format!("10.{v}.0.0/16"), "GatewayId": "local",
                           "Origin": "CreateRouteTable", "State": "active"});
        let assoc = |rtb: &str, k: usize| {
            json!({"Main": false, "RouteTableAssociationId": format!("rtbassoc-0{}", hex((v * 100 + k) as u64, 16)),
                   "RouteTableId": rtb, "SubnetId": subnet_id(v, k), "AssociationState": {"State": "associated"}})
        };
        let main = format!("rtb-0{}", hex(0xA000 + v as u64, 16));
        let public = format!("rtb-0{}", hex(0xB000 + v as u64, 16));
        let private = format!("rtb-0{}", hex(0xC000 + v as u64, 16));
        route_tables.push(json!({
            "Associations": [{"Main": true, "RouteTableAssociationId": format!("rtbassoc-0{}", hex(0xD000 + v as u64, 16)),
                              "RouteTableId": main, "AssociationState": {"State": "associated"}}],
            "PropagatingVgws": [], "RouteTableId": main, "Routes": [local], "Tags": [], "VpcId": vpc, "OwnerId": ACCOUNT}));
        route_tables.push(json!({
            "Associations": (0..SUBNETS_PER_VPC).filter(|k| is_public_subnet(*k)).map(|k| assoc(&public, k)).collect::<Vec<_>>(),
            "PropagatingVgws": [], "RouteTableId": public,
            "Routes": [local, {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw_id(v), "Origin": "CreateRoute", "State": "active"}],
            "Tags": [{"Key": "Name", "Value": format!("bench-{v}-public")}], "VpcId": vpc, "OwnerId": ACCOUNT}));
        route_tables.push(json!({
            "Associations": (0..SUBNETS_PER_VPC).filter(|k| !is_public_subnet(*k)).map(|k| assoc(&private, k)).collect::<Vec<_>>(),
            "PropagatingVgws": [], "RouteTableId": private,
            "Routes": [local, {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat_id(v), "Origin": "CreateRoute", "State": "active"}],
            "Tags": [{"Key": "Name", "Value": format!("bench-{v}-private")}], "VpcId": vpc, "OwnerId": ACCOUNT}));
        let acl = format!("acl-0{}", hex(0xE000 + v as u64, 16));
        let entry = |n: u32, egress: bool, action: &str| json!({"CidrBlock": "0.0.0.0/0", "Egress": egress, "Protocol": "-1", "RuleAction": action, "RuleNumber": n});
        acls.push(json!({
            "Associations": (0..SUBNETS_PER_VPC).map(|k| json!({
                "NetworkAclAssociationId": format!("aclassoc-0{}", hex(0xF_0000 + (v * 100 + k) as u64, 16)),
                "NetworkAclId": acl, "SubnetId": subnet_id(v, k)})).collect::<Vec<_>>(),
            "Entries": [entry(100, true, "allow"), entry(32767, true, "deny"),
                        entry(100, false, "allow"), entry(32767, false, "deny")],
            "IsDefault": true, "NetworkAclId": acl, "Tags": [], "VpcId": vpc, "OwnerId": ACCOUNT}));
        igws.push(
            json!({"Attachments": [{"State": "available", "VpcId": vpc}],
                         "InternetGatewayId": igw_id(v), "OwnerId": ACCOUNT,
                         "Tags": [{"Key": "Name", "Value": format!("bench-{v}")}]}),
        );
    }
    out.write("ec2-describe-subnets.json", &json!({"Subnets": subnets}))?;
    out.write(
        "ec2-describe-route-tables.json",
        &json!({"RouteTables": route_tables}),
    )?;
    out.write(
        "ec2-describe-network-acls.json",
        &json!({"NetworkAcls": acls}),
    )?;
    out.write(
        "ec2-describe-internet-gateways.json",
        &json!({"InternetGateways": igws}),
    )?;

    let mut groups: Vec<Value> = layout.services.iter().map(service_group).collect();
    for lb in 0..layout.load_balancers() {
        let v = layout.services[lb * SERVICES_PER_LB * SERVICES_PER_LB].vpc;
        let from = if lb_internet_facing(lb) {
            "0.0.0.0/0"
        } else {
            "10.0.0.0/8"
        };
        groups.push(group(
            &lb_sg(lb),
            &format!("{}-alb", lb_name(lb)),
            v,
            vec![
                json!({"IpProtocol": "tcp", "FromPort": 8000, "ToPort": 8000 + SERVICES_PER_LB - 1,
                        "UserIdGroupPairs": [], "IpRanges": [{"CidrIp": from}], "Ipv6Ranges": [],
                        "PrefixListIds": []}),
            ],
        ));
    }
    out.write(
        "ec2-describe-security-groups.json",
        &json!({"SecurityGroups": groups}),
    )
}

fn service_group(s: &ServiceSpec) -> Value {
    let mut rules = Vec::new();
    if s.open_sg {
        rules.push(rule(
            s.port,
            vec![json!({"CidrIp": "0.0.0.0/0", "Description": "public"})],
            vec![],
        ));
    }
    if let Some((lb, _)) = s.lb {
        rules.push(rule(
            s.port,
            vec![],
            vec![json!({"UserId": ACCOUNT, "GroupId": lb_sg(lb)})],
        ));
    }
    rules.push(rule(
        s.port,
        vec![json!({"CidrIp": format!("10.{}.0.0/16", s.vpc), "Description": "VPC"})],
        vec![],
    ));
    group(
        &service_sg(s.index),
        &format!("{}-tasks", service_name(s.index)),
        s.vpc,
        rules,
    )
}

fn rule(port: u16, ranges: Vec<Value>, pairs: Vec<Value>) -> Value {
    json!({"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "UserIdGroupPairs": pairs,
           "IpRanges": ranges, "Ipv6Ranges": [], "PrefixListIds": []})
}

fn group(id: &str, name: &str, vpc: usize, rules: Vec<Value>) -> Value {
    json!({
        "GroupId": id,
        "IpPermissionsEgress": [{"IpProtocol": "-1", "UserIdGroupPairs": [], "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                                 "Ipv6Ranges": [], "PrefixListIds": []}],
        "Tags": [{"Key": "Name", "Value": name}], "VpcId": vpc_id(vpc),
        "SecurityGroupArn": format!("arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{id}"),
        "OwnerId": ACCOUNT, "GroupName": name, "Description": format!("{name} (managed by terraform)"),
        "IpPermissions": rules
    })
}
