use super::*;
use crate::engine::{Severity, analyze};
use crate::load::Loader;
use crate::load::iac::layouts::{layouts, needles};
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

fn load(name: &str, text: &str) -> Inventory {
    let mut l = Loader::new();
    l.add(name, text.as_bytes()).unwrap();
    l.finish().0
}

/// A task definition that no service runs is checked too.
#[test]
fn finds_credentials_of_every_task_definition() {
    let text = "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: app\n          Environment:\n            - Name: DB_PASSWORD\n              Value: hunter2-b\n";
    let c = Credentials::find(&load("t.yaml", text));
    assert_eq!(c.names(), "`DB_PASSWORD` (container `app`)");
    assert!(!format!("{c:?}").contains("hunter2"));
    assert_eq!(c.template_lines("t.yaml", text), [9].into());
    assert!(c.template_lines("other.yaml", "a: b\n").is_empty());
}

/// Shown from the parsed value: an escaped value, a copy in another field.
#[test]
fn masked_document_hides_every_copy() {
    let doc = serde_json::json!({"family": "f", "containerDefinitions": [{"name": "app",
        "command": ["run", "--password=pa\"ss\nword-x"],
        "environment": [{"name": "DB_PASSWORD", "value": "pa\"ss\nword-x"}, {"name": "LOG", "value": "info"}]}]});
    let vars = [EnvVar {
        container: "app".into(),
        name: "DB_PASSWORD".into(),
    }];
    let c = Credentials::from_document("f.json#f", &doc, &vars);
    let shown = serde_json::to_string_pretty(&c.masked_document(&doc)).unwrap();
    assert!(!shown.contains("ss\\nword"), "{shown}");
    assert!(shown.contains("\"info\""), "{shown}");
    assert!(shown.contains("\"**** (12 chars)\""), "{shown}");
}

/// Every layout: the plan's template diffs (text, JSON, Markdown) show no credential.
#[test]
fn template_diffs_of_every_layout_hide_the_credential() {
    let mut with_diff = 0;
    for (name, text, secret) in layouts() {
        let inv = load(name, &text);
        let analysis = analyze(&inv);
        let mut p = plan(&inv, &analysis, Severity::Informational);
        let texts = [(name.to_string(), text.clone())].into();
        crate::fix::attach_template_edits(&mut p, &inv, &texts);
        let diffs = p
            .remediations
            .iter()
            .filter(|r| r.fix.source_diff.is_some())
            .count();
        // A template in flow style (one-line JSON too) gets a manual note instead of a diff.
        if diffs > 0 {
            with_diff += 1;
        }
        for out in [render::text(&p), render::json(&p), render::markdown(&p)] {
            for n in needles(&secret) {
                assert!(!out.contains(&n), "{name}: `{n}` in\n{out}");
            }
        }
    }
    assert_eq!(with_diff, layouts().len() - 3);
}

/// A credential on a command line, in a CloudFormation template (`Command`, `EntryPoint`)
/// and in a Terraform plan (`container_definitions`): found by the check, named in messages
/// by its place, its lines hidden in template diffs and its value masked in documents.
#[test]
fn command_line_credentials_are_found_and_hidden() {
    let text = "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: app\n          Image: nginx\n          Privileged: true\n          EntryPoint: [sh, -c]\n          Command:\n            - serve\n            - --db-password=Wq8rT2vLx9-cmd\n          EnvironmentFiles:\n            - Value: arn:aws:s3:::cfg/app.env\n              Type: s3\n  S:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: !Ref T\n";
    let inv = load("t.yaml", text);
    let td = inv.task_definitions.values().next().unwrap();
    assert_eq!(td.container_definitions[0].command.len(), 2);
    assert_eq!(td.container_definitions[0].entry_point.len(), 2);
    assert_eq!(td.container_definitions[0].environment_files.len(), 1);
    let c = Credentials::find(&inv);
    assert!(!c.is_empty());
    assert_eq!(c.names(), "`command[1]` (container `app`)");
    assert_eq!(c.exposed_values(), ["Wq8rT2vLx9-cmd"]);
    assert!(!format!("{c:?}").contains("Wq8rT2vLx9"));
    assert_eq!(c.template_lines("t.yaml", text), [12].into());
    // A plan's diffs of the template never show it.
    let analysis = analyze(&inv);
    assert!(
        analysis
            .not_evaluated
            .iter()
            .any(|n| n.reason.contains("`s3://cfg/app.env`"))
    );
    let mut p = plan(&inv, &analysis, Severity::Informational);
    let texts = [("t.yaml".to_string(), text.to_string())].into();
    crate::fix::attach_template_edits(&mut p, &inv, &texts);
    assert!(p.remediations.iter().any(|r| r.fix.source_diff.is_some()));
    // No change moves a command-line credential: none is projected for it.
    assert!(
        !p.remediations
            .iter()
            .any(|r| matches!(r.change, crate::plan::Change::MoveEnvToSecrets { .. }))
    );
    for out in [render::text(&p), render::json(&p), render::markdown(&p)] {
        assert!(!out.contains("Wq8rT2vLx9"), "{out}");
    }
    // The document shown for a task definition masks it.
    let doc = serde_json::json!({"family": "f", "containerDefinitions": [{"name": "app",
        "command": ["mysql", "-u", "root", "-pS3cretPw-cmd"], "entryPoint": ["--token", "ghp_dj7jQrzRcEs1UDdufRPxjKO6s5OZw98f1d6n"]}]});
    let shown = serde_json::to_string(
        &Credentials::from_document("f.json#f", &doc, &[]).masked_document(&doc),
    )
    .unwrap();
    assert!(!shown.contains("S3cretPw"), "{shown}");
    assert!(!shown.contains("dj7jQrzRcEs1"), "{shown}");
    assert!(shown.contains("\"root\""), "{shown}");

    // Terraform: `container_definitions` is a JSON string.
    let defs = serde_json::json!([{"name": "app", "image": "nginx", "command": ["serve", "--password", "Wq8rT2vLx9-tf"]}]).to_string();
    let plan_json = serde_json::json!({"format_version": "1.2", "planned_values": {"root_module": {"resources": [
        {"address": "aws_ecs_task_definition.t", "mode": "managed", "type": "aws_ecs_task_definition", "name": "t",
         "values": {"family": "t", "container_definitions": defs}}]}}});
    let inv = load("plan.json", &plan_json.to_string());
    let c = Credentials::find(&inv);
    assert_eq!(c.exposed_values(), ["Wq8rT2vLx9-tf"]);
    assert_eq!(c.names(), "`command[2]` (container `app`)");
}
