//! Fixes for infrastructure as code: the edit to the source instead of an AWS CLI command.
//!
//! - CloudFormation (resource ids `file#LogicalId`): line edits of the template at the places
//!   the loader recorded (`Inventory::sources`), shown as a unified diff. Only the lines of the
//!   change are touched, the rest of the file stays byte-identical, and an edit whose result
//!   the loader no longer reads is dropped for a manual note: a diff to review must never
//!   break the template.
//! - Terraform plan JSON (ids `file#address`): the plan records no `.tf` line, so a review
//!   note names the resource address, the attribute and its new value.

use super::apply::NON_ROOT_USER;
use super::change::Change;
use crate::model::Inventory;
use serde::Serialize;

/// A unified diff of one template file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceDiff {
    pub file: String,
    pub diff: String,
}

/// One line edit of the original text: replace `remove` lines from `line` (0-based) with
/// `insert`. Edits of one change (or of several changes) are applied bottom-up, so the line
/// numbers of the loader's source map stay valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineEdit {
    pub line: usize,
    pub remove: usize,
    pub insert: Vec<String>,
}

/// The template file and logical id of a CloudFormation resource id, or `None` (not IaC, or
/// Terraform).
fn cfn_resource(id: &str) -> Option<(&str, &str)> {
    let (file, logical) = id.rsplit_once('#')?;
    (!logical.is_empty() && logical.chars().all(|c| c.is_ascii_alphanumeric()))
        .then_some((file, logical))
}

/// The file and address of a Terraform plan resource id.
fn tf_resource(id: &str) -> Option<(&str, &str)> {
    let (file, address) = id.rsplit_once('#')?;
    (address.split('.').any(|p| p.starts_with("aws_")) && address.contains('.'))
        .then_some((file, address))
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

/// What an edit does at one model path of one resource.
enum Op {
    /// Give the key a new scalar value (JSON literal, which YAML reads the same).
    Set(String),
    /// Set the key, or add it to the object at the parent path when absent.
    Ensure {
        parent: String,
        key: &'static str,
        value: String,
    },
    /// Remove the key and its value.
    Remove,
}

/// The (resource id, model path, op) edits of a change, or a reason it needs a person.
fn ops(inv: &Inventory, change: &Change) -> Result<Vec<(String, String, Op)>, String> {
    let td = change.task_definition().map(str::to_string);
    let c = |name: &str| {
        container_index(inv, td.as_deref().unwrap_or(""), name)
            .ok_or_else(|| format!("container `{name}` is not found in the template"))
    };
    let mut out = Vec::new();
    match change {
        Change::DropPrivileged {
            task_definition,
            containers,
        } => {
            for n in containers {
                let path = format!("containerDefinitions[{}].privileged", c(n)?);
                out.push((task_definition.clone(), path, Op::Set("false".into())));
            }
        }
        Change::RemovePidModeHost { task_definition } => {
            out.push((task_definition.clone(), "pidMode".into(), Op::Remove))
        }
        Change::RemoveTaskRole { task_definition } => {
            out.push((task_definition.clone(), "taskRoleArn".into(), Op::Remove))
        }
        Change::RemoveHostVolumes {
            task_definition,
            volumes,
        } => {
            for v in volumes {
                let i = volume_index(inv, task_definition, v)
                    .ok_or_else(|| format!("volume `{v}` is not found in the template"))?;
                out.push((
                    task_definition.clone(),
                    format!("volumes[{i}].host"),
                    Op::Remove,
                ));
            }
        }
        Change::ReadonlyRootFilesystem {
            task_definition,
            containers,
        } => {
            for n in containers {
                let parent = format!("containerDefinitions[{}]", c(n)?);
                out.push((
                    task_definition.clone(),
                    format!("{parent}.readonlyRootFilesystem"),
                    Op::Ensure {
                        parent,
                        key: "ReadonlyRootFilesystem",
                        value: "true".into(),
                    },
                ));
            }
        }
        Change::SetNonRootUser {
            task_definition,
            containers,
        } => {
            for n in containers {
                let parent = format!("containerDefinitions[{}]", c(n)?);
                out.push((
                    task_definition.clone(),
                    format!("{parent}.user"),
                    Op::Ensure {
                        parent,
                        key: "User",
                        value: format!("\"{NON_ROOT_USER}\""),
                    },
                ));
            }
        }
        Change::DropAddedCapabilities {
            task_definition,
            containers,
        } => {
            for n in containers {
                let path = format!(
                    "containerDefinitions[{}].linuxParameters.capabilities.add",
                    c(n)?
                );
                out.push((task_definition.clone(), path, Op::Remove));
            }
        }
        Change::DisablePublicIp { service } => out.push((
            service.clone(),
            "networkConfiguration.awsvpcConfiguration.assignPublicIp".into(),
            Op::Set("\"DISABLED\"".into()),
        )),
        Change::DisableExecuteCommand { service } => out.push((
            service.clone(),
            "enableExecuteCommand".into(),
            Op::Set("false".into()),
        )),
        Change::NetworkModeAwsvpc { .. } => {
            return Err("switching to `awsvpc` also needs the service's `NetworkConfiguration` (subnets, security groups)".into());
        }
        Change::MoveEnvToSecrets { .. } => {
            return Err("the values must move to Secrets Manager (`Secrets` with `ValueFrom`), which a text edit cannot create".into());
        }
        Change::RevokeIngress { rules } => {
            let at = rule_locations(inv, rules);
            return Err(if at.is_empty() {
                "remove or narrow the open ingress rule".into()
            } else {
                format!(
                    "remove or narrow the open ingress rule(s) at {}",
                    at.join(", ")
                )
            });
        }
        Change::RestrictRole { .. } => {
            return Err("replace the administrative policy with a least-privilege one".into());
        }
        Change::UpgradeImages { .. } => {
            return Err("point `Image` at a rebuilt image with the fixed packages".into());
        }
        Change::MakeLoadBalancerInternal { .. } => {
            return Err("set the load balancer's `Scheme: internal` (CloudFormation replaces it) and put it in private subnets".into());
        }
        // A change kind with no template edit yet: a manual note, never a wrong edit.
        _ => return Err(format!("make the change by hand: {}", change.title())),
    }
    Ok(out)
}

/// `file:line` of each ingress rule to revoke (the line of its CIDR), as the loader recorded
/// them, so the manual note points at the rule rather than at its security group.
fn rule_locations(inv: &Inventory, rules: &[super::change::IngressRule]) -> Vec<String> {
    let mut out = Vec::new();
    for r in rules {
        let Some(g) = inv.security_groups.get(&r.group_id) else {
            continue;
        };
        for (i, p) in g.ip_permissions.iter().enumerate() {
            let same = p.ip_protocol == r.protocol
                && p.from_port.map(i64::from) == r.from_port
                && p.to_port.map(i64::from) == r.to_port;
            if !same {
                continue;
            }
            let v4 = p.ip_ranges.iter().position(|x| x.cidr_ip == r.cidr);
            let v6 = p.ipv6_ranges.iter().position(|x| x.cidr_ipv6 == r.cidr);
            let field = match (v4, v6) {
                (Some(j), _) => format!("IpPermissions[{i}].IpRanges[{j}]"),
                (_, Some(j)) => format!("IpPermissions[{i}].Ipv6Ranges[{j}]"),
                _ => continue,
            };
            if let Some(l) = inv.locate(&r.group_id, Some(&field)) {
                let at = format!("{}:{}", l.file, l.line);
                if !out.contains(&at) {
                    out.push(at);
                }
            }
        }
    }
    out
}

/// Byte offset of a 1-based column in a line (columns count characters).
fn byte_at(line: &str, column: usize) -> usize {
    line.char_indices()
        .nth(column.saturating_sub(1))
        .map(|(i, _)| i)
        .unwrap_or(line.len())
}

/// The value text after `key:` on a line where the key starts at `at`, with the position
/// of the colon; `None` when the key is not there as the line's first token.
fn split_key(line: &str, at: usize, json: bool) -> Option<(usize, &str)> {
    let prefix = &line[..at];
    let only_indent = prefix.chars().all(|c| c == ' ');
    let seq_item = !json && prefix.trim_start().starts_with('-') && prefix.trim() == "-";
    if !only_indent && !seq_item {
        return None;
    }
    let rest = &line[at..];
    let key_end = if json {
        1 + rest[1..].find('"')? + 1
    } else {
        rest.find(':')?
    };
    let colon = at + key_end + rest[key_end..].find(':')?;
    Some((colon, &line[colon + 1..]))
}

/// Trailing YAML comment of a value (` # …`), kept on the edited line.
fn yaml_comment(rest: &str) -> &str {
    rest.find(" #").map(|i| &rest[i..]).unwrap_or("")
}

/// The line edits of one change on the template text, or why it needs a person.
pub fn template_edits(
    inv: &Inventory,
    text: &str,
    change: &Change,
) -> Result<Vec<LineEdit>, String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut edits = Vec::new();
    for (id, path, op) in ops(inv, change)? {
        let Some(map) = inv
            .sources
            .get(&id)
            .filter(|m| m.kind == crate::model::SourceKind::Template)
        else {
            return Err(format!("`{id}` has no recorded location in a template"));
        };
        let json = map
            .entries
            .get("")
            .is_some_and(|l| l.file.ends_with(".json"));
        let exact = map.entries.get(&path);
        let op = match (op, exact) {
            (Op::Ensure { value, .. }, Some(_)) => Op::Set(value),
            (Op::Remove, None) => continue,
            (op, _) => op,
        };
        match op {
            Op::Set(value) => {
                let l = exact.ok_or_else(|| format!("`{path}` is not written in the template"))?;
                let line = lines.get(l.line - 1).ok_or("location out of range")?;
                let (colon, rest) = split_key(line, byte_at(line, l.column), json)
                    .ok_or_else(|| format!("line {} is not a plain `key: value` line", l.line))?;
                let body = rest.trim();
                let comma = json && body.ends_with(',');
                let value_text = body.trim_end_matches(',').trim();
                if value_text.is_empty()
                    || value_text.starts_with(['{', '['])
                    || (!json && value_text.starts_with(['|', '>']))
                {
                    return Err(format!("the value at line {} spans several lines", l.line));
                }
                let tail = if json { "" } else { yaml_comment(rest) };
                let new = format!(
                    "{}: {value}{}{tail}",
                    &line[..colon],
                    if comma { "," } else { "" }
                );
                edits.push(LineEdit {
                    line: l.line - 1,
                    remove: 1,
                    insert: vec![new],
                });
            }
            Op::Ensure {
                parent, key, value, ..
            } => {
                // The new key goes before the object's first key, at its indentation.
                let child = format!("{parent}.");
                let l = map
                    .entries
                    .iter()
                    .filter(|(k, _)| {
                        k.strip_prefix(&child)
                            .is_some_and(|rest| !rest.contains(['.', '[']))
                    })
                    .map(|(_, l)| l)
                    .min_by_key(|l| (l.line, l.column))
                    .ok_or_else(|| format!("`{parent}` is not written in the template"))?;
                let i = l.line - 1;
                let line = lines.get(i).ok_or("location out of range")?;
                let at = byte_at(line, l.column);
                let Some((_, first)) = split_key(line, at, json) else {
                    return Err(format!(
                        "the object at line {} is not in block style",
                        l.line
                    ));
                };
                let scalar = !first.trim().is_empty() && !first.trim().starts_with(['|', '>']);
                let prefix = &line[..at];
                let indent = " ".repeat(prefix.chars().count());
                let comma = if json { "," } else { "" };
                let quote = if json { "\"" } else { "" };
                let new = format!("{indent}{quote}{key}{quote}: {value}{comma}");
                // Pure insertions, so that several changes can add keys to one object.
                edits.push(match (prefix.contains('-'), scalar) {
                    // `- Name: web`: after the item's first line.
                    (true, true) => LineEdit {
                        line: i + 1,
                        remove: 0,
                        insert: vec![new],
                    },
                    // `- Environment:` + block: the new key takes the item's first line.
                    (true, false) => LineEdit {
                        line: i,
                        remove: 1,
                        insert: vec![
                            format!("{prefix}{}", new.trim_start()),
                            format!("{indent}{}", &line[at..]),
                        ],
                    },
                    _ => LineEdit {
                        line: i,
                        remove: 0,
                        insert: vec![new],
                    },
                });
            }
            Op::Remove => {
                let l = exact.expect("checked above");
                let i = l.line - 1;
                let line = lines.get(i).ok_or("location out of range")?;
                let at = byte_at(line, l.column);
                if !line[..at].chars().all(|c| c == ' ') {
                    return Err(format!("line {} is the first key of a list item", l.line));
                }
                let indent = line[..at].len();
                let (_, rest) = split_key(line, at, json)
                    .ok_or_else(|| format!("line {} is not a plain `key: value` line", l.line))?;
                let mut end = i + 1;
                if json {
                    // A nested value: up to the line that closes it.
                    let mut depth: i32 = 0;
                    let mut k = i;
                    loop {
                        let s = if k == i { rest } else { lines[k] };
                        depth += bracket_depth(s);
                        k += 1;
                        if depth <= 0 || k >= lines.len() {
                            break;
                        }
                    }
                    end = k;
                    let last = lines[end - 1].trim_end();
                    if !last.ends_with(',') {
                        // The last member: the one before it loses its comma.
                        let prev = (0..i).rev().find(|&p| !lines[p].trim().is_empty());
                        if let Some(p) = prev.filter(|&p| lines[p].trim_end().ends_with(',')) {
                            let t = lines[p].trim_end();
                            edits.push(LineEdit {
                                line: p,
                                remove: 1,
                                insert: vec![t[..t.len() - 1].to_string()],
                            });
                        }
                    }
                } else {
                    // A block value: every following line indented deeper (blank lines
                    // inside it too).
                    let mut k = i + 1;
                    while k < lines.len() {
                        let s = lines[k];
                        let blank = s.trim().is_empty();
                        let deeper = s.len() - s.trim_start().len() > indent;
                        if !(blank || deeper) {
                            break;
                        }
                        k += 1;
                        if !blank {
                            end = k;
                        }
                    }
                }
                edits.push(LineEdit {
                    line: i,
                    remove: end - i,
                    insert: Vec::new(),
                });
            }
        }
    }
    Ok(edits)
}

/// Net `{`/`[` minus `}`/`]` of a JSON line, outside strings.
fn bracket_depth(s: &str) -> i32 {
    let (mut d, mut in_str, mut esc) = (0, false, false);
    for c in s.chars() {
        match (in_str, esc, c) {
            (true, true, _) => esc = false,
            (true, false, '\\') => esc = true,
            (true, false, '"') => in_str = false,
            (false, _, '"') => in_str = true,
            (false, _, '{' | '[') => d += 1,
            (false, _, '}' | ']') => d -= 1,
            _ => {}
        }
    }
    d
}

/// Applies line edits to the text; overlapping edits are refused. The line ending of the file
/// is kept, and lines outside the edits are byte-identical. Of several insertions at one line,
/// the one given last comes first, and insertions come before a replacement of that line.
///
/// One pass over the text, copying the runs between edits: a template of 30,000 lines gets
/// one edit per remediation, and splitting it into a string per line each time was the
/// largest cost of planning it.
pub fn apply_edits(text: &str, edits: Vec<LineEdit>) -> Result<String, String> {
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    apply_edits_eol(text, edits, eol)
}

/// [`apply_edits`] with the line ending of inserted lines given (a window of a file may not
/// show the file's own).
fn apply_edits_eol(text: &str, mut edits: Vec<LineEdit>, eol: &str) -> Result<String, String> {
    edits.reverse();
    edits.sort_by(|a, b| a.line.cmp(&b.line).then(a.remove.cmp(&b.remove)));
    edits.dedup();
    let starts = line_starts(text);
    let lines = starts.len() - 1;
    let mut out = String::with_capacity(text.len() + 256);
    let mut next = 0;
    for e in edits {
        if e.line < next || e.line + e.remove > lines {
            return Err("two changes edit the same lines".into());
        }
        out.push_str(&text[starts[next]..starts[e.line]]);
        for l in &e.insert {
            out.push_str(l);
            out.push_str(eol);
        }
        next = e.line + e.remove;
    }
    out.push_str(&text[starts[next]..]);
    Ok(out)
}

/// Where each line of `text` starts (lines as `split_inclusive('\n')` gives them), then the
/// end of the text.
fn line_starts(text: &str) -> Vec<usize> {
    let mut starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&i| i < text.len())
        .collect();
    starts.push(text.len());
    starts
}

/// A template that gets many separate edits (one per remediation in `plan`): its line starts
/// are found once, and each edit is made and shown on the lines around it only, so that the
/// cost of one remediation does not grow with the size of the template.
pub struct EditedTemplate<'a> {
    text: &'a str,
    starts: Vec<usize>,
    eol: &'static str,
}

/// One edit made on its window of the template: the window before and after it, and the
/// 0-based line where the window starts (the same line on both sides: nothing before it
/// changes).
pub struct EditWindow<'a> {
    pub first_line: usize,
    pub before: &'a str,
    pub after: String,
}

impl<'a> EditedTemplate<'a> {
    pub fn new(text: &'a str) -> Self {
        EditedTemplate {
            text,
            starts: line_starts(text),
            eol: if text.contains("\r\n") { "\r\n" } else { "\n" },
        }
    }

    /// The edits made on the lines they touch, with [`CONTEXT`](super::diff::CONTEXT) + 1
    /// unchanged lines around them, so that a diff of the window is the diff of the file.
    pub fn window(&self, mut edits: Vec<LineEdit>) -> Result<EditWindow<'a>, String> {
        let lines = self.starts.len() - 1;
        let margin = super::diff::CONTEXT + 1;
        let low = edits.iter().map(|e| e.line).min().unwrap_or(0);
        let high = edits.iter().map(|e| e.line + e.remove).max().unwrap_or(0);
        if high > lines {
            return Err("two changes edit the same lines".into());
        }
        let first = low.saturating_sub(margin);
        let end = (high + margin).min(lines);
        for e in &mut edits {
            e.line -= first;
        }
        let before = &self.text[self.starts[first]..self.starts[end]];
        let after = apply_edits_eol(before, edits, self.eol)?;
        Ok(EditWindow {
            first_line: first,
            before,
            after,
        })
    }
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
) -> Result<String, String> {
    let edits = template_edits(inv, text, change)?;
    if edits.is_empty() {
        return Err("nothing to edit at the recorded locations".into());
    }
    let after = apply_edits(text, edits)?;
    check_loads(file, &after)?;
    Ok(after)
}

/// The edited template must still be read by the loader (never hand out a broken diff).
pub fn check_loads(file: &str, text: &str) -> Result<(), String> {
    match crate::load::iac::try_parse(file, text.as_bytes()) {
        Some(Ok(_)) => Ok(()),
        Some(Err(d)) => Err(format!("the edit would not load: {d}")),
        None => Err("the edit would not load as a template".into()),
    }
}

/// The CloudFormation template a change edits, if its resource came from one.
pub fn cfn_file<'a>(inv: &'a Inventory, change: &Change) -> Option<&'a str> {
    let id = change.resources().into_iter().next()?;
    cfn_resource(&id)?;
    // A task definition file (`taskdef.json#web` has the same shape of id) is rewritten
    // whole by `fix`, never edited as a template.
    inv.sources
        .get(&id)
        .filter(|m| m.kind == crate::model::SourceKind::Template)
        .and_then(|m| m.entries.get(""))
        .map(|l| l.file.as_str())
}

/// Review notes for a change to a Terraform plan resource: address, attribute, new value.
pub fn terraform_notes(inv: &Inventory, change: &Change) -> Vec<String> {
    let Some(id) = change.resources().into_iter().next() else {
        return Vec::new();
    };
    let Some((_, address)) = tf_resource(&id) else {
        return Vec::new();
    };
    let td = change.task_definition().unwrap_or("");
    let cd = |n: &String| match container_index(inv, td, n) {
        Some(i) => format!("container_definitions[{i}]"),
        None => format!("container_definitions[name={n}]"),
    };
    let mut attrs: Vec<String> = Vec::new();
    match change {
        Change::DropPrivileged { containers, .. } => attrs.extend(
            containers
                .iter()
                .map(|n| format!("{}.privileged = false", cd(n))),
        ),
        Change::RemovePidModeHost { .. } => attrs.push("pid_mode: remove (or \"task\")".into()),
        Change::NetworkModeAwsvpc { .. } => attrs.push(
            "network_mode = \"awsvpc\" (and give the services a network_configuration)".into(),
        ),
        Change::RemoveHostVolumes { volumes, .. } => attrs.extend(
            volumes
                .iter()
                .map(|v| format!("volume \"{v}\": remove host_path (and read-only mounts of it)")),
        ),
        Change::ReadonlyRootFilesystem { containers, .. } => attrs.extend(
            containers
                .iter()
                .map(|n| format!("{}.readonlyRootFilesystem = true", cd(n))),
        ),
        Change::SetNonRootUser { containers, .. } => attrs.extend(
            containers
                .iter()
                .map(|n| format!("{}.user = \"{NON_ROOT_USER}\"", cd(n))),
        ),
        Change::DropAddedCapabilities { containers, .. } => attrs.extend(
            containers
                .iter()
                .map(|n| format!("{}.linuxParameters.capabilities.add: remove", cd(n))),
        ),
        Change::RemoveTaskRole { .. } => attrs.push("task_role_arn: remove".into()),
        Change::MoveEnvToSecrets { variables, .. } => attrs.extend(variables.iter().map(|v| {
            format!(
                "{}: move `{}` from environment to secrets (valueFrom = a Secrets Manager ARN)",
                cd(&v.container),
                v.name
            )
        })),
        Change::DisablePublicIp { .. } => {
            attrs.push("network_configuration.assign_public_ip = false".into())
        }
        Change::DisableExecuteCommand { .. } => attrs.push("enable_execute_command = false".into()),
        Change::RevokeIngress { rules } => attrs.extend(rules.iter().map(|r| {
            format!(
                "ingress from {} ({} {}-{}): remove or narrow",
                r.cidr,
                r.protocol,
                r.from_port.map(|p| p.to_string()).unwrap_or_default(),
                r.to_port.map(|p| p.to_string()).unwrap_or_default()
            )
        })),
        Change::RestrictRole { .. } => {
            attrs.push("replace the administrative policy with a least-privilege one".into())
        }
        Change::MakeLoadBalancerInternal { .. } => {
            attrs.push("internal = true (replaces the load balancer; use private subnets)".into())
        }
        Change::UpgradeImages { .. } => return Vec::new(),
        // A change kind with no attribute note yet: its title says what to edit.
        _ => attrs.push(change.title()),
    }
    attrs
        .into_iter()
        .map(|a| {
            format!(
                "Terraform: `{address}`: `{a}` (edit the `.tf` source, then `terraform plan` again)"
            )
        })
        .collect()
}

#[cfg(test)]
mod tests;
