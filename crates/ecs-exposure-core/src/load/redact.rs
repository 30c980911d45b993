//! Error messages of serde and serde_json without the input values they quote.
//!
//! serde's messages quote the value they did not expect (`invalid type: string "DB_URL=…",
//! expected a sequence`), and input values may be credentials, while diagnostics are printed
//! and uploaded as CI logs. Every diagnostic built from a serde error goes through
//! [`json_error`] or [`serde_message`]: the message keeps where (the diagnostic's file, line and
//! JSON path) and which type was expected and found, never the value.

/// serde_json's message for `e`, without the position it appends (diagnostics carry it
/// separately) and without input values.
pub(crate) fn json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    // The position suffix is there only when serde_json knows a line.
    let text = match text.rfind(" at line ") {
        Some(i) if e.line() > 0 => &text[..i],
        _ => &text[..],
    };
    match e.classify() {
        // serde_json's own syntax messages name what was expected, never the input.
        serde_json::error::Category::Syntax
        | serde_json::error::Category::Eof
        | serde_json::error::Category::Io => text.to_string(),
        serde_json::error::Category::Data => serde_message(text),
    }
}

/// A message in one of serde's `de::Error` forms, without input values: by form, the part
/// that holds a value is replaced by its kind; a message of no known form loses every
/// quoted segment.
pub(crate) fn serde_message(msg: &str) -> String {
    for prefix in ["invalid type", "invalid value"] {
        if let Some(rest) = msg.strip_prefix(prefix).and_then(|r| r.strip_prefix(": ")) {
            // `{unexpected}, expected {what}`: `what` comes from the program, `unexpected`
            // holds the input; the last separator is the real one (a value may hold one).
            return match rest.rsplit_once(", expected ") {
                Some((found, what)) => format!("{prefix}: {}, expected {what}", kind(found)),
                None => format!("{prefix}: {}", kind(rest)),
            };
        }
    }
    // `unknown variant `{input}`, expected one of `A`, `B`` (and the same for fields).
    for what in ["variant", "field"] {
        let Some(rest) = msg.strip_prefix(&format!("unknown {what} `")) else {
            continue;
        };
        let tail = [
            "`, expected ",
            "`, there are no variants",
            "`, there are no fields",
        ]
        .iter()
        .filter_map(|sep| rest.rfind(sep).map(|i| &rest[i + 1..]))
        .max_by_key(|t| std::cmp::Reverse(t.len()));
        return format!("unknown {what}{}", tail.unwrap_or(""));
    }
    // Names from the program (`missing field `x``), counts (`invalid length 3, …`), or keys
    // (a duplicate key is named so that it can be found).
    for keep in [
        "missing field `",
        "duplicate field `",
        "duplicate key `",
        "invalid length ",
    ] {
        if msg.starts_with(keep) {
            return msg.to_string();
        }
    }
    without_quoted(msg)
}

/// What an `Unexpected` of serde's shows as, without the value: `string "…"` → `a string`.
fn kind(found: &str) -> &'static str {
    const KINDS: &[(&str, &str)] = &[
        ("string", "a string"),
        ("integer", "an integer"),
        ("floating point", "a number"),
        ("boolean", "a boolean"),
        ("character", "a character"),
        ("byte array", "bytes"),
        ("unit value", "null"),
        ("Option value", "an optional value"),
        ("newtype struct", "a newtype struct"),
        ("sequence", "a sequence"),
        ("map", "a map"),
        ("unit variant", "a unit variant"),
        ("newtype variant", "a newtype variant"),
        ("tuple variant", "a tuple variant"),
        ("struct variant", "a struct variant"),
        ("enum", "an enum"),
    ];
    KINDS
        .iter()
        .find(|(k, _)| {
            found == *k
                || found
                    .strip_prefix(k)
                    .is_some_and(|rest| rest.starts_with(' '))
        })
        .map(|(_, v)| *v)
        .unwrap_or("a value")
}

/// `msg` with every quoted segment (`"…"` with escapes, `` `…` `` and `` `…' ``) replaced by
/// `…`: the fallback for messages of no known form, which may quote anything.
pub(crate) fn without_quoted(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut chars = msg.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    match c {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        '"' => break,
                        _ => {}
                    }
                }
                out.push('…');
            }
            '`' => {
                for c in chars.by_ref() {
                    if c == '`' || c == '\'' {
                        break;
                    }
                }
                out.push('…');
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    enum Mode {
        Host,
        Bridge,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct T {
        env: Option<Vec<String>>,
        port: Option<u16>,
        mode: Option<Mode>,
        flag: Option<bool>,
    }

    fn msg(json: &str) -> String {
        json_error(&serde_json::from_str::<T>(json).unwrap_err())
    }

    #[test]
    fn values_are_replaced_by_their_kind() {
        assert_eq!(
            msg(r#"{"env": "DB_URL=postgres://u:pw@db/x, expected x"}"#),
            "invalid type: a string, expected a sequence"
        );
        assert_eq!(
            msg(r#"{"port": 123456}"#),
            "invalid value: an integer, expected u16"
        );
        assert_eq!(
            msg(r#"{"port": -5}"#),
            "invalid value: an integer, expected u16"
        );
        assert_eq!(
            msg(r#"{"flag": 1.5}"#),
            "invalid type: a number, expected a boolean"
        );
        assert_eq!(
            msg(r#"{"flag": null, "port": {}}"#),
            "invalid type: a map, expected u16"
        );
        assert_eq!(
            msg(r#"{"mode": "s3cr`et, expected x"}"#),
            "unknown variant, expected `Host` or `Bridge`"
        );
        assert_eq!(msg(r#"{"port": 1, "port": 2}"#), "duplicate field `port`");
        assert_eq!(msg("{\"env\": [\"a\" \"b\"]}"), "expected `,` or `]`");
    }

    #[test]
    fn unknown_forms_lose_quoted_segments() {
        assert_eq!(
            serde_message("bad \"se\\\"cret\" and `other' and `x`"),
            "bad … and … and …"
        );
    }
}
