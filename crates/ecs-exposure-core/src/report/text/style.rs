//! Terminal styling and line wrapping for the text report. ANSI escapes (`anstyle`'s SGR
//! sequences) are added only when the caller asks for colour; wrapping counts characters, and colour is only applied to
//! short labels that are never wrapped, so escapes never break the width.

use super::escape::{terminal_safe, terminal_safe_lines};
use crate::engine::Severity;
use anstyle::{AnsiColor, Color, Style as Sgr};

/// Width the report is laid out for.
pub const WIDTH: usize = 100;

#[derive(Clone, Copy)]
pub struct Style {
    pub color: bool,
}

const BOLD: Sgr = Sgr::new().bold();
const DIM: Sgr = Sgr::new().dimmed();
const CYAN: Sgr = Sgr::new().fg_color(Some(Color::Ansi(AnsiColor::Cyan)));
const YELLOW: Sgr = Sgr::new().fg_color(Some(Color::Ansi(AnsiColor::Yellow)));

impl Style {
    /// `s` in the given SGR style. `s` is passed through [`terminal_safe_lines`] whatever its
    /// origin, so that the only escapes in the output are the ones added here.
    fn paint(self, style: Sgr, s: &str) -> String {
        let s = terminal_safe_lines(s);
        if self.color {
            format!("{}{s}{}", style.render(), style.render_reset())
        } else {
            s.into_owned()
        }
    }

    pub fn bold(self, s: &str) -> String {
        self.paint(BOLD, s)
    }

    pub fn dim(self, s: &str) -> String {
        self.paint(DIM, s)
    }

    pub fn cyan(self, s: &str) -> String {
        self.paint(CYAN, s)
    }

    pub fn yellow(self, s: &str) -> String {
        self.paint(YELLOW, s)
    }

    /// The severity label, padded so that titles line up.
    pub fn severity(self, s: Severity) -> String {
        let bold_in = |c: AnsiColor| BOLD.fg_color(Some(Color::Ansi(c)));
        let style = match s {
            Severity::Critical => {
                bold_in(AnsiColor::BrightWhite).bg_color(Some(AnsiColor::Red.into()))
            }
            Severity::High => bold_in(AnsiColor::Red),
            Severity::Medium => bold_in(AnsiColor::Yellow),
            Severity::Low => bold_in(AnsiColor::Blue),
            Severity::Informational => DIM,
        };
        self.paint(style, s.as_str())
    }
}

/// Word-wraps `text` to [`WIDTH`]: the first line starts with `first` (already written by
/// the caller, `first_width` characters wide), the following lines with `indent` spaces.
/// Words longer than a line (ARNs, URLs) are kept whole rather than split, and so are
/// `code spans`, so that a command can be copied from one line.
pub fn wrap(text: &str, first_width: usize, indent: usize) -> String {
    let mut out = String::new();
    let mut col = first_width;
    let mut line_empty = true;
    for word in &words(text) {
        let w = word.chars().count();
        if !line_empty && col + 1 + w > WIDTH {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            col = indent;
            line_empty = true;
        }
        if !line_empty {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += w;
        line_empty = false;
    }
    out
}

/// Whitespace-separated words, with each `code span` joined into one word. Each word is
/// passed through [`terminal_safe`]: line breaks and other whitespace in the input only
/// separate words, and no other control character reaches the output.
fn words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut in_code = false;
    for w in text.split_whitespace() {
        let w = &*terminal_safe(w);
        match out.last_mut() {
            Some(last) if in_code => {
                last.push(' ');
                last.push_str(w);
            }
            _ => out.push(w.to_string()),
        }
        if w.matches('`').count() % 2 == 1 {
            in_code = !in_code;
        }
    }
    out
}

/// `label` then `text` wrapped under it, indented by `indent`, ending with a newline.
pub fn para(out: &mut String, indent: usize, label: &str, label_width: usize, text: &str) {
    out.push_str(&" ".repeat(indent));
    out.push_str(label);
    out.push_str(&wrap(text, indent + label_width, indent + label_width));
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_respects_width_and_keeps_long_words() {
        let text = "word ".repeat(60);
        for line in wrap(&text, 4, 4).lines() {
            assert!(line.chars().count() <= WIDTH - 4 || line.starts_with("    "));
            assert!(line.chars().count() <= WIDTH);
        }
        let url = format!("see {}", "x".repeat(120));
        assert_eq!(wrap(&url, 0, 2), format!("see\n  {}", "x".repeat(120)));
    }

    #[test]
    fn code_spans_stay_on_one_line() {
        let text = format!(
            "{} run `aws ecs update-service --cluster ops` now",
            "x ".repeat(40)
        );
        let out = wrap(&text, 0, 2);
        assert!(
            out.contains("`aws ecs update-service --cluster ops`"),
            "{out}"
        );
    }

    #[test]
    fn no_escapes_without_color() {
        let s = Style { color: false };
        assert_eq!(s.severity(Severity::Critical), "CRITICAL");
        assert!(Style { color: true }.bold("x").contains("\x1b["));
    }
}
