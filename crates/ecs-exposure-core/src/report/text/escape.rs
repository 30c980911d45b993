//! Terminal safety: names and values from the input are shown on the terminal, never obeyed.
//!
//! Ours, not a crate's: `anstream`/`strip-ansi-escapes` strip escape sequences, and only when
//! the output is not a terminal (on one they pass them through, which is where they would be
//! obeyed). Here every control character and bidi override of the input is shown, visibly,
//! wherever the text goes, and the report's own SGR styles are added after it.

use std::borrow::Cow;
use std::fmt::Write;

/// Text from the input, made safe to print on a terminal. Every control character (C0 such as
/// ESC, CR, backspace and newline; DEL; C1 U+0080–U+009F, which some terminals obey as CSI and
/// OSC) and every bidirectional override or isolate (U+202A–U+202E, U+2066–U+2069) is written
/// as a visible escape such as `\u{1b}`. So a service named `web\u{1b}[2J` cannot clear the
/// screen, retitle the window or move the cursor, and a name cannot reorder the text around
/// it. Everything else, including other non-ASCII text, is kept as it is.
///
/// This is the one function the text report and the CLI's messages pass input through. Text
/// meant to span lines is escaped line by line by its caller, so that only its own line breaks
/// stay line breaks.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe(c) {
            // Writing to a String cannot fail.
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether `c` would act on the terminal or on the order of the text rather than show.
pub(super) fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// [`terminal_safe`] applied to each line of `text`, keeping its line breaks.
pub fn terminal_safe_lines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.split('\n')
            .map(terminal_safe)
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_are_shown_not_obeyed() {
        assert_eq!(terminal_safe("web\u{1b}[2J"), "web\\u{1b}[2J");
        assert_eq!(
            terminal_safe("a\rb\u{8}c\u{7f}d\u{9b}e\u{85}f\u{0}"),
            "a\\u{d}b\\u{8}c\\u{7f}d\\u{9b}e\\u{85}f\\u{0}"
        );
        assert_eq!(terminal_safe("x\ny\tz"), "x\\u{a}y\\u{9}z");
        assert_eq!(
            terminal_safe("\u{202e}gpj.exe\u{202a}\u{202c}\u{2066}\u{2069}"),
            "\\u{202e}gpj.exe\\u{202a}\\u{202c}\\u{2066}\\u{2069}"
        );
        // Ordinary text, including non-ASCII, is kept and not copied.
        assert!(matches!(
            terminal_safe("café → tcp/443 `x`"),
            Cow::Borrowed("café → tcp/443 `x`")
        ));
        // Escaping twice changes nothing more.
        let once = terminal_safe("\u{1b}]0;owned\u{7}").into_owned();
        assert_eq!(terminal_safe(&once), once.as_str());
    }

    #[test]
    fn lines_keep_their_breaks() {
        assert_eq!(terminal_safe_lines("a\u{1b}\nb\r\n"), "a\\u{1b}\nb\\u{d}\n");
        assert!(matches!(terminal_safe_lines("a\nb\n"), Cow::Borrowed(_)));
    }
}
