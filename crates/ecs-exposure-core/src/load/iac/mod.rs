//! Infrastructure as code, recognised by content and mixed freely with snapshot files:
//! CloudFormation templates in YAML or JSON (CDK output included) and Terraform plan JSON. Each resource is converted
//! into the AWS API shape the model holds, so every trait reads it unchanged, and a source map
//! records where in the file each model field comes from.
//!
//! Ids: a resource's id in the inventory is `<file>#<LogicalId>` (or `<file>#<address>`);
//! `Ref` and `Fn::GetAtt` of a resource resolve to that id. Code never reads a meaning out
//! of an id: what a resource is comes from the collection it is in, what it is called in its
//! file from its recorded [`Origin`](crate::model::Origin).
//!
//! A new resource type: a converter (one function of the format's `Converter` signature) in
//! `cfn/` or `tf/`, registered in that format's `CONVERTERS` table with the kinds of input it
//! declares loaded; it returns [`Resource`]s, which the loader inserts with
//! [`Inventory::insert`]. A field that a trait or the planner names by its model path, and
//! whose template name differs, goes in [`fields`], which the planner's template edits read
//! too. A template the converters refuse is an [`IacError`].

mod cfn;
mod coerce;
mod conditions;
mod credential_lines;
mod error;
pub mod fields;
mod lines;
mod nested;
mod node;
mod positions;
mod resolve;
mod tf;
mod user_data;

pub(crate) use credential_lines::{Pieces, credential_lines};
pub use error::IacError;
pub use positions::MAX_SOURCE_PATH;
pub(crate) use positions::Positioned;

pub use nested::{MAX_NESTED_STACK_DEPTH, MAX_NESTED_STACKS, NestedTemplates};
pub use node::{ALIAS_COPY_FACTOR, ALIAS_COPY_MIN, MAX_NESTING};
pub use resolve::{MAX_RESOLVE_DEPTH, RESOLVE_BUDGET_FACTOR, RESOLVE_BUDGET_MIN};
pub use user_data::MAX_USER_DATA;

use super::seen::Seen;
use super::{Diagnostic, Parsed};
use crate::model::*;
use std::collections::{BTreeSet, HashMap};

/// The type of a host group that is an Auto Scaling group (both formats name their host
/// groups' types by CloudFormation's names).
const ASG: &str = "AWS::AutoScaling::AutoScalingGroup";

/// The resources of one template, converted.
#[derive(Debug, Default)]
pub struct IacDocument {
    /// The converted resources, in template order (Auto Scaling groups and instances that
    /// join a cluster as host groups).
    resources: Vec<Resource>,
    sources: HashMap<String, SourceMap>,
    unresolved: Vec<Unresolved>,
    suppressions: Vec<crate::model::Suppression>,
    kinds: BTreeSet<Kind>,
    /// CloudFormation `Outputs` exports (name → value) for other templates' imports.
    pub(crate) exports: Vec<(String, String)>,
    /// A template that imports values: its name and text, to convert again once the other
    /// templates' exports are known.
    pub(crate) reconvert: Option<(String, String)>,
    /// The file, to name both files of a resource given twice.
    origin: String,
    /// What the reader of the scan should be told: resources left out by their condition,
    /// or that may not exist, nested stacks not followed, exports given twice.
    pub(crate) notes: Vec<Diagnostic>,
    /// The templates of this one's nested stacks that were followed (see `nested`).
    nested: Vec<IacDocument>,
    /// How many nested stacks of this template (at any depth) were not followed.
    pub(crate) not_followed: usize,
    /// Their outputs, for converting this template again (`reconvert`).
    nested_outputs: HashMap<String, Result<nested::Outputs, String>>,
}

impl IacDocument {
    pub(crate) fn merge_into(self, inv: &mut Inventory, seen: &mut Seen) {
        seen.enter(&self.origin);
        inv.loaded.extend(self.kinds);
        // By kind (host groups: Auto Scaling groups before single instances), then in
        // template order: the order they have always been merged in, which orders the
        // warnings about resources given twice.
        let mut resources = self.resources;
        resources.sort_by_key(|r| {
            let single_instance = matches!(r, Resource::HostGroup(g) if g.resource_type != ASG);
            (r.resource_type(), single_instance)
        });
        seen.insert_all(inv, resources);
        inv.sources.extend(self.sources);
        inv.unresolved.extend(self.unresolved);
        inv.suppressions.extend(self.suppressions);
        for d in self.nested {
            d.merge_into(inv, seen);
        }
    }

    /// The notes and exports of this template and its nested stacks' (origin, name, value),
    /// taken out for the loader.
    pub(crate) fn take_notes_and_exports(
        &mut self,
        notes: &mut Vec<Diagnostic>,
        exports: &mut Vec<(String, String, String)>,
    ) {
        notes.append(&mut self.notes);
        for (name, value) in std::mem::take(&mut self.exports) {
            exports.push((self.origin.clone(), name, value));
        }
        for d in &mut self.nested {
            d.take_notes_and_exports(notes, exports);
        }
    }

    /// Carries the nested stacks of the first conversion over to a conversion again.
    pub(crate) fn keep_nested(&mut self, first: &mut IacDocument) {
        self.nested = std::mem::take(&mut first.nested);
    }
}

/// Positions and unresolved values collected while converting one file.
pub(crate) struct Sink<'a> {
    file: String,
    /// The text, to cut each location's snippet from (no line is copied).
    text: &'a str,
    lines: lines::LineIndex,
    /// The file is JSON: every snippet is in flow style.
    json: bool,
    sources: HashMap<String, SourceMap>,
    unresolved: Vec<Unresolved>,
}

impl<'a> Sink<'a> {
    fn new(file: &str, text: &'a str) -> Self {
        Sink {
            file: file.to_string(),
            text,
            lines: lines::LineIndex::new(text),
            json: text.trim_start().starts_with(['{', '[']),
            sources: HashMap::new(),
            unresolved: Vec::new(),
        }
    }

    /// The place of a parser position, with its snippet: a bounded window of the line from
    /// the position on, every value masked ([`Snippet`]), since snippets are output and a
    /// line can hold a credential in any layout.
    fn loc(&self, p: node::Pos) -> Location {
        let snippet = self
            .lines
            .offset(self.text, p.line, p.column)
            .map(|(start, at)| (start, block_mapping_start(self.text, start, at)))
            .and_then(|(start, at)| {
                // The parser places a block scalar at its first line of text, which the
                // tokenizer would read as YAML (a `word:` there looks like a key).
                if !self.json && in_block_scalar(self.text, start, at) {
                    return Some(Snippet::block_scalar());
                }
                Snippet::new(&self.text[start..at], &self.text[at..], self.json)
            });
        Location {
            file: self.file.clone(),
            line: p.line,
            column: p.column,
            snippet,
        }
    }

    /// Records what a resource is called in the file (before its positions are recorded).
    fn origin(&mut self, id: &str, origin: crate::model::Origin) {
        self.sources.entry(id.to_string()).or_default().origin = origin;
    }

    /// Records where a model path of a resource comes from (the first record wins).
    fn at(&mut self, id: &str, path: &str, p: node::Pos) {
        if self
            .sources
            .get(id)
            .is_some_and(|m| m.entries.contains_key(path))
        {
            return;
        }
        let loc = self.loc(p);
        self.sources
            .entry(id.to_string())
            .or_default()
            .entries
            .insert(path.to_string(), loc);
    }

    fn unknown(&mut self, id: &str, path: &str, n: &node::Node) {
        let reason = match &n.v {
            node::V::Unknown(w) => w.clone(),
            _ => "it cannot be resolved".to_string(),
        };
        self.at(id, path, n.pos);
        let location = Some(self.loc(n.pos));
        self.unresolved.push(Unresolved {
            resource: id.to_string(),
            field: path.to_string(),
            reason,
            location,
        });
    }
}

/// Bytes searched back from a location for the header of the block scalar it may start;
/// past it (blank lines without end) the location is taken to be in one, and masked.
const BLOCK_HEADER_LOOKBACK: usize = 4096;

/// Whether the location at `at` (its line starting at `start`) is the first line of text of a
/// YAML block scalar: only indentation before it, and the previous non-blank line ends with a
/// block scalar header (`|` or `>`, chomping and indentation indicators, a comment).
fn in_block_scalar(text: &str, start: usize, at: usize) -> bool {
    if !text[start..at].bytes().all(|b| b == b' ' || b == b'\t') {
        return false;
    }
    let from = start.saturating_sub(BLOCK_HEADER_LOOKBACK);
    let before = &text.as_bytes()[from..start];
    let Some(line) = before
        .split(|&b| b == b'\n' || b == b'\r')
        .rev()
        .find(|l| !l.iter().all(|b| b.is_ascii_whitespace()))
    else {
        // Only blank lines within reach: when in doubt, a value.
        return from > 0;
    };
    let line = String::from_utf8_lossy(line);
    // A comment after the header is separated by a blank; `#` inside a value is not one.
    let content = match line.find(" #").or_else(|| line.find("\t#")) {
        Some(i) => &line[..i],
        None => &line,
    };
    let header = content
        .trim_end()
        .trim_end_matches(|c: char| c == '-' || c == '+' || c.is_ascii_digit());
    header.ends_with(['|', '>'])
}

/// The parser marks a block mapping (a list item `- Name: web`) at the `:` after its first
/// key; the snippet starts at that key, the first token of the line after the indentation and
/// `- ` markers (an implicit key is on the line of its `:`, and nothing but those markers may
/// precede the first key of a block mapping).
fn block_mapping_start(text: &str, line_start: usize, at: usize) -> usize {
    let rest = &text[at..];
    if !(rest.starts_with(": ")
        || rest.starts_with(":\t")
        || rest == ":"
        || rest.starts_with(":\n")
        || rest.starts_with(":\r"))
    {
        return at;
    }
    let line = &text[line_start..at];
    let mut i = 0;
    let b = line.as_bytes();
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' => i += 1,
            b'-' | b'?' if matches!(b.get(i + 1), Some(b' ' | b'\t')) => i += 2,
            _ => break,
        }
    }
    line_start + i
}

/// Whether a file name says YAML (a YAML file that is not a template is skipped with a
/// warning rather than reported as broken JSON).
fn yaml_name(origin: &str) -> bool {
    let o = origin.to_ascii_lowercase();
    o.ends_with(".yaml") || o.ends_with(".yml") || o.ends_with(".template")
}

/// Recognises and converts a CloudFormation template. `None`: not one (the caller goes on
/// with the snapshot formats). Nested stacks are not followed (see [`try_parse_with`]).
pub fn try_parse(origin: &str, bytes: &[u8]) -> Option<Result<Parsed, Diagnostic>> {
    try_parse_with(origin, bytes, None)
}

/// [`try_parse`], with `reader` to read the templates of nested stacks; without one they
/// are not followed (a note says so).
pub fn try_parse_with(
    origin: &str,
    bytes: &[u8],
    reader: Option<&dyn NestedTemplates>,
) -> Option<Result<Parsed, Diagnostic>> {
    let first = bytes
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF);
    let json_like = matches!(first, Some(b'{') | Some(b'['));
    // A cheap test first: large AWS CLI snapshots never go through the YAML parser.
    if json_like && !contains(bytes, b"\"Resources\"") && !contains(bytes, b"\"planned_values\"") {
        return None;
    }
    let yaml = yaml_name(origin);
    if !json_like && !yaml && !contains(bytes, b"Resources:") {
        return None;
    }
    let text = match std::str::from_utf8(bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes)) {
        Ok(t) => t,
        Err(_) if yaml => return Some(Err(diag(origin, None, "not UTF-8 text".into()))),
        Err(_) => return None,
    };
    let root = match node::parse(text) {
        Ok(r) => r,
        // A limit or rule of the reader (nesting, alias copies, a key given twice): an error
        // in JSON too, or a JSON template could escape the scan by breaking one.
        Err(e) if e.refused => return Some(Err(diag(origin, Some(e.pos), e.message))),
        Err(e) if yaml => {
            return Some(Err(diag(
                origin,
                Some(e.pos),
                format!("not valid YAML: {}", e.message),
            )));
        }
        Err(_) => return None,
    };
    if json_like && root.get("planned_values").is_some() && root.get("format_version").is_some() {
        return Some(
            tf::convert(origin, &root, text)
                .map(|mut d| {
                    d.origin = origin.to_string();
                    Parsed::Iac(Box::new(d))
                })
                .map_err(|e| diag(origin, None, e.to_string())),
        );
    }
    let is_template = root
        .get("Resources")
        .and_then(node::Node::map)
        .is_some_and(|m| {
            m.iter().any(|(_, r)| {
                r.get("Type")
                    .and_then(node::Node::str)
                    .is_some_and(|t| t.starts_with("AWS::") || t.starts_with("Custom::"))
            })
        })
        || root.get("AWSTemplateFormatVersion").is_some();
    if !is_template {
        if yaml {
            return Some(Ok(Parsed::Unknown(diag(
                origin,
                None,
                "YAML that is not a CloudFormation template (no `Resources` of AWS types); skipped"
                    .into(),
            ))));
        }
        return None;
    }
    let mut t = resolve::Template::new(origin, &root, text.len());
    let imports = contains(bytes, b"ImportValue");
    let mut notes = Vec::new();
    let mut follow = nested::Follow::new(reader, origin);
    let nested = nested::follow(&mut t, &mut follow, &mut notes);
    Some(
        cfn::convert(&t, text)
            .map(|mut d| {
                d.origin = origin.to_string();
                if imports {
                    d.reconvert = Some((origin.to_string(), text.to_string()));
                }
                d.notes.append(&mut notes);
                d.nested = nested;
                d.not_followed = follow.not_followed;
                d.nested_outputs = std::mem::take(&mut t.nested_outputs);
                d
            })
            .map(|d| Parsed::Iac(Box::new(d)))
            .map_err(|e| diag(origin, None, e.to_string())),
    )
}

/// Converts a template again with the exports of the other templates of the scan, so that
/// `Fn::ImportValue` between stacks (CDK apps of several stacks) resolves.
pub(crate) fn reconvert(
    origin: &str,
    text: &str,
    exports: &HashMap<String, String>,
    first: &IacDocument,
) -> Option<IacDocument> {
    let root = node::parse(text).ok()?;
    let mut t = resolve::Template::new(origin, &root, text.len());
    t.exports = exports.clone();
    t.nested_outputs = first.nested_outputs.clone();
    let mut d = cfn::convert(&t, text).ok()?;
    d.origin = origin.to_string();
    Some(d)
}

/// The tree of a YAML or JSON text, or where and why it cannot be read (no input quoted):
/// for other loaders that need positions (a duplicate key's both lines).
pub(crate) fn parse_tree(text: &str) -> Result<(), node::TreeError> {
    node::parse(text).map(|_| ())
}

fn diag(origin: &str, p: Option<node::Pos>, message: String) -> Diagnostic {
    Diagnostic {
        file: origin.to_string(),
        path: None,
        line: p.map(|p| p.line),
        column: p.map(|p| p.column),
        message,
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
pub(crate) mod layouts;
#[cfg(test)]
mod reading_tests;
#[cfg(test)]
mod terraform_tests;
#[cfg(test)]
mod tests;
