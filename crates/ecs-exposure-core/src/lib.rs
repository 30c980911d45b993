//! ecs-exposure core: the inventory model, the snapshot loader, the exposure traits, the
//! correlation engine, the remediation planner, the pipeline every command runs them through
//! and the report formats. Pure: no file or network I/O, no async, so it
//! builds in seconds and never waits for the AWS SDK.

pub mod engine;
pub mod fix;
pub mod harness;
pub mod load;
pub mod model;
mod parallel;
pub mod pipeline;
pub mod plan;
pub mod report;
pub mod suppress;
pub mod traits;
