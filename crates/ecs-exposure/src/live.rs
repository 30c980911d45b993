//! `scan --live` and `collect`: runs the SDK collection on a small Tokio runtime (the rest of
//! the CLI is synchronous) and shows progress on stderr when it is a terminal.

use crate::args::AwsArgs;
use ecs_exposure_aws::{Collection, Options, Progress};
use std::io::{IsTerminal, Write};
use std::sync::Arc;

/// Back to the start of the line and erase it (CR, then EL), for the progress line. Not a
/// style, so not something `anstyle` writes; sent only when standard error is a terminal.
const CLEAR_LINE: &str = "\r\x1b[2K";

/// The collection report's file name inside a snapshot folder.
pub const REPORT_FILE: &str = "collection.json";

pub fn collect(aws: &AwsArgs) -> Result<Collection, String> {
    let mut role_arns = aws.role_arns.clone();
    if let Some(path) = &aws.role_arns_file {
        role_arns.extend(crate::role_arns::read(path)?);
    }
    let opts = Options {
        regions: aws.regions.clone(),
        all_regions: aws.all_regions,
        clusters: aws.clusters.clone(),
        profile: aws.profile.clone(),
        endpoint_url: aws.endpoint_url.clone(),
        role_arns,
        concurrency: usize::from(aws.concurrency),
        all_task_definitions: aws.all_task_definitions,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let tty = std::io::stderr().is_terminal();
    let progress: Progress = Arc::new(move |line: &str| {
        if tty {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "{CLEAR_LINE}{line}");
            let _ = err.flush();
        }
    });
    let result = runtime.block_on(ecs_exposure_aws::collect(&opts, progress));
    if tty {
        eprint!("{CLEAR_LINE}");
    }
    let collection = result?;
    eprintln!("ecs-exposure: {}", summary(&collection));
    Ok(collection)
}

/// The closing line: what was collected, API calls made, time taken, calls that failed.
pub fn summary(c: &Collection) -> String {
    let failed = match c.failures.len() {
        0 => String::new(),
        1 => "; 1 call failed (see collection_failures)".to_string(),
        n => format!("; {n} calls failed (see collection_failures)"),
    };
    format!(
        "collected {} files from {} account(s) in {} region(s) with {} API calls in {:.1} s{failed}",
        c.files.len(),
        c.accounts.len(),
        c.regions.len(),
        c.api_calls,
        c.elapsed.as_secs_f64()
    )
}

/// Every document of a collection, with the report, as (name, bytes) for the loader.
pub fn documents(c: &Collection) -> Vec<(String, Vec<u8>)> {
    let mut docs: Vec<(String, Vec<u8>)> = c
        .files
        .iter()
        .map(|f| (f.path.clone(), pretty(&f.json)))
        .collect();
    docs.push((REPORT_FILE.to_string(), pretty(&c.report_document())));
    docs
}

fn pretty(v: &serde_json::Value) -> Vec<u8> {
    let mut b = serde_json::to_vec_pretty(v).expect("JSON values serialize");
    b.push(b'\n');
    b
}

/// Writes a collection as a snapshot folder.
pub fn write(c: &Collection, out: &std::path::Path) -> Result<(), String> {
    for (name, bytes) in documents(c) {
        let path = out.join(&name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}
