//! Gap reasons that more than one trait gives, written once so that they say the same true
//! thing everywhere. A field that reads as absent is not always absent: a template may name
//! it with a value that cannot be resolved (a parameter without default, an import from
//! another stack), and the converter then leaves it out. The reason must say which.

use crate::model::{Inventory, Kind, LoadBalancer, Service, Unresolved};

/// The unresolved value of `resource` at `field` (a model JSON path; its items and members
/// count too), if the template or plan left one there.
pub(super) fn find_unresolved<'a>(
    inv: &'a Inventory,
    resource: &str,
    field: &str,
) -> Option<&'a Unresolved> {
    inv.unresolved.iter().find(|u| {
        u.resource == resource
            && u.field
                .strip_prefix(field)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['[', '.']))
    })
}

/// How the unresolved value of `resource` at `field` reads in a reason: "`taskDefinition`
/// cannot be resolved because … (file:line)".
fn unresolved(inv: &Inventory, resource: &str, field: &str) -> Option<String> {
    let u = find_unresolved(inv, resource, field)?;
    let at = u
        .location
        .as_ref()
        .map(|l| format!(" ({}:{})", l.file, l.line))
        .unwrap_or_default();
    Some(format!(
        "`{}` cannot be resolved because {}{at}",
        u.field, u.reason
    ))
}

/// The service names no task definition, or names one the template cannot resolve.
pub(super) fn no_task_definition(inv: &Inventory, service: &Service, consequence: &str) -> String {
    match unresolved(inv, &service.service_arn, "taskDefinition") {
        Some(why) => format!(
            "the service's task definition is not known: {why}, so {consequence} (give the value in the template, or scan the deployed service)"
        ),
        None => format!("the service names no task definition, so {consequence}"),
    }
}

/// An `awsvpc` service whose `awsvpcConfiguration` lists no security group: either none is
/// named (its tasks get the VPC's default group) or the ones named cannot be resolved.
pub(super) fn no_security_groups(inv: &Inventory, service: &Service) -> String {
    const FIELD: &str = "networkConfiguration.awsvpcConfiguration.securityGroups";
    match unresolved(inv, &service.service_arn, FIELD) {
        Some(why) => format!(
            "the service's security groups are not known: {why}, so the rules its tasks run with cannot be judged (give the value in the template, or scan the deployed service)"
        ),
        None => "the service's awsvpcConfiguration names no security group, so its tasks get the VPC's default security group, which the input does not identify".to_string(),
    }
}

/// A service whose task definition uses `awsvpc` network mode but that has no
/// `awsvpcConfiguration`: its subnets and security groups are unknown.
pub(super) fn no_awsvpc_configuration(inv: &Inventory, service: &Service, what: &str) -> String {
    match unresolved(inv, &service.service_arn, "networkConfiguration") {
        Some(why) => format!(
            "the service's network configuration is not known: {why}, so its {what} cannot be judged"
        ),
        None => format!(
            "the task definition uses `awsvpc` network mode but the service has no awsvpcConfiguration, so its {what} are unknown (add the service's `networkConfiguration`)"
        ),
    }
}

/// A load balancer that lists no subnets: a template names them with a value it cannot resolve
/// (they exist, unknown), or the input lacks them.
pub(super) fn load_balancer_without_subnets(inv: &Inventory, lb: &LoadBalancer) -> String {
    match find_unresolved(inv, &lb.load_balancer_arn, "AvailabilityZones") {
        Some(u) => format!(
            "the subnets (`Subnets`) of load balancer {} cannot be resolved because {}, so its route to the internet cannot be judged",
            lb.name(),
            u.reason
        ),
        None => format!(
            "load balancer {} lists no subnets, so its route to the internet cannot be judged (add them: `Subnets` or `SubnetMappings` in a template, `AvailabilityZones` in `describe-load-balancers` output)",
            lb.name()
        ),
    }
}

/// An application load balancer that lists no security group (it always has one): the
/// template names groups it cannot resolve, or names none (CloudFormation and Terraform then
/// give it the VPC's default group), or the input lacks them.
pub(super) fn load_balancer_without_security_groups(inv: &Inventory, lb: &LoadBalancer) -> String {
    let arn = lb.load_balancer_arn.as_str();
    if let Some(why) = unresolved(inv, arn, "SecurityGroups") {
        return format!(
            "the security groups of load balancer {} are not known: {why}, so what it admits cannot be judged",
            lb.name()
        );
    }
    if inv.from_template(arn) {
        return format!(
            "load balancer {} names no security group, so it gets the VPC's default security group, which the input does not identify: what it admits cannot be judged",
            lb.name()
        );
    }
    format!(
        "load balancer {} lists no security groups, so what it admits cannot be judged (add `{} --load-balancer-arns {arn}`)",
        lb.name(),
        Kind::Elbv2LoadBalancers.cli_command()
    )
}

#[cfg(test)]
mod tests {
    use crate::engine::{Analysis, analyze};
    use crate::load::Loader;
    use crate::traits::TraitId;

    fn scan(files: &[(&str, &str)]) -> Analysis {
        let mut l = Loader::new();
        for (name, text) in files {
            l.add(name, text.as_bytes()).unwrap();
        }
        analyze(&l.finish().0)
    }

    /// The not-evaluated reasons of `id`.
    fn reasons(a: &Analysis, id: TraitId) -> Vec<String> {
        a.not_evaluated
            .iter()
            .filter(|n| n.trait_id == id)
            .map(|n| n.reason.clone())
            .collect()
    }

    const TASK: &str = "  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      NetworkMode: awsvpc\n      ContainerDefinitions:\n        - Name: web\n          Image: nginx\n          PortMappings: [{ContainerPort: 80}]\n";

    /// A public subnet (`!Ref Sub`) with its route to an internet gateway, and a group `Sg`
    /// open on port 80, so that the network checks get as far as the service's groups.
    const NETWORK: &str = "  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n  Sub:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n      CidrBlock: 10.0.0.0/24\n  Igw:\n    Type: AWS::EC2::InternetGateway\n  Att:\n    Type: AWS::EC2::VPCGatewayAttachment\n    Properties:\n      VpcId: !Ref Vpc\n      InternetGatewayId: !Ref Igw\n  Rt:\n    Type: AWS::EC2::RouteTable\n    Properties:\n      VpcId: !Ref Vpc\n  R:\n    Type: AWS::EC2::Route\n    Properties:\n      RouteTableId: !Ref Rt\n      DestinationCidrBlock: 0.0.0.0/0\n      GatewayId: !Ref Igw\n  A:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n    Properties:\n      SubnetId: !Ref Sub\n      RouteTableId: !Ref Rt\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      VpcId: !Ref Vpc\n      GroupDescription: web\n      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: 0.0.0.0/0}]\n";

    fn service(props: &str) -> String {
        format!(
            "Resources:\n{TASK}{NETWORK}  S:\n    Type: AWS::ECS::Service\n    Properties:\n      LaunchType: FARGATE\n{props}"
        )
    }

    /// The one group named cannot be resolved: that is the reason, not the VPC default group.
    #[test]
    fn an_unresolved_security_group_is_not_the_default_group() {
        let t = service(
            "      TaskDefinition: !Ref T\n      NetworkConfiguration:\n        AwsvpcConfiguration:\n          AssignPublicIp: ENABLED\n          Subnets: [!Ref Sub]\n          SecurityGroups: [!ImportValue shared-web-sg]\n",
        );
        let a = scan(&[("t.yaml", &t)]);
        for id in [TraitId::OpenSecurityGroup, TraitId::InternetReachable] {
            let r = reasons(&a, id);
            assert!(
                r.iter().any(|r| r.starts_with("the service's security groups are not known: `networkConfiguration.awsvpcConfiguration.securityGroups[0]` cannot be resolved because")
                    && r.contains("(t.yaml:")),
                "{id:?}: {r:#?}"
            );
            assert!(
                !r.iter().any(|r| r.contains("default security group")),
                "{id:?}: {r:#?}"
            );
        }
        // None named at all: the tasks do get the VPC's default group.
        let t = service(
            "      TaskDefinition: !Ref T\n      NetworkConfiguration:\n        AwsvpcConfiguration:\n          AssignPublicIp: ENABLED\n          Subnets: [!Ref Sub]\n",
        );
        let a = scan(&[("t.yaml", &t)]);
        let r = reasons(&a, TraitId::OpenSecurityGroup);
        assert!(
            r.iter().any(|r| r.contains(
                "names no security group, so its tasks get the VPC's default security group"
            )),
            "{r:#?}"
        );
    }

    /// A task definition the template names but cannot resolve is not "no task definition".
    #[test]
    fn an_unresolved_task_definition_is_named_as_such() {
        let t = format!(
            "Parameters:\n  Td:\n    Type: String\n{}",
            service("      TaskDefinition: !Ref Td\n")
        );
        let a = scan(&[("t.yaml", &t)]);
        let r = reasons(&a, TraitId::PrivilegedContainer);
        assert!(
            r.iter().any(|r| r.starts_with("the service's task definition is not known: `taskDefinition` cannot be resolved because")),
            "{r:#?}"
        );
        assert!(
            !r.iter().any(|r| r.contains("names no task definition")),
            "{r:#?}"
        );
        let r = reasons(&a, TraitId::InternetReachable);
        assert!(
            r.iter().any(
                |r| r.starts_with("the service's task definition is not known")
                    && r.contains("its container ports are unknown")
            ),
            "{r:#?}"
        );
    }

    /// An `awsvpc` task definition run by a service without `awsvpcConfiguration`: not the
    /// EC2 container instances' groups.
    #[test]
    fn awsvpc_without_configuration_is_not_container_instances() {
        let svc = r#"{"services": [{"serviceArn": "arn:aws:ecs:us-east-1:1:service/c/web", "serviceName": "web", "launchType": "FARGATE", "taskDefinition": "arn:aws:ecs:us-east-1:1:task-definition/web:1"}]}"#;
        let td = r#"{"taskDefinition": {"taskDefinitionArn": "arn:aws:ecs:us-east-1:1:task-definition/web:1", "family": "web", "networkMode": "awsvpc", "containerDefinitions": [{"name": "web", "image": "nginx"}]}}"#;
        let a = scan(&[("s.json", svc), ("t.json", td)]);
        let r = reasons(&a, TraitId::OpenSecurityGroup);
        assert!(
            r.iter().any(|r| r.contains("uses `awsvpc` network mode but the service has no awsvpcConfiguration, so its security groups are unknown")),
            "{r:#?}"
        );
        assert!(
            !r.iter().any(|r| r.contains("container instances")),
            "{r:#?}"
        );
    }

    /// The service behind an internet-facing load balancer `Lb` with `lb_props`.
    fn behind_load_balancer(lb_props: &str) -> Analysis {
        let t = service(&format!(
            "      TaskDefinition: !Ref T\n      LoadBalancers: [{{TargetGroupArn: !Ref Tg, ContainerName: web, ContainerPort: 80}}]\n      NetworkConfiguration:\n        AwsvpcConfiguration:\n          Subnets: [!Ref Sub]\n          SecurityGroups: [!Ref Sg]\n  Lb:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      Scheme: internet-facing\n{lb_props}  Tg:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n    Properties:\n      Port: 80\n      Protocol: HTTP\n      TargetType: ip\n  L:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n      LoadBalancerArn: !Ref Lb\n      Port: 80\n      Protocol: HTTP\n      DefaultActions: [{{Type: forward, TargetGroupArn: !Ref Tg}}]\n"
        ));
        scan(&[("t.yaml", &t)])
    }

    /// A load balancer's subnets are called what the template calls them.
    #[test]
    fn load_balancer_subnets_are_named_subnets() {
        let a = behind_load_balancer(
            "      SecurityGroups: [!Ref Sg]\n      Subnets: [!ImportValue public-subnet-a]\n",
        );
        let r = reasons(&a, TraitId::InternetReachable);
        assert!(
            r.iter().any(|r| r.starts_with("possible: the load balancer's subnets (`Subnets[0]`) of t.yaml#Lb cannot be resolved")),
            "{r:#?}"
        );
        // It lists a subnet, unknown: not "lists no subnets".
        assert!(
            r.iter().any(|r| r.starts_with("the subnets (`Subnets`) of load balancer Lb cannot be resolved because it is imported from another stack")),
            "{r:#?}"
        );
        assert!(!r.iter().any(|r| r.contains("lists no subnets")), "{r:#?}");
        assert!(
            !r.iter().any(|r| r.contains("AvailabilityZones[")),
            "{r:#?}"
        );
    }

    /// A load balancer's groups that the template cannot resolve are recorded, not dropped;
    /// one that names none gets the VPC's default group, which is no incomplete input.
    #[test]
    fn load_balancer_security_groups_unresolved_or_default() {
        let a = behind_load_balancer(
            "      SecurityGroups: [!ImportValue lb-sg]\n      Subnets: [!Ref Sub]\n",
        );
        let r = reasons(&a, TraitId::InternetReachable);
        assert!(
            r.iter()
                .any(|r| r
                    .starts_with("possible: `SecurityGroups[0]` of t.yaml#Lb cannot be resolved")),
            "{r:#?}"
        );
        assert!(
            r.iter().any(|r| r.starts_with("the security groups of load balancer Lb are not known: `SecurityGroups[0]` cannot be resolved")),
            "{r:#?}"
        );
        let a = behind_load_balancer("      Subnets: [!Ref Sub]\n");
        let r = reasons(&a, TraitId::InternetReachable);
        assert!(
            r.iter().any(|r| r.starts_with("load balancer Lb names no security group, so it gets the VPC's default security group")),
            "{r:#?}"
        );
        assert!(
            !r.iter().any(|r| r.contains("describe-load-balancers")),
            "{r:#?}"
        );
    }

    /// Terraform: subnets known only after apply are an unresolved value, not "no subnets".
    #[test]
    fn terraform_load_balancer_subnets_unknown_until_apply() {
        let plan = serde_json::json!({"format_version": "1.2", "planned_values": {"root_module": {"resources": [
            {"address": "aws_lb.web", "mode": "managed", "type": "aws_lb", "name": "web",
             "values": {"name": "web", "internal": false, "load_balancer_type": "application"}}]}}});
        let mut l = Loader::new();
        l.add("plan.json", plan.to_string().as_bytes()).unwrap();
        let inv = l.finish().0;
        let u: Vec<(&str, &str)> = inv
            .unresolved
            .iter()
            .map(|u| (u.resource.as_str(), u.field.as_str()))
            .collect();
        assert!(
            u.contains(&("plan.json#aws_lb.web", "AvailabilityZones")),
            "{u:?}"
        );
    }

    /// A credential on a command line that the template cannot resolve may be plaintext.
    #[test]
    fn an_unresolved_command_argument_is_a_possible_credential() {
        let t = "Parameters:\n  Pw:\n    Type: String\nResources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: app\n          Image: nginx\n          Command: [serve, --password, !Ref Pw]\n  S:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: !Ref T\n";
        let a = scan(&[("t.yaml", t)]);
        let r = reasons(&a, TraitId::PlaintextCredentials);
        assert!(
            r.iter().any(|r| r.starts_with(
                "possible: `containerDefinitions[0].command[2]` of t.yaml#T cannot be resolved"
            )),
            "{r:#?}"
        );
    }
}
