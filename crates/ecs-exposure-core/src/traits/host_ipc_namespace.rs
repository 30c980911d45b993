//! `host-ipc-namespace`: the task definition sets `ipcMode: host`.

use super::util::{DOC_TASK_DEFINITION_PARAMS, rollout_steps};
use super::*;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::HostIpcNamespace,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service uses a task definition configured to share a host's IPC namespace",
    phrase: "shares the host's IPC namespace",
    doc: include_str!("host_ipc_namespace.md"),
    reads: &[Read::fields(Kind::EcsTaskDefinition, &["ipcMode", "runtimePlatform.operatingSystemFamily"])],
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
    // ECS does not support `ipcMode` for Windows containers: it has no effect there.
    if td.is_windows() {
        return;
    }
    // `task` shares IPC only between the task's own containers, `none` gives each container a
    // private one, unset leaves it to the Docker daemon (private by default). Only `host`
    // reaches outside the task.
    if td
        .ipc_mode
        .as_deref()
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("host"))
    {
        let containers: Vec<&str> = td.container_definitions.iter().map(|c| c.name()).collect();
        out.fire(
            Evidence::new(
                &td.task_definition_arn,
                format!(
                    "task definition `{}` sets `ipcMode: host`: its containers ({}) share the container instance's IPC namespace, so they can read and write the shared memory, semaphores and message queues of every process on it that uses them",
                    td.short_name(),
                    crate::model::text::ticked(&containers)
                ),
            )
            .field("ipcMode")
            .detail("containers", containers),
        );
    }
}

fn remediation(ctx: &ServiceContext<'_>, _evidence: &[Evidence]) -> Remediation {
    let name = ctx.task_definition.map_or("<family>", |t| t.short_name());
    let mut steps = vec![
        format!("In a new revision replacing `{name}`, remove `ipcMode` (or set `\"ipcMode\": \"none\"` so that each container has a private IPC namespace)."),
        "If the task's containers must share memory with each other (a sidecar reading a shared-memory ring), use `\"ipcMode\": \"task\"`, which shares IPC within the task only.".to_string(),
    ];
    steps.extend(rollout_steps(ctx));
    Remediation {
        summary: "Stop sharing the host's IPC namespace with the tasks.".into(),
        steps,
        references: vec![DOC_TASK_DEFINITION_PARAMS.to_string()],
    }
}

fn change(p: &Proposal<'_>) -> Option<Change> {
    Some(Change::RemoveIpcModeHost {
        task_definition: p.hit.first_resource()?.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{cfn_service, evidence_of_file, run_fixture, terraform_service};

    #[test]
    fn fixture() {
        run_fixture(&super::TRAIT, include_str!("fixtures/host_ipc_namespace.json"));
    }

    /// CloudFormation (`IpcMode`) and Terraform plans (`ipc_mode`) bring the field through.
    #[test]
    fn templates_and_plans_bring_ipc_mode_through() {
        let cfn = cfn_service(
            "      IpcMode: host\n      ContainerDefinitions:\n        - Name: app\n          Image: app:1\n",
        );
        let tf = terraform_service(serde_json::json!({"family": "t", "ipc_mode": "host",
            "container_definitions": "[{\"name\":\"app\",\"image\":\"app:1\"}]"}));
        for (name, text) in [("t.yaml", cfn), ("plan.json", tf)] {
            let e = evidence_of_file(&super::TRAIT, name, &text);
            assert_eq!(e.len(), 1, "{name}: {e:#?}");
            assert_eq!(e[0].field.as_deref(), Some("ipcMode"));
        }
    }
}
