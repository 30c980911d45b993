//! Infrastructure as code, recognised by content and mixed freely with snapshot files:
//! CloudFormation templates in YAML or JSON (CDK output included) and Terraform plan JSON. Each resource is converted
//! into the AWS API shape the model holds, so every trait reads it unchanged, and a source map
//! records where in the file each model field comes from.
//!
//! Ids: a resource's id in the inventory is `<file>#<LogicalId>` (internet gateways:
//! `igw-<file>#<LogicalId>`); `Ref` and `Fn::GetAtt` of a resource resolve to that id.

mod cfn;
mod node;
mod resolve;
mod tf;

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
pub(crate) struct Sink {
    file: String,
    lines: Vec<String>,
    sources: HashMap<String, SourceMap>,
    unresolved: Vec<Unresolved>,
}

impl Sink {
    fn new(file: &str, text: &str) -> Self {
        Sink {
            file: file.to_string(),
            lines: text.lines().map(|l| l.trim().to_string()).collect(),
            sources: HashMap::new(),
            unresolved: Vec::new(),
        }
    }

    fn loc(&self, p: node::Pos) -> Location {
        Location {
            file: self.file.clone(),
            line: p.line,
            column: p.column,
            snippet: self
                .lines
                .get(p.line.wrapping_sub(1))
                .filter(|l| !l.is_empty())
                .cloned(),
        }
    }

    /// The place of a model path. A line that may hold a credential (an environment entry,
    /// Terraform's `container_definitions` string) has its value masked: snippets are output
    /// too, and no output may show a credential.
    fn loc_for(&self, path: &str, p: node::Pos) -> Location {
        let mut l = self.loc(p);
        if path.contains("environment") || path == "containerDefinitions" {
            l.snippet = l.snippet.map(|s| mask_line(&s));
        }
        l
    }

    /// Records where a model path of a resource comes from (the first record wins).
    fn at(&mut self, id: &str, path: &str, p: node::Pos) {
        let loc = self.loc_for(path, p);
        self.sources
            .entry(id.to_string())
            .or_default()
            .entries
            .entry(path.to_string())
            .or_insert(loc);
    }

    fn unknown(&mut self, id: &str, path: &str, n: &node::Node) {
        let reason = match &n.v {
            node::V::Unknown(w) => w.clone(),
            _ => "it cannot be resolved".to_string(),
        };
        self.at(id, path, n.pos);
        let location = Some(self.loc_for(path, n.pos));
        self.unresolved.push(Unresolved {
            resource: id.to_string(),
            field: path.to_string(),
            reason,
            location,
        });
    }
}

/// `Value: AKIA…` → `Value: AKIA**** (20 chars)`: the key stays, the value is masked. A line
/// with no `key:` part is masked whole.
fn mask_line(line: &str) -> String {
    let split = line
        .find("\": ")
        .map(|i| i + 3)
        .or_else(|| line.find(": ").map(|i| i + 2));
    let (key, value) = match split {
        Some(i) if !line.starts_with("- ") || line[2..].contains(": ") => line.split_at(i),
        _ => ("", line),
    };
    let value = value.trim_end_matches(',').trim_matches('"');
    // Empty values and CloudFormation tags (`!Ref DbPassword`) hold no credential.
    if value.is_empty() || value.starts_with('!') {
        return line.to_string();
    }
    format!("{key}{}", SecretString::new(value).masked())
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
    let t = resolve::Template::new(origin, &root, text.len());
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
    let mut t = resolve::Template::new(origin, &root, text.len());
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
mod tests;
