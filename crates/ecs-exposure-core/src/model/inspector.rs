//! Package vulnerability findings as `aws inspector2 list-findings` prints them.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectorFinding {
    pub finding_arn: String,
    pub aws_account_id: Option<String>,
    /// `PACKAGE_VULNERABILITY`, `NETWORK_REACHABILITY` or `CODE_VULNERABILITY`.
    #[serde(rename = "type")]
    pub finding_type: Option<String>,
    pub title: Option<String>,
    pub severity: Option<String>,
    /// `ACTIVE`, `SUPPRESSED` or `CLOSED`.
    pub status: Option<String>,
    /// `YES` or `NO`.
    pub exploit_available: Option<String>,
    pub fix_available: Option<String>,
    pub inspector_score: Option<f64>,
    pub inspector_score_details: Option<ScoreDetails>,
    pub epss: Option<Epss>,
    pub package_vulnerability_details: Option<PackageVulnerabilityDetails>,
    #[serde(default)]
    pub resources: Vec<InspectorResource>,
}

impl InspectorFinding {
    pub fn is_active(&self) -> bool {
        self.status.as_deref().unwrap_or("ACTIVE") == "ACTIVE"
    }

    pub fn is_package_vulnerability(&self) -> bool {
        self.finding_type
            .as_deref()
            .unwrap_or("PACKAGE_VULNERABILITY")
            == "PACKAGE_VULNERABILITY"
    }

    pub fn vulnerability_id(&self) -> &str {
        self.package_vulnerability_details
            .as_ref()
            .map(|p| p.vulnerability_id.as_str())
            .or(self.title.as_deref())
            .unwrap_or(&self.finding_arn)
    }

    /// The CVSS vector Inspector scored with, else the first vendor vector.
    pub fn cvss_vector(&self) -> Option<&str> {
        self.inspector_score_details
            .as_ref()
            .and_then(|d| d.adjusted_cvss.as_ref())
            .and_then(|c| c.scoring_vector.as_deref())
            .or_else(|| {
                self.package_vulnerability_details
                    .as_ref()
                    .and_then(|p| p.cvss.iter().find_map(|c| c.scoring_vector.as_deref()))
            })
    }

    /// `AV:N` in the CVSS vector.
    pub fn network_attack_vector(&self) -> bool {
        self.cvss_vector()
            .is_some_and(|v| v.split('/').any(|m| m == "AV:N"))
    }

    pub fn exploit_available(&self) -> bool {
        self.exploit_available.as_deref() == Some("YES")
    }

    pub fn epss_score(&self) -> Option<f64> {
        self.epss.as_ref().and_then(|e| e.score)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoreDetails {
    pub adjusted_cvss: Option<Cvss>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cvss {
    pub scoring_vector: Option<String>,
    pub base_score: Option<f64>,
    pub score: Option<f64>,
    pub version: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Epss {
    pub score: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageVulnerabilityDetails {
    pub vulnerability_id: String,
    #[serde(default)]
    pub cvss: Vec<Cvss>,
    #[serde(default)]
    pub vulnerable_packages: Vec<VulnerablePackage>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VulnerablePackage {
    pub name: String,
    pub version: Option<String>,
    pub fixed_in_version: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectorResource {
    #[serde(rename = "type")]
    pub resource_type: Option<String>,
    pub id: Option<String>,
    pub region: Option<String>,
    pub details: Option<ResourceDetails>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceDetails {
    pub aws_ecr_container_image: Option<EcrImage>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EcrImage {
    pub repository_name: Option<String>,
    pub image_hash: Option<String>,
    /// The registry's account id.
    pub registry: Option<String>,
    #[serde(default)]
    pub image_tags: Vec<String>,
    pub platform: Option<String>,
}
