use super::*;
use crate::engine::analyze;
use crate::load::Loader;

fn inventory(docs: &[serde_json::Value]) -> Inventory {
    let mut loader = Loader::new();
    for d in docs {
        loader.add("t", &serde_json::to_vec(d).unwrap()).unwrap();
    }
    loader.finish().0
}

#[test]
fn impact_follows_security_hub() {
    use Severity::*;
    assert_eq!(Impact::of(Critical, None), Impact::Resolves);
    assert_eq!(Impact::of(Low, Some(Informational)), Impact::Resolves);
    assert_eq!(Impact::of(Critical, Some(Medium)), Impact::Reduces);
    assert_eq!(Impact::of(High, Some(High)), Impact::Unchanged);
    assert_eq!(
        Impact::of(Informational, Some(Informational)),
        Impact::Unchanged
    );
}

/// One role shared by two services is one remediation listing both findings, ranked first.
#[test]
fn shared_role_is_planned_once() {
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
    let inv = inventory(&[
        serde_json::json!({"services": [svc("a"), svc("b")]}),
        td("a", true),
        td("b", false),
        serde_json::json!({"RoleDetailList": [{"Arn": "arn:aws:iam::1:role/platform-admin",
            "RoleName": "platform-admin",
            "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess",
                "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]}], "Policies": []}),
    ]);
    let analysis = analyze(&inv);
    let plan = plan(&inv, &analysis, Severity::Low);
    let first = &plan.remediations[0];
    assert_eq!(first.id, "restrict-role:platform-admin");
    assert_eq!(first.findings.len(), 2);
    assert!(first.traits.contains(&TraitId::AdminIamRole));
    assert!(first.fix.commands.iter().any(|c| c.contains(
        "detach-role-policy --role-name platform-admin --policy-arn arn:aws:iam::aws:policy/AdministratorAccess"
    )));
    // a: privileged + admin (MEDIUM) -> privileged only (MEDIUM): unchanged; b: admin only
    // (MEDIUM) -> assumable role only (INFORMATIONAL): resolved.
    let b = first.findings.iter().find(|p| p.name == "b").unwrap();
    assert_eq!(
        (b.severity, b.projected_severity, b.outcome),
        (Severity::Medium, Severity::Informational, Impact::Resolves)
    );
    // The inventory the plan was made from is unchanged.
    let again = analyze(&inv);
    assert_eq!(again.findings.len(), analysis.findings.len());
    assert!(again.findings.iter().all(|f| f.has(TraitId::AdminIamRole)));
    let text = render::text(&plan);
    assert!(text.contains("2 findings"), "{text}");
}
