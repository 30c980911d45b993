//! The report a live collection leaves beside its documents (`ecsExposureCollection`): which
//! API calls failed. The engine turns each failure into the traits it kept from being judged.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CollectionReport {
    #[serde(default)]
    pub accounts: Vec<String>,
    #[serde(default)]
    pub regions: Vec<String>,
    #[serde(default)]
    pub api_calls: u64,
    #[serde(default)]
    pub elapsed_ms: u64,
    #[serde(default)]
    pub failures: Vec<CallFailure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallFailure {
    pub account: String,
    pub region: String,
    /// IAM action form, e.g. `ec2:DescribeSecurityGroups`.
    pub operation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    pub code: String,
    pub message: String,
}
