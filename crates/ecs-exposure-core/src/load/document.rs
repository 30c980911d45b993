//! One AWS CLI output document: recognition of its kind and typed parsing with JSON paths.

use super::redact::json_error;
use super::seen::{Keyed, Noun, Seen};
use super::shape::{self, Shape};
use super::unique::UniqueKeys;
use super::{Diagnostic, Found, KNOWN_KEYS, Parsed, SKIPPED};
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
    /// The file the document is from, to name both files of a resource given twice.
    #[serde(skip)]
    origin: String,
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
    /// overlapping snapshots) is kept once, the later copy winning; `seen` notes it.
    pub(crate) fn merge_into(self, inv: &mut Inventory, seen: &mut Seen) {
        seen.enter(&self.origin);
        let loaded = &mut inv.loaded;
        // Each present key marks its kind as loaded, even when its list is empty.
        #[allow(clippy::too_many_arguments)]
        fn add<T, M: Keyed<T>>(
            loaded: &mut std::collections::BTreeSet<Kind>,
            seen: &mut Seen,
            kind: Kind,
            noun: Noun,
            items: Option<Vec<T>>,
            map: &mut M,
            id: impl Fn(&T) -> &String,
        ) {
            if let Some(items) = items {
                loaded.insert(kind);
                seen.put_all(noun, items, map, id);
            }
        }
        add(
            loaded,
            seen,
            Kind::EcsServices,
            Noun::SERVICE,
            self.services,
            &mut inv.services,
            |s| &s.service_arn,
        );
        if let Some(mut td) = self.task_definition {
            loaded.insert(Kind::EcsTaskDefinition);
            td.tags = self.tags.unwrap_or_default();
            seen.put_all(
                Noun::TASK_DEFINITION,
                [td],
                &mut inv.task_definitions,
                |t| &t.task_definition_arn,
            );
        }
        add(
            loaded,
            seen,
            Kind::EcsClusters,
            Noun::CLUSTER,
            self.clusters,
            &mut inv.clusters,
            |c| &c.cluster_arn,
        );
        add(
            loaded,
            seen,
            Kind::Ec2SecurityGroups,
            Noun::SECURITY_GROUP,
            self.security_groups,
            &mut inv.security_groups,
            |g| &g.group_id,
        );
        add(
            loaded,
            seen,
            Kind::Ec2Subnets,
            Noun::SUBNET,
            self.subnets,
            &mut inv.subnets,
            |s| &s.subnet_id,
        );
        add(
            loaded,
            seen,
            Kind::Ec2RouteTables,
            Noun::ROUTE_TABLE,
            self.route_tables,
            &mut inv.route_tables,
            |r| &r.route_table_id,
        );
        add(
            loaded,
            seen,
            Kind::Ec2NetworkAcls,
            Noun::NETWORK_ACL,
            self.network_acls,
            &mut inv.network_acls,
            |a| &a.network_acl_id,
        );
        add(
            loaded,
            seen,
            Kind::Ec2InternetGateways,
            Noun::INTERNET_GATEWAY,
            self.internet_gateways,
            &mut inv.internet_gateways,
            |g| &g.internet_gateway_id,
        );
        add(
            loaded,
            seen,
            Kind::Elbv2LoadBalancers,
            Noun::LOAD_BALANCER,
            self.load_balancers,
            &mut inv.load_balancers,
            |l| &l.load_balancer_arn,
        );
        add(
            loaded,
            seen,
            Kind::Elbv2TargetGroups,
            Noun::TARGET_GROUP,
            self.target_groups,
            &mut inv.target_groups,
            |t| &t.target_group_arn,
        );
        add(
            loaded,
            seen,
            Kind::Elbv2Listeners,
            Noun::LISTENER,
            self.listeners,
            &mut inv.listeners,
            |l| &l.listener_arn,
        );
        add(
            loaded,
            seen,
            Kind::IamAuthorizationDetails,
            Noun::ROLE,
            self.roles,
            &mut inv.roles,
            |r| &r.arn,
        );
        add(
            loaded,
            seen,
            Kind::IamAuthorizationDetails,
            Noun::MANAGED_POLICY,
            self.policies,
            &mut inv.managed_policies,
            |p| &p.arn,
        );
        if let Some(findings) = self.findings {
            loaded.insert(Kind::InspectorFindings);
            inv.inspector_findings.extend(findings);
        }
        if let Some(report) = self.collection {
            loaded.insert(Kind::Collection);
            inv.collection_failures.extend(report.failures);
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
    match parse_any(origin, bytes, found) {
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

fn parse_any(origin: &str, bytes: &[u8], found: Found) -> Result<Parsed, Diagnostic> {
    // Infrastructure as code: YAML before the JSON attempt; a JSON template or plan only when
    // it holds none of the snapshot keys, so that snapshots are never parsed twice.
    let json_object = first_byte(bytes) == Some(b'{');
    if !json_object && let Some(iac) = super::iac::try_parse(origin, bytes) {
        return iac;
    }
    let parsed = parse_snapshot(origin, bytes, found);
    if json_object
        && matches!(parsed, Ok(Parsed::Unknown(_)))
        && let Some(iac) = super::iac::try_parse(origin, bytes)
    {
        return iac;
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
            Some(td) => doc.task_definition = Some(td),
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

/// `aws ecs register-task-definition --cli-input-json` input (top-level `family` and
/// `containerDefinitions`, as infrastructure-as-code repositories keep task definitions): a
/// task definition with no ARN yet, so it gets a synthetic one, `<file name>#<family>`.
/// Only documents of no other kind are tried, so it costs nothing on AWS CLI output.
fn register_input(origin: &str, bytes: &[u8]) -> Result<Option<TaskDefinition>, Diagnostic> {
    let is_input = |obj: &serde_json::Map<String, serde_json::Value>| {
        obj.get("family").is_some_and(|f| f.is_string())
            && obj
                .get("containerDefinitions")
                .is_some_and(|c| c.is_array())
    };
    // Read as a plain value first (typed parsing is left to the model), with duplicate keys
    // refused: a value, unlike a struct, would keep the last of two.
    let mut de = serde_json::Deserializer::from_slice(strip_bom(bytes));
    let mut obj = match serde_path_to_error::deserialize::<_, UniqueKeys>(&mut de) {
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
    Ok(Some(td))
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
mod tests {
    use super::*;

    fn err(json: &str) -> Diagnostic {
        match parse_document("f.json", json.as_bytes(), Found::Named) {
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
            match parse_document("x.json", json.as_bytes(), Found::Walked) {
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
                parse_document("x.json", json.as_bytes(), Found::Walked),
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
            let _ = parse_document("p.json", &doc[..n], Found::Walked);
            for b in [b'"', b'{', b']', b'0', b'x', 0xff] {
                let mut c = doc.to_vec();
                c[n] = b;
                let _ = parse_document("c.json", &c, Found::Named);
            }
        }
    }

    /// Files that share a top-level key with a snapshot but not its shape: skipped with a
    /// warning saying why when found in a folder, an error when named.
    #[test]
    fn other_files_with_a_snapshot_key_are_told_apart_by_shape() {
        let compose = r#"{"services": {"web": {"image": "nginx", "ports": ["80:80"]}}}"#;
        let cases = [
            (
                compose,
                "top-level `services` is an object, not the list `aws ecs describe-services` prints; skipped",
            ),
            (
                r#"{"services": ["a", "b"]}"#,
                "top-level `services` is a list holding a string, not the objects `aws ecs describe-services` prints; skipped",
            ),
            (
                r#"{"services": [{"name": "web", "replicas": "x"}]}"#,
                "the objects in top-level `services` have no `serviceArn` or `serviceName`, unlike those `aws ecs describe-services` prints; skipped",
            ),
            (
                r#"{"findings": [{"rule": "x", "severity": 3}]}"#,
                "the objects in top-level `findings` have no `findingArn`, unlike those `aws inspector2 list-findings` prints; skipped",
            ),
            (
                r#"{"taskDefinition": "web:3"}"#,
                "top-level `taskDefinition` is a string, not the object `aws ecs describe-task-definition` prints; skipped",
            ),
        ];
        for (json, why) in cases {
            match parse_document("x.json", json.as_bytes(), Found::Walked) {
                Ok(Parsed::Unknown(w)) => {
                    assert_eq!(w.message, why);
                    assert_eq!(w.file, "x.json");
                }
                _ => panic!("expected a warning for {json}"),
            }
            let d = err(json);
            assert!(d.path.is_some(), "{d}");
            assert!(
                d.message.contains(why.strip_suffix(SKIPPED).unwrap()),
                "{d}"
            );
        }
        // A snapshot with one wrong field is an error wherever it was found.
        let broken =
            r#"{"services": [{"serviceArn": "a"}, {"serviceArn": "b", "desiredCount": "x"}]}"#;
        let d = match parse_document("x.json", broken.as_bytes(), Found::Walked) {
            Err(d) => d,
            Ok(_) => panic!("a broken snapshot was skipped"),
        };
        assert_eq!(d.path.as_deref(), Some("services[1].desiredCount"));
        assert!(d.message.contains("aws ecs describe-services"), "{d}");
    }

    #[test]
    fn named_files_of_no_known_kind_are_errors() {
        for json in [r#"{"name": "package"}"#, "[1, 2]"] {
            let d = err(json);
            assert!(d.message.starts_with("not an AWS CLI output"), "{d}");
            assert!(!d.message.contains("skipped"), "{d}");
        }
    }

    /// A key given twice, which would let the later value hide the one a reviewer reads:
    /// an error naming both lines, in AWS CLI output and in task definition input alike.
    #[test]
    fn duplicate_keys_are_errors_naming_both_lines() {
        let json = "{\"taskDefinition\": {\"taskDefinitionArn\": \"a\", \"containerDefinitions\": [{\"name\": \"x\",\n \"privileged\": true,\n \"privileged\": false}]}}";
        let d = err(json);
        assert!(
            d.message
                .starts_with("duplicate key `privileged` (first at line 2)"),
            "{d}"
        );
        assert_eq!(d.line, Some(3));
        assert_eq!(
            d.path.as_deref(),
            Some("taskDefinition.containerDefinitions[0]")
        );
        let json = "{\"family\": \"web\", \"containerDefinitions\": [{\"name\": \"x\",\n \"privileged\": true,\n \"privileged\": false}]}";
        for found in [Found::Named, Found::Walked] {
            let d = match parse_document("td.json", json.as_bytes(), found) {
                Err(d) => d,
                Ok(_) => panic!("duplicate accepted"),
            };
            assert_eq!(d.message, "duplicate key `privileged` (first at line 2)");
            assert_eq!(d.line, Some(3));
            assert_eq!(d.path.as_deref(), Some("containerDefinitions[0]"));
        }
        // A duplicate in a file of no known kind is that file's business.
        assert!(matches!(
            parse_document("x.json", br#"{"a": 1, "a": 2}"#, Found::Walked),
            Ok(Parsed::Unknown(_))
        ));
    }

    /// JSON nested far past serde_json's limit (1 MB of it), in a known key, an ignored one
    /// (serde_json skips those without recursing), an untyped value or task definition
    /// input: an error or a skipped file, never a stack overflow.
    #[test]
    fn deep_json_is_an_error_or_skipped() {
        let n = 1 << 19;
        let deep = format!("{}{}", "[".repeat(n), "]".repeat(n));
        for (json, nesting) in [
            (format!("{{\"services\": {deep}}}"), false),
            (format!("{{\"x\": {deep}}}"), false),
            (
                format!(
                    "{{\"RoleDetailList\": [{{\"Arn\": \"r\", \"AssumeRolePolicyDocument\": {{\"a\": {deep}}}}}]}}"
                ),
                true,
            ),
            (
                format!("{{\"family\": \"f\", \"containerDefinitions\": [], \"volumes\": {deep}}}"),
                false,
            ),
        ] {
            for found in [Found::Named, Found::Walked] {
                match parse_document("deep.json", json.as_bytes(), found) {
                    Err(d) => {
                        if nesting {
                            assert_eq!(d.line, Some(1), "{d}");
                            assert!(
                                d.message
                                    .contains("nesting deeper than 128 levels (limit MAX_NESTING)"),
                                "{d}"
                            );
                        }
                    }
                    // Task definition input nested past the limit cannot be read as one.
                    Ok(Parsed::Unknown(_)) if !nesting && found == Found::Walked => {}
                    Ok(_) => panic!("deep JSON accepted"),
                }
            }
        }
    }

    /// Malformed documents of every kind holding a credential: no diagnostic shows it.
    #[test]
    fn no_diagnostic_quotes_an_input_value() {
        const MARK: &str = "pw-7Hq2xZ";
        const NUMBER: &str = "31337424242";
        let json_cases = [
            r#"{"taskDefinition": {"taskDefinitionArn": "a", "containerDefinitions": [{"environment": "DB_URL=postgres://u:MARK@db/x"}]}}"#,
            r#"{"taskDefinition": {"taskDefinitionArn": "a", "containerDefinitions": [{"environment": [{"name": "PIN", "value": NUMBER}]}]}}"#,
            r#"{"taskDefinition": {"taskDefinitionArn": "a", "containerDefinitions": [{"privileged": "MARK"}]}}"#,
            r#"{"taskDefinition": {"taskDefinitionArn": "a", "containerDefinitions": [{"environment": [{"name": "K", "value": "MARK"}], "portMappings": [{"containerPort": NUMBER}]}]}}"#,
            r#"{"services": [{"serviceArn": "MARK", "desiredCount": "MARK"}]}"#,
            r#"{"services": [{"serviceArn": "a", "loadBalancers": "MARK"}]}"#,
            r#"{"services": {"MARK": "MARK"}}"#,
            r#"{"SecurityGroups": [{"GroupId": "sg", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": "MARK"}]}]}"#,
            r#"{"RoleDetailList": [{"Arn": "r", "AssumeRolePolicyDocument": "{\"MARK\": MARK}"}]}"#,
            r#"{"RoleDetailList": [{"Arn": "r", "AssumeRolePolicyDocument": NUMBER}]}"#,
            r#"{"family": "f", "containerDefinitions": [{"environment": "MARK"}]}"#,
            r#"{"family": "f", "containerDefinitions": [{"secrets": [{"name": "x", "valueFrom": NUMBER}]}]}"#,
            r#"{"family": "f", "containerDefinitions": [{"environment": "MARK", "environment": "MARK"}]}"#,
            r#"{"services": [{"serviceArn": "MARK" oops}]}"#,
            r#"{"services": [{"serviceArn": "MARK"#,
            r#"{"services": [{"serviceArn": "MARK"}]} MARK"#,
            r#"{"clusters": [{"clusterArn": "c", "settings": [{"name": "x", "value": "MARK"}], "tags": "MARK"}]}"#,
            r#"{"ecsExposureCollection": {"apiCalls": "MARK"}}"#,
            r#"{"findings": [{"findingArn": "f", "inspectorScore": "MARK"}]}"#,
        ];
        let task_definition = |env: &str| {
            format!(
                "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: app\n          Environment: {env}\n"
            )
        };
        let plan = |defs: &str| {
            format!(
                r#"{{"format_version": "1.2", "planned_values": {{"root_module": {{"resources": [{{"address": "aws_ecs_task_definition.t", "mode": "managed", "type": "aws_ecs_task_definition", "name": "t", "values": {{"family": "t", "container_definitions": {defs}}}}}]}}}}}}"#
            )
        };
        let mut cases: Vec<(&str, String)> = json_cases
            .iter()
            .map(|j| {
                (
                    "bad.json",
                    j.replace("MARK", MARK).replace("NUMBER", NUMBER),
                )
            })
            .collect();
        for (name, text) in [
            ("t.yaml", task_definition("\"DB_URL=MARK\"")),
            ("t.yaml", task_definition("{Name: K, Value: MARK}")),
            ("t.yaml", task_definition("[{Name: K, Value: MARK}]\n          Privileged: MARK")),
            ("t.yaml", task_definition("[{Name: K, Value: MARK}]\n          PortMappings: [{ContainerPort: MARK}]")),
            ("t.yaml", "Resources:\n  T: {Type: \"AWS::ECS::Service\", Properties: {DesiredCount: MARK}}\n".to_string()),
            ("t.yaml", "Resources:\n  T:\n    Type: AWS::ECS::Service\n    Value: \"MARK\n".to_string()),
            ("t.yaml", "Resources:\n  T: MARK\n@MARK\n".to_string()),
            ("t.yaml", "Resources:\n  T: {a: MARK, a: MARK}\n".to_string()),
            ("t.yaml", "Resources:\n  T: [MARK\n".to_string()),
            ("t.yaml", "Resources:\n  T: 'MARK\n".to_string()),
            ("t.yaml", "Resources: !Ref [MARK\n".to_string()),
            ("t.yaml", "- MARK\n- ? MARK\n  : MARK\n- &a MARK\n- *b\n".to_string()),
            ("t.yaml", "MARK: [\tMARK\n".to_string()),
            ("t.template.json", "{\"Resources\": {\"T\": {\"Type\": \"AWS::ECS::TaskDefinition\", \"Properties\": {\"ContainerDefinitions\": [{\"Environment\": \"MARK\"}]}}}}".to_string()),
            ("t.template.json", "{\"Resources\": {\"T\": {\"Type\": \"AWS::ECS::TaskDefinition\", \"Properties\": MARK}}".to_string()),
            ("plan.json", plan(r#""[{\"environment\": \"MARK\"}]""#)),
            ("plan.json", plan(r#""[{\"environment\": [{\"name\": \"K\", \"value\": NUMBER}], \"privileged\": \"MARK\"}]""#)),
            ("plan.json", plan(r#""[{\"environment\": MARK}]""#)),
            ("plan.json", plan(r#""[{\"privileged\": true, \"privileged\": \"MARK\"}]""#)),
        ] {
            cases.push((name, text.replace("MARK", MARK).replace("NUMBER", NUMBER)));
        }
        let mut errors = 0;
        for (name, text) in &cases {
            for found in [Found::Named, Found::Walked] {
                let d = match parse_document(name, text.as_bytes(), found) {
                    Err(d) | Ok(Parsed::Unknown(d)) => d,
                    Ok(_) => continue,
                };
                errors += 1;
                let shown = format!("{d} {}", serde_json::to_string(&d).unwrap());
                assert!(
                    !shown.contains(MARK) && !shown.contains(NUMBER),
                    "{name}: {text}\n{shown}"
                );
            }
        }
        // Nearly every case is a diagnostic (a few parse, with the value left out).
        assert!(
            errors >= cases.len() * 3 / 2,
            "{errors} of {}",
            cases.len() * 2
        );
    }
}
