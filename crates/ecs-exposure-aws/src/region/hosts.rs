//! The EC2 hosts of the clusters whose services run in `bridge` or `host` network mode:
//! their container instances (ECS) and EC2 instances, and the subnets and security groups
//! those use (collected with the rest of the network).

use crate::convert;
use crate::session::Session;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// DescribeContainerInstances takes at most this many ARNs per call.
const DESCRIBE_BATCH: usize = 100;
/// DescribeInstances is given this many instance ids per call.
const INSTANCE_BATCH: usize = 200;

/// What host collection gives: snapshot files, and the subnets and groups to describe.
pub(crate) struct Hosts {
    pub files: Vec<(String, Value)>,
    pub subnet_ids: BTreeSet<String>,
    pub group_ids: BTreeSet<String>,
}

/// Container instances of each cluster, then their EC2 instances. A cluster whose calls fail
/// gets no file (the core then names it as missing, and the failure says why).
pub(crate) async fn hosts(
    s: &Session,
    ecs: &aws_sdk_ecs::Client,
    ec2: &aws_sdk_ec2::Client,
    account: &str,
    region: &str,
    clusters: &BTreeSet<String>,
) -> Hosts {
    let mut out = Hosts {
        files: Vec::new(),
        subnet_ids: BTreeSet::new(),
        group_ids: BTreeSet::new(),
    };
    let mut instance_ids: BTreeSet<String> = BTreeSet::new();
    for cluster in clusters {
        let mut arns = Vec::new();
        let listed = pages!(
            s,
            account,
            region,
            "ecs:ListContainerInstances",
            Some(cluster.as_str()),
            ecs.list_container_instances().cluster(cluster),
            |p| {
                arns.extend(p.container_instance_arns().iter().cloned());
            }
        );
        if !listed {
            continue;
        }
        let mut described = Vec::new();
        let mut complete = true;
        for chunk in arns.chunks(DESCRIBE_BATCH) {
            match s
                .call(
                    account,
                    region,
                    "ecs:DescribeContainerInstances",
                    Some(cluster),
                    async {
                        ecs.describe_container_instances()
                            .cluster(cluster)
                            .set_container_instances(Some(chunk.to_vec()))
                            .send()
                            .await
                    },
                )
                .await
            {
                Some(o) => described.extend(o.container_instances().iter().cloned()),
                None => complete = false,
            }
        }
        if !complete {
            continue;
        }
        instance_ids.extend(
            described
                .iter()
                .filter_map(|c| c.ec2_instance_id().map(str::to_string)),
        );
        let name = cluster.rsplit('/').next().unwrap_or(cluster);
        out.files.push((
            format!("ecs-describe-container-instances-{name}.json"),
            json!({"cluster": cluster,
                "containerInstances": described.iter().map(convert::hosts::container_instance).collect::<Vec<_>>(),
                "failures": []}),
        ));
    }
    let ids: Vec<String> = instance_ids.into_iter().collect();
    let mut reservations = Vec::new();
    let mut complete = true;
    for chunk in ids.chunks(INSTANCE_BATCH) {
        complete &= pages!(
            s,
            account,
            region,
            "ec2:DescribeInstances",
            None,
            ec2.describe_instances()
                .set_instance_ids(Some(chunk.to_vec())),
            |p| {
                for r in p.reservations() {
                    for i in r.instances() {
                        out.subnet_ids.extend(i.subnet_id().map(str::to_string));
                        for g in i
                            .security_groups()
                            .iter()
                            .chain(i.network_interfaces().iter().flat_map(|n| n.groups()))
                        {
                            out.group_ids.extend(g.group_id().map(str::to_string));
                        }
                        for n in i.network_interfaces() {
                            out.subnet_ids.extend(n.subnet_id().map(str::to_string));
                        }
                    }
                    reservations.push(json!({
                        "ReservationId": r.reservation_id(),
                        "Instances": r.instances().iter().map(convert::hosts::instance).collect::<Vec<_>>(),
                    }));
                }
            }
        );
    }
    if complete {
        out.files.push((
            "ec2-describe-instances.json".to_string(),
            json!({"Reservations": reservations}),
        ));
    }
    out
}
