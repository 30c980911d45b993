use super::*;
use crate::engine::analyze;
use crate::fix::{self, attach_template_edits};
use crate::load::Loader;
use crate::report::plan as render;

/// A plan as the commands see it: projected, then completed by the fix layer.
fn plan(
    inv: &crate::model::Inventory,
    analysis: &crate::engine::Analysis,
    min: crate::engine::Severity,
) -> crate::plan::Plan {
    let mut p = crate::plan::plan(inv, analysis, min);
    crate::fix::complete(&mut p, inv);
    p
}

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

/// The three task definition changes of the hygiene traits are projected (each removes its
/// trait, a context trait, so the severity is unchanged) and written into the new revision:
/// only the options that unconfine are removed.
#[test]
fn hygiene_changes_are_projected_and_written() {
    let arn = "arn:aws:ecs:us-east-1:1:task-definition/agent:1";
    let td = serde_json::json!({
        "taskDefinitionArn": arn, "family": "agent", "revision": 1, "ipcMode": "host",
        "containerDefinitions": [{"name": "agent", "image": "agent@sha256:0123abcd",
            "privileged": true, "user": "1000", "readonlyRootFilesystem": true,
            "logConfiguration": {"logDriver": "awslogs"},
            "linuxParameters": {"initProcessEnabled": true,
                "devices": [{"hostPath": "/dev/sda", "permissions": ["read"]}]},
            "dockerSecurityOptions": ["no-new-privileges", "apparmor:unconfined"]}]});
    let inv = inventory(&[
        serde_json::json!({"services": [{"serviceArn": "arn:aws:ecs:us-east-1:1:service/c/agent",
            "serviceName": "agent", "clusterArn": "arn:aws:ecs:us-east-1:1:cluster/c",
            "launchType": "EC2", "taskDefinition": arn}]}),
        serde_json::json!({"taskDefinition": td}),
    ]);
    let analysis = analyze(&inv);
    let plan = plan(&inv, &analysis, Severity::Low);
    let mut input = fix::register_input(&serde_json::json!({"taskDefinition": td})).unwrap();
    for (id, trait_id) in [
        ("remove-ipc-mode-host:agent:1", TraitId::HostIpcNamespace),
        ("remove-devices:agent:1", TraitId::HostDevices),
        (
            "remove-security-options:agent:1",
            TraitId::UnconfinedSecurityOptions,
        ),
    ] {
        let r = plan
            .remediations
            .iter()
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("{id} is not planned: {:#?}", plan.remediations));
        assert_eq!(r.traits, vec![trait_id]);
        let p = &r.findings[0];
        assert_eq!(p.traits_removed, vec![trait_id], "{id}");
        assert_eq!(
            (p.severity, p.outcome),
            (Severity::Medium, Impact::Unchanged)
        );
        assert!(
            r.fix.commands[0].starts_with("aws ecs register-task-definition"),
            "{id}: {:?}",
            r.fix.commands
        );
        assert!(fix::rewrite(&mut input, &r.change, arn), "{id}");
    }
    let c = &input["containerDefinitions"][0];
    assert!(input.get("ipcMode").is_none(), "{input:#}");
    assert_eq!(
        c["linuxParameters"],
        serde_json::json!({"initProcessEnabled": true})
    );
    assert_eq!(
        c["dockerSecurityOptions"],
        serde_json::json!(["no-new-privileges"])
    );
}

/// In a CloudFormation template the new change kinds have no text edit yet: the fix is a
/// manual note naming what to change, never a wrong edit.
#[test]
fn hygiene_changes_in_a_template_are_a_manual_note() {
    let text = "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      IpcMode: host\n      ContainerDefinitions:\n        - Name: app\n          Image: app@sha256:0123abcd\n          Privileged: true\n          User: \"1000\"\n          ReadonlyRootFilesystem: true\n          LogConfiguration:\n            LogDriver: awslogs\n  S:\n    Type: AWS::ECS::Service\n    Properties:\n      LaunchType: EC2\n      TaskDefinition: !Ref T\n";
    let mut loader = Loader::new();
    loader.add("t.yaml", text.as_bytes()).unwrap();
    let inv = loader.finish().0;
    let analysis = analyze(&inv);
    let mut plan = plan(&inv, &analysis, Severity::Low);
    let texts = HashMap::from([("t.yaml".to_string(), text.to_string())]);
    attach_template_edits(&mut plan, &inv, &texts);
    let r = plan
        .remediations
        .iter()
        .find(|r| matches!(r.change, Change::RemoveIpcModeHost { .. }))
        .expect("planned");
    assert!(r.fix.source_diff.is_none());
    assert!(
        r.fix
            .notes
            .iter()
            .any(|n| n.contains("make the change by hand: remove `ipcMode: host`")),
        "{:#?}",
        r.fix.notes
    );
}
