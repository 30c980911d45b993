//! Per-region collection: clusters → services → task definitions, then only the network,
//! load balancing and Inspector data those services use.

use crate::SnapshotFile;
use crate::config::Options;
use crate::convert;
use crate::session::Session;
use aws_config::{Region, SdkConfig};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use tokio::task::JoinSet;

/// Runs every region concurrently; returns the files and the IAM roles the tasks use.
pub async fn collect_all(
    s: &Session,
    cfg: &SdkConfig,
    account: &str,
    regions: &[String],
    opts: &Options,
) -> (Vec<SnapshotFile>, BTreeSet<String>) {
    let mut set = JoinSet::new();
    for region in regions {
        let (s, cfg, account, region, opts) = (
            s.clone(),
            cfg.clone(),
            account.to_string(),
            region.clone(),
            opts.clone(),
        );
        set.spawn(async move { collect_region(&s, &cfg, &account, &region, &opts).await });
    }
    let mut files = Vec::new();
    let mut roles = BTreeSet::new();
    while let Some(res) = set.join_next().await {
        // A panicking region task is a bug; surface it rather than hide a region.
        let (mut f, r) = res.expect("region collection does not panic");
        files.append(&mut f);
        roles.extend(r);
    }
    (files, roles)
}

/// Pages through a paginated call; records a failure and stops at the first error.
/// Evaluates to `true` when every page was read.
macro_rules! pages {
    ($s:expr, $acct:expr, $region:expr, $op:expr, $target:expr, $req:expr, |$page:ident| $body:block) => {{
        let _permit = $s.permit().await;
        let mut stream = $req.into_paginator().send();
        let mut complete = true;
        while let Some(page) = stream.next().await {
            $s.count_page();
            match page {
                Ok($page) => $body,
                Err(e) => {
                    $s.fail($acct, $region, $op, $target, &e);
                    complete = false;
                    break;
                }
            }
        }
        complete
    }};
}

mod hosts;
mod inspector;
mod network;

use inspector::inspector_findings;
use network::{load_balancers, network};

struct Clients {
    ecs: aws_sdk_ecs::Client,
    ec2: aws_sdk_ec2::Client,
    elb: aws_sdk_elasticloadbalancingv2::Client,
    inspector: aws_sdk_inspector2::Client,
}

fn clients(cfg: &SdkConfig, region: &str) -> Clients {
    let r = Region::new(region.to_string());
    Clients {
        ecs: aws_sdk_ecs::Client::from_conf(
            aws_sdk_ecs::config::Builder::from(cfg)
                .region(r.clone())
                .build(),
        ),
        ec2: aws_sdk_ec2::Client::from_conf(
            aws_sdk_ec2::config::Builder::from(cfg)
                .region(r.clone())
                .build(),
        ),
        elb: aws_sdk_elasticloadbalancingv2::Client::from_conf(
            aws_sdk_elasticloadbalancingv2::config::Builder::from(cfg)
                .region(r.clone())
                .build(),
        ),
        inspector: aws_sdk_inspector2::Client::from_conf(
            aws_sdk_inspector2::config::Builder::from(cfg)
                .region(r)
                .build(),
        ),
    }
}

async fn collect_region(
    s: &Session,
    cfg: &SdkConfig,
    account: &str,
    region: &str,
    opts: &Options,
) -> (Vec<SnapshotFile>, BTreeSet<String>) {
    let c = clients(cfg, region);
    let dir = format!("{account}/{region}");
    let file = |name: &str, json: Value| SnapshotFile {
        path: format!("{dir}/{name}"),
        json,
    };
    let mut files = Vec::new();
    let step = |what: &str| s.progress(&format!("{account} {region}: {what}"));

    // Clusters.
    step("clusters");
    let mut cluster_ids: Vec<String> = opts.clusters.clone();
    if cluster_ids.is_empty() {
        pages!(
            s,
            account,
            region,
            "ecs:ListClusters",
            None,
            c.ecs.list_clusters(),
            |p| {
                cluster_ids.extend(p.cluster_arns().iter().cloned());
            }
        );
    }
    let mut clusters = Vec::new();
    for chunk in cluster_ids.chunks(100) {
        if let Some(out) = s
            .call(account, region, "ecs:DescribeClusters", None, async {
                c.ecs
                    .describe_clusters()
                    .set_clusters(Some(chunk.to_vec()))
                    .include(aws_sdk_ecs::types::ClusterField::Tags)
                    .include(aws_sdk_ecs::types::ClusterField::Settings)
                    .send()
                    .await
            })
            .await
        {
            clusters.extend(out.clusters().iter().map(convert::ecs::cluster));
        }
    }
    files.push(file(
        "ecs-describe-clusters.json",
        json!({"clusters": clusters, "failures": []}),
    ));

    // Services, per cluster, concurrently.
    step(&format!("services in {} clusters", cluster_ids.len()));
    let mut set = JoinSet::new();
    for cluster in cluster_ids {
        let (s, ecs, account, region) = (
            s.clone(),
            c.ecs.clone(),
            account.to_string(),
            region.to_string(),
        );
        set.spawn(async move { services_of(&s, &ecs, &account, &region, &cluster).await });
    }
    let mut services: Vec<(String, Vec<aws_sdk_ecs::types::Service>)> = Vec::new();
    while let Some(res) = set.join_next().await {
        services.push(res.expect("service collection does not panic"));
    }
    services.sort_by(|a, b| a.0.cmp(&b.0));
    let all: Vec<&aws_sdk_ecs::types::Service> = services.iter().flat_map(|(_, v)| v).collect();
    for (cluster, list) in &services {
        let name = cluster.rsplit('/').next().unwrap_or(cluster);
        files.push(file(
            &format!("ecs-describe-services-{name}.json"),
            json!({"services": list.iter().map(convert::ecs::service).collect::<Vec<_>>(), "failures": []}),
        ));
    }

    // Task definitions actually run, once per revision: the service's own, and those of its
    // deployments still running tasks and of its task sets.
    let mut td_arns: BTreeSet<String> = BTreeSet::new();
    for svc in &all {
        td_arns.extend(svc.task_definition().map(str::to_string));
        td_arns.extend(
            svc.deployments()
                .iter()
                .filter(|d| d.status() != Some("INACTIVE"))
                .filter_map(|d| d.task_definition().map(str::to_string)),
        );
        td_arns.extend(
            svc.task_sets()
                .iter()
                .filter_map(|t| t.task_definition().map(str::to_string)),
        );
    }
    // Asked for: every ACTIVE revision, run or not.
    if opts.all_task_definitions {
        step("task definition revisions");
        pages!(
            s,
            account,
            region,
            "ecs:ListTaskDefinitions",
            None,
            c.ecs
                .list_task_definitions()
                .status(aws_sdk_ecs::types::TaskDefinitionStatus::Active),
            |p| {
                td_arns.extend(p.task_definition_arns().iter().cloned());
            }
        );
    }
    step(&format!("{} task definitions", td_arns.len()));
    let mut set = JoinSet::new();
    for arn in td_arns {
        let (s, ecs, account, region) = (
            s.clone(),
            c.ecs.clone(),
            account.to_string(),
            region.to_string(),
        );
        set.spawn(async move {
            let out = s
                .call(
                    &account,
                    &region,
                    "ecs:DescribeTaskDefinition",
                    Some(&arn),
                    async {
                        ecs.describe_task_definition()
                            .task_definition(&arn)
                            .include(aws_sdk_ecs::types::TaskDefinitionField::Tags)
                            .send()
                            .await
                    },
                )
                .await?;
            let td = out.task_definition()?.clone();
            Some((td, out.tags().to_vec()))
        });
    }
    let mut task_defs = Vec::new();
    while let Some(res) = set.join_next().await {
        if let Some(x) = res.expect("task definition collection does not panic") {
            task_defs.push(x);
        }
    }
    task_defs.sort_by(|a, b| a.0.task_definition_arn().cmp(&b.0.task_definition_arn()));
    let mut roles = BTreeSet::new();
    let mut repositories = BTreeSet::new();
    for (td, tags) in &task_defs {
        let name = td
            .task_definition_arn()
            .and_then(|a| a.rsplit('/').next())
            .unwrap_or("unknown")
            .replace(':', "-");
        files.push(file(
            &format!("ecs-describe-task-definition-{name}.json"),
            convert::ecs::task_definition_output(td, tags),
        ));
        roles.extend(td.task_role_arn().map(str::to_string));
        roles.extend(td.execution_role_arn().map(str::to_string));
        for cd in td.container_definitions() {
            if let Some(repo) = cd.image().and_then(ecr_repository) {
                repositories.insert(repo);
            }
        }
    }

    // Load balancers in front of the services.
    step("load balancers");
    let tg_arns: BTreeSet<String> = all
        .iter()
        .flat_map(|s| s.load_balancers())
        .filter_map(|lb| lb.target_group_arn().map(str::to_string))
        .collect();
    let mut subnet_ids: BTreeSet<String> = BTreeSet::new();
    let mut group_ids: BTreeSet<String> = BTreeSet::new();
    for svc in &all {
        if let Some(a) = svc
            .network_configuration()
            .and_then(|n| n.awsvpc_configuration())
        {
            subnet_ids.extend(a.subnets().iter().cloned());
            group_ids.extend(a.security_groups().iter().cloned());
        }
    }
    let elb = load_balancers(s, &c.elb, account, region, &tg_arns).await;
    if let Some((tgs, lbs, listeners, rules)) = elb {
        for lb in &lbs {
            group_ids.extend(lb.security_groups().iter().cloned());
            subnet_ids.extend(
                lb.availability_zones()
                    .iter()
                    .filter_map(|z| z.subnet_id().map(str::to_string)),
            );
        }
        files.push(file("elbv2-describe-target-groups.json", json!({"TargetGroups": tgs.iter().map(convert::elbv2::target_group).collect::<Vec<_>>()})));
        files.push(file("elbv2-describe-load-balancers.json", json!({"LoadBalancers": lbs.iter().map(convert::elbv2::load_balancer).collect::<Vec<_>>()})));
        if let Some(listeners) = listeners {
            files.push(file("elbv2-describe-listeners.json", json!({"Listeners": listeners.iter().map(convert::elbv2::listener).collect::<Vec<_>>()})));
        }
        if let Some(rules) = rules {
            files.push(file(
                "elbv2-describe-rules.json",
                json!({"Rules": rules.iter().map(convert::elbv2::rule).collect::<Vec<_>>()}),
            ));
        }
    }

    // The EC2 hosts of clusters with services on the host's network (no awsvpc).
    let host_clusters: BTreeSet<String> = services
        .iter()
        .filter(|(_, list)| {
            list.iter().any(|svc| {
                svc.network_configuration()
                    .and_then(|n| n.awsvpc_configuration())
                    .is_none()
                    && svc.launch_type() != Some(&aws_sdk_ecs::types::LaunchType::Fargate)
            })
        })
        .map(|(cluster, _)| cluster.clone())
        .collect();
    if !host_clusters.is_empty() {
        step(&format!(
            "container instances of {} clusters",
            host_clusters.len()
        ));
        let h = hosts::hosts(s, &c.ecs, &c.ec2, account, region, &host_clusters).await;
        subnet_ids.extend(h.subnet_ids);
        group_ids.extend(h.group_ids);
        files.extend(h.files.into_iter().map(|(n, j)| file(&n, j)));
    }

    // Network: the subnets and security groups in use, and their VPCs' routing.
    step("network");
    files.extend(
        network(s, &c.ec2, account, region, &subnet_ids, &group_ids)
            .await
            .into_iter()
            .map(|(n, j)| file(n, j)),
    );

    // Inspector findings for the ECR repositories the task definitions run.
    step(&format!(
        "Inspector findings for {} repositories",
        repositories.len()
    ));
    if let Some(findings) =
        inspector_findings(s, &c.inspector, account, region, &repositories).await
    {
        files.push(file(
            "inspector2-list-findings.json",
            json!({"findings": findings}),
        ));
    }
    (files, roles)
}

async fn services_of(
    s: &Session,
    ecs: &aws_sdk_ecs::Client,
    account: &str,
    region: &str,
    cluster: &str,
) -> (String, Vec<aws_sdk_ecs::types::Service>) {
    let mut arns = Vec::new();
    pages!(
        s,
        account,
        region,
        "ecs:ListServices",
        Some(cluster),
        ecs.list_services().cluster(cluster).max_results(100),
        |p| {
            arns.extend(p.service_arns().iter().cloned());
        }
    );
    // DescribeServices takes at most 10 services per call; the batches run concurrently
    // (within the session's limit), and come back in ListServices order.
    let mut set = JoinSet::new();
    for (i, chunk) in arns.chunks(10).enumerate() {
        let (s, ecs, account, region, cluster, chunk) = (
            s.clone(),
            ecs.clone(),
            account.to_string(),
            region.to_string(),
            cluster.to_string(),
            chunk.to_vec(),
        );
        set.spawn(async move {
            let r = s
                .call(
                    &account,
                    &region,
                    "ecs:DescribeServices",
                    Some(&cluster),
                    async {
                        ecs.describe_services()
                            .cluster(&cluster)
                            .set_services(Some(chunk))
                            .include(aws_sdk_ecs::types::ServiceField::Tags)
                            .send()
                            .await
                    },
                )
                .await;
            (i, r.map(|r| r.services().to_vec()).unwrap_or_default())
        });
    }
    let mut batches = Vec::new();
    while let Some(res) = set.join_next().await {
        batches.push(res.expect("service batches do not panic"));
    }
    batches.sort_by_key(|(i, _)| *i);
    let out: Vec<aws_sdk_ecs::types::Service> = batches.into_iter().flat_map(|(_, v)| v).collect();
    (cluster.to_string(), out)
}

/// The repository of an ECR image reference (`<acct>.dkr.ecr.<region>.amazonaws.com/<repo>…`).
fn ecr_repository(image: &str) -> Option<String> {
    let (host, rest) = image.split_once('/')?;
    if !host.contains(".dkr.ecr.") {
        return None;
    }
    let rest = rest.split('@').next()?;
    let repo = match rest.rsplit_once(':') {
        Some((r, _tag)) => r,
        None => rest,
    };
    Some(repo.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn ecr_repository_of_images() {
        let f = super::ecr_repository;
        assert_eq!(
            f("1.dkr.ecr.eu-west-1.amazonaws.com/team/web:1.2").as_deref(),
            Some("team/web")
        );
        assert_eq!(
            f("1.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:ab").as_deref(),
            Some("web")
        );
        assert_eq!(f("nginx:latest"), None);
        assert_eq!(f("ghcr.io/org/app:1"), None);
    }
}
