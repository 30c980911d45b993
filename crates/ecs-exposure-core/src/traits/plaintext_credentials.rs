//! `plaintext-credentials`: PLACEHOLDER — detector not written yet.

use super::*;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::PlaintextCredentials,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service uses a task definition configured with cleartext credentials in the environment variables",
    phrase: "has plaintext credentials in environment variables",
    doc: include_str!("plaintext_credentials.md"),
    context_only: false,
    check,
    remediation,
};

fn check(_ctx: &ServiceContext<'_>, _out: &mut Outcome) {}

fn remediation(_ctx: &ServiceContext<'_>, _evidence: &[Evidence]) -> Remediation {
    Remediation {
        summary: String::new(),
        steps: Vec::new(),
        references: Vec::new(),
    }
}
