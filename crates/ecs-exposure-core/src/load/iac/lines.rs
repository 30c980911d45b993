//! Where each line of a source text starts, to find the byte offset of a parser position
//! (1-based line, column in characters) without copying any line: a location's snippet is cut
//! from the text itself. One-line JSON (a Terraform plan) has every location on one long line,
//! so a column is found from a checkpoint every [`CHECKPOINT_CHARS`] characters rather than by
//! counting from the start of the line.

use std::collections::HashMap;

/// Characters between two checkpoints of a long line that is not ASCII.
const CHECKPOINT_CHARS: usize = 1024;

pub(crate) struct LineIndex {
    /// Byte offset of each line's first character.
    starts: Vec<usize>,
    /// Whether each line is ASCII (a column is then a byte count).
    ascii: Vec<bool>,
    /// Long non-ASCII lines: byte offset of character `k * CHECKPOINT_CHARS`, `k` ≥ 1.
    checkpoints: HashMap<usize, Vec<usize>>,
    /// Length of the text.
    len: usize,
}

impl LineIndex {
    /// Lines end at `\n`, `\r\n` or a lone `\r`, as the YAML parser counts them.
    pub(crate) fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    i += 2;
                    starts.push(i);
                }
                b'\n' | b'\r' => {
                    i += 1;
                    starts.push(i);
                }
                _ => i += 1,
            }
        }
        let mut ascii = Vec::with_capacity(starts.len());
        let mut checkpoints = HashMap::new();
        for (n, &s) in starts.iter().enumerate() {
            let line = &text[s..starts.get(n + 1).copied().unwrap_or(text.len())];
            let is_ascii = line.is_ascii();
            ascii.push(is_ascii);
            if !is_ascii && line.len() > CHECKPOINT_CHARS {
                let marks: Vec<usize> = line
                    .char_indices()
                    .skip(CHECKPOINT_CHARS)
                    .step_by(CHECKPOINT_CHARS)
                    .map(|(i, _)| s + i)
                    .collect();
                checkpoints.insert(n, marks);
            }
        }
        LineIndex {
            starts,
            ascii,
            checkpoints,
            len: text.len(),
        }
    }

    /// The number of lines, as `str::lines` counts them (a final line break ends the last
    /// line rather than starting an empty one).
    pub(crate) fn lines(&self) -> usize {
        match self.starts.last() {
            Some(&s) if s == self.len && self.starts.len() > 1 => self.starts.len() - 1,
            _ => self.starts.len(),
        }
    }

    /// Byte offset of the start of a line (1-based).
    pub(crate) fn start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    /// The text of a line (1-based), without its line break.
    pub(crate) fn line<'t>(&self, text: &'t str, line: usize) -> Option<&'t str> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        let end = self.starts.get(line).copied().unwrap_or(text.len());
        Some(text[start..end].trim_end_matches(['\n', '\r']))
    }

    /// Byte offsets of the start of `line` and of `column` on it (both 1-based; the column
    /// counts characters). `None` when the position is not in the text.
    pub(crate) fn offset(&self, text: &str, line: usize, column: usize) -> Option<(usize, usize)> {
        let n = line.checked_sub(1)?;
        let start = *self.starts.get(n)?;
        let end = self.starts.get(n + 1).copied().unwrap_or(text.len());
        let col = column.checked_sub(1)?;
        let at = if self.ascii[n] {
            start + col
        } else {
            let k = col / CHECKPOINT_CHARS;
            let base = match k {
                0 => start,
                _ => *self.checkpoints.get(&n)?.get(k - 1)?,
            };
            let skip = col % CHECKPOINT_CHARS;
            match text[base..end].char_indices().nth(skip) {
                Some((i, _)) => base + i,
                None if text[base..end].chars().count() == skip => end,
                None => return None,
            }
        };
        (at <= end).then_some((start, at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        let text = "ab\r\nçd: x\rlast";
        let idx = LineIndex::new(text);
        assert_eq!(idx.offset(text, 1, 2), Some((0, 1)));
        let (s, at) = idx.offset(text, 2, 2).unwrap();
        assert_eq!(&text[s..at], "ç");
        assert_eq!(&text[at..at + 1], "d");
        let (_, at) = idx.offset(text, 3, 1).unwrap();
        assert_eq!(&text[at..], "last");
        assert_eq!(idx.offset(text, 4, 1), None);
        assert_eq!(idx.offset(text, 1, 0), None);
    }

    #[test]
    fn long_lines_use_checkpoints() {
        let text = format!("x\n{}", "é".repeat(5000) + "Key");
        let idx = LineIndex::new(&text);
        for col in [1, 1024, 1025, 2049, 5001] {
            let (s, at) = idx.offset(&text, 2, col).unwrap();
            assert_eq!(text[s..at].chars().count(), col - 1, "{col}");
        }
        let (_, at) = idx.offset(&text, 2, 5001).unwrap();
        assert_eq!(&text[at..], "Key");
        assert_eq!(idx.offset(&text, 2, 5005), None);
    }
}
