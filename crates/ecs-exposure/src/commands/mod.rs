//! One module per command. Each takes its parsed arguments and returns how the process ends
//! ([`Exit`]) or why it stopped ([`Error`]); `main` turns either into the exit code.

mod collect;
mod explain;
mod fix;
mod input;
mod judge;
mod plan;
mod scan;
mod traits;

use crate::args::{Cli, Command};
use crate::error::Error;
use crate::exit::Exit;

pub fn run(cli: Cli) -> Result<Exit, Error> {
    match cli.command {
        Command::Scan(args) => scan::run(args),
        Command::Collect(args) => collect::run(args),
        Command::Plan(args) => plan::run(args),
        Command::Fix(args) => fix::run(args),
        Command::Explain { trait_id } => explain::run(&trait_id),
        Command::Traits => Ok(traits::run()),
    }
}
