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
mod credentials;
pub mod diff;
pub mod fix;
pub mod render;
pub mod source;
mod what_if;

pub use apply::{NON_ROOT_USER, apply, apply_to_task_definition, secret_name, undo};
pub use change::{Applicability, Change, EnvVar, IngressRule, StatementRef, change_for};
pub use credentials::Credentials;
pub use what_if::{WhatIf, WhatIfTable};

use crate::engine::{self, Analysis, Finding, Severity};
use crate::model::{ImageRef, Inventory, Service, Suppression};
use crate::suppress::{self, Date};
use crate::traits::{TraitId, keys};
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
    pub fix: fix::Fix,
    #[serde(skip)]
    pub change: Change,
    /// Risk removed, in severity weights (see [`weight`]); the ranking key.
    #[serde(skip)]
    pub risk_removed: u32,
    /// The (service ARN, trait) hits this change was derived from.
    #[serde(skip)]
    pub derived_from: Vec<(String, TraitId)>,
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
            fix: fix::Fix::for_change(inv, &change, &services),
            findings,
            change,
            risk_removed,
            derived_from,
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

/// Adds to each task definition remediation its new revision as `register-task-definition`
/// input, from the original documents (by task definition ARN; `describe-task-definition`
/// output or `register-task-definition` input). The model keeps only the fields the traits
/// read, so the caller, which has the files, supplies them.
///
/// A revision that would still hold plaintext credentials (the task definition has some and
/// this remediation does not move them) is not given: a plan is shared (a pull request
/// comment, a ticket) and must never carry a credential. A note says why instead. A
/// credential on a command line, which no change moves, is shown masked in the revision.
pub fn attach_task_definitions(
    plan: &mut Plan,
    analysis: &Analysis,
    documents: &HashMap<String, serde_json::Value>,
) {
    let credentials = credential_variables(analysis);
    for r in &mut plan.remediations {
        let Some(arn) = r.change.task_definition() else {
            continue;
        };
        if let Some(vars) = credentials.get(arn) {
            let moved = match &r.change {
                Change::MoveEnvToSecrets { variables, .. } => {
                    vars.iter().all(|v| variables.contains(v))
                }
                _ => false,
            };
            if !moved {
                r.fix.notes.push(format!(
                    "The new revision is not shown because task definition `{}` holds plaintext credentials that this change does not move; move them to `secrets` first (`move-env-to-secrets`), or run `ecs-exposure fix` on the task definition file.",
                    arn.rsplit('/').next().unwrap_or(arn)
                ));
                continue;
            }
        }
        let Some(mut input) = documents.get(arn).and_then(fix::register_input) else {
            continue;
        };
        if fix::rewrite(&mut input, &r.change, arn) {
            // A copy of a moved value elsewhere in the document (a `command` argument) is
            // still a credential: shown masked.
            let vars = credentials.get(arn).map(Vec::as_slice).unwrap_or_default();
            let creds = documents
                .get(arn)
                .map(|d| Credentials::from_document(arn, d, vars))
                .unwrap_or_default();
            r.fix.task_definition = Some(creds.masked_document(&input));
        }
    }
}

/// Adds to each remediation of a CloudFormation resource the edit of its template, as a
/// unified diff, from the template texts by file name as the loader recorded it (the core
/// does no I/O: the caller reads them). A change that is no safe text edit gets a note naming
/// the file and line to change instead.
///
/// A plan is shared (a pull request comment, a ticket): each line of the diff that holds part
/// of a plaintext credential value, decided on the template's parse tree, is shown as a
/// placeholder (see [`Credentials::template_diff`]), with a note.
pub fn attach_template_edits(plan: &mut Plan, inv: &Inventory, texts: &HashMap<String, String>) {
    let mut credentials: Option<Credentials> = None;
    // The credential lines of each template as it is, found once: every remediation of the
    // file is an edit of that same text.
    let mut hidden: HashMap<&str, std::collections::BTreeSet<usize>> = HashMap::new();
    // One load check per template for the edits of all its remediations together, instead
    // of one per remediation (see `source::edits_load_together`).
    let mut changes: HashMap<&str, Vec<&Change>> = HashMap::new();
    for r in &plan.remediations {
        if let Some(file) = source::cfn_file(inv, &r.change) {
            changes.entry(file).or_default().push(&r.change);
        }
    }
    let loads: HashMap<&str, bool> = changes
        .into_iter()
        .filter_map(|(file, changes)| {
            let text = texts.get(file)?;
            let together = source::edits_load_together(inv, file, text, changes.into_iter());
            Some((file, together))
        })
        .collect();
    let mut windows: HashMap<&str, source::EditedTemplate> = HashMap::new();
    for r in &mut plan.remediations {
        let Some(file) = source::cfn_file(inv, &r.change) else {
            continue;
        };
        let Some(text) = texts.get(file) else {
            continue;
        };
        // Known to load: the edit is made and shown on the lines around it only. Otherwise
        // the whole template is edited and loaded again to check it.
        let edited = if loads.get(file).copied().unwrap_or(false) {
            source::template_edits(inv, text, &r.change).and_then(|e| {
                if e.is_empty() {
                    return Err(source::EditError::NothingToEdit);
                }
                windows
                    .entry(file)
                    .or_insert_with(|| source::EditedTemplate::new(text))
                    .window(e)
            })
        } else {
            source::edit_template(inv, file, text, &r.change).map(|after| source::EditWindow {
                first_line: 0,
                before: text,
                after,
            })
        };
        match edited {
            Ok(edit) => {
                let creds = credentials.get_or_insert_with(|| Credentials::find(inv));
                let before = hidden
                    .entry(file)
                    .or_insert_with(|| creds.template_lines(file, text));
                let diff = creds.template_edit_diff(before, &edit, file);
                if diff.contains(diff::HIDDEN_LINE) {
                    r.fix.notes.push(format!(
                        "Lines of `{file}` that hold a plaintext credential are not shown in the edit; move the credentials to `Secrets` first, then apply the edit with `ecs-exposure fix {file}`."
                    ));
                }
                r.fix.source_diff = Some(source::SourceDiff {
                    file: file.to_string(),
                    diff,
                })
            }
            Err(why) => {
                let at = r
                    .change
                    .resources()
                    .first()
                    .and_then(|id| inv.locate(id, None))
                    .map(|l| format!("{}:{}", l.file, l.line))
                    .unwrap_or_else(|| file.to_string());
                r.fix
                    .notes
                    .push(format!("Manual edit of the template at {at}: {why}."));
            }
        }
    }
}

/// The environment variables that `plaintext-credentials` found, by task definition ARN.
/// Suppressed hits count too: a credential the team accepted is still a credential, and a
/// revision shown in a plan must neither be given nor show it unmasked.
pub fn credential_variables(analysis: &Analysis) -> HashMap<String, Vec<EnvVar>> {
    let mut out: HashMap<String, Vec<EnvVar>> = HashMap::new();
    let hits = analysis
        .findings
        .iter()
        .flat_map(|f| &f.traits)
        .chain(analysis.suppressed.iter().map(|s| &s.hit));
    // A credential variable is whatever evidence names one under `keys::VARIABLE`
    // (plaintext-credentials writes it), whichever trait it is.
    for hit in hits {
        for e in &hit.evidence {
            let (Some(container), Some(name)) = (e.container.clone(), e.get(keys::VARIABLE)) else {
                continue;
            };
            let v = EnvVar {
                container,
                name: name.to_string(),
            };
            let list = out.entry(e.resource.clone()).or_default();
            if !list.contains(&v) {
                list.push(v);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
