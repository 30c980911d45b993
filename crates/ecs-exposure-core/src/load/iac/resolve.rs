//! CloudFormation intrinsic functions, evaluated as far as the template allows: `Ref` and
//! `Fn::GetAtt` of a resource give its id in the inventory (`file#LogicalId`), parameters give
//! their defaults, and what cannot be known (a parameter without default, `Fn::ImportValue`,
//! an unevaluable condition) becomes [`V::Unknown`] with the reason, never a made-up value.

use super::node::{Key, Node, V};
use std::collections::HashMap;

pub struct Template<'a> {
    pub file: &'a str,
    pub root: &'a Node,
    pub params: HashMap<&'a str, Option<&'a Node>>,
    pub resources: Vec<(&'a str, &'a Node)>,
    pub types: HashMap<&'a str, &'a str>,
    /// Where each resource's logical id is written.
    pub logical_pos: HashMap<&'a str, super::node::Pos>,
    /// Exports of the other templates of the scan (name → value), for `Fn::ImportValue`.
    pub exports: HashMap<String, String>,
    /// `AWS::StackName`: the file name without `.template.json`/`.yaml`/… (as `cdk synth`
    /// names its templates).
    pub stack_name: String,
}

impl<'a> Template<'a> {
    pub fn new(file: &'a str, root: &'a Node) -> Self {
        let mut params = HashMap::new();
        for (k, p) in root.get("Parameters").and_then(Node::map).unwrap_or(&[]) {
            params.insert(k.name.as_str(), p.get("Default"));
        }
        let mut resources = Vec::new();
        let mut types = HashMap::new();
        let mut logical_pos = HashMap::new();
        for (k, r) in root.get("Resources").and_then(Node::map).unwrap_or(&[]) {
            resources.push((k.name.as_str(), r));
            logical_pos.insert(k.name.as_str(), k.pos);
            if let Some(t) = r.get("Type").and_then(Node::str) {
                types.insert(k.name.as_str(), t);
            }
        }
        let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
        let stack_name = [
            ".template.json",
            ".template.yaml",
            ".template",
            ".yaml",
            ".yml",
            ".json",
        ]
        .iter()
        .find_map(|ext| base.strip_suffix(ext))
        .unwrap_or(base)
        .to_string();
        Template {
            file,
            root,
            params,
            resources,
            types,
            logical_pos,
            exports: HashMap::new(),
            stack_name,
        }
    }

    /// The inventory id of a resource of this template.
    ///
    /// Internet gateways keep the `igw-` prefix of real ids, which the reachability trait
    /// reads to tell an internet gateway route from a NAT or peering route.
    pub fn id(&self, logical: &str) -> String {
        if self.types.get(logical) == Some(&"AWS::EC2::InternetGateway") {
            format!("igw-{}#{logical}", self.file)
        } else {
            format!("{}#{logical}", self.file)
        }
    }

    /// The node with every intrinsic function evaluated (positions kept).
    pub fn resolve(&self, n: &Node) -> Node {
        let p = n.pos;
        match &n.v {
            V::Map(m) if m.len() == 1 && is_intrinsic(&m[0].0.name) => {
                let (k, arg) = (&m[0].0.name, &m[0].1);
                let mut out = self.intrinsic(k, arg);
                out.pos = p;
                out
            }
            V::Map(m) => {
                let entries = m
                    .iter()
                    .map(|(k, v)| (k.clone(), self.resolve(v)))
                    .filter(|(_, v)| !matches!(v.v, V::NoValue))
                    .collect();
                Node::new(V::Map(entries), p)
            }
            V::Seq(s) => Node::new(
                V::Seq(
                    s.iter()
                        .map(|v| self.resolve(v))
                        .filter(|v| !matches!(v.v, V::NoValue))
                        .collect(),
                ),
                p,
            ),
            _ => n.clone(),
        }
    }

    fn intrinsic(&self, f: &str, arg: &Node) -> Node {
        let p = arg.pos;
        let unknown = |why: String| Node::new(V::Unknown(why), p);
        match f {
            "Ref" => match arg.str() {
                Some(name) => self.reference(name, p),
                None => unknown("`Ref` to something that is not a name".into()),
            },
            "Fn::GetAtt" => {
                let target = match &arg.v {
                    V::Str(s) => s.split('.').next().map(str::to_string),
                    V::Seq(s) => s.first().and_then(|n| self.resolve(n).text()),
                    _ => None,
                };
                match target {
                    Some(t) if self.types.contains_key(t.as_str()) => {
                        Node::new(V::Str(self.id(&t)), p)
                    }
                    Some(t) => unknown(format!(
                        "`Fn::GetAtt` of `{t}`, which is not a resource of this template"
                    )),
                    None => unknown("`Fn::GetAtt` that cannot be read".into()),
                }
            }
            "Fn::Sub" => {
                let (text, vars) = match &arg.v {
                    V::Str(s) => (Some(s.clone()), None),
                    V::Seq(s) => (
                        s.first().and_then(|n| n.str().map(str::to_string)),
                        s.get(1),
                    ),
                    _ => (None, None),
                };
                let Some(text) = text else {
                    return unknown("`Fn::Sub` that cannot be read".into());
                };
                self.sub(&text, vars, p)
            }
            "Fn::Join" => {
                let parts = arg.seq().unwrap_or(&[]);
                let sep = parts.first().and_then(Node::str).unwrap_or("");
                let list = parts.get(1).map(|l| self.resolve(l));
                let mut out = Vec::new();
                for item in list.as_ref().and_then(Node::seq).unwrap_or(&[]) {
                    match item.text() {
                        Some(t) => out.push(t),
                        None => {
                            return unknown(unknown_reason(
                                item,
                                "`Fn::Join` of a value that cannot be resolved",
                            ));
                        }
                    }
                }
                Node::new(V::Str(out.join(sep)), p)
            }
            "Fn::Select" => {
                let parts = arg.seq().unwrap_or(&[]);
                let index = parts
                    .first()
                    .map(|n| self.resolve(n))
                    .and_then(|n| n.text())
                    .and_then(|t| t.parse::<usize>().ok());
                let list = parts.get(1).map(|l| self.resolve(l));
                match (index, list.as_ref().and_then(Node::seq)) {
                    (Some(i), Some(items)) if i < items.len() => items[i].clone(),
                    _ => unknown(
                        list.as_ref()
                            .map(|l| unknown_reason(l, "`Fn::Select` that cannot be evaluated"))
                            .unwrap_or_else(|| "`Fn::Select` that cannot be evaluated".into()),
                    ),
                }
            }
            "Fn::If" => {
                let parts = arg.seq().unwrap_or(&[]);
                let (Some(c), Some(a), Some(b)) = (
                    parts.first().and_then(Node::str),
                    parts.get(1),
                    parts.get(2),
                ) else {
                    return unknown("`Fn::If` that cannot be read".into());
                };
                match self.condition(c, 0) {
                    Ok(true) => self.resolve(a),
                    Ok(false) => self.resolve(b),
                    Err(why) => unknown(format!(
                        "it depends on condition `{c}`, which cannot be evaluated ({why})"
                    )),
                }
            }
            "Fn::ImportValue" => {
                let name = self.resolve(arg).text();
                if let Some(v) = name.as_ref().and_then(|n| self.exports.get(n)) {
                    return Node::new(V::Str(v.clone()), p);
                }
                unknown(format!(
                    "it is imported from another stack (`Fn::ImportValue` {}) whose template is not in the input",
                    name.unwrap_or_else(|| "of an export".into())
                ))
            }
            "Fn::FindInMap" => {
                let parts: Vec<Option<String>> = arg
                    .seq()
                    .unwrap_or(&[])
                    .iter()
                    .map(|n| self.resolve(n).text())
                    .collect();
                let found = match parts.as_slice() {
                    [Some(m), Some(k1), Some(k2)] => self
                        .root
                        .get("Mappings")
                        .and_then(|x| x.get(m))
                        .and_then(|x| x.get(k1))
                        .and_then(|x| x.get(k2)),
                    _ => None,
                };
                match found {
                    Some(n) => self.resolve(n),
                    None => unknown("`Fn::FindInMap` that cannot be evaluated".into()),
                }
            }
            "Fn::Base64" => self.resolve(arg),
            other => unknown(format!("`{other}` is not evaluated")),
        }
    }

    fn reference(&self, name: &str, p: super::node::Pos) -> Node {
        match name {
            "AWS::NoValue" => return Node::new(V::NoValue, p),
            "AWS::Partition" => return Node::new(V::Str("aws".into()), p),
            "AWS::URLSuffix" => return Node::new(V::Str("amazonaws.com".into()), p),
            "AWS::StackName" => return Node::new(V::Str(self.stack_name.clone()), p),
            _ => {}
        }
        if self.types.contains_key(name) {
            return Node::new(V::Str(self.id(name)), p);
        }
        match self.params.get(name) {
            Some(Some(default)) => {
                let mut n = self.resolve(default);
                n.pos = p;
                n
            }
            Some(None) => Node::new(
                V::Unknown(format!(
                    "it comes from parameter `{name}`, which has no default"
                )),
                p,
            ),
            // Other pseudo parameters (account, region, stack name) stay as written: they
            // only appear inside names and ARNs, which are not judged by value.
            None if name.starts_with("AWS::") => Node::new(V::Str(format!("${{{name}}}")), p),
            None => Node::new(
                V::Unknown(format!(
                    "`Ref` to `{name}`, which is neither a parameter nor a resource of this template"
                )),
                p,
            ),
        }
    }

    fn sub(&self, text: &str, vars: Option<&Node>, p: super::node::Pos) -> Node {
        let mut out = String::new();
        let mut rest = text;
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[i..]);
                rest = "";
                break;
            };
            let name = &after[..end];
            rest = &after[end + 1..];
            if let Some(lit) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(lit);
                out.push('}');
                continue;
            }
            let value = match vars.and_then(|v| v.get(name)) {
                Some(v) => self.resolve(v),
                None => match name.split_once('.') {
                    Some((res, _)) if self.types.contains_key(res) => {
                        Node::new(V::Str(self.id(res)), p)
                    }
                    _ => self.reference(name, p),
                },
            };
            match value.text() {
                Some(t) => out.push_str(&t),
                None => {
                    return Node::new(
                        V::Unknown(unknown_reason(
                            &value,
                            "`Fn::Sub` of a value that cannot be resolved",
                        )),
                        p,
                    );
                }
            }
        }
        out.push_str(rest);
        Node::new(V::Str(out), p)
    }

    /// Evaluates a named condition; `Err` says why it cannot be.
    fn condition(&self, name: &str, depth: usize) -> Result<bool, String> {
        let c = self
            .root
            .get("Conditions")
            .and_then(|c| c.get(name))
            .ok_or_else(|| format!("no condition `{name}`"))?;
        self.eval(c, depth + 1)
    }

    fn eval(&self, n: &Node, depth: usize) -> Result<bool, String> {
        if depth > 20 {
            return Err("conditions nest too deep".into());
        }
        let Some([(k, arg)]) = n.map() else {
            return match n.v {
                V::Bool(b) => Ok(b),
                _ => Err("not a condition".into()),
            };
        };
        let args = arg.seq().unwrap_or(&[]);
        match k.name.as_str() {
            "Condition" => self.condition(arg.str().unwrap_or(""), depth),
            "Fn::Equals" => {
                let vals: Vec<Node> = args.iter().map(|a| self.resolve(a)).collect();
                match vals.as_slice() {
                    [a, b] => match (a.text(), b.text()) {
                        (Some(a), Some(b)) => Ok(a == b),
                        _ => Err(vals
                            .iter()
                            .find_map(|v| match &v.v {
                                V::Unknown(w) => Some(w.clone()),
                                _ => None,
                            })
                            .unwrap_or_else(|| "a compared value cannot be resolved".into())),
                    },
                    _ => Err("`Fn::Equals` needs two values".into()),
                }
            }
            "Fn::Not" => Ok(!self.eval(args.first().ok_or("empty `Fn::Not`")?, depth + 1)?),
            "Fn::And" => {
                let mut all = true;
                for a in args {
                    all &= self.eval(a, depth + 1)?;
                }
                Ok(all)
            }
            "Fn::Or" => {
                let mut any = false;
                for a in args {
                    any |= self.eval(a, depth + 1)?;
                }
                Ok(any)
            }
            other => Err(format!("`{other}` in a condition")),
        }
    }
}

fn is_intrinsic(k: &str) -> bool {
    k == "Ref" || k.starts_with("Fn::")
}

fn unknown_reason(n: &Node, fallback: &str) -> String {
    match &n.v {
        V::Unknown(w) => w.clone(),
        V::Seq(items) => items
            .iter()
            .find_map(|i| match &i.v {
                V::Unknown(w) => Some(w.clone()),
                _ => None,
            })
            .unwrap_or_else(|| fallback.to_string()),
        _ => fallback.to_string(),
    }
}

/// A map key for synthesized nodes.
#[allow(dead_code)]
pub fn key(name: &str, n: &Node) -> Key {
    Key {
        name: name.to_string(),
        pos: n.pos,
    }
}
