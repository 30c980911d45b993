use super::*;

fn err(json: &str) -> Diagnostic {
    match parse_document("f.json", json.as_bytes(), Found::Named) {
        Err(d) => d,
        Ok(_) => panic!("expected an error for {json}"),
    }
}

#[test]
fn wrong_type_names_path_and_command() {
    let d =
        err(r#"{"services": [{"serviceArn": "a", "loadBalancers": [{"containerPort": "80"}]}]}"#);
    assert_eq!(
        d.path.as_deref(),
        Some("services[0].loadBalancers[0].containerPort")
    );
    assert!(
        d.message.contains("aws ecs describe-services"),
        "{}",
        d.message
    );
    assert_eq!(d.line, Some(1));
}

#[test]
fn not_json_gives_line_and_column() {
    let d = err("{\n  \"services\": [\n    oops\n]}");
    assert_eq!((d.line, d.column), (Some(3), Some(5)));
    assert!(d.message.starts_with("not valid JSON"), "{}", d.message);
    let d = err("hello");
    assert!(d.message.starts_with("not valid JSON"));
}

#[test]
fn unknown_kind_is_a_warning() {
    for json in [r#"{"name": "package"}"#, "[1, 2]"] {
        match parse_document("x.json", json.as_bytes(), Found::Walked) {
            Ok(Parsed::Unknown(w)) => assert!(w.message.contains("skipped")),
            _ => panic!("expected a warning for {json}"),
        }
    }
}

#[test]
fn register_task_definition_input_is_a_task_definition() {
    let json = r#"{"family": "web", "networkMode": "awsvpc", "tags": [{"key": "team", "value": "a"}],
            "containerDefinitions": [{"name": "app", "image": "nginx", "privileged": true}]}"#;
    let mut loader = crate::load::Loader::new();
    loader.add("infra/ecs/web.json", json.as_bytes()).unwrap();
    let (inv, warnings) = loader.finish();
    assert!(warnings.is_empty());
    let td = inv.task_definition("web.json#web").expect("synthetic ARN");
    assert_eq!(td.container_definitions[0].privileged, Some(true));
    assert_eq!(td.tags.len(), 1);
    // Neither half alone is a task definition.
    for json in [r#"{"family": "web"}"#, r#"{"containerDefinitions": []}"#] {
        assert!(matches!(
            parse_document("x.json", json.as_bytes(), Found::Walked),
            Ok(Parsed::Unknown(_))
        ));
    }
    let d = err(r#"{"family": "web", "containerDefinitions": [{"privileged": "yes"}]}"#);
    assert_eq!(
        d.path.as_deref(),
        Some("containerDefinitions[0].privileged")
    );
}

#[test]
fn missing_required_field_is_an_error() {
    let d = err(r#"{"SecurityGroups": [{"GroupName": "x"}]}"#);
    assert_eq!(d.path.as_deref(), Some("SecurityGroups[0]"));
    assert!(d.message.contains("GroupId"), "{}", d.message);
}

/// Every prefix and every one-byte corruption of a valid document gives a result or a
/// diagnostic, never a panic.
#[test]
fn truncated_or_corrupted_input_never_panics() {
    let doc = br#"{"services": [{"serviceArn": "arn:aws:ecs:us-east-1:1:service/c/s",
            "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"],
            "assignPublicIp": "ENABLED"}}, "loadBalancers": [{"containerPort": 80}]}],
            "taskDefinition": {"taskDefinitionArn": "a", "containerDefinitions": [
            {"name": "w", "environment": [{"name": "K", "value": "v"}]}]}}"#;
    for n in 0..doc.len() {
        let _ = parse_document("p.json", &doc[..n], Found::Walked);
        for b in [b'"', b'{', b']', b'0', b'x', 0xff] {
            let mut c = doc.to_vec();
            c[n] = b;
            let _ = parse_document("c.json", &c, Found::Named);
        }
    }
}

/// Files that share a top-level key with a snapshot but not its shape: skipped with a
/// warning saying why when found in a folder, an error when named.
#[test]
fn other_files_with_a_snapshot_key_are_told_apart_by_shape() {
    let compose = r#"{"services": {"web": {"image": "nginx", "ports": ["80:80"]}}}"#;
    let cases = [
        (
            compose,
            "top-level `services` is an object, not the list `aws ecs describe-services` prints; skipped",
        ),
        (
            r#"{"services": ["a", "b"]}"#,
            "top-level `services` is a list holding a string, not the objects `aws ecs describe-services` prints; skipped",
        ),
        (
            r#"{"services": [{"name": "web", "replicas": "x"}]}"#,
            "the objects in top-level `services` have no `serviceArn` or `serviceName`, unlike those `aws ecs describe-services` prints; skipped",
        ),
        (
            r#"{"findings": [{"rule": "x", "severity": 3}]}"#,
            "the objects in top-level `findings` have no `findingArn`, unlike those `aws inspector2 list-findings` prints; skipped",
        ),
        (
            r#"{"taskDefinition": "web:3"}"#,
            "top-level `taskDefinition` is a string, not the object `aws ecs describe-task-definition` prints; skipped",
        ),
    ];
    for (json, why) in cases {
        match parse_document("x.json", json.as_bytes(), Found::Walked) {
            Ok(Parsed::Unknown(w)) => {
                assert_eq!(w.message, why);
                assert_eq!(w.file, "x.json");
            }
            _ => panic!("expected a warning for {json}"),
        }
        let d = err(json);
        assert!(d.path.is_some(), "{d}");
        assert!(
            d.message.contains(why.strip_suffix(SKIPPED).unwrap()),
            "{d}"
        );
    }
    // A snapshot with one wrong field is an error wherever it was found.
    let broken = r#"{"services": [{"serviceArn": "a"}, {"serviceArn": "b", "desiredCount": "x"}]}"#;
    let d = match parse_document("x.json", broken.as_bytes(), Found::Walked) {
        Err(d) => d,
        Ok(_) => panic!("a broken snapshot was skipped"),
    };
    assert_eq!(d.path.as_deref(), Some("services[1].desiredCount"));
    assert!(d.message.contains("aws ecs describe-services"), "{d}");
}

#[test]
fn named_files_of_no_known_kind_are_errors() {
    for json in [r#"{"name": "package"}"#, "[1, 2]"] {
        let d = err(json);
        assert!(d.message.starts_with("not an AWS CLI output"), "{d}");
        assert!(!d.message.contains("skipped"), "{d}");
    }
}

/// A key given twice, which would let the later value hide the one a reviewer reads:
/// an error naming both lines, in AWS CLI output and in task definition input alike.
#[test]
fn duplicate_keys_are_errors_naming_both_lines() {
    let json = "{\"taskDefinition\": {\"taskDefinitionArn\": \"a\", \"containerDefinitions\": [{\"name\": \"x\",\n \"privileged\": true,\n \"privileged\": false}]}}";
    let d = err(json);
    assert!(
        d.message
            .starts_with("duplicate key `privileged` (first at line 2)"),
        "{d}"
    );
    assert_eq!(d.line, Some(3));
    assert_eq!(
        d.path.as_deref(),
        Some("taskDefinition.containerDefinitions[0]")
    );
    let json = "{\"family\": \"web\", \"containerDefinitions\": [{\"name\": \"x\",\n \"privileged\": true,\n \"privileged\": false}]}";
    for found in [Found::Named, Found::Walked] {
        let d = match parse_document("td.json", json.as_bytes(), found) {
            Err(d) => d,
            Ok(_) => panic!("duplicate accepted"),
        };
        assert_eq!(d.message, "duplicate key `privileged` (first at line 2)");
        assert_eq!(d.line, Some(3));
        assert_eq!(d.path.as_deref(), Some("containerDefinitions[0]"));
    }
    // A duplicate in a file of no known kind is that file's business.
    assert!(matches!(
        parse_document("x.json", br#"{"a": 1, "a": 2}"#, Found::Walked),
        Ok(Parsed::Unknown(_))
    ));
}

/// JSON nested far past serde_json's limit (1 MB of it), in a known key, an ignored one
/// (serde_json skips those without recursing), an untyped value or task definition
/// input: an error or a skipped file, never a stack overflow.
#[test]
fn deep_json_is_an_error_or_skipped() {
    let n = 1 << 19;
    let deep = format!("{}{}", "[".repeat(n), "]".repeat(n));
    for (json, nesting) in [
        (format!("{{\"services\": {deep}}}"), false),
        (format!("{{\"x\": {deep}}}"), false),
        (
            format!(
                "{{\"RoleDetailList\": [{{\"Arn\": \"r\", \"AssumeRolePolicyDocument\": {{\"a\": {deep}}}}}]}}"
            ),
            true,
        ),
        (
            format!("{{\"family\": \"f\", \"containerDefinitions\": [], \"volumes\": {deep}}}"),
            false,
        ),
    ] {
        for found in [Found::Named, Found::Walked] {
            match parse_document("deep.json", json.as_bytes(), found) {
                Err(d) => {
                    if nesting {
                        assert_eq!(d.line, Some(1), "{d}");
                        assert!(
                            d.message
                                .contains("nesting deeper than 128 levels (limit MAX_NESTING)"),
                            "{d}"
                        );
                    }
                }
                // Task definition input nested past the limit cannot be read as one.
                Ok(Parsed::Unknown(_)) if !nesting && found == Found::Walked => {}
                Ok(_) => panic!("deep JSON accepted"),
            }
        }
    }
}

/// Malformed documents of every kind holding a credential: no diagnostic shows it.
#[test]
fn no_diagnostic_quotes_an_input_value() {
    const MARK: &str = "pw-7Hq2xZ";
    const NUMBER: &str = "31337424242";
    let json_cases = [
        r#"{"taskDefinition": {"taskDefinitionArn": "a", "containerDefinitions": [{"environment": "DB_URL=postgres://u:MARK@db/x"}]}}"#,
        r#"{"taskDefinition": {"taskDefinitionArn": "a", "containerDefinitions": [{"environment": [{"name": "PIN", "value": NUMBER}]}]}}"#,
        r#"{"taskDefinition": {"taskDefinitionArn": "a", "containerDefinitions": [{"privileged": "MARK"}]}}"#,
        r#"{"taskDefinition": {"taskDefinitionArn": "a", "containerDefinitions": [{"environment": [{"name": "K", "value": "MARK"}], "portMappings": [{"containerPort": NUMBER}]}]}}"#,
        r#"{"services": [{"serviceArn": "MARK", "desiredCount": "MARK"}]}"#,
        r#"{"services": [{"serviceArn": "a", "loadBalancers": "MARK"}]}"#,
        r#"{"services": {"MARK": "MARK"}}"#,
        r#"{"SecurityGroups": [{"GroupId": "sg", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": "MARK"}]}]}"#,
        r#"{"RoleDetailList": [{"Arn": "r", "AssumeRolePolicyDocument": "{\"MARK\": MARK}"}]}"#,
        r#"{"RoleDetailList": [{"Arn": "r", "AssumeRolePolicyDocument": NUMBER}]}"#,
        r#"{"family": "f", "containerDefinitions": [{"environment": "MARK"}]}"#,
        r#"{"family": "f", "containerDefinitions": [{"secrets": [{"name": "x", "valueFrom": NUMBER}]}]}"#,
        r#"{"family": "f", "containerDefinitions": [{"environment": "MARK", "environment": "MARK"}]}"#,
        r#"{"services": [{"serviceArn": "MARK" oops}]}"#,
        r#"{"services": [{"serviceArn": "MARK"#,
        r#"{"services": [{"serviceArn": "MARK"}]} MARK"#,
        r#"{"clusters": [{"clusterArn": "c", "settings": [{"name": "x", "value": "MARK"}], "tags": "MARK"}]}"#,
        r#"{"ecsExposureCollection": {"apiCalls": "MARK"}}"#,
        r#"{"findings": [{"findingArn": "f", "inspectorScore": "MARK"}]}"#,
    ];
    let task_definition = |env: &str| {
        format!(
            "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: app\n          Environment: {env}\n"
        )
    };
    let plan = |defs: &str| {
        format!(
            r#"{{"format_version": "1.2", "planned_values": {{"root_module": {{"resources": [{{"address": "aws_ecs_task_definition.t", "mode": "managed", "type": "aws_ecs_task_definition", "name": "t", "values": {{"family": "t", "container_definitions": {defs}}}}}]}}}}}}"#
        )
    };
    let mut cases: Vec<(&str, String)> = json_cases
        .iter()
        .map(|j| {
            (
                "bad.json",
                j.replace("MARK", MARK).replace("NUMBER", NUMBER),
            )
        })
        .collect();
    for (name, text) in [
        ("t.yaml", task_definition("\"DB_URL=MARK\"")),
        ("t.yaml", task_definition("{Name: K, Value: MARK}")),
        ("t.yaml", task_definition("[{Name: K, Value: MARK}]\n          Privileged: MARK")),
        ("t.yaml", task_definition("[{Name: K, Value: MARK}]\n          PortMappings: [{ContainerPort: MARK}]")),
        ("t.yaml", "Resources:\n  T: {Type: \"AWS::ECS::Service\", Properties: {DesiredCount: MARK}}\n".to_string()),
        ("t.yaml", "Resources:\n  T:\n    Type: AWS::ECS::Service\n    Value: \"MARK\n".to_string()),
        ("t.yaml", "Resources:\n  T: MARK\n@MARK\n".to_string()),
        ("t.yaml", "Resources:\n  T: {a: MARK, a: MARK}\n".to_string()),
        ("t.yaml", "Resources:\n  T: [MARK\n".to_string()),
        ("t.yaml", "Resources:\n  T: 'MARK\n".to_string()),
        ("t.yaml", "Resources: !Ref [MARK\n".to_string()),
        ("t.yaml", "- MARK\n- ? MARK\n  : MARK\n- &a MARK\n- *b\n".to_string()),
        ("t.yaml", "MARK: [\tMARK\n".to_string()),
        ("t.template.json", "{\"Resources\": {\"T\": {\"Type\": \"AWS::ECS::TaskDefinition\", \"Properties\": {\"ContainerDefinitions\": [{\"Environment\": \"MARK\"}]}}}}".to_string()),
        ("t.template.json", "{\"Resources\": {\"T\": {\"Type\": \"AWS::ECS::TaskDefinition\", \"Properties\": MARK}}".to_string()),
        ("plan.json", plan(r#""[{\"environment\": \"MARK\"}]""#)),
        ("plan.json", plan(r#""[{\"environment\": [{\"name\": \"K\", \"value\": NUMBER}], \"privileged\": \"MARK\"}]""#)),
        ("plan.json", plan(r#""[{\"environment\": MARK}]""#)),
        ("plan.json", plan(r#""[{\"privileged\": true, \"privileged\": \"MARK\"}]""#)),
    ] {
        cases.push((name, text.replace("MARK", MARK).replace("NUMBER", NUMBER)));
    }
    let mut errors = 0;
    for (name, text) in &cases {
        for found in [Found::Named, Found::Walked] {
            let d = match parse_document(name, text.as_bytes(), found) {
                Err(d) | Ok(Parsed::Unknown(d)) => d,
                Ok(_) => continue,
            };
            errors += 1;
            let shown = format!("{d} {}", serde_json::to_string(&d).unwrap());
            assert!(
                !shown.contains(MARK) && !shown.contains(NUMBER),
                "{name}: {text}\n{shown}"
            );
        }
    }
    // Nearly every case is a diagnostic (a few parse, with the value left out).
    assert!(
        errors >= cases.len() * 3 / 2,
        "{errors} of {}",
        cases.len() * 2
    );
}

/// `run-task --cli-input-json` input names a task definition (a string `taskDefinition`):
/// not a task definition, nothing to judge alone; skipped in a folder, an error when named.
/// `register-task-definition` input and output both stay task definitions.
#[test]
fn run_task_input_is_not_a_task_definition() {
    let run_task = r#"{"cluster": "default", "taskDefinition": "web:3", "count": 1,
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"], "assignPublicIp": "ENABLED"}},
        "overrides": {"containerOverrides": [{"name": "app", "environment": [{"name": "A", "value": "hunter2"}]}]}}"#;
    match parse_document("run.json", run_task.as_bytes(), Found::Walked) {
        Ok(Parsed::Unknown(w)) => {
            assert!(w.message.contains("`aws ecs run-task`"), "{}", w.message);
            assert!(
                w.message.contains("nothing to judge alone"),
                "{}",
                w.message
            );
            assert!(!w.message.contains("web:3") && !w.message.contains("hunter2"));
        }
        _ => panic!("run-task input is skipped with a warning"),
    }
    let d = err(run_task);
    assert!(d.message.contains("`aws ecs run-task`"), "{}", d.message);
    let service = r#"{"cluster": "c", "serviceName": "web", "taskDefinition": "web:3"}"#;
    match parse_document("svc.json", service.as_bytes(), Found::Walked) {
        Ok(Parsed::Unknown(w)) => assert!(w.message.contains("create-service"), "{}", w.message),
        _ => panic!("create-service input is skipped with a warning"),
    }
    // `register-task-definition` output: the task definition under `taskDefinition`.
    let output = r#"{"taskDefinition": {"taskDefinitionArn": "arn:aws:ecs:us-east-1:1:task-definition/web:3",
        "family": "web", "containerDefinitions": [{"name": "app", "privileged": true}]}, "tags": []}"#;
    let input =
        r#"{"family": "web", "containerDefinitions": [{"name": "app", "privileged": true}]}"#;
    for (name, json) in [("out.json", output), ("in.json", input)] {
        let mut loader = crate::load::Loader::new();
        loader.add(name, json.as_bytes()).unwrap();
        let (inv, warnings) = loader.finish();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(inv.task_definitions.len(), 1, "{name}");
    }
}

/// A task definition file kept in a repository: register-task-definition input gets the
/// places of its fields while loading (a template-only edit must not take it for a
/// template); describe-task-definition output gets them on request, by its ARN.
#[test]
fn task_definition_files_have_source_maps() {
    let input = "{\n  \"family\": \"web\",\n  \"containerDefinitions\": [\n    {\"name\": \"app\",\n     \"privileged\": true}\n  ]\n}\n";
    let mut loader = crate::load::Loader::new();
    loader.add("repo/taskdef.json", input.as_bytes()).unwrap();
    let (inv, _) = loader.finish();
    let map = &inv.sources["taskdef.json#web"];
    assert_eq!(map.kind, crate::model::SourceKind::TaskDefinitionFile);
    assert!(!inv.from_template("taskdef.json#web"));
    let l = inv
        .locate(
            "taskdef.json#web",
            Some("containerDefinitions[0].privileged"),
        )
        .unwrap();
    assert_eq!(
        (l.file.as_str(), l.line, l.column),
        ("repo/taskdef.json", 5, 6)
    );
    let output = "{\"taskDefinition\": {\"taskDefinitionArn\": \"arn:aws:ecs:eu-west-1:1:task-definition/web:3\",\n  \"containerDefinitions\": [{\"name\": \"app\", \"privileged\": true}]}}";
    // Not while loading (an account snapshot holds one such file per revision)…
    let mut loader = crate::load::Loader::new();
    loader.add("td.json", output.as_bytes()).unwrap();
    assert!(loader.finish().0.sources.is_empty());
    // …but on request.
    let (arn, map) = describe_output_sources("td.json", output.as_bytes()).unwrap();
    assert_eq!(arn, "arn:aws:ecs:eu-west-1:1:task-definition/web:3");
    let l = map
        .locate(Some("containerDefinitions[0].privileged"))
        .unwrap();
    assert_eq!((l.line, l.column), (2, 44));
    for other in [input, "[1]", "Resources:\n  taskDefinition: {}\n"] {
        assert!(describe_output_sources("x", other.as_bytes()).is_none());
    }
}

/// Keys written with escapes are the same keys to AWS: still a task definition (without
/// places: only files naming the keys as written are read with positions).
#[test]
fn escaped_keys_still_make_a_task_definition() {
    let json =
        r#"{"f\u0061mily": "web", "containerDefinitions": [{"name": "app", "privileged": true}]}"#;
    let mut loader = crate::load::Loader::new();
    loader.add("td.json", json.as_bytes()).unwrap();
    let (inv, _) = loader.finish();
    assert!(inv.task_definition("td.json#web").is_some());
    assert!(inv.sources.is_empty());
}
