//! One run of the CLI: load, analyse, report, exit code.

use crate::args::{AwsArgs, Cli, CollectArgs, ColorChoice, Command, Format, ReadArgs, ScanArgs};
use crate::read::Limit;
use crate::{inputs, walk, write};
use ecs_exposure_core::engine::{Options, analyze_with};
use ecs_exposure_core::load::Diagnostic;
use ecs_exposure_core::plan;
use ecs_exposure_core::report::{self, ReportOptions, ScanTime};
use ecs_exposure_core::suppress;
use ecs_exposure_core::traits;
use std::io::Write;

pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

pub fn run(cli: Cli) -> Result<u8, String> {
    match cli.command {
        Command::Scan(args) => scan(args),
        Command::Collect(args) => collect(args),
        Command::Plan(args) => crate::plan_cmd::plan(args),
        Command::Fix(args) => crate::plan_cmd::fix(args),
        Command::Explain { trait_id } => {
            let def = traits::by_id(&trait_id).ok_or_else(|| {
                format!(
                    "unknown trait `{trait_id}` (known: {})",
                    traits::ALL
                        .iter()
                        .map(|t| t.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
            print!("{}", def.doc);
            Ok(EXIT_OK)
        }
        Command::Traits => {
            for t in traits::ALL {
                println!(
                    "{:<28} {:<17} {}",
                    t.id.as_str(),
                    t.category.as_str(),
                    t.title
                );
            }
            Ok(EXIT_OK)
        }
    }
}

/// Loaded input and, for `plan`, the documents it came from (files are re-read on demand).
pub(crate) enum Source {
    Files(Vec<std::path::PathBuf>),
    #[cfg_attr(not(feature = "live"), allow(dead_code))]
    Memory(Vec<(String, Vec<u8>)>),
}

/// Loaded input: the inventory, the warnings for the report (files skipped or not loaded),
/// where it came from, and how many files found in folders could not be loaded (the scan is
/// then incomplete: an error exit once the report is written).
pub(crate) struct LoadedInput {
    pub inventory: ecs_exposure_core::model::Inventory,
    pub warnings: Vec<Diagnostic>,
    pub source: Source,
    pub not_loaded: usize,
    /// CloudFormation nested stacks not followed: `--strict` fails on them.
    pub not_followed: usize,
}

/// Says on stderr that the scan is incomplete, when files could not be loaded; whether so.
pub(crate) fn incomplete(not_loaded: usize) -> bool {
    if not_loaded > 0 {
        crate::stderr::say(
            "error",
            &format!(
                "{not_loaded} file(s) found in the given folders could not be loaded (named above and in the report's warnings); the scan is incomplete"
            ),
        );
    }
    not_loaded > 0
}

/// Loads files or a live collection, printing errors; `None` means exit with an error.
/// `output`, the file the command will write, is refused if it is one of the inputs. A file
/// found by walking a folder that cannot be loaded is printed as an error, is one of the
/// report's warnings, and counted in [`LoadedInput::not_loaded`]; one named on the command
/// line stops the run.
pub(crate) fn load_input(
    paths: &[std::path::PathBuf],
    live: bool,
    aws: &AwsArgs,
    read: &ReadArgs,
    output: Option<&std::path::Path>,
) -> Result<Option<LoadedInput>, String> {
    if let (Some(out), Some(list)) = (output, &aws.role_arns_file) {
        write::refuse_input(out, [list.as_path()])?;
    }
    let (loaded, source, mut skipped) = if live {
        let collection = live_collect(aws)?;
        let docs = collection_documents(&collection);
        (
            inputs::load_documents(&docs),
            Source::Memory(docs),
            Vec::new(),
        )
    } else {
        let listing = walk::collect_files(paths)?;
        if let Some(out) = output {
            write::refuse_input(out, listing.files.iter().map(|f| f.as_path()))?;
        }
        if listing.files.is_empty() {
            for w in &listing.warnings {
                crate::stderr::say("warning", &w.to_string());
            }
            return Err(
                "no *.json, *.yaml, *.yml or *.template files found in the given paths".to_string(),
            );
        }
        let limit = Limit::max_file_size(read.max_file_size);
        (
            inputs::load(&listing.files, &listing.named, paths, limit),
            Source::Files(listing.files),
            listing.warnings,
        )
    };
    match loaded {
        Ok(input) => {
            // What the walk skipped first, then what the loader did not recognise, then the
            // files that could not be loaded: all are warnings of the report.
            skipped.extend(input.warnings);
            for d in &input.not_loaded {
                crate::stderr::say("error", &d.to_string());
            }
            let not_loaded = input.not_loaded.len();
            let not_followed = input.not_followed;
            skipped.extend(input.not_loaded);
            Ok(Some(LoadedInput {
                inventory: input.inventory,
                warnings: skipped,
                source,
                not_loaded,
                not_followed,
            }))
        }
        Err(errors) => {
            for w in &skipped {
                crate::stderr::say("warning", &w.to_string());
            }
            for e in &errors {
                crate::stderr::say("error", &e.to_string());
            }
            Ok(None)
        }
    }
}

/// The suppressions file `scan` reads when `--config` is not given, if it exists.
const DEFAULT_CONFIG: &str = ".ecs-exposure.toml";

fn scan(args: ScanArgs) -> Result<u8, String> {
    let mut timer = Timer::from_env();
    let config = args
        .config
        .clone()
        .unwrap_or_else(|| std::path::PathBuf::from(DEFAULT_CONFIG));
    if let Some(out) = &args.output {
        write::refuse_input(out, [config.as_path()])?;
    }
    let Some(input) = load_input(
        &args.paths,
        args.live,
        &args.aws,
        &args.read,
        args.output.as_deref(),
    )?
    else {
        return Ok(EXIT_ERROR);
    };
    let (inventory, warnings, not_loaded, not_followed) = (
        input.inventory,
        input.warnings,
        input.not_loaded,
        input.not_followed,
    );
    // The files not loaded (the last warnings) were printed as errors already.
    for w in &warnings[..warnings.len() - not_loaded] {
        crate::stderr::say("warning", &w.to_string());
    }
    timer.lap("load");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut suppressions = crate::config::load(&config, args.config.is_some())?;
    crate::config::check_inline(&inventory.suppressions)?;
    suppressions.extend(inventory.suppressions.iter().cloned());
    let mut analysis = analyze_with(
        &inventory,
        &Options {
            threads,
            task_definitions: args.aws.task_definition_scope(),
        },
    );
    let time = scan_time();
    let mut warnings = warnings;
    for notice in suppress::apply(&mut analysis, &suppressions, &time.rfc3339[..10]) {
        crate::stderr::say("warning", &notice);
        warnings.push(Diagnostic {
            file: "suppressions".to_string(),
            path: None,
            line: None,
            column: None,
            message: notice,
        });
    }
    // An input in which nothing could be judged must not read as a clean bill of health.
    let nothing_judged = analysis.services_scanned == 0 && analysis.task_definitions_scanned == 0;
    if nothing_judged {
        let notice = "the input holds no ECS service and no task definition: nothing was judged";
        crate::stderr::say("warning", notice);
        warnings.push(Diagnostic {
            file: "input".to_string(),
            path: None,
            line: None,
            column: None,
            message: notice.to_string(),
        });
    }
    timer.lap("analyze");
    if args.what_if {
        let plan = plan::plan(&inventory, &analysis, args.min_severity);
        plan::annotate(&mut analysis, &plan);
        timer.lap("what-if");
    }
    let opts = ReportOptions {
        min_severity: args.min_severity,
        warnings,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        time,
        threads,
    };
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        // Standard output on a terminal, unless NO_COLOR (or CLICOLOR=0, TERM=dumb) says no;
        // CLICOLOR_FORCE asks for colour in a pipe too. A report file never gets colour.
        ColorChoice::Auto => {
            args.output.is_none()
                && anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
        }
    };
    write_report(&args, &analysis, &opts, color)?;
    timer.lap("report");
    if incomplete(not_loaded) {
        return Ok(EXIT_ERROR);
    }
    if args.strict
        && (nothing_judged
            || !analysis.not_evaluated.is_empty()
            || !analysis.collection_failures.is_empty()
            || not_followed > 0)
    {
        crate::stderr::say(
            "error",
            &format!(
                "--strict: {} check(s) could not be made, {} API call(s) failed and {} nested stack(s) were not followed (see not_evaluated, collection_failures and warnings)",
                analysis.not_evaluated.len(),
                analysis.collection_failures.len(),
                not_followed
            ),
        );
        return Ok(EXIT_ERROR);
    }
    let failing = analysis.findings.iter().any(|f| f.severity >= args.fail_on);
    // The process ends right after this: freeing a large account's inventory and analysis
    // piece by piece would take a tenth of the run for nothing.
    std::mem::forget(analysis);
    std::mem::forget(inventory);
    Ok(if failing { EXIT_FINDINGS } else { EXIT_OK })
}

/// Writes the report to `--output` or stdout, streaming the large formats.
fn write_report(
    args: &ScanArgs,
    analysis: &ecs_exposure_core::engine::Analysis,
    opts: &ReportOptions,
    color: bool,
) -> Result<(), String> {
    let render = |mut w: &mut dyn Write| match args.format {
        Format::Json => report::json::write(analysis, opts, &mut w),
        Format::Ocsf => report::ocsf::write(analysis, opts, &mut w),
        Format::Sarif => report::sarif::write(analysis, opts, &mut w),
        Format::Text => w.write_all(report::text::render(analysis, opts, color).as_bytes()),
    };
    if let Some(path) = &args.output {
        return write::write_with(path, render);
    }
    let mut out = std::io::stdout().lock();
    let mut w = std::io::BufWriter::with_capacity(1 << 20, &mut out);
    match render(&mut w).and_then(|_| w.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`| head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write standard output: {e}")),
    }
}

fn collect(args: CollectArgs) -> Result<u8, String> {
    let collection = live_collect(&args.aws)?;
    write_collection(&collection, &args.out)?;
    crate::stderr::line(&format!("snapshot written to {}", args.out.display()));
    Ok(if args.strict && has_failures(&collection) {
        EXIT_ERROR
    } else {
        EXIT_OK
    })
}

#[cfg(feature = "live")]
type Collection = ecs_exposure_aws::Collection;
#[cfg(not(feature = "live"))]
type Collection = std::convert::Infallible;

#[cfg(feature = "live")]
fn live_collect(aws: &AwsArgs) -> Result<Collection, String> {
    crate::live::collect(aws)
}
#[cfg(feature = "live")]
fn collection_documents(c: &Collection) -> Vec<(String, Vec<u8>)> {
    crate::live::documents(c)
}
#[cfg(feature = "live")]
fn write_collection(c: &Collection, out: &std::path::Path) -> Result<(), String> {
    crate::live::write(c, out)
}
#[cfg(feature = "live")]
fn has_failures(c: &Collection) -> bool {
    !c.failures.is_empty()
}

#[cfg(not(feature = "live"))]
fn live_collect(_: &AwsArgs) -> Result<Collection, String> {
    Err("this build has no live collection (built without the `live` feature)".to_string())
}
#[cfg(not(feature = "live"))]
fn collection_documents(c: &Collection) -> Vec<(String, Vec<u8>)> {
    match *c {}
}
#[cfg(not(feature = "live"))]
fn write_collection(c: &Collection, _: &std::path::Path) -> Result<(), String> {
    match *c {}
}
#[cfg(not(feature = "live"))]
fn has_failures(c: &Collection) -> bool {
    match *c {}
}

/// Phase timings on stderr when `ECS_EXPOSURE_TIMINGS` is set, for benchmarking.
struct Timer(Option<std::time::Instant>);

impl Timer {
    fn from_env() -> Self {
        Timer(
            std::env::var_os("ECS_EXPOSURE_TIMINGS")
                .is_some()
                .then(std::time::Instant::now),
        )
    }

    fn lap(&mut self, phase: &str) {
        if let Some(start) = self.0 {
            // Resident memory after the phase (Linux only), to see which phase holds what.
            let rss = std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|s| {
                    s.lines()
                        .find(|l| l.starts_with("VmRSS:"))
                        .map(|l| l.trim_start_matches("VmRSS:").trim().to_string())
                })
                .unwrap_or_default();
            eprintln!(
                "ecs-exposure: timing: {phase} {:.3} s, rss {rss}",
                start.elapsed().as_secs_f64()
            );
            self.0 = Some(std::time::Instant::now());
        }
    }
}

/// Now, or `SOURCE_DATE_EPOCH` (seconds) when set, so that reports can be reproduced. A value
/// that is not a number, or whose date RFC 3339 cannot write (before year 0, after 9999), is
/// ignored.
pub(crate) fn scan_time() -> ScanTime {
    let given = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| Some((secs, rfc3339(secs)?)));
    // A clock past year 9999 reads as the epoch: the date is never left empty (its first ten
    // characters are today's date for suppressions).
    let (secs, text) = given
        .or_else(|| {
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            Some((now, rfc3339(now)?))
        })
        .unwrap_or_else(|| (0, "1970-01-01T00:00:00Z".to_string()));
    ScanTime {
        rfc3339: text,
        epoch_ms: secs * 1000,
    }
}

/// Epoch seconds as UTC RFC 3339 (`2026-11-30T00:53:20Z`), when the year is 0 to 9999.
fn rfc3339(secs: i64) -> Option<String> {
    let at = time::OffsetDateTime::from_unix_timestamp(secs).ok()?;
    at.format(&time::format_description::well_known::Rfc3339)
        .ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_known_dates() {
        let f = |secs| super::rfc3339(secs).unwrap_or_default();
        assert_eq!(f(0), "1970-01-01T00:00:00Z");
        assert_eq!(f(1_796_000_000), "2026-11-30T00:53:20Z");
        assert_eq!(f(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(f(-86_400), "1969-12-31T00:00:00Z");
        assert_eq!(f(253_402_300_799), "9999-12-31T23:59:59Z");
        // Beyond what RFC 3339 writes: no date, rather than a made-up one.
        assert_eq!(super::rfc3339(253_402_300_800), None);
        assert_eq!(super::rfc3339(i64::MAX), None);
    }
}
