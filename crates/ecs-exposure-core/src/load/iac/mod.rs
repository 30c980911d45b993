//! Infrastructure as code, recognised by content and mixed freely with snapshot files:
//! CloudFormation templates in YAML or JSON (CDK output included) and Terraform plan JSON. Each resource is converted
//! into the AWS API shape the model holds, so every trait reads it unchanged, and a source map
//! records where in the file each model field comes from.
//!
//! Ids: a resource's id in the inventory is `<file>#<LogicalId>` (internet gateways:
//! `igw-<file>#<LogicalId>`); `Ref` and `Fn::GetAtt` of a resource resolve to that id.

mod cfn;
mod credential_lines;
mod lines;
mod node;
mod resolve;
mod tf;

pub(crate) use credential_lines::credential_lines;

use super::{Diagnostic, Parsed};
use crate::model::*;
use std::collections::{BTreeSet, HashMap};

/// The resources of one template, converted.
#[derive(Debug, Default)]
pub struct IacDocument {
    services: Vec<Service>,
    task_definitions: Vec<TaskDefinition>,
    clusters: Vec<Cluster>,
    security_groups: Vec<SecurityGroup>,
    subnets: Vec<Subnet>,
    route_tables: Vec<RouteTable>,
    network_acls: Vec<NetworkAcl>,
    internet_gateways: Vec<InternetGateway>,
    load_balancers: Vec<LoadBalancer>,
    target_groups: Vec<TargetGroup>,
    listeners: Vec<Listener>,
    roles: Vec<Role>,
    policies: Vec<ManagedPolicy>,
    sources: HashMap<String, SourceMap>,
    unresolved: Vec<Unresolved>,
    suppressions: Vec<crate::suppress::Suppression>,
    kinds: BTreeSet<Kind>,
    /// CloudFormation `Outputs` exports (name → value) for other templates' imports.
    pub(crate) exports: Vec<(String, String)>,
    /// A template that imports values: its name and text, to convert again once the other
    /// templates' exports are known.
    pub(crate) reconvert: Option<(String, String)>,
}

impl IacDocument {
    pub(crate) fn merge_into(self, inv: &mut Inventory) {
        inv.loaded.extend(self.kinds);
        for s in self.services {
            inv.services.insert(s.service_arn.clone(), s);
        }
        for t in self.task_definitions {
            inv.task_definitions
                .insert(t.task_definition_arn.clone(), t);
        }
        for c in self.clusters {
            inv.clusters.insert(c.cluster_arn.clone(), c);
        }
        for g in self.security_groups {
            inv.security_groups.insert(g.group_id.clone(), g);
        }
        for s in self.subnets {
            inv.subnets.insert(s.subnet_id.clone(), s);
        }
        for r in self.route_tables {
            inv.route_tables.insert(r.route_table_id.clone(), r);
        }
        for a in self.network_acls {
            inv.network_acls.insert(a.network_acl_id.clone(), a);
        }
        for g in self.internet_gateways {
            inv.internet_gateways
                .insert(g.internet_gateway_id.clone(), g);
        }
        for l in self.load_balancers {
            inv.load_balancers.insert(l.load_balancer_arn.clone(), l);
        }
        for t in self.target_groups {
            inv.target_groups.insert(t.target_group_arn.clone(), t);
        }
        for l in self.listeners {
            inv.listeners.insert(l.listener_arn.clone(), l);
        }
        for r in self.roles {
            inv.roles.insert(r.arn.clone(), r);
        }
        for p in self.policies {
            inv.managed_policies.insert(p.arn.clone(), p);
        }
        inv.sources.extend(self.sources);
        inv.unresolved.extend(self.unresolved);
        inv.suppressions.extend(self.suppressions);
    }
}

/// Positions and unresolved values collected while converting one file.
pub(crate) struct Sink<'a> {
    file: String,
    /// The text, to cut each location's snippet from (no line is copied).
    text: &'a str,
    lines: lines::LineIndex,
    /// The file is JSON: every snippet is in flow style.
    json: bool,
    sources: HashMap<String, SourceMap>,
    unresolved: Vec<Unresolved>,
}

impl<'a> Sink<'a> {
    fn new(file: &str, text: &'a str) -> Self {
        Sink {
            file: file.to_string(),
            text,
            lines: lines::LineIndex::new(text),
            json: text.trim_start().starts_with(['{', '[']),
            sources: HashMap::new(),
            unresolved: Vec::new(),
        }
    }

    /// The place of a parser position, with its snippet: a bounded window of the line from
    /// the position on, every value masked ([`Snippet`]), since snippets are output and a
    /// line can hold a credential in any layout.
    fn loc(&self, p: node::Pos) -> Location {
        let snippet = self
            .lines
            .offset(self.text, p.line, p.column)
            .map(|(start, at)| (start, block_mapping_start(self.text, start, at)))
            .and_then(|(start, at)| {
                Snippet::new(&self.text[start..at], &self.text[at..], self.json)
            });
        Location {
            file: self.file.clone(),
            line: p.line,
            column: p.column,
            snippet,
        }
    }

    /// Records where a model path of a resource comes from (the first record wins).
    fn at(&mut self, id: &str, path: &str, p: node::Pos) {
        if self
            .sources
            .get(id)
            .is_some_and(|m| m.entries.contains_key(path))
        {
            return;
        }
        let loc = self.loc(p);
        self.sources
            .entry(id.to_string())
            .or_default()
            .entries
            .insert(path.to_string(), loc);
    }

    fn unknown(&mut self, id: &str, path: &str, n: &node::Node) {
        let reason = match &n.v {
            node::V::Unknown(w) => w.clone(),
            _ => "it cannot be resolved".to_string(),
        };
        self.at(id, path, n.pos);
        let location = Some(self.loc(n.pos));
        self.unresolved.push(Unresolved {
            resource: id.to_string(),
            field: path.to_string(),
            reason,
            location,
        });
    }
}

/// The parser marks a block mapping (a list item `- Name: web`) at the `:` after its first
/// key; the snippet starts at that key, the first token of the line after the indentation and
/// `- ` markers (an implicit key is on the line of its `:`, and nothing but those markers may
/// precede the first key of a block mapping).
fn block_mapping_start(text: &str, line_start: usize, at: usize) -> usize {
    let rest = &text[at..];
    if !(rest.starts_with(": ")
        || rest.starts_with(":\t")
        || rest == ":"
        || rest.starts_with(":\n")
        || rest.starts_with(":\r"))
    {
        return at;
    }
    let line = &text[line_start..at];
    let mut i = 0;
    let b = line.as_bytes();
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' => i += 1,
            b'-' | b'?' if matches!(b.get(i + 1), Some(b' ' | b'\t')) => i += 2,
            _ => break,
        }
    }
    line_start + i
}

/// Whether a file name says YAML (a YAML file that is not a template is skipped with a
/// warning rather than reported as broken JSON).
fn yaml_name(origin: &str) -> bool {
    let o = origin.to_ascii_lowercase();
    o.ends_with(".yaml") || o.ends_with(".yml") || o.ends_with(".template")
}

/// Recognises and converts a CloudFormation template. `None`: not one (the caller goes on
/// with the snapshot formats).
pub fn try_parse(origin: &str, bytes: &[u8]) -> Option<Result<Parsed, Diagnostic>> {
    let first = bytes
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF);
    let json_like = matches!(first, Some(b'{') | Some(b'['));
    // A cheap test first: large AWS CLI snapshots never go through the YAML parser.
    if json_like && !contains(bytes, b"\"Resources\"") && !contains(bytes, b"\"planned_values\"") {
        return None;
    }
    let yaml = yaml_name(origin);
    if !json_like && !yaml && !contains(bytes, b"Resources:") {
        return None;
    }
    let text = match std::str::from_utf8(bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes)) {
        Ok(t) => t,
        Err(_) if yaml => return Some(Err(diag(origin, None, "not UTF-8 text".into()))),
        Err(_) => return None,
    };
    let root = match node::parse(text) {
        Ok(r) => r,
        Err((p, msg)) if yaml => {
            return Some(Err(diag(origin, Some(p), format!("not valid YAML: {msg}"))));
        }
        Err(_) => return None,
    };
    if json_like && root.get("planned_values").is_some() && root.get("format_version").is_some() {
        return Some(
            tf::convert(origin, &root, text)
                .map(|d| Parsed::Iac(Box::new(d)))
                .map_err(|m| diag(origin, None, m)),
        );
    }
    let is_template = root
        .get("Resources")
        .and_then(node::Node::map)
        .is_some_and(|m| {
            m.iter().any(|(_, r)| {
                r.get("Type")
                    .and_then(node::Node::str)
                    .is_some_and(|t| t.starts_with("AWS::") || t.starts_with("Custom::"))
            })
        })
        || root.get("AWSTemplateFormatVersion").is_some();
    if !is_template {
        if yaml {
            return Some(Ok(Parsed::Unknown(diag(
                origin,
                None,
                "YAML that is not a CloudFormation template (no `Resources` of AWS types); skipped"
                    .into(),
            ))));
        }
        return None;
    }
    let t = resolve::Template::new(origin, &root);
    let imports = contains(bytes, b"ImportValue");
    Some(
        cfn::convert(&t, text)
            .map(|mut d| {
                if imports {
                    d.reconvert = Some((origin.to_string(), text.to_string()));
                }
                d
            })
            .map(|d| Parsed::Iac(Box::new(d)))
            .map_err(|m| diag(origin, None, m)),
    )
}

/// Converts a template again with the exports of the other templates of the scan, so that
/// `Fn::ImportValue` between stacks (CDK apps of several stacks) resolves.
pub(crate) fn reconvert(
    origin: &str,
    text: &str,
    exports: &HashMap<String, String>,
) -> Option<IacDocument> {
    let root = node::parse(text).ok()?;
    let mut t = resolve::Template::new(origin, &root);
    t.exports = exports.clone();
    cfn::convert(&t, text).ok()
}

fn diag(origin: &str, p: Option<node::Pos>, message: String) -> Diagnostic {
    Diagnostic {
        file: origin.to_string(),
        path: None,
        line: p.map(|p| p.line),
        column: p.map(|p| p.column),
        message,
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
pub(crate) mod layouts;
#[cfg(test)]
mod tests;
