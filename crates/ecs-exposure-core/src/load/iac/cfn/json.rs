//! Shared by the converters: resolved properties → the API's JSON (with the place of every
//! key and item, and scalars read as the API gives them), ingress rules, lists of ids.

use super::super::Sink;
use super::super::node::{Node, V};
use super::{lower_first, obj};
use serde_json::{Map, Value, json};

/// Model keys whose values AWS gives as numbers / booleans, which templates may quote.
const NUMERIC: &[&str] = &[
    "containerPort",
    "hostPort",
    "FromPort",
    "ToPort",
    "RuleNumber",
    "Port",
    "From",
    "To",
    "desiredCount",
];
const BOOLEAN: &[&str] = &[
    "privileged",
    "readonlyRootFilesystem",
    "readOnly",
    "essential",
    "enableExecuteCommand",
    "initProcessEnabled",
    "MapPublicIpOnLaunch",
    "Egress",
];

impl Sink<'_> {
    /// The converted JSON of a resolved node; records positions of every key and item, and
    /// every unknown value (which is left out).
    pub fn json(&mut self, id: &str, n: &Node, path: &str, camel: bool) -> Option<Value> {
        match &n.v {
            V::NoValue => None,
            V::Unknown(_) => {
                self.unknown(id, path, n);
                None
            }
            V::Null => Some(Value::Null),
            V::Bool(b) => Some(Value::Bool(*b)),
            V::Num(x) => Some(Value::Number(x.clone())),
            V::Str(s) => Some(Value::String(s.clone())),
            V::Seq(items) => {
                let mut out = Vec::new();
                for it in items {
                    let p = format!("{path}[{}]", out.len());
                    self.at(id, &p, it.pos);
                    if let Some(v) = self.json(id, it, &p, camel) {
                        out.push(v);
                    }
                }
                Some(Value::Array(out))
            }
            V::Map(entries) => {
                let mut out = Map::new();
                for (k, v) in entries {
                    let name = if camel {
                        lower_first(&k.name)
                    } else {
                        k.name.clone()
                    };
                    let p = if path.is_empty() {
                        name.clone()
                    } else {
                        format!("{path}.{name}")
                    };
                    self.at(id, &p, k.pos);
                    if let Some(v) = self.json(id, v, &p, camel) {
                        out.insert(name.clone(), coerce(&name, v));
                    }
                }
                Some(Value::Object(out))
            }
        }
    }

    /// A required id (`VpcId`…): its text, or a placeholder and an unresolved record.
    pub(super) fn required(&mut self, id: &str, props: &Node, key: &str) -> String {
        match props.entry(key) {
            Some((k, v)) => {
                self.at(id, key, k.pos);
                v.text().unwrap_or_else(|| {
                    self.unknown(id, key, v);
                    format!("{id}/unresolved-{key}")
                })
            }
            None => format!("{id}/no-{key}"),
        }
    }

    /// One ingress rule (inline or an `AWS::EC2::SecurityGroupIngress`) as an IpPermission.
    pub(super) fn ingress(&mut self, sg: &str, n: usize, rule: &Node) -> Option<Value> {
        let base = format!("IpPermissions[{n}]");
        self.at(sg, &base, rule.pos);
        let proto = match rule.get("IpProtocol") {
            Some(p) => match p.text() {
                Some(t) => t,
                None => {
                    self.unknown(sg, &format!("{base}.IpProtocol"), p);
                    return None;
                }
            },
            None => return None,
        };
        let mut perm = json!({"IpProtocol": proto});
        let o = obj(&mut perm);
        for port in ["FromPort", "ToPort"] {
            if let Some((k, v)) = rule.entry(port) {
                self.at(sg, &format!("{base}.{port}"), k.pos);
                match v.text().and_then(|t| t.parse::<i32>().ok()) {
                    Some(x) => {
                        o.insert(port.into(), x.into());
                    }
                    None => {
                        self.unknown(sg, &format!("{base}.{port}"), v);
                        return None;
                    }
                }
            }
        }
        for (key, list, inner) in [
            ("CidrIp", "IpRanges", "CidrIp"),
            ("CidrIpv6", "Ipv6Ranges", "CidrIpv6"),
            ("SourceSecurityGroupId", "UserIdGroupPairs", "GroupId"),
            ("SourcePrefixListId", "PrefixListIds", "PrefixListId"),
        ] {
            let Some((k, v)) = rule.entry(key) else {
                continue;
            };
            let path = format!("{base}.{list}[0]");
            self.at(sg, &path, k.pos);
            match v.text() {
                Some(t) => {
                    o.insert(list.into(), json!([{ inner: t }]));
                }
                None => self.unknown(sg, &path, v),
            }
        }
        Some(perm)
    }

    /// A list of ids (`Subnets`, `SecurityGroups`) recorded at model path `field`: its texts,
    /// with every value that cannot be resolved recorded, never dropped (the one left out may
    /// be the one that matters). A whole list that cannot be resolved (a `List<…>` parameter
    /// without default) is not an empty one either.
    pub(super) fn ids(&mut self, id: &str, props: &Node, key: &str, field: &str) -> Vec<String> {
        let mut out = Vec::new();
        if let Some((k, list)) = props.entry(key) {
            self.at(id, field, k.pos);
            if list.seq().is_none() {
                self.unknown(id, field, list);
            }
            for (i, s) in list.seq().unwrap_or(&[]).iter().enumerate() {
                match s.text() {
                    Some(s) => out.push(s),
                    None => self.unknown(id, &format!("{field}[{i}]"), s),
                }
            }
        }
        out
    }

    /// The line of a property, recorded at model path `field` when it is written.
    pub(super) fn key_at(&mut self, id: &str, props: &Node, key: &str, field: &str) {
        if let Some((k, _)) = props.entry(key) {
            self.at(id, field, k.pos);
        }
    }
}

fn coerce(key: &str, v: Value) -> Value {
    match &v {
        Value::String(s) if NUMERIC.contains(&key) => {
            s.parse::<i64>().map(Value::from).unwrap_or(v)
        }
        Value::String(s) if BOOLEAN.contains(&key) => match s.to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => v,
        },
        _ => v,
    }
}
