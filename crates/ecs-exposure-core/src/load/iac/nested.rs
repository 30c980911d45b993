//! Nested stacks (`AWS::CloudFormation::Stack`): a stack whose `TemplateURL` is a local file
//! (as written before `aws cloudformation package` uploads it) is followed, its template read
//! with the `Parameters` the parent passes, and its resources become part of the inventory,
//! with ids that say which nested stack they are in (`parent.yaml#AppStack/Task`). The
//! parent's `Fn::GetAtt AppStack.Outputs.Name` then reads that output. A stack that is not
//! followed (an `https://` or `s3://` URL, a missing file, one outside the folder scanned)
//! is named in a note, with why: its resources are not in the scan.
//!
//! The core reads no files: the caller gives a [`NestedTemplates`], which finds and reads the
//! file a `TemplateURL` names (with its own read limits and the rule that it stays inside the
//! folder being scanned). Nesting is bounded by [`MAX_NESTED_STACK_DEPTH`] and the stacks
//! followed from one template by [`MAX_NESTED_STACKS`]; a template that nests itself is a
//! cycle, named.

use super::node::{self, Node, V};
use super::resolve::Template;
use super::{IacDocument, cfn, conditions};
use crate::load::Diagnostic;
use std::collections::{BTreeSet, HashMap};

/// How deep nested stacks are followed (a template, its nested stacks, theirs…). Real
/// applications nest two or three levels; the bound stops a chain of files that nest each
/// other without end under different names (links), which the cycle check cannot see.
pub const MAX_NESTED_STACK_DEPTH: usize = 8;

/// How many nested stacks are followed from one template, at all depths. Each is a template
/// converted; a template that nests a child ten times, which nests its child ten times, and
/// so on, would otherwise ask for ten to the depth of conversions.
pub const MAX_NESTED_STACKS: usize = 256;

/// Reads the templates nested stacks name: given by the caller, which does the I/O.
pub trait NestedTemplates: Sync {
    /// The template that `url` (a nested stack's `TemplateURL`, a local path) names, for the
    /// template `parent` (its origin): the name it is known by in messages and source
    /// locations, and its bytes; or why it is not read (missing, outside the folder being
    /// scanned, too large). Never called for `http(s)://` or `s3://` URLs.
    fn read(&self, parent: &str, url: &str) -> Result<(String, Vec<u8>), String>;
}

/// The outputs of a followed nested stack, by name.
pub(super) type Outputs = HashMap<String, Node>;

/// State of following the nested stacks of one top-level template.
pub(super) struct Follow<'r> {
    reader: Option<&'r dyn NestedTemplates>,
    /// The templates being converted, outermost first, to find cycles.
    chain: Vec<String>,
    /// Nested stacks followed so far (see [`MAX_NESTED_STACKS`]).
    followed: usize,
    /// Nested stacks not followed: resources that may exist and are not scanned.
    pub(super) not_followed: usize,
}

impl<'r> Follow<'r> {
    pub(super) fn new(reader: Option<&'r dyn NestedTemplates>, origin: &str) -> Self {
        Follow {
            reader,
            chain: vec![origin.to_string()],
            followed: 0,
            not_followed: 0,
        }
    }
}

/// Follows the nested stacks of `t` (in the order their parameters need each other's
/// outputs), records their outputs in `t.nested_outputs`, and returns their converted
/// templates; what is not followed gets a note.
pub(super) fn follow(
    t: &mut Template<'_>,
    f: &mut Follow<'_>,
    notes: &mut Vec<Diagnostic>,
) -> Vec<IacDocument> {
    let stacks: Vec<(&str, &Node)> = conditions::present(t, &mut Vec::new())
        .into_iter()
        .filter(|(l, _)| t.types.get(l) == Some(&"AWS::CloudFormation::Stack"))
        .collect();
    if stacks.is_empty() {
        return Vec::new();
    }
    let names: BTreeSet<&str> = stacks.iter().map(|(l, _)| *l).collect();
    // A stack whose parameters read another stack's outputs is followed after it.
    let needs: Vec<BTreeSet<&str>> = stacks
        .iter()
        .map(|(l, r)| {
            let mut n = BTreeSet::new();
            if let Some(p) = r.get("Properties").and_then(|p| p.get("Parameters")) {
                stacks_named(p, &names, &mut n);
            }
            n.remove(l);
            n
        })
        .collect();
    let mut docs = Vec::new();
    let mut done = vec![false; stacks.len()];
    loop {
        let ready = (0..stacks.len())
            .find(|&i| !done[i] && needs[i].iter().all(|n| t.nested_outputs.contains_key(*n)));
        // Stacks that need each other (CloudFormation refuses them): followed anyway, the
        // outputs they need unresolved.
        let Some(i) = ready.or_else(|| (0..stacks.len()).find(|&i| !done[i])) else {
            break;
        };
        done[i] = true;
        let (logical, r) = stacks[i];
        let outcome = child(t, logical, r, f, notes);
        match outcome {
            Ok((doc, outputs)) => {
                t.nested_outputs.insert(logical.to_string(), Ok(outputs));
                docs.push(doc);
            }
            Err((url, why)) => {
                let p = t.logical_pos.get(logical).copied().unwrap_or_default();
                let url = url.map(|u| format!(" (TemplateURL {})", shown_url(&u)));
                notes.push(Diagnostic {
                    file: t.file.to_string(),
                    path: None,
                    line: Some(p.line).filter(|l| *l > 0),
                    column: Some(p.column).filter(|_| p.line > 0),
                    message: format!(
                        "nested stack `{logical}`{} is not followed: {why}; its resources are not part of the scan",
                        url.unwrap_or_default()
                    ),
                });
                t.nested_outputs.insert(logical.to_string(), Err(why));
                f.not_followed += 1;
            }
        }
    }
    docs
}

/// Converts the template of nested stack `logical` of `t`, with its outputs; or its URL (when
/// known) and why it is not followed.
#[allow(clippy::type_complexity)]
fn child(
    t: &Template<'_>,
    logical: &str,
    r: &Node,
    f: &mut Follow<'_>,
    notes: &mut Vec<Diagnostic>,
) -> Result<(IacDocument, Outputs), (Option<String>, String)> {
    let props = r.get("Properties");
    let url = match props
        .and_then(|p| p.get("TemplateURL"))
        .map(|u| t.resolve(u))
    {
        Some(u) => match (&u.v, u.text()) {
            (_, Some(text)) => text,
            (V::Unknown(why), _) => {
                return Err((None, format!("its TemplateURL cannot be resolved ({why})")));
            }
            _ => return Err((None, "its TemplateURL is not text".into())),
        },
        None => return Err((None, "it has no TemplateURL".into())),
    };
    let fail = |why: String| Err((Some(url.clone()), why));
    let lower = url.to_ascii_lowercase();
    if ["https://", "http://", "s3://"]
        .iter()
        .any(|s| lower.starts_with(s))
    {
        return fail(
            "its template is not a local file (as `aws cloudformation package` uploads it)".into(),
        );
    }
    if f.chain.len() > MAX_NESTED_STACK_DEPTH {
        return fail(format!(
            "nested stacks nest deeper than {MAX_NESTED_STACK_DEPTH} levels (limit MAX_NESTED_STACK_DEPTH)"
        ));
    }
    if f.followed >= MAX_NESTED_STACKS {
        return fail(format!(
            "more than {MAX_NESTED_STACKS} nested stacks are followed from one template (limit MAX_NESTED_STACKS)"
        ));
    }
    let Some(reader) = f.reader else {
        return fail("nested templates are not read from this input".into());
    };
    let (origin, bytes) = match reader.read(t.file, &url) {
        Ok(x) => x,
        Err(why) => return fail(why),
    };
    if let Some(i) = f.chain.iter().position(|c| *c == origin) {
        let mut cycle = f.chain[i..].to_vec();
        cycle.push(origin);
        return fail(format!("nested stack cycle {}", cycle.join(" → ")));
    }
    f.followed += 1;
    let text = match std::str::from_utf8(bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&bytes))
    {
        Ok(text) => text,
        Err(_) => return fail(format!("its template {origin} is not UTF-8 text")),
    };
    let root = match node::parse(text) {
        Ok(root) => root,
        Err(e) => {
            return fail(format!(
                "its template {origin}:{}:{} cannot be read: {}",
                e.pos.line, e.pos.column, e.message
            ));
        }
    };
    if root.get("Resources").and_then(Node::map).is_none() {
        return fail(format!(
            "its template {origin} is not a CloudFormation template (no `Resources`)"
        ));
    }
    let mut c = Template::new(&origin, &root, text.len());
    c.id_base = format!("{}{logical}/", t.id_base);
    c.stack_name = format!("{}-{logical}", t.stack_name);
    c.nested_in = Some(format!("nested stack `{logical}` of {}", t.file));
    c.exports = t.exports.clone();
    if let Some(params) = props
        .and_then(|p| p.get("Parameters"))
        .map(|p| t.resolve(p))
        && let V::Map(entries) = params.v
    {
        for (k, v) in entries {
            c.passed.insert(k.name, v);
        }
    }
    f.chain.push(origin.clone());
    let nested = follow(&mut c, f, notes);
    f.chain.pop();
    let mut doc = match cfn::convert(&c, text) {
        Ok(doc) => doc,
        Err(m) => return fail(format!("its template {origin} cannot be read: {m}")),
    };
    let mut outputs = Outputs::new();
    for (k, o) in c.root.get("Outputs").and_then(Node::map).unwrap_or(&[]) {
        if conditions::output_present(&c, o)
            && let Some(v) = o.get("Value")
        {
            outputs.insert(k.name.clone(), c.resolve(v));
        }
    }
    doc.origin = origin;
    doc.nested = nested;
    Ok((doc, outputs))
}

/// The stacks of `names` that `n` reads outputs of (`Fn::GetAtt` or `${Stack.Outputs.X}`).
fn stacks_named<'a>(n: &Node, names: &BTreeSet<&'a str>, out: &mut BTreeSet<&'a str>) {
    let mut todo = vec![n];
    while let Some(n) = todo.pop() {
        match &n.v {
            V::Map(entries) => {
                for (k, v) in entries {
                    if k.name == "Fn::GetAtt" {
                        let target = match &v.v {
                            V::Str(s) => s.split('.').next(),
                            V::Seq(s) => s.first().and_then(Node::str),
                            _ => None,
                        };
                        if let Some(s) = target.and_then(|t| names.get(t)) {
                            out.insert(s);
                        }
                    }
                    todo.push(v);
                }
            }
            V::Seq(items) => todo.extend(items),
            V::Str(s) => {
                for name in names {
                    if s.contains(&format!("${{{name}.Outputs.")) {
                        out.insert(name);
                    }
                }
            }
            _ => {}
        }
    }
}

/// A URL as shown in notes: without a query, fragment or user part, which may hold
/// credentials (a presigned URL's signature and token).
fn shown_url(url: &str) -> String {
    let cut = url.find(['?', '#']).unwrap_or(url.len());
    let url = &url[..cut];
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let host = authority.rsplit('@').next().unwrap_or(authority);
            format!("{scheme}://{host}{path}")
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::shown_url;

    #[test]
    fn urls_are_shown_without_credentials() {
        assert_eq!(
            shown_url("https://user:pw@bucket.s3.amazonaws.com/t.yaml?X-Amz-Security-Token=abc"),
            "https://bucket.s3.amazonaws.com/t.yaml"
        );
        assert_eq!(shown_url("./child.yaml"), "./child.yaml");
    }
}
