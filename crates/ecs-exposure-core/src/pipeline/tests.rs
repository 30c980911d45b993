use super::*;
use crate::load::Loader;
use crate::traits::TraitId;

const A: &str = "arn:aws:ecs:us-east-1:1:service/c/a";
const B: &str = "arn:aws:ecs:us-east-1:1:service/c/b";

/// Service `a` runs a privileged container, both run with an administrative task role.
fn inventory() -> Inventory {
    let svc = |name: &str| {
        serde_json::json!({"serviceArn": format!("arn:aws:ecs:us-east-1:1:service/c/{name}"),
            "serviceName": name, "clusterArn": "arn:aws:ecs:us-east-1:1:cluster/c",
            "taskDefinition": format!("arn:aws:ecs:us-east-1:1:task-definition/{name}:1")})
    };
    let td = |name: &str, privileged: bool| {
        serde_json::json!({"taskDefinition": {
            "taskDefinitionArn": format!("arn:aws:ecs:us-east-1:1:task-definition/{name}:1"),
            "family": name, "revision": 1,
            "taskRoleArn": "arn:aws:iam::1:role/platform-admin",
            "containerDefinitions": [{"name": "app", "image": "nginx", "privileged": privileged,
                "user": "1000", "readonlyRootFilesystem": true}]}})
    };
    let mut loader = Loader::new();
    for d in [
        serde_json::json!({"services": [svc("a"), svc("b")]}),
        td("a", true),
        td("b", false),
        serde_json::json!({"RoleDetailList": [{"Arn": "arn:aws:iam::1:role/platform-admin",
            "RoleName": "platform-admin",
            "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess",
                "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]}], "Policies": []}),
    ] {
        loader.add("t", &serde_json::to_vec(&d).unwrap()).unwrap();
    }
    loader.finish().0
}

fn suppression(trait_id: TraitId, resource: &str, expires: Option<&str>) -> Suppression {
    Suppression {
        trait_id: trait_id.as_str().into(),
        resource: resource.into(),
        reason: "accepted".into(),
        expires: expires.map(str::to_string),
        source: ".ecs-exposure.toml".into(),
        written: crate::model::Written::InConfig,
    }
}

fn run_with(suppressions: &[Suppression]) -> Outcome {
    run(
        &inventory(),
        &Settings {
            threads: 2,
            task_definitions: TaskDefinitionScope::default(),
            suppressions,
            today: "2026-11-30",
            plan: Some(Severity::Informational),
        },
    )
    .unwrap()
}

fn remediation<'a>(o: &'a Outcome, id: &str) -> Option<&'a plan::PlannedRemediation> {
    o.plan.as_ref()?.remediations.iter().find(|r| r.id == id)
}

#[test]
fn a_suppressed_trait_plans_nothing_and_is_counted() {
    let plain = run_with(&[]);
    assert!(remediation(&plain, "drop-privileged:a:1").is_some());
    assert_eq!(plain.plan.as_ref().unwrap().suppressed, 0);

    let o = run_with(&[suppression(TraitId::PrivilegedContainer, A, None)]);
    assert!(remediation(&o, "drop-privileged:a:1").is_none());
    assert_eq!(o.analysis.suppressed.len(), 1);
    assert_eq!(o.plan.as_ref().unwrap().suppressed, 1);
}

/// The what-if re-analyses `a` without its role's administrator access: the privileged
/// container that is left was accepted, so nothing is left to report.
#[test]
fn the_what_if_leaves_accepted_traits_out_of_the_projection() {
    let o = run_with(&[suppression(TraitId::PrivilegedContainer, A, None)]);
    let r = remediation(&o, "restrict-role:platform-admin").expect("still planned");
    let a = r.findings.iter().find(|p| p.resource == A).unwrap();
    assert_eq!(a.outcome, plan::Impact::Resolves, "{a:?}");
    assert!(!o.what_if().is_empty());
}

/// A remediation that closes a trait that is not suppressed on another service stays.
#[test]
fn a_remediation_stays_for_the_traits_not_suppressed() {
    let o = run_with(&[suppression(TraitId::AdminIamRole, B, None)]);
    let r = remediation(&o, "restrict-role:platform-admin").expect("still planned for a");
    assert!(r.derived_from.iter().all(|(s, _)| s == A), "{r:?}");
}

#[test]
fn an_expired_suppression_plans_as_before_and_says_so() {
    let o = run_with(&[suppression(
        TraitId::PrivilegedContainer,
        A,
        Some("2026-01-31"),
    )]);
    assert!(remediation(&o, "drop-privileged:a:1").is_some());
    assert_eq!(o.notices.len(), 1, "{:?}", o.notices);
}

#[test]
fn an_inline_expiry_that_is_not_a_date_stops_the_pipeline() {
    let mut inv = inventory();
    let mut bad = suppression(TraitId::PublicIp, A, Some("2027-02-30"));
    bad.source = "stack.yaml#Service".into();
    inv.suppressions = vec![bad.clone(), bad];
    let settings = Settings {
        threads: 1,
        task_definitions: TaskDefinitionScope::default(),
        suppressions: &[],
        today: "2026-11-30",
        plan: None,
    };
    let e = run(&inv, &settings).unwrap_err().to_string();
    assert!(
        e.contains("(and 1 more suppression(s) with the same problem)"),
        "{e}"
    );
}
