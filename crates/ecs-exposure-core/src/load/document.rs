//! One AWS CLI output document: recognition of its kind and typed parsing with JSON paths.

use super::{Diagnostic, KNOWN_KEYS, Parsed};
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
    #[serde(rename = "RoleDetailList")]
    roles: Option<Vec<Role>>,
    #[serde(rename = "Policies")]
    policies: Option<Vec<ManagedPolicy>>,
    findings: Option<Vec<InspectorFinding>>,
    #[serde(rename = "ecsExposureCollection")]
    collection: Option<CollectionReport>,
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
            && self.roles.is_none()
            && self.policies.is_none()
            && self.findings.is_none()
            && self.collection.is_none()
    }

    /// Adds this document's resources to the inventory. The same resource seen twice (two
    /// overlapping snapshots) is kept once, the later copy winning.
    pub(crate) fn merge_into(self, inv: &mut Inventory) {
        fn add<T>(
            inv_loaded: &mut std::collections::BTreeSet<Kind>,
            kind: Kind,
            items: Option<Vec<T>>,
            mut put: impl FnMut(T),
        ) {
            if let Some(items) = items {
                inv_loaded.insert(kind);
                items.into_iter().for_each(&mut put);
            }
        }
        let loaded = &mut inv.loaded;
        add(loaded, Kind::EcsServices, self.services, |s| {
            inv.services.insert(s.service_arn.clone(), s);
        });
        if let Some(mut td) = self.task_definition {
            loaded.insert(Kind::EcsTaskDefinition);
            td.tags = self.tags.unwrap_or_default();
            inv.task_definitions
                .insert(td.task_definition_arn.clone(), td);
        }
        add(loaded, Kind::EcsClusters, self.clusters, |c| {
            inv.clusters.insert(c.cluster_arn.clone(), c);
        });
        add(loaded, Kind::Ec2SecurityGroups, self.security_groups, |g| {
            inv.security_groups.insert(g.group_id.clone(), g);
        });
        add(loaded, Kind::Ec2Subnets, self.subnets, |s| {
            inv.subnets.insert(s.subnet_id.clone(), s);
        });
        add(loaded, Kind::Ec2RouteTables, self.route_tables, |r| {
            inv.route_tables.insert(r.route_table_id.clone(), r);
        });
        add(loaded, Kind::Ec2NetworkAcls, self.network_acls, |a| {
            inv.network_acls.insert(a.network_acl_id.clone(), a);
        });
        add(
            loaded,
            Kind::Ec2InternetGateways,
            self.internet_gateways,
            |g| {
                inv.internet_gateways
                    .insert(g.internet_gateway_id.clone(), g);
            },
        );
        add(loaded, Kind::Elbv2LoadBalancers, self.load_balancers, |l| {
            inv.load_balancers.insert(l.load_balancer_arn.clone(), l);
        });
        add(loaded, Kind::Elbv2TargetGroups, self.target_groups, |t| {
            inv.target_groups.insert(t.target_group_arn.clone(), t);
        });
        add(loaded, Kind::Elbv2Listeners, self.listeners, |l| {
            inv.listeners.insert(l.listener_arn.clone(), l);
        });
        add(loaded, Kind::IamAuthorizationDetails, self.roles, |r| {
            inv.roles.insert(r.arn.clone(), r);
        });
        add(loaded, Kind::IamAuthorizationDetails, self.policies, |p| {
            inv.managed_policies.insert(p.arn.clone(), p);
        });
        add(loaded, Kind::InspectorFindings, self.findings, |f| {
            inv.inspector_findings.push(f);
        });
        if let Some(report) = self.collection {
            loaded.insert(Kind::Collection);
            inv.collection_failures.extend(report.failures);
        }
    }
}

/// Parses one document. `origin` names it in messages.
///
/// - not JSON: error, with line and column;
/// - JSON but not an object, or an object with none of the known top-level keys: a warning
///   ([`Parsed::Unknown`]), so that unrelated JSON files in a folder do not stop a scan;
/// - a known kind whose values have the wrong types: error, with the JSON path.
pub fn parse_document(origin: &str, bytes: &[u8]) -> Result<Parsed, Diagnostic> {
    // Infrastructure as code: YAML before the JSON attempt; a JSON template or plan only when
    // it holds none of the snapshot keys, so that snapshots are never parsed twice.
    let json_object = bytes
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF)
        == Some(b'{');
    if !json_object && let Some(iac) = super::iac::try_parse(origin, bytes) {
        return iac;
    }
    let parsed = parse_snapshot(origin, bytes);
    if json_object
        && matches!(parsed, Ok(Parsed::Unknown(_)))
        && let Some(iac) = super::iac::try_parse(origin, bytes)
    {
        return iac;
    }
    parsed
}

fn parse_snapshot(origin: &str, bytes: &[u8]) -> Result<Parsed, Diagnostic> {
    let first = bytes
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF);
    if first != Some(b'{') {
        // Not an object: either valid JSON of another shape (unknown kind) or not JSON.
        return match serde_json::from_slice::<serde::de::IgnoredAny>(strip_bom(bytes)) {
            Ok(_) => Ok(Parsed::Unknown(Diagnostic {
                file: origin.to_string(),
                path: None,
                line: None,
                column: None,
                message: "not an AWS CLI output this tool reads (the top level is not an object); skipped".into(),
            })),
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
            let kind = KNOWN_KEYS
                .iter()
                .find(|(k, _)| {
                    path == *k
                        || path.starts_with(&format!("{k}."))
                        || path.starts_with(&format!("{k}["))
                })
                .map(|(_, kind)| kind.cli_command());
            let message = match kind {
                Some(cmd) => format!(
                    "{} (this looks like the output of `{cmd}`)",
                    strip_position(&inner)
                ),
                None => strip_position(&inner),
            };
            return Err(Diagnostic {
                file: origin.to_string(),
                path: Some(path).filter(|p| p != "."),
                line: Some(inner.line()).filter(|l| *l > 0),
                column: Some(inner.column()).filter(|_| inner.line() > 0),
                message,
            });
        }
    };
    known_or_unknown(origin, doc, bytes)
}

/// A parsed document, or a warning when it holds none of the known top-level keys.
fn known_or_unknown(origin: &str, mut doc: Document, bytes: &[u8]) -> Result<Parsed, Diagnostic> {
    if doc.is_empty()
        && let Some(td) = register_input(origin, bytes)?
    {
        doc.task_definition = Some(td);
    }
    Ok(known_or_unknown_parsed(origin, doc))
}

/// `aws ecs register-task-definition --cli-input-json` input (top-level `family` and
/// `containerDefinitions`, as infrastructure-as-code repositories keep task definitions): a
/// task definition with no ARN yet, so it gets a synthetic one, `<file name>#<family>`.
/// Only documents of no other kind are tried, so it costs nothing on AWS CLI output.
fn register_input(origin: &str, bytes: &[u8]) -> Result<Option<TaskDefinition>, Diagnostic> {
    let Ok(serde_json::Value::Object(mut obj)) = serde_json::from_slice(strip_bom(bytes)) else {
        return Ok(None);
    };
    let Some(family) = obj
        .get("family")
        .and_then(|f| f.as_str())
        .map(str::to_string)
    else {
        return Ok(None);
    };
    if !obj
        .get("containerDefinitions")
        .is_some_and(|c| c.is_array())
    {
        return Ok(None);
    }
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
            e.into_inner()
        ),
    })?;
    td.tags = Vec::new();
    Ok(Some(td))
}

fn known_or_unknown_parsed(origin: &str, doc: Document) -> Parsed {
    if doc.is_empty() {
        let keys: Vec<&str> = KNOWN_KEYS.iter().map(|(k, _)| *k).collect();
        return Parsed::Unknown(Diagnostic {
            file: origin.to_string(),
            path: None,
            line: None,
            column: None,
            message: format!(
                "not an AWS CLI output this tool reads (none of the top-level keys {}); skipped",
                keys.join(", ")
            ),
        });
    }
    Parsed::Known(Box::new(doc))
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes)
}

fn syntax_error(origin: &str, e: &serde_json::Error) -> Diagnostic {
    Diagnostic {
        file: origin.to_string(),
        path: None,
        line: Some(e.line()),
        column: Some(e.column()),
        message: format!("not valid JSON: {}", strip_position(e)),
    }
}

/// serde_json appends " at line L column C"; the diagnostic carries those separately.
fn strip_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(json: &str) -> Diagnostic {
        match parse_document("f.json", json.as_bytes()) {
            Err(d) => d,
            Ok(_) => panic!("expected an error for {json}"),
        }
    }

    #[test]
    fn wrong_type_names_path_and_command() {
        let d = err(
            r#"{"services": [{"serviceArn": "a", "loadBalancers": [{"containerPort": "80"}]}]}"#,
        );
        assert_eq!(
            d.path.as_deref(),
            Some("services[0].loadBalancers[0].containerPort")
        );
        assert!(
            d.message.contains("aws ecs describe-services"),
            "{}",
            d.message
        );
        assert_eq!(d.line, Some(1));
    }

    #[test]
    fn not_json_gives_line_and_column() {
        let d = err("{\n  \"services\": [\n    oops\n]}");
        assert_eq!((d.line, d.column), (Some(3), Some(5)));
        assert!(d.message.starts_with("not valid JSON"), "{}", d.message);
        let d = err("hello");
        assert!(d.message.starts_with("not valid JSON"));
    }

    #[test]
    fn unknown_kind_is_a_warning() {
        for json in [r#"{"name": "package"}"#, "[1, 2]"] {
            match parse_document("x.json", json.as_bytes()) {
                Ok(Parsed::Unknown(w)) => assert!(w.message.contains("skipped")),
                _ => panic!("expected a warning for {json}"),
            }
        }
    }

    #[test]
    fn register_task_definition_input_is_a_task_definition() {
        let json = r#"{"family": "web", "networkMode": "awsvpc", "tags": [{"key": "team", "value": "a"}],
            "containerDefinitions": [{"name": "app", "image": "nginx", "privileged": true}]}"#;
        let mut loader = crate::load::Loader::new();
        loader.add("infra/ecs/web.json", json.as_bytes()).unwrap();
        let (inv, warnings) = loader.finish();
        assert!(warnings.is_empty());
        let td = inv.task_definition("web.json#web").expect("synthetic ARN");
        assert_eq!(td.container_definitions[0].privileged, Some(true));
        assert_eq!(td.tags.len(), 1);
        // Neither half alone is a task definition.
        for json in [r#"{"family": "web"}"#, r#"{"containerDefinitions": []}"#] {
            assert!(matches!(
                parse_document("x.json", json.as_bytes()),
                Ok(Parsed::Unknown(_))
            ));
        }
        let d = err(r#"{"family": "web", "containerDefinitions": [{"privileged": "yes"}]}"#);
        assert_eq!(
            d.path.as_deref(),
            Some("containerDefinitions[0].privileged")
        );
    }

    #[test]
    fn missing_required_field_is_an_error() {
        let d = err(r#"{"SecurityGroups": [{"GroupName": "x"}]}"#);
        assert_eq!(d.path.as_deref(), Some("SecurityGroups[0]"));
        assert!(d.message.contains("GroupId"), "{}", d.message);
    }

    /// Every prefix and every one-byte corruption of a valid document gives a result or a
    /// diagnostic, never a panic.
    #[test]
    fn truncated_or_corrupted_input_never_panics() {
        let doc = br#"{"services": [{"serviceArn": "arn:aws:ecs:us-east-1:1:service/c/s",
            "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"],
            "assignPublicIp": "ENABLED"}}, "loadBalancers": [{"containerPort": 80}]}],
            "taskDefinition": {"taskDefinitionArn": "a", "containerDefinitions": [
            {"name": "w", "environment": [{"name": "K", "value": "v"}]}]}}"#;
        for n in 0..doc.len() {
            let _ = parse_document("p.json", &doc[..n]);
            for b in [b'"', b'{', b']', b'0', b'x', 0xff] {
                let mut c = doc.to_vec();
                c[n] = b;
                let _ = parse_document("c.json", &c);
            }
        }
    }
}
