//! Exposure traits: one file per trait, each with its detector, its remediation and its doc
//! (`<trait>.md` beside it). A trait reads the [`Inventory`] for one service and reports
//! evidence, or a gap when the data it needs is not in the input.
//!
//! Trait ids are a public contract: they never change once released.

mod context;
mod registry;

pub use context::{Outcome, ServiceContext};
pub(crate) use netmath::canonical as canonical_cidr;
pub(crate) use plaintext_credentials::command_line_values;
pub use registry::{ALL, by_id};

use serde::Serialize;

/// Every trait id. The string forms are the public contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TraitId {
    PrivilegedContainer,
    AssumableIamRole,
    HostFilesystemMount,
    HostPidNamespace,
    PlaintextCredentials,
    OpenSecurityGroup,
    PublicIp,
    HostNetworkMode,
    AdminIamRole,
    InternetReachable,
    ExploitableVulnerability,
    SoftwareVulnerability,
    // Hygiene traits: context for a finding, never a finding on their own.
    WritableRootFilesystem,
    RootUser,
    AddedCapabilities,
    EcsExecEnabled,
    ServiceAdminIamRole,
    OutdatedFargatePlatform,
    TaskRoleIsExecutionRole,
}

impl TraitId {
    pub fn as_str(self) -> &'static str {
        match self {
            TraitId::PrivilegedContainer => "privileged-container",
            TraitId::AssumableIamRole => "assumable-iam-role",
            TraitId::HostFilesystemMount => "host-filesystem-mount",
            TraitId::HostPidNamespace => "host-pid-namespace",
            TraitId::PlaintextCredentials => "plaintext-credentials",
            TraitId::OpenSecurityGroup => "open-security-group",
            TraitId::PublicIp => "public-ip",
            TraitId::HostNetworkMode => "host-network-mode",
            TraitId::AdminIamRole => "admin-iam-role",
            TraitId::InternetReachable => "internet-reachable",
            TraitId::ExploitableVulnerability => "exploitable-vulnerability",
            TraitId::SoftwareVulnerability => "software-vulnerability",
            TraitId::WritableRootFilesystem => "writable-root-filesystem",
            TraitId::RootUser => "root-user",
            TraitId::AddedCapabilities => "added-capabilities",
            TraitId::EcsExecEnabled => "ecs-exec-enabled",
            TraitId::ServiceAdminIamRole => "service-admin-iam-role",
            TraitId::OutdatedFargatePlatform => "outdated-fargate-platform",
            TraitId::TaskRoleIsExecutionRole => "task-role-is-execution-role",
        }
    }
}

impl std::fmt::Display for TraitId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Security Hub's trait types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Category {
    Misconfiguration,
    Assumability,
    Reachability,
    Vulnerability,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Misconfiguration => "Misconfiguration",
            Category::Assumability => "Assumability",
            Category::Reachability => "Reachability",
            Category::Vulnerability => "Vulnerability",
        }
    }
}

/// Facts about a hit that the severity engine reads, beyond the trait id itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Facet {
    /// internet-reachable: directly, through a public IP on the task.
    DirectPath,
    /// internet-reachable: through an internet-facing load balancer.
    LoadBalancerPath,
    /// internet-reachable: every path is through a load balancer that asks for sign-in
    /// (`authenticate-cognito`, `authenticate-oidc`, `jwt-validation`) or admits only some
    /// internet sources (a listener rule's `source-ip` condition).
    GuardedLoadBalancerPath,
    /// A vulnerability with network attack vector (`AV:N`).
    NetworkVector,
    /// plaintext-credentials: an AWS secret access key.
    AwsSecretKey,
    /// host-filesystem-mount: `/`, docker.sock, `/proc`, `/etc`… (container escape).
    SensitiveHostPath,
}

/// One piece of evidence: what was seen, on which resource, where.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Evidence {
    /// A sentence a person can check, e.g. "container `web` sets `privileged: true`".
    /// Never contains a credential value.
    pub message: String,
    /// ARN or id of the resource the evidence is about.
    pub resource: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// Where in that resource, as a JSON path of the AWS API shape.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For reachability: the path from the internet to the port, hop by hop.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<PathStep>,
    /// Trait-specific details (CVE id, EPSS, rule, masked value…).
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub details: serde_json::Map<String, serde_json::Value>,
    /// Infrastructure as code: the file, line and column of `field`, filled in by the engine
    /// from the inventory's source map (traits never set it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<crate::model::Location>,
}

impl Evidence {
    pub fn new(resource: impl Into<String>, message: impl Into<String>) -> Self {
        Evidence {
            message: message.into(),
            resource: resource.into(),
            container: None,
            field: None,
            path: Vec::new(),
            details: serde_json::Map::new(),
            location: None,
        }
    }
    pub fn container(mut self, name: impl Into<String>) -> Self {
        self.container = Some(name.into());
        self
    }
    pub fn field(mut self, path: impl Into<String>) -> Self {
        self.field = Some(path.into());
        self
    }
    pub fn step(mut self, step: PathStep) -> Self {
        self.path.push(step);
        self
    }
    pub fn detail(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.details.insert(key.to_string(), value.into());
        self
    }
}

/// One hop of a network path.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PathStep {
    /// CloudFormation-style type, e.g. `AWS::EC2::InternetGateway`.
    #[serde(rename = "type")]
    pub resource_type: String,
    pub id: String,
    /// What this hop allows, e.g. "rule 100 allows tcp 0-65535 from 0.0.0.0/0".
    pub detail: String,
}

impl PathStep {
    pub fn new(resource_type: &str, id: impl Into<String>, detail: impl Into<String>) -> Self {
        PathStep {
            resource_type: resource_type.to_string(),
            id: id.into(),
            detail: detail.into(),
        }
    }
}

/// How to close a trait: a summary, concrete steps (specific to this service where the
/// evidence allows), and AWS documentation.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Remediation {
    pub summary: String,
    pub steps: Vec<String>,
    pub references: Vec<String>,
}

/// A trait found on a service.
#[derive(Debug, Clone, Serialize)]
pub struct TraitHit {
    pub id: TraitId,
    pub category: Category,
    pub title: &'static str,
    pub evidence: Vec<Evidence>,
    /// ARNs/ids of every resource the trait comes from.
    pub resources: Vec<String>,
    #[serde(skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    pub facets: std::collections::BTreeSet<Facet>,
    pub remediation: Remediation,
}

impl TraitHit {
    pub fn has(&self, facet: Facet) -> bool {
        self.facets.contains(&facet)
    }
}

/// A check that could not be made, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Gap {
    pub trait_id: TraitId,
    pub reason: String,
    /// The service the check was for.
    pub resource: String,
}

/// A trait's definition: metadata, doc, detector and remediation.
pub struct TraitDef {
    pub id: TraitId,
    pub category: Category,
    /// Security Hub-style title, e.g. "The Amazon ECS service …".
    pub title: &'static str,
    /// A verb phrase for finding titles, e.g. "runs a privileged container".
    pub phrase: &'static str,
    /// Markdown doc: what it detects, why it matters, example, fix.
    pub doc: &'static str,
    /// Context traits never make a finding on their own (see docs/severity.md).
    pub context_only: bool,
    /// The trait judges the service itself (its network, its settings, its role), not only
    /// the task definition it runs: a task definition judged on its own, with no service in
    /// the input to run it, lists this trait as not evaluated.
    pub reads_service: bool,
    pub check: fn(&ServiceContext<'_>, &mut Outcome),
    pub remediation: fn(&ServiceContext<'_>, &[Evidence]) -> Remediation,
}

#[cfg(test)]
mod testing;
pub(crate) mod util;

mod added_capabilities;
mod admin_iam_role;
mod assumable_iam_role;
mod command_credentials;
mod credential_patterns;
mod ecs_exec_enabled;
mod exploitable_vulnerability;
mod gap_reasons;
mod host_filesystem_mount;
mod host_network_mode;
mod host_pid_namespace;
mod hosts;
mod iam_policy;
mod image_findings;
mod internet_reachable;
mod netmath;
mod open_security_group;
mod outdated_fargate_platform;
mod plaintext_credentials;
mod privileged_container;
mod public_ip;
mod root_user;
mod service_admin_iam_role;
mod software_vulnerability;
mod task_role_is_execution_role;
mod writable_root_filesystem;
