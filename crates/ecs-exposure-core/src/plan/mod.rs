//! The remediation planner: what each remediation is worth before it is done.
//!
//! For every finding and every trait on it, [`change_for`] states the remediation as a typed
//! change to the model ([`Change`]). Identical changes found on several services (one role,
//! one security group, one image repository shared by many) are planned once. The what-if is
//! the real analysis re-run on the changed model: the inventory is cloned once, each change is
//! applied, the services it touches are re-analysed with [`engine::analyze_service`], and the
//! change is undone. There is no table of expected effects that could drift from the scan.
//!
//! Like Security Hub's `ListExposuresByRemediationV2`, each affected finding gets its current
//! severity, its projected severity and an [`Impact`]: Resolves, Reduces or Unchanged.

mod apply;
mod change;
mod record;
mod what_if;

pub use apply::{
    NON_ROOT_USER, apply, apply_to_task_definition, remove_statements, secret_name, undo,
};
pub use change::{Applicability, Change, EnvVar, IngressRule, StatementRef, change_for};
pub use record::{Fix, SourceDiff};
pub use what_if::{WhatIf, WhatIfTable};

use crate::engine::{self, Analysis, Finding, Severity};
use crate::model::{ImageRef, Inventory, Service, Suppression};
use crate::suppress::{self, Date};
use crate::traits::TraitId;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What a remediation does to one finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Impact {
    /// No finding is left, or only an INFORMATIONAL one (which is not published).
    Resolves,
    /// The severity drops.
    Reduces,
    Unchanged,
}

impl Impact {
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::Resolves => "Resolves",
            Impact::Reduces => "Reduces",
            Impact::Unchanged => "Unchanged",
        }
    }

    fn of(before: Severity, after: Option<Severity>) -> Impact {
        match after {
            None | Some(Severity::Informational) if before > Severity::Informational => {
                Impact::Resolves
            }
            Some(a) if a < before => Impact::Reduces,
            _ => Impact::Unchanged,
        }
    }
}

/// One finding's projection under one remediation.
#[derive(Debug, Clone, Serialize)]
pub struct Projection {
    /// The service ARN.
    pub resource: String,
    #[serde(skip)]
    pub name: String,
    pub severity: Severity,
    pub projected_severity: Severity,
    pub outcome: Impact,
    /// Traits of the finding that the remediation removes.
    #[serde(skip)]
    pub traits_removed: Vec<TraitId>,
}

/// One remediation of the plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedRemediation {
    /// Stable for the same input: the kind of change and the resource it edits.
    pub id: String,
    pub title: String,
    /// Trait ids it removes from at least one finding.
    pub traits: Vec<TraitId>,
    /// ARNs/ids of the resources it changes.
    pub resources: Vec<String>,
    pub findings: Vec<Projection>,
    /// Filled in by the fix layer ([`crate::fix::complete`]).
    pub fix: Fix,
    #[serde(skip)]
    pub change: Change,
    /// Risk removed, in severity weights (see [`weight`]); the ranking key.
    #[serde(skip)]
    pub risk_removed: u32,
    /// The (service ARN, trait) hits this change was derived from.
    #[serde(skip)]
    pub derived_from: Vec<(String, TraitId)>,
    /// The services that run what the change edits (their rollout commands are part of the
    /// fix).
    #[serde(skip)]
    pub services: BTreeSet<String>,
}

/// The plan: remediations ranked by the risk they remove.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub schema_version: u32,
    pub remediations: Vec<PlannedRemediation>,
    /// Traits a suppression accepted (see [`crate::suppress`]): they plan nothing, and saying
    /// how many keeps a plan from reading as the whole of the account's risk. Left out of the
    /// JSON when none, so a plan without suppressions reads as before.
    #[serde(rename = "suppressed_traits", skip_serializing_if = "is_zero")]
    pub suppressed: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The suppressions a plan honours, as the scan applied them: the what-if re-analyses each
/// service it changes and must drop the same accepted traits from the projection, or a
/// projected severity would count a risk the team accepted.
#[derive(Debug, Clone, Copy, Default)]
pub struct Accepted<'a> {
    pub suppressions: &'a [Suppression],
    /// The day expiries are compared with; `None` makes every suppression with an expiry
    /// count as expired (as [`suppress::apply`] does).
    pub today: Option<Date>,
}

/// Weight of a severity for ranking: each level counts about twice the one below, so one
/// CRITICAL resolved outranks a few LOWs resolved.
pub fn weight(s: Severity) -> u32 {
    match s {
        Severity::Informational => 0,
        Severity::Low => 1,
        Severity::Medium => 3,
        Severity::High => 6,
        Severity::Critical => 10,
    }
}

/// Which services read each resource (task definition ARN, role ARN, managed policy ARN,
/// security group id, ECR repository name, service ARN), so a change re-analyses only them.
/// `standalone` are the task definitions judged on their own; a service is read in every
/// deployment and task set it runs.
fn readers(inv: &Inventory, standalone: &[Service]) -> HashMap<String, BTreeSet<String>> {
    let mut m: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut add = |k: &str, s: &str| {
        m.entry(k.to_string()).or_default().insert(s.to_string());
    };
    let variants = inv.services.values().chain(standalone).flat_map(|s| {
        engine::subjects::variants(s)
            .0
            .into_iter()
            .map(move |v| (s, v))
    });
    for (subject, v) in variants {
        let s: &Service = &v.service;
        let arn = subject.service_arn.as_str();
        add(arn, arn);
        if let Some(a) = s.awsvpc() {
            a.security_groups.iter().for_each(|g| add(g, arn));
        }
        for slb in &s.load_balancers {
            let lbs = slb
                .target_group_arn
                .as_deref()
                .and_then(|t| inv.target_groups.get(t))
                .into_iter()
                .flat_map(|t| &t.load_balancer_arns)
                .filter_map(|l| inv.load_balancers.get(l));
            for lb in lbs {
                add(&lb.load_balancer_arn, arn);
                lb.security_groups.iter().for_each(|g| add(g, arn));
            }
        }
        let Some(td) = s
            .task_definition
            .as_deref()
            .and_then(|t| inv.task_definition(t))
        else {
            continue;
        };
        add(&td.task_definition_arn, arn);
        for role in [&td.task_role_arn, &td.execution_role_arn]
            .into_iter()
            .flatten()
            .filter_map(|r| inv.role(r))
        {
            add(&role.arn, arn);
            for p in &role.attached_managed_policies {
                add(&p.policy_arn, arn);
            }
        }
        for image in td
            .container_definitions
            .iter()
            .filter_map(|c| c.image.as_deref())
        {
            if let Some(r) = ImageRef::parse(image) {
                add(&r.repository, arn);
            }
        }
    }
    m
}

/// Plans the remediations of the findings at or above `min_severity`, with no suppression.
pub fn plan(inv: &Inventory, analysis: &Analysis, min_severity: Severity) -> Plan {
    plan_with(inv, analysis, min_severity, Accepted::default())
}

/// Plans the remediations of the findings at or above `min_severity` of an analysis to which
/// `accepted` was applied (see [`crate::pipeline`]): a suppressed trait is no longer on its
/// finding, so it plans no remediation of its own; a remediation that also closes a trait that
/// is not suppressed stays, and its projection leaves the accepted traits out.
pub fn plan_with(
    inv: &Inventory,
    analysis: &Analysis,
    min_severity: Severity,
    accepted: Accepted<'_>,
) -> Plan {
    let shown: Vec<&Finding> = analysis
        .findings
        .iter()
        .filter(|f| f.severity >= min_severity)
        .collect();
    let mut changes: BTreeMap<Change, Vec<(String, TraitId)>> = BTreeMap::new();
    for f in &shown {
        let public_ip = inv
            .services
            .get(&f.resource.uid)
            .is_some_and(|s| s.assigns_public_ip());
        for hit in &f.traits {
            if let Some(c) = change_for(f, hit, public_ip) {
                changes
                    .entry(c)
                    .or_default()
                    .push((f.resource.uid.clone(), hit.id));
            }
        }
    }
    if changes.is_empty() {
        return Plan {
            schema_version: 1,
            remediations: Vec::new(),
            suppressed: analysis.suppressed.len(),
        };
    }
    let before: HashMap<&str, &Finding> = shown
        .iter()
        .map(|f| (f.resource.uid.as_str(), *f))
        .collect();
    let standalone: Vec<Service> = shown
        .iter()
        .filter(|f| f.resource.resource_type == engine::TASK_DEFINITION_TYPE)
        .filter_map(|f| inv.task_definitions.get(&f.resource.uid))
        .map(Service::for_task_definition)
        .collect();
    let readers = readers(inv, &standalone);
    let mut work = inv.clone();
    let mut remediations = Vec::new();
    for (change, derived_from) in changes {
        let mut services: BTreeSet<String> = derived_from.iter().map(|d| d.0.clone()).collect();
        for r in change.resources() {
            services.extend(readers.get(&r).into_iter().flatten().cloned());
        }
        let saved = apply(&mut work, &change);
        let mut findings = Vec::new();
        let mut removed: BTreeSet<TraitId> = BTreeSet::new();
        for arn in &services {
            let (Some(old), Some(service)) =
                (before.get(arn.as_str()), engine::subject(&work, arn))
            else {
                continue;
            };
            let new = engine::analyze_service(&work, &service, &mut Vec::new()).and_then(|n| {
                suppress::apply_to_finding(
                    n,
                    accepted.suppressions,
                    accepted.today,
                    &mut Vec::new(),
                    &mut Vec::new(),
                )
            });
            let after = new.as_ref().map(|n| n.severity);
            let traits_removed: Vec<TraitId> = old
                .traits
                .iter()
                .map(|t| t.id)
                .filter(|id| !new.as_ref().is_some_and(|n| n.has(*id)))
                .collect();
            let outcome = Impact::of(old.severity, after);
            let derived = derived_from.iter().any(|d| &d.0 == arn);
            if !derived && outcome == Impact::Unchanged && traits_removed.is_empty() {
                continue;
            }
            removed.extend(traits_removed.iter().copied());
            findings.push(Projection {
                resource: arn.clone(),
                name: old.resource.name.clone(),
                severity: old.severity,
                projected_severity: after.unwrap_or(Severity::Informational),
                outcome,
                traits_removed,
            });
        }
        undo(&mut work, saved);
        findings.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.resource.cmp(&b.resource))
        });
        let risk_removed = findings
            .iter()
            .map(|p| weight(p.severity) - weight(p.projected_severity).min(weight(p.severity)))
            .sum();
        remediations.push(PlannedRemediation {
            id: String::new(),
            title: change.title(),
            traits: removed.into_iter().collect(),
            resources: change.resources(),
            fix: Fix::empty(change.applicability()),
            findings,
            change,
            risk_removed,
            derived_from,
            services,
        });
    }
    remediations.sort_by(|a, b| {
        b.risk_removed
            .cmp(&a.risk_removed)
            .then_with(|| b.findings.len().cmp(&a.findings.len()))
            .then_with(|| a.change.cmp(&b.change))
    });
    let mut used: HashMap<String, usize> = HashMap::new();
    for r in &mut remediations {
        let first = r.resources.first().map(String::as_str).unwrap_or("");
        // A load balancer ARN ends in an opaque id: its name reads better.
        let short = match &r.change {
            Change::MakeLoadBalancerInternal { load_balancer } => {
                change::load_balancer_name(load_balancer)
            }
            _ => first.rsplit('/').next().unwrap_or(first),
        };
        let base = format!("{}:{short}", r.change.kind());
        let n = used.entry(base.clone()).or_default();
        *n += 1;
        r.id = if *n == 1 { base } else { format!("{base}#{n}") };
    }
    Plan {
        schema_version: 1,
        remediations,
        suppressed: analysis.suppressed.len(),
    }
}

#[cfg(test)]
mod tests;
