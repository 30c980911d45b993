//! Line edits of a template's text at the places the loader recorded: the one edit of each
//! operation (`ops`), applying them to the whole text or to a window of it.

use super::ops::{Op, ops};
use super::{EditError, LineEdit};
use crate::model::Inventory;
use crate::model::change::Change;

/// Byte offset of a 1-based column in a line (columns count characters).
fn byte_at(line: &str, column: usize) -> usize {
    line.char_indices()
        .nth(column.saturating_sub(1))
        .map(|(i, _)| i)
        .unwrap_or(line.len())
}

/// The value text after `key:` on a line where the key starts at `at`, with the position
/// of the colon; `None` when the key is not there as the line's first token.
fn split_key(line: &str, at: usize, json: bool) -> Option<(usize, &str)> {
    let prefix = &line[..at];
    let only_indent = prefix.chars().all(|c| c == ' ');
    let seq_item = !json && prefix.trim_start().starts_with('-') && prefix.trim() == "-";
    if !only_indent && !seq_item {
        return None;
    }
    let rest = &line[at..];
    let key_end = if json {
        1 + rest[1..].find('"')? + 1
    } else {
        rest.find(':')?
    };
    let colon = at + key_end + rest[key_end..].find(':')?;
    Some((colon, &line[colon + 1..]))
}

/// Trailing YAML comment of a value (` # …`), kept on the edited line.
fn yaml_comment(rest: &str) -> &str {
    rest.find(" #").map(|i| &rest[i..]).unwrap_or("")
}

/// The line edits of one change on the template text, or why it needs a person.
pub fn template_edits(
    inv: &Inventory,
    text: &str,
    change: &Change,
) -> Result<Vec<LineEdit>, EditError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut edits = Vec::new();
    for (id, path, op) in ops(inv, change)? {
        let Some(map) = inv
            .sources
            .get(&id)
            .filter(|m| m.kind == crate::model::SourceKind::Template)
        else {
            return Err(EditError::NoLocation(id));
        };
        let json = map
            .entries
            .get("")
            .is_some_and(|l| l.file.ends_with(".json"));
        let exact = map.entries.get(&path);
        let op = match (op, exact) {
            (Op::Ensure { value, .. }, Some(_)) => Op::Set(value),
            (Op::Remove, None) => continue,
            (op, _) => op,
        };
        match op {
            Op::Set(value) => {
                let l = exact.ok_or_else(|| EditError::NotWritten(path.clone()))?;
                let line = lines.get(l.line - 1).ok_or(EditError::OutOfRange)?;
                let (colon, rest) = split_key(line, byte_at(line, l.column), json)
                    .ok_or(EditError::NotPlainLine(l.line))?;
                let body = rest.trim();
                let comma = json && body.ends_with(',');
                let value_text = body.trim_end_matches(',').trim();
                if value_text.is_empty()
                    || value_text.starts_with(['{', '['])
                    || (!json && value_text.starts_with(['|', '>']))
                {
                    return Err(EditError::SpansLines(l.line));
                }
                let tail = if json { "" } else { yaml_comment(rest) };
                let new = format!(
                    "{}: {value}{}{tail}",
                    &line[..colon],
                    if comma { "," } else { "" }
                );
                edits.push(LineEdit {
                    line: l.line - 1,
                    remove: 1,
                    insert: vec![new],
                });
            }
            Op::Ensure {
                parent, key, value, ..
            } => {
                // The new key goes before the object's first key, at its indentation.
                let child = format!("{parent}.");
                let l = map
                    .entries
                    .iter()
                    .filter(|(k, _)| {
                        k.strip_prefix(&child)
                            .is_some_and(|rest| !rest.contains(['.', '[']))
                    })
                    .map(|(_, l)| l)
                    .min_by_key(|l| (l.line, l.column))
                    .ok_or_else(|| EditError::NotWritten(parent.clone()))?;
                let i = l.line - 1;
                let line = lines.get(i).ok_or(EditError::OutOfRange)?;
                let at = byte_at(line, l.column);
                let Some((_, first)) = split_key(line, at, json) else {
                    return Err(EditError::NotBlockStyle(l.line));
                };
                let scalar = !first.trim().is_empty() && !first.trim().starts_with(['|', '>']);
                let prefix = &line[..at];
                let indent = " ".repeat(prefix.chars().count());
                let comma = if json { "," } else { "" };
                let quote = if json { "\"" } else { "" };
                let new = format!("{indent}{quote}{key}{quote}: {value}{comma}");
                // Pure insertions, so that several changes can add keys to one object.
                edits.push(match (prefix.contains('-'), scalar) {
                    // `- Name: web`: after the item's first line.
                    (true, true) => LineEdit {
                        line: i + 1,
                        remove: 0,
                        insert: vec![new],
                    },
                    // `- Environment:` + block: the new key takes the item's first line.
                    (true, false) => LineEdit {
                        line: i,
                        remove: 1,
                        insert: vec![
                            format!("{prefix}{}", new.trim_start()),
                            format!("{indent}{}", &line[at..]),
                        ],
                    },
                    _ => LineEdit {
                        line: i,
                        remove: 0,
                        insert: vec![new],
                    },
                });
            }
            Op::Remove => {
                let l = exact.expect("checked above");
                let i = l.line - 1;
                let line = lines.get(i).ok_or(EditError::OutOfRange)?;
                let at = byte_at(line, l.column);
                if !line[..at].chars().all(|c| c == ' ') {
                    return Err(EditError::FirstKeyOfListItem(l.line));
                }
                let indent = line[..at].len();
                let (_, rest) = split_key(line, at, json).ok_or(EditError::NotPlainLine(l.line))?;
                let mut end = i + 1;
                if json {
                    // A nested value: up to the line that closes it.
                    let mut depth: i32 = 0;
                    let mut k = i;
                    loop {
                        let s = if k == i { rest } else { lines[k] };
                        depth += bracket_depth(s);
                        k += 1;
                        if depth <= 0 || k >= lines.len() {
                            break;
                        }
                    }
                    end = k;
                    let last = lines[end - 1].trim_end();
                    if !last.ends_with(',') {
                        // The last member: the one before it loses its comma.
                        let prev = (0..i).rev().find(|&p| !lines[p].trim().is_empty());
                        if let Some(p) = prev.filter(|&p| lines[p].trim_end().ends_with(',')) {
                            let t = lines[p].trim_end();
                            edits.push(LineEdit {
                                line: p,
                                remove: 1,
                                insert: vec![t[..t.len() - 1].to_string()],
                            });
                        }
                    }
                } else {
                    // A block value: every following line indented deeper (blank lines
                    // inside it too).
                    let mut k = i + 1;
                    while k < lines.len() {
                        let s = lines[k];
                        let blank = s.trim().is_empty();
                        let deeper = s.len() - s.trim_start().len() > indent;
                        if !(blank || deeper) {
                            break;
                        }
                        k += 1;
                        if !blank {
                            end = k;
                        }
                    }
                }
                edits.push(LineEdit {
                    line: i,
                    remove: end - i,
                    insert: Vec::new(),
                });
            }
        }
    }
    Ok(edits)
}

/// Net `{`/`[` minus `}`/`]` of a JSON line, outside strings.
fn bracket_depth(s: &str) -> i32 {
    let (mut d, mut in_str, mut esc) = (0, false, false);
    for c in s.chars() {
        match (in_str, esc, c) {
            (true, true, _) => esc = false,
            (true, false, '\\') => esc = true,
            (true, false, '"') => in_str = false,
            (false, _, '"') => in_str = true,
            (false, _, '{' | '[') => d += 1,
            (false, _, '}' | ']') => d -= 1,
            _ => {}
        }
    }
    d
}

/// Applies line edits to the text; overlapping edits are refused. The line ending of the file
/// is kept, and lines outside the edits are byte-identical. Of several insertions at one line,
/// the one given last comes first, and insertions come before a replacement of that line.
///
/// One pass over the text, copying the runs between edits: a template of 30,000 lines gets
/// one edit per remediation, and splitting it into a string per line each time was the
/// largest cost of planning it.
pub fn apply_edits(text: &str, edits: Vec<LineEdit>) -> Result<String, EditError> {
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    apply_edits_eol(text, edits, eol)
}

/// [`apply_edits`] with the line ending of inserted lines given (a window of a file may not
/// show the file's own).
fn apply_edits_eol(text: &str, mut edits: Vec<LineEdit>, eol: &str) -> Result<String, EditError> {
    edits.reverse();
    edits.sort_by(|a, b| a.line.cmp(&b.line).then(a.remove.cmp(&b.remove)));
    edits.dedup();
    let starts = line_starts(text);
    let lines = starts.len() - 1;
    let mut out = String::with_capacity(text.len() + 256);
    let mut next = 0;
    for e in edits {
        if e.line < next || e.line + e.remove > lines {
            return Err(EditError::Overlap);
        }
        out.push_str(&text[starts[next]..starts[e.line]]);
        for l in &e.insert {
            out.push_str(l);
            out.push_str(eol);
        }
        next = e.line + e.remove;
    }
    out.push_str(&text[starts[next]..]);
    Ok(out)
}

/// Where each line of `text` starts (lines as `split_inclusive('\n')` gives them), then the
/// end of the text.
fn line_starts(text: &str) -> Vec<usize> {
    let mut starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&i| i < text.len())
        .collect();
    starts.push(text.len());
    starts
}

/// A template that gets many separate edits (one per remediation in `plan`): its line starts
/// are found once, and each edit is made and shown on the lines around it only, so that the
/// cost of one remediation does not grow with the size of the template.
pub struct EditedTemplate<'a> {
    text: &'a str,
    starts: Vec<usize>,
    eol: &'static str,
}

/// One edit made on its window of the template: the window before and after it, and the
/// 0-based line where the window starts (the same line on both sides: nothing before it
/// changes).
pub struct EditWindow<'a> {
    pub first_line: usize,
    pub before: &'a str,
    pub after: String,
}

impl<'a> EditedTemplate<'a> {
    pub fn new(text: &'a str) -> Self {
        EditedTemplate {
            text,
            starts: line_starts(text),
            eol: if text.contains("\r\n") { "\r\n" } else { "\n" },
        }
    }

    /// The edits made on the lines they touch, with [`CONTEXT`](crate::fix::diff::CONTEXT) + 1
    /// unchanged lines around them, so that a diff of the window is the diff of the file.
    pub fn window(&self, mut edits: Vec<LineEdit>) -> Result<EditWindow<'a>, EditError> {
        let lines = self.starts.len() - 1;
        let margin = crate::fix::diff::CONTEXT + 1;
        let low = edits.iter().map(|e| e.line).min().unwrap_or(0);
        let high = edits.iter().map(|e| e.line + e.remove).max().unwrap_or(0);
        if high > lines {
            return Err(EditError::Overlap);
        }
        let first = low.saturating_sub(margin);
        let end = (high + margin).min(lines);
        for e in &mut edits {
            e.line -= first;
        }
        let before = &self.text[self.starts[first]..self.starts[end]];
        let after = apply_edits_eol(before, edits, self.eol)?;
        Ok(EditWindow {
            first_line: first,
            before,
            after,
        })
    }
}
