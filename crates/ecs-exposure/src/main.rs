//! `ecs-exposure`: the command-line front end. Parses arguments, reads files, calls the core,
//! writes the report and sets the exit code. All analysis lives in `ecs-exposure-core`.

mod args;
mod config;
mod file_id;
mod inputs;
#[cfg(feature = "live")]
mod live;
mod nested;
mod plan_cmd;
mod read;
mod role_arns;
mod run;
mod stderr;
mod walk;
mod write;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = <args::Cli as clap::Parser>::parse();
    match run::run(args) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            stderr::say("error", &e);
            ExitCode::from(run::EXIT_ERROR)
        }
    }
}
