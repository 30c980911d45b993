use super::*;
use crate::engine::{Severity, analyze};
use crate::load::Loader;
use std::path::PathBuf;

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
    let mut loader = Loader::new();
    loader.add(name, text.as_bytes()).unwrap();
    loader.finish().0
}

/// Every CloudFormation template of the examples.
fn templates() -> Vec<(String, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/iac");
    let mut out = Vec::new();
    for dir in [
        root.clone(),
        root.join("checkov-side-by-side/cloudformation"),
        root.join("cdk-app/cdk.out"),
    ] {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".template.json")
            {
                out.push((name, std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// The diff of each remediation, applied to a copy of the template and re-scanned: the
/// template still loads, the traits are gone and the severity is the projected one.
/// Applies each remediation's edit to a copy of the template and re-scans it: the template
/// still loads, the traits are gone and the severity is the projected one. Returns the kinds
/// of change edited.
fn check_template(name: &str, text: &str) -> Vec<&'static str> {
    let mut kinds = Vec::new();
    let inv = load(name, text);
    let analysis = analyze(&inv);
    let p = plan(&inv, &analysis, Severity::Informational);
    for r in &p.remediations {
        let Some(file) = cfn_file(&inv, &r.change) else {
            continue;
        };
        let after = match edit_template(&inv, file, text, &r.change) {
            Ok(a) => a,
            Err(why) => {
                eprintln!("{name}: manual: {}: {why}", r.title);
                continue;
            }
        };
        kinds.push(r.change.kind());
        // Only the edited lines differ.
        let d = crate::fix::diff::diff(text, &after, "a", "b");
        let changed = d.lines().filter(|l| l.starts_with(['+', '-'])).count() - 2;
        assert!(
            changed <= 12,
            "{name}: {}: too many lines changed:\n{d}",
            r.title
        );
        let again = analyze(&load(name, &after));
        for proj in &r.findings {
            let f = again
                .findings
                .iter()
                .find(|f| f.resource.uid == proj.resource);
            let sev = f.map(|f| f.severity).unwrap_or(Severity::Informational);
            assert_eq!(sev, proj.projected_severity, "{name}: {}:\n{d}", r.title);
            for t in &proj.traits_removed {
                assert!(
                    !f.is_some_and(|f| f.has(*t)),
                    "{name}: {}: {t:?} still fires after:\n{d}",
                    r.title
                );
            }
        }
    }
    kinds
}

#[test]
fn template_edits_do_what_the_plan_projects() {
    let mut edited = 0;
    for (name, text) in templates() {
        edited += check_template(&name, &text).len();
    }
    assert!(edited >= 8, "only {edited} template edits");
}

/// Host volumes, added capabilities and ECS Exec, which the examples do not all have.
#[test]
fn host_access_edits() {
    let text = "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      NetworkMode: awsvpc\n      Volumes:\n        - Name: docker\n          Host:\n            SourcePath: /var/run/docker.sock\n      ContainerDefinitions:\n        - Name: web\n          Image: nginx\n          User: \"1000\"\n          ReadonlyRootFilesystem: true\n          LinuxParameters:\n            Capabilities:\n              Add: [SYS_ADMIN, NET_ADMIN]\n              Drop: [ALL]\n          MountPoints:\n            - SourceVolume: docker\n              ContainerPath: /var/run/docker.sock\n  S:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: !Ref T\n      EnableExecuteCommand: true\n      NetworkConfiguration:\n        AwsvpcConfiguration:\n          AssignPublicIp: ENABLED\n          Subnets: [subnet-1]\n";
    let mut kinds = check_template("t.yaml", text);
    kinds.sort();
    for k in [
        "disable-execute-command",
        "drop-added-capabilities",
        "remove-host-volumes",
    ] {
        assert!(kinds.contains(&k), "{k} not edited: {kinds:?}");
    }
}

#[test]
fn yaml_edits_keep_other_lines() {
    let text = "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      PidMode: host # why\n      ContainerDefinitions:\n        - Name: web\n          Image: nginx\n          Privileged: true\n";
    let inv = load("t.yaml", text);
    let td = "t.yaml#T".to_string();
    let after = edit_template(
        &inv,
        "t.yaml",
        text,
        &Change::RemovePidModeHost {
            task_definition: td.clone(),
        },
    )
    .unwrap();
    assert_eq!(after, text.replace("      PidMode: host # why\n", ""));
    let after = edit_template(
        &inv,
        "t.yaml",
        text,
        &Change::ReadonlyRootFilesystem {
            task_definition: td.clone(),
            containers: vec!["web".into()],
        },
    )
    .unwrap();
    assert!(after.contains("        - Name: web\n          ReadonlyRootFilesystem: true\n"));
    let after = edit_template(
        &inv,
        "t.yaml",
        text,
        &Change::DropPrivileged {
            task_definition: td,
            containers: vec!["web".into()],
        },
    )
    .unwrap();
    assert_eq!(after, text.replace("Privileged: true", "Privileged: false"));
}

#[test]
fn json_removal_of_last_member_fixes_the_comma() {
    let text = "{\n  \"Resources\": {\n    \"T\": {\n      \"Type\": \"AWS::ECS::TaskDefinition\",\n      \"Properties\": {\n        \"ContainerDefinitions\": [\n          {\n            \"Name\": \"web\",\n            \"Image\": \"nginx\"\n          }\n        ],\n        \"PidMode\": \"host\"\n      }\n    }\n  }\n}\n";
    let inv = load("t.json", text);
    let after = edit_template(
        &inv,
        "t.json",
        text,
        &Change::RemovePidModeHost {
            task_definition: "t.json#T".into(),
        },
    )
    .unwrap();
    assert!(!after.contains("        ],\n      }"));
    assert!(after.contains("        ]\n      }\n"));
    let after = edit_template(
        &inv,
        "t.json",
        text,
        &Change::SetNonRootUser {
            task_definition: "t.json#T".into(),
            containers: vec!["web".into()],
        },
    )
    .unwrap();
    assert!(
        after.contains(
            "          {\n            \"User\": \"1000\",\n            \"Name\": \"web\","
        )
    );
}

#[test]
fn terraform_gets_review_notes() {
    let c = Change::DropPrivileged {
        task_definition: "plan.json#aws_ecs_task_definition.web".into(),
        containers: vec!["web".into()],
    };
    // The planner asks the inventory what the resource is called in its file.
    let mut inv = Inventory::default();
    let mut map = crate::model::SourceMap {
        origin: crate::model::Origin::TerraformPlan {
            address: "aws_ecs_task_definition.web".into(),
        },
        ..Default::default()
    };
    map.entries.insert(
        String::new(),
        crate::model::Location {
            file: "plan.json".into(),
            line: 1,
            column: 1,
            snippet: None,
        },
    );
    inv.sources
        .insert("plan.json#aws_ecs_task_definition.web".into(), map);
    assert!(terraform_notes(&Inventory::default(), &c).is_empty());
    let n = terraform_notes(&inv, &c);
    assert_eq!(n.len(), 1);
    assert!(
        n[0].contains(
            "`aws_ecs_task_definition.web`: `container_definitions[name=web].privileged = false`"
        ),
        "{n:?}"
    );
    assert!(
        terraform_notes(
            &Inventory::default(),
            &Change::RemoveTaskRole {
                task_definition: "t.yaml#T".into()
            }
        )
        .is_empty()
    );
}

/// A diff whose context would show a plaintext credential shows that line as a placeholder,
/// with a note.
#[test]
fn template_diff_never_shows_a_credential() {
    let text = "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: web\n          Image: nginx\n          Environment:\n            - Name: DB_PASSWORD\n              Value: Zq8-vLr2-KmT9-xw4P\n          Privileged: true\n  S:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: !Ref T\n";
    let inv = load("t.yaml", text);
    let analysis = analyze(&inv);
    assert!(
        analysis
            .findings
            .iter()
            .any(|f| f.has(crate::traits::TraitId::PlaintextCredentials)),
        "fixture must hold a credential"
    );
    let mut p = plan(&inv, &analysis, Severity::Informational);
    let texts = [("t.yaml".to_string(), text.to_string())].into();
    crate::fix::attach_template_edits(&mut p, &inv, &texts);
    let json = crate::report::plan::json(&p);
    assert!(!json.contains("Zq8-vLr2-KmT9-xw4P"));
    let r = p
        .remediations
        .iter()
        .find(|r| matches!(r.change, Change::DropPrivileged { .. }))
        .unwrap();
    let diff = &r.fix.source_diff.as_ref().expect("the diff is shown").diff;
    assert!(
        diff.contains(" <line 10 holds a credential value; not shown>\n-          Privileged: true\n+          Privileged: false\n"),
        "{diff}"
    );
    assert!(
        r.fix
            .notes
            .iter()
            .any(|n| n.contains("hold a plaintext credential are not shown")),
        "{:?}",
        r.fix.notes
    );
}

/// The same in a JSON template (members and commas), pretty-printed as editors write it.
#[test]
fn host_access_edits_json() {
    let t = serde_json::json!({"Resources": {
        "T": {"Type": "AWS::ECS::TaskDefinition", "Properties": {
            "NetworkMode": "awsvpc",
            "Volumes": [{"Name": "docker", "Host": {"SourcePath": "/var/run/docker.sock"}}],
            "ContainerDefinitions": [{"Name": "web", "Image": "nginx", "User": "1000",
                "ReadonlyRootFilesystem": true,
                "LinuxParameters": {"Capabilities": {"Drop": ["ALL"], "Add": ["SYS_ADMIN"]}},
                "MountPoints": [{"SourceVolume": "docker", "ContainerPath": "/var/run/docker.sock"}]}]}},
        "S": {"Type": "AWS::ECS::Service", "Properties": {
            "TaskDefinition": {"Ref": "T"}, "EnableExecuteCommand": true,
            "NetworkConfiguration": {"AwsvpcConfiguration": {"AssignPublicIp": "ENABLED", "Subnets": ["subnet-1"]}}}}}});
    let text = serde_json::to_string_pretty(&t).unwrap() + "\n";
    let mut kinds = check_template("t.template.json", &text);
    kinds.sort();
    for k in [
        "disable-execute-command",
        "disable-public-ip",
        "drop-added-capabilities",
        "remove-host-volumes",
    ] {
        assert!(kinds.contains(&k), "{k} not edited: {kinds:?}");
    }
}

/// Ingress rules are no text edit, but the note names the line of each rule to revoke.
#[test]
fn revoke_ingress_note_names_the_rule_lines() {
    let (name, text) = templates()
        .into_iter()
        .find(|(n, _)| n == "web-public.yaml")
        .unwrap();
    let inv = load(&name, &text);
    let analysis = analyze(&inv);
    let p = plan(&inv, &analysis, Severity::Informational);
    let r = p
        .remediations
        .iter()
        .find(|r| matches!(r.change, Change::RevokeIngress { .. }))
        .unwrap();
    let why = edit_template(&inv, &name, &text, &r.change)
        .unwrap_err()
        .to_string();
    let cidr_lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == "CidrIp: 0.0.0.0/0")
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(cidr_lines.len(), 2);
    for l in cidr_lines {
        assert!(why.contains(&format!("web-public.yaml:{l}")), "{why}");
    }
}

/// A rule written with host bits set: its template line is still found by the written form,
/// and the CLI revokes it by the network AWS stores (`0.0.0.0/0`).
#[test]
fn revoke_ingress_of_a_host_bits_cidr() {
    let (name, text) = templates()
        .into_iter()
        .find(|(n, _)| n == "web-public.yaml")
        .unwrap();
    let text = text.replace("CidrIp: 0.0.0.0/0", "CidrIp: 192.168.1.0/0");
    let inv = load(&name, &text);
    let p = plan(&inv, &analyze(&inv), Severity::Informational);
    let r = p
        .remediations
        .iter()
        .find(|r| matches!(r.change, Change::RevokeIngress { .. }))
        .expect("192.168.1.0/0 is the whole internet");
    let commands = r.fix.commands.join("\n");
    assert!(
        commands.contains("IpRanges=[{CidrIp=0.0.0.0/0}]"),
        "{commands}"
    );
    assert!(!commands.contains("192.168.1.0/0"), "{commands}");
    let why = edit_template(&inv, &name, &text, &r.change)
        .unwrap_err()
        .to_string();
    let line = text
        .lines()
        .position(|l| l.trim() == "CidrIp: 192.168.1.0/0")
        .unwrap()
        + 1;
    assert!(why.contains(&format!("web-public.yaml:{line}")), "{why}");
}

/// `plan` makes each edit of a template on the lines around it only (`EditedTemplate`): the
/// diff of that window must be the diff of the whole file, for every remediation of every
/// example template, and for a template of many services whose edits sit far apart.
#[test]
fn window_edits_diff_as_whole_file_edits() {
    use crate::fix::diff::{diff, diff_window_hiding_before};
    let mut many = String::from("Resources:\n");
    for i in 0..40 {
        many.push_str(&format!(
            "  Task{i}:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      PidMode: host\n      ContainerDefinitions:\n        - Name: c\n          Image: nginx\n          Privileged: true\n  Svc{i}:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: !Ref Task{i}\n"
        ));
    }
    let mut all = templates();
    all.push(("many.yaml".to_string(), many));
    let mut compared = 0;
    for (name, text) in &all {
        let inv = load(name, text);
        let p = plan(&inv, &analyze(&inv), Severity::Informational);
        let edited = EditedTemplate::new(text);
        for r in &p.remediations {
            let Ok(edits) = template_edits(&inv, text, &r.change) else {
                continue;
            };
            if edits.is_empty() {
                continue;
            }
            let whole = diff(text, &apply_edits(text, edits.clone()).unwrap(), name, name);
            let w = edited.window(edits).unwrap();
            let windowed = diff_window_hiding_before(
                (w.before, &w.after, w.first_line),
                name,
                name,
                &Default::default(),
                &|_| false,
            );
            assert_eq!(whole, windowed, "{name}: {}", r.title);
            compared += 1;
        }
    }
    assert!(compared >= 80, "only {compared} edits compared");
}

/// A task definition file has a source map too (its findings point at its lines), and an id
/// shaped as a template's (`taskdef.json#web`); `fix` rewrites it from its JSON, so no
/// template edit is made or attempted on it.
#[test]
fn task_definition_files_are_not_edited_as_templates() {
    let text = "{\n  \"family\": \"web\",\n  \"pidMode\": \"host\",\n  \"containerDefinitions\": [\n    {\"name\": \"app\", \"image\": \"nginx\", \"privileged\": true}\n  ]\n}\n";
    let inv = load("taskdef.json", text);
    assert!(inv.sources.contains_key("taskdef.json#web"));
    let analysis = analyze(&inv);
    let mut p = plan(&inv, &analysis, Severity::Informational);
    assert!(!p.remediations.is_empty());
    for r in &p.remediations {
        assert_eq!(cfn_file(&inv, &r.change), None, "{}", r.title);
        assert!(
            template_edits(&inv, text, &r.change).is_err(),
            "{}",
            r.title
        );
    }
    let before: Vec<Vec<String>> = p.remediations.iter().map(|r| r.fix.notes.clone()).collect();
    let texts = std::collections::HashMap::from([("taskdef.json".to_string(), text.to_string())]);
    crate::fix::attach_template_edits(&mut p, &inv, &texts);
    for (r, notes) in p.remediations.iter().zip(before) {
        assert!(r.fix.source_diff.is_none(), "{}", r.title);
        assert_eq!(r.fix.notes, notes, "{}", r.title);
    }
}
