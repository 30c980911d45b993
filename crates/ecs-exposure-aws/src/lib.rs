//! Live, read-only collection of what ecs-exposure needs from an AWS account, through the
//! official AWS SDK for Rust.
//!
//! The result is a set of documents in exactly the JSON shape the AWS CLI prints for the same
//! calls, plus a collection report (calls made, calls that failed). `ecs-exposure collect`
//! writes them as a snapshot folder; `ecs-exposure scan --live` hands them straight to the
//! core's loader, so both paths analyse identical input.
//!
//! Only Describe*/List*/Get* calls are made (see docs/permissions.md). Throttling and server
//! errors are retried by the SDK (adaptive mode); any other failure is recorded and the
//! collection goes on: a denied call becomes a named gap in the report, never an abort.

mod account;
mod config;
pub mod convert;
mod region;
mod session;

pub use config::Options;
pub use session::{CallFailure, Progress};

use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// One file of a snapshot: a path relative to the snapshot folder and its JSON.
#[derive(Debug, Clone)]
pub struct SnapshotFile {
    pub path: String,
    pub json: Value,
}

/// What a collection produced.
#[derive(Debug)]
pub struct Collection {
    pub files: Vec<SnapshotFile>,
    pub failures: Vec<CallFailure>,
    pub api_calls: u64,
    pub accounts: Vec<String>,
    pub regions: Vec<String>,
    pub elapsed: Duration,
}

impl Collection {
    /// The report the core loads as a document of its own (key `ecsExposureCollection`), so
    /// that failed calls become named gaps in every output format.
    pub fn report_document(&self) -> Value {
        json!({"ecsExposureCollection": {
            "accounts": self.accounts,
            "regions": self.regions,
            "apiCalls": self.api_calls,
            "elapsedMs": self.elapsed.as_millis() as u64,
            "failures": self.failures,
        }})
    }
}

/// Collects from every account (the caller's, or each `--role-arn`) and region.
pub async fn collect(opts: &Options, progress: Progress) -> Result<Collection, String> {
    let started = Instant::now();
    let base = config::load(opts).await;
    let session = session::Session::new(opts.concurrency, progress);
    let mut files = Vec::new();
    let mut accounts = Vec::new();
    let mut all_regions = Vec::new();
    let targets: Vec<Option<String>> = if opts.role_arns.is_empty() {
        vec![None]
    } else {
        opts.role_arns.iter().cloned().map(Some).collect()
    };
    for role in targets {
        let cfg = match &role {
            Some(arn) => config::assume(&base, arn).await,
            None => base.clone(),
        };
        let Some(account) = account::identify(&session, &cfg, role.as_deref()).await else {
            continue;
        };
        let regions = config::regions(opts, &cfg, &session, &account).await?;
        let (mut f, roles) = region::collect_all(&session, &cfg, &account, &regions, opts).await;
        files.append(&mut f);
        files.extend(account::iam(&session, &cfg, &account, roles).await);
        for r in regions {
            if !all_regions.contains(&r) {
                all_regions.push(r);
            }
        }
        accounts.push(account);
    }
    if accounts.is_empty() {
        let failures = session.failures();
        let why = failures
            .iter()
            .map(|f| format!("{} ({}): {}", f.operation, f.code, f.message))
            .collect::<Vec<_>>()
            .join("; ");
        return Err(format!("could not identify any account: {why}"));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Collection {
        files,
        failures: session.failures(),
        api_calls: session.calls(),
        accounts,
        regions: all_regions,
        elapsed: started.elapsed(),
    })
}
