//! Why a remediation is no safe text edit of a template. The message becomes the plan's
//! "Manual edit of the template at FILE:LINE: …" note and `fix`'s `manual (FILE:LINE)` line,
//! so each says what a person must do or what stopped the edit; none quotes a value of the
//! template.

use crate::load::Diagnostic;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    /// The change is no text edit (it needs a new resource, a value only a person has…):
    /// what to change by hand.
    Manual(String),
    /// A container or volume the change names is not in the template.
    NotFound { kind: &'static str, name: String },
    /// A resource with no recorded location in a template.
    NoLocation(String),
    /// A model path (`containerDefinitions[0].user`) or object not written in the template.
    NotWritten(String),
    /// A recorded location past the end of the text.
    OutOfRange,
    /// The line (1-based) is not a plain `key: value` line.
    NotPlainLine(usize),
    /// The value at the line spans several lines.
    SpansLines(usize),
    /// The object at the line is not in block style.
    NotBlockStyle(usize),
    /// The key at the line is the first of a list item, which cannot be removed alone.
    FirstKeyOfListItem(usize),
    /// Two changes edit the same lines.
    Overlap,
    /// The change edits nothing at the recorded locations.
    NothingToEdit,
    /// The edited text no longer loads: the loader's diagnostic.
    WouldNotLoad(Box<Diagnostic>),
    /// The edited text is no longer recognised as a template.
    NotATemplate,
}

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EditError::Manual(what) => f.write_str(what),
            EditError::NotFound { kind, name } => {
                write!(f, "{kind} `{name}` is not found in the template")
            }
            EditError::NoLocation(id) => write!(f, "`{id}` has no recorded location in a template"),
            EditError::NotWritten(path) => write!(f, "`{path}` is not written in the template"),
            EditError::OutOfRange => f.write_str("location out of range"),
            EditError::NotPlainLine(l) => write!(f, "line {l} is not a plain `key: value` line"),
            EditError::SpansLines(l) => write!(f, "the value at line {l} spans several lines"),
            EditError::NotBlockStyle(l) => {
                write!(f, "the object at line {l} is not in block style")
            }
            EditError::FirstKeyOfListItem(l) => {
                write!(f, "line {l} is the first key of a list item")
            }
            EditError::Overlap => f.write_str("two changes edit the same lines"),
            EditError::NothingToEdit => f.write_str("nothing to edit at the recorded locations"),
            EditError::WouldNotLoad(d) => write!(f, "the edit would not load: {d}"),
            EditError::NotATemplate => f.write_str("the edit would not load as a template"),
        }
    }
}

impl std::error::Error for EditError {}
