#![no_main]
//! The suppressions file through the core's parser and expiry check (see
//! `ecs_exposure_core::harness::suppressions`).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ecs_exposure_core::harness::suppressions(data));
