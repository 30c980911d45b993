//! The severity rules (docs/severity.md), applied to the traits of one service.
//!
//! This is the only place that decides likelihood and impact. What-if analysis (a planned
//! remediation) re-runs exactly this on the changed set of traits.

use super::severity::{Impact, Likelihood, Severity, matrix};
use super::{Finding, ResourceRef, finding_id};
use crate::traits::{Facet, TraitHit, TraitId};

/// Builds the finding for one service from its trait hits.
pub fn assess(resource: ResourceRef, traits: Vec<TraitHit>) -> Finding {
    let (likelihood, (impact, impact_reason)) = likelihood_and_impact(&traits);
    let (severity, explanation) = match &likelihood {
        Some((l, why)) => {
            let s = matrix(*l, impact);
            (
                s,
                format!(
                    "{s}: likelihood is {} because {why}; impact is {} because {impact_reason}.",
                    l.as_str(),
                    impact.as_str()
                ),
            )
        }
        None => (
            Severity::Informational,
            format!(
                "INFORMATIONAL: only context traits were found ({}); nothing raises the likelihood of an attack, so this is not a published finding.",
                list(traits.iter().map(|t| t.id.as_str()))
            ),
        ),
    };
    let title = format!(
        "ECS service {} {}",
        resource.name,
        list(traits.iter().map(|t| {
            crate::traits::by_id(t.id.as_str())
                .map(|d| d.phrase)
                .unwrap_or(t.title)
        }))
    );
    Finding {
        id: finding_id(&resource),
        resource,
        severity,
        likelihood: likelihood.map(|(l, _)| l),
        impact,
        title,
        explanation,
        traits,
    }
}

/// Likelihood (with its reason; `None` when only context traits are present) and impact
/// (with its reason) for a set of traits.
pub fn likelihood_and_impact(
    traits: &[TraitHit],
) -> (Option<(Likelihood, String)>, (Impact, String)) {
    (likelihood(traits), impact(traits))
}

fn find(traits: &[TraitHit], id: TraitId) -> Option<&TraitHit> {
    traits.iter().find(|t| t.id == id)
}

fn likelihood(traits: &[TraitHit]) -> Option<(Likelihood, String)> {
    let reachable = find(traits, TraitId::InternetReachable);
    let direct = reachable.is_some_and(|t| t.has(Facet::DirectPath));
    let exploitable = find(traits, TraitId::ExploitableVulnerability);
    let network_vuln = exploitable.is_some()
        || find(traits, TraitId::SoftwareVulnerability)
            .is_some_and(|t| t.has(Facet::NetworkVector));
    let how = if direct {
        "directly through a public IP"
    } else {
        "through an internet-facing load balancer"
    };
    if direct && let Some(x) = exploitable {
        return Some((
            Likelihood::VeryHigh,
            format!(
                "the service is reachable from the internet {how} and runs an image with a network-exploitable vulnerability that has a known exploit ({})",
                first_detail(x, "vulnerability_id")
            ),
        ));
    }
    if reachable.is_some() && network_vuln {
        let which = exploitable
            .map(|x| {
                format!(
                    "an exploitable network vulnerability ({})",
                    first_detail(x, "vulnerability_id")
                )
            })
            .unwrap_or_else(|| "a vulnerability with a network attack vector".to_string());
        return Some((
            Likelihood::High,
            format!(
                "the service is reachable from the internet {how} and runs an image with {which}"
            ),
        ));
    }
    if reachable.is_some() {
        return Some((
            Likelihood::Moderate,
            format!("the service is reachable from the internet {how}"),
        ));
    }
    if let Some(x) = exploitable {
        return Some((
            Likelihood::Moderate,
            format!(
                "an image has an exploitable network vulnerability ({}) although no path from the internet was found",
                first_detail(x, "vulnerability_id")
            ),
        ));
    }
    if find(traits, TraitId::PlaintextCredentials).is_some() {
        return Some((
            Likelihood::Moderate,
            "credentials are stored in plaintext environment variables, readable by anyone who can describe the task definition".to_string(),
        ));
    }
    const LOW: &[TraitId] = &[
        TraitId::PrivilegedContainer,
        TraitId::HostFilesystemMount,
        TraitId::HostPidNamespace,
        TraitId::OpenSecurityGroup,
        TraitId::PublicIp,
        TraitId::HostNetworkMode,
        TraitId::AdminIamRole,
        TraitId::SoftwareVulnerability,
    ];
    let low: Vec<&str> = traits
        .iter()
        .filter(|t| LOW.contains(&t.id))
        .map(|t| t.id.as_str())
        .collect();
    if !low.is_empty() {
        return Some((
            Likelihood::Low,
            format!(
                "it has {} but no path from the internet was found",
                list(low.into_iter())
            ),
        ));
    }
    None
}

fn impact(traits: &[TraitHit]) -> (Impact, String) {
    let mut high = Vec::new();
    if let Some(t) = find(traits, TraitId::AdminIamRole) {
        high.push(format!(
            "the task role has administrative access ({})",
            first_resource(t)
        ));
    }
    if find(traits, TraitId::PrivilegedContainer).is_some() {
        high.push("a privileged container can take over the host".to_string());
    }
    if find(traits, TraitId::HostPidNamespace).is_some() {
        high.push("the tasks share the host's process namespace".to_string());
    }
    if find(traits, TraitId::HostFilesystemMount).is_some_and(|t| t.has(Facet::SensitiveHostPath)) {
        high.push("a sensitive host path is mounted into a container".to_string());
    }
    if find(traits, TraitId::PlaintextCredentials).is_some_and(|t| t.has(Facet::AwsSecretKey)) {
        high.push("an AWS secret access key is stored in plaintext".to_string());
    }
    if !high.is_empty() {
        return (Impact::High, join_and(&high));
    }
    let mut medium = Vec::new();
    if let Some(t) = find(traits, TraitId::AssumableIamRole) {
        medium.push(format!(
            "the tasks can use the credentials of role {}",
            first_resource(t)
        ));
    }
    if find(traits, TraitId::HostNetworkMode).is_some() {
        medium.push("the tasks use the host's network stack".to_string());
    }
    if find(traits, TraitId::PlaintextCredentials).is_some() {
        medium.push("credentials are stored in plaintext".to_string());
    }
    if find(traits, TraitId::HostFilesystemMount).is_some() {
        medium.push("a host directory is mounted into a container".to_string());
    }
    if !medium.is_empty() {
        return (Impact::Medium, join_and(&medium));
    }
    (
        Impact::Low,
        "no task role, host access or credentials were found".to_string(),
    )
}

fn first_resource(t: &TraitHit) -> &str {
    t.resources.first().map(String::as_str).unwrap_or("?")
}

fn first_detail(t: &TraitHit, key: &str) -> String {
    let ids: Vec<&str> = t
        .evidence
        .iter()
        .filter_map(|e| e.details.get(key).and_then(|v| v.as_str()))
        .collect();
    match ids.len() {
        0 => t
            .evidence
            .first()
            .map(|e| e.message.clone())
            .unwrap_or_default(),
        1 => ids[0].to_string(),
        n => format!("{} and {} more", ids[0], n - 1),
    }
}

fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<String> = items.map(str::to_string).collect();
    join_and(&v)
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
