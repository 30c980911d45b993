//! `--format ocsf`: a JSON array of OCSF 1.5 Detection Findings (class 2004), shaped like
//! Security Hub's exposure findings (one per service; the traits as related events).
//!
//! Every field is one the OCSF 1.5 model of PyPI `py-ocsf-models` accepts, and
//! `tests/python/test_ocsf.py` checks that nothing is silently dropped by it. Where Security
//! Hub uses a field that model lacks, the value goes to the nearest field it has:
//! - `related_events[]` carry only `uid`, `type` and `observables`; each trait's title,
//!   product and OCSF 1.5 `traits` object (category, name, uid, values) go to
//!   `unmapped.related_events[]`, matched by `uid`;
//! - `finding_info.related_events_count` and the `likelihood` label go to `unmapped`
//!   (the `impact` label and `impact_id` are native);
//! - the resource's tags, cluster and task definition go to `resources[].data`;
//! - the evidence of each trait (message, field, network path, details) goes to `evidences[]`.

use super::ReportOptions;
use crate::engine::{Analysis, Finding, Impact};
use crate::traits::{Evidence, TraitHit};
use serde_json::{Map, Value, json};

/// The OCSF schema version the findings follow.
pub const OCSF_VERSION: &str = "1.5.0";

const TYPE_EXPOSURE: &str = "Exposure/Potential Impact/Resource Hijacking";
const PRODUCT_NAME: &str = "ecs-exposure";
const PRODUCT_UID: &str = "ecs-exposure";
const FEATURE_UID: &str = "ecs-exposure/Exposure";
/// OCSF `account.type_id` 10: AWS Account.
const AWS_ACCOUNT: u8 = 10;
/// OCSF `observable.type_id` 10: Resource UID.
const RESOURCE_UID: u8 = 10;

pub fn render(analysis: &Analysis, opts: &ReportOptions) -> String {
    let mut out = Vec::new();
    write(analysis, opts, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Writes the JSON array one finding at a time, so that only one finding's OCSF document is
/// in memory at once. The layout is the same as `serde_json::to_writer_pretty` of the array.
pub fn write(
    analysis: &Analysis,
    opts: &ReportOptions,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let shown: Vec<&Finding> = opts.shown(analysis).collect();
    let mut first = true;
    for block in shown.chunks(super::json::BLOCK) {
        let rendered = crate::parallel::map(block, opts.threads, |f| {
            super::pretty_indented(&finding(f, analysis, opts), 2)
        });
        for text in rendered {
            w.write_all(if first { b"[\n  " } else { b",\n  " })?;
            first = false;
            w.write_all(&text)?;
        }
    }
    w.write_all(if first { b"[]\n" } else { b"\n]\n" })
}

/// `ecs-exposure:<region>:<account>:risk:<finding id>`, like Security Hub's
/// `arn:aws:securityhub:<region>:<account>:risk:<id>`: stable across runs.
pub fn finding_uid(f: &Finding) -> String {
    format!(
        "ecs-exposure:{}:{}:risk:{}",
        f.resource.region.as_deref().unwrap_or(""),
        f.resource.account.as_deref().unwrap_or(""),
        f.id
    )
}

fn related_uid(f: &Finding, t: &TraitHit) -> String {
    format!("{}/trait/{}", finding_uid(f), t.id)
}

fn finding(f: &Finding, analysis: &Analysis, opts: &ReportOptions) -> Value {
    let uid = finding_uid(f);
    let r = &f.resource;
    let time = &opts.time;
    let mut v = json!({
        "activity_id": 1,
        "activity_name": "Create",
        "category_uid": 2,
        "category_name": "Findings",
        "class_uid": 2004,
        "class_name": "Detection Finding",
        "type_uid": 200401,
        "type_name": "Detection Finding: Create",
        "severity_id": f.severity.ocsf_id(),
        "severity": f.severity.caption(),
        "status_id": 1,
        "status": "New",
        "time": time.epoch_ms,
        "time_dt": time.rfc3339,
        "impact_id": impact_id(f.impact),
        "impact": f.impact.as_str(),
        "finding_info": {
            "uid": uid,
            "title": f.title,
            "desc": f.explanation,
            "types": [TYPE_EXPOSURE],
            "analytic": {
                "name": "Exposure",
                "type": "Rule",
                "type_id": 1,
                "uid": format!("{PRODUCT_UID}/exposure"),
                "version": opts.tool_version,
            },
            "created_time": time.epoch_ms,
            "created_time_dt": time.rfc3339,
            "modified_time": time.epoch_ms,
            "modified_time_dt": time.rfc3339,
            "related_events": f.traits.iter().map(|t| related_event(f, t)).collect::<Vec<_>>(),
        },
        "resources": [resource(f)],
        "remediation": remediation(f),
        "evidences": f.traits.iter().flat_map(|t| t.evidence.iter().map(move |e| evidence(t, e))).collect::<Vec<_>>(),
        "metadata": {
            "version": OCSF_VERSION,
            "uid": uid,
            "profiles": ["cloud", "datetime"],
            "product": {
                "name": PRODUCT_NAME,
                "vendor_name": "ecs-exposure project",
                "version": opts.tool_version,
                "uid": PRODUCT_UID,
                "feature": {"name": "Exposure", "uid": FEATURE_UID},
            },
        },
    });
    let obj = v.as_object_mut().expect("object");
    let mut cloud = json!({"provider": "AWS"});
    if let Some(region) = &r.region {
        cloud["region"] = json!(region);
    }
    if let Some(account) = &r.account {
        cloud["account"] = account_obj(account);
    }
    obj.insert("cloud".into(), cloud);
    obj.insert("unmapped".into(), unmapped(f, analysis, opts));
    v
}

/// OCSF `impact_id`: 1 Low, 2 Medium, 3 High.
fn impact_id(i: Impact) -> u8 {
    match i {
        Impact::Low => 1,
        Impact::Medium => 2,
        Impact::High => 3,
    }
}

/// OCSF `account`: only the id is known, so it is the name too.
fn account_obj(account: &str) -> Value {
    json!({"uid": account, "name": account, "type": "AWS Account", "type_id": AWS_ACCOUNT})
}

fn resource(f: &Finding) -> Value {
    let r = &f.resource;
    let mut v = json!({
        "type": r.resource_type,
        "uid": r.uid,
        "name": r.name,
        "cloud_partition": r.partition,
    });
    if let Some(region) = &r.region {
        v["region"] = json!(region);
    }
    if let Some(account) = &r.account {
        // OCSF's owner is a `user`; for an AWS resource the owner is the account itself.
        v["owner"] = json!({
            "uid": account,
            "name": account,
            "type": "AWS Account",
            "type_id": 99,
            "account": account_obj(account),
        });
    }
    let mut data = Map::new();
    if let Some(c) = &r.cluster {
        data.insert("cluster_arn".into(), json!(c));
    }
    if let Some(td) = &r.task_definition {
        data.insert("task_definition_arn".into(), json!(td));
    }
    if !r.tags.is_empty() {
        data.insert("tags".into(), json!(r.tags));
    }
    if !data.is_empty() {
        v["data"] = Value::Object(data);
    }
    v
}

fn related_event(f: &Finding, t: &TraitHit) -> Value {
    json!({
        "uid": related_uid(f, t),
        "type": "Finding",
        "observables": t.resources.iter().map(|r| json!({
            "name": "resource.uid",
            "type": "Resource UID",
            "type_id": RESOURCE_UID,
            "value": r,
        })).collect::<Vec<_>>(),
    })
}

fn remediation(f: &Finding) -> Value {
    let desc: Vec<String> = f
        .traits
        .iter()
        .filter(|t| !t.remediation.summary.is_empty())
        .map(|t| format!("{}: {}", t.id, t.remediation.summary))
        .collect();
    let mut refs: Vec<&str> = Vec::new();
    for r in f.traits.iter().flat_map(|t| &t.remediation.references) {
        if !refs.contains(&r.as_str()) {
            refs.push(r);
        }
    }
    json!({"desc": desc.join(" "), "references": refs})
}

fn evidence(t: &TraitHit, e: &Evidence) -> Value {
    let mut data = Map::new();
    data.insert("trait".into(), json!(t.id));
    data.insert("message".into(), json!(e.message));
    if let Some(c) = &e.container {
        data.insert("container".into(), json!(c));
    }
    if let Some(field) = &e.field {
        data.insert("field".into(), json!(field));
    }
    if !e.path.is_empty() {
        data.insert("path".into(), json!(e.path));
    }
    if !e.details.is_empty() {
        data.insert("details".into(), Value::Object(e.details.clone()));
    }
    json!({
        "name": t.id,
        "data": data,
        "resources": [{"uid": e.resource}],
    })
}

/// What Security Hub puts in fields the OCSF model used for validation does not have.
fn unmapped(f: &Finding, analysis: &Analysis, opts: &ReportOptions) -> Value {
    let mut v = json!({
        "related_events_count": f.traits.len(),
        "related_events": f.traits.iter().map(|t| {
            let mut e = json!({
                "uid": related_uid(f, t),
                "title": t.title,
                "product": {"uid": PRODUCT_UID, "name": PRODUCT_NAME},
                "traits": [{
                    "category": t.category.as_str(),
                    "name": t.title,
                    "uid": t.id,
                    "values": t.facets,
                }],
            });
            // `scan --what-if`: the severity if only this trait's remediation were done,
            // as Security Hub's ListExposuresByRemediationV2 reports it.
            if let Some(w) = opts.what_if.get(&f.resource.uid, t.id) {
                e["remediation"] = json!({
                    "uid": w.remediation_id,
                    "previous_severity": f.severity.as_str(),
                    "projected_severity": w.projected_severity.as_str(),
                    "impact": w.outcome.as_str(),
                });
            }
            e
        }).collect::<Vec<_>>(),
    });
    if let Some(l) = f.likelihood {
        v["likelihood"] = json!(l.as_str());
    }
    // Checks that could not be made for this service: a finding is only as complete as
    // the data behind it, and a consumer of OCSF alone must be able to tell.
    let uid = &f.resource.uid;
    let gaps: Vec<Value> = analysis
        .not_evaluated
        .iter()
        .filter(|n| n.resources.contains(uid))
        .map(|n| json!({"trait": n.trait_id, "reason": n.reason}))
        .chain(
            analysis
                .collection_failures
                .iter()
                .filter(|c| c.resources.contains(uid))
                .map(|c| json!({"traits": c.traits_not_evaluated, "reason": format!("{} failed: {}", c.operation, c.error)})),
        )
        .collect();
    if !gaps.is_empty() {
        v["not_evaluated"] = json!(gaps);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Severity;
    use crate::report::testing;

    fn parsed(min: Severity) -> Vec<Value> {
        let out = render(&testing::analysis(), &testing::options(min));
        serde_json::from_str(&out).expect("valid JSON")
    }

    #[test]
    fn snapshot() {
        insta::assert_json_snapshot!(parsed(Severity::Low));
    }

    #[test]
    fn informational_only_when_asked() {
        let low = parsed(Severity::Low);
        assert_eq!(low.len(), 4);
        assert!(low.iter().all(|f| f["severity_id"].as_u64() != Some(1)));
        assert_eq!(parsed(Severity::Informational).len(), 5);
        let high = parsed(Severity::High);
        assert_eq!(
            high.iter()
                .map(|f| f["severity"].as_str().unwrap())
                .collect::<Vec<_>>(),
            ["Critical", "High"]
        );
    }

    #[test]
    fn uids_are_stable_and_distinct() {
        let a = parsed(Severity::Low);
        let b = parsed(Severity::Low);
        let uids: Vec<&str> = a
            .iter()
            .map(|f| f["finding_info"]["uid"].as_str().unwrap())
            .collect();
        assert!(uids[0].starts_with("ecs-exposure:us-east-1:111122223333:risk:"));
        assert_eq!(
            uids,
            b.iter()
                .map(|f| f["finding_info"]["uid"].as_str().unwrap())
                .collect::<Vec<_>>()
        );
        let mut dedup = uids.clone();
        dedup.sort();
        dedup.dedup();
        assert_eq!(dedup.len(), uids.len());
        let events = a[0]["finding_info"]["related_events"].as_array().unwrap();
        assert_eq!(events.len(), 3);
        assert!(
            events[0]["uid"]
                .as_str()
                .unwrap()
                .ends_with("/trait/internet-reachable")
        );
    }
}
