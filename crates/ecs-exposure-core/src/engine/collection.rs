//! Calls that failed during live collection, and what each kept from being judged.
//!
//! A failed call leaves data out of the inventory; the traits then record gaps of their own
//! ("no security groups in the input"). This names the cause: the call, its error, the traits
//! it affects and the services concerned.

use crate::model::{CallFailure, Inventory, Kind, arn_account_region};
use crate::traits::TraitId;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FailedCall {
    /// The failed call in IAM action form, e.g. `ec2:DescribeSecurityGroups`.
    pub operation: String,
    pub account: String,
    pub region: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// `<code>: <message>` as AWS returned it.
    pub error: String,
    /// Traits that could not be judged (fully) because of it.
    pub traits_not_evaluated: Vec<TraitId>,
    /// Services concerned (all services of the account and region when the call was not
    /// about one thing).
    pub resources: Vec<String>,
}

/// The traits a call's data feeds: those that declare a read of what it collects.
pub fn traits_fed_by(operation: &str) -> Vec<TraitId> {
    let kinds = Kind::fed_by(operation);
    crate::traits::ALL
        .iter()
        .filter(|t| kinds.is_none_or(|k| t.reads_any(k)))
        .map(|t| t.id)
        .collect()
}

pub fn failed_calls(inv: &Inventory) -> Vec<FailedCall> {
    inv.collection_failures
        .iter()
        .map(|f| describe(inv, f))
        .collect()
}

fn describe(inv: &Inventory, f: &CallFailure) -> FailedCall {
    let mut resources = Vec::new();
    for s in inv.services.values() {
        let (account, region) = arn_account_region(&s.service_arn);
        let same_place = (f.account.is_empty() || account == Some(f.account.as_str()))
            && (f.region == "global" || f.region.is_empty() || region == Some(f.region.as_str()));
        if !same_place {
            continue;
        }
        let concerned = match f.target.as_deref() {
            None => true,
            Some(t) => {
                let td = s.task_definition.as_deref();
                let role = td
                    .and_then(|arn| inv.task_definition(arn))
                    .map(|d| (d.task_role_arn.as_deref(), d.execution_role_arn.as_deref()));
                td == Some(t)
                    || s.cluster_arn.as_deref().is_some_and(|c| c == t || c.ends_with(&format!("/{t}")))
                    || role.is_some_and(|(a, b)| a == Some(t) || b == Some(t))
                    || s.load_balancers.iter().any(|l| l.target_group_arn.as_deref() == Some(t))
                    // A target the service does not name directly (a load balancer, a policy):
                    // every service of the place may depend on it.
                    || !(t.contains(":service/")
                        || t.contains(":task-definition/")
                        || t.contains(":role/")
                        || t.contains(":cluster/"))
            }
        };
        if concerned {
            resources.push(s.service_arn.clone());
        }
    }
    FailedCall {
        operation: f.operation.clone(),
        account: f.account.clone(),
        region: f.region.clone(),
        target: f.target.clone(),
        error: format!("{}: {}", f.code, f.message),
        traits_not_evaluated: traits_fed_by(&f.operation),
        resources,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TraitId::*;

    #[test]
    fn calls_map_to_the_traits_they_feed() {
        assert_eq!(
            traits_fed_by("inspector2:ListFindings"),
            vec![
                ExploitableVulnerability,
                SoftwareVulnerability,
                EndOfLifeOs,
                MaliciousPackage
            ]
        );
        assert_eq!(
            traits_fed_by("ec2:DescribeRouteTables"),
            vec![InternetReachable]
        );
        // Without the rules a rule-routed service's path cannot be judged.
        assert_eq!(
            traits_fed_by("elasticloadbalancing:DescribeRules"),
            vec![InternetReachable]
        );
        assert_eq!(
            traits_fed_by("ecs:ListServices").len(),
            crate::traits::ALL.len()
        );
        assert!(traits_fed_by("ecs:DescribeClusters").is_empty());
        assert!(traits_fed_by("iam:GetRole").contains(&AdminIamRole));
        for op in [
            "ecs:ListContainerInstances",
            "ecs:DescribeContainerInstances",
            "ec2:DescribeInstances",
        ] {
            assert_eq!(
                traits_fed_by(op),
                vec![OpenSecurityGroup, PublicIp, InternetReachable],
                "{op}"
            );
        }
    }
}
