//! Joining the container images of a task definition to Amazon Inspector findings, shared by
//! the vulnerability traits.
//!
//! Only images in Amazon ECR can have Inspector findings. A finding's image resource names the
//! registry account, repository, region, digest (`imageHash`) and current tags; a container's
//! `image` names the registry host, repository and a digest or a tag. They match when account,
//! repository, region (when both sides know it) and the digest agree, or, for an image given
//! by tag, when the tag is among the finding's `imageTags`.

use super::util::rollout_steps;
use super::{Evidence, Outcome, Proposal, ServiceContext};
use crate::model::change::Change;
use crate::model::{
    EcrImage, ImageRef, InspectorFinding, InspectorResource, Kind, arn_account_region,
};
use crate::traits::keys;
use serde_json::{Value, json};

/// A container of the task definition, with the image it runs.
#[derive(Debug, Clone)]
pub struct ContainerImage<'a> {
    pub index: usize,
    pub name: &'a str,
    pub image: &'a str,
}

/// One ACTIVE package-vulnerability finding on an image the service runs.
#[derive(Debug, Clone)]
pub struct ImageFinding<'a> {
    pub finding: &'a InspectorFinding,
    /// The finding's image resource that matched.
    pub resource: &'a InspectorResource,
    pub ecr: &'a EcrImage,
    /// Every container running a matching image (often one; sidecars may share images).
    pub containers: Vec<ContainerImage<'a>>,
}

/// [`all_service_findings`] but the known malicious packages, which are `malicious-package`'s
/// alone: attacker code, not a vulnerability to patch.
pub fn service_findings<'a>(
    ctx: &ServiceContext<'a>,
    out: &mut Outcome,
) -> Option<Vec<ImageFinding<'a>>> {
    let mut found = all_service_findings(ctx, out)?;
    found.retain(|m| !super::malicious_package::is_malicious(m.finding));
    Some(found)
}

/// The ACTIVE `PACKAGE_VULNERABILITY` findings on the images the service's task definition
/// runs, one entry per finding. Returns `None` (with a gap) when the task definition or the
/// Inspector findings are not in the input; records a gap for each container whose image is
/// not in ECR, as Inspector cannot have judged it.
pub fn all_service_findings<'a>(
    ctx: &ServiceContext<'a>,
    out: &mut Outcome,
) -> Option<Vec<ImageFinding<'a>>> {
    let td = ctx.require_task_definition(out)?;
    if !ctx.require_kind(Kind::InspectorFindings, out) {
        return None;
    }
    let mut found: Vec<ImageFinding<'a>> = Vec::new();
    for (index, c) in td.container_definitions.iter().enumerate() {
        let Some(image) = c.image.as_deref() else {
            out.gap(format!(
                "container `{}` names no image, so its vulnerabilities were not judged",
                c.name()
            ));
            continue;
        };
        let parsed = ImageRef::parse(image);
        let Some((parsed, account)) = parsed
            .as_ref()
            .and_then(|p| Some((p, p.ecr_account.as_deref()?)))
        else {
            out.gap(format!(
                "container `{}` runs image `{image}`, which is not in a private Amazon ECR registry: Inspector scans only those, so its vulnerabilities were not judged (scan it with another tool, or push it to a private ECR repository)",
                c.name()
            ));
            continue;
        };
        let container = ContainerImage {
            index,
            name: c.name(),
            image,
        };
        for finding in ctx.inventory.findings_for_repository(&parsed.repository) {
            if !finding.is_active() || !finding.is_package_vulnerability() {
                continue;
            }
            let Some((resource, ecr)) = finding.resources.iter().find_map(|r| {
                let ecr = r.details.as_ref()?.aws_ecr_container_image.as_ref()?;
                matches(parsed, account, finding, r, ecr).then_some((r, ecr))
            }) else {
                continue;
            };
            match found
                .iter_mut()
                .find(|f| f.finding.finding_arn == finding.finding_arn)
            {
                Some(f) => {
                    // The index lists a finding once per image resource; keep a container once.
                    if !f.containers.iter().any(|x| x.index == index) {
                        f.containers.push(container.clone());
                    }
                }
                None => found.push(ImageFinding {
                    finding,
                    resource,
                    ecr,
                    containers: vec![container.clone()],
                }),
            }
        }
    }
    Some(found)
}

/// Whether a finding's image resource is the image a container runs.
fn matches(
    image: &ImageRef,
    account: &str,
    finding: &InspectorFinding,
    resource: &InspectorResource,
    ecr: &EcrImage,
) -> bool {
    let (id_account, id_region) = resource
        .id
        .as_deref()
        .map(arn_account_region)
        .unwrap_or((None, None));
    let registry = ecr
        .registry
        .as_deref()
        .or(id_account)
        .or(finding.aws_account_id.as_deref());
    if registry != Some(account) || ecr.repository_name.as_deref() != Some(&image.repository) {
        return false;
    }
    let region = resource
        .region
        .as_deref()
        .or(id_region)
        .or_else(|| arn_account_region(&finding.finding_arn).1);
    if let (Some(a), Some(b)) = (region, image.ecr_region.as_deref())
        && a != b
    {
        return false;
    }
    // A digest is what runs, whatever tag it was given with; a tag alone is matched against
    // the tags the image carries now (ECS pulls `latest` when a reference has neither).
    match &image.digest {
        Some(d) => ecr
            .image_hash
            .as_deref()
            .is_some_and(|h| h.eq_ignore_ascii_case(d)),
        None => {
            let tag = image.tag.as_deref().unwrap_or("latest");
            ecr.image_tags.iter().any(|t| t == tag)
        }
    }
}

/// Sort key: higher severity first, then higher score.
pub fn severity_rank(severity: Option<&str>) -> u8 {
    match severity.unwrap_or("") {
        "CRITICAL" => 5,
        "HIGH" => 4,
        "MEDIUM" => 3,
        "LOW" => 2,
        "INFORMATIONAL" => 1,
        _ => 0,
    }
}

/// The score a finding is ranked by: Inspector's, else the first vendor CVSS base score.
pub fn score(f: &InspectorFinding) -> Option<f64> {
    f.inspector_score.or_else(|| {
        f.package_vulnerability_details
            .as_ref()
            .and_then(|p| p.cvss.iter().find_map(|c| c.base_score))
    })
}

/// Sorts most severe first, then by score, then by vulnerability id (stable output).
pub fn sort(findings: &mut [ImageFinding<'_>]) {
    findings.sort_by(|a, b| {
        severity_rank(b.finding.severity.as_deref())
            .cmp(&severity_rank(a.finding.severity.as_deref()))
            .then_with(|| {
                score(b.finding)
                    .unwrap_or(0.0)
                    .total_cmp(&score(a.finding).unwrap_or(0.0))
            })
            .then_with(|| {
                a.finding
                    .vulnerability_id()
                    .cmp(b.finding.vulnerability_id())
            })
            .then_with(|| a.finding.finding_arn.cmp(&b.finding.finding_arn))
    });
}

/// "`openssl` 3.0.2 (fixed in 3.0.15)", joined, for messages.
fn packages_phrase(f: &InspectorFinding) -> String {
    let pkgs: Vec<String> = f
        .package_vulnerability_details
        .iter()
        .flat_map(|p| &p.vulnerable_packages)
        .map(|p| {
            let mut s = format!("`{}`", p.name);
            if let Some(v) = &p.version {
                s.push_str(&format!(" {v}"));
            }
            match &p.fixed_in_version {
                Some(fix) if !fix.is_empty() && fix != "NotAvailable" => {
                    s.push_str(&format!(" (fixed in {fix})"))
                }
                _ => s.push_str(" (no fixed version yet)"),
            }
            s
        })
        .collect();
    if pkgs.is_empty() {
        "an unnamed package".to_string()
    } else {
        pkgs.join(", ")
    }
}

/// The evidence for one finding: resource = the finding ARN (what `aws inspector2
/// list-findings` returns and a reader can look up), the image resource id in the details.
/// `what` completes the sentence after the vulnerability and its packages.
pub fn evidence(m: &ImageFinding<'_>, what: &str) -> Evidence {
    let f = m.finding;
    let first = &m.containers[0];
    let severity = f.severity.as_deref().unwrap_or("UNTRIAGED");
    let containers = m
        .containers
        .iter()
        .map(|c| format!("`{}`", c.name))
        .collect::<Vec<_>>()
        .join(", ");
    let noun = if m.containers.len() > 1 {
        "containers"
    } else {
        "container"
    };
    let message = format!(
        "image `{}` of {noun} {containers} has {} ({severity}) in {}{what}",
        first.image,
        f.vulnerability_id(),
        packages_phrase(f)
    );
    let packages: Vec<Value> = f
        .package_vulnerability_details
        .iter()
        .flat_map(|p| &p.vulnerable_packages)
        .map(|p| json!({"name": p.name, "version": p.version, "fixed_in_version": p.fixed_in_version}))
        .collect();
    let mut e = Evidence::new(&f.finding_arn, message)
        .container(first.name)
        .with(keys::VULNERABILITY_ID, f.vulnerability_id())
        .detail("severity", severity)
        .detail("packages", packages)
        .with(keys::IMAGE, first.image)
        .detail(
            "containers",
            m.containers
                .iter()
                .map(|c| Value::from(c.name))
                .collect::<Vec<_>>(),
        )
        .detail("network_attack_vector", f.network_attack_vector())
        .detail("exploit_available", f.exploit_available());
    if let Some(s) = f.inspector_score {
        e = e.detail("inspector_score", s);
    }
    if let Some(s) = f.epss_score() {
        e = e.detail("epss", s);
    }
    if let Some(v) = f.cvss_vector() {
        e = e.detail("cvss_vector", v);
    }
    if let Some(h) = &m.ecr.image_hash {
        e = e.detail("image_digest", h.as_str());
    }
    // The repository and the image resource id are left out: the image reference and digest
    // identify the image, and on a large account (hundreds of thousands of findings) every
    // repeated field costs real memory. The image resource ids are the trait's `resources`.
    e
}

/// What to change in one image: its containers, `pkg` to version upgrades, packages without
/// a fix.
#[derive(Default)]
struct ImageFix {
    image: String,
    containers: Vec<String>,
    fixes: Vec<String>,
    unfixed: Vec<String>,
}

/// The remediation steps shared by the vulnerability traits, specific to the images and
/// packages in the evidence.
pub fn fix_steps(ctx: &ServiceContext<'_>, evidence: &[Evidence]) -> Vec<String> {
    // Group fixes per image, keeping first-seen order (evidence is sorted most severe first).
    let mut images: Vec<ImageFix> = Vec::new();
    for e in evidence {
        let Some(image) = e.get(keys::IMAGE) else {
            continue;
        };
        let idx = match images.iter().position(|f| f.image == image) {
            Some(i) => i,
            None => {
                images.push(ImageFix {
                    image: image.to_string(),
                    ..ImageFix::default()
                });
                images.len() - 1
            }
        };
        let ImageFix {
            containers,
            fixes,
            unfixed,
            ..
        } = &mut images[idx];
        for c in e
            .details
            .get("containers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            let c = format!("`{c}`");
            if !containers.contains(&c) {
                containers.push(c);
            }
        }
        for p in e
            .details
            .get("packages")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = p["name"].as_str().unwrap_or("?");
            let item = match p["fixed_in_version"].as_str() {
                Some(fix) if !fix.is_empty() && fix != "NotAvailable" => {
                    (format!("`{name}` to {fix}"), true)
                }
                _ => (format!("`{name}`"), false),
            };
            let list = if item.1 { &mut *fixes } else { &mut *unfixed };
            if !list.contains(&item.0) {
                list.push(item.0);
            }
        }
    }
    const MAX_PACKAGES: usize = 10;
    let mut steps = Vec::new();
    for ImageFix {
        image,
        containers,
        fixes,
        unfixed,
    } in &images
    {
        let mut step = format!(
            "Rebuild image `{image}` ({} {}) on a current, patched base image",
            if containers.len() > 1 {
                "containers"
            } else {
                "container"
            },
            containers.join(", ")
        );
        if !fixes.is_empty() {
            let shown: Vec<&str> = fixes
                .iter()
                .take(MAX_PACKAGES)
                .map(String::as_str)
                .collect();
            step.push_str(&format!(" and upgrade {}", shown.join(", ")));
            if fixes.len() > MAX_PACKAGES {
                step.push_str(&format!(
                    " and {} more package(s) listed in the findings",
                    fixes.len() - MAX_PACKAGES
                ));
            }
        }
        step.push('.');
        if !unfixed.is_empty() {
            step.push_str(&format!(
                " No fixed version is published yet for {}: remove those packages if the application does not need them, or replace them.",
                unfixed.join(", ")
            ));
        }
        steps.push(step);
    }
    steps.push("Push the rebuilt image to Amazon ECR and reference it by digest (`<repository>@sha256:…`) in a new revision of the task definition, so the service runs exactly the image Inspector scanned.".to_string());
    steps.extend(rollout_steps(ctx));
    if let Some(repo) = evidence
        .iter()
        .find_map(|e| e.get(keys::IMAGE))
        .and_then(ImageRef::parse)
        .map(|i| i.repository)
    {
        steps.push(format!(
            "Once the new image is scanned, check that no ACTIVE finding remains: `aws inspector2 list-findings --filter-criteria '{{\"ecrImageRepositoryName\":[{{\"comparison\":\"EQUALS\",\"value\":\"{repo}\"}}],\"findingStatus\":[{{\"comparison\":\"EQUALS\",\"value\":\"ACTIVE\"}}]}}'`."
        ));
    }
    steps
}

/// AWS documentation for the vulnerability traits.
pub const DOC_INSPECTOR_ECR: &str =
    "https://docs.aws.amazon.com/inspector/latest/user/scanning-ecr.html";
pub const DOC_ECR_ENHANCED_SCANNING: &str =
    "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-enhanced.html";

/// The change of the image traits: rebuild the images of the repositories their evidence
/// names, which closes the repositories' Inspector findings.
pub fn upgrade_images(p: &Proposal<'_>) -> Option<Change> {
    let mut repositories: Vec<String> = p
        .hit
        .evidence
        .iter()
        // The image reference names the repository (evidence keeps no separate copy).
        .filter_map(|e| e.get(keys::IMAGE))
        .filter_map(crate::model::ImageRef::parse)
        .map(|i| i.repository)
        .collect();
    repositories.sort();
    repositories.dedup();
    if repositories.is_empty() {
        return None;
    }
    Some(Change::UpgradeImages { repositories })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn finding(resource: Value) -> InspectorFinding {
        serde_json::from_value(json!({
            "findingArn": "arn:aws:inspector2:us-east-1:111122223333:finding/abc",
            "resources": [resource]
        }))
        .unwrap()
    }

    fn image_resource(hash: &str, tags: &[&str]) -> Value {
        json!({"type": "AWS_ECR_CONTAINER_IMAGE",
               "id": format!("arn:aws:ecr:us-east-1:111122223333:repository/web/{hash}"),
               "region": "us-east-1",
               "details": {"awsEcrContainerImage": {"registry": "111122223333", "repositoryName": "web",
                                                   "imageHash": hash, "imageTags": tags}}})
    }

    fn is_match(image: &str, f: &InspectorFinding) -> bool {
        let parsed = ImageRef::parse(image).unwrap();
        let account = parsed.ecr_account.clone().unwrap();
        let r = &f.resources[0];
        let ecr = r
            .details
            .as_ref()
            .unwrap()
            .aws_ecr_container_image
            .as_ref()
            .unwrap();
        matches(&parsed, &account, f, r, ecr)
    }

    #[test]
    fn digest_tag_account_and_region_must_agree() {
        let f = finding(image_resource("sha256:aaa", &["1.4", "latest"]));
        let host = "111122223333.dkr.ecr.us-east-1.amazonaws.com";
        assert!(is_match(&format!("{host}/web@sha256:aaa"), &f));
        assert!(is_match(&format!("{host}/web:1.4@sha256:aaa"), &f));
        assert!(!is_match(&format!("{host}/web:1.4@sha256:bbb"), &f));
        assert!(is_match(&format!("{host}/web:1.4"), &f));
        assert!(is_match(&format!("{host}/web"), &f), "no tag means latest");
        assert!(!is_match(&format!("{host}/web:1.3"), &f));
        assert!(!is_match(
            "444455556666.dkr.ecr.us-east-1.amazonaws.com/web:1.4",
            &f
        ));
        assert!(!is_match(
            "111122223333.dkr.ecr.eu-west-1.amazonaws.com/web:1.4",
            &f
        ));
    }

    #[test]
    fn severity_order() {
        assert!(severity_rank(Some("CRITICAL")) > severity_rank(Some("HIGH")));
        assert!(severity_rank(Some("LOW")) > severity_rank(Some("UNTRIAGED")));
        assert_eq!(severity_rank(None), 0);
    }
}
