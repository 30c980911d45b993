//! Source maps of task definition JSON files (`register-task-definition` input kept in a
//! repository, `describe-task-definition` output): where each field is written, so that a
//! finding of a `taskdef.json` points at the line to change (SARIF code scanning, the text
//! report's `-->`), as one of a template does.
//!
//! The file is read by the same position-aware reader as templates ([`node::parse`]), and the
//! places get the same masked snippets ([`Sink::loc`]). The model keeps the API's shape, so a
//! model path is the document's own keys (`containerDefinitions[0].environment[1].value`).

use super::Sink;
use super::node::{self, Node, V};
use crate::model::{SourceKind, SourceMap};
use serde_json::Value;

/// The longest model path recorded, in bytes. Evidence names model fields, whose paths are a
/// few dozen characters (`containerDefinitions[3].environment[12].value`); a longer one is
/// made of keys no check reads (a label or option name as long as a file). Without a bound, a
/// long key above many items would cost its length once per item: the map stays linear in
/// the file's size because no path (nor, then, any path below it) is longer than this.
pub const MAX_SOURCE_PATH: usize = 512;

/// A JSON document read with the position of every key and item.
pub(crate) struct Positioned<'a> {
    text: &'a str,
    root: Node,
}

impl<'a> Positioned<'a> {
    /// `None` when the reader refuses the text (a key given twice, nesting past
    /// [`node::MAX_NESTING`]) or cannot read it: the caller's JSON parser then decides what
    /// the document is and says what is wrong, and the document has no source map.
    pub(crate) fn parse(text: &'a str) -> Option<Self> {
        node::parse(text).ok().map(|root| Positioned { text, root })
    }

    /// The object at the top-level `key` (`taskDefinition`), or the document itself.
    fn object(&self, key: Option<&str>) -> Option<&Node> {
        let n = match key {
            Some(k) => self.root.get(k)?,
            None => &self.root,
        };
        n.map().map(|_| n)
    }

    /// The text of `field` of the top-level object `key`.
    pub(crate) fn member(&self, key: &str, field: &str) -> Option<&str> {
        self.root.get(key)?.get(field)?.str()
    }

    /// The object at `key` (or the document) as JSON, every scalar as written: no conversion
    /// of types (unlike templates: AWS CLI input is typed as the API is).
    pub(crate) fn value(&self, key: Option<&str>) -> Option<serde_json::Map<String, Value>> {
        match plain_json(self.object(key)?) {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// Where each field of the object at `key` (or the document) is written, from its keys:
    /// the object itself under the empty path (at the `key` when there is one), each member
    /// at its key (`"privileged": true`), each list item at its start.
    pub(crate) fn source_map(&self, file: &str, key: Option<&str>) -> Option<SourceMap> {
        let object = self.object(key)?;
        let sink = Sink::new(file, self.text);
        let start = match key {
            Some(k) => self.root.entry(k).map(|(k, _)| k.pos).unwrap_or(object.pos),
            None => object.pos,
        };
        let mut map = SourceMap {
            kind: SourceKind::TaskDefinitionFile,
            origin: crate::model::Origin::TaskDefinitionFile,
            ..SourceMap::default()
        };
        map.entries.insert(String::new(), sink.loc(start));
        // Iterative: nesting is bounded by the reader, but a walk with its own stack costs
        // nothing and needs no argument about thread stacks.
        let mut todo: Vec<(String, &Node)> = vec![(String::new(), object)];
        while let Some((path, n)) = todo.pop() {
            match &n.v {
                V::Map(entries) => {
                    for (k, v) in entries {
                        let long = path.len() + 1 + k.name.len() > MAX_SOURCE_PATH;
                        if long {
                            continue;
                        }
                        let p = if path.is_empty() {
                            k.name.clone()
                        } else {
                            format!("{path}.{}", k.name)
                        };
                        map.entries
                            .entry(p.clone())
                            .or_insert_with(|| sink.loc(k.pos));
                        todo.push((p, v));
                    }
                }
                V::Seq(items) => {
                    for (i, it) in items.iter().enumerate() {
                        let p = format!("{path}[{i}]");
                        if p.len() > MAX_SOURCE_PATH {
                            break;
                        }
                        map.entries
                            .entry(p.clone())
                            .or_insert_with(|| sink.loc(it.pos));
                        todo.push((p, it));
                    }
                }
                _ => {}
            }
        }
        Some(map)
    }
}

/// A node of a JSON text as the JSON value it is (the reader gives no YAML-only values for
/// JSON: no tags, no aliases).
fn plain_json(n: &Node) -> Value {
    match &n.v {
        V::Null | V::NoValue | V::Unknown(_) => Value::Null,
        V::Bool(b) => Value::Bool(*b),
        V::Num(x) => Value::Number(x.clone()),
        V::Str(s) => Value::String(s.clone()),
        V::Seq(items) => Value::Array(items.iter().map(plain_json).collect()),
        V::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.name.clone(), plain_json(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests;
