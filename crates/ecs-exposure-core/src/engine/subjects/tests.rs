use super::*;
use crate::engine::{Analysis, Options, TASK_DEFINITION_TYPE, analyze_with};
use crate::load::Loader;
use crate::traits::TraitId;
use serde_json::{Value, json};

const ACCOUNT: &str = "arn:aws:ecs:eu-west-1:111122223333";

fn td(family: &str, revision: u32, privileged: bool, status: &str) -> Value {
    json!({"taskDefinition": {
        "taskDefinitionArn": format!("{ACCOUNT}:task-definition/{family}:{revision}"),
        "family": family, "revision": revision, "status": status, "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "containerDefinitions": [{"name": "app", "image": "nginx@sha256:0123456789abcdef",
            "privileged": privileged, "user": "1000", "readonlyRootFilesystem": true,
            "logConfiguration": {"logDriver": "awslogs"}}]
    }})
}

fn network(public: bool) -> Value {
    json!({"awsvpcConfiguration": {"subnets": ["subnet-1"], "securityGroups": ["sg-1"],
        "assignPublicIp": if public { "ENABLED" } else { "DISABLED" }}})
}

fn service(extra: Value) -> Value {
    let mut s = json!({
        "serviceArn": format!("{ACCOUNT}:service/prod/web"), "serviceName": "web",
        "clusterArn": format!("{ACCOUNT}:cluster/prod"), "launchType": "FARGATE",
        "platformVersion": "LATEST", "networkConfiguration": network(false),
    });
    for (k, v) in extra.as_object().unwrap() {
        if v.is_null() {
            s.as_object_mut().unwrap().remove(k);
        } else {
            s[k] = v.clone();
        }
    }
    json!({"services": [s], "failures": []})
}

fn analyze_docs(docs: &[Value], scope: TaskDefinitionScope) -> Analysis {
    let mut l = Loader::new();
    for (i, d) in docs.iter().enumerate() {
        l.add(&format!("doc{i}.json"), &serde_json::to_vec(d).unwrap())
            .unwrap();
    }
    let (inv, _) = l.finish();
    analyze_with(
        &inv,
        &Options {
            threads: 1,
            task_definitions: scope,
        },
    )
}

fn evidence(a: &Analysis, id: TraitId) -> Vec<String> {
    a.findings
        .iter()
        .flat_map(|f| &f.traits)
        .filter(|t| t.id == id)
        .flat_map(|t| &t.evidence)
        .map(|e| e.message.clone())
        .collect()
}

#[test]
fn an_active_deployment_still_running_an_old_revision_is_judged() {
    let svc = service(json!({
        "taskDefinition": format!("{ACCOUNT}:task-definition/web:5"),
        "deployments": [
            {"id": "ecs-svc/2", "status": "PRIMARY",
             "taskDefinition": format!("{ACCOUNT}:task-definition/web:5"), "networkConfiguration": network(false)},
            {"id": "ecs-svc/1", "status": "ACTIVE",
             "taskDefinition": format!("{ACCOUNT}:task-definition/web:4")},
            {"id": "ecs-svc/0", "status": "INACTIVE",
             "taskDefinition": format!("{ACCOUNT}:task-definition/web:3")}
        ]
    }));
    let docs = [
        svc,
        td("web", 5, false, "ACTIVE"),
        td("web", 4, true, "ACTIVE"),
        td("web", 3, true, "INACTIVE"),
    ];
    let a = analyze_docs(&docs, TaskDefinitionScope::Deployable);
    assert_eq!(
        evidence(&a, TraitId::PrivilegedContainer),
        ["deployment ecs-svc/1 (ACTIVE): container `app` sets `privileged: true`"]
    );
    // Only the service is a finding: revisions it runs are part of it, and the INACTIVE
    // deployment's revision is not run (nor judged on its own in an account snapshot).
    assert_eq!(a.findings.len(), 1);
    assert_eq!(a.task_definitions_scanned, 0);
    // Without the ACTIVE deployment there is nothing privileged.
    let mut calm = docs.clone();
    calm[0]["services"][0]["deployments"]
        .as_array_mut()
        .unwrap()
        .remove(1);
    let a = analyze_docs(&calm, TaskDefinitionScope::Deployable);
    assert!(evidence(&a, TraitId::PrivilegedContainer).is_empty());
}

#[test]
fn a_task_set_with_its_own_public_ip_is_judged_and_names_itself() {
    // An EXTERNAL deployment controller: the service names no task definition or network
    // configuration of its own; its task sets do.
    let svc = service(json!({
        "networkConfiguration": null, "platformVersion": null,
        "taskSets": [
            {"id": "ecs-svc/blue", "status": "PRIMARY",
             "taskDefinition": format!("{ACCOUNT}:task-definition/web:5"),
             "networkConfiguration": network(false)},
            {"id": "ecs-svc/green", "status": "ACTIVE",
             "taskDefinition": format!("{ACCOUNT}:task-definition/web:5"),
             "networkConfiguration": network(true)}
        ]
    }));
    let a = analyze_docs(
        &[svc, td("web", 5, false, "ACTIVE")],
        TaskDefinitionScope::Deployable,
    );
    let ip = evidence(&a, TraitId::PublicIp);
    assert_eq!(ip.len(), 1, "{ip:?}");
    assert!(
        ip[0].starts_with("task set ecs-svc/green (ACTIVE): "),
        "{ip:?}"
    );
    // The primary task set stands for the service: no "names no task definition" gap.
    assert!(
        !a.not_evaluated
            .iter()
            .any(|n| n.reason.contains("names no task definition")),
        "{:#?}",
        a.not_evaluated
    );
}

#[test]
fn unused_revisions_of_an_account_are_judged_only_when_asked() {
    let svc = service(json!({"taskDefinition": format!("{ACCOUNT}:task-definition/web:5")}));
    let docs = [
        svc,
        td("web", 5, false, "ACTIVE"),
        td("batch", 1, true, "ACTIVE"),
        td("old", 1, true, "INACTIVE"),
    ];
    let a = analyze_docs(&docs, TaskDefinitionScope::Deployable);
    assert_eq!(a.task_definitions_scanned, 0);
    assert!(evidence(&a, TraitId::PrivilegedContainer).is_empty());
    let a = analyze_docs(&docs, TaskDefinitionScope::All);
    assert_eq!(a.task_definitions_scanned, 1, "INACTIVE revisions stay out");
    let f = a
        .findings
        .iter()
        .find(|f| f.resource.resource_type == TASK_DEFINITION_TYPE)
        .unwrap();
    assert_eq!(f.resource.name, "batch");
    assert_eq!(
        f.title,
        "ECS task definition batch runs a privileged container"
    );
}

#[test]
fn task_definitions_alone_are_judged_when_the_input_has_no_services() {
    let a = analyze_docs(
        &[td("batch", 1, true, "ACTIVE")],
        TaskDefinitionScope::Deployable,
    );
    assert_eq!((a.services_scanned, a.task_definitions_scanned), (0, 1));
    assert_eq!(a.findings.len(), 1);
    assert!(a.findings[0].has(TraitId::PrivilegedContainer));
    // The checks that read a service are not evaluated, and say why.
    for id in [
        TraitId::PublicIp,
        TraitId::OpenSecurityGroup,
        TraitId::InternetReachable,
        TraitId::EcsExecEnabled,
    ] {
        let n = a.not_evaluated.iter().find(|n| n.trait_id == id).unwrap();
        assert!(
            n.reason.starts_with(&format!(
                "no service in the input runs this task definition ({ACCOUNT}:task-definition/batch:1)"
            )),
            "{}",
            n.reason
        );
        assert_eq!(n.resources, [format!("{ACCOUNT}:task-definition/batch:1")]);
    }
}

#[test]
fn deployments_past_the_limit_are_a_gap() {
    let deployments: Vec<Value> = (0..MAX_VARIANTS + 3)
        .map(|i| {
            json!({"id": format!("ecs-svc/{i}"), "status": "ACTIVE",
                   "taskDefinition": format!("{ACCOUNT}:task-definition/web:5"),
                   "platformVersion": format!("1.{i}.0")})
        })
        .collect();
    let svc = service(json!({
        "taskDefinition": format!("{ACCOUNT}:task-definition/web:5"),
        "deployments": deployments
    }));
    let a = analyze_docs(
        &[svc, td("web", 5, false, "ACTIVE")],
        TaskDefinitionScope::Deployable,
    );
    assert!(
        a.not_evaluated.iter().any(|n| n.reason
            == format!(
                "the service runs 3 more deployments or task sets than the {MAX_VARIANTS} judged per service"
            )),
        "{:#?}",
        a.not_evaluated
    );
}

/// A service whose task definition is not in the input may be the one that runs a task
/// definition judged on its own: the reason says so instead of "no service runs it".
#[test]
fn a_service_of_unknown_task_definition_may_run_it() {
    let svc = service(json!({"taskDefinition": format!("{ACCOUNT}:task-definition/web:9")}));
    let a = analyze_docs(
        &[svc, td("batch", 1, true, "ACTIVE")],
        TaskDefinitionScope::All,
    );
    let n = a
        .not_evaluated
        .iter()
        .find(|n| n.trait_id == TraitId::PublicIp && n.resources[0].contains("batch"))
        .unwrap();
    assert_eq!(
        n.reason,
        format!(
            "no service in the input is known to run this task definition ({ACCOUNT}:task-definition/batch:1), but the task definition of {ACCOUNT}:service/prod/web is unknown and may be this one: the network configuration and service settings this check reads are set where it runs"
        )
    );
}
