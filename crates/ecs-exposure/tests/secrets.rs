//! A credential in any layout of a file never appears in what the CLI prints or writes: scan
//! reports (text, JSON, OCSF, SARIF), plans (text, JSON, Markdown), `fix --dry-run` and
//! `fix --output`. And the diffs of `fix --dry-run` take memory in proportion to the file.

use std::path::Path;
use std::process::Command;

const SECRET: &str = "Zq7VmX2pL9wK4rT8bN1cY6hJ3fD5sG0aEiUoMnBv";
const PEM_BODY: &str = "MIIEowIBAAKCAQEAq8Vh3kLm9Zx2Rt6Yp1Wn4Bc7Df0Gj5Hs8Ka3Qe6U";

fn pem() -> String {
    format!("-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}\n-----END RSA PRIVATE KEY-----")
}

/// Every run of 8 letters and digits of a credential after its first 4 characters (which a
/// masked form may show).
fn needles(secret: &str) -> Vec<String> {
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

fn template_json(name: &str, value: &str, pretty: bool) -> String {
    let t = serde_json::json!({"Resources": {
        "T": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"ContainerDefinitions": [
            {"Name": "app", "Image": "nginx", "Privileged": true, "Environment": [
                {"Name": "LOG_LEVEL", "Value": "info"}, {"Name": name, "Value": value}]}]}},
        "S": {"Type": "AWS::ECS::Service", "Properties": {"TaskDefinition": {"Ref": "T"}}}}});
    if pretty {
        serde_json::to_string_pretty(&t).unwrap() + "\n"
    } else {
        t.to_string()
    }
}

fn task_definition(name: &str, value: &str, pretty: bool) -> String {
    let t = serde_json::json!({"family": "web", "containerDefinitions": [
        {"name": "app", "image": "nginx", "privileged": true, "environment": [
            {"name": "LOG_LEVEL", "value": "info"}, {"name": name, "value": value}]}]});
    if pretty {
        serde_json::to_string_pretty(&t).unwrap() + "\n"
    } else {
        t.to_string()
    }
}

/// (file name, text, variable, the credential's value): templates, then task definitions.
fn layouts() -> Vec<(&'static str, String, &'static str, String)> {
    let escaped = format!("{}\"{}", &SECRET[..12], &SECRET[12..]);
    let quoted = format!("{}'{}", &SECRET[..12], &SECRET[12..]);
    let pem = pem();
    vec![
        (
            "block.yaml",
            yaml(&format!(
                "            - Name: DB_PASSWORD\n              Value: {SECRET}\n"
            )),
            "DB_PASSWORD",
            SECRET.into(),
        ),
        (
            "flow.yaml",
            yaml(&format!(
                "            - {{Name: LOG_LEVEL, Value: info}}\n            - {{Name: DB_PASSWORD, Value: {SECRET}}}\n"
            )),
            "DB_PASSWORD",
            SECRET.into(),
        ),
        (
            "flow-all.yaml",
            format!(
                "Resources: {{T: {{Type: AWS::ECS::TaskDefinition, Properties: {{ContainerDefinitions: [{{Name: app, Image: nginx, Privileged: true, Environment: [{{Name: DB_PASSWORD, Value: {SECRET}}}]}}]}}}}, S: {{Type: AWS::ECS::Service, Properties: {{TaskDefinition: !Ref T}}}}}}\n"
            ),
            "DB_PASSWORD",
            SECRET.into(),
        ),
        (
            "single-quoted.yaml",
            yaml(&format!(
                "            - Name: DB_PASSWORD\n              Value: '{}'\n",
                quoted.replace('\'', "''")
            )),
            "DB_PASSWORD",
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
            "TLS_PRIVATE_KEY",
            pem.clone(),
        ),
        (
            "pretty.template.json",
            template_json("DB_PASSWORD", SECRET, true),
            "DB_PASSWORD",
            SECRET.into(),
        ),
        (
            "one-line.template.json",
            template_json("DB_PASSWORD", SECRET, false),
            "DB_PASSWORD",
            SECRET.into(),
        ),
        (
            "escaped.template.json",
            template_json("DB_PASSWORD", &escaped, true),
            "DB_PASSWORD",
            escaped.clone(),
        ),
        (
            "pem.template.json",
            template_json("TLS_PRIVATE_KEY", &pem, true),
            "TLS_PRIVATE_KEY",
            pem.clone(),
        ),
        (
            "td-pretty.json",
            task_definition("DB_PASSWORD", SECRET, true),
            "DB_PASSWORD",
            SECRET.into(),
        ),
        (
            "td-one-line.json",
            task_definition("DB_PASSWORD", SECRET, false),
            "DB_PASSWORD",
            SECRET.into(),
        ),
        (
            "td-escaped.json",
            task_definition("DB_PASSWORD", &escaped, true),
            "DB_PASSWORD",
            escaped,
        ),
        (
            "td-pem.json",
            task_definition("TLS_PRIVATE_KEY", &pem, true),
            "TLS_PRIVATE_KEY",
            pem,
        ),
    ]
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = assert_cmd::cargo::cargo_bin_cmd!("ecs-exposure")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn assert_hidden(what: &str, secret: &str, shown: &str) {
    for n in needles(secret) {
        assert!(!shown.contains(&n), "{what}: `{n}` is shown:\n{shown}");
    }
}

#[test]
fn scan_and_plan_never_show_a_credential() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, _, secret) in layouts() {
        let file = dir.path().join(name);
        std::fs::write(&file, &text).unwrap();
        let f = file.display().to_string();
        for format in ["text", "json", "ocsf", "sarif"] {
            let (code, out, err) = run(&["scan", &f, "--format", format, "--what-if"]);
            assert!(code == 0 || code == 1, "{name} {format}: {err}");
            assert_hidden(
                &format!("{name}: scan --format {format}"),
                &secret,
                &(out + &err),
            );
        }
        for format in ["text", "json", "markdown"] {
            let (code, out, err) = run(&["plan", &f, "--format", format]);
            assert_eq!(code, 0, "{name} {format}: {err}");
            assert_hidden(
                &format!("{name}: plan --format {format}"),
                &secret,
                &(out + &err),
            );
        }
    }
}

#[test]
fn fix_never_shows_nor_copies_a_credential() {
    for (name, text, variable, secret) in layouts() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(name);
        std::fs::write(&file, &text).unwrap();
        let f = file.display().to_string();
        let other = dir.path().join("out");
        let o = other.display().to_string();

        let (code, out, err) = run(&["fix", &f, "--dry-run", "--unsafe"]);
        assert_eq!(code, 0, "{name}: {err}");
        assert_hidden(
            &format!("{name}: fix --dry-run"),
            &secret,
            &(out.clone() + &err),
        );
        if !name.contains("flow") && !name.contains("one-line") {
            assert!(out.contains("@@ -"), "{name}: no diff:\n{out}\n{err}");
        }

        // Safe fixes only: the credential stays, so copying the result is refused, naming
        // the variable and the container, never the value; nothing is written.
        let (code, out, err) = run(&["fix", &f, "--output", &o]);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(
            err.contains(&format!("`{variable}` (container `app`)")),
            "{name}: {err}"
        );
        assert_hidden(&format!("{name}: fix --output"), &secret, &(out + &err));
        assert!(!other.exists(), "{name}: a file was written");

        // A task definition's credentials move to `secrets` with --unsafe: then it is written.
        let (code, out, err) = run(&["fix", &f, "--unsafe", "--output", &o]);
        if name.starts_with("td-") {
            assert_eq!(code, 0, "{name}: {err}");
            let written = std::fs::read_to_string(&other).unwrap();
            assert_hidden(&format!("{name}: written"), &secret, &written);
            assert!(written.contains("\"valueFrom\""), "{name}: {written}");
        } else {
            assert_eq!(code, 2, "{name}: {err}");
            assert!(!other.exists(), "{name}: a file was written");
        }
        assert_hidden(
            &format!("{name}: fix --unsafe --output"),
            &secret,
            &(out + &err),
        );
        // In place, the file keeps what it had.
        let (code, _, err) = run(&["fix", &f]);
        assert_eq!(code, 0, "{name}: {err}");
    }
}

/// The failure this guards against: a value with an escaped quote was missed by a search of
/// the output text for the raw value, and the copy was written with exit 0.
#[test]
fn fix_output_refuses_an_escaped_credential() {
    let dir = tempfile::tempdir().unwrap();
    let escaped = format!("{}\"{}", &SECRET[..12], &SECRET[12..]);
    let file = dir.path().join("td.json");
    std::fs::write(&file, task_definition("DB_PASSWORD", &escaped, true)).unwrap();
    let other = dir.path().join("copy.json");
    let (code, _, err) = run(&[
        "fix",
        &file.display().to_string(),
        "--output",
        &other.display().to_string(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("plaintext credentials") && err.contains("`DB_PASSWORD` (container `app`)"),
        "{err}"
    );
    assert!(!other.exists());
}

/// Runs the CLI with its address space capped (`ulimit -v`, KiB): a diff that needed a table
/// of lines × lines fails to allocate under it.
fn run_capped(limit_kib: u64, args: &[&str]) -> (i32, String, String) {
    let bin = env!("CARGO_BIN_EXE_ecs-exposure");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {limit_kib} && exec \"$0\" \"$@\""))
        .arg(bin)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The diff applies to the original with `patch`, as a reviewer would.
fn applies_with_patch(dir: &Path, file: &Path, diff: &str) {
    let Ok(status) = Command::new("patch").arg("--version").output() else {
        return;
    };
    if !status.status.success() {
        return;
    }
    let copy = dir.join("copy");
    std::fs::copy(file, &copy).unwrap();
    let patch = dir.join("fix.diff");
    std::fs::write(&patch, diff).unwrap();
    let out = Command::new("patch")
        .arg("--dry-run")
        .arg(&copy)
        .arg(&patch)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// Address space for the large diffs: far above what the CLI needs (tens of MB), far below
/// the 1.6–3.6 GB the lines × lines table of these inputs took.
const CAP_KIB: u64 = 1024 * 1024;

#[test]
fn a_30000_line_template_diffs_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let metadata: String = (0..30_000)
        .map(|i| format!("  Note{i}: line {i} of a long template\n"))
        .collect();
    let text = format!(
        "Metadata:\n{metadata}{}",
        yaml("            - Name: LOG_LEVEL\n              Value: info\n")
    );
    let file = dir.path().join("big.yaml");
    std::fs::write(&file, &text).unwrap();
    let f = file.display().to_string();
    let (code, diff, err) = run_capped(CAP_KIB, &["fix", &f, "--dry-run", "--unsafe"]);
    assert_eq!(code, 0, "{err}");
    assert!(diff.contains("+          Privileged: false"), "{diff}");
    applies_with_patch(dir.path(), &file, &diff);
}

#[test]
fn a_1000_container_task_definition_diffs_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let containers: Vec<serde_json::Value> = (0..1000)
        .map(|i| {
            serde_json::json!({"name": format!("c{i}"), "image": "nginx", "privileged": true,
                "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
                "environment": [{"name": "LOG_LEVEL", "value": "info"}, {"name": "MODE", "value": format!("m{i}")}]})
        })
        .collect();
    let td = serde_json::json!({"family": "big", "containerDefinitions": containers});
    let file = dir.path().join("big.json");
    std::fs::write(&file, serde_json::to_string_pretty(&td).unwrap() + "\n").unwrap();
    let f = file.display().to_string();
    let (code, diff, err) = run_capped(CAP_KIB, &["fix", &f, "--dry-run", "--unsafe"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        diff.matches("+      \"readonlyRootFilesystem\": true")
            .count(),
        1000
    );
    applies_with_patch(dir.path(), &file, &diff);
}
