//! Shared state of one collection: the call counter, bounded concurrency, recorded
//! failures and progress reporting.

use aws_sdk_ecs::error::{ProvideErrorMetadata, SdkError};
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

/// A call that failed after the SDK's retries, and what it was for.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CallFailure {
    pub account: String,
    pub region: String,
    /// IAM action form, e.g. `ec2:DescribeSecurityGroups`.
    pub operation: String,
    /// What the call was about (a cluster, an ARN), when it was about one thing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// AWS error code (`AccessDeniedException`, `ThrottlingException`…) or the SDK's kind of
    /// failure (`DispatchFailure`, `TimeoutError`).
    pub code: String,
    pub message: String,
}

/// Receives one line per step of a long collection (region and resource kind).
pub type Progress = Arc<dyn Fn(&str) + Send + Sync>;

#[derive(Clone)]
pub struct Session {
    calls: Arc<AtomicU64>,
    failures: Arc<Mutex<Vec<CallFailure>>>,
    limit: Arc<Semaphore>,
    progress: Progress,
}

impl Session {
    pub fn new(concurrency: usize, progress: Progress) -> Self {
        Session {
            calls: Arc::new(AtomicU64::new(0)),
            failures: Arc::new(Mutex::new(Vec::new())),
            limit: Arc::new(Semaphore::new(concurrency.max(1))),
            progress,
        }
    }

    pub fn progress(&self, line: &str) {
        (self.progress)(line)
    }

    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    pub fn failures(&self) -> Vec<CallFailure> {
        let mut v = self.failures.lock().expect("not poisoned").clone();
        v.sort_by(|a, b| {
            (&a.account, &a.region, &a.operation, &a.target).cmp(&(
                &b.account,
                &b.region,
                &b.operation,
                &b.target,
            ))
        });
        v
    }

    /// Runs one API call within the concurrency limit, counts it, and records a failure
    /// (returning `None`) instead of propagating it.
    pub async fn call<T, E, R>(
        &self,
        account: &str,
        region: &str,
        operation: &str,
        target: Option<&str>,
        fut: impl Future<Output = Result<T, SdkError<E, R>>>,
    ) -> Option<T>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        let _permit = self.limit.acquire().await.expect("semaphore never closed");
        self.calls.fetch_add(1, Ordering::Relaxed);
        match fut.await {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(account, region, operation, target, &e);
                None
            }
        }
    }

    /// Counts one page of a paginated call (the paginator makes the call itself).
    pub fn count_page(&self) {
        self.calls.fetch_add(1, Ordering::Relaxed);
    }

    pub fn fail<E, R>(
        &self,
        account: &str,
        region: &str,
        operation: &str,
        target: Option<&str>,
        e: &SdkError<E, R>,
    ) where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        let code = e.code().map(str::to_string).unwrap_or_else(|| {
            match e {
                SdkError::ConstructionFailure(_) => "ConstructionFailure",
                SdkError::TimeoutError(_) => "TimeoutError",
                SdkError::DispatchFailure(_) => "DispatchFailure",
                SdkError::ResponseError(_) => "ResponseError",
                SdkError::ServiceError(_) => "ServiceError",
                _ => "Unknown",
            }
            .to_string()
        });
        let message = e.message().map(str::to_string).unwrap_or_else(|| chain(e));
        self.failures
            .lock()
            .expect("not poisoned")
            .push(CallFailure {
                account: account.to_string(),
                region: region.to_string(),
                operation: operation.to_string(),
                target: target.map(str::to_string),
                code,
                message,
            });
    }

    pub async fn permit(&self) -> tokio::sync::SemaphorePermit<'_> {
        self.limit.acquire().await.expect("semaphore never closed")
    }
}

/// An error and its causes as one line of their `Display` forms (the SDK's own context
/// printer adds `Debug` dumps of whole HTTP responses, too much for a report).
fn chain(e: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(c) = cur {
        let s = c.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cur = c.source();
    }
    parts.join(": ")
}
