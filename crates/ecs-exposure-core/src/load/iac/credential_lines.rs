//! Which lines of a template hold (part of) a credential value, decided on the parse tree so
//! that no layout hides one: a block scalar (`|`) spans several lines, an escaped JSON string
//! (`\"`, `\n`) or a YAML `''` does not hold the value's text as it is, and one-line JSON
//! holds everything on one line. Diffs of templates show such lines as a placeholder.
//!
//! The tree records where each node starts, not where it ends: a value's text ends where the
//! next node in document order begins, so its lines run from its key to that node's line
//! (that line too, unless only indentation or a `- ` marker comes before the node on it);
//! lines of only closing brackets or blanks in between are shown, they hold nothing of it.

use super::lines::LineIndex;
use super::node::{self, Key, Node, Pos, V};
use std::collections::{BTreeSet, HashMap, HashSet};

/// A part of a credential shorter than this is not looked for in other scalars (a `!Join`
/// piece); an exact or containing match is always.
const MIN_PIECE_CHARS: usize = 8;

/// A (line, column) position, 1-based.
type At = (usize, usize);
/// The first and last position of a value that holds part of a credential.
type Span = (At, At);

/// 1-based lines of `text` holding part of a credential: the `Value` of each environment
/// entry (`Name`/`Value` mapping) named in `variables` (logical id of the resource, variable
/// name) — or of any entry of that resource whose name is not a plain string — and every
/// scalar that equals, contains or is a long part of one of `values` (a parameter default, an
/// anchor, a `!Join` piece). `None` when the text does not parse.
pub(crate) fn credential_lines(
    text: &str,
    variables: &[(&str, &str)],
    values: &[&str],
) -> Option<BTreeSet<usize>> {
    let root = node::parse(text).ok()?;
    let mut starts = Vec::new();
    positions(&root, &mut starts);
    starts.sort_unstable();
    starts.dedup();
    let mut spans: Vec<Span> = Vec::new();
    // By logical id, so that a template of many resources is not searched once per resource.
    let mut by_resource: HashMap<&str, Vec<&str>> = HashMap::new();
    for (logical, name) in variables {
        by_resource.entry(logical).or_default().push(name);
    }
    if let Some(resources) = root.get("Resources").and_then(Node::map) {
        for (k, r) in resources {
            if let (Some(names), Some(props)) =
                (by_resource.get(k.name.as_str()), r.get("Properties"))
            {
                environment_values(props, names, &mut spans);
            }
        }
    }
    holding_scalars(&root, None, &Pieces::new(values), &mut spans);

    let index = LineIndex::new(text);
    let last_line = index.lines();
    let mut out = BTreeSet::new();
    for (start, last) in spans {
        let next = starts.partition_point(|p| *p <= last);
        let end = match starts.get(next) {
            None => last_line,
            Some(&(line, _)) if line == last.0 => line,
            Some(&(line, column)) => {
                // Text before the next node on its line belongs to the value (the end of a
                // quoted scalar, a `,`), unless it is indentation or a `- ` marker.
                let before = index
                    .offset(text, line, column)
                    .map(|(s, at)| &text[s..at])
                    .unwrap_or("");
                if before.chars().all(|c| c.is_whitespace() || c == '-') {
                    line - 1
                } else {
                    line
                }
            }
        };
        // Past the line where the value's last node starts, a line of only closing brackets
        // and commas (`}`, `],`) or a blank one shows nothing of it.
        out.extend((start.0..=end.max(start.0)).filter(|&l| {
            l <= last.0
                || index.line(text, l).is_some_and(|t| {
                    !t.chars()
                        .all(|c| c.is_whitespace() || matches!(c, '}' | ']' | ','))
                })
        }));
    }
    // Diffs number lines as `str::lines` does (at `\n` only), the parser also at a lone `\r`:
    // each line is given the number of the diff line it is part of.
    let mut diff_lines = BTreeSet::new();
    let (mut pos, mut breaks) = (0, 0);
    for l in out {
        let Some(start) = index.start(l) else {
            continue;
        };
        breaks += text.as_bytes()[pos..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        pos = start;
        diff_lines.insert(breaks + 1);
    }
    Some(diff_lines)
}

fn key(p: Pos) -> At {
    (p.line, p.column)
}

/// Every position of a node and of a key, in any order.
fn positions(n: &Node, out: &mut Vec<At>) {
    out.push(key(n.pos));
    match &n.v {
        V::Seq(items) => items.iter().for_each(|i| positions(i, out)),
        V::Map(entries) => {
            for (k, v) in entries {
                out.push(key(k.pos));
                positions(v, out);
            }
        }
        _ => {}
    }
}

/// The first and last position of a value (from its key, when it has one).
fn span(k: Option<&Key>, n: &Node) -> Span {
    let mut all = Vec::new();
    positions(n, &mut all);
    if let Some(k) = k {
        all.push(key(k.pos));
    }
    let first = all.iter().copied().min().unwrap_or(key(n.pos));
    let last = all.iter().copied().max().unwrap_or(key(n.pos));
    (first, last)
}

/// The `Value` of `Name`/`Value` mappings under `n` whose name is one of `names` (or is not a
/// plain string, which could resolve to one).
fn environment_values(n: &Node, names: &[&str], out: &mut Vec<Span>) {
    match &n.v {
        V::Map(entries) => {
            if let (Some(name), Some((k, value))) = (n.get("Name"), n.entry("Value")) {
                let named = match &name.v {
                    V::Str(s) => names.contains(&s.as_str()),
                    V::Num(_) | V::Bool(_) | V::Null => false,
                    _ => true,
                };
                if named {
                    out.push(span(Some(k), value));
                }
            }
            entries
                .iter()
                .for_each(|(_, v)| environment_values(v, names, out));
        }
        V::Seq(items) => items.iter().for_each(|i| environment_values(i, names, out)),
        _ => {}
    }
}

/// Scalars that equal or contain a credential value, or are a long part of one.
fn holding_scalars(n: &Node, k: Option<&Key>, values: &Pieces, out: &mut Vec<Span>) {
    match &n.v {
        V::Seq(items) => items
            .iter()
            .for_each(|i| holding_scalars(i, None, values, out)),
        V::Map(entries) => entries
            .iter()
            .for_each(|(k, v)| holding_scalars(v, Some(k), values, out)),
        _ => {
            let Some(s) = n.text() else { return };
            if values.held_by(&s) {
                out.push(span(k, n));
            }
        }
    }
}

/// Credential values, indexed so that whether a text holds part of one costs time in
/// proportion to the text, not to the text times the number of credentials (a template of a
/// thousand task definitions has thousands of both).
///
/// A text holds part of a credential when it contains a run of [`MIN_PIECE_CHARS`] characters
/// of one (which covers containing a whole long value and being a long part of one), or a
/// whole value shorter than that. This errs towards hiding: two values that merely share such
/// a run both count.
pub struct Pieces {
    /// Every run of `MIN_PIECE_CHARS` characters of every long value.
    runs: HashSet<String>,
    /// Short values, by their length in characters.
    short: HashMap<usize, HashSet<String>>,
}

impl Pieces {
    pub fn new(values: &[&str]) -> Pieces {
        let mut runs = HashSet::new();
        let mut short: HashMap<usize, HashSet<String>> = HashMap::new();
        for v in values.iter().filter(|v| !v.is_empty()) {
            let chars: Vec<char> = v.chars().collect();
            if chars.len() < MIN_PIECE_CHARS {
                short.entry(chars.len()).or_default().insert(v.to_string());
            } else {
                runs.extend(chars.windows(MIN_PIECE_CHARS).map(|w| w.iter().collect()));
            }
        }
        Pieces { runs, short }
    }

    pub fn is_empty(&self) -> bool {
        self.runs.is_empty() && self.short.is_empty()
    }

    /// Whether `text` holds part of a credential (see the type).
    pub fn held_by(&self, text: &str) -> bool {
        if self.is_empty() {
            return false;
        }
        // Char boundaries, so that every window is a whole number of characters.
        let bounds: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let windows = |n: usize| {
            bounds
                .iter()
                .zip(bounds.iter().skip(n))
                .map(move |(a, b)| &text[*a..*b])
        };
        windows(MIN_PIECE_CHARS).any(|w| self.runs.contains(w))
            || self
                .short
                .iter()
                .any(|(n, set)| windows(*n).any(|w| set.contains(w)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str, vars: &[(&str, &str)], values: &[&str]) -> Vec<usize> {
        credential_lines(text, vars, values)
            .unwrap()
            .into_iter()
            .collect()
    }

    const HEAD: &str = "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: app\n          Environment:\n";

    #[test]
    fn block_entries_and_block_scalars() {
        let text = format!(
            "{HEAD}            - Name: DB_PASSWORD\n              Value: hunter2-x\n            - Name: KEY\n              Value: |\n                -----BEGIN\n                abc\n\n            - Name: LOG\n              Value: info\n          Privileged: true\n"
        );
        // Lines 9 (DB_PASSWORD's value) and 11-13 (the block scalar; its blank line 14 shows
        // nothing of it).
        assert_eq!(
            lines(&text, &[("T", "DB_PASSWORD"), ("T", "KEY")], &[]),
            vec![9, 11, 12, 13]
        );
        // Another resource's variable of the same name is not this one.
        assert!(lines(&text, &[("U", "DB_PASSWORD")], &[]).is_empty());
    }

    #[test]
    fn flow_and_one_line_json() {
        let text = format!(
            "{HEAD}            - {{Name: LOG, Value: info}}\n            - {{Name: DB_PASSWORD, Value: 'it''s'}}\n          Privileged: true\n"
        );
        assert_eq!(lines(&text, &[("T", "DB_PASSWORD")], &[]), vec![9]);
        let json = r#"{"Resources": {"T": {"Properties": {"ContainerDefinitions": [{"Environment": [{"Name": "DB_PASSWORD", "Value": "a\"b"}]}]}}}}"#;
        assert_eq!(lines(json, &[("T", "DB_PASSWORD")], &[]), vec![1]);
        // Pretty JSON: the value's line, not the closing brackets up to the next member.
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        let mut v2 = v.clone();
        v2["Resources"]["T"]["Properties"]["ContainerDefinitions"][0]["Privileged"] = true.into();
        let pretty = serde_json::to_string_pretty(&v2).unwrap();
        let at = pretty.lines().position(|l| l.contains("a\\\"b")).unwrap() + 1;
        assert_eq!(lines(&pretty, &[("T", "DB_PASSWORD")], &[]), vec![at]);
    }

    #[test]
    fn multi_line_quoted_value_up_to_the_next_node() {
        let text = format!(
            "{HEAD}            - Name: DB_PASSWORD\n              Value: \"abc\n                def\"\n            - Name: LOG\n              Value: info\n"
        );
        assert_eq!(lines(&text, &[("T", "DB_PASSWORD")], &[]), vec![9, 10]);
        // The value, found by what it is: here a parameter default holding it.
        let text = format!(
            "Parameters:\n  Pw:\n    Default: \"abc def\"\n{HEAD}            - Name: X\n              Value: !Ref Pw\n"
        );
        assert_eq!(lines(&text, &[], &["abc def"]), vec![3]);
    }

    #[test]
    fn values_in_tags_anchors_and_pieces() {
        let text = "Resources:\n  X:\n    A: &pw Zq7VmX2pL9wK\n    B: !Join ['', [Zq7VmX2p, L9wK]]\n    C: !Sub 'pre-Zq7VmX2pL9wK'\n    D: other\n";
        assert_eq!(lines(text, &[], &["Zq7VmX2pL9wK"]), vec![3, 4, 5]);
    }

    #[test]
    fn an_unnamed_entry_is_hidden_too() {
        let text =
            format!("{HEAD}            - Name: !Sub '${{P}}_PASSWORD'\n              Value: x\n");
        assert_eq!(lines(&text, &[("T", "DB_PASSWORD")], &[]), vec![9]);
    }

    /// The parser breaks lines at a lone `\r`, a diff only at `\n`: the diff's line holding
    /// the value is the one hidden.
    #[test]
    fn lone_carriage_returns_are_counted_as_the_diff_counts() {
        let text = format!("{HEAD}            - Name: DB_PASSWORD\n              Value: x\n")
            .replace('\n', "\r");
        assert_eq!(lines(&text, &[("T", "DB_PASSWORD")], &[]), vec![1]);
        let text = "a: 1\r\nb: 2\rc: s3cr3t-value\nd: 4\n";
        assert_eq!(lines(text, &[], &["s3cr3t-value"]), vec![2]);
    }

    #[test]
    fn the_last_value_runs_to_the_end() {
        let text = format!(
            "{HEAD}            - Name: DB_PASSWORD\n              Value: |\n                a\n                b\n"
        );
        assert_eq!(lines(&text, &[("T", "DB_PASSWORD")], &[]), vec![9, 10, 11]);
        assert_eq!(credential_lines("a: [", &[], &[]), None);
    }

    #[test]
    fn pieces_find_whole_values_containing_texts_and_long_parts() {
        let p = Pieces::new(&["s3cr3t-Passw0rd-42", "hunter2", ""]);
        assert!(p.held_by("Value: s3cr3t-Passw0rd-42"));
        assert!(p.held_by("Passw0rd")); // a long part (a `!Join` piece)
        assert!(p.held_by("x=hunter2;"));
        assert!(!p.held_by("Passw0r")); // shorter than a piece
        assert!(!p.held_by("hunter"));
        assert!(!p.held_by(""));
        // Character windows, never byte slices that split a character.
        let u = Pieces::new(&["pässwörd-ünïcode"]);
        assert!(u.held_by("→ wörd-ünï ←"));
        assert!(!Pieces::new(&[]).held_by("anything at all"));
    }
}
