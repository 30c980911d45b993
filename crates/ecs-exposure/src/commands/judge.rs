//! How every command judges an inventory: the same suppressions (`--config FILE`, or
//! `.ecs-exposure.toml` in the current folder if present, plus the inline ones), the same
//! threads, and the core's one pipeline. Once `plan` and `fix` ran without suppressions, so a
//! risk the team had accepted still drove the plan.

use crate::error::Error;
use ecs_exposure_core::engine::{Severity, TaskDefinitionScope};
use ecs_exposure_core::model::{Inventory, Suppression};
use ecs_exposure_core::pipeline::{self, Outcome, Settings};

/// Threads the analysis spreads the services over: the machine's.
pub(crate) fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Runs the pipeline; each expired suppression that would have matched is a warning on
/// stderr (the caller may also list it in its report). `today` is `YYYY-MM-DD`; `plan` asks
/// for the remediations of the findings at or above that severity.
pub(crate) fn run(
    inventory: &Inventory,
    suppressions: &[Suppression],
    task_definitions: TaskDefinitionScope,
    today: &str,
    plan: Option<Severity>,
) -> Result<Outcome, Error> {
    let outcome = pipeline::run(
        inventory,
        &Settings {
            threads: threads(),
            task_definitions,
            suppressions,
            today,
            plan,
        },
    )?;
    for notice in &outcome.notices {
        crate::stderr::say("warning", notice);
    }
    Ok(outcome)
}
