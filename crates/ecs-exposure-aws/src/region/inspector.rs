//! Inspector findings on the ECR repositories the task definitions run.

use crate::convert;
use crate::session::Session;
use serde_json::Value;
use std::collections::BTreeSet;
use tokio::task::JoinSet;

/// ACTIVE package findings on the ECR repositories in use. `None` when Inspector could not
/// be read (not enabled, access denied).
pub(super) async fn inspector_findings(
    s: &Session,
    inspector: &aws_sdk_inspector2::Client,
    account: &str,
    region: &str,
    repositories: &BTreeSet<String>,
) -> Option<Vec<Value>> {
    let repos: Vec<String> = repositories.iter().cloned().collect();
    // A string filter takes at most 10 values; the chunks run concurrently.
    let mut set = JoinSet::new();
    for (i, chunk) in repos.chunks(10).enumerate() {
        let (s, inspector, account, region, chunk) = (
            s.clone(),
            inspector.clone(),
            account.to_string(),
            region.to_string(),
            chunk.to_vec(),
        );
        set.spawn(async move {
            let mut findings = Vec::new();
            let complete =
                findings_page(&s, &inspector, &account, &region, &chunk, &mut findings).await;
            (i, complete.then_some(findings))
        });
    }
    let mut parts = Vec::new();
    while let Some(res) = set.join_next().await {
        parts.push(res.expect("Inspector collection does not panic"));
    }
    parts.sort_by_key(|(i, _)| *i);
    let mut all = Vec::new();
    for (_, part) in parts {
        all.extend(part?);
    }
    Some(all)
}

/// Every page of ListFindings for up to 10 repositories; `false` when a page failed.
async fn findings_page(
    s: &Session,
    inspector: &aws_sdk_inspector2::Client,
    account: &str,
    region: &str,
    repos: &[String],
    findings: &mut Vec<Value>,
) -> bool {
    use aws_sdk_inspector2::types::{FilterCriteria, StringComparison, StringFilter};
    let eq = |v: &str| {
        StringFilter::builder()
            .comparison(StringComparison::Equals)
            .value(v)
            .build()
            .expect("comparison and value are both set")
    };
    let criteria = FilterCriteria::builder()
        .finding_status(eq("ACTIVE"))
        .resource_type(eq("AWS_ECR_CONTAINER_IMAGE"))
        .set_ecr_image_repository_name(Some(repos.iter().map(|r| eq(r)).collect()))
        .build();
    pages!(
        s,
        account,
        region,
        "inspector2:ListFindings",
        None,
        inspector
            .list_findings()
            .filter_criteria(criteria)
            .max_results(100),
        |p| {
            findings.extend(p.findings().iter().map(convert::inspector::finding));
        }
    )
}
