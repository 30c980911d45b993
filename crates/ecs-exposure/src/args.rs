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
    /// Save a live account's data as a snapshot folder of AWS CLI JSON, for `scan PATH`.
    Collect(CollectArgs),
    /// Rank the account's remediations by the risk they remove, with the fix for each.
    Plan(PlanArgs),
    /// Rewrite a task definition file (describe-task-definition output or
    /// register-task-definition input) as register-task-definition input with its fixes made.
    Fix(FixArgs),
}

#[derive(clap::Args, Debug)]
// `plan` has always described its paths this way; the shared argument keeps the words.
#[command(mut_arg("paths", |a| a.help(
    "Files and folders holding AWS CLI JSON output; folders are read recursively (*.json)"
)))]
pub struct PlanArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
    /// Write the plan to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Plan only for findings at or above this severity.
    #[arg(long, value_parser = parse_severity, default_value = "low")]
    pub min_severity: ecs_exposure_core::engine::Severity,
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// What a command judges: files and folders, or a live account. Shared by `scan` and `plan`.
#[derive(clap::Args, Debug)]
pub struct InputArgs {
    /// Files and folders holding AWS CLI JSON output or CloudFormation templates; folders are
    /// read recursively (*.json, *.yaml, *.yml, *.template).
    #[arg(required_unless_present = "live", conflicts_with = "live")]
    pub paths: Vec<PathBuf>,
    /// Collect from the AWS account now (read-only calls) instead of reading files.
    #[arg(long)]
    pub live: bool,
    #[command(flatten)]
    pub aws: AwsArgs,
}

/// The suppressions file, shared by every command that judges an inventory (`scan`, `plan`,
/// `fix`): each honours the same suppressions.
#[derive(clap::Args, Debug)]
pub struct ConfigArgs {
    /// Suppressions file; default: `.ecs-exposure.toml` in the current folder, if present.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// How much of an input file is read, shared by the commands that read files.
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct ReadArgs {
    /// Largest input file read, in bytes, or with a binary suffix: 512K, 512M, 2G (a larger
    /// file is an error).
    #[arg(long, value_name = "BYTES", default_value_t = crate::read::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: crate::read::ByteSize,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanFormat {
    Text,
    Json,
    Markdown,
}

#[derive(clap::Args, Debug)]
pub struct FixArgs {
    /// A task definition JSON file: `aws ecs describe-task-definition` output or
    /// `aws ecs register-task-definition --cli-input-json` input.
    pub file: PathBuf,
    /// Print a diff of the change instead of writing it.
    #[arg(long)]
    pub dry_run: bool,
    /// Also apply fixes that may break the workload or hold placeholders (privileged removed,
    /// non-root user, variables moved to secrets…); by default only safe fixes are applied.
    #[arg(long = "unsafe")]
    pub unsafe_fixes: bool,
    /// Write the result here instead of rewriting FILE in place.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(clap::Args, Debug)]
pub struct CollectArgs {
    /// Folder to write the snapshot into (created if needed).
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Exit with 2 when any API call failed.
    #[arg(long)]
    pub strict: bool,
}

/// How to reach AWS for `scan --live` and `collect`, and what to collect. Credentials come the
/// AWS way (environment, profile, SSO, instance or container role).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct AwsArgs {
    /// Region to scan (repeatable); default: the configured region.
    #[arg(long = "region", value_name = "REGION")]
    pub regions: Vec<String>,
    /// Scan every region enabled for the account.
    #[arg(long, conflicts_with = "regions")]
    pub all_regions: bool,
    /// Named profile from the AWS config files.
    #[arg(long)]
    pub profile: Option<String>,
    /// Endpoint for every AWS service (tests, private endpoints); AWS_ENDPOINT_URL works too.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Only this cluster, by name or ARN (repeatable).
    #[arg(long = "cluster", value_name = "CLUSTER")]
    pub clusters: Vec<String>,
    /// Assume this role to scan its account (repeatable; one account each).
    #[arg(long = "role-arn", value_name = "ARN")]
    pub role_arns: Vec<String>,
    /// A file of role ARNs to assume, one per line (`#` starts a comment).
    #[arg(long, value_name = "FILE")]
    pub role_arns_file: Option<PathBuf>,
    /// API calls in flight at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Also judge every ACTIVE task definition revision that no service runs (live: collect
    /// them too). By default only what runs is judged in an account snapshot or a live scan;
    /// task definitions of infrastructure as code, and of an input without services, always are.
    #[arg(long)]
    pub all_task_definitions: bool,
}

impl AwsArgs {
    /// Which task definitions that no service runs are judged on their own.
    pub fn task_definition_scope(&self) -> ecs_exposure_core::engine::TaskDefinitionScope {
        if self.all_task_definitions {
            ecs_exposure_core::engine::TaskDefinitionScope::All
        } else {
            ecs_exposure_core::engine::TaskDefinitionScope::Deployable
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct ScanArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Exit with 2 when any check could not be made (missing data, failed API calls).
    #[arg(long)]
    pub strict: bool,
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
    /// Add to each trait of the JSON and OCSF reports the severity its finding would have if
    /// only that trait's remediation were done (as `ecs-exposure plan` computes it).
    #[arg(long)]
    pub what_if: bool,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Colour in text output: auto (only on a terminal, honouring NO_COLOR), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Ocsf,
    /// SARIF 2.1.0 for code scanning (GitHub, GitLab), with file and line for IaC inputs.
    Sarif,
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
