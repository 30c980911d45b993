//! What a trait declares about itself, beside its detector: what it reads, how it takes part
//! in a finding's likelihood and impact. The engine derives from these what it used to keep
//! in tables of trait ids (which traits a failed call or an unresolved template value keeps
//! from being judged, which traits judge the service rather than its task definition, the
//! severity rules' roles), so adding a trait edits no file but its own and one registry line.

use super::{Category, Evidence, Facet, Outcome, Remediation, ServiceContext, TraitHit, TraitId};
use crate::model::change::Change;
use crate::model::{Impact, Kind};

/// A trait's definition: metadata, doc, declarations, detector and remediation.
pub struct TraitDef {
    pub id: TraitId,
    pub category: Category,
    /// Security Hub-style title, e.g. "The Amazon ECS service …".
    pub title: &'static str,
    /// A verb phrase for finding titles, e.g. "runs a privileged container".
    pub phrase: &'static str,
    /// Markdown doc: what it detects, why it matters, example, fix.
    pub doc: &'static str,
    /// The inputs (and fields of them) the detector reads.
    pub reads: &'static [Read],
    /// How a hit raises the finding's likelihood (docs/severity.md).
    pub likelihood: LikelihoodRole,
    /// How a hit sets the finding's impact (docs/severity.md); none: it does not.
    pub impact: &'static [ImpactRule],
    pub check: fn(&ServiceContext<'_>, &mut Outcome),
    pub remediation: fn(&ServiceContext<'_>, &[Evidence]) -> Remediation,
    /// The change to the model that removes a hit, when one can be stated: what `plan`
    /// projects, `scan --what-if` reports and `fix` writes.
    pub change: fn(&Proposal<'_>) -> Option<Change>,
}

/// What a trait proposes its change from: one hit of one finding.
pub struct Proposal<'a> {
    /// The finding's resource (`resource.uid`): the service, or the task definition judged on
    /// its own.
    pub service: &'a str,
    pub hit: &'a TraitHit,
    /// The service gives its tasks public IPs (`assignPublicIp: ENABLED`).
    pub assigns_public_ip: bool,
}

/// One kind of input a trait reads, and which fields of it.
#[derive(Debug, Clone, Copy)]
pub struct Read {
    pub kind: Kind,
    /// JSON paths in the AWS API shape of the kind, `[]` standing for any index
    /// (`containerDefinitions[].privileged`); empty: every field.
    pub fields: &'static [&'static str],
}

impl Read {
    pub const fn fields(kind: Kind, fields: &'static [&'static str]) -> Read {
        Read { kind, fields }
    }

    pub const fn all(kind: Kind) -> Read {
        Read { kind, fields: &[] }
    }

    /// Whether this read covers `field` (a concrete path, indices as numbers, or `""` for the
    /// whole resource): one path is the other or a part of it.
    fn covers(&self, field: &str) -> bool {
        if self.fields.is_empty() || field.is_empty() {
            return true;
        }
        let field = without_indices(field);
        self.fields
            .iter()
            .any(|p| within(&field, p) || within(p, &field))
    }
}

/// `containerDefinitions[3].command[0]` → `containerDefinitions[].command[]`.
fn without_indices(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

/// Whether `path` is `prefix` or lies inside it (`a.b[].c` inside `a.b`; not `a.bc`).
fn within(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

/// How a trait takes part in a finding's likelihood. The rules that combine them are the
/// engine's (`engine/correlate.rs`, docs/severity.md); a trait only says which part it plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LikelihoodRole {
    /// Context only: never raises likelihood, never a finding on its own.
    Context,
    /// Low when nothing stronger is present ("it has … but no path from the internet was
    /// found").
    Weak,
    /// Moderate on its own, for the reason given.
    Moderate(&'static str),
    /// A path from the internet (facets `DirectPath`, `LoadBalancerPath`,
    /// `GuardedLoadBalancerPath`); combined with vulnerabilities.
    Reach,
    /// A network-exploitable vulnerability with a known exploit: Moderate without a path,
    /// High or Very High with one.
    ExploitableVulnerability,
    /// A vulnerability: weak on its own; with facet `NetworkVector`, High with a path.
    Vulnerability,
}

/// One way a hit sets the impact: at `impact`, when the hit has `when` (or always), saying
/// `because`. Sentences of one level are joined in `rank` order, lowest first.
#[derive(Debug, Clone, Copy)]
pub struct ImpactRule {
    pub impact: Impact,
    pub when: Option<Facet>,
    pub rank: u8,
    pub because: fn(&TraitHit) -> String,
}

impl TraitDef {
    /// Context traits never make a finding on their own (see docs/severity.md).
    pub fn context_only(&self) -> bool {
        self.likelihood == LikelihoodRole::Context
    }

    /// Whether the trait judges the service itself (its network, its settings), not only the
    /// task definition it runs: a task definition judged on its own, with no service in the
    /// input to run it, lists such a trait as not evaluated.
    pub fn reads_service(&self) -> bool {
        self.reads
            .iter()
            .any(|r| !TASK_DEFINITION_INPUTS.contains(&r.kind))
    }

    /// Whether the trait reads any of these kinds of input. Every trait reads the services
    /// (they are what it judges), so a failure to list them concerns every trait.
    pub fn reads_any(&self, kinds: &[Kind]) -> bool {
        kinds.contains(&Kind::EcsServices) || self.reads.iter().any(|r| kinds.contains(&r.kind))
    }

    /// Whether the trait reads `field` of a resource of kind `kind` (`""`: any field).
    pub fn reads_field(&self, kind: Kind, field: &str) -> bool {
        self.reads.iter().any(|r| r.kind == kind && r.covers(field))
    }
}

/// What a task definition judged alone brings with it: itself, its roles, its images.
const TASK_DEFINITION_INPUTS: &[Kind] = &[
    Kind::EcsTaskDefinition,
    Kind::IamAuthorizationDetails,
    Kind::InspectorFindings,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_covers_its_fields_and_what_lies_inside_them() {
        let r = Read::fields(
            Kind::EcsTaskDefinition,
            &["containerDefinitions[].command", "pidMode"],
        );
        assert!(r.covers("containerDefinitions[2].command[0]"));
        assert!(r.covers("containerDefinitions[2].command"));
        // The whole list, or the whole resource, unresolved.
        assert!(r.covers("containerDefinitions"));
        assert!(r.covers(""));
        assert!(r.covers("pidMode"));
        assert!(!r.covers("containerDefinitions[0].healthCheck.command[1]"));
        assert!(!r.covers("pidModeX"));
        assert!(!r.covers("networkMode"));
        assert!(Read::all(Kind::Ec2RouteTables).covers("Routes[0].GatewayId"));
    }
}
