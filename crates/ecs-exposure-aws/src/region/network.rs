//! The network and load balancing data the services use: their target groups, load
//! balancers, listeners and listener rules; their subnets and security groups and those VPCs'
//! routing.

use crate::convert;
use crate::session::Session;
use serde_json::{Value, json};
use std::collections::BTreeSet;

type ElbData = (
    Vec<aws_sdk_elasticloadbalancingv2::types::TargetGroup>,
    Vec<aws_sdk_elasticloadbalancingv2::types::LoadBalancer>,
    Option<Vec<aws_sdk_elasticloadbalancingv2::types::Listener>>,
    Option<Vec<aws_sdk_elasticloadbalancingv2::types::Rule>>,
);

/// Target groups the services register with, their load balancers, listeners and listener
/// rules. `None` when the target groups could not be read; the listeners (rules) are `None`
/// when a call for them failed, so that the core says they are missing rather than judging
/// from part of them.
pub(crate) async fn load_balancers(
    s: &Session,
    elb: &aws_sdk_elasticloadbalancingv2::Client,
    account: &str,
    region: &str,
    tg_arns: &BTreeSet<String>,
) -> Option<ElbData> {
    let tg_arns: Vec<String> = tg_arns.iter().cloned().collect();
    let mut tgs = Vec::new();
    for chunk in tg_arns.chunks(20) {
        let out = s
            .call(
                account,
                region,
                "elasticloadbalancing:DescribeTargetGroups",
                None,
                async {
                    elb.describe_target_groups()
                        .set_target_group_arns(Some(chunk.to_vec()))
                        .send()
                        .await
                },
            )
            .await?;
        tgs.extend(out.target_groups().iter().cloned());
    }
    let lb_arns: Vec<String> = tgs
        .iter()
        .flat_map(|t| t.load_balancer_arns().iter().cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut lbs = Vec::new();
    for chunk in lb_arns.chunks(20) {
        if let Some(out) = s
            .call(
                account,
                region,
                "elasticloadbalancing:DescribeLoadBalancers",
                None,
                async {
                    elb.describe_load_balancers()
                        .set_load_balancer_arns(Some(chunk.to_vec()))
                        .send()
                        .await
                },
            )
            .await
        {
            lbs.extend(out.load_balancers().iter().cloned());
        }
    }
    let mut listeners = Vec::new();
    let mut complete = true;
    for lb in &lb_arns {
        complete &= pages!(
            s,
            account,
            region,
            "elasticloadbalancing:DescribeListeners",
            Some(lb.as_str()),
            elb.describe_listeners().load_balancer_arn(lb),
            |p| {
                listeners.extend(p.listeners().iter().cloned());
            }
        );
    }
    // Rules route most requests to services (by path or host): one call per listener.
    let mut rules = Vec::new();
    let mut rules_complete = complete;
    if complete {
        for l in listeners.iter().filter_map(|l| l.listener_arn()) {
            rules_complete &= pages!(
                s,
                account,
                region,
                "elasticloadbalancing:DescribeRules",
                Some(l),
                elb.describe_rules().listener_arn(l),
                |p| {
                    rules.extend(p.rules().iter().cloned());
                }
            );
        }
    }
    Some((
        tgs,
        lbs,
        complete.then_some(listeners),
        rules_complete.then_some(rules),
    ))
}

/// Subnets, security groups, and the route tables, network ACLs and internet gateways of
/// their VPCs. A kind whose call failed is left out (the core then says it is missing).
pub(crate) async fn network(
    s: &Session,
    ec2: &aws_sdk_ec2::Client,
    account: &str,
    region: &str,
    subnet_ids: &BTreeSet<String>,
    group_ids: &BTreeSet<String>,
) -> Vec<(&'static str, Value)> {
    use aws_sdk_ec2::types::Filter;
    let mut files = Vec::new();
    let ids: Vec<String> = subnet_ids.iter().cloned().collect();
    let mut subnets = Vec::new();
    let mut ok = true;
    for chunk in ids.chunks(200) {
        match s
            .call(account, region, "ec2:DescribeSubnets", None, async {
                ec2.describe_subnets()
                    .set_subnet_ids(Some(chunk.to_vec()))
                    .send()
                    .await
            })
            .await
        {
            Some(out) => subnets.extend(out.subnets().iter().cloned()),
            None => ok = false,
        }
    }
    let vpcs: Vec<String> = subnets
        .iter()
        .filter_map(|s| s.vpc_id().map(str::to_string))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if ok {
        files.push((
            "ec2-describe-subnets.json",
            json!({"Subnets": subnets.iter().map(convert::ec2::subnet).collect::<Vec<_>>()}),
        ));
    }
    let ids: Vec<String> = group_ids.iter().cloned().collect();
    let mut groups = Vec::new();
    let mut ok = true;
    for chunk in ids.chunks(200) {
        match s
            .call(account, region, "ec2:DescribeSecurityGroups", None, async {
                ec2.describe_security_groups()
                    .set_group_ids(Some(chunk.to_vec()))
                    .send()
                    .await
            })
            .await
        {
            Some(out) => groups.extend(out.security_groups().iter().cloned()),
            None => ok = false,
        }
    }
    if ok {
        files.push(("ec2-describe-security-groups.json", json!({"SecurityGroups": groups.iter().map(convert::ec2::security_group).collect::<Vec<_>>()})));
    }
    if vpcs.is_empty() {
        // Nothing in a VPC: routing is not needed, and saying so keeps it out of the gaps.
        files.push(("ec2-describe-route-tables.json", json!({"RouteTables": []})));
        files.push(("ec2-describe-network-acls.json", json!({"NetworkAcls": []})));
        files.push((
            "ec2-describe-internet-gateways.json",
            json!({"InternetGateways": []}),
        ));
        return files;
    }
    let vpc_filter = |name: &str| {
        Filter::builder()
            .name(name)
            .set_values(Some(vpcs.clone()))
            .build()
    };
    let mut tables = Vec::new();
    if pages!(
        s,
        account,
        region,
        "ec2:DescribeRouteTables",
        None,
        ec2.describe_route_tables().filters(vpc_filter("vpc-id")),
        |p| {
            tables.extend(p.route_tables().iter().map(convert::ec2::route_table));
        }
    ) {
        files.push((
            "ec2-describe-route-tables.json",
            json!({"RouteTables": tables}),
        ));
    }
    let mut acls = Vec::new();
    if pages!(
        s,
        account,
        region,
        "ec2:DescribeNetworkAcls",
        None,
        ec2.describe_network_acls().filters(vpc_filter("vpc-id")),
        |p| {
            acls.extend(p.network_acls().iter().map(convert::ec2::network_acl));
        }
    ) {
        files.push((
            "ec2-describe-network-acls.json",
            json!({"NetworkAcls": acls}),
        ));
    }
    let mut igws = Vec::new();
    if pages!(
        s,
        account,
        region,
        "ec2:DescribeInternetGateways",
        None,
        ec2.describe_internet_gateways()
            .filters(vpc_filter("attachment.vpc-id")),
        |p| {
            igws.extend(
                p.internet_gateways()
                    .iter()
                    .map(convert::ec2::internet_gateway),
            );
        }
    ) {
        files.push((
            "ec2-describe-internet-gateways.json",
            json!({"InternetGateways": igws}),
        ));
    }
    files
}
