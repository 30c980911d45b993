use super::*;

const SECRET: &str = "Zq8vLr2KmT9xw4Pq";

fn register_input() -> String {
    format!(
        r#"{{
  "family": "web",
  "networkMode": "awsvpc",
  "pidMode": "host",
  "containerDefinitions": [
    {{
      "name": "app",
      "image": "nginx:1.25",
      "privileged": true,
      "environment": [
        {{"name": "LOG_LEVEL", "value": "info"}},
        {{"name": "DB_PASSWORD", "value": "{SECRET}"}}
      ],
      "command": ["serve", "--token={SECRET}"]
    }}
  ],
  "volumes": [{{"name": "docker", "host": {{"sourcePath": "/var/run/docker.sock"}}}}]
}}
"#
    )
}

fn at(map: &SourceMap, path: &str) -> (usize, usize) {
    let l = map
        .entries
        .get(path)
        .unwrap_or_else(|| panic!("no entry for {path}"));
    (l.line, l.column)
}

#[test]
fn every_field_of_a_task_definition_file_has_its_line_and_no_value_in_a_snippet() {
    let text = register_input();
    let p = Positioned::parse(&text).unwrap();
    let map = p.source_map("repo/taskdef.json", None).unwrap();
    assert_eq!(map.kind, SourceKind::TaskDefinitionFile);
    assert_eq!(at(&map, ""), (1, 1));
    assert_eq!(at(&map, "pidMode"), (4, 3));
    assert_eq!(at(&map, "containerDefinitions[0]"), (6, 5));
    assert_eq!(at(&map, "containerDefinitions[0].privileged"), (9, 7));
    assert_eq!(at(&map, "containerDefinitions[0].environment[1]"), (12, 9));
    assert_eq!(
        at(&map, "containerDefinitions[0].environment[1].value"),
        (12, 33)
    );
    assert_eq!(at(&map, "containerDefinitions[0].command[1]"), (14, 28));
    assert_eq!(at(&map, "volumes[0].host.sourcePath"), (17, 43));
    let privileged = &map.entries["containerDefinitions[0].privileged"];
    assert_eq!(privileged.file, "repo/taskdef.json");
    assert_eq!(
        privileged.snippet.as_ref().map(|s| s.as_str()),
        Some(r#""privileged": true,"#)
    );
    assert_eq!(
        map.entries["pidMode"].snippet.as_ref().map(|s| s.as_str()),
        Some(r#""pidMode": "host","#)
    );
    // A field the map does not hold is placed at its nearest ancestor.
    assert_eq!(
        map.locate(Some("containerDefinitions[0].linuxParameters.capabilities"))
            .map(|l| l.line),
        Some(6)
    );
    // Never a value: the credential is in no snippet, whatever line it is cut from.
    for (path, l) in &map.entries {
        let s = l.snippet.as_ref().map(|s| s.as_str()).unwrap_or("");
        assert!(!s.contains(SECRET) && !s.contains("Zq8v"), "{path}: {s}");
    }
    assert!(
        map.entries
            .values()
            .filter_map(|l| l.snippet.as_ref())
            .any(|s| s.as_str().contains("\"value\": \"****\""))
    );
}

#[test]
fn describe_output_is_mapped_under_its_task_definition() {
    let text = "{\n  \"taskDefinition\": {\n    \"taskDefinitionArn\": \"arn:aws:ecs:eu-west-1:1:task-definition/web:3\",\n    \"containerDefinitions\": [{\"name\": \"app\", \"privileged\": true}]\n  },\n  \"tags\": []\n}\n";
    let p = Positioned::parse(text).unwrap();
    let map = p.source_map("td.json", Some("taskDefinition")).unwrap();
    assert_eq!(at(&map, ""), (2, 3));
    assert_eq!(at(&map, "containerDefinitions[0].privileged"), (4, 46));
    assert!(!map.entries.contains_key("tags"));
    assert!(!map.entries.contains_key("taskDefinition"));
    // Not an object there: no map.
    let p = Positioned::parse(r#"{"taskDefinition": "web:3"}"#).unwrap();
    assert!(p.source_map("x.json", Some("taskDefinition")).is_none());
}

/// The value read with positions is the JSON value, types as written (no conversion as for
/// templates), so that typed reading fails as it does on AWS CLI input.
#[test]
fn values_are_read_as_written() {
    let text = r#"{"family": "web", "cpu": "256", "memory": 512, "x": [true, null, 1.5, "t"]}"#;
    let v = Positioned::parse(text).unwrap().value(None).unwrap();
    let parsed: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(Value::Object(v), parsed);
    // A key given twice is refused by the reader: the caller's JSON reading says so.
    assert!(Positioned::parse(r#"{"a": 1, "a": 2}"#).is_none());
}

/// A key as long as a file above many items: no path past MAX_SOURCE_PATH is recorded, so
/// the map costs about the file's size, not the key's length once per item.
#[test]
fn long_paths_are_not_recorded() {
    let key = "k".repeat(100_000);
    let items = vec!["0"; 10_000].join(",");
    let text = format!(
        r#"{{"family": "web", "containerDefinitions": [], "{key}": [{items}], "dockerLabels": {{"a": 1}}}}"#
    );
    let map = Positioned::parse(&text)
        .unwrap()
        .source_map("t.json", None)
        .unwrap();
    assert!(map.entries.keys().all(|p| p.len() <= MAX_SOURCE_PATH));
    assert!(map.entries.contains_key("dockerLabels.a"));
    assert!(map.entries.len() < 10, "{}", map.entries.len());
    // A long field is placed at its nearest recorded ancestor: the task definition.
    assert_eq!(
        map.locate(Some(&format!("{key}[3]"))).map(|l| l.line),
        Some(1)
    );
}
