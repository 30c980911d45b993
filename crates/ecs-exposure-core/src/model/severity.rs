//! Severity: likelihood × impact, by Security Hub's published matrix.
//! The rules that pick likelihood and impact are documented in `docs/severity.md`.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Informational => "INFORMATIONAL",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }

    /// Parses `low`, `LOW`, `info`, `informational`…
    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "informational" | "info" => Some(Severity::Informational),
            "low" => Some(Severity::Low),
            "medium" => Some(Severity::Medium),
            "high" => Some(Severity::High),
            "critical" => Some(Severity::Critical),
            _ => None,
        }
    }

    /// OCSF `severity_id`.
    pub fn ocsf_id(self) -> u8 {
        match self {
            Severity::Informational => 1,
            Severity::Low => 2,
            Severity::Medium => 3,
            Severity::High => 4,
            Severity::Critical => 5,
        }
    }

    /// OCSF `severity` caption ("Critical").
    pub fn caption(self) -> &'static str {
        match self {
            Severity::Informational => "Informational",
            Severity::Low => "Low",
            Severity::Medium => "Medium",
            Severity::High => "High",
            Severity::Critical => "Critical",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Likelihood {
    Low,
    Moderate,
    High,
    #[serde(rename = "Very High")]
    VeryHigh,
}

impl Likelihood {
    pub fn as_str(self) -> &'static str {
        match self {
            Likelihood::Low => "Low",
            Likelihood::Moderate => "Moderate",
            Likelihood::High => "High",
            Likelihood::VeryHigh => "Very High",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Impact {
    Low,
    Medium,
    High,
}

impl Impact {
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::Low => "Low",
            Impact::Medium => "Medium",
            Impact::High => "High",
        }
    }
}

/// Security Hub's risk matrix: likelihood sets the baseline, high impact raises it one
/// level, low impact lowers it one (never below LOW).
pub fn matrix(likelihood: Likelihood, impact: Impact) -> Severity {
    use Impact as I;
    use Likelihood as L;
    use Severity as S;
    match (likelihood, impact) {
        (L::VeryHigh, I::Low) => S::High,
        (L::VeryHigh, _) => S::Critical,
        (L::High, I::Low) => S::Medium,
        (L::High, I::Medium) => S::High,
        (L::High, I::High) => S::Critical,
        (L::Moderate, I::Low) => S::Low,
        (L::Moderate, I::Medium) => S::Medium,
        (L::Moderate, I::High) => S::High,
        (L::Low, I::High) => S::Medium,
        (L::Low, _) => S::Low,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_matches_security_hub() {
        let rows = [
            (Likelihood::VeryHigh, ["HIGH", "CRITICAL", "CRITICAL"]),
            (Likelihood::High, ["MEDIUM", "HIGH", "CRITICAL"]),
            (Likelihood::Moderate, ["LOW", "MEDIUM", "HIGH"]),
            (Likelihood::Low, ["LOW", "LOW", "MEDIUM"]),
        ];
        for (l, expected) in rows {
            for (i, impact) in [Impact::Low, Impact::Medium, Impact::High]
                .into_iter()
                .enumerate()
            {
                assert_eq!(
                    matrix(l, impact).as_str(),
                    expected[i],
                    "{l:?} × {impact:?}"
                );
            }
        }
    }
}
