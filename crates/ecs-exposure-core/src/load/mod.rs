//! Snapshot loader: turns the JSON that AWS CLI commands print into the [`Inventory`].
//!
//! The kind of a document is recognised from its top-level keys, never from its file name.
//! Parsing is split from merging so that a caller may parse many files in parallel and merge
//! them in order. Nothing here reads files: the caller passes bytes, a name for messages and
//! how it found them ([`Found`]).

mod document;
pub mod iac;
mod redact;
mod seen;
mod shape;

pub use document::{Document, describe_output_sources, parse_document, parse_document_with};
pub use iac::NestedTemplates;

use crate::model::{Inventory, Kind};
use serde::Serialize;

/// A problem with one input, located as precisely as the input allows.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file (or other origin) the problem is in.
    pub file: String,
    /// JSON path of the offending value, e.g. `services[0].loadBalancers[0].containerPort`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(f, ":{l}:{c}")?;
        }
        write!(f, ": ")?;
        if let Some(p) = &self.path {
            write!(f, "at `{p}`: ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for Diagnostic {}

/// How the caller came to a document; it decides what one of no known kind is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// Named by the user (a file on the command line) or produced by live collection: it is
    /// meant as input, so one of no known kind is an error.
    Named,
    /// Found by walking a folder, which may hold anything: one of no known kind is skipped
    /// with a warning.
    Walked,
}

/// The end of the message of a document skipped as of no known kind (dropped when the
/// document was named, which makes it an error).
pub(crate) const SKIPPED: &str = "; skipped";

/// What parsing one document gave: data of known kinds, or a warning that it was not
/// recognised (for a document found by walking a folder, an unknown kind is not an error: the
/// rest of the input is still scanned).
pub enum Parsed {
    Known(Box<Document>),
    /// Infrastructure as code, converted into the model.
    Iac(Box<iac::IacDocument>),
    Unknown(Diagnostic),
}

/// Collects parsed documents into one inventory.
#[derive(Default)]
pub struct Loader {
    inventory: Inventory,
    warnings: Vec<Diagnostic>,
    /// CloudFormation exports seen so far, and templates waiting for them (see `iac`).
    exports: std::collections::HashMap<String, String>,
    /// The file that gave each export name first, to name both files of one given twice.
    export_origins: std::collections::HashMap<String, String>,
    importing: Vec<iac::IacDocument>,
    /// Where each resource came from, to warn of one given twice.
    seen: seen::Seen,
    /// CloudFormation nested stacks that were not followed (each has a warning).
    not_followed: usize,
}

impl Loader {
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses and merges one document the user named ([`Found::Named`]). A broken document,
    /// or one of no known kind, is an error.
    pub fn add(&mut self, origin: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.add_found(origin, bytes, Found::Named)
    }

    /// Parses and merges one document found as `found` says.
    pub fn add_found(
        &mut self,
        origin: &str,
        bytes: &[u8],
        found: Found,
    ) -> Result<(), Diagnostic> {
        let parsed = parse_document(origin, bytes, found)?;
        self.merge(parsed);
        Ok(())
    }

    pub fn merge(&mut self, parsed: Parsed) {
        match parsed {
            Parsed::Known(doc) => doc.merge_into(&mut self.inventory, &mut self.seen),
            Parsed::Iac(mut doc) => {
                self.not_followed += doc.not_followed;
                let mut exports = Vec::new();
                doc.take_notes_and_exports(&mut self.warnings, &mut exports);
                for (origin, name, value) in exports {
                    self.export(&origin, name, value);
                }
                if doc.reconvert.is_some() {
                    self.importing.push(*doc);
                } else {
                    doc.merge_into(&mut self.inventory, &mut self.seen);
                }
            }
            Parsed::Unknown(w) => self.warnings.push(w),
        }
    }

    /// Records a CloudFormation export. Export names are unique in an account and region:
    /// CloudFormation refuses to create a second stack that exports a name already exported,
    /// so a name given twice in one scan is a warning naming both files (the first stays the
    /// one `Fn::ImportValue` reads).
    fn export(&mut self, origin: &str, name: String, value: String) {
        match self.export_origins.get(&name) {
            Some(first) => self.warnings.push(Diagnostic {
                file: origin.to_string(),
                path: None,
                line: None,
                column: None,
                message: format!(
                    "export name `{name}` is also exported by {first}: export names are unique in an account and region, so CloudFormation refuses to create the second of these stacks; `Fn::ImportValue` is read from {first}"
                ),
            }),
            None => {
                self.export_origins.insert(name.clone(), origin.to_string());
                self.exports.insert(name, value);
            }
        }
    }

    /// How many CloudFormation nested stacks were not followed so far: their resources may
    /// exist and are not in the inventory (each has a warning), which `--strict` counts as a
    /// check that could not be made.
    pub fn nested_stacks_not_followed(&self) -> usize {
        self.not_followed
    }

    /// The finished inventory and the warnings met on the way.
    pub fn finish(mut self) -> (Inventory, Vec<Diagnostic>) {
        for mut doc in std::mem::take(&mut self.importing) {
            let again = doc
                .reconvert
                .as_ref()
                .filter(|_| !self.exports.is_empty())
                .and_then(|(origin, text)| iac::reconvert(origin, text, &self.exports, &doc));
            match again {
                Some(mut d) => {
                    d.keep_nested(&mut doc);
                    d.merge_into(&mut self.inventory, &mut self.seen)
                }
                None => doc.merge_into(&mut self.inventory, &mut self.seen),
            }
        }
        self.inventory.reindex();
        self.warnings.extend(self.seen.warnings());
        (self.inventory, self.warnings)
    }
}

/// The top-level keys that identify each kind, for the "unknown kind" message.
pub(crate) const KNOWN_KEYS: &[(&str, Kind)] = &[
    ("services", Kind::EcsServices),
    ("taskDefinition", Kind::EcsTaskDefinition),
    ("clusters", Kind::EcsClusters),
    ("SecurityGroups", Kind::Ec2SecurityGroups),
    ("Subnets", Kind::Ec2Subnets),
    ("RouteTables", Kind::Ec2RouteTables),
    ("NetworkAcls", Kind::Ec2NetworkAcls),
    ("InternetGateways", Kind::Ec2InternetGateways),
    ("LoadBalancers", Kind::Elbv2LoadBalancers),
    ("TargetGroups", Kind::Elbv2TargetGroups),
    ("Listeners", Kind::Elbv2Listeners),
    ("Rules", Kind::Elbv2Rules),
    ("RoleDetailList", Kind::IamAuthorizationDetails),
    ("Policies", Kind::IamAuthorizationDetails),
    ("findings", Kind::InspectorFindings),
    ("containerInstances", Kind::EcsContainerInstances),
    ("Reservations", Kind::Ec2Instances),
    ("ecsExposureCollection", Kind::Collection),
];

#[cfg(test)]
mod rules_tests;
