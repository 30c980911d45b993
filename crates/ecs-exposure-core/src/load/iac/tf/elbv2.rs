//! Elastic Load Balancing v2: load balancers, target groups (with the load balancers whose
//! listeners forward to them) and listeners. Listener rules are in `rules`.

use super::super::node::{Node, V};
use super::super::{IacError, Sink, fields};
use super::{Plan, Res, is_true, key_at, model, number, rules, s};
use crate::model::Resource;
use serde_json::{Value, json};

pub(super) fn load_balancer(
    p: &Plan<'_>,
    sink: &mut Sink<'_>,
    r: &Res<'_>,
    id: &str,
) -> Result<Vec<Resource>, IacError> {
    let v = r.values;
    let scheme = fields::SCHEME;
    let internal = is_true(v, scheme.tf);
    key_at(sink, id, v, scheme.tf, scheme.model);
    // Subnets known only after apply are a gap, not "no subnets".
    let subnets = p.refs(r, &["subnets"]).unwrap_or_else(|why| {
        sink.unknown(id, "AvailabilityZones", &Node::new(V::Unknown(why), r.pos));
        Vec::new()
    });
    let subnets: Vec<Value> = subnets
        .into_iter()
        .map(|s| json!({"SubnetId": s}))
        .collect();
    let lb = json!({"LoadBalancerArn": id, "LoadBalancerName": s(v, "name"),
        "Scheme": if internal { "internal" } else { "internet-facing" },
        "Type": s(v, "load_balancer_type").unwrap_or_else(|| "application".into()),
        "SecurityGroups": p.refs(r, &["security_groups"]).unwrap_or_default(),
        "AvailabilityZones": subnets});
    Ok(vec![Resource::LoadBalancer(model(id, lb)?)])
}

pub(super) fn target_group(
    p: &Plan<'_>,
    _: &mut Sink<'_>,
    r: &Res<'_>,
    id: &str,
) -> Result<Vec<Resource>, IacError> {
    let v = r.values;
    let lbs: Vec<String> = p
        .of("aws_lb_listener")
        .filter(|l| p.names(l, &["default_action", "0", "target_group_arn"], id))
        .filter_map(|l| p.first(l, &["load_balancer_arn"]))
        .collect();
    let tg = json!({"TargetGroupArn": id, "TargetGroupName": s(v, "name"),
        "Port": number::<u16>(v, "port"), "Protocol": s(v, "protocol"),
        "TargetType": s(v, "target_type"), "LoadBalancerArns": lbs});
    Ok(vec![Resource::TargetGroup(model(id, tg)?)])
}

pub(super) fn listener(
    p: &Plan<'_>,
    sink: &mut Sink<'_>,
    r: &Res<'_>,
    id: &str,
) -> Result<Vec<Resource>, IacError> {
    let v = r.values;
    let lb = p
        .one(sink, r, id, &["load_balancer_arn"], "LoadBalancerArn")
        .unwrap_or_else(|| format!("{id}/unresolved-lb"));
    // The same blocks as a rule's `action` (forward, weights, sign-in).
    let actions = rules::actions(p, r, sink, id, "default_action", "DefaultActions");
    let l = json!({"ListenerArn": id, "LoadBalancerArn": lb,
        "Port": number::<u16>(v, "port"), "Protocol": s(v, "protocol"), "DefaultActions": actions});
    Ok(vec![Resource::Listener(model(id, l)?)])
}
