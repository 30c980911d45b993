//! What a finding is about. Most findings are about a service; but a task definition that no
//! service in the input runs is what gets deployed in the most common ECS workflow (a
//! `taskdef.json` kept in a repository and registered from CI, a template whose task runs on
//! a schedule or through `RunTask`), so it is judged on its own rather than passed.
//!
//! A service, in turn, may run more than one task definition: during a rolling deployment
//! every deployment that is not `INACTIVE` runs tasks, and a service with task sets runs each
//! task set's task definition with the task set's own network configuration. Each of those is
//! a *variant* of the service, and the finding is the union of what every variant shows.

use crate::model::{Inventory, Kind, Service};
use std::borrow::Cow;
use std::collections::HashSet;

/// The most deployments and task sets judged per service (hostile input could list
/// thousands, each judged with every trait); beyond it a gap says how many were left out.
pub const MAX_VARIANTS: usize = 64;

/// Which task definitions no service runs are judged on their own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TaskDefinitionScope {
    /// Those that will be deployed as they are: every task definition of infrastructure as
    /// code or of a `register-task-definition` input, and every task definition of an input
    /// that holds no services at all. Revisions in an account snapshot or a live scan that no
    /// service runs are left out: judging every old revision is noise.
    #[default]
    Deployable,
    /// Also every `ACTIVE` revision of a snapshot or live scan that no service runs
    /// (`--all-task-definitions`).
    All,
}

/// The reason given for a trait that reads the service when a task definition is judged
/// on its own. When some service's task definition is unknown (not in the input, or a value
/// a plan or template cannot resolve), that service may be the one that runs it: say so
/// rather than claim that none does.
pub fn standalone_reason(inv: &Inventory, td_ref: &str) -> String {
    const NAMED: usize = 3;
    let unknown = inv.services_of_unknown_task_definition();
    if unknown.is_empty() {
        return format!(
            "no service in the input runs this task definition ({td_ref}): the network configuration and service settings this check reads are set where it runs (a service, a schedule or RunTask)"
        );
    }
    let mut names: Vec<&str> = unknown.iter().take(NAMED).map(String::as_str).collect();
    let more = unknown.len().saturating_sub(NAMED);
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    names.sort();
    format!(
        "no service in the input is known to run this task definition ({td_ref}), but the task definition of {}{more} is unknown and may be this one: the network configuration and service settings this check reads are set where it runs",
        names.join(", ")
    )
}

/// The task definitions judged on their own, as subjects (see [`Service::for_task_definition`]),
/// ordered by ARN so that reports are stable.
pub fn standalone_task_definitions(inv: &Inventory, scope: TaskDefinitionScope) -> Vec<Service> {
    if inv.task_definitions.is_empty() {
        return Vec::new();
    }
    let run = run_task_definitions(inv);
    let no_services = !inv.has(Kind::EcsServices) && inv.services.is_empty();
    let mut out: Vec<Service> = inv
        .task_definitions
        .values()
        .filter(|td| !run.contains(td.task_definition_arn.as_str()))
        .filter(|td| {
            // Written in a template or a register-task-definition file: it is what will be
            // deployed. A describe-task-definition file also has a source map, but it is an
            // account's revision, judged alone only by the rules below.
            let written = inv.from_template(&td.task_definition_arn)
                || !td.task_definition_arn.starts_with("arn:");
            let active = td
                .status
                .as_deref()
                .is_none_or(|s| s.eq_ignore_ascii_case("ACTIVE"));
            written || no_services || (scope == TaskDefinitionScope::All && active)
        })
        .map(Service::for_task_definition)
        .collect();
    out.sort_by(|a, b| a.service_arn.cmp(&b.service_arn));
    out
}

/// The ARNs (or IaC ids) of the task definitions some service of the input runs, through its
/// `taskDefinition`, a deployment or a task set.
fn run_task_definitions(inv: &Inventory) -> HashSet<&str> {
    let mut run = HashSet::new();
    for s in inv.services.values() {
        let refs = s
            .task_definition
            .iter()
            .chain(
                s.deployments
                    .iter()
                    .filter(|d| !is_inactive(d.status.as_deref()))
                    .filter_map(|d| d.task_definition.as_ref()),
            )
            .chain(
                s.task_sets
                    .iter()
                    .filter_map(|t| t.task_definition.as_ref()),
            );
        for r in refs {
            if let Some(td) = inv.task_definition(r) {
                run.insert(td.task_definition_arn.as_str());
            }
        }
    }
    run
}

fn is_inactive(status: Option<&str>) -> bool {
    status.is_some_and(|s| s.eq_ignore_ascii_case("INACTIVE"))
}

/// One way a service runs tasks: the service as described, one of its deployments, or one of
/// its task sets. `label` is `None` for the first (the service's own settings).
pub struct Variant<'a> {
    pub label: Option<String>,
    pub service: Cow<'a, Service>,
}

/// The variants of a service, the service itself first. A deployment or task set that runs
/// exactly what the service itself runs adds nothing and is left out. The second value is the
/// number of variants left out past [`MAX_VARIANTS`].
pub fn variants(service: &Service) -> (Vec<Variant<'_>>, usize) {
    // The common case, kept free of copies: only the PRIMARY deployment (which the
    // service's own fields describe), or none, and no task sets.
    let rolling = service
        .deployments
        .iter()
        .any(|d| !is_inactive(d.status.as_deref()) && !status_is(d.status.as_deref(), "PRIMARY"));
    let simple = service.task_sets.is_empty()
        && !rolling
        && (service.task_definition.is_some() || service.deployments.is_empty());
    if simple {
        return (
            vec![Variant {
                label: None,
                service: Cow::Borrowed(service),
            }],
            0,
        );
    }
    // One copy without the lists that could be long, cloned per variant.
    let shell = Service {
        deployments: Vec::new(),
        task_sets: Vec::new(),
        tags: Vec::new(),
        ..service.clone()
    };
    let mut base = Cow::Borrowed(service);
    if service.task_definition.is_none() {
        // A service behind task sets names no task definition itself: its primary task set
        // (or primary deployment) is what it runs.
        let primary = service
            .task_sets
            .iter()
            .find(|t| status_is(t.status.as_deref(), "PRIMARY"))
            .map(Settings::of_task_set)
            .or_else(|| {
                service
                    .deployments
                    .iter()
                    .find(|d| status_is(d.status.as_deref(), "PRIMARY"))
                    .map(Settings::of_deployment)
            });
        if let Some(p) = primary {
            let mut s = p.applied(&shell);
            s.tags = service.tags.clone();
            base = Cow::Owned(s);
        }
    }
    let base_settings = Settings::of_service(&base);
    let mut extra: Vec<Variant<'_>> = Vec::new();
    // The PRIMARY deployment is what the service's own fields describe (they are copied from
    // it), so only the others can differ: those still rolling out or being replaced.
    let others = service
        .deployments
        .iter()
        .filter(|d| !is_inactive(d.status.as_deref()) && !status_is(d.status.as_deref(), "PRIMARY"))
        .map(|d| {
            (
                format!("deployment {}", named(&d.id, &d.status)),
                Settings::of_deployment(d),
            )
        })
        .chain(service.task_sets.iter().map(|t| {
            (
                format!("task set {}", named(&t.id, &t.status)),
                Settings::of_task_set(t),
            )
        }));
    let mut left_out = 0;
    for (label, settings) in others {
        if settings.same_as(&base_settings) {
            continue;
        }
        if extra.len() >= MAX_VARIANTS {
            left_out += 1;
            continue;
        }
        extra.push(Variant {
            label: Some(label),
            service: Cow::Owned(settings.applied(&shell)),
        });
    }
    let mut out = Vec::with_capacity(extra.len() + 1);
    out.push(Variant {
        label: None,
        service: base,
    });
    out.append(&mut extra);
    (out, left_out)
}

fn status_is(status: Option<&str>, want: &str) -> bool {
    status.is_some_and(|s| s.eq_ignore_ascii_case(want))
}

fn named(id: &Option<String>, status: &Option<String>) -> String {
    let id = id.as_deref().unwrap_or("(no id)");
    match status {
        Some(s) => format!("{id} ({s})"),
        None => id.to_string(),
    }
}

/// The settings a deployment or task set may set differently from its service.
struct Settings<'a> {
    task_definition: Option<&'a String>,
    launch_type: Option<&'a String>,
    capacity: &'a [crate::model::CapacityProviderItem],
    platform_version: Option<&'a String>,
    network: Option<&'a crate::model::NetworkConfiguration>,
    load_balancers: &'a [crate::model::ServiceLoadBalancer],
}

impl<'a> Settings<'a> {
    fn of_service(s: &'a Service) -> Self {
        Settings {
            task_definition: s.task_definition.as_ref(),
            launch_type: s.launch_type.as_ref(),
            capacity: &s.capacity_provider_strategy,
            platform_version: s.platform_version.as_ref(),
            network: s.network_configuration.as_ref(),
            load_balancers: &s.load_balancers,
        }
    }

    fn of_deployment(d: &'a crate::model::Deployment) -> Self {
        Settings {
            task_definition: d.task_definition.as_ref(),
            launch_type: d.launch_type.as_ref(),
            capacity: &d.capacity_provider_strategy,
            platform_version: d.platform_version.as_ref(),
            network: d.network_configuration.as_ref(),
            load_balancers: &[],
        }
    }

    fn of_task_set(t: &'a crate::model::TaskSet) -> Self {
        Settings {
            task_definition: t.task_definition.as_ref(),
            launch_type: t.launch_type.as_ref(),
            capacity: &t.capacity_provider_strategy,
            platform_version: t.platform_version.as_ref(),
            network: t.network_configuration.as_ref(),
            load_balancers: &t.load_balancers,
        }
    }

    /// Whether running these settings changes nothing: every setting given is the
    /// service's own (one not given is inherited).
    fn same_as(&self, base: &Settings<'_>) -> bool {
        fn same<T: PartialEq>(mine: Option<T>, base: Option<T>) -> bool {
            mine.is_none() || mine == base
        }
        same(self.task_definition, base.task_definition)
            && same(self.launch_type, base.launch_type)
            && same(self.platform_version, base.platform_version)
            && same(self.network, base.network)
            && (self.capacity.is_empty() || self.capacity == base.capacity)
            && (self.load_balancers.is_empty() || self.load_balancers == base.load_balancers)
    }

    /// The service as it runs with these settings.
    fn applied(&self, shell: &Service) -> Service {
        let mut s = shell.clone();
        if let Some(v) = self.task_definition {
            s.task_definition = Some(v.clone());
        }
        if let Some(v) = self.launch_type {
            s.launch_type = Some(v.clone());
        }
        if !self.capacity.is_empty() {
            s.capacity_provider_strategy = self.capacity.to_vec();
        }
        if let Some(v) = self.platform_version {
            s.platform_version = Some(v.clone());
        }
        if let Some(v) = self.network {
            s.network_configuration = Some(v.clone());
        }
        if !self.load_balancers.is_empty() {
            s.load_balancers = self.load_balancers.to_vec();
        }
        s
    }
}

#[cfg(test)]
mod tests;
