//! The fix layer: what a planned remediation becomes once it is to be done. For each
//! remediation of a [`Plan`] it writes the AWS CLI commands, the new task definition revision
//! (from the original document) and the edit of the CloudFormation template, without ever
//! writing a credential. It reads the plan (the planner decides what to do and what it is
//! worth); the reports and the CLI read what it fills in.
//!
//! - [`commands`]: the commands and policy documents of a change; a task definition document
//!   rewritten by a change.
//! - [`source`]: template edits (CloudFormation) and review notes (Terraform plans).
//! - [`diff`]: unified diffs of those edits.
//! - [`credentials`]: the credential values a fix must never print, and their masking.

pub mod commands;
pub mod credentials;
pub mod diff;
pub mod source;

pub use commands::{
    READ_ONLY_FIELDS, document_arn, register_input, rewrite, task_definition_object,
};
pub use credentials::Credentials;

use crate::engine::Analysis;
use crate::model::Inventory;
use crate::model::change::{Change, EnvVar};
use crate::plan::Plan;
use crate::traits::keys;
use std::collections::HashMap;

/// Fills in each remediation's commands, policy files and review notes.
pub fn complete(plan: &mut Plan, inv: &Inventory) {
    for r in &mut plan.remediations {
        r.fix = commands::for_change(inv, &r.change, &r.services);
    }
}

/// Adds to each task definition remediation its new revision as `register-task-definition`
/// input, from the original documents (by task definition ARN; `describe-task-definition`
/// output or `register-task-definition` input). The model keeps only the fields the traits
/// read, so the caller, which has the files, supplies them.
///
/// A revision that would still hold plaintext credentials (the task definition has some and
/// this remediation does not move them) is not given: a plan is shared (a pull request
/// comment, a ticket) and must never carry a credential. A note says why instead. A
/// credential on a command line, which no change moves, is shown masked in the revision.
pub fn attach_task_definitions(
    plan: &mut Plan,
    analysis: &Analysis,
    documents: &HashMap<String, serde_json::Value>,
) {
    let credentials = credential_variables(analysis);
    for r in &mut plan.remediations {
        let Some(arn) = r.change.task_definition() else {
            continue;
        };
        if let Some(vars) = credentials.get(arn) {
            let moved = match &r.change {
                Change::MoveEnvToSecrets { variables, .. } => {
                    vars.iter().all(|v| variables.contains(v))
                }
                _ => false,
            };
            if !moved {
                r.fix.notes.push(format!(
                    "The new revision is not shown because task definition `{}` holds plaintext credentials that this change does not move; move them to `secrets` first (`move-env-to-secrets`), or run `ecs-exposure fix` on the task definition file.",
                    arn.rsplit('/').next().unwrap_or(arn)
                ));
                continue;
            }
        }
        let Some(mut input) = documents.get(arn).and_then(register_input) else {
            continue;
        };
        if rewrite(&mut input, &r.change, arn) {
            // A copy of a moved value elsewhere in the document (a `command` argument) is
            // still a credential: shown masked.
            let vars = credentials.get(arn).map(Vec::as_slice).unwrap_or_default();
            let creds = documents
                .get(arn)
                .map(|d| Credentials::from_document(arn, d, vars))
                .unwrap_or_default();
            r.fix.task_definition = Some(creds.masked_document(&input));
        }
    }
}

/// Adds to each remediation of a CloudFormation resource the edit of its template, as a
/// unified diff, from the template texts by file name as the loader recorded it (the core
/// does no I/O: the caller reads them). A change that is no safe text edit gets a note naming
/// the file and line to change instead.
///
/// A plan is shared (a pull request comment, a ticket): each line of the diff that holds part
/// of a plaintext credential value, decided on the template's parse tree, is shown as a
/// placeholder (see [`Credentials::template_diff`]), with a note.
pub fn attach_template_edits(plan: &mut Plan, inv: &Inventory, texts: &HashMap<String, String>) {
    let mut credentials: Option<Credentials> = None;
    // The credential lines of each template as it is, found once: every remediation of the
    // file is an edit of that same text.
    let mut hidden: HashMap<&str, std::collections::BTreeSet<usize>> = HashMap::new();
    // One load check per template for the edits of all its remediations together, instead
    // of one per remediation (see `source::edits_load_together`).
    let mut changes: HashMap<&str, Vec<&Change>> = HashMap::new();
    for r in &plan.remediations {
        if let Some(file) = source::cfn_file(inv, &r.change) {
            changes.entry(file).or_default().push(&r.change);
        }
    }
    let loads: HashMap<&str, bool> = changes
        .into_iter()
        .filter_map(|(file, changes)| {
            let text = texts.get(file)?;
            let together = source::edits_load_together(inv, file, text, changes.into_iter());
            Some((file, together))
        })
        .collect();
    let mut windows: HashMap<&str, source::EditedTemplate> = HashMap::new();
    for r in &mut plan.remediations {
        let Some(file) = source::cfn_file(inv, &r.change) else {
            continue;
        };
        let Some(text) = texts.get(file) else {
            continue;
        };
        // Known to load: the edit is made and shown on the lines around it only. Otherwise
        // the whole template is edited and loaded again to check it.
        let edited = if loads.get(file).copied().unwrap_or(false) {
            source::template_edits(inv, text, &r.change).and_then(|e| {
                if e.is_empty() {
                    return Err(source::EditError::NothingToEdit);
                }
                windows
                    .entry(file)
                    .or_insert_with(|| source::EditedTemplate::new(text))
                    .window(e)
            })
        } else {
            source::edit_template(inv, file, text, &r.change).map(|after| source::EditWindow {
                first_line: 0,
                before: text,
                after,
            })
        };
        match edited {
            Ok(edit) => {
                let creds = credentials.get_or_insert_with(|| Credentials::find(inv));
                let before = hidden
                    .entry(file)
                    .or_insert_with(|| creds.template_lines(file, text));
                let diff = creds.template_edit_diff(before, &edit, file);
                if diff.contains(diff::HIDDEN_LINE) {
                    r.fix.notes.push(format!(
                        "Lines of `{file}` that hold a plaintext credential are not shown in the edit; move the credentials to `Secrets` first, then apply the edit with `ecs-exposure fix {file}`."
                    ));
                }
                r.fix.source_diff = Some(source::SourceDiff {
                    file: file.to_string(),
                    diff,
                })
            }
            Err(why) => {
                let at = r
                    .change
                    .resources()
                    .first()
                    .and_then(|id| inv.locate(id, None))
                    .map(|l| format!("{}:{}", l.file, l.line))
                    .unwrap_or_else(|| file.to_string());
                r.fix
                    .notes
                    .push(format!("Manual edit of the template at {at}: {why}."));
            }
        }
    }
}

/// The environment variables that `plaintext-credentials` found, by task definition ARN.
/// Suppressed hits count too: a credential the team accepted is still a credential, and a
/// revision shown in a plan must neither be given nor show it unmasked.
pub fn credential_variables(analysis: &Analysis) -> HashMap<String, Vec<EnvVar>> {
    let mut out: HashMap<String, Vec<EnvVar>> = HashMap::new();
    let hits = analysis
        .findings
        .iter()
        .flat_map(|f| &f.traits)
        .chain(analysis.suppressed.iter().map(|s| &s.hit));
    // A credential variable is whatever evidence names one under `keys::VARIABLE`
    // (plaintext-credentials writes it), whichever trait it is.
    for hit in hits {
        for e in &hit.evidence {
            let (Some(container), Some(name)) = (e.container.clone(), e.get(keys::VARIABLE)) else {
                continue;
            };
            let v = EnvVar {
                container,
                name: name.to_string(),
            };
            let list = out.entry(e.resource.clone()).or_default();
            if !list.contains(&v) {
                list.push(v);
            }
        }
    }
    out
}
