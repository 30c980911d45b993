//! The remediation of a trait hit, as the trait proposes it (see [`crate::model::change`]).

pub use crate::model::change::*;

use crate::engine::Finding;
use crate::traits::{Proposal, TraitHit};

/// The change that removes a trait hit of a finding, when one can be stated.
pub fn change_for(finding: &Finding, hit: &TraitHit, assigns_public_ip: bool) -> Option<Change> {
    (crate::traits::def(hit.id).change)(&Proposal {
        service: &finding.resource.uid,
        hit,
        assigns_public_ip,
    })
}
