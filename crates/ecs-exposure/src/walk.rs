//! Listing the input files. Folders are walked recursively for `*.json` and CloudFormation
//! YAML (`*.yaml`, `*.yml`, `*.template`); files named on the command line are read whatever
//! their extension. Only regular files are listed: a FIFO, socket or device in a folder is
//! skipped with a warning, one named on the command line is an error. Symbolic links are
//! followed, to folders too, and each folder is walked once, so a link loop ends with a
//! warning instead of walking forever. Nothing found is ever dropped without a word.
//!
//! The walk is ours, not `walkdir`'s (2.5), whose link following falls short of this in two
//! ways: it detects only links back to an ancestor, so a folder reached by two links is walked
//! twice (here each folder is walked once, by device and inode, as docs/limits.md says); and
//! for each followed link to a folder it opens every ancestor folder to compare it, so a
//! hostile tree of many links deep down costs links × depth opens, where this walk makes one
//! `stat` per entry and one lookup in a set.

use crate::file_id::FileId;
use crate::read::kind_of;
use ecs_exposure_core::load::Diagnostic;
use std::collections::HashMap;
use std::fs::Metadata;
use std::path::{Path, PathBuf};

/// The file name extensions read in a folder (any case).
const EXTENSIONS: [&str; 4] = ["json", "yaml", "yml", "template"];

/// The files to read, sorted, and what was skipped on the way.
#[derive(Debug, Default)]
pub struct Listing {
    pub files: Vec<PathBuf>,
    /// The files named on the command line (a file both named and in a named folder counts
    /// as named): these must be of a known kind, while one found in a folder may be skipped.
    pub named: std::collections::BTreeSet<PathBuf>,
    pub warnings: Vec<Diagnostic>,
}

/// Lists the files to read, or says which path could not be listed.
pub fn collect_files(paths: &[PathBuf]) -> Result<Listing, String> {
    let mut walker = Walker::default();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| format!("{}: {e}", p.display()))?;
        if meta.is_dir() {
            walker.walk(p, &meta)?;
        } else if meta.is_file() {
            walker.listing.files.push(p.clone());
            walker.listing.named.insert(p.clone());
        } else {
            return Err(format!(
                "{}: not a regular file or folder but {}",
                p.display(),
                kind_of(&meta.file_type())
            ));
        }
    }
    let mut listing = walker.listing;
    listing.files.sort();
    listing.files.dedup();
    Ok(listing)
}

#[derive(Default)]
struct Walker {
    listing: Listing,
    /// Every folder walked, with the path it was first reached by.
    visited: HashMap<FileId, PathBuf>,
}

impl Walker {
    /// Walks `root` with an explicit stack: the depth of a tree is not bounded by the call
    /// stack's size. Entries are taken in name order, so messages do not depend on the order
    /// the file system lists them in.
    /// A folder is marked walked when its turn comes, so that of two ways to a folder the
    /// first in name order is the one kept.
    fn walk(&mut self, root: &Path, meta: &Metadata) -> Result<(), String> {
        let mut stack = vec![(root.to_path_buf(), FileId::of(root, meta))];
        while let Some((dir, id)) = stack.pop() {
            if !self.enter(&dir, id) {
                continue;
            }
            let cannot_list = |e: std::io::Error| format!("{}: cannot list: {e}", dir.display());
            let mut entries = std::fs::read_dir(&dir)
                .map_err(cannot_list)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(cannot_list)?;
            entries.sort_by_key(|e| e.file_name());
            let mut folders = Vec::new();
            for entry in entries {
                let path = entry.path();
                let ft = entry
                    .file_type()
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                // A link is judged by what it leads to.
                let (ft, followed) = if ft.is_symlink() {
                    match std::fs::metadata(&path) {
                        Ok(m) => (m.file_type(), Some(m)),
                        Err(e) if leads_nowhere(&e) => {
                            self.warn(
                                &path,
                                format!("a symbolic link that leads nowhere ({e}); skipped"),
                            );
                            continue;
                        }
                        Err(e) => return Err(format!("{}: {e}", path.display())),
                    }
                } else {
                    (ft, None)
                };
                if ft.is_dir() {
                    let meta = match followed {
                        Some(m) => m,
                        None => entry
                            .metadata()
                            .map_err(|e| format!("{}: {e}", path.display()))?,
                    };
                    let id = FileId::of(&path, &meta);
                    folders.push((path, id));
                } else if ft.is_file() {
                    if has_input_extension(&path) {
                        self.listing.files.push(path);
                    }
                } else {
                    let what = match followed {
                        Some(_) => format!("a symbolic link to {}", kind_of(&ft)),
                        None => kind_of(&ft).to_string(),
                    };
                    self.warn(&path, format!("{what}, not a regular file; skipped"));
                }
            }
            // Reversed, so that the stack gives them back in name order.
            stack.extend(folders.into_iter().rev());
        }
        Ok(())
    }

    /// Records a folder; `false` (with a warning) when it was walked already.
    fn enter(&mut self, dir: &Path, id: FileId) -> bool {
        match self.visited.get(&id) {
            None => {
                self.visited.insert(id, dir.to_path_buf());
                true
            }
            Some(first) => {
                let message = if dir.starts_with(first) {
                    format!(
                        "leads back to the folder {} it is in (a loop of symbolic links); not followed",
                        first.display()
                    )
                } else {
                    format!(
                        "the same folder as {}, read once already; not read again",
                        first.display()
                    )
                };
                self.warn(dir, message);
                false
            }
        }
    }

    fn warn(&mut self, path: &Path, message: String) {
        self.listing.warnings.push(Diagnostic {
            file: path.display().to_string(),
            path: None,
            line: None,
            column: None,
            message,
        });
    }
}

fn has_input_extension(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// A dangling link, or a link to itself: nothing to read there, not an I/O failure.
fn leads_nowhere(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    if e.raw_os_error() == Some(libc::ELOOP) {
        return true;
    }
    e.kind() == std::io::ErrorKind::NotFound
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn names(listing: &Listing, root: &Path) -> Vec<String> {
        listing
            .files
            .iter()
            .map(|f| f.strip_prefix(root).unwrap().display().to_string())
            .collect()
    }

    #[test]
    fn linked_folders_are_followed_once_and_loops_warned() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("a/b/x.json"), "{}").unwrap();
        std::fs::create_dir(root.join("elsewhere")).unwrap();
        std::fs::write(root.join("elsewhere/y.json"), "{}").unwrap();
        // A loop, a second way to a folder, and a linked folder found only through the link.
        symlink(root.join("a"), root.join("a/b/up")).unwrap();
        symlink(root.join("a/b"), root.join("again")).unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("z.json"), "{}").unwrap();
        symlink(outside.path(), root.join("linked")).unwrap();
        let listing = collect_files(&[root.to_path_buf()]).unwrap();
        assert_eq!(
            names(&listing, root),
            ["a/b/x.json", "elsewhere/y.json", "linked/z.json"]
        );
        let warnings: Vec<String> = listing.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings[0].contains("a/b/up: leads back to the folder")
                && warnings[0].contains("(a loop of symbolic links); not followed"),
            "{warnings:?}"
        );
        assert!(
            warnings[1].contains("again: the same folder as"),
            "{warnings:?}"
        );
    }

    #[test]
    fn links_to_nowhere_and_to_devices_are_skipped_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        symlink("/dev/zero", root.join("zero.json")).unwrap();
        symlink(root.join("missing.json"), root.join("dangling.json")).unwrap();
        symlink(root.join("self.json"), root.join("self.json")).unwrap();
        let listing = collect_files(&[root.to_path_buf()]).unwrap();
        assert!(listing.files.is_empty());
        let warnings: Vec<String> = listing.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(warnings[0].contains("dangling.json: a symbolic link that leads nowhere"));
        assert!(warnings[1].contains("self.json: a symbolic link that leads nowhere"));
        assert!(warnings[2].ends_with(
            "zero.json: a symbolic link to a character device, not a regular file; skipped"
        ));
    }

    #[test]
    fn a_device_named_on_the_command_line_is_an_error() {
        let e = collect_files(&[PathBuf::from("/dev/null")]).unwrap_err();
        assert_eq!(
            e,
            "/dev/null: not a regular file or folder but a character device"
        );
    }
}
