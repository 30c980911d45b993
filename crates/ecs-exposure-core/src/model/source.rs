//! Where a resource read from infrastructure as code is written: per resource, the position
//! in the file of each model field it was converted from, so that evidence (which names a
//! resource and a JSON path of the AWS API shape) can point at the line to change.

use super::Snippet;
use serde::Serialize;
use std::collections::HashMap;

/// A place in an input file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based.
    pub column: usize,
    /// A short window of the source line from the column on, every value masked (see
    /// [`Snippet`]): shown in reports, so it can never hold a credential.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<Snippet>,
}

/// What kind of file a [`SourceMap`] points into. Edits differ: a template is edited line by
/// line at these places (`plan`, `fix TEMPLATE`), a task definition file is rewritten whole
/// from its JSON (`fix taskdef.json`), so code that edits templates must skip the others.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SourceKind {
    /// A CloudFormation template or Terraform plan (the resource was converted from it).
    #[default]
    Template,
    /// A task definition JSON document (`register-task-definition` input or
    /// `describe-task-definition` output): the model paths are the document's own keys.
    TaskDefinitionFile,
}

/// What a resource read from a file is called in it. Code that needs a resource's logical id
/// or address asks for this instead of parsing the inventory id (`file#LogicalId`,
/// `file#aws_ecs_service.web`), whose shape is the loaders' choice, not a contract.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Origin {
    /// Not recorded.
    #[default]
    Unknown,
    /// A resource of a CloudFormation template. `nested`: converted from a nested stack's
    /// template (one child template can be used twice with different parameters, so an edit
    /// of it is not an edit of this resource alone).
    CloudFormation { logical_id: String, nested: bool },
    /// A resource of a Terraform plan, by its address (`aws_ecs_service.web`).
    TerraformPlan { address: String },
    /// A task definition document (`register-task-definition` input or
    /// `describe-task-definition` output).
    TaskDefinitionFile,
}

/// The positions of one converted resource: model JSON path → place.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    pub entries: HashMap<String, Location>,
    pub kind: SourceKind,
    pub origin: Origin,
}

impl SourceMap {
    /// The place of `field`, else of its nearest recorded ancestor
    /// (`containerDefinitions[1].mountPoints[0]` → `containerDefinitions[1]`), else of the
    /// resource itself (recorded under the empty path).
    pub fn locate(&self, field: Option<&str>) -> Option<&Location> {
        let mut path = field.unwrap_or("");
        loop {
            if let Some(l) = self.entries.get(path) {
                return Some(l);
            }
            if path.is_empty() {
                return None;
            }
            path = match path.rfind(['.', '[']) {
                Some(i) => &path[..i],
                None => "",
            };
        }
    }
}

/// A value of an IaC resource that could not be resolved (a parameter without default, an
/// import from another stack, an id known only after apply). Never treated as safe: the
/// engine reports the checks that read it as not evaluated, with this reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    pub resource: String,
    /// Model JSON path of the value (`containerDefinitions[0].privileged`).
    pub field: String,
    pub reason: String,
    pub location: Option<Location>,
}
