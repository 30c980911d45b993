//! Terraform `aws_lb_listener_rule` / `aws_alb_listener_rule` → the rule `describe-rules`
//! prints: `action` blocks become `Actions` (with `forward { target_group { arn weight } }`
//! and the sign-in blocks), `condition` blocks become `Conditions` in their `*Config` form.

use super::super::node::{Node, V};
use super::super::{IacError, Sink};
use super::{Plan, Res, model};
use crate::model::Resource;
use serde_json::{Value, json};

/// The rule in the API's shape.
pub(super) fn listener_rule(
    p: &Plan<'_>,
    sink: &mut Sink<'_>,
    r: &Res<'_>,
    id: &str,
) -> Result<Vec<Resource>, IacError> {
    let v = r.values;
    if let Some((k, _)) = v.entry("listener_arn") {
        sink.at(id, "ListenerArn", k.pos);
    }
    let listener = match p.refs(r, &["listener_arn"]) {
        Ok(mut ids) if !ids.is_empty() => ids.swap_remove(0),
        Ok(_) => format!("{id}/no-listener"),
        Err(why) => {
            sink.unknown(id, "ListenerArn", &Node::new(V::Unknown(why), r.pos));
            format!("{id}/unresolved-listener")
        }
    };
    let rule = json!({"RuleArn": id, "ListenerArn": listener,
        "Priority": v.get("priority").and_then(Node::text),
        "Actions": actions(p, r, sink, id, "action", "Actions"),
        "Conditions": conditions(sink, id, v)});
    Ok(vec![Resource::ListenerRule(model(id, rule)?)])
}

/// The `block` action blocks of `r` (`action` of a rule, `default_action` of a listener) as
/// the API's actions under model path `field`.
pub(super) fn actions(
    p: &Plan<'_>,
    r: &Res<'_>,
    sink: &mut Sink<'_>,
    id: &str,
    block: &str,
    field: &str,
) -> Vec<Value> {
    let text = |n: &Node, k: &str| n.get(k).and_then(Node::text);
    let mut out = Vec::new();
    for (i, a) in r
        .values
        .get(block)
        .and_then(Node::seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let base = format!("{field}[{i}]");
        sink.at(id, &base, a.pos);
        let is = i.to_string();
        let known = |path: &[&str]| {
            p.refs(r, path)
                .ok()
                .and_then(|x| x.into_iter().next())
                .filter(|t| !t.is_empty())
        };
        let mut action = json!({"Type": text(a, "type").unwrap_or_default(),
            "Order": text(a, "order"),
            "TargetGroupArn": known(&[block, &is, "target_group_arn"])});
        if let Some(f) = a.get("forward").and_then(Node::seq).and_then(|s| s.first()) {
            let mut groups = Vec::new();
            for (j, tg) in f
                .get("target_group")
                .and_then(Node::seq)
                .unwrap_or(&[])
                .iter()
                .enumerate()
            {
                let js = j.to_string();
                let path = format!("{base}.ForwardConfig.TargetGroups[{}]", groups.len());
                sink.at(id, &path, tg.pos);
                match known(&[block, &is, "forward", "0", "target_group", &js, "arn"]) {
                    Some(arn) => {
                        groups.push(json!({"TargetGroupArn": arn, "Weight": text(tg, "weight")}))
                    }
                    // A group that cannot be named could be the service's: recorded.
                    None => sink.unknown(
                        id,
                        &path,
                        &Node::new(
                            V::Unknown("the target group's `arn` is known only after apply".into()),
                            tg.pos,
                        ),
                    ),
                }
            }
            action["ForwardConfig"] = json!({"TargetGroups": groups});
        }
        for (b, key, who) in [
            (
                "authenticate_cognito",
                "AuthenticateCognitoConfig",
                "user_pool_arn",
            ),
            ("authenticate_oidc", "AuthenticateOidcConfig", "issuer"),
        ] {
            if let Some(c) = a.get(b).and_then(Node::seq).and_then(|s| s.first()) {
                let who_key = if who == "issuer" {
                    "Issuer"
                } else {
                    "UserPoolArn"
                };
                // Only who signs in and whether it is required; never the client secret.
                action[key] = json!({who_key: text(c, who),
                    "OnUnauthenticatedRequest": text(c, "on_unauthenticated_request")});
            }
        }
        out.push(action);
    }
    out
}

/// `condition` blocks as the API's conditions. A `source-ip` condition whose values are
/// unknown until apply is left out (the path is then judged without it, the wider reading)
/// and recorded.
fn conditions(sink: &mut Sink<'_>, id: &str, v: &Node) -> Vec<Value> {
    let texts = |n: Option<&Node>| -> Option<Vec<String>> {
        n?.seq()?.iter().map(Node::text).collect::<Option<Vec<_>>>()
    };
    let mut out = Vec::new();
    for c in v.get("condition").and_then(Node::seq).unwrap_or(&[]) {
        for (block, field, key) in [
            ("host_header", "host-header", "HostHeaderConfig"),
            ("path_pattern", "path-pattern", "PathPatternConfig"),
            ("source_ip", "source-ip", "SourceIpConfig"),
            (
                "http_request_method",
                "http-request-method",
                "HttpRequestMethodConfig",
            ),
        ] {
            let Some(b) = c.get(block).and_then(Node::seq).and_then(|s| s.first()) else {
                continue;
            };
            let path = format!("Conditions[{}]", out.len());
            sink.at(id, &path, b.pos);
            match texts(b.get("values")) {
                Some(values) => out.push(json!({"Field": field, key: {"Values": values}})),
                None if block == "source_ip" => sink.unknown(
                    id,
                    &format!("{path}.SourceIpConfig.Values"),
                    &Node::new(
                        V::Unknown("the source IP values are known only after apply".into()),
                        b.pos,
                    ),
                ),
                None => out.push(json!({"Field": field, key: {"Values": []}})),
            }
        }
        if let Some(b) = c
            .get("http_header")
            .and_then(Node::seq)
            .and_then(|s| s.first())
        {
            sink.at(id, &format!("Conditions[{}]", out.len()), b.pos);
            // The header's values are not carried: they may be a shared secret.
            out.push(json!({"Field": "http-header",
                "HttpHeaderConfig": {"HttpHeaderName": b.get("http_header_name").and_then(Node::text)}}));
        }
        if let Some(q) = c
            .get("query_string")
            .and_then(Node::seq)
            .filter(|q| !q.is_empty())
        {
            sink.at(id, &format!("Conditions[{}]", out.len()), c.pos);
            let keys: Vec<Value> = q
                .iter()
                .map(|kv| json!({"Key": kv.get("key").and_then(Node::text).filter(|k| !k.is_empty())}))
                .collect();
            out.push(json!({"Field": "query-string", "QueryStringConfig": {"Values": keys}}));
        }
    }
    out
}
