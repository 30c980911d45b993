//! A suppression: a trait accepted on purpose for some resources. The type lives in the model
//! because every input can carry one (`.ecs-exposure.toml`, CloudFormation `Metadata`,
//! Terraform tags) and loaders produce them; applying them is the engine's job
//! (`crate::suppress`).

use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Suppression {
    /// A trait id, or `*` for every trait.
    #[serde(rename = "trait")]
    pub trait_id: String,
    /// A pattern (`*` matches any run of characters) for the service's uid or any resource
    /// the trait comes from.
    pub resource: String,
    pub reason: String,
    /// `YYYY-MM-DD`: the last day the suppression applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Where it was written (`.ecs-exposure.toml`, `stack.yaml:12`).
    pub source: String,
    /// Whether it was written in a suppressions file or beside the resource (SARIF reports
    /// the two as `external` and `inSource`).
    #[serde(skip)]
    pub written: Written,
}

/// Where a suppression was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// A suppressions file (`.ecs-exposure.toml`, `--config`).
    InConfig,
    /// Beside the resource in the scanned source (CloudFormation `Metadata`, Terraform tags).
    InSource,
}
