//! Test fixtures: one CloudFormation template per layout a credential can take in a file, each
//! with a privileged container (so that there are findings and fixes) and a credential as an
//! environment value. Reports, plans and diffs of them must never show the credential.

/// A generated-looking password: any value counts under `DB_PASSWORD`.
pub(crate) const SECRET: &str = "Zq7VmX2pL9wK4rT8bN1cY6hJ3fD5sG0aEiUoMnBv";
/// The body of a PEM key.
pub(crate) const PEM_BODY: &str = "MIIEowIBAAKCAQEAq8Vh3kLm9Zx2Rt6Yp1Wn4Bc7Df0Gj5Hs8Ka3Qe6U";

/// The pieces of a credential that must not be shown: every run of 8 letters and digits
/// after its first 4 characters (the masked form may show those 4).
pub(crate) fn needles(secret: &str) -> Vec<String> {
    let chars: Vec<char> = secret.chars().collect();
    (4..chars.len().saturating_sub(7))
        .map(|i| chars[i..i + 8].iter().collect::<String>())
        .filter(|w| w.chars().all(|c| c.is_ascii_alphanumeric()))
        .collect()
}

fn yaml(environment: &str) -> String {
    format!(
        "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: app\n          Image: nginx\n          Privileged: true\n          Environment:\n{environment}  S:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: !Ref T\n"
    )
}

fn json(name: &str, value: &str, pretty: bool) -> String {
    let t = format!(
        r#"{{"Resources": {{"T": {{"Type": "AWS::ECS::TaskDefinition", "Properties": {{"ContainerDefinitions": [{{"Name": "app", "Image": "nginx", "Environment": [{{"Name": "LOG_LEVEL", "Value": "info"}}, {{"Name": "{name}", "Value": "{value}"}}], "Privileged": true}}]}}}}, "S": {{"Type": "AWS::ECS::Service", "Properties": {{"TaskDefinition": {{"Ref": "T"}}}}}}}}}}"#
    );
    if pretty {
        let v: serde_json::Value = serde_json::from_str(&t).expect("fixture JSON");
        serde_json::to_string_pretty(&v).expect("JSON")
    } else {
        t
    }
}

/// (file name, text, the credential's parsed value).
pub(crate) fn layouts() -> Vec<(&'static str, String, String)> {
    let pem = format!("-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}\n-----END RSA PRIVATE KEY-----");
    let escaped = format!("{}\"{}", &SECRET[..12], &SECRET[12..]);
    let quoted = format!("{}'{}", &SECRET[..12], &SECRET[12..]);
    vec![
        (
            "block.yaml",
            yaml(&format!(
                "            - Name: DB_PASSWORD\n              Value: {SECRET}\n"
            )),
            SECRET.to_string(),
        ),
        (
            "flow.yaml",
            yaml(&format!(
                "            - {{Name: LOG_LEVEL, Value: info}}\n            - {{Name: DB_PASSWORD, Value: {SECRET}}}\n"
            )),
            SECRET.to_string(),
        ),
        (
            "flow-all.yaml",
            format!(
                "Resources: {{T: {{Type: AWS::ECS::TaskDefinition, Properties: {{ContainerDefinitions: [{{Name: app, Image: nginx, Privileged: true, Environment: [{{Name: DB_PASSWORD, Value: {SECRET}}}]}}]}}}}, S: {{Type: AWS::ECS::Service, Properties: {{TaskDefinition: !Ref T}}}}}}\n"
            ),
            SECRET.to_string(),
        ),
        (
            "single-quoted.yaml",
            yaml(&format!(
                "            - Name: DB_PASSWORD\n              Value: '{}'\n",
                quoted.replace('\'', "''")
            )),
            quoted,
        ),
        (
            "block-scalar.yaml",
            yaml(&format!(
                "            - Name: TLS_PRIVATE_KEY\n              Value: |\n{}",
                pem.lines()
                    .map(|l| format!("                {l}\n"))
                    .collect::<String>()
            )),
            format!("{pem}\n"),
        ),
        (
            "pretty.template.json",
            json("DB_PASSWORD", SECRET, true),
            SECRET.to_string(),
        ),
        (
            "one-line.template.json",
            json("DB_PASSWORD", SECRET, false),
            SECRET.to_string(),
        ),
        (
            "escaped.template.json",
            json("DB_PASSWORD", &escaped.replace('"', "\\\""), true),
            escaped.clone(),
        ),
        (
            "escaped-one-line.template.json",
            json("DB_PASSWORD", &escaped.replace('"', "\\\""), false),
            escaped,
        ),
        (
            "pem.template.json",
            json("TLS_PRIVATE_KEY", &pem.replace('\n', "\\n"), true),
            pem,
        ),
    ]
}

#[test]
fn the_fixtures_hold_what_they_say() {
    for (name, text, secret) in layouts() {
        let mut l = crate::load::Loader::new();
        l.add(name, text.as_bytes()).unwrap();
        let (inv, warnings) = l.finish();
        assert!(warnings.is_empty(), "{name}: {warnings:?}");
        let a = crate::engine::analyze(&inv);
        let values = crate::fix::Credentials::find(&inv).exposed_values();
        assert_eq!(values, vec![secret.clone()], "{name}");
        assert!(!needles(&secret).is_empty());
        assert!(
            a.findings[0].has(crate::traits::TraitId::PrivilegedContainer),
            "{name}"
        );
    }
}

/// Every location the loader records (not only those of evidence) has a snippet without the
/// credential, whatever the layout.
#[test]
fn no_location_snippet_shows_the_credential() {
    for (name, text, secret) in layouts() {
        let mut l = crate::load::Loader::new();
        l.add(name, text.as_bytes()).unwrap();
        let (inv, _) = l.finish();
        let snippets: Vec<String> = inv
            .sources
            .values()
            .flat_map(|m| m.entries.values())
            .chain(inv.unresolved.iter().filter_map(|u| u.location.as_ref()))
            .filter_map(|l| l.snippet.as_ref().map(|s| s.to_string()))
            .collect();
        assert!(snippets.len() > 10, "{name}: {snippets:?}");
        for s in &snippets {
            for n in needles(&secret) {
                assert!(!s.contains(&n), "{name}: `{n}` in snippet {s}");
            }
        }
    }
}

/// One-line JSON puts every location on one line: each snippet is a bounded window of it,
/// not a copy of the line (a 2.4 MB plan once took more than 8 GiB).
#[test]
fn one_line_json_snippets_are_bounded() {
    let entries: Vec<String> = (0..2000)
        .map(|i| format!(r#"{{"Name": "VAR_{i}", "Value": "value-{i}"}}"#))
        .collect();
    let text = format!(
        r#"{{"Resources": {{"T": {{"Type": "AWS::ECS::TaskDefinition", "Properties": {{"ContainerDefinitions": [{{"Name": "app", "Privileged": true, "Environment": [{}]}}]}}}}}}}}"#,
        entries.join(", ")
    );
    assert!(text.len() > 80_000);
    let mut l = crate::load::Loader::new();
    l.add("big.template.json", text.as_bytes()).unwrap();
    let (inv, _) = l.finish();
    let locations: Vec<_> = inv
        .sources
        .values()
        .flat_map(|m| m.entries.values())
        .collect();
    assert!(locations.len() > 6000, "{}", locations.len());
    let longest = locations
        .iter()
        .filter_map(|l| l.snippet.as_ref())
        .map(|s| s.as_str().len())
        .max()
        .unwrap();
    assert!(
        longest <= 4 * crate::model::SNIPPET_CHARS,
        "a snippet of {longest} bytes"
    );
}
