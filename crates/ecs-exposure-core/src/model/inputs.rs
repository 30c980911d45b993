//! Which kind of input holds what: the kinds an AWS API call feeds, the kind of a resource of
//! the inventory, and the fields of one resource that name another. Traits declare what they
//! read in these terms, and the engine derives from them which traits a failed call or an
//! unresolved template value keeps from being judged.

use super::{Inventory, Kind};

impl Kind {
    /// The kinds of input an AWS API call (in IAM action form, `ec2:DescribeSubnets`) feeds:
    /// what a failure of it leaves out. `None` for a call this table does not know, which a
    /// caller must take as "anything may be missing".
    pub fn fed_by(operation: &str) -> Option<&'static [Kind]> {
        Some(match operation {
            "ecs:DescribeClusters" => &[Kind::EcsClusters],
            // Without the services (or the account and its regions) nothing is judged.
            "ecs:ListClusters"
            | "ecs:ListServices"
            | "ecs:DescribeServices"
            | "ec2:DescribeRegions"
            | "sts:GetCallerIdentity" => &[Kind::EcsServices],
            "ecs:DescribeTaskDefinition" | "ecs:ListTaskDefinitions" => &[Kind::EcsTaskDefinition],
            "ecs:ListContainerInstances" | "ecs:DescribeContainerInstances" => {
                &[Kind::EcsContainerInstances]
            }
            "ec2:DescribeInstances" => &[Kind::Ec2Instances],
            "ec2:DescribeSecurityGroups" => &[Kind::Ec2SecurityGroups],
            "ec2:DescribeSubnets" => &[Kind::Ec2Subnets],
            "ec2:DescribeRouteTables" => &[Kind::Ec2RouteTables],
            "ec2:DescribeNetworkAcls" => &[Kind::Ec2NetworkAcls],
            "ec2:DescribeInternetGateways" => &[Kind::Ec2InternetGateways],
            "elasticloadbalancing:DescribeLoadBalancers" => &[Kind::Elbv2LoadBalancers],
            "elasticloadbalancing:DescribeTargetGroups" => &[Kind::Elbv2TargetGroups],
            "elasticloadbalancing:DescribeListeners" => &[Kind::Elbv2Listeners],
            "elasticloadbalancing:DescribeRules" => &[Kind::Elbv2Rules],
            op if op.starts_with("iam:") => &[Kind::IamAuthorizationDetails],
            op if op.starts_with("inspector2:") => &[Kind::InspectorFindings],
            _ => return None,
        })
    }

    /// The kind a field of a resource of this kind names, when it names another resource:
    /// a value the template leaves unresolved there leaves that whole resource unknown.
    pub fn referenced_by(self, field: &str) -> Option<Kind> {
        let names = |prefix: &str| {
            field
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
        };
        match self {
            Kind::EcsServices if names("taskDefinition") => Some(Kind::EcsTaskDefinition),
            Kind::EcsServices
                if names("networkConfiguration.awsvpcConfiguration.securityGroups") =>
            {
                Some(Kind::Ec2SecurityGroups)
            }
            Kind::EcsServices if names("networkConfiguration.awsvpcConfiguration.subnets") => {
                Some(Kind::Ec2Subnets)
            }
            Kind::EcsServices if names("loadBalancers") => Some(Kind::Elbv2TargetGroups),
            Kind::EcsTaskDefinition if names("taskRoleArn") => Some(Kind::IamAuthorizationDetails),
            Kind::EcsTaskDefinition
                if field.starts_with("containerDefinitions[") && field.ends_with(".image") =>
            {
                Some(Kind::InspectorFindings)
            }
            _ => None,
        }
    }
}

impl Inventory {
    /// The kind of input a resource of the inventory (by ARN, id or IaC id) came in.
    pub fn kind_of(&self, id: &str) -> Option<Kind> {
        let kind = if self.services.contains_key(id) {
            Kind::EcsServices
        } else if self.task_definitions.contains_key(id) {
            Kind::EcsTaskDefinition
        } else if self.security_groups.contains_key(id) {
            Kind::Ec2SecurityGroups
        } else if self.subnets.contains_key(id) {
            Kind::Ec2Subnets
        } else if self.route_tables.contains_key(id) {
            Kind::Ec2RouteTables
        } else if self.network_acls.contains_key(id) {
            Kind::Ec2NetworkAcls
        } else if self.internet_gateways.contains_key(id) {
            Kind::Ec2InternetGateways
        } else if self.load_balancers.contains_key(id) {
            Kind::Elbv2LoadBalancers
        } else if self.target_groups.contains_key(id) {
            Kind::Elbv2TargetGroups
        } else if self.listeners.contains_key(id) {
            Kind::Elbv2Listeners
        } else if self.listener_rules.contains_key(id) {
            Kind::Elbv2Rules
        } else if self.roles.contains_key(id) || self.managed_policies.contains_key(id) {
            Kind::IamAuthorizationDetails
        } else if self.container_instances.contains_key(id) {
            Kind::EcsContainerInstances
        } else if self.instances.contains_key(id) || self.host_groups.contains_key(id) {
            Kind::Ec2Instances
        } else if self.clusters.contains_key(id) {
            Kind::EcsClusters
        } else {
            return None;
        };
        Some(kind)
    }
}
