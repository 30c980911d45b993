//! Resource conditions: a resource whose `Condition` is false under the values the template
//! is read with (parameter defaults, or what a parent stack passes) is not created by
//! CloudFormation, so it is not in the inventory; a note says so. One whose condition cannot
//! be decided (a parameter without default, the region) is kept, as it may exist, and a note
//! says that it may not. Conditions are evaluated by the resolver, which `Fn::If` uses too.

use super::node::Node;
use super::resolve::Template;
use crate::load::Diagnostic;

/// The resources of the template that exist under its values, in template order; notes for
/// those left out and for those that may not exist.
pub(super) fn present<'a>(
    t: &Template<'a>,
    notes: &mut Vec<Diagnostic>,
) -> Vec<(&'a str, &'a Node)> {
    let mut out = Vec::with_capacity(t.resources.len());
    for &(logical, r) in &t.resources {
        let Some(c) = r.get("Condition") else {
            out.push((logical, r));
            continue;
        };
        let ty = t.types.get(logical).copied().unwrap_or("(no type)");
        let under = t.values_read_with();
        let Some(name) = c.str() else {
            notes.push(note(
                t,
                logical,
                format!("resource `{logical}` ({ty}) may not exist: its `Condition` is not a condition name; it is scanned as if it existed"),
            ));
            out.push((logical, r));
            continue;
        };
        match t.condition_holds(name) {
            Ok(true) => out.push((logical, r)),
            Ok(false) => notes.push(note(
                t,
                logical,
                format!(
                    "resource `{logical}` ({ty}) is left out: its condition `{name}` is false under {under}, so CloudFormation does not create it"
                ),
            )),
            Err(why) => {
                notes.push(note(
                    t,
                    logical,
                    format!(
                        "resource `{logical}` ({ty}) may not exist: its condition `{name}` cannot be evaluated ({why}); it is scanned as if it existed"
                    ),
                ));
                out.push((logical, r));
            }
        }
    }
    out
}

/// Whether an output exists (an output may have a `Condition` too); an undecidable one is
/// taken to exist, as its resource is.
pub(super) fn output_present(t: &Template<'_>, output: &Node) -> bool {
    match output.get("Condition").and_then(Node::str) {
        Some(name) => t.condition_holds(name) != Ok(false),
        None => true,
    }
}

fn note(t: &Template<'_>, logical: &str, message: String) -> Diagnostic {
    let p = t.logical_pos.get(logical).copied().unwrap_or_default();
    Diagnostic {
        file: t.file.to_string(),
        path: None,
        line: Some(p.line).filter(|l| *l > 0),
        column: Some(p.column).filter(|_| p.line > 0),
        message,
    }
}
