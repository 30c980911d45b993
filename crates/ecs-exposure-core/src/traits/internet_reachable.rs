//! `internet-reachable`: traffic from the internet can reach a port the service listens on,
//! directly (public address, route to an internet gateway, network ACL, security group) or
//! through an internet-facing load balancer.

use super::gap_reasons;
use super::netmath::{
    self, Cidr, Family, Grant, NaclPass, Opening, Ports, Problem, Proto, TCP, UDP, Unreadable,
};
use super::open_security_group;
use super::*;
use crate::model::{
    Inventory, Kind, Listener, LoadBalancer, NetworkAcl, RouteTable, SecurityGroup, Service,
    Subnet, TaskDefinition,
};

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::InternetReachable,
    category: Category::Reachability,
    title: "The Amazon ECS service is reachable over the internet",
    phrase: "is reachable from the internet",
    doc: include_str!("internet_reachable.md"),
    reads: &[Read::all(Kind::EcsServices), Read::fields(Kind::EcsTaskDefinition, &["networkMode", "containerDefinitions[].portMappings"]), Read::all(Kind::Ec2SecurityGroups), Read::fields(Kind::Ec2Subnets, &["VpcId", "CidrBlock", "MapPublicIpOnLaunch", "Ipv6CidrBlockAssociationSet"]), Read::all(Kind::Ec2RouteTables), Read::all(Kind::Ec2NetworkAcls), Read::all(Kind::Ec2InternetGateways), Read::all(Kind::Elbv2LoadBalancers), Read::all(Kind::Elbv2TargetGroups), Read::all(Kind::Elbv2Listeners), Read::all(Kind::Elbv2Rules), Read::all(Kind::EcsContainerInstances), Read::all(Kind::Ec2Instances)],
    likelihood: LikelihoodRole::Reach,
    impact: &[],
    check,
    remediation,
    change,
};

const T_IGW: &str = "AWS::EC2::InternetGateway";
const T_RTB: &str = "AWS::EC2::RouteTable";
const T_ACL: &str = "AWS::EC2::NetworkAcl";
const T_SG: &str = "AWS::EC2::SecurityGroup";
const T_TD: &str = "AWS::ECS::TaskDefinition";
const T_SERVICE: &str = "AWS::ECS::Service";
const T_LISTENER: &str = "AWS::ElasticLoadBalancingV2::Listener";
const T_TG: &str = "AWS::ElasticLoadBalancingV2::TargetGroup";

mod direct;
mod hops;
mod hosts;
mod load_balancer;
mod rules;

use direct::direct_paths;
use hops::Gaps;
use load_balancer::load_balancer_paths;

fn check(ctx: &ServiceContext<'_>, out: &mut Outcome) {
    let mut gaps = Gaps::default();
    direct_paths(ctx, out, &mut gaps);
    load_balancer_paths(ctx, out, &mut gaps);
    // Every path behind a sign-in or a source restriction: a guarded exposure, one step less
    // likely (docs/severity.md).
    if out.fired()
        && out
            .evidence()
            .iter()
            .all(|e| e.has(keys::GUARD))
    {
        out.facet(Facet::GuardedLoadBalancerPath);
    }
    for g in gaps.0 {
        out.gap(g);
    }
}

fn cluster_and_service(ctx: &ServiceContext<'_>) -> (String, String) {
    let cluster = ctx
        .service
        .cluster_arn
        .as_deref()
        .and_then(|c| c.rsplit('/').next())
        .unwrap_or("<cluster>")
        .to_string();
    (cluster, ctx.service.name().to_string())
}

fn remediation(ctx: &ServiceContext<'_>, evidence: &[Evidence]) -> Remediation {
    // A detail as text for a sentence ("" when absent).
    let text = |e: &Evidence, k: Key<str>| e.get(k).unwrap_or_default().to_string();
    let value = |e: &Evidence, k: Key<serde_json::Value>| match e.get(k) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => String::new(),
    };
    let direct: Vec<&Evidence> = evidence
        .iter()
        .filter(|e| e.get(keys::PATH) == Some("direct"))
        .collect();
    let via_lb: Vec<&Evidence> = evidence
        .iter()
        .filter(|e| e.get(keys::PATH) == Some("load-balancer"))
        .collect();
    let (cluster, service) = cluster_and_service(ctx);
    let groups = ctx
        .service
        .awsvpc()
        .map(|v| v.security_groups.join(","))
        .unwrap_or_default();
    let mut steps = Vec::new();
    let mut summary = Vec::new();
    if !direct.is_empty() {
        summary.push("take the tasks off the internet (no public address, private subnets)");
        let mut ports: Vec<String> = Vec::new();
        for e in &direct {
            let p = format!("{} {}", value(e, keys::PROTOCOL), value(e, keys::PORT));
            if !ports.contains(&p) {
                ports.push(p);
            }
        }
        let on_host = |e: &&&Evidence| e.has(keys::HOST);
        if direct.iter().any(|e| on_host(&e)) {
            steps.push(
                "The tasks are reached at their EC2 hosts' addresses (`bridge`/`host` network mode): launch the container instances in private subnets without public addresses (`AssociatePublicIpAddress: false` in the launch template, private subnets in the Auto Scaling group), or move the service to `awsvpc` network mode so that its tasks get security groups of their own.".to_string(),
            );
        }
        if direct
            .iter()
            .any(|e| !on_host(&e) && e.get(keys::IP_VERSION) == Some("IPv4"))
        {
            steps.push(format!(
                "Stop giving the tasks a public IPv4 address and move them to private subnets: `aws ecs update-service --cluster {cluster} --service {service} --network-configuration \"awsvpcConfiguration={{subnets=[<private-subnet-ids>],securityGroups=[{groups}],assignPublicIp=DISABLED}}\"`."
            ));
            steps.push(
                "Give the private subnets a route `0.0.0.0/0` to a NAT gateway if the tasks need outbound access (image pulls, AWS APIs), or use VPC endpoints.".to_string(),
            );
        }
        if direct.iter().any(|e| e.get(keys::IP_VERSION) == Some("IPv6")) {
            steps.push(
                "For IPv6, run the tasks in subnets whose `::/0` route goes to an egress-only internet gateway (outbound only) instead of the internet gateway, or without IPv6.".to_string(),
            );
        }
        let mut revokes: Vec<String> = Vec::new();
        for e in &direct {
            for cmd in e
                .details
                .get("rules")
                .and_then(|r| r.as_array())
                .into_iter()
                .flatten()
                .filter_map(open_security_group::revoke_command)
            {
                if !revokes.contains(&cmd) {
                    revokes.push(cmd);
                }
            }
        }
        steps.push(format!(
            "Tighten the security group rule(s) that admit the internet on {}: {}; admit instead the load balancer's security group or known ranges.",
            ports.join(", "),
            revokes.join(", ")
        ));
        steps.push(
            "If the service must serve internet clients, put an internet-facing Application Load Balancer in public subnets in front of it and admit only that load balancer's security group on the container port.".to_string(),
        );
    }
    if !via_lb.is_empty() {
        summary.push("confirm that the load balancer exposure is intended and harden it");
        let mut seen = Vec::new();
        let mut rules_seen = Vec::new();
        for e in &via_lb {
            let rule_arn = text(e, keys::LISTENER_RULE);
            if !rule_arn.is_empty() && !rules_seen.contains(&rule_arn) {
                rules_seen.push(rule_arn.clone());
                steps.push(rule_remediation(
                    e,
                    &service,
                    &rule_arn,
                    &value(e, keys::RULE),
                    &text(e, keys::TARGET_GROUP_ARN),
                ));
            }
            let lb = text(e, keys::LOAD_BALANCER);
            let arn = text(e, keys::LOAD_BALANCER_ARN);
            let lproto = text(e, keys::LISTENER_PROTOCOL);
            let lport = value(e, keys::LISTENER_PORT);
            if seen.contains(&(lb.clone(), lport.clone())) {
                continue;
            }
            seen.push((lb.clone(), lport.clone()));
            steps.push(format!(
                "Confirm that `{service}` is meant to be public through load balancer `{lb}` ({lproto} :{lport}). If not, serve it from an `internal` load balancer (the scheme cannot be changed: create a new one and move the target group)."
            ));
            if e.get(keys::LOAD_BALANCER_TYPE) == Some("application") {
                steps.push(format!(
                    "Filter requests with AWS WAF: `aws wafv2 associate-web-acl --web-acl-arn <web-acl-arn> --resource-arn {arn}` (start with the AWS managed core rule set)."
                ));
            }
            let lb_groups = e
                .details
                .get("load_balancer_security_groups")
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            if lb_groups.is_empty() {
                steps.push(format!(
                    "Load balancer `{lb}` has no security group: create it anew with security groups (a network load balancer accepts them only at creation) so that sources can be restricted."
                ));
            } else {
                steps.push(format!(
                    "Restrict the load balancer's security group(s) {lb_groups} to the client ranges that need it (or the CloudFront origin-facing prefix list) if it is not meant for everyone."
                ));
            }
            if lproto.eq_ignore_ascii_case("HTTP") {
                steps.push(format!(
                    "Listener {lproto} :{lport} is plain HTTP: add an HTTPS listener with an ACM certificate and make :{lport} redirect to it."
                ));
            }
        }
    }
    Remediation {
        summary: format!("Reduce the internet path: {}.", summary.join("; ")),
        steps,
        references: vec![
            "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/networking-outbound.html"
                .to_string(),
            "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/networking-inbound.html"
                .to_string(),
            "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html".to_string(),
            "https://docs.aws.amazon.com/waf/latest/developerguide/waf-application-load-balancer.html"
                .to_string(),
            "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-2"
                .to_string(),
        ],
    }
}

/// The remediation step of a path through a listener rule: the rule is the narrowest place to
/// restrict who reaches the service.
fn rule_remediation(
    e: &Evidence,
    service: &str,
    rule_arn: &str,
    rule: &str,
    tg_arn: &str,
) -> String {
    let guarded = e.has(keys::GUARD);
    let tg = if tg_arn.is_empty() {
        "<target-group-arn>"
    } else {
        tg_arn
    };
    if guarded {
        return format!(
            "Listener rule {rule} sends matching requests to `{service}` behind a guard (sign-in or source ranges): keep its user pool, identity provider or ranges as narrow as the clients that need it, or delete the rule if the service should not be reachable through it (`aws elbv2 delete-rule --rule-arn {rule_arn}`)."
        );
    }
    format!(
        "Listener rule {rule} sends matching requests to `{service}`: if only some clients need it, make them sign in first (`aws elbv2 modify-rule --rule-arn {rule_arn} --actions Type=authenticate-cognito,Order=1,AuthenticateCognitoConfig={{UserPoolArn=<user-pool-arn>,UserPoolClientId=<client-id>,UserPoolDomain=<domain>}} Type=forward,Order=2,TargetGroupArn={tg}`) or add a `source-ip` condition with their ranges; if the service should not be reachable through it, delete the rule (`aws elbv2 delete-rule --rule-arn {rule_arn}`)."
    )
}

fn change(p: &Proposal<'_>) -> Option<Change> {
    let hit = p.hit;
    // On the EC2 hosts of `bridge`/`host` tasks, the address is a launch setting of the hosts,
    // which the planner does not model: the remediation text says what to do.
    if hit.evidence.iter().any(|e| e.has(keys::HOST)) {
        return None;
    }
    if hit.has(Facet::DirectPath) && p.assigns_public_ip {
        return Some(Change::DisablePublicIp {
            service: p.service.to_string(),
        });
    }
    // Through a load balancer: the services behind it are reachable only if it faces the
    // internet.
    if hit.has(Facet::LoadBalancerPath) {
        return Some(Change::MakeLoadBalancerInternal {
            load_balancer: hit
                .evidence
                .iter()
                .find_map(|e| e.get(keys::LOAD_BALANCER_ARN))?
                .to_string(),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::hops::route_to_igw;
    use super::*;
    use crate::load::Loader;
    use crate::traits::TraitId;

    /// An inventory with one subnet in `vpc-1` whose main route table has `routes`.
    fn inventory(routes: serde_json::Value) -> Inventory {
        let docs = [
            serde_json::json!({"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.0.0/24"}]}),
            serde_json::json!({"RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1",
                "Associations": [{"Main": true}], "Routes": routes}]}),
            serde_json::json!({"InternetGateways": [
                {"InternetGatewayId": "igw-1", "Attachments": [{"VpcId": "vpc-1", "State": "available"}]},
                {"InternetGatewayId": "igw-detached", "Attachments": [{"VpcId": "vpc-1", "State": "detached"}]}]}),
        ];
        let mut loader = Loader::new();
        for (i, d) in docs.iter().enumerate() {
            loader
                .add(&format!("doc {i}"), &serde_json::to_vec(d).unwrap())
                .unwrap();
        }
        loader.finish().0
    }

    fn reaches(routes: serde_json::Value, family: Family) -> bool {
        let inv = inventory(routes);
        let subnet = &inv.subnets["subnet-1"];
        let mut gaps = Gaps::default();
        let r = route_to_igw(&inv, subnet, family, &mut gaps).is_some();
        assert!(gaps.0.is_empty(), "{:?}", gaps.0);
        r
    }

    #[test]
    fn split_default_routes_to_the_gateway_cover_the_internet() {
        assert!(reaches(
            serde_json::json!([
                {"DestinationCidrBlock": "0.0.0.0/1", "GatewayId": "igw-1", "State": "active"},
                {"DestinationCidrBlock": "128.0.0.0/1", "GatewayId": "igw-1", "State": "active"}]),
            Family::V4
        ));
        // Half the internet is not enough: replies to the other half go nowhere.
        assert!(!reaches(
            serde_json::json!([{"DestinationCidrBlock": "0.0.0.0/1", "GatewayId": "igw-1"}]),
            Family::V4
        ));
    }

    #[test]
    fn blackhole_egress_only_detached_and_nat_routes_do_not_count() {
        for routes in [
            serde_json::json!([{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "blackhole"}]),
            serde_json::json!([{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-detached", "State": "active"}]),
            serde_json::json!([{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1", "State": "active"}]),
        ] {
            assert!(!reaches(routes, Family::V4));
        }
        assert!(!reaches(
            serde_json::json!([{"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-1", "State": "active"}]),
            Family::V6
        ));
        // An IPv4 default route says nothing about IPv6.
        assert!(!reaches(
            serde_json::json!([{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"}]),
            Family::V6
        ));
    }

    #[test]
    fn an_unreadable_route_is_a_gap_only_when_the_rest_falls_short() {
        for (routes, gap) in [
            (
                serde_json::json!([
                    {"DestinationCidrBlock": "0.0.0.0/33", "GatewayId": "igw-1", "State": "active"}]),
                Some("route table `rtb-1` Routes[0].DestinationCidrBlock: "),
            ),
            (
                serde_json::json!([
                    {"DestinationPrefixListId": "pl-0123", "GatewayId": "igw-1", "State": "active"}]),
                Some("route table `rtb-1` Routes[0].DestinationPrefixListId: "),
            ),
            (
                serde_json::json!([
                    {"DestinationCidrBlock": "not-a-cidr", "GatewayId": "igw-1", "State": "active"},
                    {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "active"}]),
                None,
            ),
        ] {
            let inv = inventory(routes);
            let mut gaps = Gaps::default();
            let r = route_to_igw(&inv, &inv.subnets["subnet-1"], Family::V4, &mut gaps);
            assert_eq!(r.is_some(), gap.is_none());
            match gap {
                Some(g) => assert!(
                    gaps.0.len() == 1 && gaps.0[0].starts_with(g),
                    "{:?}",
                    gaps.0
                ),
                None => assert!(gaps.0.is_empty(), "{:?}", gaps.0),
            }
        }
    }

    #[test]
    fn a_listener_without_a_port_is_a_gap() {
        let fixture: serde_json::Value =
            serde_json::from_str(include_str!("fixtures/internet_reachable.json")).unwrap();
        let case = fixture["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "internet-facing ALB forwarding to tasks in private subnets")
            .unwrap();
        let mut loader = Loader::new();
        for doc in case["documents"].as_array().unwrap() {
            let mut doc = doc.clone();
            if let Some(l) = doc
                .pointer_mut("/Listeners/0")
                .and_then(|l| l.as_object_mut())
            {
                l.remove("Port");
            }
            loader
                .add("fixture", &serde_json::to_vec(&doc).unwrap())
                .unwrap();
        }
        let a = crate::engine::analyze(&loader.finish().0);
        assert!(
            not_evaluated(&a)
                .iter()
                .any(|r| r.starts_with("listener ") && r.contains("has no port")),
            "{:#?}",
            a.not_evaluated
        );
    }

    #[test]
    fn a_missing_gateway_is_a_gap() {
        let inv = inventory(serde_json::json!([
            {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-gone", "State": "active"}]));
        let mut gaps = Gaps::default();
        assert!(route_to_igw(&inv, &inv.subnets["subnet-1"], Family::V4, &mut gaps).is_none());
        assert_eq!(gaps.0.len(), 1);
        assert!(gaps.0[0].contains("igw-gone"), "{:?}", gaps.0);
    }

    /// The first fixture case (a public Fargate service reachable on tcp 80), with `edit`
    /// applied to its documents.
    fn public_web(edit: impl Fn(&mut serde_json::Value)) -> crate::engine::Analysis {
        let fixture: serde_json::Value =
            serde_json::from_str(include_str!("fixtures/internet_reachable.json")).unwrap();
        let mut loader = Loader::new();
        for doc in fixture["cases"][0]["documents"].as_array().unwrap() {
            let mut doc = doc.clone();
            edit(&mut doc);
            loader
                .add("fixture", &serde_json::to_vec(&doc).unwrap())
                .unwrap();
        }
        crate::engine::analyze(&loader.finish().0)
    }

    fn set(doc: &mut serde_json::Value, pointer: &str, v: serde_json::Value) {
        if let Some(x) = doc.pointer_mut(pointer) {
            *x = v;
        }
    }

    /// The not-evaluated reason of `internet-reachable`, asserting that it did not fire.
    fn not_evaluated(a: &crate::engine::Analysis) -> Vec<String> {
        assert!(
            !a.findings.iter().any(|f| f.has(TraitId::InternetReachable)),
            "fired"
        );
        a.not_evaluated
            .iter()
            .filter(|n| n.trait_id == TraitId::InternetReachable)
            .map(|n| n.reason.clone())
            .collect()
    }

    #[test]
    fn unreadable_rules_on_the_path_are_not_evaluated() {
        assert!(public_web(|_| {}).findings[0].has(TraitId::InternetReachable));
        // Security group source.
        let a = public_web(|d| {
            set(
                d,
                "/SecurityGroups/0/IpPermissions/0/IpRanges/0/CidrIp",
                "0.0.0.0/33".into(),
            )
        });
        let reasons = not_evaluated(&a);
        assert!(
            reasons
                .iter()
                .any(|r| r
                    .starts_with("security group `sg-web` IpPermissions[0].IpRanges[0].CidrIp: ")),
            "{reasons:#?}"
        );
        // Security group protocol and ports.
        let a = public_web(|d| {
            set(
                d,
                "/SecurityGroups/0/IpPermissions/0/IpProtocol",
                "tcpp".into(),
            )
        });
        assert!(
            not_evaluated(&a)
                .iter()
                .any(|r| r.contains("`sg-web` IpPermissions[0].IpProtocol")),
        );
        let a = public_web(|d| set(d, "/SecurityGroups/0/IpPermissions/0/ToPort", 70000.into()));
        assert!(
            not_evaluated(&a)
                .iter()
                .any(|r| r.contains("`sg-web` IpPermissions[0].FromPort/ToPort")),
        );
        // Network ACL entry met before the allow.
        let a = public_web(|d| {
            if let Some(e) = d
                .pointer_mut("/NetworkAcls/0/Entries")
                .and_then(|e| e.as_array_mut())
            {
                e.push(serde_json::json!({"RuleNumber": 50, "Protocol": "tcpp",
                    "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0"}));
            }
        });
        assert!(
            not_evaluated(&a)
                .iter()
                .any(|r| r.starts_with("network ACL `acl-default` Entries[6].Protocol (rule 50): ")),
            "{:#?}",
            a.not_evaluated
        );
        // Route to the internet gateway.
        let a = public_web(|d| {
            set(
                d,
                "/RouteTables/0/Routes/1/DestinationCidrBlock",
                "not-a-cidr".into(),
            )
        });
        assert!(
            not_evaluated(&a)
                .iter()
                .any(|r| r.starts_with("route table `rtb-main` Routes[1].DestinationCidrBlock: ")),
            "{:#?}",
            a.not_evaluated
        );
    }

    /// Security group sources, network ACL entries and routes written with host bits set are
    /// read by their prefix length, and every hop says how AWS reads them.
    #[test]
    fn host_bits_are_read_on_every_hop() {
        let a = public_web(|d| {
            set(
                d,
                "/SecurityGroups/0/IpPermissions/0/IpRanges/0/CidrIp",
                "192.168.1.0/0".into(),
            );
            set(
                d,
                "/RouteTables/0/Routes/1/DestinationCidrBlock",
                "10.0.0.1/0".into(),
            );
            set(
                d,
                "/NetworkAcls/0/Entries/0/CidrBlock",
                "172.16.5.4/0".into(),
            );
            set(d, "/NetworkAcls/0/Entries/3/CidrBlock", "8.8.8.8/0".into());
        });
        let hit = a.findings[0]
            .traits
            .iter()
            .find(|t| t.id == TraitId::InternetReachable)
            .unwrap_or_else(|| panic!("not reachable: {:#?}", a.not_evaluated));
        let shown = serde_json::to_string(&hit.evidence).unwrap();
        for note in [
            "from 192.168.1.0/0 (host bits set; AWS reads it as `0.0.0.0/0`, the whole IPv4 internet)",
            "10.0.0.1/0 (host bits set; AWS reads it as `0.0.0.0/0`, the whole IPv4 internet) → igw-1",
            "from 172.16.5.4/0 (host bits set; AWS reads it as `0.0.0.0/0`, the whole IPv4 internet)",
            "to 8.8.8.8/0 (host bits set; AWS reads it as `0.0.0.0/0`, the whole IPv4 internet)",
        ] {
            let note = serde_json::to_string(note).unwrap();
            assert!(
                shown.contains(note.trim_matches('"')),
                "{note} not in {shown}"
            );
        }
    }

    #[test]
    fn fixture() {
        super::super::testing::run_fixture(
            &super::TRAIT,
            include_str!("fixtures/internet_reachable.json"),
        );
    }
}
