//! `public-ip`: the service gives its tasks public IPv4 addresses (`assignPublicIp: ENABLED`).

use super::util::DOC_UPDATE_SERVICE;
use super::*;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::PublicIp,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service has public IP addresses",
    phrase: "assigns public IP addresses",
    doc: include_str!("public_ip.md"),
    context_only: false,
    reads_service: true,
    check,
    remediation,
};

const FIELD: &str = "networkConfiguration.awsvpcConfiguration.assignPublicIp";

/// A service setting: the task definition is not needed, so a missing one is no gap here.
fn check(ctx: &ServiceContext<'_>, out: &mut Outcome) {
    let service = ctx.service;
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

fn remediation(ctx: &ServiceContext<'_>, _evidence: &[Evidence]) -> Remediation {
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

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        super::super::testing::run_fixture(&super::TRAIT, include_str!("fixtures/public_ip.json"));
    }
}
