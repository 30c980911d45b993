//! What a remediation's fix holds. The record is the plan's (every remediation has one, and
//! `plan --format json` writes it as `fix`); the fix layer (`crate::fix`) fills it in: the
//! commands, the new task definition revision, the template diff.

use crate::model::change::Applicability;
use serde::Serialize;
use serde_json::{Map, Value};

/// The fix of one remediation.
#[derive(Debug, Clone, Serialize)]
pub struct Fix {
    pub applicability: Applicability,
    /// AWS CLI commands, in order.
    pub commands: Vec<String>,
    /// Policy documents the commands read (`file://NAME`), by file name: starting points to
    /// review, never final.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub files: Map<String, Value>,
    /// The new task definition revision (`register-task-definition --cli-input-json`), when
    /// the original document is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_definition: Option<Value>,
    /// Infrastructure as code: the edit of the CloudFormation template, as a unified diff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_diff: Option<SourceDiff>,
    /// What a person must check or supply.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A unified diff of one template file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceDiff {
    pub file: String,
    pub diff: String,
}

impl Fix {
    /// A fix with nothing in it yet, for a change of this applicability.
    pub fn empty(applicability: Applicability) -> Fix {
        Fix {
            applicability,
            commands: Vec::new(),
            files: Map::new(),
            task_definition: None,
            source_diff: None,
            notes: Vec::new(),
        }
    }
}
