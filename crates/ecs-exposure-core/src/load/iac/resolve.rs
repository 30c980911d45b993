//! CloudFormation intrinsic functions, evaluated as far as the template allows: `Ref` and
//! `Fn::GetAtt` of a resource give its id in the inventory (`file#LogicalId`), parameters give
//! their defaults, and what cannot be known (a parameter without default, `Fn::ImportValue`,
//! an unevaluable condition) becomes [`V::Unknown`] with the reason, never a made-up value.
//!
//! A template may be written to never finish evaluating: a parameter whose default refers to
//! itself, two that refer to each other, a mapping or condition that leads back to itself, or
//! references that multiply at each step (a billion laughs through `Ref`s). Evaluation carries
//! the chain of names it is inside ([`Cx`]), so a cycle becomes an unknown value that names
//! it; its depth is bounded by [`MAX_RESOLVE_DEPTH`] and its total work by
//! [`RESOLVE_BUDGET_FACTOR`] × the template's size.

use super::node::{Key, Node, Pos, V};
use std::cell::Cell;
use std::collections::HashMap;

/// How deep evaluation may go: nesting of the values evaluated, intrinsic functions, and the
/// parameters, mappings and conditions followed through them. Real templates use a dozen
/// levels or so. Bounds the stack: a level takes up to about 5 KiB of it in a debug build,
/// and threads have 2 MiB.
pub const MAX_RESOLVE_DEPTH: usize = 128;

/// Evaluation work (nodes visited and bytes of text built) allowed per byte of template, and
/// at least [`RESOLVE_BUDGET_MIN`]: evaluating a real template costs about its size, once per
/// resource and output.
pub const RESOLVE_BUDGET_FACTOR: usize = 16;
/// The least evaluation budget, whatever the template's size.
pub const RESOLVE_BUDGET_MIN: usize = 16 << 20;

use chain::{Cx, Link, cycle_text};

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
    /// Evaluation work left (see [`RESOLVE_BUDGET_FACTOR`]).
    budget: Cell<usize>,
    /// What resource ids start with: `<file>#`, or for a nested stack's template the id of
    /// the stack in its parent and `/` (`parent.yaml#AppStack/`), so that ids say which
    /// nested stack a resource is in (see `nested`).
    pub id_base: String,
    /// Parameter values a parent stack passes to this nested stack's template (resolved in
    /// the parent), which take the place of the defaults.
    pub passed: HashMap<String, Node>,
    /// Outputs of the nested stacks of this template that were followed (by the stack's
    /// logical id), or why a stack was not followed, for `Fn::GetAtt Stack.Outputs.Name`.
    pub nested_outputs: HashMap<String, Result<HashMap<String, Node>, String>>,
    /// For a nested stack's template: `nested stack `AppStack` of parent.yaml`, for notes.
    pub nested_in: Option<String>,
}

impl<'a> Template<'a> {
    /// `text_len`: the template's size, which sets its evaluation budget.
    pub fn new(file: &'a str, root: &'a Node, text_len: usize) -> Self {
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
            budget: Cell::new(
                text_len
                    .saturating_mul(RESOLVE_BUDGET_FACTOR)
                    .max(RESOLVE_BUDGET_MIN),
            ),
            id_base: format!("{file}#"),
            passed: HashMap::new(),
            nested_outputs: HashMap::new(),
            nested_in: None,
        }
    }

    /// Takes `cost` from the evaluation budget; `false` once it is spent.
    fn spend(&self, cost: usize) -> bool {
        let left = self.budget.get();
        self.budget.set(left.saturating_sub(cost));
        left >= cost
    }

    /// The inventory id of a resource of this template.
    pub fn id(&self, logical: &str) -> String {
        format!("{}{logical}", self.id_base)
    }

    /// The node with every intrinsic function evaluated (positions kept).
    pub fn resolve(&self, n: &Node) -> Node {
        self.resolve_in(n, &mut Cx::default())
    }

    fn resolve_in(&self, n: &Node, cx: &mut Cx) -> Node {
        let p = n.pos;
        if cx.depth >= MAX_RESOLVE_DEPTH {
            return Node::new(
                V::Unknown(format!(
                    "its intrinsic functions nest deeper than {MAX_RESOLVE_DEPTH} levels (limit MAX_RESOLVE_DEPTH)"
                )),
                p,
            );
        }
        let text = match &n.v {
            V::Str(s) | V::Unknown(s) => s.len(),
            _ => 0,
        };
        if !self.spend(std::mem::size_of::<Node>() + text) {
            return Node::new(V::Unknown(over_budget()), p);
        }
        cx.depth += 1;
        let out = match &n.v {
            V::Map(m) if m.len() == 1 && is_intrinsic(&m[0].0.name) => {
                let (k, arg) = (&m[0].0.name, &m[0].1);
                let mut out = self.intrinsic(k, arg, cx);
                out.pos = p;
                out
            }
            V::Map(m) => {
                let entries = m
                    .iter()
                    .map(|(k, v)| (k.clone(), self.resolve_in(v, cx)))
                    .filter(|(_, v)| !matches!(v.v, V::NoValue))
                    .collect();
                Node::new(V::Map(entries), p)
            }
            V::Seq(s) => Node::new(
                V::Seq(
                    s.iter()
                        .map(|v| self.resolve_in(v, cx))
                        .filter(|v| !matches!(v.v, V::NoValue))
                        .collect(),
                ),
                p,
            ),
            _ => n.clone(),
        };
        cx.depth -= 1;
        out
    }

    /// Evaluates `f` inside the definition `link`, or names the cycle when evaluation is
    /// already inside it.
    fn inside(
        &self,
        link: Link,
        p: Pos,
        cx: &mut Cx,
        f: impl FnOnce(&Self, &mut Cx) -> Node,
    ) -> Node {
        if let Some(i) = cx.chain.iter().position(|l| *l == link) {
            return Node::new(
                V::Unknown(format!(
                    "it is defined in a {}",
                    cycle_text(&cx.chain[i..], &link)
                )),
                p,
            );
        }
        cx.chain.push(link);
        let out = f(self, cx);
        cx.chain.pop();
        out
    }

    /// One intrinsic function. Each has its own method: one big `match` would give every
    /// level of a deep evaluation the stack frame of the largest arm (in debug builds).
    fn intrinsic(&self, f: &str, arg: &Node, cx: &mut Cx) -> Node {
        let p = arg.pos;
        match f {
            "Ref" => match arg.str() {
                Some(name) => self.reference(name, p, cx),
                None => Node::new(
                    V::Unknown("`Ref` to something that is not a name".into()),
                    p,
                ),
            },
            "Fn::GetAtt" => self.get_att(arg, p, cx),
            "Fn::Sub" => self.sub_fn(arg, p, cx),
            "Fn::Join" => self.join(arg, p, cx),
            "Fn::Select" => self.select(arg, p, cx),
            "Fn::If" => self.if_fn(arg, p, cx),
            "Fn::ImportValue" => self.import_value(arg, p, cx),
            "Fn::FindInMap" => self.find_in_map(arg, p, cx),
            "Fn::Base64" => self.resolve_in(arg, cx),
            other => Node::new(V::Unknown(format!("`{other}` is not evaluated")), p),
        }
    }

    fn get_att(&self, arg: &Node, p: Pos, cx: &mut Cx) -> Node {
        let unknown = |why: String| Node::new(V::Unknown(why), p);
        let (target, attribute) = match &arg.v {
            V::Str(s) => match s.split_once('.') {
                Some((t, a)) => (Some(t.to_string()), Some(a.to_string())),
                None => (Some(s.clone()), None),
            },
            V::Seq(s) => (
                s.first().and_then(|n| self.resolve_in(n, cx).text()),
                s.get(1).and_then(|n| self.resolve_in(n, cx).text()),
            ),
            _ => (None, None),
        };
        match target {
            Some(t) if self.types.contains_key(t.as_str()) => {
                self.attribute(&t, attribute.as_deref(), p)
            }
            Some(t) => unknown(format!(
                "`Fn::GetAtt` of `{t}`, which is not a resource of this template"
            )),
            None => unknown("`Fn::GetAtt` that cannot be read".into()),
        }
    }

    /// An attribute of a resource of this template: its id, or for a nested stack's
    /// `Outputs.Name` that output's value when the stack was followed.
    fn attribute(&self, resource: &str, attribute: Option<&str>, p: Pos) -> Node {
        let output = attribute.and_then(|a| a.strip_prefix("Outputs."));
        match output {
            Some(name) if self.types.get(resource) == Some(&"AWS::CloudFormation::Stack") => {
                let unknown = |why: String| Node::new(V::Unknown(why), p);
                match self.nested_outputs.get(resource) {
                    Some(Ok(outputs)) => match outputs.get(name) {
                        Some(v) => {
                            let mut v = v.clone();
                            v.pos = p;
                            v
                        }
                        None => {
                            unknown(format!("nested stack `{resource}` has no output `{name}`"))
                        }
                    },
                    Some(Err(why)) => unknown(format!(
                        "it is output `{name}` of nested stack `{resource}`, which is not followed ({why})"
                    )),
                    None => unknown(format!(
                        "it is output `{name}` of nested stack `{resource}`, which is not followed"
                    )),
                }
            }
            _ => Node::new(V::Str(self.id(resource)), p),
        }
    }

    fn sub_fn(&self, arg: &Node, p: Pos, cx: &mut Cx) -> Node {
        let unknown = |why: String| Node::new(V::Unknown(why), p);
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
        self.sub(&text, vars, p, cx)
    }

    fn join(&self, arg: &Node, p: Pos, cx: &mut Cx) -> Node {
        let unknown = |why: String| Node::new(V::Unknown(why), p);
        let parts = arg.seq().unwrap_or(&[]);
        let sep = parts.first().and_then(Node::str).unwrap_or("");
        let list = parts.get(1).map(|l| self.resolve_in(l, cx));
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
        let joined = out.join(sep);
        if !self.spend(joined.len()) {
            return unknown(over_budget());
        }
        Node::new(V::Str(joined), p)
    }

    fn select(&self, arg: &Node, p: Pos, cx: &mut Cx) -> Node {
        let unknown = |why: String| Node::new(V::Unknown(why), p);
        let parts = arg.seq().unwrap_or(&[]);
        let index = parts
            .first()
            .map(|n| self.resolve_in(n, cx))
            .and_then(|n| n.text())
            .and_then(|t| t.parse::<usize>().ok());
        let list = parts.get(1).map(|l| self.resolve_in(l, cx));
        match (index, list.as_ref().and_then(Node::seq)) {
            (Some(i), Some(items)) if i < items.len() => items[i].clone(),
            _ => unknown(
                list.as_ref()
                    .map(|l| unknown_reason(l, "`Fn::Select` that cannot be evaluated"))
                    .unwrap_or_else(|| "`Fn::Select` that cannot be evaluated".into()),
            ),
        }
    }

    fn if_fn(&self, arg: &Node, p: Pos, cx: &mut Cx) -> Node {
        let unknown = |why: String| Node::new(V::Unknown(why), p);
        let parts = arg.seq().unwrap_or(&[]);
        let (Some(c), Some(a), Some(b)) = (
            parts.first().and_then(Node::str),
            parts.get(1),
            parts.get(2),
        ) else {
            return unknown("`Fn::If` that cannot be read".into());
        };
        match self.condition(c, cx) {
            Ok(true) => self.resolve_in(a, cx),
            Ok(false) => self.resolve_in(b, cx),
            Err(why) => unknown(format!(
                "it depends on condition `{c}`, which cannot be evaluated ({why})"
            )),
        }
    }

    fn import_value(&self, arg: &Node, p: Pos, cx: &mut Cx) -> Node {
        let unknown = |why: String| Node::new(V::Unknown(why), p);
        let name = self.resolve_in(arg, cx).text();
        if let Some(v) = name.as_ref().and_then(|n| self.exports.get(n)) {
            return Node::new(V::Str(v.clone()), p);
        }
        unknown(format!(
            "it is imported from another stack (`Fn::ImportValue` {}) whose template is not in the input",
            name.unwrap_or_else(|| "of an export".into())
        ))
    }

    fn find_in_map(&self, arg: &Node, p: Pos, cx: &mut Cx) -> Node {
        let unknown = |why: String| Node::new(V::Unknown(why), p);
        let parts: Vec<Option<String>> = arg
            .seq()
            .unwrap_or(&[])
            .iter()
            .map(|n| self.resolve_in(n, cx).text())
            .collect();
        let [Some(m), Some(k1), Some(k2)] = parts.as_slice() else {
            return unknown("`Fn::FindInMap` that cannot be evaluated".into());
        };
        let found = self
            .root
            .get("Mappings")
            .and_then(|x| x.get(m))
            .and_then(|x| x.get(k1))
            .and_then(|x| x.get(k2));
        match found {
            Some(n) => self.inside(Link::Mapping(format!("{m}.{k1}.{k2}")), p, cx, |t, cx| {
                t.resolve_in(n, cx)
            }),
            None => unknown("`Fn::FindInMap` that cannot be evaluated".into()),
        }
    }

    fn reference(&self, name: &str, p: Pos, cx: &mut Cx) -> Node {
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
        if self.params.contains_key(name)
            && let Some(v) = self.passed.get(name)
        {
            let mut n = self.list_parameter(name, v.clone());
            n.pos = p;
            return n;
        }
        match self.params.get(name) {
            Some(Some(default)) => {
                let n = self.inside(Link::Parameter(name.to_string()), p, cx, |t, cx| {
                    t.resolve_in(default, cx)
                });
                let mut n = self.list_parameter(name, n);
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

    /// A list-typed parameter (`CommaDelimitedList`, `List<…>`) given as text (a default, or
    /// what a parent stack passes, always text) is the list CloudFormation splits it into.
    fn list_parameter(&self, name: &str, value: Node) -> Node {
        let listed = self
            .root
            .get("Parameters")
            .and_then(|ps| ps.get(name))
            .and_then(|p| p.get("Type"))
            .and_then(Node::str)
            .is_some_and(|t| t == "CommaDelimitedList" || t.starts_with("List<"));
        match &value.v {
            V::Str(s) if listed => {
                let items = s
                    .split(',')
                    .map(|i| Node::new(V::Str(i.trim().to_string()), value.pos))
                    .collect();
                Node::new(V::Seq(items), value.pos)
            }
            _ => value,
        }
    }

    fn sub(&self, text: &str, vars: Option<&Node>, p: Pos, cx: &mut Cx) -> Node {
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
                Some(v) => self.resolve_in(v, cx),
                None => match name.split_once('.') {
                    Some((res, attr)) if self.types.contains_key(res) => {
                        self.attribute(res, Some(attr), p)
                    }
                    _ => self.reference(name, p, cx),
                },
            };
            match value.text() {
                Some(t) if self.spend(t.len()) => out.push_str(&t),
                Some(_) => return Node::new(V::Unknown(over_budget()), p),
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

    /// The values the template is read with, for notes.
    pub fn values_read_with(&self) -> String {
        match &self.nested_in {
            Some(n) => format!("the parameters {n} passes and the defaults"),
            None => "the parameter defaults".to_string(),
        }
    }
}

fn over_budget() -> String {
    format!(
        "evaluating the template's intrinsic functions takes more than its budget (limit RESOLVE_BUDGET_FACTOR: {RESOLVE_BUDGET_FACTOR} × the file's size, at least RESOLVE_BUDGET_MIN = {RESOLVE_BUDGET_MIN})"
    )
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

mod chain;
mod conditions;

#[cfg(test)]
mod tests;
