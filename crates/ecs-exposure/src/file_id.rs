//! The identity of a file or folder, to tell two paths to the same one apart from two files:
//! symbolic links, `./a.json` and `a.json`, hard links.

use std::path::{Path, PathBuf};

/// Device and inode where they exist; elsewhere the canonical path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FileId {
    #[cfg_attr(not(unix), allow(dead_code))]
    Inode(u64, u64),
    #[cfg_attr(unix, allow(dead_code))]
    Path(PathBuf),
}

impl FileId {
    /// The identity of `path`, whose metadata (symbolic links followed) is `meta`.
    pub fn of(path: &Path, meta: &std::fs::Metadata) -> FileId {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let _ = path;
            FileId::Inode(meta.dev(), meta.ino())
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            FileId::Path(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
        }
    }

    /// The identity of what `path` leads to, if it exists.
    pub fn of_path(path: &Path) -> Option<FileId> {
        std::fs::metadata(path).ok().map(|m| FileId::of(path, &m))
    }
}
