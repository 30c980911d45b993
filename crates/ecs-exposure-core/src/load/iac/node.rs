//! A YAML/JSON tree that remembers where each node and each key is in the file, and keeps
//! CloudFormation's short-form tags (`!Ref x` becomes `{"Ref": x}` here, as in JSON).

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// 1-based line and column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone)]
pub enum V {
    Null,
    Bool(bool),
    Num(serde_json::Number),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
    /// A value that cannot be known from the file (set by the resolver), with the reason.
    Unknown(String),
    /// `AWS::NoValue`: the property is removed.
    NoValue,
}

#[derive(Debug, Clone)]
pub struct Key {
    pub name: String,
    pub pos: Pos,
}

#[derive(Debug, Clone)]
pub struct Node {
    pub v: V,
    pub pos: Pos,
}

impl Node {
    pub fn new(v: V, pos: Pos) -> Self {
        Node { v, pos }
    }
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, n)| n)
    }
    pub fn entry(&self, key: &str) -> Option<(&Key, &Node)> {
        match &self.v {
            V::Map(m) => m.iter().find(|(k, _)| k.name == key).map(|(k, n)| (k, n)),
            _ => None,
        }
    }
    pub fn str(&self) -> Option<&str> {
        match &self.v {
            V::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn map(&self) -> Option<&[(Key, Node)]> {
        match &self.v {
            V::Map(m) => Some(m),
            _ => None,
        }
    }
    pub fn seq(&self) -> Option<&[Node]> {
        match &self.v {
            V::Seq(s) => Some(s),
            _ => None,
        }
    }
    /// A scalar as text (numbers and booleans too), for ids and names.
    pub fn text(&self) -> Option<String> {
        match &self.v {
            V::Str(s) => Some(s.clone()),
            V::Num(n) => Some(n.to_string()),
            V::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// Parses YAML (or JSON) text; the first document only.
pub fn parse(text: &str) -> Result<Node, (Pos, String)> {
    let mut b = Builder::default();
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut b, false).map_err(|e| {
        let m = e.marker();
        (pos(m), e.info().to_string())
    })?;
    b.root
        .ok_or_else(|| (Pos { line: 1, column: 1 }, "empty document".to_string()))
}

fn pos(m: &Marker) -> Pos {
    // yaml-rust2 counts lines from 1 and columns from 0.
    Pos {
        line: m.line(),
        column: m.col() + 1,
    }
}

enum Frame {
    Seq(Vec<Node>, Pos, Option<String>, usize),
    Map(Vec<(Key, Node)>, Pos, Option<String>, Option<Key>, usize),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    root: Option<Node>,
    anchors: std::collections::HashMap<usize, Node>,
}

impl Builder {
    fn push(&mut self, node: Node, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Seq(items, ..)) => items.push(node),
            Some(Frame::Map(entries, _, _, key, _)) => match key.take() {
                None => {
                    let name = match &node.v {
                        V::Str(s) => s.clone(),
                        V::Num(n) => n.to_string(),
                        V::Bool(b) => b.to_string(),
                        V::Null => "null".to_string(),
                        _ => String::new(),
                    };
                    *key = Some(Key {
                        name,
                        pos: node.pos,
                    });
                }
                Some(k) => entries.push((k, node)),
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let p = pos(&mark);
        match ev {
            Event::Scalar(value, style, anchor, tag) => {
                let v = if style == TScalarStyle::Plain && tag.is_none() {
                    plain(value)
                } else {
                    V::Str(value)
                };
                let node = tagged(Node::new(v, p), tag.map(|t| t.suffix).as_deref());
                self.push(node, anchor);
            }
            Event::SequenceStart(anchor, tag) => {
                self.stack
                    .push(Frame::Seq(Vec::new(), p, tag.map(|t| t.suffix), anchor));
            }
            Event::MappingStart(anchor, tag) => {
                self.stack.push(Frame::Map(
                    Vec::new(),
                    p,
                    tag.map(|t| t.suffix),
                    None,
                    anchor,
                ));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, tag, anchor) = match self.stack.pop() {
                    Some(Frame::Seq(items, p, tag, a)) => (Node::new(V::Seq(items), p), tag, a),
                    Some(Frame::Map(entries, p, tag, _, a)) => {
                        (Node::new(V::Map(entries), p), tag, a)
                    }
                    None => return,
                };
                self.push(tagged(node, tag.as_deref()), anchor);
            }
            Event::Alias(id) => {
                let mut node = self
                    .anchors
                    .get(&id)
                    .cloned()
                    .unwrap_or(Node::new(V::Null, p));
                node.pos = p;
                self.push(node, 0);
            }
            _ => {}
        }
    }
}

/// YAML 1.2 core schema for plain scalars.
fn plain(s: String) -> V {
    match s.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => V::Null,
        "true" | "True" | "TRUE" => V::Bool(true),
        "false" | "False" | "FALSE" => V::Bool(false),
        _ => {
            let looks_numeric = s
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_digit() || b == b'-' || b == b'+' || b == b'.');
            if looks_numeric && let Ok(n) = s.trim_start_matches('+').parse::<serde_json::Number>()
            {
                return V::Num(n);
            }
            V::Str(s)
        }
    }
}

/// `!Ref x` → `{"Ref": x}`, `!GetAtt a.b` → `{"Fn::GetAtt": "a.b"}`, `!Sub …` → `{"Fn::Sub": …}`.
fn tagged(node: Node, tag: Option<&str>) -> Node {
    let Some(tag) = tag else { return node };
    let name = match tag {
        "Ref" => "Ref".to_string(),
        "Condition" => "Condition".to_string(),
        // Standard YAML tags (`!!str`) come with the `tag:yaml.org,2002:` handle; their
        // suffix is a plain word, not a CloudFormation function.
        "str" | "int" | "bool" | "float" | "null" | "map" | "seq" => return node,
        other => format!("Fn::{other}"),
    };
    let p = node.pos;
    Node::new(V::Map(vec![(Key { name, pos: p }, node)]), p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_tags() {
        let n = parse("A:\n  B: !Ref X\n  C: [1, \"2\", true]\n").unwrap();
        let (k, b) = n.get("A").unwrap().entry("B").unwrap();
        assert_eq!((k.pos.line, k.pos.column), (2, 3));
        assert_eq!(b.get("Ref").unwrap().str(), Some("X"));
        let c = n.get("A").unwrap().get("C").unwrap().seq().unwrap();
        assert!(matches!(c[0].v, V::Num(_)));
        assert!(matches!(c[1].v, V::Str(_)));
        assert!(matches!(c[2].v, V::Bool(true)));
        assert_eq!(c[1].pos.column, 10);
    }

    #[test]
    fn json_is_read_with_positions() {
        let n = parse("{\n  \"A\": {\"B\": 1}\n}").unwrap();
        let (k, _) = n.get("A").unwrap().entry("B").unwrap();
        assert_eq!((k.pos.line, k.pos.column), (2, 9));
    }
}
