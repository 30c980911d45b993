//! What-if per trait hit (`scan --what-if`): the finding's severity if only the remediation of
//! that trait were done, as Security Hub's `ListExposuresByRemediationV2` gives it.
//!
//! A table of its own, keyed by finding and trait, rather than a field of the detector's output
//! ([`TraitHit`](crate::traits::TraitHit)): the planner sits above the traits, and a report
//! joins the two when it formats a finding.

use super::{Impact, Plan};
use crate::model::Severity;
use crate::traits::TraitId;
use serde::Serialize;
use std::collections::HashMap;

/// The projected effect of one planned remediation on one finding.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct WhatIf {
    /// The id of the remediation in `ecs-exposure plan`.
    pub remediation_id: String,
    pub projected_severity: Severity,
    pub outcome: Impact,
}

/// What-ifs by finding resource uid, then trait: a report looks each trait of each finding
/// up, and a borrowed uid finds its row without building a key.
#[derive(Debug, Clone, Default)]
pub struct WhatIfTable {
    by_hit: HashMap<String, HashMap<TraitId, WhatIf>>,
}

impl WhatIfTable {
    /// Each remediation's projection, for the hits it was derived from.
    pub fn from_plan(plan: &Plan) -> WhatIfTable {
        let mut by_hit: HashMap<String, HashMap<TraitId, WhatIf>> = HashMap::new();
        for r in &plan.remediations {
            for (service, t) in &r.derived_from {
                if let Some(p) = r.findings.iter().find(|p| &p.resource == service) {
                    by_hit.entry(service.clone()).or_default().insert(
                        *t,
                        WhatIf {
                            remediation_id: r.id.clone(),
                            projected_severity: p.projected_severity,
                            outcome: p.outcome,
                        },
                    );
                }
            }
        }
        WhatIfTable { by_hit }
    }

    /// The what-if of one trait of the finding about `resource` (its `resource.uid`).
    pub fn get(&self, resource: &str, trait_id: TraitId) -> Option<&WhatIf> {
        self.by_hit.get(resource)?.get(&trait_id)
    }

    pub fn is_empty(&self) -> bool {
        self.by_hit.is_empty()
    }
}
