//! Inspector: `list-findings` output, package vulnerabilities on the services' ECR images
//! (and on some images nobody runs), split over a few files of equal size.

use crate::layout::*;
use crate::out::Out;
use crate::rng::{Rng, hex, mix};
use serde_json::{Value, json};

const FILES: usize = 5;
const CVES: u64 = 3_000;

const PACKAGES: &[(&str, &str, &str)] = &[
    ("openssl", "OS", "3.0.13-1~deb12u1"),
    ("libc6", "OS", "2.36-9+deb12u4"),
    ("curl", "OS", "7.88.1-10+deb12u5"),
    ("zlib1g", "OS", "1:1.2.13.dfsg-1"),
    ("org.apache.logging.log4j:log4j-core", "JAR", "2.14.1"),
    (
        "com.fasterxml.jackson.core:jackson-databind",
        "JAR",
        "2.13.2",
    ),
    ("requests", "PIP", "2.31.0"),
    ("urllib3", "PIP", "1.26.15"),
    ("express", "NPM", "4.17.1"),
    ("golang.org/x/net", "GOMOD", "v0.17.0"),
];

const DESCRIPTIONS: &[&str] = &[
    "A flaw was found in the way the library parsed crafted input. A remote attacker could send a specially crafted request that causes an out-of-bounds read, which may lead to a crash of the application or disclosure of memory contents. Applications that process untrusted input with the affected functions are impacted.",
    "An issue was discovered in the handling of HTTP/2 streams: a client can reset many streams quickly, which causes excessive server resource consumption. This can be used to make the service unavailable to legitimate users when it is exposed to untrusted clients.",
    "Improper input validation in the deserialization code allows an attacker who controls serialized data to instantiate arbitrary classes available on the classpath, which can lead to remote code execution under certain configurations.",
    "A buffer overflow in the dynamic loader can allow a local user to gain elevated privileges by setting a crafted environment variable before running a set-user-ID program. Exploitation requires local access to the container.",
    "The library does not correctly limit the size of a decompressed payload, so a small compressed input can expand to exhaust memory. Services that accept compressed bodies from clients can be forced to restart.",
];

pub fn write(layout: &Layout, out: &mut Out) -> std::io::Result<()> {
    let per_file = layout.findings.div_ceil(FILES).max(1);
    let mut rng = Rng::new(layout.seed ^ 0x1A5_7EC7);
    let mut f = 0;
    let mut n = 0;
    while f < layout.findings {
        let end = (f + per_file).min(layout.findings);
        let findings: Vec<Value> = (f..end).map(|i| finding(layout, i, &mut rng)).collect();
        n += 1;
        out.write(
            &format!("inspector2-list-findings-{n}.json"),
            &json!({"findings": findings}),
        )?;
        f = end;
    }
    Ok(())
}

fn finding(layout: &Layout, i: usize, rng: &mut Rng) -> Value {
    let repos = layout.repositories();
    // One finding in twenty is on an image that no service runs.
    let repo = if i % 20 == 19 {
        repos + i % 500
    } else {
        i % repos
    };
    let cve = mix(i as u64 ^ layout.seed) % CVES;
    let network = cve.is_multiple_of(3);
    let exploit = cve.is_multiple_of(10);
    let epss = if exploit {
        0.5 + (cve % 47) as f64 / 100.0
    } else {
        (1 + cve % 500) as f64 / 10_000.0
    };
    let score = 3.0 + (cve % 70) as f64 / 10.0;
    let severity = match score {
        s if s >= 9.0 => "CRITICAL",
        s if s >= 7.0 => "HIGH",
        s if s >= 4.0 => "MEDIUM",
        _ => "LOW",
    };
    let vector = format!(
        "CVSS:3.1/AV:{}/AC:L/PR:{}/UI:N/S:U/C:H/I:H/A:{}",
        if network { "N" } else { "L" },
        if network { "N" } else { "L" },
        if cve.is_multiple_of(2) { "H" } else { "N" }
    );
    let (pkg, manager, version) = *rng.pick(PACKAGES);
    let id = format!("CVE-{}-{}", 2019 + cve % 7, 10_000 + cve * 7);
    let digest = image_digest(repo);
    let first = timestamp(0x11_0000 + i as u64);
    json!({
        "awsAccountId": ACCOUNT, "description": DESCRIPTIONS[(cve % DESCRIPTIONS.len() as u64) as usize],
        "epss": {"score": epss}, "exploitAvailable": if exploit { "YES" } else { "NO" },
        "findingArn": format!("arn:aws:inspector2:{REGION}:{ACCOUNT}:finding/{}", hex(0x12_0000_0000 + i as u64, 32)),
        "firstObservedAt": first, "fixAvailable": "YES", "inspectorScore": score,
        "inspectorScoreDetails": {"adjustedCvss": {"adjustments": [], "cvssSource": "NVD", "score": score,
            "scoreSource": "NVD", "scoringVector": vector, "version": "3.1"}},
        "lastObservedAt": "2026-11-29T21:04:55.302000+00:00",
        "packageVulnerabilityDetails": {
            "cvss": [{"baseScore": score, "scoringVector": vector, "source": "NVD", "version": "3.1"}],
            "referenceUrls": [format!("https://nvd.nist.gov/vuln/detail/{id}")],
            "relatedVulnerabilities": [], "source": "NVD",
            "sourceUrl": format!("https://nvd.nist.gov/vuln/detail/{id}"),
            "vendorCreatedAt": "2024-06-11T15:15:52+00:00", "vendorSeverity": severity,
            "vendorUpdatedAt": "2025-10-27T17:08:12+00:00", "vulnerabilityId": id,
            "vulnerablePackages": [{"arch": "X86_64", "epoch": 0, "fixedInVersion": "99.0.0",
                "name": pkg, "packageManager": manager, "remediation": format!("Upgrade {pkg} to a fixed version"),
                "sourceLayerHash": format!("sha256:{}", hex(0x13_0000 + cve, 64)), "version": version}]},
        "remediation": {"recommendation": {"text": "None Provided"}},
        "resources": [{"details": {"awsEcrContainerImage": {"architecture": "amd64", "imageHash": digest,
                "imageTags": [format!("v1.{}.{}", repo % 30, i % 9)], "inUseCount": if repo < repos { 2 } else { 0 },
                "lastInUseAt": "2026-11-29T21:00:00+00:00", "platform": "DEBIAN_12",
                "pushedAt": timestamp(0x14_0000 + repo as u64), "registry": ACCOUNT,
                "repositoryName": repository_name(repo)}},
            "id": format!("arn:aws:ecr:{REGION}:{ACCOUNT}:repository/{}/{digest}", repository_name(repo)),
            "partition": "aws", "region": REGION, "type": "AWS_ECR_CONTAINER_IMAGE"}],
        "severity": severity, "status": "ACTIVE", "title": format!("{id} - {pkg}"),
        "type": "PACKAGE_VULNERABILITY", "updatedAt": first
    })
}
