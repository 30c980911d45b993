//! Unified line diffs of fixes (`fix --dry-run`, the template edits of `plan`), in the format
//! `diff -u` writes and `patch` / `git apply` read: `--- from` / `+++ to`, hunks with
//! `@@ -l,n +l,n @@` headers and [`CONTEXT`] lines of context, removed lines before added ones.
//!
//! The diff is Myers' algorithm in linear space (the `similar` crate): a template of 30,000
//! lines or a task definition of 1,000 containers costs memory in proportion to its lines, not
//! to their square as a full LCS table did. Lines that hold a credential value can be shown as
//! a placeholder ([`Hidden`]); which ones is decided by the caller from the parsed file.

use similar::{Algorithm, DiffOp};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// Lines of context around each change.
pub const CONTEXT: usize = 3;

/// Time the diff may take before Myers' algorithm falls back to a coarser diff (still a
/// correct one: applying it gives the same text). Two versions of one file with a few edits
/// take milliseconds; only unrelated texts get near it.
pub const DIFF_DEADLINE: Duration = Duration::from_secs(10);

/// Lines (1-based) not to show, in the text before and in the text after: each is printed as
/// `<line N holds a credential value; not shown>`, with its sign, so the hunk counts hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hidden {
    pub before: BTreeSet<usize>,
    pub after: BTreeSet<usize>,
}

/// What a hidden line is replaced by (after its number).
pub const HIDDEN_LINE: &str = "holds a credential value; not shown";

/// A unified diff of two texts.
pub fn diff(before: &str, after: &str, from: &str, to: &str) -> String {
    diff_hiding(before, after, from, to, &Hidden::default())
}

/// One line of the edit script: its sign and, on each side, the index of the line (or, on the
/// side it is absent from, the number of lines before it).
#[derive(Clone, Copy)]
struct Step {
    sign: char,
    old: usize,
    new: usize,
}

/// A unified diff of two texts, with the [`Hidden`] lines replaced by a placeholder.
pub fn diff_hiding(before: &str, after: &str, from: &str, to: &str, hidden: &Hidden) -> String {
    diff_with(
        before,
        after,
        (from, to),
        &|old| hidden.before.contains(&old),
        &|new, _| hidden.after.contains(&new),
    )
}

/// A unified diff of an edit of a window of a file (see `source::EditedTemplate`) whose hidden
/// lines are known only on the side before it: a line present on both sides keeps its status
/// from before, an added line is hidden when `added_hidden` says so of its text. `before` and
/// `after` are the lines from 0-based line `first_line` on, the same line on both sides, and
/// the diff numbers lines as in the whole file.
pub fn diff_window_hiding_before(
    (before, after, first_line): (&str, &str, usize),
    from: &str,
    to: &str,
    hidden_before: &BTreeSet<usize>,
    added_hidden: &dyn Fn(&str) -> bool,
) -> String {
    diff_at(
        before,
        after,
        (from, to),
        first_line,
        &|old| hidden_before.contains(&old),
        &|_, text| added_hidden(text),
    )
}

/// The diff, each line hidden as the two functions say: `hide_old` of a 1-based line before
/// (removed and context lines), `hide_new` of a 1-based added line and its text.
fn diff_with(
    before: &str,
    after: &str,
    names: (&str, &str),
    hide_old: &dyn Fn(usize) -> bool,
    hide_new: &dyn Fn(usize, &str) -> bool,
) -> String {
    diff_at(before, after, names, 0, hide_old, hide_new)
}

/// [`diff_with`] of texts that start at 0-based line `offset` of their files.
fn diff_at(
    before: &str,
    after: &str,
    (from, to): (&str, &str),
    offset: usize,
    hide_old: &dyn Fn(usize) -> bool,
    hide_new: &dyn Fn(usize, &str) -> bool,
) -> String {
    let a: Vec<&str> = before.lines().collect();
    let b: Vec<&str> = after.lines().collect();
    let deadline = Instant::now().checked_add(DIFF_DEADLINE);
    let ops = similar::capture_diff_slices_deadline(Algorithm::Myers, &a, &b, deadline);
    let steps = script(&ops);
    let mut out = format!("--- {from}\n+++ {to}\n");
    for (start, end) in hunks(&steps) {
        let hunk = &steps[start..end];
        let n_old = hunk.iter().filter(|s| s.sign != '+').count();
        let n_new = hunk.iter().filter(|s| s.sign != '-').count();
        // An empty side is numbered by the line before it, as `diff -u` does.
        let at = |i: usize, n: usize| if n == 0 { i + offset } else { i + offset + 1 };
        out.push_str(&format!(
            "@@ -{},{n_old} +{},{n_new} @@\n",
            at(hunk[0].old, n_old),
            at(hunk[0].new, n_new)
        ));
        for s in hunk {
            let (old, new) = (s.old + offset + 1, s.new + offset + 1);
            let (number, text, hide) = match s.sign {
                '+' => (new, b[s.new], hide_new(new, b[s.new])),
                '-' => (old, a[s.old], hide_old(old)),
                _ => (old, a[s.old], hide_old(old) || hide_new(new, b[s.new])),
            };
            out.push(s.sign);
            if hide {
                out.push_str(&format!("<line {number} {HIDDEN_LINE}>"));
            } else {
                out.push_str(text);
            }
            out.push('\n');
        }
    }
    out
}

/// The edit script of the diff ops, each run of changes with its removed lines first.
fn script(ops: &[DiffOp]) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut removed: Vec<Step> = Vec::new();
    let mut added: Vec<Step> = Vec::new();
    let flush = |steps: &mut Vec<Step>, removed: &mut Vec<Step>, added: &mut Vec<Step>| {
        steps.append(removed);
        steps.append(added);
    };
    for op in ops {
        let (old, old_len, new, new_len) = match *op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                flush(&mut steps, &mut removed, &mut added);
                steps.extend((0..len).map(|k| Step {
                    sign: ' ',
                    old: old_index + k,
                    new: new_index + k,
                }));
                continue;
            }
            DiffOp::Delete {
                old_index,
                old_len,
                new_index,
            } => (old_index, old_len, new_index, 0),
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => (old_index, 0, new_index, new_len),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => (old_index, old_len, new_index, new_len),
        };
        // The other side's position is where the run starts there: removed lines come
        // before the added ones, so the added lines follow every old line of the run.
        let run_new = added.first().map(|s| s.new).unwrap_or(new);
        let run_old = removed.last().map(|s| s.old + 1).unwrap_or(old);
        removed.extend((0..old_len).map(|k| Step {
            sign: '-',
            old: old + k,
            new: run_new,
        }));
        added.extend((0..new_len).map(|k| Step {
            sign: '+',
            old: run_old.max(old + old_len),
            new: new + k,
        }));
    }
    flush(&mut steps, &mut removed, &mut added);
    steps
}

/// The hunks of a script, as ranges of it: each change with up to [`CONTEXT`] steps around
/// it, overlapping or touching ranges merged.
fn hunks(steps: &[Step]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (k, _) in steps.iter().enumerate().filter(|(_, s)| s.sign != ' ') {
        let start = k.saturating_sub(CONTEXT);
        let end = (k + CONTEXT + 1).min(steps.len());
        match out.last_mut() {
            Some(last) if start <= last.1 => last.1 = end,
            _ => out.push((start, end)),
        }
    }
    out
}

#[cfg(test)]
mod tests;
