//! Command-line arguments.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "ecs-exposure",
    version,
    about = "Find exposures in Amazon ECS services and tell people how to close them.",
    after_help = "Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan an account snapshot (AWS CLI JSON files and folders, read recursively).
    Scan(ScanArgs),
    /// Print the documentation of a trait (what it detects, why it matters, example, fix).
    Explain {
        /// A trait id such as `privileged-container`.
        trait_id: String,
    },
    /// List every trait id with its category and title.
    Traits,
}

#[derive(clap::Args, Debug)]
pub struct ScanArgs {
    /// Files and folders holding AWS CLI JSON output; folders are read recursively (*.json).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Leave out findings below this severity.
    #[arg(long, value_parser = parse_severity, default_value = "low")]
    pub min_severity: ecs_exposure_core::engine::Severity,
    /// Exit with 1 when a finding at or above this severity exists.
    #[arg(long, value_parser = parse_severity, default_value = "low")]
    pub fail_on: ecs_exposure_core::engine::Severity,
    /// Colour in text output: auto (only on a terminal, honouring NO_COLOR), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Ocsf,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_severity(s: &str) -> Result<ecs_exposure_core::engine::Severity, String> {
    ecs_exposure_core::engine::Severity::parse(s).ok_or_else(|| {
        format!("unknown severity `{s}` (expected informational, low, medium, high or critical)")
    })
}
