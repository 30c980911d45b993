//! Messages on standard error. They name files, paths and resources that come from the input
//! (a file called `x\u{1b}[2J.json`, a service name), so every part of every message goes
//! through the core's `terminal_safe` before it reaches the terminal.

use ecs_exposure_core::report::text::terminal_safe;

/// Prints `ecs-exposure: <label>: <message>` on standard error, control characters and bidi
/// overrides in either part shown escaped (`\u{1b}`) rather than obeyed.
pub fn say(label: &str, message: &str) {
    eprintln!(
        "ecs-exposure: {}: {}",
        terminal_safe(label),
        terminal_safe(message)
    );
}

/// Prints `ecs-exposure: <message>` on standard error, escaped as [`say`] does.
pub fn line(message: &str) {
    eprintln!("ecs-exposure: {}", terminal_safe(message));
}
