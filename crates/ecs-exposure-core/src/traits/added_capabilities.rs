//! `added-capabilities`: a container adds Linux capabilities (`linuxParameters.capabilities.add`).

use super::util::{DOC_TASK_DEFINITION_PARAMS, rollout_steps};
use super::*;
use crate::model::text::ticked;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::AddedCapabilities,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service uses a task definition that adds Linux capabilities",
    phrase: "adds Linux capabilities",
    doc: include_str!("added_capabilities.md"),
    reads: &[Read::fields(Kind::EcsTaskDefinition, &["containerDefinitions[].linuxParameters.capabilities"])],
    likelihood: LikelihoodRole::Context,
    impact: &[],
    check,
    remediation,
    change,
};

/// Capabilities that come close to root on the host or open a known escape route (the doc
/// says why for each), in the normalised form without `CAP_`.
#[rustfmt::skip]
const DANGEROUS: &[&str] = &[
    "ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_PTRACE", "SYS_RAWIO", "DAC_READ_SEARCH", "NET_ADMIN",
    "BPF", "PERFMON", "SYS_BOOT", "SYS_TIME", "MAC_ADMIN", "MAC_OVERRIDE",
];

/// `CAP_SYS_ADMIN`, `sys_admin` and `SYS_ADMIN` all name the same capability.
fn normalise(cap: &str) -> String {
    let upper = cap.trim().to_ascii_uppercase();
    upper.strip_prefix("CAP_").unwrap_or(&upper).to_string()
}

fn check(ctx: &ServiceContext<'_>, out: &mut Outcome) {
    let Some(td) = ctx.require_task_definition(out) else {
        return;
    };
    for (i, c) in td.container_definitions.iter().enumerate() {
        let added = c
            .linux_parameters
            .as_ref()
            .and_then(|l| l.capabilities.as_ref());
        let names: Vec<String> = added
            .into_iter()
            .flat_map(|caps| &caps.add)
            .map(|a| normalise(a))
            .collect();
        if names.is_empty() {
            continue;
        }
        let dangerous: Vec<&str> = names
            .iter()
            .map(String::as_str)
            .filter(|n| DANGEROUS.contains(n))
            .collect();
        let listed: Vec<String> = names
            .iter()
            .map(|n| match dangerous.contains(&n.as_str()) {
                true => format!("`{n}` (dangerous)"),
                false => format!("`{n}`"),
            })
            .collect();
        let noun = if names.len() == 1 {
            "capability"
        } else {
            "capabilities"
        };
        out.fire(
            Evidence::new(
                &td.task_definition_arn,
                format!(
                    "container `{}` adds Linux {noun} {}",
                    c.name(),
                    listed.join(", ")
                ),
            )
            .container(c.name())
            .field(format!(
                "containerDefinitions[{i}].linuxParameters.capabilities.add"
            ))
            .detail("dangerous", dangerous)
            .with(keys::CAPABILITIES, names),
        );
    }
}

fn remediation(ctx: &ServiceContext<'_>, evidence: &[Evidence]) -> Remediation {
    let per_container: Vec<String> = evidence
        .iter()
        .map(|e| {
            let caps = e.get(keys::CAPABILITIES).into_iter().flatten();
            let (dangerous, others): (Vec<&str>, Vec<&str>) =
                caps.partition(|c| DANGEROUS.contains(c));
            let mut todo = Vec::new();
            if !dangerous.is_empty() {
                todo.push(format!("remove {}", ticked(&dangerous)));
            }
            if !others.is_empty() {
                todo.push(format!(
                    "keep {} only if the process needs it",
                    ticked(&others)
                ));
            }
            format!(
                "for container `{}` {}",
                e.container.as_deref().unwrap_or("?"),
                todo.join(" and ")
            )
        })
        .collect();
    let mut steps = vec![
        format!("In a new revision of the task definition, {}.", per_container.join("; ")),
        "Grant only the narrowest capability the workload needs (for example `NET_BIND_SERVICE` to listen below port 1024; never `SYS_ADMIN` or `ALL`), and consider `\"drop\": [\"ALL\"]` so the container starts without any.".to_string(),
    ];
    steps.extend(rollout_steps(ctx));
    Remediation {
        summary: "Remove the Linux capabilities the containers add.".into(),
        steps,
        references: vec![
            DOC_TASK_DEFINITION_PARAMS.to_string(),
            "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_KernelCapabilities.html"
                .to_string(),
        ],
    }
}

fn change(p: &Proposal<'_>) -> Option<Change> {
    Some(Change::DropAddedCapabilities {
        task_definition: p.hit.first_resource()?.to_string(),
        containers: hit_containers(p.hit),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        super::super::testing::run_fixture(
            &super::TRAIT,
            include_str!("fixtures/added_capabilities.json"),
        );
    }

    #[test]
    fn both_spellings() {
        assert_eq!(super::normalise("CAP_SYS_ADMIN"), "SYS_ADMIN");
        assert_eq!(super::normalise(" sys_ptrace "), "SYS_PTRACE");
        assert_eq!(super::normalise("NET_BIND_SERVICE"), "NET_BIND_SERVICE");
    }
}
