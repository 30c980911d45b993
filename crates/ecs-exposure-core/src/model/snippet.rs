//! The snippet of a [`Location`](super::Location): a short window of the source line at the
//! location, with every value masked.
//!
//! A snippet is output (text, JSON, SARIF reports), and the line it is cut from may hold a
//! credential in any layout: one-line JSON (every `terraform show -json` plan), flow-style
//! YAML, escaped quotes, a PEM key with `\n` escapes. So, as [`SecretString`](super::SecretString)
//! does for values, the type makes masking a property: the only constructor,
//! [`Snippet::new`], tokenizes the window and keeps only what names or shapes the line —
//! mapping keys, punctuation, YAML tags (`!Ref`), anchors, booleans and null, short numbers
//! (ports) and the logical id after `!Ref`/`!GetAtt`/`Ref:` — and writes [`MASK`] for every
//! other scalar, quoted or plain, whatever its length. A token the window cuts, or a plain
//! scalar that may go on over the next line, is masked too. Comments are left out.
//!
//! The window is bounded ([`SNIPPET_CHARS`] characters from the location's column, which is a
//! token start: a key or a value), so a location costs the same on a 2 MB one-line plan as on
//! a short YAML line.

use serde::{Serialize, Serializer};

/// Characters of the source line a snippet is cut from, from the location's column.
pub const SNIPPET_CHARS: usize = 100;

/// What a masked value shows.
pub const MASK: &str = "****";

/// Digits of a number that is shown (a port has at most 5); longer numbers are masked.
const SHOWN_NUMBER_DIGITS: usize = 5;

/// Bytes after the line searched for the next non-blank line, to tell whether a plain scalar
/// at the end of the line goes on over the next one. Past it the scalar is masked.
const LOOKAHEAD_BYTES: usize = 256;

/// Longest tag, anchor or logical id shown; a longer one is masked.
const SHOWN_NAME_CHARS: usize = 64;

/// A masked window of a source line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet(String);

impl Snippet {
    /// The snippet at a location. `line_before` is the text of the location's line before its
    /// column, `from` the text from the column on (to the end of the file or further: only
    /// the window and a few following bytes are read), `flow` whether the whole file is in
    /// YAML flow style (JSON). `None` when nothing is left to show.
    pub fn new(line_before: &str, from: &str, flow: bool) -> Option<Snippet> {
        let (window, cut, next) = window(from);
        // Right after `{`, `[` or `,` the location is inside a flow collection.
        let flow = flow
            || matches!(
                line_before.trim_end_matches([' ', '\t']).chars().last(),
                Some('{' | '[' | ',')
            );
        let mut t = Tokenizer {
            w: window,
            cut,
            next,
            line_before,
            flow,
            depth: 0,
            out: String::new(),
            ref_context: false,
            after_colon: false,
        };
        t.run();
        let mut out = t.out.trim_end().to_string();
        if out.is_empty() {
            return None;
        }
        if cut {
            out.push_str(" …");
        }
        Some(Snippet(out))
    }

    /// The snippet of a location inside a YAML block scalar (`|`, `>`): its lines are text,
    /// not structure (`AKIA…: …` there is no key), so the whole window is a value.
    pub fn block_scalar() -> Snippet {
        Snippet(MASK.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Snippet {
    /// A snippet is masked by construction: safe to print.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Snippet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// The window of `from`: at most [`SNIPPET_CHARS`] characters, up to the line break; whether
/// it was cut before the end of the line; and the text after the line break (when it was not).
fn window(from: &str) -> (&str, bool, Option<&str>) {
    for (n, (i, c)) in from.char_indices().enumerate() {
        if c == '\n' || c == '\r' {
            let skip = if from[i..].starts_with("\r\n") { 2 } else { 1 };
            return (&from[..i], false, Some(&from[i + skip..]));
        }
        if n == SNIPPET_CHARS {
            return (&from[..i], true, None);
        }
    }
    (from, false, Some(""))
}

struct Tokenizer<'a> {
    w: &'a str,
    /// The window ends before the line does.
    cut: bool,
    /// The text after the line, when the window reaches the end of the line.
    next: Option<&'a str>,
    line_before: &'a str,
    /// Known to be in flow style (JSON, or after a flow indicator).
    flow: bool,
    /// Flow collections opened in the window and not closed.
    depth: i32,
    out: String,
    /// The next scalar is the logical id of a `!Ref`/`!GetAtt`/`Ref:`.
    ref_context: bool,
    /// A `:` was read since the last flow or sequence indicator: what follows on the line is a
    /// value (YAML and JSON allow no second key there), even when a `:` follows it.
    after_colon: bool,
}

const FLOW_INDICATORS: [char; 5] = [',', '[', ']', '{', '}'];

impl Tokenizer<'_> {
    fn in_flow(&self) -> bool {
        self.flow || self.depth > 0
    }

    fn char_at(&self, i: usize) -> Option<char> {
        self.w.get(i..).and_then(|s| s.chars().next())
    }

    /// Whether the `:` at `i` is the mapping value indicator (not part of a scalar such as
    /// `arn:aws:…`).
    fn colon_indicator(&self, i: usize) -> bool {
        match self.char_at(i + 1) {
            None => !self.cut,
            Some(c) => c == ' ' || c == '\t' || (self.in_flow() && FLOW_INDICATORS.contains(&c)),
        }
    }

    fn run(&mut self) {
        let w = self.w;
        let mut i = 0;
        while let Some(c) = self.char_at(i) {
            let after_blank = i == 0 || w[..i].ends_with([' ', '\t']);
            match c {
                ' ' | '\t' => {
                    self.out.push(c);
                    i += 1;
                }
                // A comment: may hold anything (a commented-out value); left out.
                '#' if after_blank => return,
                '{' | '[' => {
                    self.out.push(c);
                    self.depth += 1;
                    self.ref_context = false;
                    self.after_colon = false;
                    i += 1;
                }
                '}' | ']' | ',' => {
                    // Outside a scalar these are flow syntax: the window is in flow style.
                    self.out.push(c);
                    if c != ',' {
                        self.depth -= 1;
                    }
                    self.flow = true;
                    self.ref_context = false;
                    self.after_colon &= c != ',';
                    i += 1;
                }
                ':' if self.colon_indicator(i) => {
                    self.out.push(':');
                    self.after_colon = true;
                    i += 1;
                }
                '-' | '?'
                    if matches!(self.char_at(i + 1), Some(' ' | '\t'))
                        || (i + 1 == w.len() && !self.cut) =>
                {
                    self.out.push(c);
                    self.after_colon = false;
                    i += 1;
                }
                // A block scalar header (`|`, `>-`, `|2`): its text is on the next lines.
                '|' | '>' if !self.in_flow() => {
                    let n = 1 + w[i + 1..]
                        .find(|c: char| !matches!(c, '0'..='9' | '+' | '-'))
                        .unwrap_or(w.len() - i - 1);
                    self.out.push_str(&w[i..i + n]);
                    i += n;
                }
                '!' | '&' | '*' => i = self.name(i, c),
                '"' | '\'' => match self.quoted(i, c) {
                    Some(next) => i = next,
                    None => return,
                },
                _ => i = self.plain(i),
            }
        }
    }

    /// A tag (`!Ref`), anchor (`&a`) or alias (`*a`): names, shown when they look like one.
    fn name(&mut self, i: usize, sigil: char) -> usize {
        let w = self.w;
        let flow = self.in_flow();
        let len = w[i..]
            .find(|c: char| c == ' ' || c == '\t' || (flow && FLOW_INDICATORS.contains(&c)))
            .unwrap_or(w.len() - i);
        let token = &w[i..i + len];
        let cut_here = self.cut && i + len == w.len();
        let shown = !cut_here
            && token.chars().count() <= SHOWN_NAME_CHARS
            && token[1..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '!' | ':' | '.' | '_' | '-'));
        if shown {
            self.out.push_str(token);
        } else {
            self.out.push(sigil);
            self.out.push_str(MASK);
        }
        if sigil == '!' {
            self.ref_context = matches!(token, "!Ref" | "!GetAtt");
        } else {
            self.ref_context = false;
        }
        i + len
    }

    /// A quoted scalar at `i`; returns where the text after it starts, or `None` when it runs
    /// past the window (then it is masked and nothing after it is in the window).
    fn quoted(&mut self, i: usize, q: char) -> Option<usize> {
        let w = self.w;
        let bytes = w.as_bytes();
        let mut j = i + 1;
        let end = loop {
            match bytes.get(j) {
                None => break None,
                Some(b'\\') if q == '"' => j += 2,
                Some(b'\'') if q == '\'' => {
                    // `''` is an escaped quote; a quote at the end of a cut window may be the
                    // first half of one.
                    if bytes.get(j + 1) == Some(&b'\'') {
                        j += 2;
                    } else if j + 1 == w.len() && self.cut {
                        break None;
                    } else {
                        break Some(j + 1);
                    }
                }
                Some(b'"') if q == '"' => break Some(j + 1),
                Some(_) => j += 1,
            }
        };
        let Some(end) = end else {
            // Runs past the window: a value whatever it is.
            self.out.push(q);
            self.out.push_str(MASK);
            return None;
        };
        let rest = &w[end..];
        let gap = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        if rest[gap..].starts_with(':') && !self.after_colon {
            // A key (JSON `"a":1` has no blank after the colon): kept with its colon.
            self.out.push_str(&w[i..end + gap + 1]);
            let inner = &w[i + 1..end - 1];
            self.ref_context = inner == "Ref";
            self.after_colon = true;
            return Some(end + gap + 1);
        }
        let inner = &w[i + 1..end - 1];
        if (self.ref_context && logical_id(inner)) || vocabulary(inner) {
            self.out.push_str(&w[i..end]);
        } else {
            self.out.push(q);
            self.out.push_str(MASK);
            self.out.push(q);
        }
        self.ref_context = false;
        Some(end)
    }

    /// A plain scalar at `i`; returns where the text after it starts.
    fn plain(&mut self, i: usize) -> usize {
        let w = self.w;
        let flow = self.in_flow();
        let mut j = i;
        let mut key = false;
        while let Some(c) = self.char_at(j) {
            if c == ':' && self.colon_indicator(j) {
                key = true;
                break;
            }
            if (c == ' ' || c == '\t') && self.char_at(j + 1) == Some('#') {
                break;
            }
            if flow && FLOW_INDICATORS.contains(&c) {
                break;
            }
            j += c.len_utf8();
        }
        let scalar = w[i..j].trim_end_matches([' ', '\t']);
        let next = i + scalar.len();
        // Outside known flow style, a scalar holding flow indicators may be a flow value
        // followed by more entries: never a key to show.
        let ambiguous = !flow && scalar.contains(FLOW_INDICATORS);
        if key {
            if ambiguous || self.after_colon {
                self.out.push_str(MASK);
                self.ref_context = false;
            } else {
                self.out.push_str(scalar);
                self.ref_context = scalar == "Ref";
            }
            return next;
        }
        let rest = &w[next..];
        let ends_line = rest.trim_start_matches([' ', '\t']).is_empty();
        let commented = rest.trim_start_matches([' ', '\t']).starts_with('#');
        let touches_cut = self.cut && j == w.len();
        let shape = keyword(scalar)
            || short_number(scalar)
            || vocabulary(scalar)
            || (self.ref_context && logical_id(scalar));
        let may_continue = ends_line && !commented && self.may_continue(flow);
        let shown = shape && !ambiguous && !touches_cut && !may_continue;
        if shown {
            self.out.push_str(scalar);
        } else {
            self.out.push_str(MASK);
        }
        self.ref_context = false;
        next
    }

    /// Whether a plain scalar that ends the line may go on over the next line (YAML folds
    /// plain scalars over lines indented deeper, and inside flow collections).
    fn may_continue(&self, flow: bool) -> bool {
        let Some(next) = self.next else {
            return true;
        };
        let ahead = &next[..floor_char_boundary(next, LOOKAHEAD_BYTES)];
        let Some(k) = ahead.find(|c: char| !c.is_whitespace()) else {
            // Only blank lines: the end of the file ends the scalar, anything further may not.
            return ahead.len() < next.len();
        };
        let first = ahead[k..].chars().next().unwrap_or(' ');
        if first == '#' {
            return false;
        }
        if flow {
            return !matches!(first, ',' | ']' | '}');
        }
        let line_start = ahead[..k].rfind(['\n', '\r']).map(|p| p + 1).unwrap_or(0);
        let indent = ahead[line_start..k].chars().count();
        indent > self.content_indent()
    }

    /// The indentation of the line's content: leading blanks and `- ` of sequence entries.
    fn content_indent(&self) -> usize {
        let mut n = 0;
        let mut chars = self.line_before.chars().chain(self.w.chars()).peekable();
        while let Some(c) = chars.next() {
            match c {
                ' ' => n += 1,
                '-' | '?' if matches!(chars.peek(), Some(' ')) => n += 1,
                _ => break,
            }
        }
        n
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// YAML 1.2 core schema booleans and null.
fn keyword(s: &str) -> bool {
    matches!(
        s,
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" | "null" | "Null" | "NULL" | "~"
    )
}

/// The fixed words of the AWS settings the traits judge (`pidMode: host`, `CidrIp: 0.0.0.0/0`,
/// `AssignPublicIp: ENABLED`): shown because they are what the reader must see, and safe to
/// show because a value equal to one of them is public vocabulary, never a credential.
/// Exact matches only: `hostname` or `0.0.0.0/0x` stay masked.
fn vocabulary(s: &str) -> bool {
    whole_internet(s)
        || matches!(
            s,
            "host"
                | "awsvpc"
                | "bridge"
                | "none"
                | "task"
                | "ENABLED"
                | "DISABLED"
                | "0.0.0.0/0"
                | "::/0"
                | "tcp"
                | "udp"
                | "icmp"
                | "icmpv6"
                | "all"
                | "-1"
                | "FARGATE"
                | "EC2"
                | "EXTERNAL"
                | "internet-facing"
                | "internal"
                | "LATEST"
                | "root"
                | "ALL"
                | "SYS_ADMIN"
                | "NET_ADMIN"
                | "SYS_PTRACE"
                | "HTTP"
                | "HTTPS"
                | "Allow"
                | "Deny"
                | "*"
        )
}

/// A block of prefix length 0 written with host bits set (`192.168.1.0/0`): AWS reads it by
/// its prefix length, as the whole internet, so it is the same setting as `0.0.0.0/0` and the
/// reader must see it. An address with `/0` is no credential.
fn whole_internet(s: &str) -> bool {
    s.split_once('/').is_some_and(|(addr, len)| {
        (1..=3).contains(&len.len())
            && len.bytes().all(|b| b == b'0')
            && addr.parse::<std::net::IpAddr>().is_ok()
    })
}

/// A port-sized integer.
fn short_number(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    (1..=SHOWN_NUMBER_DIGITS).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

/// A CloudFormation logical id (`TaskRole`), attribute reference (`TaskRole.Arn`) or pseudo
/// parameter (`AWS::Region`): names, which the template must declare.
fn logical_id(s: &str) -> bool {
    s.chars().count() <= SHOWN_NAME_CHARS
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == ':')
}

#[cfg(test)]
mod tests;
