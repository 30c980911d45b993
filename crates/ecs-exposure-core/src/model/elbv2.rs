//! Load balancing as `aws elbv2 describe-*` prints it.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LoadBalancer {
    pub load_balancer_arn: String,
    pub load_balancer_name: Option<String>,
    #[serde(rename = "DNSName")]
    pub dns_name: Option<String>,
    /// `internet-facing` or `internal`.
    pub scheme: Option<String>,
    /// `application`, `network` or `gateway`.
    #[serde(rename = "Type")]
    pub lb_type: Option<String>,
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub security_groups: Vec<String>,
    #[serde(default)]
    pub availability_zones: Vec<LbAvailabilityZone>,
    /// `ipv4` or `dualstack`.
    pub ip_address_type: Option<String>,
}

impl LoadBalancer {
    pub fn is_internet_facing(&self) -> bool {
        self.scheme.as_deref() == Some("internet-facing")
    }
    pub fn name(&self) -> &str {
        self.load_balancer_name
            .as_deref()
            .unwrap_or(&self.load_balancer_arn)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LbAvailabilityZone {
    pub subnet_id: Option<String>,
    pub zone_name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TargetGroup {
    pub target_group_arn: String,
    pub target_group_name: Option<String>,
    pub protocol: Option<String>,
    pub port: Option<u16>,
    pub vpc_id: Option<String>,
    pub target_type: Option<String>,
    #[serde(default)]
    pub load_balancer_arns: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Listener {
    pub listener_arn: String,
    pub load_balancer_arn: String,
    pub port: Option<u16>,
    pub protocol: Option<String>,
    #[serde(default)]
    pub default_actions: Vec<ListenerAction>,
}

impl Listener {
    /// Every target group a default action forwards to (plain and weighted forwards).
    pub fn forward_target_groups(&self) -> impl Iterator<Item = &str> {
        self.default_actions
            .iter()
            .filter(|a| a.action_type.eq_ignore_ascii_case("forward"))
            .flat_map(|a| {
                a.target_group_arn.iter().map(String::as_str).chain(
                    a.forward_config
                        .iter()
                        .flat_map(|f| f.target_groups.iter())
                        .filter_map(|t| t.target_group_arn.as_deref()),
                )
            })
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListenerAction {
    #[serde(rename = "Type")]
    pub action_type: String,
    pub target_group_arn: Option<String>,
    pub forward_config: Option<ForwardConfig>,
    /// Actions run lowest `Order` first.
    #[serde(default, deserialize_with = "super::elbv2_rules::number_or_text")]
    pub order: Option<i64>,
    pub authenticate_cognito_config: Option<AuthenticateConfig>,
    pub authenticate_oidc_config: Option<AuthenticateConfig>,
}

/// The parts of `AuthenticateCognitoConfig` / `AuthenticateOidcConfig` that say who signs the
/// caller in and whether sign-in is required (client secrets are not read).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthenticateConfig {
    pub user_pool_arn: Option<String>,
    pub issuer: Option<String>,
    /// `deny`, `allow` or `authenticate` (the default).
    pub on_unauthenticated_request: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ForwardConfig {
    #[serde(default)]
    pub target_groups: Vec<WeightedTargetGroup>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WeightedTargetGroup {
    pub target_group_arn: Option<String>,
    /// 0 to 999; a group of weight 0 gets no traffic.
    #[serde(default, deserialize_with = "super::elbv2_rules::weight")]
    pub weight: Option<u64>,
}
