//! One pipeline for every command: `scan`, `plan` and `fix`, of files or a live account, in
//! every format, judge an inventory the same way. Inline suppressions (CloudFormation
//! `Metadata`, Terraform tags) are checked like the file's and join them; the analysis runs on
//! the threads given; the suppressions are applied; the plan (for `plan`, `fix` and
//! `scan --what-if`) is made from that analysis, and its what-if drops the same accepted
//! traits from each re-analysed service.
//!
//! Once each command built its own: `plan` and `fix` ran without suppressions, so a risk the
//! team had accepted still drove the plan. The core does no I/O: the caller reads the
//! configuration file and supplies its suppressions and the day.

use crate::engine::{self, Analysis, Severity, TaskDefinitionScope};
use crate::fix;
use crate::model::{Inventory, Suppression};
use crate::plan::{self, Accepted, Plan};
use crate::suppress::{self, ConfigError, Date};

/// How to run the pipeline.
#[derive(Debug, Clone)]
pub struct Settings<'a> {
    /// Threads the analysis spreads the services over (the caller decides).
    pub threads: usize,
    /// Which task definitions no service runs are judged on their own.
    pub task_definitions: TaskDefinitionScope,
    /// The suppressions of the configuration file; the inventory's inline ones are added.
    pub suppressions: &'a [Suppression],
    /// The day suppressions expire against, `YYYY-MM-DD`.
    pub today: &'a str,
    /// Plan the remediations of the findings at or above this severity; `None`: no plan.
    pub plan: Option<Severity>,
}

/// What the pipeline found.
#[derive(Debug)]
pub struct Outcome {
    /// The analysis with the suppressions applied (accepted traits in `suppressed`).
    pub analysis: Analysis,
    /// One per expired suppression that would have matched: it no longer suppresses.
    pub notices: Vec<String>,
    /// The plan, when [`Settings::plan`] asked for one.
    pub plan: Option<Plan>,
}

impl Outcome {
    /// The what-if of `scan --what-if`: empty when no plan was made.
    pub fn what_if(&self) -> plan::WhatIfTable {
        self.plan
            .as_ref()
            .map(plan::WhatIfTable::from_plan)
            .unwrap_or_default()
    }

    /// Whether no service and no task definition was judged: such an input must not read as
    /// a clean bill of health.
    pub fn nothing_judged(&self) -> bool {
        self.analysis.services_scanned == 0 && self.analysis.task_definitions_scanned == 0
    }
}

/// Why the pipeline could not run.
#[derive(Debug)]
pub enum PipelineError {
    /// Inline suppressions whose expiry is not a date (the first, and how many in all).
    InlineSuppressions(Vec<ConfigError>),
}

impl std::fmt::Display for PipelineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PipelineError::InlineSuppressions(errors) => {
                if let Some(first) = errors.first() {
                    write!(f, "{first}")?;
                }
                if errors.len() > 1 {
                    write!(
                        f,
                        " (and {} more suppression(s) with the same problem)",
                        errors.len() - 1
                    )?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for PipelineError {}

/// Runs the pipeline over an inventory.
pub fn run(inv: &Inventory, settings: &Settings<'_>) -> Result<Outcome, PipelineError> {
    // Inline suppressions pass the same expiry check as the file's.
    suppress::check_expiries(&inv.suppressions).map_err(PipelineError::InlineSuppressions)?;
    let mut suppressions = settings.suppressions.to_vec();
    suppressions.extend(inv.suppressions.iter().cloned());
    let mut analysis = engine::analyze_with(
        inv,
        &engine::Options {
            threads: settings.threads,
            task_definitions: settings.task_definitions,
        },
    );
    let notices = suppress::apply(&mut analysis, &suppressions, settings.today);
    let plan = settings.plan.map(|min_severity| {
        let mut plan = plan::plan_with(
            inv,
            &analysis,
            min_severity,
            Accepted {
                suppressions: &suppressions,
                today: Date::parse(settings.today),
            },
        );
        fix::complete(&mut plan, inv);
        plan
    });
    Ok(Outcome {
        analysis,
        notices,
        plan,
    })
}

#[cfg(test)]
mod tests;
