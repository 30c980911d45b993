//! The plaintext credentials of an input, found by the `plaintext-credentials` check itself,
//! and how `plan` and `fix` keep them out of what they show and write. Every decision is made
//! on parsed values, never by searching the output text for the raw value, which escaping
//! (`\"`, `\n` in a PEM key, YAML `''`) or a block scalar defeats:
//!
//! - a task definition document (JSON that we serialize) is shown from a copy in which each
//!   credential string is replaced by its masked form ([`Credentials::masked_document`]);
//! - a template diff (lines of the original file) shows each line that holds part of a
//!   credential value, by the template's parse tree, as a placeholder
//!   ([`Credentials::template_diff`]);
//! - a file to write is loaded again and checked ([`Credentials::find`] on its inventory).

use super::EnvVar;
use super::diff::{Hidden, diff_hiding, diff_window_hiding_before};
use crate::load::iac::Pieces;
use crate::model::{Inventory, SecretString, Service};
use crate::traits::keys;
use crate::traits::{self, Outcome, ServiceContext, TraitId};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The plaintext credentials of an inventory. The values are kept only to recognise them;
/// nothing here prints them (`Debug` shows the variables only).
#[derive(Default)]
pub struct Credentials {
    /// By task definition ARN, in the order the check reports them.
    variables: BTreeMap<String, Vec<EnvVar>>,
    /// Credentials on command lines, by task definition ARN: "`command[2]` (container
    /// `app`)". No change moves them (see the trait's remediation), but they are masked and
    /// refused like the others.
    arguments: BTreeMap<String, Vec<String>>,
    values: Vec<SecretString>,
    /// The template file and CloudFormation logical id of each task definition (by ARN) read
    /// from a template, for finding its credential lines in the template's text.
    logical_ids: BTreeMap<String, (String, String)>,
    /// The values indexed for searching text, built on first use.
    pieces: std::sync::OnceLock<Pieces>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("variables", &self.variables)
            .field("arguments", &self.arguments)
            .finish_non_exhaustive()
    }
}

impl Credentials {
    /// Runs `plaintext-credentials` on every task definition of the inventory, whether a
    /// service runs it or not: a file to write or a diff to show must not hold a credential
    /// of a task definition that no service uses yet.
    pub fn find(inv: &Inventory) -> Credentials {
        let mut out = Credentials::default();
        let check = traits::def(TraitId::PlaintextCredentials);
        for (arn, td) in &inv.task_definitions {
            let service: Option<Service> = serde_json::from_value(serde_json::json!({
                "serviceArn": format!("{arn}#credentials"),
                "taskDefinition": arn,
            }))
            .ok();
            let Some(service) = service else { continue };
            let mut outcome = Outcome::new(check.id, &service.service_arn);
            (check.check)(&ServiceContext::new(inv, &service), &mut outcome);
            for e in outcome.evidence() {
                if let (Some(container), Some(field)) = (e.container.as_deref(), e.field.as_deref())
                    && e.has(keys::IN)
                {
                    let at = field.rsplit('.').next().unwrap_or(field);
                    let list = out.arguments.entry(arn.clone()).or_default();
                    let name = format!("`{at}` (container `{container}`)");
                    if !list.contains(&name) {
                        list.push(name);
                    }
                }
                let (Some(container), Some(name)) = (e.container.as_deref(), e.get(keys::VARIABLE))
                else {
                    continue;
                };
                let v = EnvVar {
                    container: container.to_string(),
                    name: name.to_string(),
                };
                let value = td
                    .container_definitions
                    .iter()
                    .filter(|c| c.name.as_deref() == Some(container))
                    .flat_map(|c| &c.environment)
                    .filter(|x| x.name.as_deref() == Some(name))
                    .filter_map(|x| x.value.clone());
                out.values.extend(value.filter(|x| !x.is_empty()));
                let list = out.variables.entry(arn.clone()).or_default();
                if !list.contains(&v) {
                    list.push(v);
                }
            }
            for c in &td.container_definitions {
                for args in [&c.command, &c.entry_point] {
                    out.values.extend(traits::command_line_values(args));
                }
            }
        }
        for arn in out.variables.keys() {
            if let (crate::model::Origin::CloudFormation { logical_id, .. }, Some(at)) =
                (inv.origin(arn), inv.locate(arn, None))
            {
                out.logical_ids
                    .insert(arn.clone(), (at.file.clone(), logical_id.clone()));
            }
        }
        out
    }

    /// The credentials of a task definition document, given the variables the check found in
    /// it (by ARN): the values are read from the parsed document.
    pub fn from_document(arn: &str, doc: &Value, vars: &[EnvVar]) -> Credentials {
        let td = doc.get("taskDefinition").unwrap_or(doc);
        let mut values = Vec::new();
        for c in td
            .get("containerDefinitions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for e in c
                .get("environment")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let hit = vars.iter().any(|v| {
                    c.get("name").and_then(Value::as_str) == Some(v.container.as_str())
                        && e.get("name").and_then(Value::as_str) == Some(v.name.as_str())
                });
                if let (true, Some(s)) = (hit, e.get("value").and_then(Value::as_str))
                    && !s.is_empty()
                {
                    values.push(SecretString::new(s));
                }
            }
            // Command lines are judged whatever the variables: no change moves them.
            for key in ["command", "entryPoint"] {
                let args: Vec<SecretString> = c
                    .get(key)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|a| match a {
                        Value::String(s) => Some(SecretString::new(s.as_str())),
                        Value::Number(n) => Some(SecretString::new(n.to_string())),
                        _ => None,
                    })
                    .collect();
                values.extend(traits::command_line_values(&args));
            }
        }
        let mut variables = BTreeMap::new();
        if !vars.is_empty() {
            variables.insert(arn.to_string(), vars.to_vec());
        }
        Credentials {
            variables,
            arguments: BTreeMap::new(),
            values,
            logical_ids: BTreeMap::new(),
            pieces: Default::default(),
        }
    }

    /// The values found, for tests that check the fixtures hold what they say.
    #[cfg(test)]
    pub(crate) fn exposed_values(&self) -> Vec<String> {
        self.values.iter().map(|v| v.expose().to_string()).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.variables.is_empty() && self.arguments.is_empty()
    }

    /// The credential variables by task definition ARN.
    pub fn variables(&self) -> &BTreeMap<String, Vec<EnvVar>> {
        &self.variables
    }

    /// "`DB_PASSWORD` (container `app`), `command[2]` (container `app`), …": names and
    /// places only, for messages.
    pub fn names(&self) -> String {
        self.variables
            .values()
            .flatten()
            .map(|v| format!("`{}` (container `{}`)", v.name, v.container))
            .chain(self.arguments.values().flatten().cloned())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether a string holds a credential value.
    fn holds(&self, s: &str) -> bool {
        self.values.iter().any(|v| s.contains(v.expose()))
    }

    /// A copy of a task definition document (`register-task-definition` input or
    /// `describe-task-definition` output) for display: the value of each credential variable,
    /// and any other string that holds a credential value (a copy in `command`, a label), is
    /// replaced by its masked form.
    pub fn masked_document(&self, doc: &Value) -> Value {
        let mut doc = doc.clone();
        let vars: Vec<&EnvVar> = self.variables.values().flatten().collect();
        let td = match doc.get_mut("taskDefinition") {
            Some(td) => td,
            None => &mut doc,
        };
        for c in td
            .get_mut("containerDefinitions")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            let name = c.get("name").and_then(Value::as_str).map(str::to_string);
            for e in c
                .get_mut("environment")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                let hit = vars.iter().any(|v| {
                    name.as_deref() == Some(v.container.as_str())
                        && e.get("name").and_then(Value::as_str) == Some(v.name.as_str())
                });
                if let (true, Some(Value::String(s))) = (hit, e.get_mut("value")) {
                    *s = SecretString::new(s.as_str()).masked();
                }
            }
        }
        self.mask_strings(&mut doc);
        doc
    }

    fn mask_strings(&self, v: &mut Value) {
        match v {
            Value::String(s) if self.holds(s) => *s = SecretString::new(s.as_str()).masked(),
            Value::Array(a) => a.iter_mut().for_each(|x| self.mask_strings(x)),
            Value::Object(o) => o.values_mut().for_each(|x| self.mask_strings(x)),
            _ => {}
        }
    }

    /// 1-based lines of a CloudFormation template that hold part of a credential value, from
    /// its parse tree (see `load::iac::credential_lines`); every line when it does not parse.
    pub fn template_lines(&self, file: &str, text: &str) -> BTreeSet<usize> {
        let variables: Vec<(&str, &str)> = self
            .variables
            .iter()
            .filter_map(|(arn, vars)| {
                let (f, logical) = self.logical_ids.get(arn)?;
                (f == file).then_some((logical.as_str(), vars))
            })
            .flat_map(|(logical, vars)| vars.iter().map(move |v| (logical, v.name.as_str())))
            .collect();
        let values: Vec<&str> = self.values.iter().map(SecretString::expose).collect();
        crate::load::iac::credential_lines(text, &variables, &values)
            .unwrap_or_else(|| (1..=text.lines().count()).collect())
    }

    /// The unified diff of one of many edits of a template (an edit made on its window, see
    /// `source::EditedTemplate`) whose credential lines before the edit are known
    /// (`hidden_before`, from [`Credentials::template_lines`], computed once per file): a
    /// line the edit adds is hidden when its text holds part of a credential. The edited text
    /// is not parsed again, so a plan of a template of a thousand services costs one parse of
    /// it, not one per remediation.
    pub fn template_edit_diff(
        &self,
        hidden_before: &BTreeSet<usize>,
        edit: &super::source::EditWindow<'_>,
        file: &str,
    ) -> String {
        let pieces = self.pieces.get_or_init(|| {
            let values: Vec<&str> = self.values.iter().map(SecretString::expose).collect();
            Pieces::new(&values)
        });
        diff_window_hiding_before(
            (edit.before, &edit.after, edit.first_line),
            file,
            file,
            hidden_before,
            &|line| pieces.held_by(line),
        )
    }

    /// The unified diff of a template edit, every line that holds part of a credential value
    /// shown as a placeholder, before and after the edit.
    pub fn template_diff(&self, file: &str, before: &str, after: &str, to: &str) -> String {
        let hidden = Hidden {
            before: self.template_lines(file, before),
            after: self.template_lines(file, after),
        };
        diff_hiding(before, after, file, to, &hidden)
    }
}

#[cfg(test)]
mod tests;
