//! `unconfined-security-options`: a container's `dockerSecurityOptions` turn off a
//! confinement Docker applies by default (AppArmor, seccomp, SELinux labels, masked system
//! paths, `no-new-privileges`).

use super::util::{DOC_TASK_DEFINITION_PARAMS, rollout_steps};
use super::*;

/// The option an evidence names, read back by the remediation and the change.
const OPTION: Key<str> = Key::new("option");

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::UnconfinedSecurityOptions,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service uses a task definition whose Docker security options turn off container confinement",
    phrase: "turns off container confinement in its Docker security options",
    doc: include_str!("unconfined_security_options.md"),
    reads: &[Read::fields(Kind::EcsTaskDefinition, &["containerDefinitions[].dockerSecurityOptions"])],
    likelihood: LikelihoodRole::Context,
    impact: &[],
    check,
    remediation,
    change,
};

fn check(ctx: &ServiceContext<'_>, out: &mut Outcome) {
    let Some(td) = ctx.require_task_definition(out) else {
        return;
    };
    for (i, c) in td.container_definitions.iter().enumerate() {
        for (j, option) in c.docker_security_options.iter().enumerate() {
            let Some(what) = unconfines(option) else {
                continue;
            };
            out.fire(
                Evidence::new(
                    &td.task_definition_arn,
                    format!("container `{}` sets security option `{option}`: {what}", c.name()),
                )
                .container(c.name())
                .field(format!("containerDefinitions[{i}].dockerSecurityOptions[{j}]"))
                .with(OPTION, option.as_str()),
            );
        }
    }
}

/// What an option turns off, if it turns off a confinement. Docker takes `key=value` and the
/// older `key:value` (ECS documents the second); both are read, keys and values in any case.
/// A named AppArmor or seccomp profile, a label, `no-new-privileges` (on) and
/// `credentialspec:` confine nothing less and do not fire.
fn unconfines(option: &str) -> Option<&'static str> {
    let option = option.trim();
    let at = option.find([':', '='])?;
    let key = option[..at].trim().to_ascii_lowercase();
    let value = option[at + 1..].trim().to_ascii_lowercase();
    match (key.as_str(), value.as_str()) {
        ("apparmor", "unconfined") => {
            Some("the container runs without an AppArmor profile (Docker's default profile denies mounts, writes to /proc and /sys, and more)")
        }
        ("seccomp", "unconfined") => Some(
            "the container runs without a seccomp filter, so every system call of the host kernel is open to it, within its capabilities (Docker's default filter blocks about 50, such as `mount`, `kexec_load` and `bpf`)",
        ),
        ("label", "disable") => Some("SELinux labelling is off: the container runs unconfined by SELinux"),
        ("label", "type:spc_t" | "type:unconfined_t") => Some(
            "the container runs in an SELinux type that SELinux does not confine",
        ),
        ("systempaths", "unconfined") => Some(
            "`/proc` and `/sys` paths that Docker masks or makes read-only (`/proc/kcore`, `/proc/sysrq-trigger`, `/sys/firmware`…) are exposed",
        ),
        ("no-new-privileges", "false") => Some(
            "processes may gain privileges through setuid and file capabilities (the option's explicit off)",
        ),
        _ => None,
    }
}

fn remediation(ctx: &ServiceContext<'_>, evidence: &[Evidence]) -> Remediation {
    let options: Vec<String> = evidence
        .iter()
        .filter_map(|e| e.get(OPTION))
        .map(|o| format!("`{o}`"))
        .collect();
    let mut steps = vec![
        format!(
            "In a new revision of the task definition, remove {} from `dockerSecurityOptions` of container(s) {}.",
            options.join(", "),
            super::util::containers_named(evidence)
        ),
        "If the default profile blocks a call the application needs, give it a named profile that allows just that (`apparmor:<profile>` loaded on the container instances), and add `no-new-privileges` to keep setuid binaries from raising privileges.".to_string(),
    ];
    steps.extend(rollout_steps(ctx));
    Remediation {
        summary: "Run the containers with Docker's default confinement.".into(),
        steps,
        references: vec![
            DOC_TASK_DEFINITION_PARAMS.to_string(),
            "https://docs.docker.com/engine/security/".to_string(),
        ],
    }
}

fn change(p: &Proposal<'_>) -> Option<Change> {
    let mut options: Vec<String> = p
        .hit
        .evidence
        .iter()
        .filter_map(|e| e.get(OPTION))
        .map(str::to_string)
        .collect();
    options.sort();
    options.dedup();
    Some(Change::RemoveSecurityOptions {
        task_definition: p.hit.first_resource()?.to_string(),
        containers: hit_containers(p.hit),
        options,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{cfn_service, evidence_of_file, run_fixture, terraform_service};
    use super::unconfines;

    #[test]
    fn fixture() {
        run_fixture(
            &super::TRAIT,
            include_str!("fixtures/unconfined_security_options.json"),
        );
    }

    #[test]
    fn both_separators_and_only_unconfining_values() {
        for o in [
            "apparmor:unconfined",
            "apparmor=unconfined",
            "seccomp=unconfined",
            "seccomp:unconfined",
            "label:disable",
            "label=disable",
            "LABEL=type:spc_t",
            "systempaths=unconfined",
            "no-new-privileges:false",
            "no-new-privileges=false",
            " seccomp = unconfined ",
        ] {
            assert!(unconfines(o).is_some(), "{o}");
        }
        for o in [
            "no-new-privileges",
            "no-new-privileges:true",
            "no-new-privileges=true",
            "apparmor:docker-default",
            "apparmor=my-profile",
            "seccomp=/etc/docker/seccomp.json",
            "label:user:USER",
            "label=level:s0:c100,c200",
            "label:type:container_t",
            "credentialspec:arn:aws:s3:::bucket/spec.json",
            "unconfined",
            "",
            "=",
        ] {
            assert!(unconfines(o).is_none(), "{o}");
        }
    }

    /// CloudFormation (`DockerSecurityOptions`) and Terraform plans bring the options through.
    #[test]
    fn templates_and_plans_bring_security_options_through() {
        let cfn = cfn_service(
            "      ContainerDefinitions:\n        - Name: app\n          Image: app:1\n          DockerSecurityOptions: [no-new-privileges, 'apparmor:unconfined']\n",
        );
        let tf = terraform_service(serde_json::json!({"family": "t",
            "container_definitions": "[{\"name\":\"app\",\"image\":\"app:1\",\"dockerSecurityOptions\":[\"no-new-privileges\",\"apparmor:unconfined\"]}]"}));
        for (name, text) in [("t.yaml", cfn), ("plan.json", tf)] {
            let e = evidence_of_file(&super::TRAIT, name, &text);
            assert_eq!(e.len(), 1, "{name}: {e:#?}");
            assert_eq!(
                e[0].field.as_deref(),
                Some("containerDefinitions[0].dockerSecurityOptions[1]")
            );
        }
    }
}
