//! `public-ip`: the service gives its tasks public IPv4 addresses (`assignPublicIp: ENABLED`).

use super::util::DOC_UPDATE_SERVICE;
use super::*;
use crate::model::{HostPublicIp, Kind};

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::PublicIp,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service has public IP addresses",
    phrase: "assigns public IP addresses",
    doc: include_str!("public_ip.md"),
    reads: &[Read::fields(Kind::EcsServices, &["networkConfiguration.awsvpcConfiguration.assignPublicIp"]), Read::fields(Kind::EcsTaskDefinition, &["networkMode"]), Read::fields(Kind::Ec2Subnets, &["MapPublicIpOnLaunch"]), Read::all(Kind::EcsContainerInstances), Read::all(Kind::Ec2Instances)],
    likelihood: LikelihoodRole::Weak,
    impact: &[],
    check,
    remediation,
    change,
};

const FIELD: &str = "networkConfiguration.awsvpcConfiguration.assignPublicIp";

/// A service setting: the task definition is not needed, so a missing one is no gap here.
fn check(ctx: &ServiceContext<'_>, out: &mut Outcome) {
    let service = ctx.service;
    if let Some(mode) = super::hosts::host_network(ctx) {
        host_check(ctx, mode, out);
        return;
    }
    if !service.assigns_public_ip() {
        return;
    }
    let subnets = service
        .awsvpc()
        .map(|a| a.subnets.clone())
        .unwrap_or_default();
    let in_subnets = if subnets.is_empty() {
        String::new()
    } else {
        format!(" in subnet(s) `{}`", subnets.join("`, `"))
    };
    out.fire(
        Evidence::new(
            &service.service_arn,
            format!(
                "service `{}` sets `assignPublicIp: ENABLED`: each task's network interface gets a public IPv4 address{in_subnets}",
                service.name()
            ),
        )
        .field(FIELD)
        .detail("subnets", subnets),
    );
}

/// `bridge`/`host` mode: the tasks are reached at their hosts' addresses.
fn host_check(ctx: &ServiceContext<'_>, mode: &str, out: &mut Outcome) {
    let inv = ctx.inventory;
    let hosts = super::hosts::service_hosts(ctx, mode);
    for g in hosts.gaps {
        out.gap(g);
    }
    let uses = format!("whose address the service's tasks ({mode} network mode) are reached at");
    for h in &hosts.hosts {
        let ev = |resource: &str, message: String| {
            Evidence::new(resource, message)
                .with(keys::HOST, h.id.as_str())
                .detail("network_mode", mode)
                .detail("subnets", h.subnets.clone())
        };
        match &h.public_ipv4 {
            HostPublicIp::Address { address, field } => out.fire(
                ev(
                    &h.id,
                    format!(
                        "{}, {uses}, has public IPv4 address {address} (`{field}`)",
                        h.description
                    ),
                )
                .field(field),
            ),
            HostPublicIp::AtLaunch { resource, field } => out.fire(
                ev(
                    resource,
                    format!(
                        "{}, {uses}, get a public IPv4 address at launch (`{field}: true` in `{resource}`)",
                        h.description
                    ),
                )
                .field(field),
            ),
            HostPublicIp::SubnetDefault => {
                for s in &h.subnets {
                    if !ctx.require_kind(Kind::Ec2Subnets, out) {
                        return;
                    }
                    match inv.subnets.get(s) {
                        Some(sub) if sub.map_public_ip_on_launch => out.fire(
                            ev(
                                s,
                                format!(
                                    "{}, {uses}, get a public IPv4 address at launch in subnet `{s}`: their launch settings do not set `AssociatePublicIpAddress`, so the subnet's `MapPublicIpOnLaunch: true` decides",
                                    h.description
                                ),
                            )
                            .field("MapPublicIpOnLaunch"),
                        ),
                        Some(_) => {}
                        None => out.gap(format!(
                            "subnet {s} of {} is not in the input, so whether its instances get a public IPv4 address (its `MapPublicIpOnLaunch`) is unknown (add `{} --subnet-ids {s}`)",
                            h.description,
                            Kind::Ec2Subnets.cli_command()
                        )),
                    }
                }
            }
            HostPublicIp::None => {}
        }
    }
}

fn remediation(ctx: &ServiceContext<'_>, evidence: &[Evidence]) -> Remediation {
    if evidence.iter().any(|e| e.has(keys::HOST)) {
        return host_remediation();
    }
    let service = ctx.service;
    let cluster = service
        .cluster_arn
        .as_deref()
        .and_then(|c| c.rsplit('/').next())
        .unwrap_or("<cluster>");
    let groups = service
        .awsvpc()
        .map(|a| a.security_groups.join(","))
        .filter(|g| !g.is_empty())
        .unwrap_or_else(|| "<sg-id>".to_string());
    Remediation {
        summary: "Run the tasks in private subnets without public IP addresses.".into(),
        steps: vec![
            "Before switching, make sure the private subnets have egress for image pulls and AWS APIs: a NAT gateway in a public subnet as their default route, or VPC endpoints for ECR (`ecr.api`, `ecr.dkr`, S3), CloudWatch Logs and Secrets Manager.".to_string(),
            format!(
                "Move the service to private subnets and turn public addresses off: `aws ecs update-service --cluster {cluster} --service {} --network-configuration 'awsvpcConfiguration={{subnets=[<private-subnet-ids>],securityGroups=[{groups}],assignPublicIp=DISABLED}}'`. Private means the subnet's route table sends `0.0.0.0/0` to the NAT gateway, not to an internet gateway.",
                service.name()
            ),
            "If the service must serve the internet, put an internet-facing Application or Network Load Balancer in public subnets in front of it (the service's `loadBalancers`), and let the tasks' security group accept traffic only from the load balancer's security group.".to_string(),
        ],
        references: vec![
            "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html".to_string(),
            DOC_UPDATE_SERVICE.to_string(),
            "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-2".to_string(),
        ],
    }
}

/// The hosts of `bridge`/`host` tasks have the public addresses: launch them without.
fn host_remediation() -> Remediation {
    Remediation {
        summary: "Launch the cluster's container instances in private subnets without public IP addresses.".into(),
        steps: vec![
            "Set `AssociatePublicIpAddress: false` in the launch template's network interface (or the launch configuration), and list private subnets in the Auto Scaling group's `VPCZoneIdentifier`; a subnet with `MapPublicIpOnLaunch: true` gives an address to every instance that does not say otherwise.".to_string(),
            "Give the private subnets a NAT gateway (or VPC endpoints for ECR, S3, CloudWatch Logs and ECS) so that the ECS agent and image pulls still work, then replace the running instances (an instance refresh of the Auto Scaling group).".to_string(),
            "If the service must serve the internet, put an internet-facing load balancer in front of it and let the instances' security group admit only the load balancer's group.".to_string(),
        ],
        references: vec![
            "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/launch_container_instance.html".to_string(),
            "https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-in-vpc.html".to_string(),
            "https://docs.aws.amazon.com/securityhub/latest/userguide/autoscaling-controls.html#autoscaling-5".to_string(),
        ],
    }
}

fn change(p: &Proposal<'_>) -> Option<Change> {
    // On the EC2 hosts of `bridge`/`host` tasks, the address is a launch setting of the hosts,
    // which the planner does not model: the remediation text says what to do.
    if p.hit.evidence.iter().any(|e| e.has(keys::HOST)) {
        return None;
    }
    Some(Change::DisablePublicIp {
        service: p.service.to_string(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        super::super::testing::run_fixture(&super::TRAIT, include_str!("fixtures/public_ip.json"));
    }
}
