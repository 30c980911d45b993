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

/// Now, or `SOURCE_DATE_EPOCH` (seconds) when set, so that reports can be reproduced. A value
/// that is not a number, or whose date RFC 3339 cannot write (before year 0, after 9999), is
/// ignored.
pub(crate) fn scan_time() -> ScanTime {
    let given = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| Some((secs, rfc3339(secs)?)));
    // A clock past year 9999 reads as the epoch: the date is never left empty (its first ten
    // characters are today's date for suppressions).
    let (secs, text) = given
        .or_else(|| {
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            Some((now, rfc3339(now)?))
        })
        .unwrap_or_else(|| (0, "1970-01-01T00:00:00Z".to_string()));
    ScanTime {
        rfc3339: text,
        epoch_ms: secs * 1000,
    }
}

/// Epoch seconds as UTC RFC 3339 (`2026-11-30T00:53:20Z`), when the year is 0 to 9999.
fn rfc3339(secs: i64) -> Option<String> {
    let at = time::OffsetDateTime::from_unix_timestamp(secs).ok()?;
    at.format(&time::format_description::well_known::Rfc3339)
        .ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_known_dates() {
        let f = |secs| super::rfc3339(secs).unwrap_or_default();
        assert_eq!(f(0), "1970-01-01T00:00:00Z");
        assert_eq!(f(1_796_000_000), "2026-11-30T00:53:20Z");
        assert_eq!(f(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(f(-86_400), "1969-12-31T00:00:00Z");
        assert_eq!(f(253_402_300_799), "9999-12-31T23:59:59Z");
        // Beyond what RFC 3339 writes: no date, rather than a made-up one.
        assert_eq!(super::rfc3339(253_402_300_800), None);
        assert_eq!(super::rfc3339(i64::MAX), None);
    }
}
