//! `ecs-exposure scan`: load, judge (the shared pipeline), report, exit code.

use super::input::{incomplete, load_input};
use super::judge;
use crate::args::{ColorChoice, Format, ScanArgs};
use crate::error::Error;
use crate::exit::Exit;
use crate::run::{Timer, scan_time};
use crate::write;
use ecs_exposure_core::load::Diagnostic;
use ecs_exposure_core::report::{self, ReportOptions};
use std::io::Write;

pub fn run(args: ScanArgs) -> Result<Exit, Error> {
    let mut timer = Timer::from_env();
    if let Some(out) = &args.output {
        write::refuse_input(out, [args.config.path().as_path()])?;
    }
    let Some(input) = load_input(&args.input, &args.read, args.output.as_deref())? else {
        return Ok(Exit::Error);
    };
    input.say_warnings();
    let (inventory, mut warnings, not_loaded, not_followed) = (
        input.inventory,
        input.warnings,
        input.not_loaded,
        input.not_followed,
    );
    timer.lap("load");
    let suppressions = args.config.suppressions()?;
    let time = scan_time();
    let outcome = judge::run(
        &inventory,
        &suppressions,
        args.input.aws.task_definition_scope(),
        &time.rfc3339[..10],
        args.what_if.then_some(args.min_severity),
    )?;
    for notice in &outcome.notices {
        warnings.push(Diagnostic {
            file: "suppressions".to_string(),
            path: None,
            line: None,
            column: None,
            message: notice.clone(),
        });
    }
    // An input in which nothing could be judged must not read as a clean bill of health.
    let nothing_judged = outcome.nothing_judged();
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
    timer.lap(if args.what_if {
        "analyze and what-if"
    } else {
        "analyze"
    });
    let opts = ReportOptions {
        min_severity: args.min_severity,
        warnings,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        time,
        threads: judge::threads(),
        what_if: outcome.what_if(),
    };
    let analysis = outcome.analysis;
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
        return Ok(Exit::Error);
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
        return Ok(Exit::Error);
    }
    let failing = analysis.findings.iter().any(|f| f.severity >= args.fail_on);
    // The process ends right after this: freeing a large account's inventory and analysis
    // piece by piece would take a tenth of the run for nothing.
    std::mem::forget(analysis);
    std::mem::forget(inventory);
    Ok(if failing { Exit::Findings } else { Exit::Clean })
}

/// Writes the report to `--output` or stdout, streaming the large formats.
fn write_report(
    args: &ScanArgs,
    analysis: &ecs_exposure_core::engine::Analysis,
    opts: &ReportOptions,
    color: bool,
) -> Result<(), Error> {
    let render = |mut w: &mut dyn Write| match args.format {
        Format::Json => report::json::write(analysis, opts, &mut w),
        Format::Ocsf => report::ocsf::write(analysis, opts, &mut w),
        Format::Sarif => report::sarif::write(analysis, opts, &mut w),
        Format::Text => w.write_all(report::text::render(analysis, opts, color).as_bytes()),
    };
    if let Some(path) = &args.output {
        return Ok(write::write_with(path, render)?);
    }
    let mut out = std::io::stdout().lock();
    let mut w = std::io::BufWriter::with_capacity(1 << 20, &mut out);
    match render(&mut w).and_then(|_| w.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`| head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Stdout(e)),
    }
}
