//! One AWS CLI output document: recognition of its kind and typed parsing with JSON paths.

use super::redact::json_error;
use super::seen::Seen;
use super::shape::{self, Shape};
use super::{Diagnostic, Found, KNOWN_KEYS, Parsed, SKIPPED};
use crate::model::unique::UniqueKeys;
use crate::model::*;
use serde::Deserialize;

/// The data of one document. Several keys may be present (a hand-merged snapshot), and each
/// present key marks its kind as loaded even when its list is empty.
#[derive(Debug, Default, Deserialize)]
pub struct Document {
    services: Option<Vec<Service>>,
    #[serde(rename = "taskDefinition")]
    task_definition: Option<TaskDefinition>,
    /// Printed beside `taskDefinition` by `describe-task-definition --include TAGS`.
    tags: Option<Vec<Tag>>,
    clusters: Option<Vec<Cluster>>,
    #[serde(rename = "SecurityGroups")]
    security_groups: Option<Vec<SecurityGroup>>,
    #[serde(rename = "Subnets")]
    subnets: Option<Vec<Subnet>>,
    #[serde(rename = "RouteTables")]
    route_tables: Option<Vec<RouteTable>>,
    #[serde(rename = "NetworkAcls")]
    network_acls: Option<Vec<NetworkAcl>>,
    #[serde(rename = "InternetGateways")]
    internet_gateways: Option<Vec<InternetGateway>>,
    #[serde(rename = "LoadBalancers")]
    load_balancers: Option<Vec<LoadBalancer>>,
    #[serde(rename = "TargetGroups")]
    target_groups: Option<Vec<TargetGroup>>,
    #[serde(rename = "Listeners")]
    listeners: Option<Vec<Listener>>,
    #[serde(rename = "Rules")]
    rules: Option<Vec<ListenerRule>>,
    #[serde(rename = "RoleDetailList")]
    roles: Option<Vec<Role>>,
    #[serde(rename = "Policies")]
    policies: Option<Vec<ManagedPolicy>>,
    findings: Option<Vec<InspectorFinding>>,
    #[serde(rename = "containerInstances")]
    container_instances: Option<Vec<ContainerInstance>>,
    /// Beside `containerInstances`: the cluster they belong to (old-format ARNs omit it).
    cluster: Option<String>,
    #[serde(rename = "Reservations")]
    reservations: Option<Vec<Reservation>>,
    #[serde(rename = "ecsExposureCollection")]
    collection: Option<CollectionReport>,
    /// The file the document is from, to name both files of a resource given twice.
    #[serde(skip)]
    origin: String,
    /// Where the fields of the task definition are written in the file (see
    /// `iac::Positioned`), so that its findings point at the line to change.
    #[serde(skip)]
    task_definition_sources: Option<SourceMap>,
}

impl Document {
    fn is_empty(&self) -> bool {
        self.services.is_none()
            && self.task_definition.is_none()
            && self.clusters.is_none()
            && self.security_groups.is_none()
            && self.subnets.is_none()
            && self.route_tables.is_none()
            && self.network_acls.is_none()
            && self.internet_gateways.is_none()
            && self.load_balancers.is_none()
            && self.target_groups.is_none()
            && self.listeners.is_none()
            && self.rules.is_none()
            && self.roles.is_none()
            && self.policies.is_none()
            && self.findings.is_none()
            && self.container_instances.is_none()
            && self.reservations.is_none()
            && self.collection.is_none()
    }

    /// Adds this document's resources to the inventory. The same resource seen twice (two
    /// overlapping snapshots) is kept once, the later copy winning; `seen` notes it.
    pub(crate) fn merge_into(self, inv: &mut Inventory, seen: &mut Seen) {
        seen.enter(&self.origin);
        let mut to = Target { inv, seen };
        let services = self.services.map(|mut list| {
            list.iter_mut().for_each(Service::drop_mirrored_deployments);
            list
        });
        to.add(Kind::EcsServices, services);
        if let Some(mut td) = self.task_definition {
            td.tags = self.tags.unwrap_or_default();
            // Keyed as the task definition is, so that the copy that wins (the later one)
            // has its own file's places.
            if let Some(map) = self.task_definition_sources {
                to.inv.sources.insert(td.task_definition_arn.clone(), map);
            }
            to.add(Kind::EcsTaskDefinition, Some(vec![td]));
        }
        to.add(Kind::EcsClusters, self.clusters);
        to.add(Kind::Ec2SecurityGroups, self.security_groups);
        to.add(Kind::Ec2Subnets, self.subnets);
        to.add(Kind::Ec2RouteTables, self.route_tables);
        to.add(Kind::Ec2NetworkAcls, self.network_acls);
        to.add(Kind::Ec2InternetGateways, self.internet_gateways);
        to.add(Kind::Elbv2LoadBalancers, self.load_balancers);
        to.add(Kind::Elbv2TargetGroups, self.target_groups);
        to.add(Kind::Elbv2Listeners, self.listeners);
        to.add(Kind::Elbv2Rules, self.rules);
        to.add(Kind::IamAuthorizationDetails, self.roles);
        to.add(Kind::IamAuthorizationDetails, self.policies);
        if let Some(mut list) = self.container_instances {
            for ci in &mut list {
                ci.cluster = self.cluster.clone();
            }
            to.add(Kind::EcsContainerInstances, Some(list));
        }
        let instances: Option<Vec<Instance>> = self
            .reservations
            .map(|r| r.into_iter().flat_map(|r| r.instances).collect());
        to.add(Kind::Ec2Instances, instances);
        let inv = to.inv;
        if let Some(findings) = self.findings {
            inv.loaded.insert(Kind::InspectorFindings);
            inv.inspector_findings.extend(findings);
        }
        if let Some(report) = self.collection {
            inv.loaded.insert(Kind::Collection);
            inv.collection_failures.extend(report.failures);
        }
    }
}

/// Where a document's resources go: the inventory, through `seen` (the one insert).
struct Target<'a> {
    inv: &'a mut Inventory,
    seen: &'a mut Seen,
}

impl Target<'_> {
    /// Each present key marks its kind as loaded, even when its list is empty.
    fn add<T: Into<Resource>>(&mut self, kind: Kind, items: Option<Vec<T>>) {
        if let Some(items) = items {
            self.inv.loaded.insert(kind);
            self.seen
                .insert_all(self.inv, items.into_iter().map(T::into));
        }
    }
}

/// Parses one document. `origin` names it in messages; `found` says how the caller came to
/// it, which decides what a document of no known kind is.
///
/// - not JSON (nor YAML, for a template): error, with line and column;
/// - JSON of no known kind (no known top-level key, or one whose value is not shaped like
///   that kind's, as a docker-compose file's `services`): for a file [`Found::Walked`], a
///   warning ([`Parsed::Unknown`]), so that unrelated JSON files in a folder do not stop a
///   scan; for one [`Found::Named`], an error;
/// - a known kind whose values have the wrong types: error, with the JSON path.
pub fn parse_document(origin: &str, bytes: &[u8], found: Found) -> Result<Parsed, Diagnostic> {
    parse_document_with(origin, bytes, found, None)
}

/// [`parse_document`], with a reader for the templates of CloudFormation nested stacks
/// (without one they are not followed, and a note says so).
pub fn parse_document_with(
    origin: &str,
    bytes: &[u8],
    found: Found,
    nested: Option<&dyn super::iac::NestedTemplates>,
) -> Result<Parsed, Diagnostic> {
    match parse_any(origin, bytes, found, nested) {
        // A file the user named must be one this tool reads.
        Ok(Parsed::Unknown(mut d)) if found == Found::Named => {
            if let Some(m) = d.message.strip_suffix(SKIPPED) {
                d.message = m.to_string();
            }
            Err(d)
        }
        other => other,
    }
}

fn parse_any(
    origin: &str,
    bytes: &[u8],
    found: Found,
    nested: Option<&dyn super::iac::NestedTemplates>,
) -> Result<Parsed, Diagnostic> {
    // Infrastructure as code: YAML before the JSON attempt; a JSON template or plan only when
    // it holds none of the snapshot keys, so that snapshots are never parsed twice.
    let json_object = first_byte(bytes) == Some(b'{');
    if !json_object && let Some(iac) = super::iac::try_parse_with(origin, bytes, nested) {
        return iac;
    }
    let parsed = parse_snapshot(origin, bytes, found);
    if json_object
        && matches!(parsed, Ok(Parsed::Unknown(_)))
        && let Some(iac) = super::iac::try_parse_with(origin, bytes, nested)
    {
        return iac;
    }
    // A JSON template with a `Rules` section (CloudFormation's parameter rules, an object)
    // fails as `describe-rules` output: it is read as the template it is.
    if json_object
        && parsed.is_err()
        && let Some(Ok(iac)) = super::iac::try_parse(origin, bytes)
    {
        return Ok(iac);
    }
    parsed
}

/// The first byte that is not white space or a byte order mark.
fn first_byte(bytes: &[u8]) -> Option<u8> {
    bytes
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF)
}

fn unknown(origin: &str, why: String) -> Parsed {
    Parsed::Unknown(Diagnostic {
        file: origin.to_string(),
        path: None,
        line: None,
        column: None,
        message: format!("{why}{SKIPPED}"),
    })
}

fn parse_snapshot(origin: &str, bytes: &[u8], found: Found) -> Result<Parsed, Diagnostic> {
    if first_byte(bytes) != Some(b'{') {
        // Not an object: either valid JSON of another shape (unknown kind) or not JSON.
        return match serde_json::from_slice::<serde::de::IgnoredAny>(strip_bom(bytes)) {
            Ok(_) => Ok(unknown(
                origin,
                "not an AWS CLI output this tool reads (the top level is not an object)".into(),
            )),
            Err(e) => Err(syntax_error(origin, &e)),
        };
    }
    // Fast path: plain serde_json. Path tracking costs about a tenth of the parse time, and
    // only a broken document needs it, so such a document is parsed a second time for it.
    let mut de = serde_json::Deserializer::from_slice(strip_bom(bytes));
    if let Ok(doc) = Document::deserialize(&mut de)
        && de.end().is_ok()
    {
        return known_or_unknown(origin, doc, bytes);
    }
    let mut de = serde_json::Deserializer::from_slice(strip_bom(bytes));
    let result: Result<Document, _> = serde_path_to_error::deserialize(&mut de);
    let doc = match result {
        Ok(doc) => {
            // Trailing characters after the object: a syntax error, with its position.
            de.end().map_err(|e| syntax_error(origin, &e))?;
            doc
        }
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            if inner.is_syntax() || inner.is_eof() {
                return Err(syntax_error(origin, &inner));
            }
            let mut d = Diagnostic {
                file: origin.to_string(),
                path: Some(path).filter(|p| p != "."),
                line: Some(inner.line()).filter(|l| *l > 0),
                column: Some(inner.column()).filter(|_| inner.line() > 0),
                message: json_error(&inner),
            };
            if d.message.starts_with("duplicate field `") {
                duplicate_key(strip_bom(bytes), &mut d);
            }
            // Is it a snapshot with a wrong field, or another file sharing a key with one?
            match shape::judge(strip_bom(bytes)) {
                Shape::Other(why) if found == Found::Walked => return Ok(unknown(origin, why)),
                Shape::Other(why) => d.message = format!("{} ({why})", d.message),
                Shape::Snapshot => {
                    let path = d.path.as_deref().unwrap_or("");
                    let kind = KNOWN_KEYS.iter().find(|(k, _)| {
                        path == *k
                            || path.starts_with(&format!("{k}."))
                            || path.starts_with(&format!("{k}["))
                    });
                    if let Some((_, kind)) = kind {
                        d.message = format!(
                            "{} (this looks like the output of `{}`)",
                            d.message,
                            kind.cli_command()
                        );
                    }
                }
            }
            return Err(d);
        }
    };
    known_or_unknown(origin, doc, bytes)
}

/// serde names a field given twice at the second; the tree reader finds both places.
fn duplicate_key(bytes: &[u8], d: &mut Diagnostic) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    if let Err(e) = super::iac::parse_tree(text)
        && e.message.starts_with("duplicate key `")
    {
        d.line = Some(e.pos.line);
        d.column = Some(e.pos.column);
        d.message = e.message;
    }
}

/// A parsed document, or a warning when it holds none of the known top-level keys.
fn known_or_unknown(origin: &str, mut doc: Document, bytes: &[u8]) -> Result<Parsed, Diagnostic> {
    if doc.is_empty() {
        match register_input(origin, bytes)? {
            Some((td, sources)) => {
                doc.task_definition = Some(td);
                doc.task_definition_sources = sources;
            }
            None => {
                let keys: Vec<&str> = KNOWN_KEYS.iter().map(|(k, _)| *k).collect();
                return Ok(unknown(
                    origin,
                    format!(
                        "not an AWS CLI output this tool reads (none of the top-level keys {})",
                        keys.join(", ")
                    ),
                ));
            }
        }
    }
    doc.origin = origin.to_string();
    Ok(Parsed::Known(Box::new(doc)))
}

/// The ARN and source map of the `taskDefinition` of `describe-task-definition` (or
/// `register-task-definition`) output, read again with positions.
///
/// Not made while loading, unlike for `register-task-definition` input (always a file kept in
/// a repository): an account snapshot holds one such file per revision, and their maps would
/// make a snapshot scan a third bigger for places nobody edits. The caller, which reads the
/// files, asks for it where it helps: task definitions judged on their own because no service
/// is in the input (a repository's task definition files, scanned in CI).
pub fn describe_output_sources(origin: &str, bytes: &[u8]) -> Option<(String, SourceMap)> {
    let text = std::str::from_utf8(strip_bom(bytes)).ok()?;
    if !text.trim_start().starts_with('{') {
        return None;
    }
    let p = super::iac::Positioned::parse(text)?;
    let arn = p.member("taskDefinition", "taskDefinitionArn")?.to_string();
    Some((arn, p.source_map(origin, Some("taskDefinition"))?))
}

/// `aws ecs register-task-definition --cli-input-json` input (top-level `family` and
/// `containerDefinitions`, as infrastructure-as-code repositories keep task definitions): a
/// task definition with no ARN yet, so it gets a synthetic one, `<file name>#<family>`, and
/// the source map of the file (it is kept in a repository: findings point at its lines).
/// Only documents of no other kind are tried, so it costs nothing on AWS CLI output.
fn register_input(
    origin: &str,
    bytes: &[u8],
) -> Result<Option<(TaskDefinition, Option<SourceMap>)>, Diagnostic> {
    let is_input = |obj: &serde_json::Map<String, serde_json::Value>| {
        obj.get("family").is_some_and(|f| f.is_string())
            && obj
                .get("containerDefinitions")
                .is_some_and(|c| c.is_array())
    };
    // One read with positions gives the value and its source map. The reader refuses a key
    // given twice, as below; whatever it refuses or cannot read is read below instead, which
    // says what is wrong (and the file has no source map). Every JSON file of no known kind
    // comes here (a repository's `package-lock.json`), and the reader with positions is
    // slower than serde_json: only a file that names both keys as written is read with it
    // (keys written with escapes are still read below).
    let named = contains(bytes, b"\"containerDefinitions\"") && contains(bytes, b"\"family\"");
    let positioned = std::str::from_utf8(strip_bom(bytes))
        .ok()
        .filter(|_| named)
        .and_then(super::iac::Positioned::parse);
    if let Some(p) = &positioned
        && let Some(obj) = p.value(None)
    {
        if !is_input(&obj) {
            return Ok(None);
        }
        let map = p.source_map(origin, None);
        return typed(origin, obj).map(|td| Some((td, map)));
    }
    // Read as a plain value first (typed parsing is left to the model), with duplicate keys
    // refused: a value, unlike a struct, would keep the last of two.
    let mut de = serde_json::Deserializer::from_slice(strip_bom(bytes));
    let obj = match serde_path_to_error::deserialize::<_, UniqueKeys>(&mut de) {
        Ok(UniqueKeys(serde_json::Value::Object(obj))) if is_input(&obj) => obj,
        Ok(_) => return Ok(None),
        Err(e) => {
            // A duplicate key only matters in a task definition.
            match serde_json::from_slice(strip_bom(bytes)) {
                Ok(serde_json::Value::Object(obj)) if is_input(&obj) => {}
                _ => return Ok(None),
            }
            let mut d = Diagnostic {
                file: origin.to_string(),
                path: Some(e.path().to_string()).filter(|p| p != "."),
                line: Some(e.inner().line()).filter(|l| *l > 0),
                column: Some(e.inner().column()).filter(|_| e.inner().line() > 0),
                message: json_error(e.inner()),
            };
            duplicate_key(strip_bom(bytes), &mut d);
            return Err(d);
        }
    };
    typed(origin, obj).map(|td| Some((td, None)))
}

/// The task definition of `register-task-definition` input, with its synthetic ARN.
fn typed(
    origin: &str,
    mut obj: serde_json::Map<String, serde_json::Value>,
) -> Result<TaskDefinition, Diagnostic> {
    let family = obj
        .get("family")
        .and_then(|f| f.as_str())
        .unwrap_or_default()
        .to_string();
    let file = origin.rsplit(['/', '\\']).next().unwrap_or(origin);
    obj.insert(
        "taskDefinitionArn".to_string(),
        format!("{file}#{family}").into(),
    );
    let mut td: TaskDefinition = serde_path_to_error::deserialize(serde_json::Value::Object(obj))
        .map_err(|e| Diagnostic {
        file: origin.to_string(),
        path: Some(e.path().to_string()).filter(|p| p != "."),
        line: None,
        column: None,
        message: format!(
            "{} (this looks like `aws ecs register-task-definition` input)",
            json_error(e.inner())
        ),
    })?;
    td.tags = Vec::new();
    Ok(td)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes)
}

fn syntax_error(origin: &str, e: &serde_json::Error) -> Diagnostic {
    let message = json_error(e);
    // serde_json's own nesting limit, named as the templates' one (they are equal).
    let message = if message == "recursion limit exceeded" {
        format!(
            "nesting deeper than {} levels (limit MAX_NESTING)",
            super::iac::MAX_NESTING
        )
    } else {
        message
    };
    Diagnostic {
        file: origin.to_string(),
        path: None,
        line: Some(e.line()),
        column: Some(e.column()),
        message: format!("not valid JSON: {message}"),
    }
}

#[cfg(test)]
mod tests;
