//! Services whose tasks are reached at their EC2 host's address (`bridge` and `host` network
//! modes): the hosts' security groups, public addresses and subnets are the service's, for
//! `open-security-group`, `public-ip` and `internet-reachable`.

use super::ServiceContext;
use crate::model::HostsOf;

/// The network mode when the service's tasks use their host's network: `bridge` or `host`,
/// or, without the task definition, an EC2 service with no `awsvpcConfiguration` (awsvpc
/// needs one, so its tasks run in one of the two). `None` for `awsvpc` and `none`.
pub(super) fn host_network(ctx: &ServiceContext<'_>) -> Option<&'static str> {
    match ctx.task_definition.map(|t| t.network_mode()) {
        Some("bridge") => Some("bridge"),
        Some("host") => Some("host"),
        Some(_) => None,
        None if ctx.service.awsvpc().is_none() && !ctx.service.is_fargate() => {
            Some("bridge or host")
        }
        None => None,
    }
}

/// The hosts of the service's cluster; each gap is prefixed with why the hosts matter.
pub(super) fn service_hosts(ctx: &ServiceContext<'_>, mode: &str) -> HostsOf {
    // A template's `Cluster` that cannot be resolved: the hosts cannot be either.
    if ctx.service.cluster_arn.is_none()
        && let Some(u) = ["cluster", "clusterArn"].iter().find_map(|f| {
            super::gap_reasons::find_unresolved(ctx.inventory, &ctx.service.service_arn, f)
        })
    {
        return HostsOf {
            hosts: Vec::new(),
            gaps: vec![format!(
                "the service's tasks ({mode} network mode) use their EC2 hosts' network, and its cluster cannot be resolved ({}), so its hosts are unknown",
                u.reason
            )],
        };
    }
    let mut hosts = ctx.inventory.hosts_of(service_cluster(ctx).as_deref());
    for g in &mut hosts.gaps {
        *g = format!("the service's tasks ({mode} network mode) use their EC2 hosts' network: {g}");
    }
    hosts
}

/// The service's cluster: its `clusterArn`, else the cluster named in its ARN
/// (`service/<cluster>/<name>`, made into the cluster's ARN), else `None` (ECS's `default`).
fn service_cluster(ctx: &ServiceContext<'_>) -> Option<String> {
    if let Some(c) = &ctx.service.cluster_arn {
        return Some(c.clone());
    }
    let arn = &ctx.service.service_arn;
    let (prefix, resource) = arn.rsplit_once(':')?;
    let mut parts = resource.split('/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("service"), Some(cluster), Some(_)) if prefix.starts_with("arn:") => {
            Some(format!("{prefix}:cluster/{cluster}"))
        }
        _ => None,
    }
}
