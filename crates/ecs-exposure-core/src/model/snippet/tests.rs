use super::*;

/// The snippet of `line` at the first occurrence of `at`, with `after` as the following text.
fn at(line: &str, at: &str, after: &str, flow: bool) -> String {
    let i = line.find(at).expect("anchor in line");
    let from = format!("{}\n{after}", &line[i..]);
    Snippet::new(&line[..i], &from, flow)
        .map(|s| s.as_str().to_string())
        .unwrap_or_default()
}

fn block(line: &str) -> String {
    at(line, line.trim_start(), "", false)
}

#[test]
fn keys_booleans_and_ports_stay() {
    assert_eq!(block("          Privileged: true"), "Privileged: true");
    // The fixed words of the settings judged are shown (exact matches only).
    assert_eq!(block("      PidMode: host"), "PidMode: host");
    assert_eq!(block("      PidMode: hostname"), "PidMode: ****");
    assert_eq!(block("CidrIp: 0.0.0.0/0"), "CidrIp: 0.0.0.0/0");
    // The whole internet written with host bits set is the same setting; other blocks and
    // look-alikes stay masked.
    assert_eq!(block("CidrIp: 192.168.1.0/0"), "CidrIp: 192.168.1.0/0");
    assert_eq!(block("CidrIpv6: '::1/0'"), "CidrIpv6: '::1/0'");
    assert_eq!(block("CidrIp: 10.0.0.5/8"), "CidrIp: ****");
    assert_eq!(block("CidrIp: secret/0"), "CidrIp: ****");
    assert_eq!(block("CidrIp: 1.2.3.4/0000"), "CidrIp: ****");
    assert_eq!(block("  TaskRole:"), "TaskRole:");
    assert_eq!(
        at(
            "  - ContainerPort: 80",
            "ContainerPort",
            "    HostPort: 80\n",
            false
        ),
        "ContainerPort: 80"
    );
    assert_eq!(
        at(r#"    "Privileged": true,"#, "\"Priv", "", true),
        r#""Privileged": true,"#
    );
    assert_eq!(
        at(r#"  "Port": 8080"#, "\"Port", "  }\n", true),
        r#""Port": 8080"#
    );
    assert_eq!(block("Enabled: null"), "Enabled: null");
}

#[test]
fn every_other_value_is_masked() {
    assert_eq!(block("Value: AKIAZ7QXW3PLMN4RTV2B"), "Value: ****");
    assert_eq!(block("CidrIp: 10.1.2.0/24"), "CidrIp: ****");
    assert_eq!(block("Value: \"hunter2\""), "Value: \"****\"");
    assert_eq!(block("Account: 123456789012"), "Account: ****");
    assert_eq!(block("Ratio: 0.5"), "Ratio: ****");
    // Quoted booleans are strings.
    assert_eq!(block("Value: 'true'"), "Value: '****'");
    // Plain scalars with spaces and colons inside.
    assert_eq!(block("Value: correct horse: battery"), "Value: ****: ****");
    assert_eq!(block("Url: https://u:p@h:5432/db"), "Url: ****");
}

#[test]
fn one_line_json_shows_keys_only() {
    let line = r#"{"Resources": {"T": {"Properties": {"ContainerDefinitions": [{"Name": "app", "Environment": [{"Name": "DB_PASSWORD", "Value": "pa\"ss: w0rd"}], "Privileged": true}]}}}}"#;
    let s = at(line, "{\"Name\": \"DB", "", true);
    assert_eq!(
        s,
        r#"{"Name": "****", "Value": "****"}], "Privileged": true}]}}}}"#
    );
    let s = at(line, "\"Environment\"", "", true);
    assert!(
        s.starts_with(r#""Environment": [{"Name": "****", "Value": "****"}]"#),
        "{s}"
    );
    // A compact key: no blank after the colon.
    assert_eq!(
        at(r#"{"a":"b","port":443}"#, "\"a\"", "", true),
        r#""a":"****","port":443}"#
    );
}

#[test]
fn escapes_do_not_end_a_string_early() {
    // `\"` and `\\` inside a JSON string, `''` inside a YAML single-quoted one.
    assert_eq!(
        at(
            r#"  "Value": "a\\\"b: c\n-----BEGIN", "x": 1"#,
            "\"Value",
            "",
            true
        ),
        r#""Value": "****", "x": 1"#
    );
    assert_eq!(block("Value: 'it''s: a secret' # comment"), "Value: '****'");
    // A `'` at the end of a cut window may be half of `''`: the value runs on, masked.
    let long = format!("Value: '{}''", "x".repeat(SNIPPET_CHARS - 9));
    assert_eq!(block(&long), "Value: '**** …");
}

#[test]
fn flow_yaml_is_read_as_flow() {
    let line = "            - {Name: AWS_SECRET_ACCESS_KEY, Value: q8Vh3kLm9Zx2Rt6Yp1Wn4Bc7Df0Gj5Hs8Ka3Qe6U}";
    assert_eq!(at(line, "{", "", false), "{Name: ****, Value: ****}");
    // At a key inside the flow mapping: the `,` before it says flow.
    assert_eq!(at(line, "Value", "", false), "Value: ****}");
    assert_eq!(
        at("  - {Name: app, Privileged: true}", "Privileged", "", false),
        "Privileged: true}"
    );
    // Not known to be flow: a plain value runs to the end of the line, whatever it holds.
    assert_eq!(block("Value: true,s3cr3t"), "Value: ****");
    assert_eq!(block("Value: 80}"), "Value: ****");
    assert_eq!(block("a, b: c"), "****: ****");
}

#[test]
fn block_scalars_tags_and_comments() {
    assert_eq!(block("Value: |"), "Value: |");
    assert_eq!(block("Value: >-2 # folded"), "Value: >-2");
    assert_eq!(
        block("TaskRoleArn: !GetAtt TaskRole.Arn"),
        "TaskRoleArn: !GetAtt TaskRole.Arn"
    );
    assert_eq!(block("Value: !Ref DbPassword"), "Value: !Ref DbPassword");
    assert_eq!(block("Value: !Sub 'x-${Secret}'"), "Value: !Sub '****'");
    assert_eq!(
        at(r#"  "Value": {"Ref": "DbPassword"},"#, "\"Value", "", true),
        r#""Value": {"Ref": "DbPassword"},"#
    );
    // A logical id must look like one.
    assert_eq!(block("Value: !Ref s3cr3t/x+y"), "Value: !Ref ****");
    assert_eq!(block("Value: AKIA # AKIAZ7QXW3PLMN4RTV2B"), "Value: ****");
    assert_eq!(block("Value: &pw hunter2"), "Value: &pw ****");
}

#[test]
fn a_scalar_that_may_go_on_is_masked() {
    // `Value: 12345` followed by a deeper line is the string "12345 678secret".
    assert_eq!(
        at("    Value: 12345", "Value", "      678secret\n", false),
        "Value: ****"
    );
    assert_eq!(
        at("    Value: true", "Value", "\n\n    Other: 1\n", false),
        "Value: true"
    );
    // In flow style, only a following `,`, `]` or `}` ends it.
    assert_eq!(at("  [80", "[", "   443]\n", true), "[****");
    assert_eq!(at("  [80", "[", "  , 443]\n", true), "[80");
    // Blank lines past the look-ahead: not known, masked.
    let blank = " \n".repeat(LOOKAHEAD_BYTES);
    assert_eq!(
        at("Value: true", "Value", &format!("{blank}  x\n"), false),
        "Value: ****"
    );
}

#[test]
fn the_window_is_bounded_and_cut_on_char_boundaries() {
    let key = "K".repeat(SNIPPET_CHARS - 6);
    // A number cut by the window end may be the start of a longer one.
    assert_eq!(block(&format!("{key}: 1234567")), format!("{key}: **** …"));
    let value = "é".repeat(10 * SNIPPET_CHARS);
    let s = block(&format!("Value: \"{value}\", Next: 1"));
    assert_eq!(s, "Value: \"**** …");
    // Multi-byte text on both sides of the cut.
    for n in 0..8 {
        let line = format!(
            "{}ü: \"{}\"",
            "é".repeat(SNIPPET_CHARS - 4 + n),
            "ß".repeat(3)
        );
        let s = block(&line);
        assert!(s.chars().count() <= SNIPPET_CHARS + 10, "{s}");
        assert!(!s.contains('ß'), "{s}");
    }
    // A 1 MB line costs a window, not a copy of the line.
    let huge = format!("{{\"a\": 1, {}}}", "\"k\": \"v\", ".repeat(100_000));
    let s = at(&huge, "\"a\"", "", true);
    assert!(s.len() < 4 * SNIPPET_CHARS, "{}", s.len());
}

#[test]
fn terraform_container_definitions_string() {
    let line = r#"        "container_definitions": "[{\"name\":\"app\",\"environment\":[{\"name\":\"AWS_SECRET_ACCESS_KEY\",\"value\":\"q8Vh3kLm9Zx2Rt6Yp1Wn4Bc7Df0Gj5Hs8Ka3Qe6U\"}]}]","#;
    assert_eq!(
        at(line, "\"container", "", true),
        r#""container_definitions": "**** …"#
    );
}

#[test]
fn serializes_as_a_string() {
    let s = Snippet::new("", "Privileged: true", false).unwrap();
    assert_eq!(serde_json::to_string(&s).unwrap(), "\"Privileged: true\"");
    assert_eq!(Snippet::new("  ", "   # only a comment", false), None);
}

/// Any offset of any text (even inside a token or a multi-byte character's neighbour): no
/// panic, and a bounded snippet.
#[test]
fn never_panics_and_stays_bounded() {
    let mut texts: Vec<String> = crate::load::iac::layouts::layouts()
        .into_iter()
        .map(|(_, t, _)| t)
        .collect();
    texts.push("a: 'x''\n\"\\\n|+9 &é *ü !ß: [{,}]\r\n- ? : #\t\u{2028}é\"".to_string());
    for text in &texts {
        for (i, _) in text.char_indices() {
            let start = text[..i].rfind('\n').map(|p| p + 1).unwrap_or(0);
            for flow in [false, true] {
                if let Some(s) = Snippet::new(&text[start..i], &text[i..], flow) {
                    assert!(s.as_str().chars().count() <= 4 * SNIPPET_CHARS, "{s}");
                }
            }
        }
    }
}
