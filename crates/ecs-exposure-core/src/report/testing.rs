//! A synthetic [`Analysis`] shared by the report tests, built directly (not through the
//! detectors) so that report snapshots do not move when a detector changes. Findings go
//! through [`assess`] so titles, severities and explanations are the engine's own.

use super::{ReportOptions, ScanTime};
use crate::engine::{Analysis, NotEvaluated, ResourceRef, Severity, assess};
use crate::load::Diagnostic;
use crate::traits::{Category, Evidence, Facet, PathStep, Remediation, TraitHit, TraitId};
use std::collections::{BTreeMap, BTreeSet};

const ACCOUNT: &str = "111122223333";
const REGION: &str = "us-east-1";

fn service(cluster: &str, name: &str) -> ResourceRef {
    let mut tags = BTreeMap::new();
    tags.insert("team".to_string(), "payments".to_string());
    ResourceRef {
        resource_type: "AWS::ECS::Service",
        uid: format!("arn:aws:ecs:{REGION}:{ACCOUNT}:service/{cluster}/{name}"),
        name: name.to_string(),
        cluster: Some(format!("arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/{cluster}")),
        account: Some(ACCOUNT.to_string()),
        region: Some(REGION.to_string()),
        partition: "aws".to_string(),
        task_definition: Some(format!(
            "arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{name}:7"
        )),
        tags: if name == "web" { tags } else { BTreeMap::new() },
    }
}

fn td(name: &str) -> String {
    format!("arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{name}:7")
}

fn hit(
    id: TraitId,
    category: Category,
    title: &'static str,
    evidence: Vec<Evidence>,
    facets: &[Facet],
    summary: &str,
) -> TraitHit {
    let mut resources: Vec<String> = Vec::new();
    for e in &evidence {
        if !resources.contains(&e.resource) {
            resources.push(e.resource.clone());
        }
    }
    TraitHit {
        id,
        category,
        title,
        evidence,
        resources,
        facets: facets.iter().copied().collect::<BTreeSet<_>>(),
        remediation: Remediation {
            summary: summary.to_string(),
            steps: vec![
                format!("First step to close {id}."),
                format!(
                    "Second step to close {id}, which is deliberately long enough to need wrapping when it is printed in a terminal of one hundred columns."
                ),
            ],
            references: vec![
                format!("https://docs.aws.amazon.com/example/{id}.html"),
                "https://docs.aws.amazon.com/securityhub/latest/userguide/exposure-ecs-service.html"
                    .to_string(),
            ],
        },
    }
}

fn reachable(name: &str, direct: bool) -> TraitHit {
    let eni = "eni-0a1b2c3d4e5f60718";
    let mut e = Evidence::new(
        eni,
        format!("service `{name}` accepts tcp/443 from 0.0.0.0/0 on a public IP"),
    )
    .step(PathStep::new(
        "AWS::EC2::InternetGateway",
        "igw-0123456789abcdef0",
        "route 0.0.0.0/0 in rtb-0fedcba9876543210",
    ))
    .step(PathStep::new(
        "AWS::EC2::NetworkAcl",
        "acl-0aaa1111bbbb2222c",
        "rule 100 allows tcp 0-65535 from 0.0.0.0/0",
    ))
    .step(PathStep::new(
        "AWS::EC2::SecurityGroup",
        "sg-0123abcd4567ef890",
        "allows tcp 443 from 0.0.0.0/0",
    ))
    .step(PathStep::new(
        "AWS::EC2::NetworkInterface",
        eni,
        "public IP 203.0.113.10",
    ))
    .step(PathStep::new("Port", "tcp/443", "container `web` port 443"));
    e.field = Some("NetworkInterfaces[0].Association.PublicIp".to_string());
    hit(
        TraitId::InternetReachable,
        Category::Reachability,
        "The Amazon ECS service is reachable over the internet",
        vec![e],
        if direct {
            &[Facet::DirectPath]
        } else {
            &[Facet::LoadBalancerPath]
        },
        "Remove the public path to the service.",
    )
}

fn privileged(name: &str) -> TraitHit {
    hit(
        TraitId::PrivilegedContainer,
        Category::Misconfiguration,
        "The Amazon ECS service uses a task definition configured with elevated privileges",
        vec![
            Evidence::new(td(name), "container `agent` sets `privileged: true`")
                .container("agent")
                .field("containerDefinitions[1].privileged"),
        ],
        &[],
        "Run the containers without privileged mode.",
    )
}

/// Five findings (CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL), two gaps (one over more
/// services than the text report lists) and one input warning.
pub fn analysis() -> Analysis {
    let web = assess(
        service("prod", "web"),
        vec![
            reachable("web", true),
            hit(
                TraitId::ExploitableVulnerability,
                Category::Vulnerability,
                "The Amazon ECS service has a network-exploitable software vulnerability with a high likelihood of exploitation",
                vec![
                    Evidence::new(
                        "arn:aws:inspector2:us-east-1:111122223333:finding/0123456789abcdef0123456789abcdef",
                        "image `web:1.4` has CVE-2024-3094 (CVSS 10.0, AV:N, exploit available, EPSS 0.87)",
                    )
                    .container("web")
                    .detail("vulnerability_id", "CVE-2024-3094")
                    .detail("epss", 0.87),
                ],
                &[Facet::NetworkVector],
                "Update the image to a release without the vulnerability.",
            ),
            hit(
                TraitId::AdminIamRole,
                Category::Assumability,
                "The Amazon ECS service has an administrative IAM role",
                vec![
                    Evidence::new(
                        "arn:aws:iam::111122223333:role/web-task",
                        "task role `web-task` has `AdministratorAccess` attached",
                    )
                    .field("AttachedManagedPolicies[0]"),
                ],
                &[],
                "Give the task role only the permissions the application uses.",
            ),
        ],
    );
    let agent = assess(
        service("ops", "agent"),
        vec![reachable("agent", false), privileged("agent")],
    );
    let billing = assess(
        service("prod", "billing"),
        vec![hit(
            TraitId::PlaintextCredentials,
            Category::Misconfiguration,
            "The Amazon ECS service has plaintext credentials in its task definition",
            vec![
                Evidence::new(
                    td("billing"),
                    "container `billing` sets `DB_PASSWORD` to a password in plaintext (`hu****`)",
                )
                .container("billing")
                .field("containerDefinitions[0].environment[2].value")
                .detail("masked", "hu****"),
            ],
            &[],
            "Move the credentials to AWS Secrets Manager.",
        )],
    );
    let batch = assess(
        service("jobs", "batch"),
        vec![hit(
            TraitId::PublicIp,
            Category::Reachability,
            "The Amazon ECS service assigns public IP addresses",
            vec![
                Evidence::new(
                    "arn:aws:ecs:us-east-1:111122223333:service/jobs/batch",
                    "the service sets `assignPublicIp: ENABLED`",
                )
                .field("networkConfiguration.awsvpcConfiguration.assignPublicIp"),
            ],
            &[],
            "Stop assigning public IPs.",
        )],
    );
    let cron = assess(
        service("jobs", "cron"),
        vec![hit(
            TraitId::RootUser,
            Category::Misconfiguration,
            "The Amazon ECS service runs containers as root",
            vec![
                Evidence::new(
                    td("cron"),
                    "container `cron` sets no `user`, so it runs as root",
                )
                .container("cron")
                .field("containerDefinitions[0].user"),
            ],
            &[],
            "Run the container as a non-root user.",
        )],
    );
    let mut findings = vec![web, agent, billing, batch, cron];
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let expected = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Informational,
    ];
    assert_eq!(
        findings.iter().map(|f| f.severity).collect::<Vec<_>>(),
        expected,
        "the sample covers every severity once"
    );
    let many: Vec<String> = ["web", "agent", "billing", "batch", "cron", "api", "queue"]
        .iter()
        .map(|n| format!("arn:aws:ecs:{REGION}:{ACCOUNT}:service/prod/{n}"))
        .collect();
    Analysis {
        findings,
        not_evaluated: vec![
            NotEvaluated {
                trait_id: TraitId::AdminIamRole,
                reason: "no IAM roles in the input (add the output of `aws iam get-account-authorization-details`)".to_string(),
                resources: many,
            },
            NotEvaluated {
                trait_id: TraitId::PrivilegedContainer,
                reason: "task definition arn:aws:ecs:us-east-1:111122223333:task-definition/api:3 is not in the input (add `aws ecs describe-task-definition` for it)".to_string(),
                resources: vec![format!("arn:aws:ecs:{REGION}:{ACCOUNT}:service/prod/api")],
            },
        ],
        collection_failures: vec![crate::engine::FailedCall {
            operation: "inspector2:ListFindings".to_string(),
            account: ACCOUNT.to_string(),
            region: REGION.to_string(),
            target: None,
            error: "AccessDeniedException: Inspector is not enabled for this account".to_string(),
            traits_not_evaluated: vec![
                TraitId::ExploitableVulnerability,
                TraitId::SoftwareVulnerability,
            ],
            resources: vec![format!("arn:aws:ecs:{REGION}:{ACCOUNT}:service/prod/web")],
        }],
        services_scanned: 12,
        task_definitions_scanned: 0,
        suppressed: Vec::new(),
    }
}

pub fn options(min_severity: Severity) -> ReportOptions {
    ReportOptions {
        min_severity,
        warnings: vec![Diagnostic {
            file: "snapshot/cloudtrail.json".to_string(),
            path: None,
            line: None,
            column: None,
            message: "unknown kind of document (top-level keys: Trails)".to_string(),
        }],
        tool_version: "0.1.0".to_string(),
        time: ScanTime {
            rfc3339: "2026-11-30T00:53:20Z".to_string(),
            epoch_ms: 1_796_000_000_000,
        },
        threads: 2,
        what_if: Default::default(),
    }
}
