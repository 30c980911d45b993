use super::*;
use crate::engine::{Severity, analyze};
use crate::load::Loader;
use crate::load::iac::layouts::{layouts, needles};
use crate::plan::{plan, render};

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
        crate::plan::attach_template_edits(&mut p, &inv, &texts);
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
