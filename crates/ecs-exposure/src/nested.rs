//! The files of CloudFormation nested stacks: the core follows a stack whose `TemplateURL`
//! is a local path (as written before `aws cloudformation package`), and this reads the file
//! for it, as every input file is read (regular files only, `--max-file-size`), and only
//! inside the folder being scanned: a template is hostile input, and its `TemplateURL` must
//! not make the scan read `/etc` or a file a symbolic link leads out to.

use crate::read::{Limit, read_regular};
use ecs_exposure_core::load::NestedTemplates;
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

pub struct LocalTemplates {
    /// The folders being scanned, resolved: the folders named on the command line, and the
    /// folder of each file named.
    roots: Vec<PathBuf>,
    limit: Limit,
    /// Which template read which (resolved paths).
    edges: Mutex<Vec<(PathBuf, PathBuf)>>,
}

impl LocalTemplates {
    pub fn new(paths: &[PathBuf], limit: Limit) -> Self {
        let roots = paths
            .iter()
            .filter_map(|p| {
                let real = std::fs::canonicalize(p).ok()?;
                if real.is_dir() {
                    Some(real)
                } else {
                    real.parent().map(Path::to_path_buf)
                }
            })
            .collect();
        LocalTemplates {
            roots,
            limit,
            edges: Mutex::new(Vec::new()),
        }
    }

    /// Which of `files` were read as the template of a nested stack of another file of the
    /// scan (reached from a file that is nobody's nested stack): those are part of their
    /// parent, read with the parameters it passes, and are not scanned again on their own.
    /// Files that only nest each other (a cycle) stay on their own.
    pub fn nested_files(self, files: &[PathBuf]) -> Vec<bool> {
        let edges = self.edges.into_inner().unwrap_or_else(|e| e.into_inner());
        if edges.is_empty() {
            return vec![false; files.len()];
        }
        let children: HashSet<&PathBuf> = edges.iter().map(|(_, c)| c).collect();
        let real: Vec<Option<PathBuf>> = files
            .iter()
            .map(|f| std::fs::canonicalize(f).ok())
            .collect();
        let tops: HashSet<&PathBuf> = real
            .iter()
            .flatten()
            .filter(|r| !children.contains(r))
            .collect();
        let mut reached: HashSet<&PathBuf> = HashSet::new();
        let mut todo: Vec<&PathBuf> = tops.iter().copied().collect();
        while let Some(p) = todo.pop() {
            for (parent, child) in &edges {
                if parent == p && reached.insert(child) {
                    todo.push(child);
                }
            }
        }
        real.iter()
            .map(|r| {
                r.as_ref()
                    .is_some_and(|r| reached.contains(r) && !tops.contains(r))
            })
            .collect()
    }
}

impl NestedTemplates for LocalTemplates {
    fn read(&self, parent: &str, url: &str) -> Result<(String, Vec<u8>), String> {
        let rel = url.strip_prefix("file://").unwrap_or(url);
        let parent_path = Path::new(parent);
        let joined = parent_path
            .parent()
            .unwrap_or_else(|| Path::new(""))
            .join(rel);
        let name = lexical(&joined).display().to_string();
        let parent_real = std::fs::canonicalize(parent_path)
            .map_err(|e| format!("the folder of {parent} cannot be resolved: {e}"))?;
        let Some(root) = self
            .roots
            .iter()
            .filter(|r| parent_real.starts_with(r))
            .max_by_key(|r| r.components().count())
        else {
            return Err(format!("{parent} is in no folder being scanned"));
        };
        let real = match std::fs::canonicalize(&joined) {
            Ok(p) => p,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(format!("its template {name} does not exist"));
            }
            Err(e) => return Err(format!("its template {name} cannot be read: {e}")),
        };
        if !real.starts_with(root) {
            return Err(format!(
                "its template {name} is outside the folder being scanned ({}), so it is not read",
                root.display()
            ));
        }
        let mut buf = Vec::new();
        read_regular(&real, self.limit, &mut buf)
            .map_err(|e| format!("its template {name} is not read: {e}"))?;
        self.edges
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((parent_real, real));
        Ok((name, buf))
    }
}

/// `a/./b/../c` as `a/c`, without looking at the file system (names for messages and ids;
/// the folder check uses the resolved path).
fn lexical(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::lexical;
    use std::path::Path;

    #[test]
    fn paths_are_normalised_for_names() {
        assert_eq!(lexical(Path::new("a/./b/../c.yaml")), Path::new("a/c.yaml"));
        assert_eq!(lexical(Path::new("../x/./y")), Path::new("../x/y"));
    }
}
