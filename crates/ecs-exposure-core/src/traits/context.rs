//! What a detector sees (one service and the inventory) and what it reports.

use super::{Evidence, Facet, Gap, TraitId};
use crate::model::{Inventory, Kind, Service, TaskDefinition};
use std::collections::BTreeSet;

/// One service, the task definition revision it runs, and the whole inventory.
pub struct ServiceContext<'a> {
    pub inventory: &'a Inventory,
    pub service: &'a Service,
    /// `None` when the service's task definition is not in the input.
    pub task_definition: Option<&'a TaskDefinition>,
}

impl<'a> ServiceContext<'a> {
    pub fn new(inventory: &'a Inventory, service: &'a Service) -> Self {
        let task_definition = service
            .task_definition
            .as_deref()
            .and_then(|arn| inventory.task_definition(arn));
        ServiceContext {
            inventory,
            service,
            task_definition,
        }
    }

    /// The task definition, or a gap recorded in `out` that says it is missing.
    pub fn require_task_definition(&self, out: &mut Outcome) -> Option<&'a TaskDefinition> {
        if self.task_definition.is_none() {
            let reason = match &self.service.task_definition {
                Some(arn) => format!(
                    "task definition {arn} is not in the input (add `{}` for it)",
                    Kind::EcsTaskDefinition.cli_command()
                ),
                None => super::gap_reasons::no_task_definition(
                    self.inventory,
                    self.service,
                    "what its tasks run cannot be judged",
                ),
            };
            out.gap(reason);
        }
        self.task_definition
    }

    /// Records a gap when a kind of input is absent altogether; returns whether it is present.
    pub fn require_kind(&self, kind: Kind, out: &mut Outcome) -> bool {
        let present = self.inventory.has(kind);
        if !present {
            out.gap(format!(
                "no {} in the input (add the output of `{}`)",
                kind.noun(),
                kind.cli_command()
            ));
        }
        present
    }
}

/// What a detector found for one service.
pub struct Outcome {
    pub(crate) trait_id: TraitId,
    pub(crate) service_arn: String,
    pub(crate) evidence: Vec<Evidence>,
    pub(crate) facets: BTreeSet<Facet>,
    pub(crate) extra_resources: Vec<String>,
    pub(crate) gaps: Vec<Gap>,
}

impl Outcome {
    pub fn new(trait_id: TraitId, service_arn: &str) -> Self {
        Outcome {
            trait_id,
            service_arn: service_arn.to_string(),
            evidence: Vec::new(),
            facets: BTreeSet::new(),
            extra_resources: Vec::new(),
            gaps: Vec::new(),
        }
    }

    /// The trait is present: one piece of evidence.
    pub fn fire(&mut self, evidence: Evidence) {
        self.evidence.push(evidence);
    }

    pub fn facet(&mut self, facet: Facet) {
        self.facets.insert(facet);
    }

    /// A resource the trait comes from that is not already an evidence's resource.
    pub fn resource(&mut self, id: impl Into<String>) {
        self.extra_resources.push(id.into());
    }

    /// This check (or part of it) could not be made for this service.
    pub fn gap(&mut self, reason: impl Into<String>) {
        self.gaps.push(Gap {
            trait_id: self.trait_id,
            reason: reason.into(),
            resource: self.service_arn.clone(),
        });
    }

    pub fn fired(&self) -> bool {
        !self.evidence.is_empty()
    }

    pub fn evidence(&self) -> &[Evidence] {
        &self.evidence
    }

    pub fn gaps(&self) -> &[Gap] {
        &self.gaps
    }
}
