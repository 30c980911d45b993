//! The exit codes, a public contract (README "Exit codes", docs/ci.md): CI jobs branch on
//! them, so the numbers never change.

use std::process::ExitCode;

/// How a command ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: no finding at or above `--fail-on`; for the other commands, done.
    Clean,
    /// 1: findings at or above `--fail-on`.
    Findings,
    /// 2: an error, an incomplete input (a file found in a folder that could not be loaded),
    /// or `--strict` and something could not be evaluated.
    Error,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Clean => 0,
            Exit::Findings => 1,
            Exit::Error => 2,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e.code())
    }
}

#[cfg(test)]
mod tests {
    use super::Exit;

    #[test]
    fn the_documented_numbers() {
        assert_eq!(
            [Exit::Clean, Exit::Findings, Exit::Error].map(Exit::code),
            [0, 1, 2]
        );
    }
}
