//! Proof of the remediation planner: for every remediation planned over every trait fixture
//! and the demo account, doing it (the model change, and for task definitions the generated
//! `register-task-definition` document loaded back as input) and scanning again removes the
//! traits it was planned for and gives exactly the projected severities. No secret value of
//! the input appears in any plan output.

use ecs_exposure_core::engine::{Analysis, Severity, analyze};
use ecs_exposure_core::fix;
use ecs_exposure_core::load::Loader;
use ecs_exposure_core::model::Inventory;
use ecs_exposure_core::plan::{self, Change, PlannedRemediation};
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn load(docs: &[(String, Value)]) -> Inventory {
    let mut loader = Loader::new();
    for (name, doc) in docs {
        loader
            .add(name, &serde_json::to_vec(doc).unwrap())
            .unwrap_or_else(|e| panic!("{e}"));
    }
    loader.finish().0
}

/// The checks `register-task-definition` input must pass to be accepted by the AWS CLI
/// (botocore's `RegisterTaskDefinition` shape: `family` and `containerDefinitions` required,
/// no output-only member).
pub fn assert_register_input(input: &Value, what: &str) {
    let o = input
        .as_object()
        .unwrap_or_else(|| panic!("{what}: not an object"));
    assert!(
        o.get("family").is_some_and(Value::is_string),
        "{what}: family"
    );
    assert!(
        o.get("containerDefinitions").is_some_and(Value::is_array),
        "{what}: containerDefinitions"
    );
    for f in fix::READ_ONLY_FIELDS {
        assert!(!o.contains_key(*f), "{what}: read-only field {f}");
    }
}

fn check(what: &str, r: &PlannedRemediation, after: &Analysis) {
    for p in &r.findings {
        let f = after.findings.iter().find(|f| f.resource.uid == p.resource);
        assert_eq!(
            f.map(|f| f.severity).unwrap_or(Severity::Informational),
            p.projected_severity,
            "{what}: `{}` on {}: re-scanned severity differs from the projection",
            r.id,
            p.resource
        );
        for t in &p.traits_removed {
            assert!(
                !f.is_some_and(|f| f.has(*t)),
                "{what}: `{}` should remove {t} from {}",
                r.id,
                p.resource
            );
        }
    }
    for (service, t) in &r.derived_from {
        let f = after.findings.iter().find(|f| &f.resource.uid == service);
        assert!(
            !f.is_some_and(|f| f.has(*t)),
            "{what}: `{}` was planned for {t} on {service} but leaves it",
            r.id
        );
        assert!(r.traits.contains(t), "{what}: `{}` lists {t}", r.id);
    }
}

/// What `update-service` and `revoke-security-group-ingress` do, done on the documents
/// (`describe-services`, `describe-security-groups`) independently of the planner's model
/// change; `None` for other changes.
fn edit_documents(docs: &[(String, Value)], change: &Change) -> Option<Vec<(String, Value)>> {
    let mut out = docs.to_vec();
    match change {
        Change::DisablePublicIp { service } | Change::DisableExecuteCommand { service } => {
            for (_, d) in &mut out {
                for s in d
                    .get_mut("services")
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten()
                {
                    if s["serviceArn"] != service.as_str() {
                        continue;
                    }
                    if matches!(change, Change::DisableExecuteCommand { .. }) {
                        s["enableExecuteCommand"] = false.into();
                    } else {
                        s["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"] =
                            "DISABLED".into();
                    }
                }
            }
        }
        Change::RevokeIngress { rules } => {
            for (_, d) in &mut out {
                for g in d
                    .get_mut("SecurityGroups")
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten()
                {
                    let id = g["GroupId"].as_str().unwrap_or_default().to_string();
                    for p in g
                        .get_mut("IpPermissions")
                        .and_then(Value::as_array_mut)
                        .into_iter()
                        .flatten()
                    {
                        let proto = p["IpProtocol"].as_str().unwrap_or_default().to_string();
                        let (from, to) = (p["FromPort"].as_i64(), p["ToPort"].as_i64());
                        let revoked = |cidr: &str| {
                            rules.iter().any(|r| {
                                r.group_id == id
                                    && r.cidr == cidr
                                    && r.protocol == proto
                                    && (!matches!(proto.as_str(), "tcp" | "udp")
                                        || (r.from_port == from && r.to_port == to))
                            })
                        };
                        for (list, key) in [("IpRanges", "CidrIp"), ("Ipv6Ranges", "CidrIpv6")] {
                            if let Some(ranges) = p.get_mut(list).and_then(Value::as_array_mut) {
                                ranges.retain(|x| !revoked(x[key].as_str().unwrap_or_default()));
                            }
                        }
                    }
                }
            }
        }
        Change::MakeLoadBalancerInternal { load_balancer } => {
            for (_, d) in &mut out {
                for lb in d
                    .get_mut("LoadBalancers")
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten()
                {
                    if lb["LoadBalancerArn"] == load_balancer.as_str() {
                        lb["Scheme"] = "internal".into();
                    }
                }
            }
        }
        _ => return None,
    }
    Some(out)
}

/// Plans over the documents, proves every remediation, and returns the rendered outputs.
fn prove(what: &str, docs: &[(String, Value)]) -> (usize, usize, String) {
    let inv = load(docs);
    let analysis = analyze(&inv);
    let mut p = plan::plan(&inv, &analysis, Severity::Informational);
    fix::complete(&mut p, &inv);
    let by_arn: HashMap<String, Value> = docs
        .iter()
        .filter_map(|(n, d)| Some((fix::document_arn(n, d)?, d.clone())))
        .collect();
    fix::attach_task_definitions(&mut p, &analysis, &by_arn);
    let mut documents = 0;
    for r in &p.remediations {
        // The model change, scanned again.
        let mut changed = inv.clone();
        plan::apply(&mut changed, &r.change);
        check(&format!("{what} (model)"), r, &analyze(&changed));
        // Service and security group changes made the way their AWS CLI commands make them,
        // on the input documents, then scanned again.
        if let Some(edited) = edit_documents(docs, &r.change) {
            check(&format!("{what} (documents)"), r, &analyze(&load(&edited)));
            documents += 1;
        }
        // The generated document, loaded back as input and scanned again.
        let Some(td) = r.change.task_definition() else {
            continue;
        };
        let Some(input) = &r.fix.task_definition else {
            // Withheld only when it would carry plaintext credentials.
            assert!(
                r.fix
                    .notes
                    .iter()
                    .any(|n| n.contains("plaintext credentials")),
                "{what}: `{}` has no task definition revision",
                r.id
            );
            continue;
        };
        assert_register_input(input, &format!("{what}: {}", r.id));
        let replaced: Vec<(String, Value)> = docs
            .iter()
            .map(|(n, d)| match fix::document_arn(n, d) {
                Some(a) if a == td => {
                    let mut doc = input.clone();
                    if d.get("taskDefinition").is_some() {
                        doc["taskDefinitionArn"] = td.into();
                        doc = serde_json::json!({ "taskDefinition": doc });
                    }
                    (n.clone(), doc)
                }
                _ => (n.clone(), d.clone()),
            })
            .collect();
        check(&format!("{what} (document)"), r, &analyze(&load(&replaced)));
        documents += 1;
    }
    let shown = format!(
        "{}{}{}",
        ecs_exposure_core::report::plan::json(&p),
        ecs_exposure_core::report::plan::text(&p),
        ecs_exposure_core::report::plan::markdown(&p)
    );
    (p.remediations.len(), documents, shown)
}

/// Every environment value of the documents that a plan moves to `secrets`.
fn moved_values(docs: &[(String, Value)], shown_plan: &plan::Plan) -> Vec<String> {
    let mut out = Vec::new();
    for r in &shown_plan.remediations {
        let Change::MoveEnvToSecrets { variables, .. } = &r.change else {
            continue;
        };
        for (_, d) in docs {
            let td = fix::task_definition_object(d);
            for c in td
                .and_then(|t| t.get("containerDefinitions"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                for e in c["environment"].as_array().into_iter().flatten() {
                    if variables
                        .iter()
                        .any(|v| c["name"] == v.container.as_str() && e["name"] == v.name.as_str())
                        && let Some(v) = e["value"].as_str()
                    {
                        out.push(v.to_string());
                    }
                }
            }
        }
    }
    out
}

fn fixture_cases() -> Vec<(String, Vec<(String, Value)>)> {
    let dir = root().join("crates/ecs-exposure-core/src/traits/fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let fixture: Value = serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
        let stem = f.file_stem().unwrap().to_string_lossy().to_string();
        for case in fixture["cases"].as_array().unwrap() {
            let name = format!("{stem}: {}", case["name"].as_str().unwrap());
            let docs = case["documents"]
                .as_array()
                .unwrap()
                .iter()
                .enumerate()
                .map(|(i, d)| (format!("{stem}-{i}.json"), d.clone()))
                .collect();
            out.push((name, docs));
        }
    }
    out
}

fn demo_docs() -> Vec<(String, Value)> {
    let dir = root().join("examples/demo-account");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|f| {
            (
                f.display().to_string(),
                serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn every_fixture_remediation_does_what_it_projects() {
    let (mut planned, mut documents) = (0, 0);
    for (name, docs) in fixture_cases() {
        let (n, d, _) = prove(&name, &docs);
        planned += n;
        documents += d;
    }
    assert!(
        planned >= 30,
        "the fixtures give many remediations ({planned})"
    );
    assert!(
        documents >= 20,
        "many are proved through their document ({documents})"
    );
}

#[test]
fn every_demo_remediation_does_what_it_projects() {
    let docs = demo_docs();
    let (n, d, _) = prove("demo", &docs);
    assert!(n >= 10 && d >= 5, "{n} {d}");
}

/// The plan of the demo account ranks the shared and most severe causes first and its
/// outcomes are those Security Hub's remediation API would give.
#[test]
fn demo_plan_outcomes() {
    let docs = demo_docs();
    let inv = load(&docs);
    let p = plan::plan(&inv, &analyze(&inv), Severity::Low);
    let get = |id: &str| {
        p.remediations
            .iter()
            .find(|r| r.id == id)
            .unwrap_or_else(|| {
                panic!(
                    "no {id} in {:?}",
                    p.remediations.iter().map(|r| &r.id).collect::<Vec<_>>()
                )
            })
    };
    let creds = get("move-env-to-secrets:legacy-reporting:31");
    assert_eq!(creds.findings[0].outcome, plan::Impact::Resolves);
    assert_eq!(creds.findings[0].severity, Severity::High);
    let ip = get("disable-public-ip:storefront");
    assert_eq!(
        (ip.findings[0].severity, ip.findings[0].projected_severity),
        (Severity::Critical, Severity::High)
    );
    assert_eq!(
        p.remediations[0].risk_removed,
        p.remediations.iter().map(|r| r.risk_removed).max().unwrap()
    );
}

#[test]
fn no_secret_value_in_any_plan_output() {
    let mut checked = 0;
    let mut cases = fixture_cases();
    cases.push(("demo".to_string(), demo_docs()));
    for (name, docs) in cases {
        let inv = load(&docs);
        let p = plan::plan(&inv, &analyze(&inv), Severity::Informational);
        let (_, _, shown) = prove(&name, &docs);
        for v in moved_values(&docs, &p) {
            checked += 1;
            assert!(
                !shown.contains(&v),
                "{name}: a moved value of {} chars is in the plan",
                v.len()
            );
        }
    }
    assert!(checked >= 10, "{checked}");
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = assert_cmd::cargo::cargo_bin_cmd!("ecs-exposure")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn demo_dir() -> String {
    root().join("examples/demo-account").display().to_string()
}

/// `plan --format json` is a public contract: these keys, these values.
#[test]
fn plan_json_contract() {
    let (code, out, err) = run(&["plan", &demo_dir(), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["schema_version"], 1);
    let rs = v["remediations"].as_array().unwrap();
    assert!(rs.len() >= 10);
    for r in rs {
        for key in ["id", "title", "traits", "resources", "findings", "fix"] {
            assert!(r.get(key).is_some(), "{key} in {r}");
        }
        for f in r["findings"].as_array().unwrap() {
            assert!(f["resource"].as_str().unwrap().contains(":service/"));
            for key in ["severity", "projected_severity"] {
                assert!(Severity::parse(f[key].as_str().unwrap()).is_some());
            }
            assert!(["Resolves", "Reduces", "Unchanged"].contains(&f["outcome"].as_str().unwrap()));
        }
        assert!(
            ["safe", "unsafe", "manual"].contains(&r["fix"]["applicability"].as_str().unwrap())
        );
    }
    // Ranked: the risk removed never grows down the list.
    let risk = |r: &Value| -> u32 {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let w = |k: &str| plan::weight(Severity::parse(f[k].as_str().unwrap()).unwrap());
                w("severity") - w("projected_severity")
            })
            .sum()
    };
    assert!(rs.windows(2).all(|w| risk(&w[0]) >= risk(&w[1])));
    let (code, md, _) = run(&["plan", &demo_dir(), "--format", "markdown"]);
    assert_eq!(code, 0);
    assert!(md.starts_with("## ecs-exposure remediation plan"));
    assert!(md.contains("| 1 |"));
}

/// `scan --what-if` adds the projection to each trait; without it the report is unchanged.
#[test]
fn scan_what_if() {
    let (_, out, _) = run(&["scan", &demo_dir(), "--format", "json", "--what-if"]);
    assert!(out.contains("\"what_if\""));
    assert!(out.contains("\"projected_severity\""));
    let (_, out, _) = run(&["scan", &demo_dir(), "--format", "json"]);
    assert!(!out.contains("\"what_if\""));
    let (_, out, _) = run(&["scan", &demo_dir(), "--what-if", "--color", "never"]);
    assert!(
        out.contains("What if: done alone, this makes the finding HIGH (Reduces;"),
        "{out}"
    );
    let (_, out, _) = run(&["scan", &demo_dir(), "--what-if", "--format", "ocsf"]);
    assert!(out.contains("\"projected_severity\": \"HIGH\""));
}

/// `fix FILE` rewrites a task definition file as register-task-definition input; the
/// re-scanned file no longer has the traits fixed; no credential value is shown or copied.
#[test]
fn fix_file() {
    let dir = tempfile::tempdir().unwrap();
    let src =
        root().join("examples/demo-account/ecs-describe-task-definition-legacy-reporting-31.json");
    let original: Value = serde_json::from_slice(&std::fs::read(&src).unwrap()).unwrap();
    let secrets: Vec<String> = original["taskDefinition"]["containerDefinitions"][0]["environment"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "DATABASE_URL"]
                .contains(&e["name"].as_str().unwrap())
        })
        .map(|e| e["value"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(secrets.len(), 3);
    let file = dir.path().join("reporting.json");
    std::fs::copy(&src, &file).unwrap();
    let f = file.display().to_string();
    let out_file = dir.path().join("out.json").display().to_string();

    // Safe fixes only: none apply here, and copying the credentials elsewhere is refused.
    let (code, _, err) = run(&["fix", &f, "--output", &out_file]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("plaintext credentials"), "{err}");

    let (code, diff, err) = run(&["fix", &f, "--dry-run", "--unsafe"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        diff.contains("+      \"readonlyRootFilesystem\": true"),
        "{diff}"
    );
    assert!(diff.contains("\"valueFrom\""), "{diff}");
    for s in &secrets {
        assert!(
            !diff.contains(s.as_str()) && !err.contains(s.as_str()),
            "a credential is shown"
        );
    }
    assert_eq!(
        std::fs::read(&src).unwrap(),
        std::fs::read(&file).unwrap(),
        "dry run writes nothing"
    );

    let (code, out, err) = run(&["fix", &f, "--unsafe", "--output", &out_file]);
    assert_eq!(code, 0, "{err}");
    let written = std::fs::read_to_string(&out_file).unwrap();
    for s in &secrets {
        assert!(
            !written.contains(s.as_str()) && !err.contains(s.as_str()) && !out.contains(s.as_str())
        );
    }
    assert!(err.contains("aws secretsmanager create-secret --name legacy-reporting/reporting/DATABASE_URL --secret-string file://DATABASE_URL.txt"), "{err}");
    let fixed: Value = serde_json::from_str(&written).unwrap();
    assert_register_input(&fixed, "fix output");

    // The fixed file, scanned as the demo's task definition, has lost the fixed traits.
    let mut docs = demo_docs();
    for (n, d) in &mut docs {
        if n.ends_with("legacy-reporting-31.json") {
            let mut td = fixed.clone();
            td["taskDefinitionArn"] = original["taskDefinition"]["taskDefinitionArn"].clone();
            *d = serde_json::json!({ "taskDefinition": td });
        }
    }
    let after = analyze(&load(&docs));
    let f = after
        .findings
        .iter()
        .find(|f| f.resource.name == "legacy-reporting");
    for t in [
        ecs_exposure_core::traits::TraitId::PlaintextCredentials,
        ecs_exposure_core::traits::TraitId::WritableRootFilesystem,
        ecs_exposure_core::traits::TraitId::RootUser,
    ] {
        assert!(!f.is_some_and(|f| f.has(t)), "{t} is still there");
    }

    // The register-task-definition shape is read back too, and fixing again converges.
    let (code, _, err) = run(&["fix", &out_file, "--unsafe"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&out_file).unwrap(), written);
}

#[test]
fn fix_rejects_other_documents() {
    let (code, _, err) = run(&[
        "fix",
        &root()
            .join("examples/demo-account/ec2-describe-subnets.json")
            .display()
            .to_string(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("not a task definition"), "{err}");
}

/// The demo account's plan, as a reviewer reads it (text) and as a pull request shows it.
#[test]
fn demo_plan_snapshots() {
    let (code, text, _) = run(&["plan", &demo_dir()]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("demo_plan_text", text);
    let (_, md, _) = run(&["plan", &demo_dir(), "--format", "markdown"]);
    insta::assert_snapshot!("demo_plan_markdown", md);
}

/// `fix TEMPLATE`: the CloudFormation template is edited in place of a task definition;
/// `--dry-run` prints the diff; the result loads and has lost the fixed traits.
#[test]
fn fix_cloudformation_template() {
    use ecs_exposure_core::traits::TraitId;
    for name in ["web-public.yaml", "web-public.template.json"] {
        let dir = tempfile::tempdir().unwrap();
        let src = root().join("examples/iac").join(name);
        let file = dir.path().join(name);
        std::fs::copy(&src, &file).unwrap();
        let f = file.display().to_string();

        let (code, diff, err) = run(&["fix", &f, "--dry-run", "--unsafe"]);
        assert_eq!(code, 0, "{err}");
        assert!(diff.contains("@@ -"), "{diff}");
        assert!(
            diff.contains("Privileged\": false") || diff.contains("Privileged: false"),
            "{diff}"
        );
        assert!(err.contains("manual ("), "{err}");
        assert_eq!(
            std::fs::read(&src).unwrap(),
            std::fs::read(&file).unwrap(),
            "dry run writes nothing"
        );

        // Safe only: nothing here is safe, the file stays as it was.
        let (code, _, err) = run(&["fix", &f]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(std::fs::read(&src).unwrap(), std::fs::read(&file).unwrap());

        let (code, _, err) = run(&["fix", &f, "--unsafe"]);
        assert_eq!(code, 0, "{err}");
        let (code, json, err) = run(&["scan", &f, "--format", "json"]);
        assert!(code == 0 || code == 1, "{err}");
        // Traits that did fire (a value left unresolved is reported apart, as not evaluated).
        let json = json.split("\"not_evaluated\"").next().unwrap();
        for t in [
            TraitId::PrivilegedContainer,
            TraitId::HostPidNamespace,
            TraitId::PublicIp,
            TraitId::WritableRootFilesystem,
            TraitId::RootUser,
        ] {
            assert!(
                !json.contains(&format!("\"{}\"", t.as_str())),
                "{name}: {t} is still there"
            );
        }
    }
}

/// Terraform plans get review notes naming the address and attribute; CloudFormation
/// templates a diff, in the JSON plan and in Markdown.
#[test]
fn plan_for_infrastructure_as_code() {
    let tf = root()
        .join("examples/iac/terraform/plan.json")
        .display()
        .to_string();
    let (code, json, err) = run(&["plan", &tf, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        json.contains("Terraform: `module.web.aws_ecs_task_definition.app`: `container_definitions[0].privileged = false`"),
        "{json}"
    );
    let cfn = root()
        .join("examples/iac/web-public.yaml")
        .display()
        .to_string();
    let (code, json, err) = run(&["plan", &cfn, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&json).unwrap();
    let diffs = v["remediations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["fix"]["source_diff"]["diff"].is_string())
        .count();
    assert!(diffs >= 5, "{json}");
    let (code, _, err) = run(&["fix", &tf, "--dry-run"]);
    assert_eq!(code, 2);
    assert!(err.contains("is a Terraform plan"), "{err}");
    let (_, md, _) = run(&["plan", &cfn, "--format", "markdown"]);
    assert!(md.contains("```diff\n--- "), "{md}");
}
