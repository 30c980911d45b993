//! SDK configuration: credentials and endpoints the AWS way, one HTTPS client, retries.

use crate::session::Session;
use aws_config::{BehaviorVersion, Region, SdkConfig, retry::RetryConfig};

/// What to collect and how to reach AWS.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Regions to scan; empty means the configured default region.
    pub regions: Vec<String>,
    /// Every region enabled for the account (ec2:DescribeRegions).
    pub all_regions: bool,
    /// Cluster names or ARNs; empty means every cluster.
    pub clusters: Vec<String>,
    pub profile: Option<String>,
    /// Overrides the endpoint of every service (tests, private endpoints). `AWS_ENDPOINT_URL`
    /// is honoured by the SDK on its own.
    pub endpoint_url: Option<String>,
    /// Roles to assume, one per account; empty means the caller's own account.
    pub role_arns: Vec<String>,
    /// Calls in flight at once.
    pub concurrency: usize,
    /// Also every ACTIVE task definition revision, not only those a service runs.
    pub all_task_definitions: bool,
}

pub async fn load(opts: &Options) -> SdkConfig {
    // One rustls+ring client for every service and for the credential providers.
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
            aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        // Adaptive retry: backs off and rate-limits itself on throttling, which large
        // accounts hit with DescribeTaskDefinition.
        .retry_config(RetryConfig::adaptive().with_max_attempts(8));
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(u) = &opts.endpoint_url {
        loader = loader.endpoint_url(u);
    }
    if let Some(r) = opts.regions.first() {
        loader = loader.region(Region::new(r.clone()));
    }
    loader.load().await
}

/// A configuration whose credentials come from assuming `role_arn`.
pub async fn assume(base: &SdkConfig, role_arn: &str) -> SdkConfig {
    let provider = aws_config::sts::AssumeRoleProvider::builder(role_arn)
        .session_name("ecs-exposure")
        .configure(base)
        .build()
        .await;
    base.to_builder()
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(provider),
        )
        .build()
}

/// The regions to scan for one account.
pub async fn regions(
    opts: &Options,
    cfg: &SdkConfig,
    session: &Session,
    account: &str,
) -> Result<Vec<String>, String> {
    if opts.all_regions {
        let ec2 = aws_sdk_ec2::Client::new(cfg);
        let region = cfg.region().map(|r| r.to_string()).unwrap_or_default();
        let out = session
            .call(account, &region, "ec2:DescribeRegions", None, async {
                ec2.describe_regions().all_regions(false).send().await
            })
            .await
            .ok_or("ec2:DescribeRegions failed: cannot list the account's regions")?;
        let mut v: Vec<String> = out
            .regions()
            .iter()
            .filter_map(|r| r.region_name().map(str::to_string))
            .collect();
        v.sort();
        return Ok(v);
    }
    if !opts.regions.is_empty() {
        return Ok(opts.regions.clone());
    }
    cfg.region().map(|r| vec![r.to_string()]).ok_or_else(|| {
        "no region: pass --region, set AWS_REGION, or configure a default region".to_string()
    })
}
