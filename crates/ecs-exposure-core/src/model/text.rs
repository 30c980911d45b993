//! Small text forms every layer's sentences share.

/// Names in backticks, comma-separated: "`a`, `b`".
pub fn ticked<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> String {
    names
        .into_iter()
        .map(|n| format!("`{}`", n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn ticked_names() {
        assert_eq!(super::ticked(["a", "b"]), "`a`, `b`");
        assert_eq!(super::ticked(Vec::<String>::new()), "");
    }
}
