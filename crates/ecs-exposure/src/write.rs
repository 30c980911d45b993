//! The one way the CLI writes a file (`scan --output`, `plan --output`, `fix`): the content
//! goes to a temporary file in the target's folder, is flushed to disk, and is renamed over the
//! target, so that a failure part way (disk full, a killed process) leaves the old file whole
//! rather than a truncated one. An existing target keeps its permissions. A symbolic link at
//! the target is replaced, never written through: a link committed where a report goes
//! (`report.sarif -> ~/.bashrc`) must not turn a scan into a write anywhere else. And an
//! output that is one of the run's inputs is refused before anything is read.

use crate::file_id::FileId;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What [`write_file`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Written {
    Replaced,
    /// The target already held exactly these bytes: it was not touched.
    Unchanged,
}

/// Why a file was not written.
#[derive(Debug)]
pub enum WriteError {
    /// The file system refused (no such folder, no permission, disk full…).
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The target is a folder.
    Folder(PathBuf),
    /// The output is one of the run's inputs (`input`, when named otherwise).
    OutputIsInput {
        output: PathBuf,
        input: Option<PathBuf>,
    },
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Io { path, source } => {
                write!(f, "cannot write {}: {source}", path.display())
            }
            WriteError::Folder(path) => {
                write!(f, "cannot write {}: it is a folder", path.display())
            }
            WriteError::OutputIsInput { output, input } => {
                let same = match input {
                    Some(i) => format!(" (it is {})", i.display()),
                    None => String::new(),
                };
                write!(
                    f,
                    "{}: the output file is one of the input files{same}; refusing to overwrite it (choose another --output)",
                    output.display()
                )
            }
        }
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WriteError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Writes `bytes` to `path` atomically; leaves a target that already holds them untouched.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<Written, WriteError> {
    if holds(path, bytes) {
        return Ok(Written::Unchanged);
    }
    write_with(path, |w| w.write_all(bytes))?;
    Ok(Written::Replaced)
}

/// Writes what `fill` writes to `path` atomically (see the module). An error of `fill` leaves
/// the target as it was.
pub fn write_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), WriteError> {
    let failed = |source: std::io::Error| WriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    match target(path).map_err(failed)? {
        Target::Folder => Err(WriteError::Folder(path.to_path_buf())),
        Target::Stream => {
            // A pipe or device (`/dev/stdout`, `/dev/null`, a FIFO): nothing to replace, and
            // truncating makes no sense; it is written as it is.
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(failed)?;
            fill(&mut f).and_then(|()| f.flush()).map_err(failed)
        }
        Target::File {
            path: real,
            permissions,
        } => replace(&real, permissions, fill).map_err(failed),
    }
}

/// Refuses an output file that is also one of the inputs: the run would read what it is
/// about to overwrite (a report written over a snapshot file, or read back as input by the
/// next run). Compared by identity, so links and `./a.json` against `a.json` are caught. A
/// path that does not exist yet is no input.
pub fn refuse_input<'a>(
    output: &Path,
    inputs: impl IntoIterator<Item = &'a Path>,
) -> Result<(), WriteError> {
    let Some(out) = FileId::of_path(output) else {
        return Ok(());
    };
    for input in inputs {
        if FileId::of_path(input).as_ref() == Some(&out) {
            return Err(WriteError::OutputIsInput {
                output: output.to_path_buf(),
                input: (input != output).then(|| input.to_path_buf()),
            });
        }
    }
    Ok(())
}

/// Whether `path` and `other` lead to the same existing file.
pub fn same_file(path: &Path, other: &Path) -> bool {
    FileId::of_path(path).is_some_and(|a| FileId::of_path(other) == Some(a))
}

enum Target {
    /// A regular file or a symbolic link, existing or not: replaced, with the permissions of
    /// the file it was (a link: of the file it led to).
    File {
        path: PathBuf,
        permissions: Option<std::fs::Permissions>,
    },
    Folder,
    Stream,
}

fn target(path: &Path) -> std::io::Result<Target> {
    // `/dev/stdout` and `/proc/self/fd/N` lead to whatever the descriptor is: written
    // through, never replaced (replacing would detach it from the process's output).
    if path.starts_with("/dev") || path.starts_with("/proc") {
        return Ok(match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => Target::Folder,
            _ => Target::Stream,
        });
    }
    let file = |permissions| {
        Ok(Target::File {
            path: path.to_path_buf(),
            permissions,
        })
    };
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => file(None),
        Err(e) => Err(e),
        Ok(m) if m.is_symlink() => file(
            std::fs::metadata(path)
                .ok()
                .filter(|t| t.is_file())
                .map(|t| t.permissions()),
        ),
        Ok(m) if m.is_dir() => Ok(Target::Folder),
        Ok(m) if m.is_file() => file(Some(m.permissions())),
        // A FIFO or device made there by the user: written through.
        Ok(_) => Ok(Target::Stream),
    }
}

/// Temporary file in the target's folder, flushed to disk, renamed over the target.
fn replace(
    path: &Path,
    permissions: Option<std::fs::Permissions>,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let prefix = format!(
        ".{}.",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    );
    let mut builder = tempfile::Builder::new();
    // Hidden and ending in `.tmp`: one left by a crash is never read as an input.
    builder.prefix(&prefix).suffix(".tmp");
    // Created with the target's permissions (a new file: 0666 less the umask, as any new
    // file), so its content is never readable by more people than the target's.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(
            permissions
                .clone()
                .unwrap_or_else(|| std::fs::Permissions::from_mode(0o666)),
        );
    }
    let mut tmp = builder.tempfile_in(folder)?;
    {
        let mut w = std::io::BufWriter::with_capacity(1 << 20, tmp.as_file_mut());
        fill(&mut w)?;
        w.flush()?;
    }
    tmp.as_file().sync_all()?;
    if let Some(p) = permissions {
        // The umask applied at creation may have taken bits the target had.
        tmp.as_file().set_permissions(p)?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    // The rename is durable only once the folder is on disk too (not possible everywhere).
    #[cfg(unix)]
    if let Ok(dir) = std::fs::File::open(folder) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Whether `path` is a regular file holding exactly `bytes` (read no further than that).
fn holds(path: &Path, bytes: &[u8]) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    if !meta.is_file() || meta.len() != bytes.len() as u64 {
        return false;
    }
    let mut buf = Vec::new();
    let limit = crate::read::Limit {
        bytes: bytes.len() as u64,
        named: "the size of the new content",
    };
    crate::read::read_regular(path, limit, &mut buf).is_ok() && buf == bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect()
    }

    #[test]
    fn a_failure_part_way_leaves_the_target_whole() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("report.json");
        std::fs::write(&p, "old").unwrap();
        let e = write_with(&p, |w| {
            w.write_all(b"half of the new")?;
            Err(std::io::Error::other("disk full"))
        })
        .unwrap_err()
        .to_string();
        assert_eq!(e, format!("cannot write {}: disk full", p.display()));
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "old");
        assert!(leftovers(dir.path()).is_empty());
        write_with(&p, |w| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_kept_and_links_are_not_written_through() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("td.json");
        std::fs::write(&p, "old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        assert_eq!(
            write_file(&p, b"new").map_err(|e| e.to_string()),
            Ok(Written::Replaced)
        );
        assert_eq!(mode(&p), 0o640);
        // A link elsewhere (a file outside the folder, in an attack) is replaced by the
        // written file; what it led to is left alone.
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&p, &link).unwrap();
        assert_eq!(
            write_file(&link, b"newer").map_err(|e| e.to_string()),
            Ok(Written::Replaced)
        );
        assert!(std::fs::symlink_metadata(&link).unwrap().is_file());
        assert_eq!(std::fs::read_to_string(&link).unwrap(), "newer");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(mode(&link), 0o640);
    }

    #[cfg(unix)]
    #[test]
    fn the_same_content_is_not_rewritten() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.json");
        std::fs::write(&p, "same").unwrap();
        let before = std::fs::metadata(&p).unwrap().ino();
        assert_eq!(
            write_file(&p, b"same").map_err(|e| e.to_string()),
            Ok(Written::Unchanged)
        );
        assert_eq!(std::fs::metadata(&p).unwrap().ino(), before);
        assert_eq!(
            write_file(&p, b"other").map_err(|e| e.to_string()),
            Ok(Written::Replaced)
        );
        assert_ne!(std::fs::metadata(&p).unwrap().ino(), before);
    }

    #[test]
    fn a_folder_is_not_a_target() {
        let dir = tempfile::tempdir().unwrap();
        let e = write_file(dir.path(), b"x").unwrap_err().to_string();
        assert!(e.ends_with("it is a folder"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_written_through() {
        assert_eq!(
            write_file(Path::new("/dev/null"), b"x").map_err(|e| e.to_string()),
            Ok(Written::Replaced)
        );
    }

    #[test]
    fn inputs_are_recognised_under_other_names() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.json");
        std::fs::write(&a, "{}").unwrap();
        let dotted = dir.path().join(".").join("a.json");
        let e = refuse_input(&dotted, [a.as_path()])
            .unwrap_err()
            .to_string();
        assert!(e.contains("one of the input files"), "{e}");
        assert!(refuse_input(&dir.path().join("b.json"), [a.as_path()]).is_ok());
        assert!(same_file(&dotted, &a));
    }
}
