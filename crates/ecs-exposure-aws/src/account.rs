//! Per-account steps: who the caller is, and the IAM roles the services' tasks use.

use crate::SnapshotFile;
use crate::convert::iam::{PolicyDetail, RoleDetail, policy, role};
use crate::session::Session;
use aws_config::SdkConfig;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

/// The account id of the credentials in `cfg` (sts:GetCallerIdentity).
pub async fn identify(s: &Session, cfg: &SdkConfig, role: Option<&str>) -> Option<String> {
    // The first call: when it fails (no credentials, endpoint unreachable) the user should
    // hear so in seconds, not after the 8 adaptive attempts the data calls get.
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(cfg)
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(3))
            .build(),
    );
    let region = cfg.region().map(|r| r.to_string()).unwrap_or_default();
    s.progress(&format!(
        "identifying account{}",
        role.map(|r| format!(" via {r}")).unwrap_or_default()
    ));
    let out = s
        .call("", &region, "sts:GetCallerIdentity", role, async {
            sts.get_caller_identity().send().await
        })
        .await?;
    out.account().map(str::to_string)
}

fn role_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// The task and execution roles with their inline and attached policies, as
/// `get-account-authorization-details` prints them. Roles that cannot be read are recorded
/// as failures and left out (the core then reports admin-iam-role as not evaluated).
pub async fn iam(
    s: &Session,
    cfg: &SdkConfig,
    account: &str,
    roles: BTreeSet<String>,
) -> Vec<SnapshotFile> {
    let iam = aws_sdk_iam::Client::new(cfg);
    let region = "global";
    s.progress(&format!("{account}: IAM ({} roles)", roles.len()));
    let mut details = Vec::new();
    let mut policy_arns: BTreeMap<String, String> = BTreeMap::new();
    for arn in &roles {
        let name = role_name(arn);
        let Some(got) = s
            .call(account, region, "iam:GetRole", Some(arn), async {
                iam.get_role().role_name(name).send().await
            })
            .await
        else {
            continue;
        };
        let Some(r) = got.role() else { continue };
        let mut detail = RoleDetail {
            arn: r.arn().to_string(),
            name: r.role_name().to_string(),
            path: Some(r.path().to_string()),
            role_id: Some(r.role_id().to_string()),
            trust_policy: r.assume_role_policy_document().map(str::to_string),
            inline: Vec::new(),
            attached: Vec::new(),
        };
        // Inline policies: names, then each document.
        let mut names = Vec::new();
        let mut pages = iam
            .list_role_policies()
            .role_name(name)
            .into_paginator()
            .send();
        let mut role_ok = true;
        while let Some(page) = pages.next().await {
            s.count_page();
            match page {
                Ok(p) => names.extend(p.policy_names().iter().cloned()),
                Err(e) => {
                    s.fail(account, region, "iam:ListRolePolicies", Some(arn), &e);
                    role_ok = false;
                    break;
                }
            }
        }
        for pname in names {
            if let Some(p) = s
                .call(account, region, "iam:GetRolePolicy", Some(arn), async {
                    iam.get_role_policy()
                        .role_name(name)
                        .policy_name(&pname)
                        .send()
                        .await
                })
                .await
            {
                detail.inline.push((pname, p.policy_document().to_string()));
            } else {
                role_ok = false;
            }
        }
        let mut pages = iam
            .list_attached_role_policies()
            .role_name(name)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            s.count_page();
            match page {
                Ok(p) => {
                    for a in p.attached_policies() {
                        if let (Some(n), Some(a)) = (a.policy_name(), a.policy_arn()) {
                            detail.attached.push((n.to_string(), a.to_string()));
                            policy_arns.insert(a.to_string(), n.to_string());
                        }
                    }
                }
                Err(e) => {
                    s.fail(
                        account,
                        region,
                        "iam:ListAttachedRolePolicies",
                        Some(arn),
                        &e,
                    );
                    role_ok = false;
                    break;
                }
            }
        }
        // A role whose policies could not all be read would look less privileged than it
        // is: leave it out, so the core reports it as not evaluated instead.
        if role_ok {
            details.push(detail);
        }
    }
    let mut policies = Vec::new();
    for (arn, name) in &policy_arns {
        let Some(p) = s
            .call(account, region, "iam:GetPolicy", Some(arn), async {
                iam.get_policy().policy_arn(arn).send().await
            })
            .await
        else {
            continue;
        };
        let version = p
            .policy()
            .and_then(|p| p.default_version_id())
            .map(str::to_string);
        let mut document = None;
        if let Some(v) = &version
            && let Some(out) = s
                .call(account, region, "iam:GetPolicyVersion", Some(arn), async {
                    iam.get_policy_version()
                        .policy_arn(arn)
                        .version_id(v)
                        .send()
                        .await
                })
                .await
        {
            document = out
                .policy_version()
                .and_then(|v| v.document())
                .map(str::to_string);
        }
        policies.push(PolicyDetail {
            arn: arn.clone(),
            name: name.clone(),
            default_version_id: version,
            document,
        });
    }
    vec![SnapshotFile {
        path: format!("{account}/iam-get-account-authorization-details.json"),
        json: json!({
            "RoleDetailList": details.iter().map(role).collect::<Vec<_>>(),
            "Policies": policies.iter().map(policy).collect::<Vec<_>>(),
        }),
    }]
}
