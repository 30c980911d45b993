//! The clock of a run: the scan time reports carry (reproducible with `SOURCE_DATE_EPOCH`)
//! and the phase timings printed for benchmarks (`ECS_EXPOSURE_TIMINGS`).

use ecs_exposure_core::report::ScanTime;

/// Phase timings on stderr when `ECS_EXPOSURE_TIMINGS` is set, for benchmarking.
pub(crate) struct Timer(Option<std::time::Instant>);

impl Timer {
    pub(crate) fn from_env() -> Self {
        Timer(
            std::env::var_os("ECS_EXPOSURE_TIMINGS")
                .is_some()
                .then(std::time::Instant::now),
        )
    }

    pub(crate) fn lap(&mut self, phase: &str) {
        if let Some(start) = self.0 {
            // Resident memory after the phase (Linux only), to see which phase holds what.
            let rss = std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|s| {
                    s.lines()
                        .find(|l| l.starts_with("VmRSS:"))
                        .map(|l| l.trim_start_matches("VmRSS:").trim().to_string())
                })
                .unwrap_or_default();
            eprintln!(
                "ecs-exposure: timing: {phase} {:.3} s, rss {rss}",
                start.elapsed().as_secs_f64()
            );
            self.0 = Some(std::time::Instant::now());
        }
    }
}

/// Now, or `SOURCE_DATE_EPOCH` (seconds) when set, so that reports can be reproduced.
pub(crate) fn scan_time() -> ScanTime {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    ScanTime {
        rfc3339: rfc3339(secs),
        epoch_ms: secs * 1000,
    }
}

/// Formats epoch seconds as UTC RFC 3339 (civil-from-days, Howard Hinnant's algorithm).
fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_known_dates() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(1_796_000_000), "2026-11-30T00:53:20Z");
        assert_eq!(super::rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }
}
