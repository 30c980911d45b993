//! The inventory: one model that every source (snapshot files, live collection, infrastructure
//! as code) fills and every trait reads. Resources are kept in the AWS API's own shapes so that
//! a reader can check any evidence against the console or the CLI.

pub mod change;
mod collection;
mod ec2;
mod ecs;
mod elbv2;
mod elbv2_rules;
mod hosts;
mod iam;
mod image;
mod inputs;
mod inspector;
mod resource;
mod secret;
pub mod severity;
mod snippet;
mod source;
mod suppression;
pub mod text;
pub(crate) mod unique;

pub use collection::{CallFailure, CollectionReport};
pub use ec2::*;
pub use ecs::*;
pub use elbv2::*;
pub use elbv2_rules::*;
pub use hosts::*;
pub use iam::*;
pub use image::ImageRef;
pub use inspector::*;
pub use resource::{Resource, ResourceType};
pub use secret::SecretString;
pub use severity::{Impact, Likelihood, Severity};
pub use snippet::{SNIPPET_CHARS, Snippet};
pub use source::{Location, Origin, SourceKind, SourceMap, Unresolved};
pub use suppression::{Suppression, Written};

use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The kinds of input the inventory can hold, one per AWS CLI command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    EcsServices,
    EcsTaskDefinition,
    EcsClusters,
    Ec2SecurityGroups,
    Ec2Subnets,
    Ec2RouteTables,
    Ec2NetworkAcls,
    Ec2InternetGateways,
    Elbv2LoadBalancers,
    Elbv2TargetGroups,
    Elbv2Listeners,
    Elbv2Rules,
    IamAuthorizationDetails,
    InspectorFindings,
    EcsContainerInstances,
    Ec2Instances,
    /// The report of a live collection (`ecsExposureCollection`).
    Collection,
}

impl Kind {
    /// The AWS CLI command whose output this kind is; used in messages that tell a user
    /// which file to add.
    pub fn cli_command(self) -> &'static str {
        match self {
            Kind::EcsServices => "aws ecs describe-services",
            Kind::EcsTaskDefinition => "aws ecs describe-task-definition",
            Kind::EcsClusters => "aws ecs describe-clusters",
            Kind::Ec2SecurityGroups => "aws ec2 describe-security-groups",
            Kind::Ec2Subnets => "aws ec2 describe-subnets",
            Kind::Ec2RouteTables => "aws ec2 describe-route-tables",
            Kind::Ec2NetworkAcls => "aws ec2 describe-network-acls",
            Kind::Ec2InternetGateways => "aws ec2 describe-internet-gateways",
            Kind::Elbv2LoadBalancers => "aws elbv2 describe-load-balancers",
            Kind::Elbv2TargetGroups => "aws elbv2 describe-target-groups",
            Kind::Elbv2Listeners => "aws elbv2 describe-listeners",
            Kind::Elbv2Rules => "aws elbv2 describe-rules",
            Kind::IamAuthorizationDetails => "aws iam get-account-authorization-details",
            Kind::InspectorFindings => "aws inspector2 list-findings",
            Kind::EcsContainerInstances => "aws ecs describe-container-instances",
            Kind::Ec2Instances => "aws ec2 describe-instances",
            Kind::Collection => "ecs-exposure collect",
        }
    }

    /// A short plural noun for messages ("no route tables in the input").
    pub fn noun(self) -> &'static str {
        match self {
            Kind::EcsServices => "ECS services",
            Kind::EcsTaskDefinition => "task definitions",
            Kind::EcsClusters => "ECS clusters",
            Kind::Ec2SecurityGroups => "security groups",
            Kind::Ec2Subnets => "subnets",
            Kind::Ec2RouteTables => "route tables",
            Kind::Ec2NetworkAcls => "network ACLs",
            Kind::Ec2InternetGateways => "internet gateways",
            Kind::Elbv2LoadBalancers => "load balancers",
            Kind::Elbv2TargetGroups => "target groups",
            Kind::Elbv2Listeners => "listeners",
            Kind::Elbv2Rules => "listener rules",
            Kind::IamAuthorizationDetails => "IAM authorization details",
            Kind::InspectorFindings => "Inspector findings",
            Kind::EcsContainerInstances => "container instances",
            Kind::Ec2Instances => "EC2 instances",
            Kind::Collection => "collection reports",
        }
    }
}

/// Everything known about one account (or several), merged from any number of sources.
#[derive(Debug, Default, Clone)]
pub struct Inventory {
    pub clusters: BTreeMap<String, Cluster>,
    /// Keyed by service ARN; ordered so that reports are stable.
    pub services: BTreeMap<String, Service>,
    pub task_definitions: HashMap<String, TaskDefinition>,
    pub security_groups: HashMap<String, SecurityGroup>,
    pub subnets: HashMap<String, Subnet>,
    pub route_tables: BTreeMap<String, RouteTable>,
    pub network_acls: BTreeMap<String, NetworkAcl>,
    pub internet_gateways: HashMap<String, InternetGateway>,
    pub load_balancers: HashMap<String, LoadBalancer>,
    pub target_groups: HashMap<String, TargetGroup>,
    pub listeners: BTreeMap<String, Listener>,
    /// Keyed by rule ARN (or IaC id).
    pub listener_rules: BTreeMap<String, ListenerRule>,
    pub roles: HashMap<String, Role>,
    pub managed_policies: HashMap<String, ManagedPolicy>,
    pub inspector_findings: Vec<InspectorFinding>,
    /// ECS container instances, keyed by ARN (`describe-container-instances`).
    pub container_instances: BTreeMap<String, ContainerInstance>,
    /// EC2 instances, keyed by instance id (`describe-instances`).
    pub instances: HashMap<String, Instance>,
    /// Infrastructure as code only: the hosts launched into clusters, keyed by the Auto
    /// Scaling group's (or instance's) id. See [`Inventory::hosts_of`].
    pub host_groups: BTreeMap<String, HostGroup>,
    /// Calls that failed during live collection (empty for a hand-made snapshot).
    pub collection_failures: Vec<CallFailure>,
    /// Which kinds of input were present (even if empty): absence means "not collected",
    /// which is different from "collected and found nothing".
    pub loaded: BTreeSet<Kind>,
    /// Where each resource read from infrastructure as code, or from a task definition file,
    /// is written, by resource id ([`SourceMap::kind`] tells them apart).
    pub sources: HashMap<String, SourceMap>,
    /// Infrastructure as code only: values that could not be resolved.
    pub unresolved: Vec<Unresolved>,
    /// Infrastructure as code only: suppressions written beside the resources
    /// (CloudFormation `Metadata`, Terraform tags); the caller applies them.
    pub suppressions: Vec<crate::model::Suppression>,
    index: Index,
}

/// Lookups derived from the inventory, rebuilt by [`Inventory::reindex`].
#[derive(Debug, Default, Clone)]
struct Index {
    task_def_by_short: HashMap<String, String>,
    route_table_by_subnet: HashMap<String, String>,
    main_route_table_by_vpc: HashMap<String, String>,
    nacl_by_subnet: HashMap<String, String>,
    default_nacl_by_vpc: HashMap<String, String>,
    listeners_by_lb: HashMap<String, Vec<String>>,
    listeners_by_target_group: HashMap<String, Vec<String>>,
    rules: elbv2_rules::RuleIndex,
    role_by_name: HashMap<String, String>,
    /// Services whose task definition is not in the inventory (not given, not in the
    /// input, or a value a template or plan cannot resolve).
    services_of_unknown_task_definition: Vec<String>,
    findings_by_repository: HashMap<String, Vec<usize>>,
    /// Container instance ARNs by the name of their cluster.
    container_instances_by_cluster: HashMap<String, Vec<String>>,
}

impl Inventory {
    pub fn has(&self, kind: Kind) -> bool {
        self.loaded.contains(&kind)
    }

    /// Rebuilds the derived lookups; every source calls it once after loading.
    pub fn reindex(&mut self) {
        let mut ix = Index::default();
        for (arn, td) in &self.task_definitions {
            ix.task_def_by_short
                .insert(td.short_name().to_string(), arn.clone());
        }
        for rt in self.route_tables.values() {
            for a in &rt.associations {
                if a.main {
                    ix.main_route_table_by_vpc
                        .insert(rt.vpc_id.clone(), rt.route_table_id.clone());
                }
                if let Some(s) = &a.subnet_id {
                    ix.route_table_by_subnet
                        .insert(s.clone(), rt.route_table_id.clone());
                }
            }
        }
        for acl in self.network_acls.values() {
            if acl.is_default {
                ix.default_nacl_by_vpc
                    .insert(acl.vpc_id.clone(), acl.network_acl_id.clone());
            }
            for a in &acl.associations {
                if let Some(s) = &a.subnet_id {
                    ix.nacl_by_subnet
                        .insert(s.clone(), acl.network_acl_id.clone());
                }
            }
        }
        for l in self.listeners.values() {
            ix.listeners_by_lb
                .entry(l.load_balancer_arn.clone())
                .or_default()
                .push(l.listener_arn.clone());
            for tg in l.forward_target_groups() {
                let v = ix
                    .listeners_by_target_group
                    .entry(tg.to_string())
                    .or_default();
                if !v.contains(&l.listener_arn) {
                    v.push(l.listener_arn.clone());
                }
            }
        }
        ix.rules = elbv2_rules::RuleIndex::build(&self.listener_rules);
        for r in self.roles.values() {
            ix.role_by_name.insert(r.name().to_string(), r.arn.clone());
        }
        for s in self.services.values() {
            let known = s.task_definition.as_deref().is_some_and(|r| {
                let short = r.rsplit('/').next().unwrap_or(r);
                self.task_definitions.contains_key(r) || ix.task_def_by_short.contains_key(short)
            });
            if !known {
                ix.services_of_unknown_task_definition
                    .push(s.service_arn.clone());
            }
        }
        for (i, f) in self.inspector_findings.iter().enumerate() {
            for r in &f.resources {
                if let Some(img) = r
                    .details
                    .as_ref()
                    .and_then(|d| d.aws_ecr_container_image.as_ref())
                    && let Some(repo) = &img.repository_name
                {
                    ix.findings_by_repository
                        .entry(repo.clone())
                        .or_default()
                        .push(i);
                }
            }
        }
        for ci in self.container_instances.values() {
            if let Some(c) = ci.cluster_name() {
                ix.container_instances_by_cluster
                    .entry(c.to_string())
                    .or_default()
                    .push(ci.container_instance_arn.clone());
            }
        }
        self.index = ix;
    }

    /// Services whose task definition is not in the inventory: any of them may run a task
    /// definition that no known service runs.
    pub fn services_of_unknown_task_definition(&self) -> &[String] {
        &self.index.services_of_unknown_task_definition
    }

    /// Where a field of a resource read from infrastructure as code or from a task
    /// definition file is written.
    pub fn locate(&self, resource: &str, field: Option<&str>) -> Option<&Location> {
        self.sources.get(resource)?.locate(field)
    }

    /// What a resource read from a file is called in it ([`Origin::Unknown`] for one read
    /// from the AWS API or a snapshot).
    pub fn origin(&self, resource: &str) -> &Origin {
        const UNKNOWN: &Origin = &Origin::Unknown;
        self.sources.get(resource).map_or(UNKNOWN, |m| &m.origin)
    }

    /// Whether a resource was converted from a template or plan (not read from a task
    /// definition file, which also records where its fields are written).
    pub fn from_template(&self, resource: &str) -> bool {
        self.sources
            .get(resource)
            .is_some_and(|m| m.kind == SourceKind::Template)
    }

    /// The task definition a service runs, by full ARN or by `family:revision`.
    pub fn task_definition(&self, reference: &str) -> Option<&TaskDefinition> {
        self.task_definitions.get(reference).or_else(|| {
            let short = reference.rsplit('/').next().unwrap_or(reference);
            self.index
                .task_def_by_short
                .get(short)
                .and_then(|arn| self.task_definitions.get(arn))
        })
    }

    /// Whether a route target is an internet gateway: one of the input's internet gateways,
    /// or an id in AWS's form for them (`igw-…`) when the input does not describe it (a NAT
    /// gateway is `nat-…`, an egress-only gateway `eigw-…`, a peering `pcx-…`).
    pub fn is_internet_gateway(&self, id: &str) -> bool {
        self.internet_gateways.contains_key(id) || id.starts_with("igw-")
    }

    /// The route table that governs a subnet: its explicit association, else the VPC's main
    /// table. The second value tells whether the association was explicit.
    pub fn route_table_for_subnet(&self, subnet: &Subnet) -> Option<(&RouteTable, bool)> {
        if let Some(id) = self.index.route_table_by_subnet.get(&subnet.subnet_id) {
            return self.route_tables.get(id).map(|rt| (rt, true));
        }
        self.index
            .main_route_table_by_vpc
            .get(&subnet.vpc_id)
            .and_then(|id| self.route_tables.get(id))
            .map(|rt| (rt, false))
    }

    /// The network ACL of a subnet: its association, else the VPC's default ACL.
    pub fn network_acl_for_subnet(&self, subnet: &Subnet) -> Option<&NetworkAcl> {
        self.index
            .nacl_by_subnet
            .get(&subnet.subnet_id)
            .or_else(|| self.index.default_nacl_by_vpc.get(&subnet.vpc_id))
            .and_then(|id| self.network_acls.get(id))
    }

    pub fn listeners_of(&self, load_balancer_arn: &str) -> impl Iterator<Item = &Listener> {
        self.index
            .listeners_by_lb
            .get(load_balancer_arn)
            .into_iter()
            .flatten()
            .filter_map(|arn| self.listeners.get(arn))
    }

    /// Listeners whose default action forwards to this target group.
    pub fn listeners_forwarding_to(
        &self,
        target_group_arn: &str,
    ) -> impl Iterator<Item = &Listener> {
        self.index
            .listeners_by_target_group
            .get(target_group_arn)
            .into_iter()
            .flatten()
            .filter_map(|arn| self.listeners.get(arn))
    }

    /// A role by ARN, or by name when the ARN's path differs (task definitions may name a
    /// role by a path-less ARN).
    pub fn role(&self, arn: &str) -> Option<&Role> {
        self.roles.get(arn).or_else(|| {
            let name = arn.rsplit('/').next().unwrap_or(arn);
            self.index
                .role_by_name
                .get(name)
                .and_then(|a| self.roles.get(a))
        })
    }

    /// Inspector findings whose ECR image resource is in this repository (any registry).
    pub fn findings_for_repository(
        &self,
        repository: &str,
    ) -> impl Iterator<Item = &InspectorFinding> {
        self.index
            .findings_by_repository
            .get(repository)
            .into_iter()
            .flatten()
            .map(|&i| &self.inspector_findings[i])
    }
}

/// Account id and region from an ARN (`arn:aws:ecs:us-east-1:123456789012:service/…`).
pub fn arn_account_region(arn: &str) -> (Option<&str>, Option<&str>) {
    let mut parts = arn.splitn(6, ':');
    let (_, _, _, region, account) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    );
    (
        account.filter(|a| !a.is_empty()),
        region.filter(|r| !r.is_empty()),
    )
}

/// The partition of an ARN (`aws`, `aws-cn`, `aws-us-gov`).
pub fn arn_partition(arn: &str) -> Option<&str> {
    arn.split(':').nth(1).filter(|p| !p.is_empty())
}
