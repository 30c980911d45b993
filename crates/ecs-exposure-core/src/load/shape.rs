//! Whether a JSON document that failed to load as a snapshot is one (with a wrong field) or
//! something else that merely shares a top-level key: a docker-compose file converted to
//! JSON has `services` too, as may a test's expectations. Judged by shape: the list the AWS
//! CLI prints holds objects with the kind's identifying field.

use serde_json::Value;

/// Fields that identify an item of each list kind (any one is enough).
const IDENTIFYING: &[(&str, &[&str])] = &[
    ("services", &["serviceArn", "serviceName"]),
    ("clusters", &["clusterArn", "clusterName"]),
    ("SecurityGroups", &["GroupId"]),
    ("Subnets", &["SubnetId"]),
    ("RouteTables", &["RouteTableId"]),
    ("NetworkAcls", &["NetworkAclId"]),
    ("InternetGateways", &["InternetGatewayId"]),
    ("LoadBalancers", &["LoadBalancerArn"]),
    ("TargetGroups", &["TargetGroupArn"]),
    ("Listeners", &["ListenerArn"]),
    ("Rules", &["RuleArn"]),
    ("RoleDetailList", &["RoleId", "RoleName", "Arn"]),
    ("Policies", &["PolicyId", "PolicyName", "Arn"]),
    ("findings", &["findingArn"]),
    (
        "containerInstances",
        &["containerInstanceArn", "ec2InstanceId"],
    ),
    ("Reservations", &["Instances", "ReservationId"]),
];

/// The verdict on a document whose typed parse failed.
pub(crate) enum Shape {
    /// It is a snapshot of a known kind (or cannot be told apart from one): its error stands.
    Snapshot,
    /// It only shares a key with one; why not, for the message.
    Other(String),
}

/// Judges the document in `bytes` (valid JSON: only a data error led here).
pub(crate) fn judge(bytes: &[u8]) -> Shape {
    let Ok(Value::Object(top)) = serde_json::from_slice::<Value>(bytes) else {
        return Shape::Snapshot;
    };
    if let Some(why) = cli_input(&top) {
        return Shape::Other(why);
    }
    let mut other = None;
    for (key, kind) in super::KNOWN_KEYS {
        let Some(v) = top.get(*key) else { continue };
        match fits(key, kind.cli_command(), v) {
            Ok(()) => return Shape::Snapshot,
            Err(why) => {
                other.get_or_insert(why);
            }
        }
    }
    other.map_or(Shape::Snapshot, Shape::Other)
}

/// The input of an AWS CLI command that runs or deploys a task definition rather than
/// defining one: `taskDefinition` is then the name of a task definition, never the object
/// `describe-task-definition` prints. `run-task` / `start-task` input has nothing to judge
/// alone (the task definition it names is judged where it is defined).
fn cli_input(top: &serde_json::Map<String, Value>) -> Option<String> {
    if !top.get("taskDefinition").is_some_and(Value::is_string) {
        return None;
    }
    let has = |keys: &[&str]| keys.iter().any(|k| top.contains_key(*k));
    let command = if has(&["serviceName", "service"]) {
        "`aws ecs create-service` / `update-service` input (a service that runs a task definition by name), which this tool does not read"
    } else if has(RUN_TASK_KEYS) {
        "`aws ecs run-task` / `start-task` input (it runs a task definition by name, with a network configuration and overrides): nothing to judge alone, the task definition is judged where it is defined"
    } else {
        return None;
    };
    Some(command.to_string())
}

/// Top-level keys of `run-task` / `start-task` input besides `taskDefinition`.
const RUN_TASK_KEYS: &[&str] = &[
    "cluster",
    "networkConfiguration",
    "overrides",
    "launchType",
    "count",
    "capacityProviderStrategy",
    "placementConstraints",
    "placementStrategy",
    "startedBy",
    "group",
    "containerInstances",
    "platformVersion",
];

/// Whether `v`, under top-level `key`, has the shape `cmd` prints.
fn fits(key: &str, cmd: &str, v: &Value) -> Result<(), String> {
    let object_kind = |ids: &[&str]| match v {
        Value::Object(o) if ids.iter().any(|f| o.contains_key(*f)) => Ok(()),
        Value::Object(_) => Err(format!(
            "top-level `{key}` has no `{}`, unlike the object `{cmd}` prints",
            ids.join("` or `")
        )),
        other => Err(format!(
            "top-level `{key}` is {}, not the object `{cmd}` prints",
            json_type(other)
        )),
    };
    match key {
        "taskDefinition" => return object_kind(&["taskDefinitionArn", "containerDefinitions"]),
        // The key is this tool's own; nothing else writes it.
        "ecsExposureCollection" => return Ok(()),
        _ => {}
    }
    let ids = IDENTIFYING
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(&[][..], |(_, ids)| *ids);
    let Value::Array(items) = v else {
        return Err(format!(
            "top-level `{key}` is {}, not the list `{cmd}` prints",
            json_type(v)
        ));
    };
    // An empty list is what the command prints when there is nothing.
    if items.is_empty() {
        return Ok(());
    }
    if items.iter().any(|i| {
        i.as_object()
            .is_some_and(|o| ids.iter().any(|f| o.contains_key(*f)))
    }) {
        return Ok(());
    }
    match items.iter().find(|i| !i.is_object()) {
        Some(i) => Err(format!(
            "top-level `{key}` is a list holding {}, not the objects `{cmd}` prints",
            json_type(i)
        )),
        None => Err(format!(
            "the objects in top-level `{key}` have no `{}`, unlike those `{cmd}` prints",
            ids.join("` or `")
        )),
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
