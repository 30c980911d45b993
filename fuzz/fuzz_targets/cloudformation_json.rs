#![no_main]
//! One input file through load, analysis, every report and the plan (see
//! `ecs_exposure_core::harness`).

use ecs_exposure_core::harness::{Input, scan_and_plan};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| scan_and_plan(Input::CloudFormationJson, data));
