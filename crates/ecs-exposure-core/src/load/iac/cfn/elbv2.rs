//! Elastic Load Balancing v2: load balancers, target groups (with the load balancers whose
//! listeners forward to them), listeners and listener rules (already the API's shape).

use super::super::node::Node;
use super::super::{IacError, Sink, fields};
use super::{Cx, Res, api_shape, model, name_or_logical, obj, text_of};
use crate::model::Resource;
use serde_json::{Value, json};

pub(super) const LOAD_BALANCER: &str = "AWS::ElasticLoadBalancingV2::LoadBalancer";
pub(super) const TARGET_GROUP: &str = "AWS::ElasticLoadBalancingV2::TargetGroup";
pub(super) const LISTENER: &str = "AWS::ElasticLoadBalancingV2::Listener";
pub(super) const LISTENER_RULE: &str = "AWS::ElasticLoadBalancingV2::ListenerRule";

pub(super) fn load_balancer(
    _: &Cx<'_, '_>,
    sink: &mut Sink<'_>,
    r: &Res<'_, '_>,
) -> Result<Vec<Resource>, IacError> {
    let (id, props) = (r.id.as_str(), r.props);
    let mut subnets: Vec<Value> = sink
        .ids(id, props, "Subnets", "AvailabilityZones")
        .into_iter()
        .map(|s| json!({"SubnetId": s}))
        .collect();
    for m in props
        .get("SubnetMappings")
        .and_then(Node::seq)
        .unwrap_or(&[])
    {
        if let Some(s) = text_of(m, "SubnetId") {
            subnets.push(json!({"SubnetId": s}));
        }
    }
    sink.key_at(id, props, fields::SCHEME.cfn, fields::SCHEME.model);
    // A group that cannot be resolved is recorded, never dropped: it may be the one that
    // admits the internet.
    let sgs = sink.ids(id, props, "SecurityGroups", "SecurityGroups");
    let v = json!({"LoadBalancerArn": id,
        "LoadBalancerName": name_or_logical(r, "Name"),
        // CloudFormation's defaults.
        "Scheme": text_of(props, fields::SCHEME.cfn).unwrap_or_else(|| "internet-facing".into()),
        "Type": text_of(props, "Type").unwrap_or_else(|| "application".into()),
        "SecurityGroups": sgs,
        "AvailabilityZones": subnets,
        "IpAddressType": text_of(props, "IpAddressType")});
    Ok(vec![Resource::LoadBalancer(model(id, v)?)])
}

pub(super) fn target_group(
    cx: &Cx<'_, '_>,
    sink: &mut Sink<'_>,
    r: &Res<'_, '_>,
) -> Result<Vec<Resource>, IacError> {
    let id = r.id.as_str();
    let mut v = api_shape(sink, r, false, "TargetGroupArn");
    let o = obj(&mut v);
    o.insert("TargetGroupName".into(), name_or_logical(r, "Name").into());
    let lbs: Vec<String> = cx
        .of_type(LISTENER)
        .filter(|(_, _, l, _)| listener_targets(l).iter().any(|tg| tg == id))
        .filter_map(|(_, _, l, _)| text_of(l, "LoadBalancerArn"))
        .collect();
    o.insert("LoadBalancerArns".into(), lbs.into());
    Ok(vec![Resource::TargetGroup(model(id, v)?)])
}

pub(super) fn listener(
    _: &Cx<'_, '_>,
    sink: &mut Sink<'_>,
    r: &Res<'_, '_>,
) -> Result<Vec<Resource>, IacError> {
    let id = r.id.as_str();
    let mut v = api_shape(sink, r, false, "ListenerArn");
    let o = obj(&mut v);
    let lb = sink.required(id, r.props, "LoadBalancerArn");
    o.insert("LoadBalancerArn".into(), lb.into());
    Ok(vec![Resource::Listener(model(id, v)?)])
}

pub(super) fn listener_rule(
    _: &Cx<'_, '_>,
    sink: &mut Sink<'_>,
    r: &Res<'_, '_>,
) -> Result<Vec<Resource>, IacError> {
    let id = r.id.as_str();
    // Already the API's shape (Conditions, Actions); Priority is a number here.
    let mut v = api_shape(sink, r, false, "RuleArn");
    let o = obj(&mut v);
    let listener = sink.required(id, r.props, "ListenerArn");
    o.insert("ListenerArn".into(), listener.into());
    Ok(vec![Resource::ListenerRule(model(id, v)?)])
}

/// The target groups a listener's default actions forward to.
fn listener_targets(l: &Node) -> Vec<String> {
    let mut out = Vec::new();
    for a in l.get("DefaultActions").and_then(Node::seq).unwrap_or(&[]) {
        if let Some(tg) = a.get("TargetGroupArn").and_then(Node::text) {
            out.push(tg);
        }
        for w in a
            .get("ForwardConfig")
            .and_then(|f| f.get("TargetGroups"))
            .and_then(Node::seq)
            .unwrap_or(&[])
        {
            if let Some(tg) = w.get("TargetGroupArn").and_then(Node::text) {
                out.push(tg);
            }
        }
    }
    out
}
