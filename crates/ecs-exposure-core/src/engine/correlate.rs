//! The severity rules (docs/severity.md), applied to the traits of one service.
//!
//! This is the only place that decides likelihood and impact. What-if analysis (a planned
//! remediation) re-runs exactly this on the changed set of traits.

use super::severity::{Impact, Likelihood, Severity, matrix};
use super::{Finding, ResourceRef, finding_id};
use crate::traits::{Facet, Key, LikelihoodRole, TraitHit, keys};

/// Builds the finding for one service from its trait hits.
pub fn assess(resource: ResourceRef, traits: Vec<TraitHit>) -> Finding {
    let alone = resource.resource_type == super::TASK_DEFINITION_TYPE;
    let (likelihood, (impact, impact_reason)) = (likelihood(&traits, alone), impact(&traits));
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
        "ECS {} {} {}",
        if alone { "task definition" } else { "service" },
        resource.name,
        list(traits.iter().map(|t| { crate::traits::def(t.id).phrase }))
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
    (likelihood(traits, false), impact(traits))
}

/// The role a hit plays in the likelihood, as its trait declares it.
fn role(t: &TraitHit) -> LikelihoodRole {
    crate::traits::def(t.id).likelihood
}

/// The first hit that plays `r`.
fn find(traits: &[TraitHit], r: LikelihoodRole) -> Option<&TraitHit> {
    traits.iter().find(|t| role(t) == r)
}

/// `alone`: the traits are those of a task definition judged on its own, whose network was
/// not judged (no service in the input runs it), so "no path was found" would not be true.
fn likelihood(traits: &[TraitHit], alone: bool) -> Option<(Likelihood, String)> {
    let no_path = if alone {
        "its network path was not judged (no service in the input runs it)"
    } else {
        "no path from the internet was found"
    };
    let reachable = find(traits, LikelihoodRole::Reach);
    let direct = reachable.is_some_and(|t| t.has(Facet::DirectPath));
    let exploitable = find(traits, LikelihoodRole::ExploitableVulnerability);
    let network_vuln = exploitable.is_some()
        || traits
            .iter()
            .any(|t| role(t) == LikelihoodRole::Vulnerability && t.has(Facet::NetworkVector));
    // Only load balancer paths behind sign-in or a source restriction: one step less likely.
    let guarded = !direct && reachable.is_some_and(|t| t.has(Facet::GuardedLoadBalancerPath));
    let how = if direct {
        "directly through a public IP".to_string()
    } else if guarded {
        format!(
            "only through an internet-facing load balancer that guards every path ({})",
            reachable.map(guard_text).unwrap_or_default()
        )
    } else {
        "through an internet-facing load balancer".to_string()
    };
    if direct && let Some(x) = exploitable {
        return Some((
            Likelihood::VeryHigh,
            format!(
                "the service is reachable from the internet {how} and runs an image with a network-exploitable vulnerability that has a known exploit ({})",
                first_detail(x, keys::VULNERABILITY_ID)
            ),
        ));
    }
    if reachable.is_some() && network_vuln {
        let which = exploitable
            .map(|x| {
                format!(
                    "an exploitable network vulnerability ({})",
                    first_detail(x, keys::VULNERABILITY_ID)
                )
            })
            .unwrap_or_else(|| "a vulnerability with a network attack vector".to_string());
        if guarded {
            return Some((
                Likelihood::Moderate,
                format!(
                    "the service is reachable from the internet {how} and runs an image with {which}; the guard lowers the likelihood one step, from High"
                ),
            ));
        }
        return Some((
            Likelihood::High,
            format!(
                "the service is reachable from the internet {how} and runs an image with {which}"
            ),
        ));
    }
    if reachable.is_some() && !guarded {
        return Some((
            Likelihood::Moderate,
            format!("the service is reachable from the internet {how}"),
        ));
    }
    if let Some(x) = exploitable {
        return Some((
            Likelihood::Moderate,
            format!(
                "an image has an exploitable network vulnerability ({}) although {no_path}",
                first_detail(x, keys::VULNERABILITY_ID)
            ),
        ));
    }
    if let Some(why) = traits.iter().find_map(|t| match role(t) {
        LikelihoodRole::Moderate(why) => Some(why),
        _ => None,
    }) {
        return Some((Likelihood::Moderate, why.to_string()));
    }
    if guarded {
        return Some((
            Likelihood::Low,
            format!(
                "the service is reachable from the internet {how}, which lowers the likelihood one step, from Moderate"
            ),
        ));
    }
    // Weak signals, and vulnerabilities without an exploit or a path.
    let low: Vec<&str> = traits
        .iter()
        .filter(|t| {
            matches!(
                role(t),
                LikelihoodRole::Weak | LikelihoodRole::Vulnerability
            )
        })
        .map(|t| t.id.as_str())
        .collect();
    if !low.is_empty() {
        return Some((
            Likelihood::Low,
            format!("it has {} but {no_path}", list(low.into_iter())),
        ));
    }
    None
}

/// The highest impact any hit's declared rules reach, with their sentences in rank order.
fn impact(traits: &[TraitHit]) -> (Impact, String) {
    for level in [Impact::High, Impact::Medium] {
        let mut because: Vec<(u8, String)> = Vec::new();
        for t in traits {
            for rule in crate::traits::def(t.id).impact {
                if rule.impact == level && rule.when.is_none_or(|f| t.has(f)) {
                    because.push((rule.rank, (rule.because)(t)));
                    // One sentence per trait and level: its first rule that applies.
                    break;
                }
            }
        }
        if !because.is_empty() {
            because.sort_by_key(|(rank, _)| *rank);
            let sentences: Vec<String> = because.into_iter().map(|(_, s)| s).collect();
            return (level, join_and(&sentences));
        }
    }
    (
        Impact::Low,
        "no task role, host access or credentials were found".to_string(),
    )
}

fn first_detail(t: &TraitHit, key: Key<str>) -> String {
    let ids: Vec<&str> = t.evidence.iter().filter_map(|e| e.get(key)).collect();
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

/// The guards of a guarded path, from its first evidence: "the caller must first pass …".
fn guard_text(t: &TraitHit) -> String {
    let guards: Vec<String> = t
        .evidence
        .iter()
        .filter_map(|e| e.get(keys::GUARD))
        .flatten()
        .map(str::to_string)
        .fold(Vec::new(), |mut v, g| {
            if !v.contains(&g) {
                v.push(g);
            }
            v
        });
    join_and(&guards)
}

fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<String> = items.map(str::to_string).collect();
    join_and(&v)
}

/// "a, b and c": the list style of every sentence the reports write.
pub(crate) fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::traits::{Category, Evidence, Remediation};

    /// The service `web` of cluster `c`, as findings name it.
    fn web() -> ResourceRef {
        ResourceRef {
            resource_type: "AWS::ECS::Service",
            uid: "arn:aws:ecs:us-east-1:1:service/c/web".into(),
            name: "web".into(),
            cluster: None,
            account: None,
            region: None,
            partition: "aws".into(),
            task_definition: None,
            tags: Default::default(),
        }
    }

    fn hit(id: TraitId, facets: &[Facet]) -> TraitHit {
        TraitHit {
            id,
            category: Category::Misconfiguration,
            title: "t",
            evidence: vec![
                Evidence::new("arn:aws:iam::1:role/r", "e").detail("vulnerability_id", "CVE-1"),
            ],
            resources: vec!["arn:aws:iam::1:role/r".into()],
            facets: facets.iter().copied().collect(),
            remediation: Remediation {
                summary: String::new(),
                steps: vec![],
                references: vec![],
            },
        }
    }

    fn severity(hits: Vec<TraitHit>) -> (Option<Likelihood>, Impact, Severity) {
        let r = ResourceRef {
            resource_type: "AWS::ECS::Service",
            uid: "arn:aws:ecs:us-east-1:1:service/c/s".into(),
            name: "s".into(),
            cluster: None,
            account: Some("1".into()),
            region: Some("us-east-1".into()),
            partition: "aws".into(),
            task_definition: None,
            tags: Default::default(),
        };
        let f = assess(r, hits);
        (f.likelihood, f.impact, f.severity)
    }

    use crate::traits::TraitId::{self, *};
    use Facet::*;

    #[test]
    fn very_high_needs_a_direct_path_and_an_exploit() {
        let s = severity(vec![
            hit(InternetReachable, &[DirectPath]),
            hit(ExploitableVulnerability, &[NetworkVector]),
            hit(AdminIamRole, &[]),
        ]);
        assert_eq!(
            s,
            (Some(Likelihood::VeryHigh), Impact::High, Severity::Critical)
        );
        let s = severity(vec![
            hit(InternetReachable, &[DirectPath]),
            hit(ExploitableVulnerability, &[NetworkVector]),
        ]);
        assert_eq!(s, (Some(Likelihood::VeryHigh), Impact::Low, Severity::High));
    }

    #[test]
    fn exploit_behind_a_load_balancer_is_high() {
        let s = severity(vec![
            hit(InternetReachable, &[LoadBalancerPath]),
            hit(ExploitableVulnerability, &[NetworkVector]),
            hit(AssumableIamRole, &[]),
        ]);
        assert_eq!(s, (Some(Likelihood::High), Impact::Medium, Severity::High));
    }

    #[test]
    fn network_vector_software_vulnerability_with_a_path_is_high() {
        let s = severity(vec![
            hit(InternetReachable, &[LoadBalancerPath]),
            hit(SoftwareVulnerability, &[NetworkVector]),
        ]);
        assert_eq!(s.0, Some(Likelihood::High));
        // Without AV:N it is reachability alone.
        let s = severity(vec![
            hit(InternetReachable, &[LoadBalancerPath]),
            hit(SoftwareVulnerability, &[]),
        ]);
        assert_eq!(s, (Some(Likelihood::Moderate), Impact::Low, Severity::Low));
    }

    #[test]
    fn a_guarded_load_balancer_path_is_one_step_less_likely() {
        let guarded = || {
            let mut h = hit(
                InternetReachable,
                &[LoadBalancerPath, GuardedLoadBalancerPath],
            );
            h.evidence[0] = Evidence::new("s", "e").detail(
                "guard",
                vec!["the caller must first pass sign-in with an Amazon Cognito user pool (authenticate-cognito)"],
            );
            h
        };
        let s = severity(vec![guarded(), hit(AssumableIamRole, &[])]);
        assert_eq!(s, (Some(Likelihood::Low), Impact::Medium, Severity::Low));
        let s = severity(vec![
            guarded(),
            hit(ExploitableVulnerability, &[NetworkVector]),
            hit(AssumableIamRole, &[]),
        ]);
        assert_eq!(
            s,
            (Some(Likelihood::Moderate), Impact::Medium, Severity::Medium)
        );
        // Other Moderate rules are not lowered by it.
        let s = severity(vec![guarded(), hit(PlaintextCredentials, &[])]);
        assert_eq!(s.0, Some(Likelihood::Moderate));
        // A direct path is never guarded.
        let mut both = guarded();
        both.facets.insert(DirectPath);
        assert_eq!(severity(vec![both]).0, Some(Likelihood::Moderate));
        let r = web();
        assert_eq!(
            assess(r, vec![guarded()]).explanation,
            "LOW: likelihood is Low because the service is reachable from the internet only through an internet-facing load balancer that guards every path (the caller must first pass sign-in with an Amazon Cognito user pool (authenticate-cognito)), which lowers the likelihood one step, from Moderate; impact is Low because no task role, host access or credentials were found."
        );
    }

    #[test]
    fn moderate_cases() {
        assert_eq!(
            severity(vec![hit(ExploitableVulnerability, &[NetworkVector])]).0,
            Some(Likelihood::Moderate)
        );
        assert_eq!(
            severity(vec![hit(PlaintextCredentials, &[AwsSecretKey])]),
            (Some(Likelihood::Moderate), Impact::High, Severity::High)
        );
        assert_eq!(
            severity(vec![hit(PlaintextCredentials, &[])]),
            (Some(Likelihood::Moderate), Impact::Medium, Severity::Medium)
        );
    }

    #[test]
    fn low_likelihood_misconfigurations() {
        assert_eq!(
            severity(vec![
                hit(PrivilegedContainer, &[]),
                hit(HostPidNamespace, &[])
            ]),
            (Some(Likelihood::Low), Impact::High, Severity::Medium)
        );
        assert_eq!(
            severity(vec![hit(HostFilesystemMount, &[])]),
            (Some(Likelihood::Low), Impact::Medium, Severity::Low)
        );
        assert_eq!(
            severity(vec![hit(HostFilesystemMount, &[SensitiveHostPath])]).1,
            Impact::High
        );
        assert_eq!(
            severity(vec![hit(OpenSecurityGroup, &[]), hit(PublicIp, &[])]),
            (Some(Likelihood::Low), Impact::Low, Severity::Low)
        );
        assert_eq!(
            severity(vec![hit(HostNetworkMode, &[])]),
            (Some(Likelihood::Low), Impact::Medium, Severity::Low)
        );
        assert_eq!(
            severity(vec![hit(AdminIamRole, &[]), hit(AssumableIamRole, &[])]),
            (Some(Likelihood::Low), Impact::High, Severity::Medium)
        );
    }

    #[test]
    fn context_only_is_informational() {
        let s = severity(vec![
            hit(AssumableIamRole, &[]),
            hit(WritableRootFilesystem, &[]),
            hit(RootUser, &[]),
            hit(AddedCapabilities, &[]),
            hit(EcsExecEnabled, &[]),
            hit(ServiceAdminIamRole, &[]),
        ]);
        assert_eq!(s, (None, Impact::Medium, Severity::Informational));
    }

    #[test]
    fn explanation_names_the_rule() {
        let r = web();
        let f = assess(
            r,
            vec![
                hit(InternetReachable, &[DirectPath]),
                hit(ExploitableVulnerability, &[NetworkVector]),
                hit(AdminIamRole, &[]),
            ],
        );
        assert_eq!(
            f.explanation,
            "CRITICAL: likelihood is Very High because the service is reachable from the internet directly through a public IP and runs an image with a network-exploitable vulnerability that has a known exploit (CVE-1); impact is High because the task role has administrative access (arn:aws:iam::1:role/r)."
        );
        assert_eq!(f.id.len(), 64);
    }
}
