//! Property: a generated credential, placed in a string field of any supported input in any
//! layout (pretty or one-line JSON, `\u` escapes, block or flow YAML, quoted and block
//! scalars, a Terraform plan's doubly encoded `container_definitions`), never appears in any
//! output of `scan` (every format), `plan` (every format) or `fix` (dry-run diff, messages,
//! and the file written with `--unsafe`, which moves credentials to `secrets`).
//!
//! A field the tool does not read as a credential (a container label) is checked in every
//! report format, where only a snippet of the source could carry it; `plan` and `fix` copy
//! such fields into the revision and the rewritten file by design.
//!
//! "Appears" is judged on every 8-character run of the credential's plain characters, so a
//! leak is caught whether it is printed decoded, re-escaped as JSON, or copied from the source
//! text; the masked form (at most 4 leading characters) never matches.

use proptest::prelude::*;
use std::path::Path;
use std::process::Command;

/// A credential: plain runs of at least 8 characters joined by characters that every layout
/// must escape or quote (`"`, `'`, `\`, a newline).
#[derive(Debug, Clone)]
struct Credential {
    value: String,
    runs: Vec<String>,
}

/// `any_value`: the name makes any value a credential (a password word, an ECS.8 name), so the
/// value may hold quotes, backslashes, line breaks and spaces; under a token name the tool
/// also asks the value to look generated, so it stays one word (quotes and slashes only).
fn credential(any_value: bool) -> impl Strategy<Value = Credential> {
    // Runs of several distinct characters: a generated value, never a filler like `aaaaaaaa`
    // (which the tool rightly does not call a credential), also after shrinking.
    let run = "[A-Za-z0-9]{8,14}".prop_filter("a generated-looking run", |r: &String| {
        r.chars().collect::<std::collections::BTreeSet<_>>().len() >= 6
    });
    let sep = if any_value {
        prop_oneof![
            Just(""),
            Just("\""),
            Just("'"),
            Just("\\"),
            Just("\n"),
            Just("''"),
            Just(": "),
            Just(" #")
        ]
        .boxed()
    } else {
        prop_oneof![Just(""), Just("/"), Just("+"), Just("-"), Just("_")].boxed()
    };
    (
        prop_oneof![Just("AKIA"), Just("ghp_"), Just("sk_live_"), Just("")],
        proptest::collection::vec((run, sep), 1..4),
        "[A-Za-z0-9]{8,12}".prop_filter("a generated-looking run", |r: &String| {
            r.chars().collect::<std::collections::BTreeSet<_>>().len() >= 6
        }),
    )
        .prop_map(|(prefix, parts, last)| {
            let mut value = prefix.to_string();
            let mut runs = Vec::new();
            for (r, s) in parts {
                value.push_str(&r);
                runs.push(r);
                value.push_str(s);
            }
            value.push_str(&last);
            runs.push(last);
            Credential { value, runs }
        })
}

/// The fields a credential is put in: environment values and a `command` argument after a
/// flag of the same name (the tool detects both), and a field that reports never show (a
/// container label), where only a snippet could leak it.
#[derive(Debug, Clone, Copy)]
enum Field {
    Environment,
    Command,
    Label,
}

impl Field {
    /// Whether the tool detects a credential in this field.
    fn detected(self) -> bool {
        !matches!(self, Field::Label)
    }
}

/// The command-line flag for a variable name: `DB_PASSWORD` → `--db-password`.
fn flag(name: &str) -> String {
    format!("--{}", name.to_ascii_lowercase().replace('_', "-"))
}

#[derive(Debug, Clone, Copy)]
enum Layout {
    SnapshotPretty,
    SnapshotOneLine,
    SnapshotUnicodeEscapes,
    YamlBlockPlain,
    YamlSingleQuoted,
    YamlDoubleQuoted,
    YamlBlockScalar,
    YamlFlow,
    CfnJsonOneLine,
    TerraformPlan,
}

fn layout() -> impl Strategy<Value = Layout> {
    prop_oneof![
        Just(Layout::SnapshotPretty),
        Just(Layout::SnapshotOneLine),
        Just(Layout::SnapshotUnicodeEscapes),
        Just(Layout::YamlBlockPlain),
        Just(Layout::YamlSingleQuoted),
        Just(Layout::YamlDoubleQuoted),
        Just(Layout::YamlBlockScalar),
        Just(Layout::YamlFlow),
        Just(Layout::CfnJsonOneLine),
        Just(Layout::TerraformPlan),
    ]
}

fn field() -> impl Strategy<Value = Field> {
    prop_oneof![
        Just(Field::Environment),
        Just(Field::Command),
        Just(Field::Label)
    ]
}

/// Names under which the tool judges a value a credential (a password word, a secret word,
/// an ECS.8 name), so that every generated environment value is one the tool must protect.
const NAMES: &[&str] = &[
    "DB_PASSWORD",
    "API_TOKEN",
    "AWS_SECRET_ACCESS_KEY",
    "STRIPE_API_KEY",
];

/// A JSON string literal with every alphanumeric character at an odd position written as a
/// `\u` escape: the parsed value is the credential, its text never is.
fn json_unicode_escaped(s: &str) -> String {
    let mut out = String::from("\"");
    for (i, c) in s.chars().enumerate() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if i % 2 == 1 && c.is_ascii_alphanumeric() => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn task_definition_json(name: &str, value: &serde_json::Value, field: Field) -> serde_json::Value {
    let mut c = serde_json::json!({
        "name": "web",
        "image": "public.ecr.aws/nginx/nginx:1.25",
        "essential": true,
        "privileged": true,
        "environment": [{"name": "LOG_LEVEL", "value": "info"}],
    });
    match field {
        Field::Environment => c["environment"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"name": name, "value": value})),
        Field::Command => c["command"] = serde_json::json!(["serve", flag(name), value]),
        Field::Label => c["dockerLabels"] = serde_json::json!({"team.note": value}),
    }
    serde_json::json!({"taskDefinition": {
        "taskDefinitionArn": "arn:aws:ecs:eu-west-1:111122223333:task-definition/web:1",
        "family": "web",
        "revision": 1,
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "containerDefinitions": [c],
    }})
}

const SERVICES: &str = r#"{"services": [{
  "serviceArn": "arn:aws:ecs:eu-west-1:111122223333:service/prod/web",
  "serviceName": "web",
  "clusterArn": "arn:aws:ecs:eu-west-1:111122223333:cluster/prod",
  "launchType": "FARGATE",
  "taskDefinition": "arn:aws:ecs:eu-west-1:111122223333:task-definition/web:1",
  "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"], "securityGroups": ["sg-1"], "assignPublicIp": "ENABLED"}}
}]}"#;

/// YAML scalar forms of the value, one per layout (`None`: not expressible in that form).
fn yaml_scalar(layout: Layout, v: &str, indent: usize) -> Option<String> {
    // In a single-quoted scalar a line break is written as an empty line; continuation lines
    // are indented under their key.
    let pad = " ".repeat(indent + 2);
    let single = |v: &str| {
        format!(
            "'{}'",
            v.replace('\'', "''").replace('\n', &format!("\n\n{pad}"))
        )
    };
    match layout {
        Layout::YamlBlockPlain => {
            // A plain scalar cannot hold these; the generator's value is used quoted instead.
            let plain_ok = !v.contains(['"', '\'', '\\', '\n', '#', ':']) && !v.is_empty();
            Some(if plain_ok { v.to_string() } else { single(v) })
        }
        Layout::YamlSingleQuoted => Some(single(v)),
        Layout::YamlDoubleQuoted | Layout::YamlFlow => Some(
            serde_json::to_string(v).unwrap(), // a JSON string is a YAML double-quoted scalar
        ),
        Layout::YamlBlockScalar => {
            let body: Vec<String> = v
                .trim_end_matches('\n')
                .split('\n')
                .map(|l| format!("{pad}{l}"))
                .collect();
            Some(format!("|-\n{}", body.join("\n")))
        }
        _ => None,
    }
}

fn template_yaml(layout: Layout, name: &str, v: &str, field: Field) -> String {
    if let Layout::YamlFlow = layout {
        let value = yaml_scalar(layout, v, 0).unwrap();
        let extra = match field {
            Field::Environment => format!(", {{Name: {name}, Value: {value}}}"),
            Field::Label | Field::Command => String::new(),
        };
        let labels = match field {
            Field::Label => format!(", DockerLabels: {{team.note: {value}}}"),
            Field::Command => format!(", Command: [serve, {}, {value}]", flag(name)),
            Field::Environment => String::new(),
        };
        return format!(
            "AWSTemplateFormatVersion: '2010-09-09'\nResources: {{Task: {{Type: AWS::ECS::TaskDefinition, Properties: {{Family: web, NetworkMode: awsvpc, ContainerDefinitions: [{{Name: web, Image: nginx, Privileged: true, Environment: [{{Name: LOG_LEVEL, Value: info}}{extra}]{labels}}}]}}}}, Svc: {{Type: AWS::ECS::Service, Properties: {{TaskDefinition: !Ref Task, LaunchType: FARGATE, NetworkConfiguration: {{AwsvpcConfiguration: {{AssignPublicIp: ENABLED, Subnets: [subnet-1], SecurityGroups: [sg-1]}}}}}}}}}}\n"
        );
    }
    let mut t = String::from(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      Family: web\n      NetworkMode: awsvpc\n      ContainerDefinitions:\n        - Name: web\n          Image: nginx\n          Privileged: true\n          Environment:\n            - Name: LOG_LEVEL\n              Value: info\n",
    );
    match field {
        Field::Environment => {
            let value = yaml_scalar(layout, v, 14).unwrap();
            t.push_str(&format!(
                "            - Name: {name}\n              Value: {value}\n"
            ));
        }
        Field::Command => {
            let value = yaml_scalar(layout, v, 12).unwrap();
            t.push_str(&format!(
                "          Command:\n            - serve\n            - {}\n            - {value}\n",
                flag(name)
            ));
        }
        Field::Label => {
            let value = yaml_scalar(layout, v, 12).unwrap();
            t.push_str(&format!(
                "          DockerLabels:\n            team.note: {value}\n"
            ));
        }
    }
    t.push_str("  Svc:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: !Ref Task\n      LaunchType: FARGATE\n      NetworkConfiguration:\n        AwsvpcConfiguration:\n          AssignPublicIp: ENABLED\n          Subnets: [subnet-1]\n          SecurityGroups: [sg-1]\n");
    t
}

fn template_json(name: &str, v: &str, field: Field) -> String {
    let mut c = serde_json::json!({"Name": "web", "Image": "nginx", "Privileged": true,
        "Environment": [{"Name": "LOG_LEVEL", "Value": "info"}]});
    match field {
        Field::Environment => c["Environment"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"Name": name, "Value": v})),
        Field::Command => c["Command"] = serde_json::json!(["serve", flag(name), v]),
        Field::Label => c["DockerLabels"] = serde_json::json!({"team.note": v}),
    }
    serde_json::json!({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {
        "Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"Family": "web", "NetworkMode": "awsvpc", "ContainerDefinitions": [c]}},
        "Svc": {"Type": "AWS::ECS::Service", "Properties": {"TaskDefinition": {"Ref": "Task"}, "LaunchType": "FARGATE",
            "NetworkConfiguration": {"AwsvpcConfiguration": {"AssignPublicIp": "ENABLED", "Subnets": ["subnet-1"], "SecurityGroups": ["sg-1"]}}}}
    }})
    .to_string()
}

fn terraform_plan(name: &str, v: &str, field: Field) -> String {
    let mut c = serde_json::json!({"name": "web", "image": "nginx", "essential": true, "privileged": true,
        "environment": [{"name": "LOG_LEVEL", "value": "info"}]});
    match field {
        Field::Environment => c["environment"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"name": name, "value": v})),
        Field::Command => c["command"] = serde_json::json!(["serve", flag(name), v]),
        Field::Label => c["dockerLabels"] = serde_json::json!({"team.note": v}),
    }
    let defs = serde_json::Value::Array(vec![c]).to_string();
    serde_json::json!({
        "format_version": "1.2",
        "terraform_version": "1.9.0",
        "planned_values": {"root_module": {"resources": [
            {"address": "aws_ecs_task_definition.web", "mode": "managed", "type": "aws_ecs_task_definition", "name": "web",
             "values": {"family": "web", "network_mode": "awsvpc", "container_definitions": defs, "requires_compatibilities": ["FARGATE"]}},
            {"address": "aws_ecs_service.web", "mode": "managed", "type": "aws_ecs_service", "name": "web",
             "values": {"name": "web", "launch_type": "FARGATE",
                        "network_configuration": [{"assign_public_ip": true, "security_groups": ["sg-1"], "subnets": ["subnet-1"]}]}}
        ]}},
        "configuration": {"root_module": {"resources": [
            {"address": "aws_ecs_service.web", "mode": "managed", "type": "aws_ecs_service", "name": "web",
             "expressions": {"task_definition": {"references": ["aws_ecs_task_definition.web.arn", "aws_ecs_task_definition.web"]}}}
        ]}}
    })
    .to_string()
}

/// Writes the input for one case into `dir`; returns the file `fix` takes.
fn write_input(
    dir: &Path,
    layout: Layout,
    name: &str,
    c: &Credential,
    field: Field,
) -> std::path::PathBuf {
    let v = c.value.as_str();
    let value = serde_json::Value::String(v.to_string());
    match layout {
        Layout::SnapshotPretty | Layout::SnapshotOneLine | Layout::SnapshotUnicodeEscapes => {
            std::fs::write(dir.join("services.json"), SERVICES).unwrap();
            let td = task_definition_json(name, &value, field);
            let text = match layout {
                Layout::SnapshotPretty => serde_json::to_string_pretty(&td).unwrap(),
                Layout::SnapshotOneLine => td.to_string(),
                _ => {
                    // The value written with `\u` escapes, so the text never holds it.
                    let marker = "\"@@VALUE@@\"";
                    let placeholder = task_definition_json(
                        name,
                        &serde_json::Value::String("@@VALUE@@".into()),
                        field,
                    );
                    placeholder
                        .to_string()
                        .replace(marker, &json_unicode_escaped(v))
                }
            };
            let p = dir.join("taskdef.json");
            std::fs::write(&p, text).unwrap();
            p
        }
        Layout::CfnJsonOneLine => {
            let p = dir.join("stack.template.json");
            std::fs::write(&p, template_json(name, v, field)).unwrap();
            p
        }
        Layout::TerraformPlan => {
            let p = dir.join("plan.json");
            std::fs::write(&p, terraform_plan(name, v, field)).unwrap();
            p
        }
        _ => {
            let p = dir.join("stack.yaml");
            std::fs::write(&p, template_yaml(layout, name, v, field)).unwrap();
            p
        }
    }
}

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ecs-exposure"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.code(), text)
}

fn leaks(c: &Credential, text: &str) -> Option<String> {
    for r in &c.runs {
        for w in r.as_bytes().windows(8) {
            let w = std::str::from_utf8(w).unwrap();
            if text.contains(w) {
                return Some(w.to_string());
            }
        }
    }
    None
}

fn check(layout: Layout, field: Field, name: &str, c: &Credential) -> Result<(), TestCaseError> {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let fix_file = write_input(dir, layout, name, c, field);
    let fix_name = fix_file.file_name().unwrap().to_str().unwrap().to_string();
    let mut runs: Vec<Vec<String>> = Vec::new();
    for f in ["text", "json", "ocsf", "sarif"] {
        runs.push(vec![
            "scan".into(),
            ".".into(),
            "--format".into(),
            f.into(),
            "--min-severity".into(),
            "informational".into(),
        ]);
    }
    // A plan's new task-definition revision, a diff's context lines and the rewritten file are
    // copies of the user's own file, so a field that holds no detected credential (a label)
    // is reproduced there by design; reports never reproduce it, except through a snippet.
    if field.detected() {
        for f in ["text", "json", "markdown"] {
            runs.push(vec![
                "plan".into(),
                ".".into(),
                "--format".into(),
                f.into(),
                "--min-severity".into(),
                "informational".into(),
            ]);
        }
        runs.push(vec!["fix".into(), fix_name.clone(), "--dry-run".into()]);
        runs.push(vec![
            "fix".into(),
            fix_name.clone(),
            "--dry-run".into(),
            "--unsafe".into(),
        ]);
        runs.push(vec![
            "fix".into(),
            fix_name.clone(),
            "--output".into(),
            "out.txt".into(),
        ]);
    }
    // The tool must see the value as a credential, or the rest proves nothing.
    if field.detected() {
        let (_, report) = run(
            dir,
            &[
                "scan",
                ".",
                "--format",
                "json",
                "--min-severity",
                "informational",
            ],
        );
        prop_assert!(
            report.contains("plaintext-credentials"),
            "{layout:?}: `{name}` was not judged a credential:\n{report}"
        );
    }
    for args in &runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, out) = run(dir, &args);
        prop_assert!(code.is_some_and(|c| c <= 2), "{args:?} crashed: {out}");
        if let Some(w) = leaks(c, &out) {
            prop_assert!(
                false,
                "{layout:?}/{field:?}: `{}` printed `{w}` of the credential:\n{out}",
                args.join(" ")
            );
        }
    }
    // The file `fix --output` wrote, if it wrote one, holds no detected credential.
    if let (true, Ok(written)) = (
        field.detected(),
        std::fs::read_to_string(dir.join("out.txt")),
    ) {
        prop_assert!(
            leaks(c, &written).is_none(),
            "{layout:?}: fix --output copied the credential:\n{written}"
        );
    }
    // `--unsafe` moves detected credentials to `secrets`: the rewritten file no longer holds them.
    if field.detected() {
        let (code, out) = run(
            dir,
            &["fix", &fix_name, "--unsafe", "--output", "fixed.out"],
        );
        prop_assert!(code.is_some_and(|c| c <= 2), "fix --unsafe crashed: {out}");
        if let Ok(written) = std::fs::read_to_string(dir.join("fixed.out")) {
            prop_assert!(
                leaks(c, &written).is_none(),
                "{layout:?}: fix --unsafe --output kept the credential:\n{written}"
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        // Each case runs the binary 11 to 12 times; 40 cases cover every layout and field
        // several times over.
        cases: 40,
        failure_persistence: None,
        .. ProptestConfig::default()
    })]

    #[test]
    fn a_credential_never_reaches_any_output(
        layout in layout(),
        field in field(),
        (name, c) in proptest::sample::select(NAMES).prop_flat_map(|n| {
            let any_value = n.contains("PASSWORD") || n == "AWS_SECRET_ACCESS_KEY";
            (Just(n), credential(any_value))
        }),
    ) {
        check(layout, field, name, &c)?;
    }
}

/// Every layout once with a fixed credential, so a failure is easy to reproduce by hand.
#[test]
fn every_layout_once() {
    let c = Credential {
        value: "AKIAQ3EGRT5Y\"X7PLMNB2K'\\Zq9Wd8Lk3Nv\nmM4pQ7rS2tV".into(),
        runs: vec![
            "AKIAQ3EGRT5Y".into(),
            "X7PLMNB2K".into(),
            "Zq9Wd8Lk3Nv".into(),
            "mM4pQ7rS2tV".into(),
        ],
    };
    for layout in [
        Layout::SnapshotPretty,
        Layout::SnapshotOneLine,
        Layout::SnapshotUnicodeEscapes,
        Layout::YamlBlockPlain,
        Layout::YamlSingleQuoted,
        Layout::YamlDoubleQuoted,
        Layout::YamlBlockScalar,
        Layout::YamlFlow,
        Layout::CfnJsonOneLine,
        Layout::TerraformPlan,
    ] {
        for field in [Field::Environment, Field::Command, Field::Label] {
            check(layout, field, "DB_PASSWORD", &c).unwrap();
        }
    }
}
