//! ECS: task definitions and services are already the API's shape in camelCase; clusters.

use super::super::{IacError, Sink, fields};
use super::{Cx, Res, api_shape, lower_first, model, name_or_logical, obj};
use crate::model::Resource;
use serde_json::json;

pub(super) fn task_definition(
    _: &Cx<'_, '_>,
    sink: &mut Sink<'_>,
    r: &Res<'_, '_>,
) -> Result<Vec<Resource>, IacError> {
    let id = &r.id;
    let mut v = api_shape(sink, r, true, "taskDefinitionArn");
    let o = obj(&mut v);
    o.entry("family").or_insert_with(|| r.logical.into());
    Ok(vec![Resource::TaskDefinition(model(id, v)?)])
}

pub(super) fn service(
    _: &Cx<'_, '_>,
    sink: &mut Sink<'_>,
    r: &Res<'_, '_>,
) -> Result<Vec<Resource>, IacError> {
    let id = &r.id;
    let mut v = api_shape(sink, r, true, "serviceArn");
    let o = obj(&mut v);
    o.entry("serviceName").or_insert_with(|| r.logical.into());
    // `Cluster` is the API's `clusterArn`.
    let cluster = fields::CLUSTER;
    if let Some(c) = o.remove(&lower_first(cluster.cfn)) {
        o.insert(cluster.model.into(), c);
    }
    // ECS defaults to the EC2 launch type when neither is given.
    Ok(vec![Resource::Service(model(id, v)?)])
}

pub(super) fn cluster(
    _: &Cx<'_, '_>,
    _: &mut Sink<'_>,
    r: &Res<'_, '_>,
) -> Result<Vec<Resource>, IacError> {
    let v = json!({"clusterArn": r.id, "clusterName": name_or_logical(r, "ClusterName")});
    Ok(vec![Resource::Cluster(model(&r.id, v)?)])
}
