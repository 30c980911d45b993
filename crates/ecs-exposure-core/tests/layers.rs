//! The core's layers, enforced: data flows one way, so a module may use only the layers below
//! it. Test code (test modules and test-only files) may reach anywhere, as a test of a trait
//! runs a whole analysis.
//!
//! A cycle between modules is how the core once came to be one tangle (model → suppress →
//! engine → model; traits → plan through a detector's output type): this test names the
//! offending file and reference, so it cannot creep back.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Bottom to top. Modules in one layer may use each other.
const LAYERS: &[&[&str]] = &[
    // Plumbing any layer may use (a thread pool); it uses no other module.
    &["parallel"],
    &["model"],
    &["load"],
    &["traits"],
    &["engine", "suppress"],
    &["plan"],
    &["fix"],
    &["pipeline"],
    &["report"],
    // Drives every layer for the fuzz targets and property tests.
    &["harness"],
];

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The directory a file's child modules live in: `a/mod.rs` → `a/`, `a/b.rs` → `a/b/`.
fn child_dir(file: &Path) -> PathBuf {
    let stem = file.file_stem().unwrap().to_str().unwrap();
    if stem == "mod" || stem == "lib" {
        file.parent().unwrap().to_path_buf()
    } else {
        file.with_extension("")
    }
}

/// Files (and directories) declared `#[cfg(test)] mod name;`.
fn test_only(files: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap();
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        for w in lines.windows(2) {
            if w[0] == "#[cfg(test)]"
                && let Some(name) = w[1]
                    .strip_prefix("mod ")
                    .or_else(|| w[1].strip_prefix("pub mod "))
                    .or_else(|| w[1].strip_prefix("pub(crate) mod "))
                    .and_then(|r| r.strip_suffix(';'))
            {
                let dir = child_dir(f);
                out.push(dir.join(format!("{name}.rs")));
                out.push(dir.join(name));
            }
        }
    }
    out
}

/// The non-test code of a file: comment lines, inline `#[cfg(test)] mod … { … }` blocks and single
/// `#[cfg(test)]` items are left out.
fn production_text(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]" {
            // Skip the next item: up to its closing brace at the same indentation, or one line.
            let Some(item) = lines.next() else { break };
            if item.trim_end().ends_with('{') {
                let indent = item.len() - item.trim_start().len();
                for l in lines.by_ref() {
                    if l.len() - l.trim_start().len() == indent && l.trim_start().starts_with('}') {
                        break;
                    }
                }
            }
            continue;
        }
        // Comments (and doc links in them) are not uses.
        if !line.trim_start().starts_with("//") {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The top-level modules a text names through `crate::`.
fn used_modules(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `use crate::{a::X, b};`: each top-level name in the group.
            let mut depth = 0;
            let mut name = String::new();
            let mut at_start = true;
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        at_start = true;
                        name.clear();
                        continue;
                    }
                    _ => {}
                }
                if depth == 0 && at_start {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        name.push(c);
                    } else if !name.is_empty() {
                        out.insert(std::mem::take(&mut name));
                        at_start = false;
                    }
                }
            }
            if at_start && !name.is_empty() {
                out.insert(name);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

#[test]
fn no_layer_uses_a_layer_above_it() {
    let root = src();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let tests = test_only(&files);
    let mut violations = Vec::new();
    let mut unplaced = BTreeSet::new();
    for f in &files {
        if tests.iter().any(|t| f.starts_with(t)) {
            continue;
        }
        let rel = f.strip_prefix(&root).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_str()
            .unwrap();
        let module = first.strip_suffix(".rs").unwrap_or(first);
        if module == "lib" {
            continue;
        }
        let Some(own) = rank(module) else {
            unplaced.insert(module.to_string());
            continue;
        };
        let text = production_text(&std::fs::read_to_string(f).unwrap());
        for used in used_modules(&text) {
            match rank(&used) {
                Some(r) if r > own => violations.push(format!(
                    "{} ({module}) uses crate::{used}, a layer above it",
                    rel.display()
                )),
                None => {
                    unplaced.insert(used);
                }
                _ => {}
            }
        }
    }
    assert!(
        unplaced.is_empty(),
        "modules not placed in a layer (add them to LAYERS in tests/layers.rs): {unplaced:?}"
    );
    assert!(
        violations.is_empty(),
        "layers are model → load → traits → engine → plan → fix → pipeline → report:\n{}",
        violations.join("\n")
    );
}

/// Code reads evidence details through typed keys (`traits::keys`), never by a string: a
/// string lookup of a renamed detail would silently find nothing.
#[test]
fn evidence_details_are_read_through_typed_keys() {
    let root = src();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let tests = test_only(&files);
    let mut found = Vec::new();
    for f in &files {
        // The typed accessor itself is the one place that looks a key up.
        if tests.iter().any(|t| f.starts_with(t)) || f.ends_with("traits/evidence.rs") {
            continue;
        }
        let text = production_text(&std::fs::read_to_string(f).unwrap());
        for line in text.lines() {
            if ["details.get(", "details.contains_key(", "details["]
                .iter()
                .any(|p| line.contains(p))
            {
                found.push(format!(
                    "{}: {}",
                    f.strip_prefix(&root).unwrap().display(),
                    line.trim()
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "read details with `Evidence::get(keys::…)`:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_checker_sees_what_it_must() {
    let text = "use crate::{engine::Severity, model};\nfn f() { crate::plan::x(); }\n#[cfg(test)]\nmod tests {\n    use crate::report;\n}\n";
    let used = used_modules(&production_text(text));
    assert_eq!(
        used.into_iter().collect::<Vec<_>>(),
        ["engine", "model", "plan"]
    );
}
