//! The one way the CLI reads an input file: only a regular file (a FIFO would block the run
//! forever, a device such as `/dev/zero` would never end), and at most a set number of bytes
//! whatever the file's metadata claims (files in `/proc` report a size of 0).

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Default of `--max-file-size`: 1 GiB. Large accounts' Inspector exports and Terraform plans
/// run to hundreds of megabytes; a file past this is more likely a mistake or an attack than
/// an input, and each loader thread holds one whole file in memory.
pub const DEFAULT_MAX_FILE_SIZE: ByteSize = ByteSize(1 << 30);

/// How many bytes a read may give, and the name a user finds it under in the error.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub bytes: u64,
    /// The flag or constant that sets it, e.g. `--max-file-size`.
    pub named: &'static str,
}

impl Limit {
    /// The `--max-file-size` limit of input files.
    pub fn max_file_size(size: ByteSize) -> Self {
        Limit {
            bytes: size.0,
            named: "--max-file-size",
        }
    }
}

/// A size in bytes as people write it: digits, optionally followed by a binary multiple K, M,
/// G or T (with or without `iB`, any case) or `bytes`: `1073741824`, `512M`, `2 GiB`. Printed
/// in the largest exact unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteSize(pub u64);

/// Without a space (`1GiB`): this is also how clap shows the default.
impl std::fmt::Display for ByteSize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match format_size(self.0).split_once(' ') {
            Some((n, "bytes" | "byte")) => f.write_str(n),
            Some((n, unit)) => write!(f, "{n}{unit}"),
            None => f.write_str(&format_size(self.0)),
        }
    }
}

impl std::str::FromStr for ByteSize {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let not_a_size = || {
            format!(
                "`{s}` is not a size (expected bytes, or a number with K, M, G or T, e.g. 512M)"
            )
        };
        let t = s.trim();
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        let (number, suffix) = t.split_at(digits);
        let shift = match suffix.trim_start().to_ascii_lowercase().as_str() {
            "" | "b" | "byte" | "bytes" => 0,
            "k" | "kib" => 10,
            "m" | "mib" => 20,
            "g" | "gib" => 30,
            "t" | "tib" => 40,
            _ => return Err(not_a_size()),
        };
        let n: u64 = number.parse().map_err(|_| not_a_size())?;
        let bytes = n
            .checked_mul(1u64 << shift)
            .ok_or_else(|| format!("`{s}` is too large a size"))?;
        if bytes == 0 {
            return Err("the size must be at least 1 byte".to_string());
        }
        Ok(ByteSize(bytes))
    }
}

/// Why a file was not read. The path is not part of it: callers name the file.
#[derive(Debug)]
pub enum ReadError {
    /// It is not a regular file (after following symbolic links): what it is instead.
    NotRegular(&'static str),
    TooLarge(Limit),
    /// Asked for as text, and not UTF-8.
    NotText,
    Io(std::io::Error),
}

impl ReadError {
    /// Whether the file does not exist (a default path that is optional).
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotRegular(kind) => write!(f, "not a regular file but {kind}"),
            ReadError::TooLarge(limit) => write!(
                f,
                "larger than the {} limit ({})",
                format_size(limit.bytes),
                limit.named
            ),
            ReadError::NotText => write!(f, "not UTF-8 text"),
            ReadError::Io(e) => write!(f, "cannot read: {e}"),
        }
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReadError::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// Reads the regular file at `path` into `buf` (cleared first), at most `limit` bytes.
pub fn read_regular(path: &Path, limit: Limit, buf: &mut Vec<u8>) -> Result<(), ReadError> {
    buf.clear();
    let file = open_regular(path)?;
    // The handle's own metadata: the path may have been replaced since it was listed.
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_of(&meta.file_type())));
    }
    // A size above the limit is believed (the read would stop there anyway); a size below is
    // not: the read itself stops one byte past the limit.
    if meta.len() > limit.bytes {
        return Err(ReadError::TooLarge(limit));
    }
    let expected = usize::try_from(meta.len()).unwrap_or(0);
    buf.reserve(expected.saturating_add(1));
    file.take(limit.bytes.saturating_add(1)).read_to_end(buf)?;
    if buf.len() as u64 > limit.bytes {
        buf.clear();
        return Err(ReadError::TooLarge(limit));
    }
    Ok(())
}

/// [`read_regular`] for a UTF-8 text file.
pub fn read_text(path: &Path, limit: Limit) -> Result<String, ReadError> {
    let mut buf = Vec::new();
    read_regular(path, limit, &mut buf)?;
    String::from_utf8(buf).map_err(|_| ReadError::NotText)
}

/// Opens for reading without blocking: opening a FIFO for reading waits for a writer unless
/// `O_NONBLOCK` is set, and `O_NOCTTY` keeps a terminal device from becoming the process's
/// controlling terminal. What was opened is checked by the caller on the handle.
#[cfg(unix)]
fn open_regular(path: &Path) -> Result<File, ReadError> {
    use std::os::unix::fs::OpenOptionsExt;
    Ok(std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)?)
}

/// Elsewhere the path's type is checked before opening (the handle is checked again after).
#[cfg(not(unix))]
fn open_regular(path: &Path) -> Result<File, ReadError> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_of(&meta.file_type())));
    }
    Ok(File::open(path)?)
}

/// What a file type is, for messages: "a FIFO", "a folder"…
pub fn kind_of(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_char_device() {
            return "a character device";
        }
        if ft.is_block_device() {
            return "a block device";
        }
    }
    if ft.is_dir() {
        "a folder"
    } else if ft.is_symlink() {
        "a symbolic link"
    } else if ft.is_file() {
        "a regular file"
    } else {
        "a special file"
    }
}

/// A byte count as people write it: `1 GiB`, `512 MiB`, `1000 bytes`.
pub fn format_size(bytes: u64) -> String {
    for (shift, unit) in [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")] {
        if bytes >= 1 << shift && bytes.is_multiple_of(1 << shift) {
            return format!("{} {unit}", bytes >> shift);
        }
    }
    if bytes == 1 {
        "1 byte".to_string()
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(s: &str) -> Result<u64, String> {
        s.parse::<ByteSize>().map(|b| b.0)
    }

    #[test]
    fn sizes_with_binary_suffixes() {
        assert_eq!(size("1073741824"), Ok(1 << 30));
        assert_eq!(size("512M"), Ok(512 << 20));
        assert_eq!(size("2g"), Ok(2 << 30));
        assert_eq!(size("1GiB"), Ok(1 << 30));
        assert_eq!(size("4 KiB"), Ok(4096));
        assert_eq!(size("10b"), Ok(10));
        for bad in ["", "0", "M", "1.5G", "-1", "1X", "99999999999T"] {
            assert!(size(bad).is_err(), "{bad}");
        }
    }

    /// clap parses the printed default back.
    #[test]
    fn sizes_print_as_they_parse() {
        for n in [1, 1000, 1536, 4096, 512 << 20, 1 << 30, 3 << 40] {
            assert_eq!(size(&ByteSize(n).to_string()), Ok(n));
        }
    }

    #[test]
    fn sizes_print_in_the_largest_exact_unit() {
        assert_eq!(DEFAULT_MAX_FILE_SIZE.to_string(), "1GiB");
        assert_eq!(format_size(DEFAULT_MAX_FILE_SIZE.0), "1 GiB");
        assert_eq!(format_size(512 << 20), "512 MiB");
        assert_eq!(format_size(1536), "1536 bytes");
        assert_eq!(format_size(4096), "4 KiB");
        assert_eq!(format_size(1), "1 byte");
    }

    #[test]
    fn the_limit_is_enforced_on_the_bytes_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.json");
        std::fs::write(&p, b"0123456789").unwrap();
        let mut buf = Vec::new();
        read_regular(&p, Limit::max_file_size(ByteSize(10)), &mut buf).unwrap();
        assert_eq!(buf, b"0123456789");
        let e = read_regular(&p, Limit::max_file_size(ByteSize(9)), &mut buf).unwrap_err();
        assert_eq!(
            e.to_string(),
            "larger than the 9 bytes limit (--max-file-size)"
        );
        assert!(buf.is_empty());
    }

    /// `/proc` files say they are empty: only the read finds out they are not.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_whose_metadata_says_empty_is_still_limited() {
        let p = Path::new("/proc/self/status");
        assert_eq!(std::fs::metadata(p).unwrap().len(), 0);
        let mut buf = Vec::new();
        let e = read_regular(p, Limit::max_file_size(ByteSize(16)), &mut buf).unwrap_err();
        assert!(matches!(e, ReadError::TooLarge(_)), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_folders_are_not_read() {
        let mut buf = Vec::new();
        let e = read_regular(
            Path::new("/dev/zero"),
            Limit::max_file_size(ByteSize(16)),
            &mut buf,
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "not a regular file but a character device");
        let dir = tempfile::tempdir().unwrap();
        let e = read_regular(dir.path(), Limit::max_file_size(ByteSize(16)), &mut buf).unwrap_err();
        assert_eq!(e.to_string(), "not a regular file but a folder");
    }
}
