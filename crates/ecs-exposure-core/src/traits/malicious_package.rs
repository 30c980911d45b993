//! `malicious-package`: an image the service runs holds a package known to be malicious
//! (Security Hub: "The Amazon ECS service has a container with malicious software packages").
//!
//! Amazon Inspector reports a malicious package as a `PACKAGE_VULNERABILITY` finding whose
//! vulnerability id is an OpenSSF malicious-packages id, `MAL-<year>-<number>` (the OSV
//! database Inspector itself contributes to). That id is what this trait goes by: it is the
//! one mark every such finding carries in `list-findings` output, whatever its severity,
//! score or source field say. These findings are this trait's alone: `image_findings` keeps
//! them from the vulnerability traits.

use super::image_findings::{
    DOC_ECR_ENHANCED_SCANNING, DOC_INSPECTOR_ECR, all_service_findings, evidence, sort,
};
use super::util::rollout_steps;
use super::*;
use crate::model::{ImageRef, InspectorFinding};
use serde_json::Value;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::MaliciousPackage,
    category: Category::Vulnerability,
    title: "The Amazon ECS service has a container with malicious software packages",
    phrase: "runs an image with a known malicious package",
    doc: include_str!("malicious_package.md"),
    reads: &[Read::fields(Kind::EcsTaskDefinition, &["containerDefinitions[].image"]), Read::all(Kind::InspectorFindings)],
    likelihood: LikelihoodRole::Moderate("an image contains a known malicious package, which runs attacker code whatever the network path"),
    impact: &[ImpactRule { impact: Impact::High, when: None, rank: 5, because: |_| "a malicious package runs attacker code with the task's permissions".into() }],
    check,
    remediation,
    change: super::image_findings::upgrade_images,
};

/// Whether a finding is a known malicious package: its vulnerability id is an OpenSSF
/// malicious-packages id, `MAL-` then a four-digit year, `-` and a number.
pub fn is_malicious(f: &InspectorFinding) -> bool {
    f.package_vulnerability_details
        .as_ref()
        .is_some_and(|p| is_malicious_id(&p.vulnerability_id))
}

fn is_malicious_id(id: &str) -> bool {
    let Some((year, number)) = id.strip_prefix("MAL-").and_then(|r| r.split_once('-')) else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    year.len() == 4 && digits(year) && digits(number)
}

fn check(ctx: &ServiceContext<'_>, out: &mut Outcome) {
    let Some(mut found) = all_service_findings(ctx, out) else {
        return;
    };
    found.retain(|m| is_malicious(m.finding));
    sort(&mut found);
    // Every one is listed: each is a compromise to investigate, and there are few.
    for m in &found {
        out.fire(evidence(
            m,
            ": a known malicious package (OpenSSF malicious-packages), not a vulnerability: it runs attacker code",
        ));
        if let Some(id) = &m.resource.id {
            out.resource(id);
        }
    }
}

fn remediation(ctx: &ServiceContext<'_>, evidence: &[Evidence]) -> Remediation {
    let mut packages: Vec<String> = Vec::new();
    let mut images: Vec<&str> = Vec::new();
    for e in evidence {
        for p in e
            .details
            .get("packages")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = format!("`{}`", p["name"].as_str().unwrap_or("?"));
            if !packages.contains(&name) {
                packages.push(name);
            }
        }
        if let Some(i) = e.get(keys::IMAGE)
            && !images.contains(&i)
        {
            images.push(i);
        }
    }
    let images: Vec<String> = images.iter().map(|i| format!("`{i}`")).collect();
    let ids: Vec<String> = evidence
        .iter()
        .filter_map(|e| e.get(keys::VULNERABILITY_ID))
        .map(|id| format!("`{id}`"))
        .collect();
    let mut steps = vec![
        format!(
            "Treat the tasks of service `{}` as compromised: {} ({}) ran attacker code with the task's permissions. Rotate every credential its tasks could read (secrets and parameters injected into them, credentials in their environment, anything the task role can fetch), and review the task role's activity in AWS CloudTrail since image(s) {} were first deployed.",
            ctx.service.name(),
            packages.join(", "),
            ids.join(", "),
            images.join(", ")
        ),
        format!(
            "Remove {} from the image build (the Dockerfile, the lock files), find how each came in (a mistyped or look-alike name, a compromised dependency, a dependency-confusion private name) and pin the dependency that pulled it in (for each package named); then rebuild the image.",
            packages.join(", ")
        ),
        "Push the rebuilt image to Amazon ECR and reference it by digest (`<repository>@sha256:…`) in a new revision of the task definition, so the service runs exactly the image Inspector scanned.".to_string(),
    ];
    steps.extend(rollout_steps(ctx));
    if let Some(repo) = evidence
        .iter()
        .find_map(|e| e.get(keys::IMAGE))
        .and_then(ImageRef::parse)
        .map(|i| i.repository)
    {
        steps.push(format!(
            "Once the new image is scanned, check that no malicious package remains: `aws inspector2 list-findings --filter-criteria '{{\"ecrImageRepositoryName\":[{{\"comparison\":\"EQUALS\",\"value\":\"{repo}\"}}],\"vulnerabilityId\":[{{\"comparison\":\"PREFIX\",\"value\":\"MAL-\"}}],\"findingStatus\":[{{\"comparison\":\"EQUALS\",\"value\":\"ACTIVE\"}}]}}'`."
        ));
    }
    Remediation {
        summary: "Treat the tasks as compromised: rotate their credentials, remove the malicious package from the image, and roll out a revision pinned to the rebuilt image's digest.".into(),
        steps,
        references: vec![
            DOC_INSPECTOR_ECR.to_string(),
            DOC_ECR_ENHANCED_SCANNING.to_string(),
            "https://github.com/ossf/malicious-packages".to_string(),
            super::util::DOC_UPDATE_SERVICE.to_string(),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Loader;

    #[test]
    fn fixture() {
        super::super::testing::run_fixture(&TRAIT, include_str!("fixtures/malicious_package.json"));
    }

    fn with_id(id: &str) -> InspectorFinding {
        serde_json::from_value(serde_json::json!({
            "findingArn": "arn:aws:inspector2:us-east-1:111122223333:finding/abc",
            "packageVulnerabilityDetails": {"vulnerabilityId": id}
        }))
        .unwrap()
    }

    #[test]
    fn only_openssf_malicious_package_ids_count() {
        for id in ["MAL-2025-49238", "MAL-2024-1", "MAL-2026-192709"] {
            assert!(is_malicious(&with_id(id)), "{id}");
        }
        for id in [
            "CVE-2025-49238",
            "MAL-25-1",
            "MAL-2025-",
            "MAL-2025-1a",
            "mal-2025-1",
            "MALWARE-2025-1",
            "GHSA-xxxx-yyyy-zzzz",
            "",
        ] {
            assert!(!is_malicious(&with_id(id)), "{id}");
        }
    }

    /// The vulnerability traits leave the malicious packages to this one, even one scored
    /// like an exploitable CVE (the fixture's second case).
    #[test]
    fn the_vulnerability_traits_do_not_report_them_too() {
        let fixture: Value =
            serde_json::from_str(include_str!("fixtures/malicious_package.json")).unwrap();
        for case in fixture["cases"].as_array().unwrap() {
            let mut loader = Loader::new();
            for (i, doc) in case["documents"].as_array().unwrap().iter().enumerate() {
                loader
                    .add(&format!("document {i}"), &serde_json::to_vec(doc).unwrap())
                    .unwrap();
            }
            let (inv, _) = loader.finish();
            for service in inv.services.values() {
                let ctx = ServiceContext::new(&inv, service);
                for id in [TraitId::SoftwareVulnerability, TraitId::ExploitableVulnerability] {
                    let mut out = Outcome::new(id, &service.service_arn);
                    (def(id).check)(&ctx, &mut out);
                    for e in out.evidence() {
                        let ids = e
                            .details
                            .get("vulnerability_id")
                            .into_iter()
                            .chain(e.details.get("vulnerability_ids").and_then(Value::as_array).into_iter().flatten())
                            .filter_map(Value::as_str);
                        for v in ids {
                            assert!(!is_malicious_id(v), "{id}: {}", e.message);
                        }
                    }
                }
            }
        }
    }
}
