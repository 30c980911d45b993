//! `end-of-life-os`: an image the service runs is built on an operating system release whose
//! vendor support has ended (Security Hub: "The Amazon ECS service has a container with an
//! End-Of-Life operating system").
//!
//! The operating system is the one Amazon Inspector records on its findings for the image
//! (`resources[].details.awsEcrContainerImage.platform`, e.g. `DEBIAN_9`); images are joined
//! to findings as the other image traits join them (`image_findings`).

use super::image_findings::{
    ContainerImage, DOC_ECR_ENHANCED_SCANNING, DOC_INSPECTOR_ECR, all_service_findings,
};
use super::util::{DOC_TASK_DEFINITION_PARAMS, rollout_steps};
use super::*;
use crate::model::ImageRef;
use serde_json::Value;

/// The release an evidence names, read back by the remediation.
const OPERATING_SYSTEM: Key<str> = Key::new("operating_system");

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::EndOfLifeOs,
    category: Category::Vulnerability,
    title: "The Amazon ECS service has a container with an End-Of-Life operating system",
    phrase: "runs an image on an end-of-life operating system",
    doc: include_str!("end_of_life_os.md"),
    reads: &[Read::fields(Kind::EcsTaskDefinition, &["containerDefinitions[].image"]), Read::all(Kind::InspectorFindings)],
    // An unpatched base is a standing weakness, not an exploit by itself: the CVEs it
    // accumulates are judged by the vulnerability traits.
    likelihood: LikelihoodRole::Weak,
    impact: &[],
    check,
    remediation,
    change: super::image_findings::upgrade_images,
};

/// One operating system release whose vendor support has ended.
struct EndOfLife {
    family: Family,
    /// The release as Inspector's platform names it after the family, `_`-separated
    /// (`9`, `18_04`, `3_12`).
    release: &'static str,
    /// How people name it, for messages.
    name: &'static str,
    /// The day the vendor's last free support ended (ISO 8601).
    ended: &'static str,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    Debian,
    Ubuntu,
    CentOs,
    Rhel,
    OracleLinux,
    AmazonLinux,
    Alpine,
}

/// Releases past their vendor's end of support, as of 2026-12 (`AS_OF` in the tests), with
/// the vendors' published dates: Debian, the end of Debian LTS; Ubuntu, the end of standard
/// support (Ubuntu Pro's paid extension aside); CentOS, Red Hat Enterprise Linux and Oracle
/// Linux, the end of maintenance / premier support; Amazon Linux, AWS's end of support;
/// Alpine, the end of support of the release's main repository. This table must be extended
/// as releases reach their end of life (move `AS_OF` with it); a platform not listed is not
/// reported. There is no clock in the core: a release is listed only once its end date has
/// passed on the day the table was dated, so a scan gives the same answer whenever it runs.
const END_OF_LIFE: &[EndOfLife] = &[
    eol(Family::Debian, "7", "Debian 7 (wheezy)", "2018-05-31"),
    eol(Family::Debian, "8", "Debian 8 (jessie)", "2020-06-30"),
    eol(Family::Debian, "9", "Debian 9 (stretch)", "2022-06-30"),
    eol(Family::Debian, "10", "Debian 10 (buster)", "2024-06-30"),
    eol(Family::Debian, "11", "Debian 11 (bullseye)", "2026-08-31"),
    eol(Family::Ubuntu, "14_04", "Ubuntu 14.04 LTS", "2019-04-30"),
    eol(Family::Ubuntu, "16_04", "Ubuntu 16.04 LTS", "2021-04-30"),
    eol(Family::Ubuntu, "18_04", "Ubuntu 18.04 LTS", "2023-05-31"),
    eol(Family::Ubuntu, "20_04", "Ubuntu 20.04 LTS", "2025-05-31"),
    eol(Family::Ubuntu, "20_10", "Ubuntu 20.10", "2021-07-22"),
    eol(Family::Ubuntu, "21_04", "Ubuntu 21.04", "2022-01-20"),
    eol(Family::Ubuntu, "21_10", "Ubuntu 21.10", "2022-07-14"),
    eol(Family::Ubuntu, "22_10", "Ubuntu 22.10", "2023-07-20"),
    eol(Family::Ubuntu, "23_04", "Ubuntu 23.04", "2024-01-25"),
    eol(Family::Ubuntu, "23_10", "Ubuntu 23.10", "2024-07-11"),
    eol(Family::Ubuntu, "24_10", "Ubuntu 24.10", "2025-07-10"),
    eol(Family::CentOs, "6", "CentOS 6", "2020-11-30"),
    eol(Family::CentOs, "7", "CentOS 7", "2024-06-30"),
    eol(Family::CentOs, "8", "CentOS Linux 8", "2021-12-31"),
    eol(Family::Rhel, "6", "Red Hat Enterprise Linux 6", "2020-11-30"),
    eol(Family::Rhel, "7", "Red Hat Enterprise Linux 7", "2024-06-30"),
    eol(Family::OracleLinux, "6", "Oracle Linux 6", "2021-03-01"),
    eol(Family::OracleLinux, "7", "Oracle Linux 7", "2024-12-31"),
    eol(Family::AmazonLinux, "1", "Amazon Linux (AMI 2018.03)", "2023-12-31"),
    eol(Family::AmazonLinux, "2", "Amazon Linux 2", "2026-06-30"),
    eol(Family::Alpine, "3_7", "Alpine Linux 3.7", "2019-11-01"),
    eol(Family::Alpine, "3_8", "Alpine Linux 3.8", "2020-05-01"),
    eol(Family::Alpine, "3_9", "Alpine Linux 3.9", "2020-11-01"),
    eol(Family::Alpine, "3_10", "Alpine Linux 3.10", "2021-05-01"),
    eol(Family::Alpine, "3_11", "Alpine Linux 3.11", "2021-11-01"),
    eol(Family::Alpine, "3_12", "Alpine Linux 3.12", "2022-05-01"),
    eol(Family::Alpine, "3_13", "Alpine Linux 3.13", "2022-11-01"),
    eol(Family::Alpine, "3_14", "Alpine Linux 3.14", "2023-05-01"),
    eol(Family::Alpine, "3_15", "Alpine Linux 3.15", "2023-11-01"),
    eol(Family::Alpine, "3_16", "Alpine Linux 3.16", "2024-05-23"),
    eol(Family::Alpine, "3_17", "Alpine Linux 3.17", "2024-11-22"),
    eol(Family::Alpine, "3_18", "Alpine Linux 3.18", "2025-05-09"),
    eol(Family::Alpine, "3_19", "Alpine Linux 3.19", "2025-11-01"),
    eol(Family::Alpine, "3_20", "Alpine Linux 3.20", "2026-04-01"),
    eol(Family::Alpine, "3_21", "Alpine Linux 3.21", "2026-11-01"),
];

const fn eol(family: Family, release: &'static str, name: &'static str, ended: &'static str) -> EndOfLife {
    EndOfLife {
        family,
        release,
        name,
        ended,
    }
}

/// The family names Inspector's platform values start with, longest first so that
/// `ALPINE_LINUX_3_12` is read as Alpine `3_12`, not `LINUX_3_12`. Both spellings of Alpine
/// and Amazon Linux are accepted, as seen in findings and in the documentation.
const FAMILIES: &[(&str, Family)] = &[
    ("ALPINE_LINUX_", Family::Alpine),
    ("ALPINE_", Family::Alpine),
    ("AMAZON_LINUX_", Family::AmazonLinux),
    ("ORACLE_LINUX_", Family::OracleLinux),
    ("DEBIAN_", Family::Debian),
    ("UBUNTU_", Family::Ubuntu),
    ("CENTOS_", Family::CentOs),
    ("RHEL_", Family::Rhel),
];

/// The table entry for an Inspector platform value, if the release has reached its end of
/// life. The value is read leniently (case, `.` or `-` for `_`, a point release after the
/// release: `DEBIAN_9_13`, `ALPINE_LINUX_3_12_4`), since Inspector does not publish the list.
fn end_of_life(platform: &str) -> Option<&'static EndOfLife> {
    // Bounded: a platform value is a short identifier; anything longer is not one.
    if platform.len() > 64 {
        return None;
    }
    let norm: String = platform
        .trim()
        .chars()
        .map(|c| match c {
            '.' | '-' | ' ' => '_',
            c => c.to_ascii_uppercase(),
        })
        .collect();
    // Amazon Linux 1 went by its AMI version, or by no number at all.
    if matches!(
        norm.as_str(),
        "AMAZON_LINUX" | "AMAZON_LINUX_AMI" | "AMAZON_LINUX_2018_03"
    ) {
        return END_OF_LIFE
            .iter()
            .find(|e| e.family == Family::AmazonLinux && e.release == "1");
    }
    let (family, rest) = FAMILIES
        .iter()
        .find_map(|(prefix, f)| Some((*f, norm.strip_prefix(prefix)?)))?;
    let parts: Vec<&str> = rest.split('_').collect();
    if parts.iter().any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    // Ubuntu and Alpine releases are `major_minor`; the others are named by their major.
    let significant = match family {
        Family::Ubuntu | Family::Alpine => 2,
        _ => 1,
    };
    if parts.len() < significant {
        return None;
    }
    let release = parts[..significant].join("_");
    END_OF_LIFE
        .iter()
        .find(|e| e.family == family && e.release == release)
}

/// One image on an end-of-life release, with every container that runs it.
struct Hit<'a> {
    image: &'a str,
    platform: &'a str,
    eol: &'static EndOfLife,
    resource: Option<&'a str>,
    digest: Option<&'a str>,
    containers: Vec<ContainerImage<'a>>,
}

fn check(ctx: &ServiceContext<'_>, out: &mut Outcome) {
    let Some(found) = all_service_findings(ctx, out) else {
        return;
    };
    // Every finding on an image repeats its platform: keep one entry per image and release.
    let mut hits: Vec<Hit<'_>> = Vec::new();
    for m in &found {
        let Some(platform) = m.ecr.platform.as_deref() else {
            continue;
        };
        let Some(eol) = end_of_life(platform) else {
            continue;
        };
        for c in &m.containers {
            match hits
                .iter_mut()
                .find(|h| h.image == c.image && std::ptr::eq(h.eol, eol))
            {
                Some(h) => {
                    if !h.containers.iter().any(|x| x.index == c.index) {
                        h.containers.push(c.clone());
                    }
                }
                None => hits.push(Hit {
                    image: c.image,
                    platform,
                    eol,
                    resource: m.resource.id.as_deref(),
                    digest: m.ecr.image_hash.as_deref(),
                    containers: vec![c.clone()],
                }),
            }
        }
    }
    for h in &mut hits {
        h.containers.sort_by_key(|c| c.index);
    }
    hits.sort_by_key(|h| h.containers[0].index);
    for h in &hits {
        let names: Vec<String> = h.containers.iter().map(|c| format!("`{}`", c.name)).collect();
        let noun = if names.len() > 1 { "containers" } else { "container" };
        let td = ctx
            .task_definition
            .map(|t| t.task_definition_arn.as_str())
            .unwrap_or_default();
        let mut e = Evidence::new(
            h.resource.unwrap_or(td),
            format!(
                "image `{}` of {noun} {} runs {} (Inspector platform `{}`), whose vendor support ended on {}",
                h.image,
                names.join(", "),
                h.eol.name,
                h.platform,
                h.eol.ended
            ),
        )
        .container(h.containers[0].name)
        .with(keys::IMAGE, h.image)
        .detail(
            "containers",
            h.containers
                .iter()
                .map(|c| Value::from(c.name))
                .collect::<Vec<_>>(),
        )
        .detail("platform", h.platform)
        .with(OPERATING_SYSTEM, h.eol.name)
        .detail("end_of_support", h.eol.ended);
        if let Some(d) = h.digest {
            e = e.detail("image_digest", d);
        }
        out.fire(e);
        if let Some(id) = h.resource {
            out.resource(id);
        }
    }
}

fn remediation(ctx: &ServiceContext<'_>, evidence: &[Evidence]) -> Remediation {
    let mut steps: Vec<String> = evidence
        .iter()
        .filter_map(|e| {
            let image = e.get(keys::IMAGE)?;
            let os = e.get(OPERATING_SYSTEM).unwrap_or("its operating system");
            let containers: Vec<String> = e
                .details
                .get("containers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|c| format!("`{c}`"))
                .collect();
            Some(format!(
                "Rebase image `{image}` (container(s) {}) onto a supported release: change the `FROM` line of its Dockerfile from {os} to a release its vendor still supports (or a minimal base such as distroless), then rebuild. Rebuilding on the same end-of-life base is not a fix: it gets no more security updates.",
                containers.join(", ")
            ))
        })
        .collect();
    steps.push("Push the rebuilt image to Amazon ECR and reference it by digest (`<repository>@sha256:…`) in a new revision of the task definition, so the service runs exactly the image Inspector scanned.".to_string());
    steps.extend(rollout_steps(ctx));
    if let Some(repo) = evidence
        .iter()
        .find_map(|e| e.get(keys::IMAGE))
        .and_then(ImageRef::parse)
        .map(|i| i.repository)
    {
        steps.push(format!(
            "Once the new image is scanned, check the platform Inspector records for it: `aws inspector2 list-findings --filter-criteria '{{\"ecrImageRepositoryName\":[{{\"comparison\":\"EQUALS\",\"value\":\"{repo}\"}}],\"findingStatus\":[{{\"comparison\":\"EQUALS\",\"value\":\"ACTIVE\"}}]}}' --query 'findings[].resources[].details.awsEcrContainerImage.platform'`."
        ));
    }
    Remediation {
        summary: "Rebase the image onto a supported release of its operating system, rebuild it, and roll out a revision pinned to the new digest.".into(),
        steps,
        references: vec![
            DOC_INSPECTOR_ECR.to_string(),
            DOC_ECR_ENHANCED_SCANNING.to_string(),
            "https://docs.aws.amazon.com/inspector/latest/user/supported.html".to_string(),
            DOC_TASK_DEFINITION_PARAMS.to_string(),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture() {
        super::super::testing::run_fixture(&TRAIT, include_str!("fixtures/end_of_life_os.json"));
    }

    /// The day the table was last brought up to date: every entry must have ended by then.
    const AS_OF: &str = "2026-12-01";

    #[test]
    fn every_entry_ended_before_the_table_was_dated() {
        for e in END_OF_LIFE {
            assert!(
                e.ended.len() == 10 && e.ended < AS_OF,
                "{} ends {}, after {AS_OF}",
                e.name,
                e.ended
            );
        }
    }

    #[test]
    fn platform_values_are_read_leniently() {
        let name = |p: &str| end_of_life(p).map(|e| e.name);
        assert_eq!(name("DEBIAN_9"), Some("Debian 9 (stretch)"));
        assert_eq!(name("debian-9.13"), Some("Debian 9 (stretch)"));
        assert_eq!(name("UBUNTU_18_04"), Some("Ubuntu 18.04 LTS"));
        assert_eq!(name("ALPINE_LINUX_3_12"), Some("Alpine Linux 3.12"));
        assert_eq!(name("ALPINE_3_12_4"), Some("Alpine Linux 3.12"));
        assert_eq!(name("AMAZON_LINUX_1"), Some("Amazon Linux (AMI 2018.03)"));
        assert_eq!(name("AMAZON_LINUX"), Some("Amazon Linux (AMI 2018.03)"));
        assert_eq!(name("CENTOS_7"), Some("CentOS 7"));
        // Supported releases, and values that only look like one.
        for p in [
            "DEBIAN_12",
            "UBUNTU_22_04",
            "UBUNTU_18",
            "ALPINE_LINUX_3",
            "ALPINE_LINUX_3_22",
            "AMAZON_LINUX_2023",
            "AMAZON_LINUX_20",
            "DEBIAN_",
            "DEBIAN_9X",
            "WINDOWS_SERVER_2016",
            "",
        ] {
            assert_eq!(name(p), None, "{p}");
        }
        assert_eq!(name(&"DEBIAN_9".repeat(100)), None);
    }
}
