//! Fixes for infrastructure as code: the edit to the source instead of an AWS CLI command.
//!
//! - CloudFormation (resource ids `file#LogicalId`): line edits of the template at the places
//!   the loader recorded (`Inventory::sources`), shown as a unified diff. Only the lines of the
//!   change are touched, the rest of the file stays byte-identical, and an edit whose result
//!   the loader no longer reads is dropped for a manual note: a diff to review must never
//!   break the template.
//! - Terraform plan JSON (ids `file#address`): the plan records no `.tf` line, so a review
//!   note names the resource address, the attribute and its new value.

mod edit;
mod ops;
mod terraform;

pub use edit::{EditWindow, EditedTemplate, apply_edits, template_edits};
pub use terraform::terraform_notes;

mod error;
use crate::model::change::Change;
use crate::model::{Inventory, Origin};
pub use crate::plan::SourceDiff;
pub use error::EditError;

/// One line edit of the original text: replace `remove` lines from `line` (0-based) with
/// `insert`. Edits of one change (or of several changes) are applied bottom-up, so the line
/// numbers of the loader's source map stay valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineEdit {
    pub line: usize,
    pub remove: usize,
    pub insert: Vec<String>,
}

/// The template file and logical id of a resource converted from a CloudFormation template
/// (not from a nested stack's template, which other stacks may share), or `None`.
fn cfn_resource<'a>(inv: &'a Inventory, id: &str) -> Option<(&'a str, &'a str)> {
    match inv.origin(id) {
        Origin::CloudFormation {
            logical_id,
            nested: false,
        } => Some((source_file(inv, id)?, logical_id.as_str())),
        _ => None,
    }
}

/// The plan file and address of a resource converted from a Terraform plan, or `None`.
fn tf_resource<'a>(inv: &'a Inventory, id: &str) -> Option<(&'a str, &'a str)> {
    match inv.origin(id) {
        Origin::TerraformPlan { address } => Some((source_file(inv, id)?, address.as_str())),
        _ => None,
    }
}

/// The file the resource was read from, as the loader recorded it.
pub fn source_file<'a>(inv: &'a Inventory, id: &str) -> Option<&'a str> {
    inv.locate(id, None).map(|l| l.file.as_str())
}

fn container_index(inv: &Inventory, td: &str, name: &str) -> Option<usize> {
    inv.task_definitions
        .get(td)?
        .container_definitions
        .iter()
        .position(|c| c.name.as_deref() == Some(name))
}

fn volume_index(inv: &Inventory, td: &str, name: &str) -> Option<usize> {
    inv.task_definitions
        .get(td)?
        .volumes
        .iter()
        .position(|v| v.name.as_deref() == Some(name))
}

/// Whether the edits of all `changes` of one template, made together, still load: one load
/// of the template for all of them. Each change's edits come from that change alone, so when
/// together they load, each does on its own; when they do not, each is checked alone.
pub fn edits_load_together<'a>(
    inv: &Inventory,
    file: &str,
    text: &str,
    changes: impl Iterator<Item = &'a Change>,
) -> bool {
    let mut all = Vec::new();
    for c in changes {
        if let Ok(e) = template_edits(inv, text, c) {
            all.extend(e);
        }
    }
    !all.is_empty() && apply_edits(text, all).is_ok_and(|after| check_loads(file, &after).is_ok())
}

/// The template after one change, checked to still load; `Err` is the manual note's reason.
pub fn edit_template(
    inv: &Inventory,
    file: &str,
    text: &str,
    change: &Change,
) -> Result<String, EditError> {
    let edits = template_edits(inv, text, change)?;
    if edits.is_empty() {
        return Err(EditError::NothingToEdit);
    }
    let after = apply_edits(text, edits)?;
    check_loads(file, &after)?;
    Ok(after)
}

/// The edited template must still be read by the loader (never hand out a broken diff).
pub fn check_loads(file: &str, text: &str) -> Result<(), EditError> {
    match crate::load::iac::try_parse(file, text.as_bytes()) {
        Some(Ok(_)) => Ok(()),
        Some(Err(d)) => Err(EditError::WouldNotLoad(Box::new(d))),
        None => Err(EditError::NotATemplate),
    }
}

/// The CloudFormation template a change edits, if its resource came from one.
pub fn cfn_file<'a>(inv: &'a Inventory, change: &Change) -> Option<&'a str> {
    let id = change.resources().into_iter().next()?;
    cfn_resource(inv, &id)?;
    // A task definition file (`taskdef.json#web` has the same shape of id) is rewritten
    // whole by `fix`, never edited as a template.
    inv.sources
        .get(&id)
        .filter(|m| m.kind == crate::model::SourceKind::Template)
        .and_then(|m| m.entries.get(""))
        .map(|l| l.file.as_str())
}

#[cfg(test)]
mod tests;
