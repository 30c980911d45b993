//! CloudFormation (and CDK output) → inventory: each supported resource becomes the JSON the
//! AWS API would return for it, deserialized into the model, with a source map from model
//! paths to the template's lines.
//!
//! One converter per resource type ([`CONVERTERS`]), each a small function of one signature;
//! [`convert`] is a loop over the template's resources that looks each type up there. The
//! conversion of resolved properties to API JSON, ingress rules and lists of ids are shared
//! helpers (`json`).

use super::node::{Node, Pos, V};
use super::resolve::Template;
use super::{IacDocument, IacError, Sink};
use crate::model::*;
use serde_json::{Map, Value};

mod ec2;
mod ecs;
mod elbv2;
mod hosts;
mod iam;
mod json;

/// A resource with its resolved properties: (logical id, type, properties, position).
type Resolved<'a> = (&'a str, &'a str, Node, Pos);

/// What every converter reads: the template and all its present resources, resolved (a
/// resource may gather others that name it: ingress rules, routes, policies).
pub(super) struct Cx<'a, 'b> {
    t: &'b Template<'a>,
    resolved: &'b [Resolved<'a>],
    /// The links from Auto Scaling groups to clusters through capacity providers, found once
    /// for all the groups (see `hosts`).
    providers: std::cell::OnceCell<Vec<hosts::ProviderLink>>,
}

impl<'a> Cx<'a, '_> {
    fn of_type(&self, ty: &'static str) -> impl Iterator<Item = &Resolved<'a>> {
        self.resolved.iter().filter(move |r| r.1 == ty)
    }

    /// The resources of `ty` whose `key` names `id` (an ingress rule's `GroupId`, a route's
    /// `RouteTableId`…).
    fn naming<'s>(
        &'s self,
        ty: &'static str,
        key: &'static str,
        id: &'s str,
    ) -> impl Iterator<Item = &'s Resolved<'a>> {
        self.of_type(ty)
            .filter(move |r| r.2.get(key).and_then(Node::str) == Some(id))
    }
}

/// One resource of the template being converted.
struct Res<'r, 'a> {
    /// Its id in the inventory (`file#LogicalId`).
    id: String,
    logical: &'a str,
    props: &'r Node,
    pos: Pos,
}

/// Converts one resource into the resources of the inventory it gives (most give one).
type Converter = fn(&Cx<'_, '_>, &mut Sink<'_>, &Res<'_, '_>) -> Result<Vec<Resource>, IacError>;

/// Every supported resource type: its converter, and the kinds of input a template that has
/// one declares loaded. Types not here (and resources only gathered by others, as
/// `AWS::EC2::SecurityGroupIngress`) give no resource of their own.
// One line per type, so that the table reads as one.
#[rustfmt::skip]
const CONVERTERS: &[(&str, &[Kind], Converter)] = &[
    ("AWS::ECS::TaskDefinition", &[Kind::EcsTaskDefinition], ecs::task_definition),
    ("AWS::ECS::Service", &[Kind::EcsServices], ecs::service),
    ("AWS::ECS::Cluster", &[Kind::EcsClusters], ecs::cluster),
    ("AWS::EC2::SecurityGroup", &[Kind::Ec2SecurityGroups], ec2::security_group),
    ("AWS::EC2::Subnet", &[Kind::Ec2Subnets], ec2::subnet),
    ("AWS::EC2::VPC", &[Kind::Ec2RouteTables, Kind::Ec2NetworkAcls], ec2::vpc),
    ("AWS::EC2::RouteTable", &[Kind::Ec2RouteTables], ec2::route_table),
    ("AWS::EC2::NetworkAcl", &[Kind::Ec2NetworkAcls], ec2::network_acl),
    ("AWS::EC2::InternetGateway", &[Kind::Ec2InternetGateways], ec2::internet_gateway),
    (elbv2::LOAD_BALANCER, &[Kind::Elbv2LoadBalancers], elbv2::load_balancer),
    (elbv2::TARGET_GROUP, &[Kind::Elbv2TargetGroups], elbv2::target_group),
    // A template declares all the rules of its listeners.
    (elbv2::LISTENER, &[Kind::Elbv2Listeners, Kind::Elbv2Rules], elbv2::listener),
    (elbv2::LISTENER_RULE, &[Kind::Elbv2Rules], elbv2::listener_rule),
    ("AWS::IAM::Role", &[Kind::IamAuthorizationDetails], iam::role),
    ("AWS::IAM::ManagedPolicy", &[Kind::IamAuthorizationDetails], iam::managed_policy),
    (super::ASG, &[], hosts::auto_scaling_group),
    (hosts::INSTANCE, &[], hosts::instance),
];

pub fn convert(t: &Template<'_>, text: &str) -> Result<IacDocument, IacError> {
    let mut sink = Sink::new(t.file, text);
    let mut doc = IacDocument::default();
    // Resolved properties of every resource, by logical id.
    // Only the resources that exist under the template's values (see `conditions`).
    let present = super::conditions::present(t, &mut doc.notes);
    let resolved: Vec<Resolved<'_>> = present
        .iter()
        .map(|(logical, r)| {
            let ty = r.get("Type").and_then(Node::str).unwrap_or("");
            let props = r
                .get("Properties")
                .map(|p| t.resolve(p))
                .unwrap_or_else(|| Node::new(V::Map(Vec::new()), r.pos));
            (*logical, ty, props, r.pos)
        })
        .collect();
    let cx = Cx {
        t,
        resolved: &resolved,
        providers: Default::default(),
    };
    for (logical, ty, props, pos) in &resolved {
        let id = t.id(logical);
        sink.origin(
            &id,
            crate::model::Origin::CloudFormation {
                logical_id: logical.to_string(),
                nested: t.nested_in.is_some(),
            },
        );
        // The resource itself: the line of its logical id.
        sink.at(&id, "", t.logical_pos.get(logical).copied().unwrap_or(*pos));
        let Some((_, kinds, converter)) = CONVERTERS.iter().find(|(name, ..)| name == ty) else {
            continue;
        };
        let res = Res {
            id,
            logical,
            props,
            pos: *pos,
        };
        doc.resources.extend(converter(&cx, &mut sink, &res)?);
        doc.kinds.extend(kinds.iter().copied());
    }
    for (logical, r) in &t.resources {
        inline_suppressions(t, logical, r, &mut doc.suppressions);
    }
    for (_, o) in t.root.get("Outputs").and_then(Node::map).unwrap_or(&[]) {
        if !super::conditions::output_present(t, o) {
            continue;
        }
        let name = o
            .get("Export")
            .and_then(|e| e.get("Name"))
            .map(|n| t.resolve(n));
        let value = o.get("Value").map(|v| t.resolve(v));
        if let (Some(n), Some(v)) = (name.and_then(|n| n.text()), value.and_then(|v| v.text())) {
            doc.exports.push((n, v));
        }
    }
    doc.sources = sink.sources;
    doc.unresolved = sink.unresolved;
    Ok(doc)
}

/// `Metadata: {ecs-exposure: {suppress: [{trait, reason, expires}]}}` on a resource: the
/// suppression applies to traits that come from that resource (or, on a service, to the
/// service's finding).
fn inline_suppressions(
    t: &Template<'_>,
    logical: &str,
    r: &Node,
    out: &mut Vec<crate::model::Suppression>,
) {
    let list = r
        .get("Metadata")
        .and_then(|m| m.get("ecs-exposure"))
        .and_then(|m| m.get("suppress"))
        .and_then(Node::seq)
        .unwrap_or(&[]);
    for s in list {
        let Some(trait_id) = s.get("trait").and_then(Node::text) else {
            continue;
        };
        out.push(crate::model::Suppression {
            trait_id,
            resource: t.id(logical),
            reason: s
                .get("reason")
                .and_then(Node::text)
                .unwrap_or_else(|| "(no reason given)".into()),
            expires: s.get("expires").and_then(Node::text),
            source: format!("{}:{}", t.file, s.pos.line),
            written: crate::model::Written::InSource,
        });
    }
}

/// A resource's properties as the API writes the resource (`lower`: keys in camel case, as the
/// ECS API has them), with its inventory id under `id_key` (`serviceArn`, `SubnetId`…).
fn api_shape(sink: &mut Sink<'_>, r: &Res<'_, '_>, lower: bool, id_key: &str) -> Value {
    let mut v = sink
        .json(&r.id, r.props, "", lower)
        .unwrap_or_else(|| Value::Object(Map::new()));
    obj(&mut v).insert(id_key.into(), r.id.clone().into());
    v
}

fn obj(v: &mut Value) -> &mut Map<String, Value> {
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    v.as_object_mut().expect("just made an object")
}

fn text_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Deserializes converted JSON into a model struct, converting scalars as CloudFormation
/// does (see `coerce`); a failure names the resource.
fn model<T: serde::de::DeserializeOwned>(id: &str, v: Value) -> Result<T, IacError> {
    super::coerce::model(id, v)
}

/// A text property of a resolved node.
fn text_of(n: &Node, k: &str) -> Option<String> {
    n.get(k).and_then(Node::text)
}

/// `ClusterName: web` → `web`, else the logical id: the name AWS gives a resource whose name
/// property is left out starts with it.
fn name_or_logical(r: &Res<'_, '_>, key: &str) -> String {
    text_of(r.props, key).unwrap_or_else(|| r.logical.to_string())
}

pub(super) fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_lowercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod table_tests {
    #[test]
    fn each_type_has_one_converter() {
        let types: Vec<&str> = super::CONVERTERS.iter().map(|(t, ..)| *t).collect();
        let mut unique = types.clone();
        unique.sort_unstable();
        unique.dedup();
        // A type given twice would leave the later converter unreachable.
        assert_eq!(unique.len(), types.len(), "{types:?}");
    }
}
