//! ECS: task definitions (their `container_definitions` is a JSON text in the API's own
//! shape) and services (blocks of snake_case attributes).

use super::super::node::{Node, V};
use super::super::{IacError, Sink, fields};
use super::{Plan, Res, is_true, key_at, model, number, s, strings};
use crate::model::Resource;
use serde_json::json;

pub(super) fn task_definition(
    p: &Plan<'_>,
    sink: &mut Sink<'_>,
    r: &Res<'_>,
    id: &str,
) -> Result<Vec<Resource>, IacError> {
    let v = r.values;
    let mut td = json!({"taskDefinitionArn": id, "family": s(v, "family"),
        "requiresCompatibilities": strings(v.get("requires_compatibilities"))});
    for f in [fields::PID_MODE, fields::NETWORK_MODE, fields::IPC_MODE] {
        td[f.model] = json!(s(v, f.tf));
        key_at(sink, id, v, f.tf, f.model);
    }
    for f in [fields::TASK_ROLE_ARN, fields::EXECUTION_ROLE_ARN] {
        key_at(sink, id, v, f.tf, f.model);
        if v.get(f.tf).is_some() || p.refs(r, &[f.tf]).is_ok() {
            td[f.model] = json!(p.one(sink, r, id, &[f.tf], f.model));
        }
    }
    let mut vols = Vec::new();
    for (i, vol) in (v.get(fields::VOLUMES.tf).and_then(Node::seq))
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        sink.at(id, &format!("{}[{i}]", fields::VOLUMES.model), vol.pos);
        let mut x = json!({"name": s(vol, "name")});
        if let Some(h) = s(vol, fields::VOLUME_HOST.tf) {
            x[fields::VOLUME_HOST.model] = json!({"sourcePath": h});
        }
        vols.push(x);
    }
    td[fields::VOLUMES.model] = json!(vols);
    let defs = fields::CONTAINER_DEFINITIONS;
    let after_apply = |pos| {
        let why = format!("`{}` is known only after apply", defs.tf);
        Node::new(V::Unknown(why), pos)
    };
    match v.entry(defs.tf) {
        Some((k, cd)) => {
            sink.at(id, defs.model, k.pos);
            // Read with duplicate keys refused: a value keeps the last of two.
            match cd
                .str()
                .map(serde_json::from_str::<crate::model::unique::UniqueKeys>)
            {
                Some(Ok(list)) => td[defs.model] = list.0,
                Some(Err(e)) => {
                    return Err(IacError::ContainerDefinitions {
                        resource: id.to_string(),
                        expected: crate::load::redact::json_error(&e),
                        line: e.line(),
                        column: e.column(),
                    });
                }
                None => sink.unknown(id, defs.model, &after_apply(cd.pos)),
            }
        }
        None => sink.unknown(id, defs.model, &after_apply(r.pos)),
    }
    Ok(vec![Resource::TaskDefinition(model(id, td)?)])
}

pub(super) fn service(
    p: &Plan<'_>,
    sink: &mut Sink<'_>,
    r: &Res<'_>,
    id: &str,
) -> Result<Vec<Resource>, IacError> {
    let v = r.values;
    let exec = fields::ENABLE_EXECUTE_COMMAND;
    let mut svc = json!({"serviceArn": id, "serviceName": s(v, "name"),
        "launchType": s(v, fields::LAUNCH_TYPE.tf), "platformVersion": s(v, "platform_version"),
        "enableExecuteCommand": is_true(v, exec.tf)});
    for f in [
        fields::TASK_DEFINITION,
        fields::CLUSTER,
        exec,
        fields::LAUNCH_TYPE,
    ] {
        key_at(sink, id, v, f.tf, f.model);
    }
    let td = fields::TASK_DEFINITION;
    svc[td.model] = json!(p.one(sink, r, id, &[td.tf], td.model));
    // A new cluster's id is known only after apply: the reference says which.
    let cluster = fields::CLUSTER;
    if v.get(cluster.tf).is_some() || p.refs(r, &[cluster.tf]).is_ok() {
        svc[cluster.model] = json!(p.first(r, &[cluster.tf]));
    }
    let network = fields::AWSVPC_CONFIGURATION;
    if let Some(nc) = v
        .get(network.tf)
        .and_then(Node::seq)
        .and_then(|s| s.first())
    {
        sink.at(id, network.model, nc.pos);
        // A list of ids in the block; one known only after apply is a gap, not "none".
        let mut ids = |f: fields::Field| {
            key_at(sink, id, nc, f.tf_key(), f.model);
            p.refs(r, &[network.tf, "0", f.tf_key()])
                .unwrap_or_else(|why| {
                    sink.unknown(id, f.model, &Node::new(V::Unknown(why), nc.pos));
                    Vec::new()
                })
        };
        let subnets = ids(fields::SERVICE_SUBNETS);
        let groups = ids(fields::SERVICE_SECURITY_GROUPS);
        let public = fields::ASSIGN_PUBLIC_IP;
        key_at(sink, id, nc, public.tf_key(), public.model);
        let public = if is_true(nc, public.tf_key()) {
            "ENABLED"
        } else {
            "DISABLED"
        };
        svc["networkConfiguration"] = json!({"awsvpcConfiguration": {
            "subnets": subnets, "securityGroups": groups, "assignPublicIp": public}});
    }
    let mut lbs = Vec::new();
    for (i, lb) in v
        .get("load_balancer")
        .and_then(Node::seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        sink.at(id, &format!("loadBalancers[{i}]"), lb.pos);
        // A Classic Load Balancer is named by `elb_name`, and the path judges it (as not
        // modelled) only when the name is carried.
        let elb = s(lb, "elb_name").filter(|n| !n.is_empty());
        let tg = match p.refs(r, &["load_balancer", &i.to_string(), "target_group_arn"]) {
            Ok(t) => t.into_iter().next().filter(|t| !t.is_empty()),
            // Unknown until apply (a module's `dynamic "load_balancer"` block is not in the
            // plan's configuration, so no reference says which group): the load balancer
            // path is a gap, not "no path".
            Err(why) if elb.is_none() => {
                let field = format!("loadBalancers[{i}].targetGroupArn");
                sink.unknown(id, &field, &Node::new(V::Unknown(why), lb.pos));
                None
            }
            Err(_) => None,
        };
        lbs.push(json!({"targetGroupArn": tg, "loadBalancerName": elb,
            "containerName": s(lb, "container_name"),
            "containerPort": number::<u16>(lb, "container_port")}));
    }
    svc["loadBalancers"] = json!(lbs);
    Ok(vec![Resource::Service(model(id, svc)?)])
}
