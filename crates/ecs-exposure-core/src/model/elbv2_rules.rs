//! Listener rules as `aws elbv2 describe-rules` prints them, and what a list of actions (a
//! rule's or a listener's defaults) does with a request: which target groups it reaches, with
//! what weight, and behind which sign-in.

use super::{Inventory, ListenerAction};
use serde::{Deserialize, Deserializer};
use std::collections::HashMap;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListenerRule {
    pub rule_arn: String,
    /// `describe-rules` does not print it (the listener is in the ARN, see
    /// [`listener_arn_of_rule`]); templates and plans give it.
    #[serde(default)]
    pub listener_arn: Option<String>,
    /// `default` or a number, as text (templates give a number).
    #[serde(default, deserialize_with = "text_or_number")]
    pub priority: Option<String>,
    #[serde(default)]
    pub conditions: Vec<RuleCondition>,
    #[serde(default)]
    pub actions: Vec<ListenerAction>,
    #[serde(default)]
    pub is_default: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RuleCondition {
    /// `host-header`, `path-pattern`, `source-ip`, `http-header`, `http-request-method`,
    /// `query-string`.
    pub field: Option<String>,
    /// The older form, for `host-header` and `path-pattern`.
    #[serde(default)]
    pub values: Vec<String>,
    pub host_header_config: Option<ValuesConfig>,
    pub path_pattern_config: Option<ValuesConfig>,
    pub source_ip_config: Option<ValuesConfig>,
    pub http_request_method_config: Option<ValuesConfig>,
    pub http_header_config: Option<HttpHeaderConfig>,
    pub query_string_config: Option<QueryStringConfig>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ValuesConfig {
    #[serde(default)]
    pub values: Vec<String>,
    #[serde(default)]
    pub regex_values: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HttpHeaderConfig {
    pub http_header_name: Option<String>,
    // The values are not kept: a header a CDN adds to prove the origin (`X-Origin-Verify`)
    // holds a secret, and nothing here needs them.
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct QueryStringConfig {
    #[serde(default)]
    pub values: Vec<QueryStringPair>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct QueryStringPair {
    /// Only the key: a value may be a token.
    pub key: Option<String>,
}

/// The most condition values an evidence line shows (the rest are counted).
pub const RULE_VALUES_SHOWN: usize = 3;
/// The most conditions a rule's label shows (AWS allows five condition values per rule; a
/// label is repeated in every evidence of the path, so a hostile input is cut short).
pub const RULE_CONDITIONS_SHOWN: usize = 5;

impl RuleCondition {
    /// The condition's field, lower case.
    pub fn field(&self) -> String {
        self.field.as_deref().unwrap_or("").to_ascii_lowercase()
    }

    /// The source CIDRs of a `source-ip` condition (`None` for other fields), each with its
    /// JSON path below the condition.
    pub fn source_ips(&self) -> Option<Vec<(String, &str)>> {
        if self.field() != "source-ip" {
            return None;
        }
        let mut out: Vec<(String, &str)> = self
            .source_ip_config
            .iter()
            .flat_map(|c| c.values.iter().enumerate())
            .map(|(i, v)| (format!("SourceIpConfig.Values[{i}]"), v.as_str()))
            .collect();
        out.extend(
            self.values
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("Values[{i}]"), v.as_str())),
        );
        Some(out)
    }

    /// A short readable form: `path /api/*`, `host api.example.com or www.example.com`,
    /// `header X-Origin-Verify` (header and query values are never shown: they may be
    /// secrets).
    pub fn describe(&self) -> String {
        let field = self.field();
        let values = |cfg: &Option<ValuesConfig>| -> Vec<String> {
            let mut v: Vec<String> = self.values.clone();
            if let Some(c) = cfg {
                v.extend(c.values.iter().cloned());
                v.extend(c.regex_values.iter().map(|r| format!("~{r}")));
            }
            v
        };
        let (what, list) = match field.as_str() {
            "host-header" => ("host", values(&self.host_header_config)),
            "path-pattern" => ("path", values(&self.path_pattern_config)),
            "source-ip" => ("source IP", values(&self.source_ip_config)),
            "http-request-method" => ("method", values(&self.http_request_method_config)),
            "http-header" => {
                let name = self
                    .http_header_config
                    .as_ref()
                    .and_then(|h| h.http_header_name.as_deref())
                    .unwrap_or("?");
                return format!("header {name} matches (values not shown)");
            }
            "query-string" => {
                let keys: Vec<String> = self
                    .query_string_config
                    .iter()
                    .flat_map(|q| q.values.iter())
                    .map(|p| p.key.clone().unwrap_or_else(|| "(any key)".into()))
                    .collect();
                return format!("query {} matches (values not shown)", shown(&keys));
            }
            "" => return "a condition without a field".to_string(),
            _ => return format!("{field} matches"),
        };
        format!("{what} {}", shown(&list))
    }
}

/// At most [`RULE_VALUES_SHOWN`] values joined by "or", and how many more.
fn shown(list: &[String]) -> String {
    let mut s = list
        .iter()
        .take(RULE_VALUES_SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" or ");
    if list.len() > RULE_VALUES_SHOWN {
        s.push_str(&format!(" (+{} more)", list.len() - RULE_VALUES_SHOWN));
    }
    if s.is_empty() { "(no value)".into() } else { s }
}

impl ListenerRule {
    /// The listener this rule belongs to: given, or read from the rule ARN.
    pub fn listener(&self) -> Option<String> {
        self.listener_arn
            .clone()
            .or_else(|| listener_arn_of_rule(&self.rule_arn))
    }

    /// The default rule mirrors the listener's default actions, which are judged from the
    /// listener itself.
    pub fn is_default(&self) -> bool {
        self.is_default == Some(true)
            || self
                .priority
                .as_deref()
                .is_some_and(|p| p.eq_ignore_ascii_case("default"))
    }

    /// `rule 10 (path /api/* and host api.example.com)`.
    pub fn label(&self) -> String {
        let priority = self.priority.as_deref().unwrap_or("?");
        if self.conditions.is_empty() {
            return format!("rule {priority} (no condition)");
        }
        let mut conditions: Vec<String> = self
            .conditions
            .iter()
            .take(RULE_CONDITIONS_SHOWN)
            .map(|c| c.describe())
            .collect();
        if self.conditions.len() > RULE_CONDITIONS_SHOWN {
            conditions.push(format!(
                "{} more conditions",
                self.conditions.len() - RULE_CONDITIONS_SHOWN
            ));
        }
        format!("rule {priority} ({})", conditions.join(" and "))
    }

    fn priority_number(&self) -> u64 {
        self.priority
            .as_deref()
            .and_then(|p| p.trim().parse::<u64>().ok())
            .unwrap_or(u64::MAX)
    }
}

/// The listener ARN a rule ARN names:
/// `arn:aws:elasticloadbalancing:r:a:listener-rule/app/<lb>/<id>/<listener-id>/<rule-id>` →
/// `arn:aws:elasticloadbalancing:r:a:listener/app/<lb>/<id>/<listener-id>`. `None` when the
/// ARN is not of that form.
pub fn listener_arn_of_rule(rule_arn: &str) -> Option<String> {
    let (head, resource) = rule_arn.rsplit_once(':')?;
    if head.split(':').count() != 5 || !head.starts_with("arn:") {
        return None;
    }
    let rest = resource.strip_prefix("listener-rule/")?;
    let parts: Vec<&str> = rest.split('/').collect();
    // <type>/<lb name>/<lb id>/<listener id>/<rule id>, none empty.
    if parts.len() != 5 || parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    Some(format!("{head}:listener/{}", parts[..4].join("/")))
}

/// What a list of actions does for one target group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// The forward sends it traffic.
    Forwards(Forwarding),
    /// A weighted forward names it with weight 0: it gets no traffic.
    ZeroWeight,
    /// The actions do not forward to it (another group, a redirect, a fixed response).
    No,
}

/// How a forward reaches a target group.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Forwarding {
    /// Its weight and the total of the forward's weights, when the forward is weighted over
    /// more than one group.
    pub weight: Option<(u64, u64)>,
    /// Sign-in required before the forward (`authenticate-cognito`, `authenticate-oidc`,
    /// `jwt-validation`), one line each.
    pub sign_in: Vec<String>,
    /// Authentication actions that let unauthenticated requests through
    /// (`OnUnauthenticatedRequest: allow`): not a sign-in requirement.
    pub sign_in_optional: Vec<String>,
}

/// What `actions` do with a request for target group `tg`: actions run by `Order` (lowest
/// first; the listed order when none is given) until one of them answers (forward, redirect,
/// fixed response).
pub fn reach(actions: &[ListenerAction], tg: &str) -> Reach {
    let mut ordered: Vec<&ListenerAction> = actions.iter().collect();
    ordered.sort_by_key(|a| a.order.unwrap_or(i64::MAX));
    let mut fwd = Forwarding::default();
    for a in ordered {
        let ty = a.action_type.to_ascii_lowercase();
        match ty.as_str() {
            "authenticate-cognito" | "authenticate-oidc" => {
                let cfg = if ty == "authenticate-cognito" {
                    a.authenticate_cognito_config.as_ref()
                } else {
                    a.authenticate_oidc_config.as_ref()
                };
                let who = match (ty.as_str(), cfg) {
                    ("authenticate-cognito", Some(c)) => format!(
                        "Amazon Cognito user pool {}",
                        c.user_pool_arn.as_deref().unwrap_or("?")
                    ),
                    ("authenticate-cognito", None) => "an Amazon Cognito user pool".into(),
                    (_, Some(c)) => format!(
                        "OpenID Connect issuer {}",
                        c.issuer.as_deref().unwrap_or("?")
                    ),
                    (_, None) => "an OpenID Connect provider".into(),
                };
                let allow = cfg
                    .and_then(|c| c.on_unauthenticated_request.as_deref())
                    .is_some_and(|b| b.eq_ignore_ascii_case("allow"));
                if allow {
                    fwd.sign_in_optional.push(format!(
                        "{ty} with {who} lets unauthenticated requests through (OnUnauthenticatedRequest: allow)"
                    ));
                } else {
                    fwd.sign_in.push(format!("sign-in with {who} ({ty})"));
                }
            }
            "jwt-validation" => fwd
                .sign_in
                .push("a valid JSON Web Token (jwt-validation)".to_string()),
            "forward" => return forward_reach(a, tg, fwd),
            // redirect, fixed-response, or a type this tool does not know: the request
            // stops here.
            _ => return Reach::No,
        }
    }
    Reach::No
}

fn forward_reach(a: &ListenerAction, tg: &str, mut fwd: Forwarding) -> Reach {
    let groups: Vec<(&str, Option<u64>)> = a
        .forward_config
        .iter()
        .flat_map(|f| f.target_groups.iter())
        .filter_map(|t| Some((t.target_group_arn.as_deref()?, t.weight)))
        .collect();
    if let Some(&(_, w)) = groups.iter().find(|(arn, _)| *arn == tg) {
        if w == Some(0) {
            return Reach::ZeroWeight;
        }
        if groups.len() > 1 {
            // A weight not given counts as 1 (the smallest that sends traffic).
            let total = groups
                .iter()
                .fold(0u64, |sum, (_, w)| sum.saturating_add(w.unwrap_or(1)));
            fwd.weight = Some((w.unwrap_or(1), total));
        }
        return Reach::Forwards(fwd);
    }
    if a.target_group_arn.as_deref() == Some(tg) {
        return Reach::Forwards(fwd);
    }
    Reach::No
}

/// Every target group a list of actions names in a forward, weight 0 included.
pub fn forwarded_groups(actions: &[ListenerAction]) -> impl Iterator<Item = &str> {
    actions
        .iter()
        .filter(|a| a.action_type.eq_ignore_ascii_case("forward"))
        .flat_map(|a| {
            a.target_group_arn.iter().map(String::as_str).chain(
                a.forward_config
                    .iter()
                    .flat_map(|f| f.target_groups.iter())
                    .filter_map(|t| t.target_group_arn.as_deref()),
            )
        })
}

/// Rule lookups, rebuilt with the inventory's index.
#[derive(Debug, Default, Clone)]
pub(super) struct RuleIndex {
    /// Listener ARN → its rules (default rules left out), by priority.
    by_listener: HashMap<String, Vec<String>>,
    /// Target group ARN → rules whose forward names it (weight 0 included).
    by_target_group: HashMap<String, Vec<String>>,
}

impl RuleIndex {
    pub(super) fn build(rules: &std::collections::BTreeMap<String, ListenerRule>) -> Self {
        let mut ix = RuleIndex::default();
        let mut ordered: Vec<&ListenerRule> = rules.values().filter(|r| !r.is_default()).collect();
        ordered.sort_by_key(|r| r.priority_number());
        for r in ordered {
            if let Some(l) = r.listener() {
                ix.by_listener
                    .entry(l)
                    .or_default()
                    .push(r.rule_arn.clone());
            }
            for tg in forwarded_groups(&r.actions) {
                let v = ix.by_target_group.entry(tg.to_string()).or_default();
                if !v.contains(&r.rule_arn) {
                    v.push(r.rule_arn.clone());
                }
            }
        }
        ix
    }
}

impl Inventory {
    /// The rules of a listener other than its default rule, lowest priority first.
    pub fn rules_of(&self, listener_arn: &str) -> impl Iterator<Item = &ListenerRule> {
        self.index
            .rules
            .by_listener
            .get(listener_arn)
            .into_iter()
            .flatten()
            .filter_map(|arn| self.listener_rules.get(arn))
    }

    /// Rules (not default ones) whose forward names this target group, weight 0 included.
    pub fn rules_forwarding_to(
        &self,
        target_group_arn: &str,
    ) -> impl Iterator<Item = &ListenerRule> {
        self.index
            .rules
            .by_target_group
            .get(target_group_arn)
            .into_iter()
            .flatten()
            .filter_map(|arn| self.listener_rules.get(arn))
    }
}

/// Text, or a number written as text (`Priority` is text in the API, a number in templates).
fn text_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s)),
        Some(serde_json::Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(serde::de::Error::custom("expected text or a number")),
    }
}

/// A whole number, or one written as text (templates may quote `Weight` and `Order`).
pub(super) fn number_or_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Number(n)) => n
            .as_i64()
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom("expected a whole number")),
        Some(serde_json::Value::String(s)) => s
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| serde::de::Error::custom("expected a whole number")),
        Some(_) => Err(serde::de::Error::custom("expected a whole number")),
    }
}

/// A forward weight: a whole number from 0, or one written as text.
pub(super) fn weight<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    match number_or_text(d)? {
        None => Ok(None),
        Some(w) => u64::try_from(w)
            .map(Some)
            .map_err(|_| serde::de::Error::custom("expected a whole number from 0")),
    }
}

#[cfg(test)]
mod tests;
