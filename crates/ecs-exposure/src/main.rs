//! `ecs-exposure`: the command-line front end. Parses arguments, reads files, calls the core,
//! writes the report and sets the exit code. All analysis lives in `ecs-exposure-core`.

mod args;
mod commands;
mod config;
mod error;
mod exit;
mod file_id;
mod inputs;
#[cfg(feature = "live")]
mod live;
mod nested;
mod read;
mod role_arns;
mod run;
mod stderr;
mod walk;
mod write;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = <args::Cli as clap::Parser>::parse();
    match commands::run(args) {
        Ok(exit) => exit.into(),
        Err(e) => {
            stderr::say("error", &e.to_string());
            exit::Exit::Error.into()
        }
    }
}
