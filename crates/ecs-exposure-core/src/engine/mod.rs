//! Correlation: runs every trait on every service and turns the hits of one service into one
//! exposure finding with a severity a person can check.

mod collection;
mod correlate;
mod iac;
pub mod subjects;

/// Severity lives in the model (every layer reads it); the engine is where it is decided.
pub use crate::model::severity::{self, Impact, Likelihood, Severity};
pub use collection::{FailedCall, traits_fed_by};
pub(crate) use correlate::join_and;
pub use correlate::{assess, likelihood_and_impact};
pub use subjects::TaskDefinitionScope;

use crate::model::{Inventory, Service, arn_account_region, arn_partition};
use crate::traits::{self, Gap, Outcome, ServiceContext, TraitHit, TraitId};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The exposed resource.
#[derive(Debug, Clone, Serialize)]
pub struct ResourceRef {
    #[serde(rename = "type")]
    pub resource_type: &'static str,
    pub uid: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub partition: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_definition: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// The resource type of a finding about a service.
pub const SERVICE_TYPE: &str = "AWS::ECS::Service";
/// The resource type of a finding about a task definition that no service in the input runs.
pub const TASK_DEFINITION_TYPE: &str = "AWS::ECS::TaskDefinition";

/// One exposure finding: one service (or one task definition judged on its own), its traits,
/// and the severity they add up to.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Stable across runs: a hash of account, region, resource type and service ARN.
    pub id: String,
    pub resource: ResourceRef,
    pub severity: Severity,
    pub likelihood: Option<Likelihood>,
    pub impact: Impact,
    pub title: String,
    /// Why it has this severity, in a sentence that can be checked against the traits.
    pub explanation: String,
    pub traits: Vec<TraitHit>,
}

impl Finding {
    pub fn has(&self, id: TraitId) -> bool {
        self.traits.iter().any(|t| t.id == id)
    }
}

/// A check that could not be made, for which resources.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct NotEvaluated {
    #[serde(rename = "trait")]
    pub trait_id: TraitId,
    pub reason: String,
    pub resources: Vec<String>,
}

/// The result of a scan.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    /// One per service, most severe first; INFORMATIONAL ones included (reports filter).
    pub findings: Vec<Finding>,
    pub not_evaluated: Vec<NotEvaluated>,
    /// Live collection only: API calls that failed and the checks they kept from running.
    pub collection_failures: Vec<FailedCall>,
    pub services_scanned: usize,
    /// Task definitions judged on their own because no service in the input runs them.
    pub task_definitions_scanned: usize,
    /// Traits accepted by a suppression (see [`crate::suppress`]): listed, not dropped.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressed: Vec<crate::suppress::Suppressed>,
}

/// Runs every trait on every service of the inventory, on one thread.
pub fn analyze(inv: &Inventory) -> Analysis {
    analyze_with(inv, &Options::default())
}

/// Runs every trait on every service, spreading the services over `threads` threads.
pub fn analyze_on(inv: &Inventory, threads: usize) -> Analysis {
    analyze_with(
        inv,
        &Options {
            threads,
            ..Options::default()
        },
    )
}

/// How to run an analysis.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Threads to spread the services over (the caller decides: the core does not look at
    /// the machine). Services are judged independently, so the result is the same for any
    /// number of threads.
    pub threads: usize,
    /// Which task definitions that no service runs are judged on their own.
    pub task_definitions: TaskDefinitionScope,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            threads: 1,
            task_definitions: TaskDefinitionScope::default(),
        }
    }
}

/// Runs every trait on every service, and on every task definition judged on its own.
pub fn analyze_with(inv: &Inventory, opts: &Options) -> Analysis {
    let standalone = subjects::standalone_task_definitions(inv, opts.task_definitions);
    let services: Vec<&crate::model::Service> =
        inv.services.values().chain(standalone.iter()).collect();
    let parts = crate::parallel::map_chunks(&services, opts.threads, |c| analyze_services(inv, c));
    let mut findings = Vec::with_capacity(services.len());
    let mut gaps = Vec::new();
    for (mut f, mut g) in parts {
        findings.append(&mut f);
        gaps.append(&mut g);
    }
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.resource.uid.cmp(&b.resource.uid))
    });
    Analysis {
        findings,
        not_evaluated: group_gaps(gaps),
        collection_failures: collection::failed_calls(inv),
        services_scanned: inv.services.len(),
        task_definitions_scanned: standalone.len(),
        suppressed: Vec::new(),
    }
}

/// The subject a finding's `resource.uid` names: a service of the inventory, or a task
/// definition that no service runs (judged on its own). What-if analysis uses it to re-run
/// a finding after a change.
pub fn subject<'a>(inv: &'a Inventory, uid: &str) -> Option<std::borrow::Cow<'a, Service>> {
    if let Some(s) = inv.services.get(uid) {
        return Some(std::borrow::Cow::Borrowed(s));
    }
    inv.task_definitions
        .get(uid)
        .map(|td| std::borrow::Cow::Owned(Service::for_task_definition(td)))
}

fn analyze_services(
    inv: &Inventory,
    services: &[&crate::model::Service],
) -> (Vec<Finding>, Vec<Gap>) {
    let mut findings = Vec::with_capacity(services.len());
    let mut gaps: Vec<Gap> = Vec::new();
    for service in services {
        if let Some(f) = analyze_service(inv, service, &mut gaps) {
            findings.push(f);
        }
    }
    (findings, gaps)
}

/// Runs every trait on one service: its finding (`None` when no trait fired), with the gaps
/// met appended to `gaps`. What-if analysis (`plan`) re-runs exactly this on a changed
/// inventory, so a projected severity can never drift from a real scan.
///
/// A service that runs more than one task definition or network configuration (deployments,
/// task sets) is judged in each of them; evidence seen only in one of them says which.
pub fn analyze_service(inv: &Inventory, service: &Service, gaps: &mut Vec<Gap>) -> Option<Finding> {
    let (variants, left_out) = subjects::variants(service);
    let contexts: Vec<(Option<&str>, ServiceContext<'_>)> = variants
        .iter()
        .map(|v| (v.label.as_deref(), ServiceContext::new(inv, &v.service)))
        .collect();
    let base = &contexts[0].1;
    if left_out > 0 {
        for def in traits::ALL {
            gaps.push(Gap {
                trait_id: def.id,
                reason: format!(
                    "the service runs {left_out} more deployments or task sets than the {} judged per service",
                    subjects::MAX_VARIANTS
                ),
                resource: service.service_arn.clone(),
            });
        }
    }
    let mut hits = Vec::new();
    for def in traits::ALL {
        if service.standalone && def.reads_service() {
            gaps.push(Gap {
                trait_id: def.id,
                reason: subjects::standalone_reason(
                    inv,
                    service
                        .task_definition
                        .as_deref()
                        .unwrap_or(&service.service_arn),
                ),
                resource: service.service_arn.clone(),
            });
            continue;
        }
        // The service's own settings first, straight into the outcome (the only context of
        // nearly every service); then each deployment or task set, of which only what the
        // service's own settings did not already show is kept, saying where it was seen.
        let mut out = Outcome::new(def.id, &service.service_arn);
        (def.check)(base, &mut out);
        gaps.append(&mut out.gaps);
        for (label, ctx) in &contexts[1..] {
            let label = label.unwrap_or_default();
            let mut o = Outcome::new(def.id, &service.service_arn);
            (def.check)(ctx, &mut o);
            gaps.append(&mut o.gaps);
            for mut e in o.evidence.drain(..) {
                if out.evidence.contains(&e) {
                    continue;
                }
                e.message = format!("{label}: {}", e.message);
                if !out.evidence.contains(&e) {
                    out.evidence.push(e);
                }
            }
            out.facets.append(&mut o.facets);
            out.extra_resources.append(&mut o.extra_resources);
        }
        if out.fired() {
            iac::locate(inv, &mut out.evidence);
            let remediation = (def.remediation)(base, &out.evidence);
            let mut resources: Vec<String> = Vec::new();
            for r in out
                .evidence
                .iter()
                .map(|e| e.resource.clone())
                .chain(out.extra_resources.drain(..))
            {
                if !resources.contains(&r) {
                    resources.push(r);
                }
            }
            hits.push(TraitHit {
                id: def.id,
                category: def.category,
                title: def.title,
                evidence: out.evidence,
                resources,
                facets: out.facets,
                remediation,
            });
        }
    }
    for (_, ctx) in &contexts {
        iac::unresolved_gaps(ctx, gaps);
    }
    (!hits.is_empty()).then(|| assess(resource_ref(base, service), hits))
}

fn resource_ref(ctx: &ServiceContext<'_>, service: &Service) -> ResourceRef {
    let s = ctx.service;
    let (account, region) = arn_account_region(&s.service_arn);
    ResourceRef {
        resource_type: if service.standalone {
            TASK_DEFINITION_TYPE
        } else {
            SERVICE_TYPE
        },
        uid: s.service_arn.clone(),
        name: s.name().to_string(),
        cluster: s.cluster_arn.clone(),
        account: account.map(str::to_string),
        region: region.map(str::to_string),
        partition: arn_partition(&s.service_arn).unwrap_or("aws").to_string(),
        task_definition: s.task_definition.clone(),
        tags: service
            .tags
            .iter()
            .filter_map(|t| Some((t.key.clone()?, t.value.clone().unwrap_or_default())))
            .collect(),
    }
}

/// A stable finding id: the same service gets the same id on every run.
pub fn finding_id(resource: &ResourceRef) -> String {
    let mut h = Sha256::new();
    for part in [
        resource.account.as_deref().unwrap_or(""),
        resource.region.as_deref().unwrap_or(""),
        resource.resource_type,
        &resource.uid,
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Groups gaps by trait and reason, listing the services each applies to.
fn group_gaps(mut gaps: Vec<Gap>) -> Vec<NotEvaluated> {
    gaps.sort();
    gaps.dedup();
    let mut out: Vec<NotEvaluated> = Vec::new();
    for g in gaps {
        match out.last_mut() {
            Some(last) if last.trait_id == g.trait_id && last.reason == g.reason => {
                last.resources.push(g.resource)
            }
            _ => out.push(NotEvaluated {
                trait_id: g.trait_id,
                reason: g.reason,
                resources: vec![g.resource],
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Loader;

    /// The demo account, read as the CLI would (tests may touch files; the core may not).
    fn demo() -> Inventory {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-account");
        let mut loader = Loader::new();
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        for p in paths {
            loader
                .add(&p.display().to_string(), &std::fs::read(&p).unwrap())
                .unwrap();
        }
        loader.finish().0
    }

    #[test]
    fn threads_do_not_change_the_result() {
        let inv = demo();
        let one = serde_json::to_value(analyze(&inv)).unwrap();
        for threads in [2, 3, 8, 100] {
            assert_eq!(
                serde_json::to_value(analyze_on(&inv, threads)).unwrap(),
                one,
                "{threads} threads"
            );
        }
    }
}
