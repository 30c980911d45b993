//! Fixture harness for trait tests.
//!
//! A fixture is `fixtures/<trait>.json`: `{"cases": [{"name", "fires", "documents": [...]}]}`,
//! where `documents` are AWS CLI outputs exactly as a snapshot would hold them. Each case is
//! loaded into its own inventory; the trait runs on every service; the case's `fires` must
//! match, and the evidence, gaps and remediation of all cases are snapshot-tested.

use super::{Outcome, ServiceContext, TraitDef};
use crate::load::Loader;
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    /// Whether the trait must fire on at least one service of the case.
    fires: bool,
    documents: Vec<serde_json::Value>,
}

/// Runs every case of a fixture through one trait; panics with the case name on a mismatch,
/// then snapshots the results (`snapshots/<trait>.snap`).
pub fn run_fixture(def: &TraitDef, fixture: &str) {
    let fixture: Fixture = serde_json::from_str(fixture).expect("fixture is valid JSON");
    assert!(
        fixture.cases.iter().any(|c| c.fires) && fixture.cases.iter().any(|c| !c.fires),
        "a fixture needs cases that must fire and cases that must not"
    );
    let mut results = Vec::new();
    for case in &fixture.cases {
        let mut loader = Loader::new();
        for (i, doc) in case.documents.iter().enumerate() {
            let bytes = serde_json::to_vec(doc).unwrap();
            loader
                .add(&format!("{} / document {i}", case.name), &bytes)
                .unwrap_or_else(|e| panic!("case `{}`: {e}", case.name));
        }
        let (inv, warnings) = loader.finish();
        assert!(warnings.is_empty(), "case `{}`: {warnings:?}", case.name);
        assert!(
            !inv.services.is_empty(),
            "case `{}` has no service",
            case.name
        );
        let mut fired = false;
        let mut per_service = Vec::new();
        for service in inv.services.values() {
            let ctx = ServiceContext::new(&inv, service);
            let mut out = Outcome::new(def.id, &service.service_arn);
            (def.check)(&ctx, &mut out);
            fired |= out.fired();
            let remediation = out.fired().then(|| (def.remediation)(&ctx, out.evidence()));
            per_service.push(serde_json::json!({
                "service": service.service_arn,
                "evidence": out.evidence(),
                "facets": out.facets,
                "gaps": out.gaps().iter().map(|g| g.reason.clone()).collect::<Vec<_>>(),
                "remediation": remediation,
            }));
        }
        assert_eq!(
            fired,
            case.fires,
            "case `{}`: trait `{}` fired = {fired}, expected {}; results: {:#}",
            case.name,
            def.id,
            case.fires,
            serde_json::Value::Array(per_service)
        );
        results
            .push(serde_json::json!({"case": case.name, "fires": fired, "services": per_service}));
    }
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_json_snapshot!(def.id.as_str(), results));
}

/// The evidence a trait reports for every service of one infrastructure-as-code file (or CLI
/// output), loaded alone: for tests that the loaders bring a trait's fields through.
pub fn evidence_of_file(def: &TraitDef, name: &str, text: &str) -> Vec<super::Evidence> {
    let mut loader = Loader::new();
    loader
        .add(name, text.as_bytes())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let (inv, _) = loader.finish();
    assert!(!inv.services.is_empty(), "{name} has no service");
    let mut evidence = Vec::new();
    for service in inv.services.values() {
        let ctx = ServiceContext::new(&inv, service);
        let mut out = Outcome::new(def.id, &service.service_arn);
        (def.check)(&ctx, &mut out);
        evidence.extend(out.evidence().iter().cloned());
    }
    evidence
}

/// A CloudFormation template of one service running task definition `T`, whose properties
/// are `props` (YAML, indented by six spaces).
pub fn cfn_service(props: &str) -> String {
    format!(
        "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n{props}  S:\n    Type: AWS::ECS::Service\n    Properties:\n      LaunchType: EC2\n      TaskDefinition: !Ref T\n"
    )
}

/// A Terraform plan of one service running `aws_ecs_task_definition.t`, whose planned
/// values are `values` (a JSON object; `container_definitions` is a JSON string in it).
pub fn terraform_service(values: serde_json::Value) -> String {
    serde_json::json!({"format_version": "1.2", "planned_values": {"root_module": {"resources": [
        {"address": "aws_ecs_task_definition.t", "mode": "managed", "type": "aws_ecs_task_definition",
         "name": "t", "values": values},
        {"address": "aws_ecs_service.s", "mode": "managed", "type": "aws_ecs_service", "name": "s",
         "values": {"name": "s", "launch_type": "EC2"}}]}},
      "configuration": {"root_module": {"resources": [{"address": "aws_ecs_service.s",
        "expressions": {"task_definition": {"references": ["aws_ecs_task_definition.t.arn", "aws_ecs_task_definition.t"]}}}]}}})
    .to_string()
}
