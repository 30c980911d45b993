//! Exposure traits: one file per trait, each with its detector, its remediation and its doc
//! (`<trait>.md` beside it). A trait reads the [`Inventory`] for one service and reports
//! evidence, or a gap when the data it needs is not in the input.
//!
//! Trait ids are a public contract: they never change once released.

mod context;
mod declare;
pub mod evidence;
mod registry;

pub use context::{Outcome, ServiceContext};
pub use declare::{ImpactRule, LikelihoodRole, Proposal, Read, TraitDef};
pub use evidence::{Evidence, Key, PathStep, keys};
pub(crate) use netmath::canonical as canonical_cidr;
pub(crate) use plaintext_credentials::command_line_values;
pub use registry::{by_id, def};

// For the trait files' `use super::*`: what their declarations name.
use crate::model::change::{Change, EnvVar, IngressRule};
use crate::model::{Impact, Kind};
use serde::Serialize;
use util::hit_containers;

/// The one registry of traits, in report order: each line names a trait's module (its file,
/// `traits/<module>.rs`, with `TRAIT` in it) and its id. The id's string form, the public
/// contract, is the variant in kebab case (`PrivilegedContainer` → `privileged-container`).
macro_rules! registry {
    ($($module:ident => $variant:ident,)*) => {
        $(mod $module;)*

        /// Every trait id. The string forms are the public contract: they never change once
        /// released.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
        #[serde(rename_all = "kebab-case")]
        #[strum(serialize_all = "kebab-case")]
        pub enum TraitId {
            $($variant,)*
        }

        /// Every trait, in the order reports list them.
        pub static ALL: &[&TraitDef] = &[$(&$module::TRAIT,)*];
    };
}

registry! {
    privileged_container => PrivilegedContainer,
    assumable_iam_role => AssumableIamRole,
    host_filesystem_mount => HostFilesystemMount,
    host_pid_namespace => HostPidNamespace,
    plaintext_credentials => PlaintextCredentials,
    open_security_group => OpenSecurityGroup,
    public_ip => PublicIp,
    host_network_mode => HostNetworkMode,
    admin_iam_role => AdminIamRole,
    internet_reachable => InternetReachable,
    exploitable_vulnerability => ExploitableVulnerability,
    software_vulnerability => SoftwareVulnerability,
    end_of_life_os => EndOfLifeOs,
    malicious_package => MaliciousPackage,
    // Hygiene traits: context for a finding, never a finding on their own.
    writable_root_filesystem => WritableRootFilesystem,
    root_user => RootUser,
    added_capabilities => AddedCapabilities,
    ecs_exec_enabled => EcsExecEnabled,
    service_admin_iam_role => ServiceAdminIamRole,
    outdated_fargate_platform => OutdatedFargatePlatform,
    task_role_is_execution_role => TaskRoleIsExecutionRole,
    host_ipc_namespace => HostIpcNamespace,
    host_devices => HostDevices,
    unconfined_security_options => UnconfinedSecurityOptions,
    mutable_image_tag => MutableImageTag,
    missing_log_configuration => MissingLogConfiguration,
}

impl TraitId {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl std::fmt::Display for TraitId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Security Hub's trait types.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, strum::IntoStaticStr,
)]
pub enum Category {
    Misconfiguration,
    Assumability,
    Reachability,
    Vulnerability,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        self.into()
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

    /// The first resource the trait comes from: its first evidence's (the engine lists
    /// evidence resources first, in order), e.g. the task definition or the role.
    pub fn first_resource(&self) -> Option<&str> {
        self.resources.first().map(String::as_str)
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

#[cfg(test)]
mod testing;
pub(crate) mod util;

mod command_credentials;
mod credential_patterns;
mod gap_reasons;
mod hosts;
mod iam_policy;
mod image_findings;
mod netmath;
