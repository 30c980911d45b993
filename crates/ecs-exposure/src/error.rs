//! Why a command stopped. `main` prints it as `error: …` and exits with
//! [`Exit::Error`](crate::exit::Exit::Error).

use crate::read::ReadError;
use crate::write::WriteError;
use ecs_exposure_core::fix::source::EditError;
use ecs_exposure_core::pipeline::PipelineError;
use ecs_exposure_core::suppress::ConfigError;

#[derive(Debug)]
pub enum Error {
    /// Worded where it happened: the file or argument, and what is wrong with it.
    Message(String),
    /// A suppressions file that cannot be used.
    Config(ConfigError),
    /// The core pipeline could not run (an inline suppression that cannot be used).
    Pipeline(PipelineError),
    /// A template edit that cannot be made.
    Edit(EditError),
    /// A file that cannot be read (the suppressions file, `fix`'s file).
    Read {
        path: std::path::PathBuf,
        source: ReadError,
    },
    /// A file not written (or an output refused).
    Write(WriteError),
    /// Standard output could not be written (other than a closed pipe, which is no error).
    Stdout(std::io::Error),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Message(m) => f.write_str(m),
            Error::Config(e) => e.fmt(f),
            Error::Pipeline(e) => e.fmt(f),
            Error::Edit(e) => e.fmt(f),
            Error::Read { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Write(e) => e.fmt(f),
            Error::Stdout(e) => write!(f, "cannot write standard output: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // The loader's diagnostic is no `std::error::Error` (yet).
            Error::Message(_) | Error::Config(_) => None,
            Error::Read { source, .. } => Some(source),
            Error::Pipeline(e) => Some(e),
            Error::Edit(e) => Some(e),
            Error::Write(e) => Some(e),
            Error::Stdout(e) => Some(e),
        }
    }
}

// The file-level helpers (walk, read, write, live) word their errors with the file name.
impl From<String> for Error {
    fn from(m: String) -> Error {
        Error::Message(m)
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Error {
        Error::Config(e)
    }
}

impl From<PipelineError> for Error {
    fn from(e: PipelineError) -> Error {
        Error::Pipeline(e)
    }
}

impl From<EditError> for Error {
    fn from(e: EditError) -> Error {
        Error::Edit(e)
    }
}

impl From<WriteError> for Error {
    fn from(e: WriteError) -> Error {
        Error::Write(e)
    }
}
