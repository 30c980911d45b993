//! A YAML/JSON tree that remembers where each node and each key is in the file, and keeps
//! CloudFormation's short-form tags (`!Ref x` becomes `{"Ref": x}` here, as in JSON).
//!
//! Hostile input is bounded here, while the tree is built, so that nothing after this module
//! has to care: nesting deeper than [`MAX_NESTING`], anchors and aliases that copy more than
//! [`ALIAS_COPY_FACTOR`] × the text's size ("billion laughs"), and a key written twice in one
//! mapping (which would let a later `Privileged: false` hide the `Privileged: true` a reviewer
//! reads) are errors at their line.

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// The deepest nesting of sequences and mappings read. Real templates and plans nest a dozen
/// levels or so; the bound keeps every recursive walk of the tree (resolution, conversion,
/// drop) far from the end of a thread's stack. It is also serde_json's recursion limit, so
/// snapshots and templates share one number.
pub const MAX_NESTING: usize = 128;

/// Anchors and aliases copy nodes: nine lines can ask for a billion copies. Copies may total
/// this many bytes per byte of text (and at least [`ALIAS_COPY_MIN`]); real files that use
/// aliases at all (docker-compose, CI configs) copy a small part of themselves.
pub const ALIAS_COPY_FACTOR: usize = 16;
/// The least copy budget, in bytes, whatever the size of the text.
pub const ALIAS_COPY_MIN: usize = 8 << 20;

/// Mappings with at least this many keys get a hash index for the duplicate-key check
/// (below it a linear scan is faster).
const KEY_INDEX_FROM: usize = 16;

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

/// Why a text cannot be read as a tree (never quoting the text: it may hold credentials).
#[derive(Debug)]
pub struct TreeError {
    pub pos: Pos,
    pub message: String,
    /// Refused by this reader's limits and rules (nesting, alias copies, a key given twice)
    /// rather than by YAML's syntax: whatever format the text claims, it is not read.
    pub refused: bool,
}

/// Parses YAML (or JSON) text; the first document only.
pub fn parse(text: &str) -> Result<Node, TreeError> {
    let mut b = Builder::new(text.len());
    let mut parser = Parser::new_from_str(text);
    // Events are pulled one by one rather than through `Parser::load`, which recurses once
    // per nesting level (a stack overflow on `- - - - …`) and cannot be stopped by the
    // receiver.
    loop {
        let (ev, mark) = parser.next_token().map_err(|e| TreeError {
            pos: pos(e.marker()),
            message: scan_message(e.info()),
            refused: e.info() == SCANNER_NESTING,
        })?;
        match ev {
            Event::StreamEnd | Event::DocumentEnd => break,
            ev => b
                .on_event(ev, pos(&mark))
                .map_err(|(pos, message)| TreeError {
                    pos,
                    message,
                    refused: true,
                })?,
        }
    }
    b.root.ok_or_else(|| TreeError {
        pos: Pos { line: 1, column: 1 },
        message: "empty document".to_string(),
        refused: false,
    })
}

/// yaml-rust2's message when flow nesting (`[[[[…`) passes its own limit of 255 levels.
const SCANNER_NESTING: &str = "recursion limit exceeded";

/// yaml-rust2's message without the input it quotes: only "unexpected character" quotes any
/// (the character). Its scanner stops flow nesting (`[[[[…`) at 255 levels, before the tree
/// reaches ours: the same limit for the user.
fn scan_message(info: &str) -> String {
    if info.starts_with("unexpected character") {
        "unexpected character".to_string()
    } else if info == SCANNER_NESTING {
        too_deep(Pos::default()).1
    } else {
        info.to_string()
    }
}

fn pos(m: &Marker) -> Pos {
    // yaml-rust2 counts lines from 1 and columns from 0.
    Pos {
        line: m.line(),
        column: m.col() + 1,
    }
}

/// A sequence or mapping being read.
struct Frame {
    items: Items,
    pos: Pos,
    tag: Option<String>,
    anchor: usize,
    /// Nesting levels below this one so far (0: only scalars), for aliases' depth.
    height: usize,
}

enum Items {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Key, Node)>,
        /// The key read, waiting for its value.
        key: Option<Key>,
        /// Key → where it is written, once the mapping has [`KEY_INDEX_FROM`] keys.
        index: Option<std::collections::HashMap<String, Pos>>,
    },
}

/// An anchored node, what copying it costs and how deep it nests.
struct Anchored {
    node: Node,
    weight: usize,
    height: usize,
}

struct Builder {
    stack: Vec<Frame>,
    root: Option<Node>,
    anchors: std::collections::HashMap<usize, Anchored>,
    /// Bytes copied for anchors and aliases so far, and the most allowed.
    copied: usize,
    copy_limit: usize,
}

impl Builder {
    fn new(text_len: usize) -> Self {
        Builder {
            stack: Vec::new(),
            root: None,
            anchors: std::collections::HashMap::new(),
            copied: 0,
            copy_limit: text_len
                .saturating_mul(ALIAS_COPY_FACTOR)
                .max(ALIAS_COPY_MIN),
        }
    }

    fn on_event(&mut self, ev: Event, p: Pos) -> Result<(), (Pos, String)> {
        match ev {
            Event::Scalar(value, style, anchor, tag) => {
                let v = if style == TScalarStyle::Plain && tag.is_none() {
                    plain(value)
                } else {
                    V::Str(value)
                };
                let node = tagged(Node::new(v, p), tag.map(|t| t.suffix).as_deref());
                self.push(node, anchor, 0)
            }
            Event::SequenceStart(anchor, tag) => self.open(Items::Seq(Vec::new()), p, tag, anchor),
            Event::MappingStart(anchor, tag) => self.open(
                Items::Map {
                    entries: Vec::new(),
                    key: None,
                    index: None,
                },
                p,
                tag,
                anchor,
            ),
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(f) = self.stack.pop() else {
                    return Ok(());
                };
                let v = match f.items {
                    Items::Seq(items) => V::Seq(items),
                    Items::Map { entries, .. } => V::Map(entries),
                };
                let node = tagged(Node::new(v, f.pos), f.tag.as_deref());
                self.push(node, f.anchor, f.height + 1)
            }
            Event::Alias(id) => {
                let Some(a) = self.anchors.get(&id) else {
                    // The parser rejects an unknown anchor; nothing to copy otherwise.
                    return self.push(Node::new(V::Null, p), 0, 0);
                };
                let (weight, height) = (a.weight, a.height);
                if self.stack.len() + height > MAX_NESTING {
                    return Err(too_deep(p));
                }
                self.charge(weight, p)?;
                let mut node = self.anchors[&id].node.clone();
                node.pos = p;
                self.push(node, 0, height)
            }
            _ => Ok(()),
        }
    }

    fn open(
        &mut self,
        items: Items,
        p: Pos,
        tag: Option<yaml_rust2::parser::Tag>,
        anchor: usize,
    ) -> Result<(), (Pos, String)> {
        if self.stack.len() >= MAX_NESTING {
            return Err(too_deep(p));
        }
        self.stack.push(Frame {
            items,
            pos: p,
            tag: tag.map(|t| t.suffix),
            anchor,
            height: 0,
        });
        Ok(())
    }

    /// Counts `weight` bytes of copies against the budget.
    fn charge(&mut self, weight: usize, p: Pos) -> Result<(), (Pos, String)> {
        self.copied = self.copied.saturating_add(weight);
        if self.copied > self.copy_limit {
            return Err((
                p,
                format!(
                    "anchors and aliases copy more than {} bytes (limit ALIAS_COPY_FACTOR: {ALIAS_COPY_FACTOR} × the file's size, at least ALIAS_COPY_MIN = {ALIAS_COPY_MIN})",
                    self.copy_limit
                ),
            ));
        }
        Ok(())
    }

    /// Adds a finished node (`height`: its nesting levels) to the open collection.
    fn push(&mut self, node: Node, anchor: usize, height: usize) -> Result<(), (Pos, String)> {
        if anchor > 0 {
            let weight = weight(&node);
            self.charge(weight, node.pos)?;
            self.anchors.insert(
                anchor,
                Anchored {
                    node: node.clone(),
                    weight,
                    height,
                },
            );
        }
        let Some(frame) = self.stack.last_mut() else {
            if self.root.is_none() {
                self.root = Some(node);
            }
            return Ok(());
        };
        frame.height = frame.height.max(height);
        match &mut frame.items {
            Items::Seq(items) => items.push(node),
            Items::Map {
                entries,
                key,
                index,
            } => match key.take() {
                None => {
                    // A non-scalar key has no name (CloudFormation has none); the empty
                    // name is never a duplicate.
                    let name = match &node.v {
                        V::Str(s) => s.clone(),
                        V::Num(n) => n.to_string(),
                        V::Bool(b) => b.to_string(),
                        V::Null => "null".to_string(),
                        _ => String::new(),
                    };
                    if let Some(first) = find_key(entries, index, &name) {
                        return Err((
                            node.pos,
                            format!("duplicate key `{name}` (first at line {})", first.line),
                        ));
                    }
                    *key = Some(Key {
                        name,
                        pos: node.pos,
                    });
                }
                Some(k) => {
                    if let Some(index) = index {
                        index.insert(k.name.clone(), k.pos);
                    }
                    entries.push((k, node));
                    if index.is_none() && entries.len() >= KEY_INDEX_FROM {
                        *index = Some(
                            entries
                                .iter()
                                .map(|(k, _)| (k.name.clone(), k.pos))
                                .collect(),
                        );
                    }
                }
            },
        }
        Ok(())
    }
}

/// Where `name` is already a key of the mapping being read.
fn find_key(
    entries: &[(Key, Node)],
    index: &Option<std::collections::HashMap<String, Pos>>,
    name: &str,
) -> Option<Pos> {
    if name.is_empty() {
        return None;
    }
    match index {
        Some(m) => m.get(name).copied(),
        None => entries
            .iter()
            .find(|(k, _)| k.name == name)
            .map(|(k, _)| k.pos),
    }
}

fn too_deep(p: Pos) -> (Pos, String) {
    (
        p,
        format!("nesting deeper than {MAX_NESTING} levels (limit MAX_NESTING)"),
    )
}

/// About how many bytes a copy of `n` takes: its nodes and their text. Iterative, as the
/// copies it prices may nest deep.
fn weight(n: &Node) -> usize {
    let mut total = 0usize;
    let mut todo = vec![n];
    while let Some(n) = todo.pop() {
        total = total.saturating_add(std::mem::size_of::<Node>());
        match &n.v {
            V::Str(s) | V::Unknown(s) => total = total.saturating_add(s.len()),
            V::Seq(items) => todo.extend(items),
            V::Map(entries) => {
                for (k, v) in entries {
                    total = total.saturating_add(std::mem::size_of::<Key>() + k.name.len());
                    todo.push(v);
                }
            }
            _ => {}
        }
    }
    total
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

    fn err(text: &str) -> (Pos, String) {
        match parse(text) {
            Err(e) => (e.pos, e.message),
            Ok(_) => panic!("expected an error"),
        }
    }

    /// Block and flow nesting far past the limit, 1 MB of it: an error at the line where the
    /// limit is crossed, on a test thread's ordinary stack (a recursive reader overflows it).
    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let block: String = (0..2_000)
            .map(|i| format!("{}- \n", "  ".repeat(i)))
            .collect::<String>()
            + "x\n";
        let (p, m) = err(&block);
        assert_eq!(p.line, MAX_NESTING + 1, "{m}");
        assert!(
            m.contains("nesting deeper than 128 levels (limit MAX_NESTING)"),
            "{m}"
        );
        let compact = format!("{}x\n", "- ".repeat(6_000));
        assert!(err(&compact).1.contains("MAX_NESTING"));
        for flow in [
            "[".repeat(1 << 20),
            "{a: ".repeat(1 << 18),
            format!("{}1{}", "[".repeat(200), "]".repeat(200)),
        ] {
            let (p, m) = err(&flow);
            assert_eq!(p.line, 1);
            assert!(m.contains("MAX_NESTING"), "{m}");
        }
        let ok = format!("{}1{}", "[".repeat(MAX_NESTING), "]".repeat(MAX_NESTING));
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn alias_bomb_fails_fast() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (i, c) in ('b'..='i').enumerate() {
            let prev = (b'a' + i as u8) as char;
            bomb += &format!("{c}: &{c} [{}]\n", vec![format!("*{prev}"); 9].join(", "));
        }
        let start = std::time::Instant::now();
        let (p, m) = err(&bomb);
        assert!(m.contains("ALIAS_COPY_FACTOR"), "{m}");
        assert!(p.line >= 4, "{p:?}");
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
        // One long scalar copied many times costs its length each time.
        let long = format!(
            "a: &a \"{}\"\nb: [{}]\n",
            "v".repeat(100_000),
            vec!["*a"; 200].join(", ")
        );
        assert!(err(&long).1.contains("ALIAS_COPY_FACTOR"));
        // Ordinary use of aliases (docker-compose) is fine.
        let compose = "x: &defaults {restart: always, image: nginx}\nservices:\n  a: *defaults\n  b: *defaults\n";
        let n = parse(compose).unwrap();
        let b = n.get("services").unwrap().get("b").unwrap();
        assert_eq!(b.get("image").and_then(Node::str), Some("nginx"));
        assert_eq!(b.pos.line, 4);
    }

    /// Aliases of deep nodes nested in other deep nodes: the depth counts the copy's.
    #[test]
    fn aliases_cannot_nest_past_the_limit() {
        let deep = |inner: &str| format!("{}{inner}{}", "[".repeat(100), "]".repeat(100));
        let text = format!("a: &a {}\nb: {}\n", deep("1"), deep("*a"));
        let (p, m) = err(&text);
        assert_eq!(p.line, 2);
        assert!(m.contains("MAX_NESTING"), "{m}");
    }

    #[test]
    fn duplicate_keys_name_both_lines() {
        let (p, m) = err("A:\n  B: 1\n  Privileged: true\n  C: 2\n  Privileged: false\n");
        assert_eq!((p.line, p.column), (5, 3));
        assert_eq!(m, "duplicate key `Privileged` (first at line 3)");
        let (p, m) = err("{\"a\": 1,\n \"a\": 2}");
        assert_eq!(p.line, 2);
        assert!(m.contains("first at line 1"), "{m}");
        // Past the size where the index takes over.
        let mut big: String = (0..100).map(|i| format!("k{i}: {i}\n")).collect();
        big += "k7: again\n";
        let (p, m) = err(&big);
        assert_eq!(p.line, 101);
        assert_eq!(m, "duplicate key `k7` (first at line 8)");
        // The same key in different mappings is fine.
        assert!(parse("a: {x: 1}\nb: {x: 2}\n").is_ok());
    }

    #[test]
    fn scanner_messages_do_not_quote_the_input() {
        let (_, m) = err("a: b\n@secret\n");
        assert!(!m.contains('@'), "{m}");
    }
}
