//! Why a command stopped. `main` prints it as `error: …` and exits with
//! [`Exit::Error`](crate::exit::Exit::Error).

use ecs_exposure_core::pipeline::PipelineError;
use ecs_exposure_core::plan::source::EditError;
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
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Message(m) => f.write_str(m),
            Error::Config(e) => e.fmt(f),
            Error::Pipeline(e) => e.fmt(f),
            Error::Edit(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

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
