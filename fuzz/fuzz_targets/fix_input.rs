#![no_main]
//! One input file through `fix` (task definition or template; see
//! `ecs_exposure_core::harness::fix`).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ecs_exposure_core::harness::fix(data));
