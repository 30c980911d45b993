//! `host-filesystem-mount`: a container mounts a host directory (`volumes[].host.sourcePath`).

mod sensitive_path;

use super::util::{DOC_SECURITY_HUB_ECS, DOC_TASK_DEFINITION_PARAMS, rollout_steps};
use super::*;
use sensitive_path::{Sensitivity, classify, normalise};

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::HostFilesystemMount,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service uses a task definition that allows containers to access the root file systems",
    phrase: "mounts a host directory",
    doc: include_str!("host_filesystem_mount.md"),
    reads: &[Read::fields(Kind::EcsTaskDefinition, &["volumes", "containerDefinitions[].mountPoints"])],
    likelihood: LikelihoodRole::Weak,
    impact: &[ImpactRule { impact: Impact::High, when: Some(Facet::SensitiveHostPath), rank: 3, because: |_| "a sensitive host path is mounted into a container".into() }, ImpactRule { impact: Impact::Medium, when: None, rank: 3, because: |_| "a host directory is mounted into a container".into() }],
    check,
    remediation,
    change,
};

fn check(ctx: &ServiceContext<'_>, out: &mut Outcome) {
    let Some(td) = ctx.require_task_definition(out) else {
        return;
    };
    for (c, container) in td.container_definitions.iter().enumerate() {
        for (m, mount) in container.mount_points.iter().enumerate() {
            // Only a host volume with a sourcePath binds a host directory; Docker volumes, EFS
            // and task-scoped binds (`host: {}`) do not. A volume no container mounts is inert.
            let Some((v, name, raw)) = td.volumes.iter().enumerate().find_map(|(v, vol)| {
                let name = vol.name.as_deref()?;
                let raw = vol.host.as_ref()?.source_path.as_deref()?;
                (mount.source_volume.as_deref() == Some(name) && !raw.is_empty())
                    .then_some((v, name, raw))
            }) else {
                continue;
            };
            let path = normalise(raw);
            let read_only = mount.read_only == Some(true);
            let sensitivity = classify(&path, read_only);
            let container_path = mount.container_path.as_deref().unwrap_or("?");
            let resolved = if path == raw {
                String::new()
            } else {
                format!(", resolves to `{path}`")
            };
            let mode = if read_only { "read-only" } else { "read-write" };
            let why = match sensitivity {
                Some(s) => format!("; {}", s.why()),
                None if read_only => "; the container can still read the host's files there".into(),
                None => String::new(),
            };
            if sensitivity.is_some() {
                out.facet(Facet::SensitiveHostPath);
            }
            out.fire(
                Evidence::new(
                    &td.task_definition_arn,
                    format!(
                        "container `{}` mounts host path `{raw}` (volume `{name}`, `volumes[{v}].host.sourcePath`{resolved}) at `{container_path}` {mode}{why}",
                        container.name()
                    ),
                )
                .container(container.name())
                .field(format!("containerDefinitions[{c}].mountPoints[{m}]"))
                .with(keys::VOLUME, name)
                .detail("volume_field", format!("volumes[{v}].host.sourcePath"))
                .with(keys::HOST_PATH, path.as_str())
                .detail("container_path", container_path)
                .detail("read_only", read_only)
                .detail("sensitive", sensitivity.is_some()),
            );
        }
    }
}

fn remediation(ctx: &ServiceContext<'_>, evidence: &[Evidence]) -> Remediation {
    let container = |e: &Evidence| format!("`{}`", e.container.as_deref().unwrap_or("?"));
    let mounts: Vec<String> = evidence
        .iter()
        .map(|e| {
            let (vol, path) = (
                e.get(keys::VOLUME).unwrap_or("?"),
                e.get(keys::HOST_PATH).unwrap_or("?"),
            );
            format!("{} → volume `{vol}` (`{path}`)", container(e))
        })
        .collect();
    let mut steps = vec![format!(
        "In a new revision of the task definition, remove the host mount(s) {} and the `host.sourcePath` of those volumes. For scratch or shared storage, use a volume without `host` (task-scoped storage) or an Amazon EFS volume instead.",
        mounts.join(", ")
    )];
    let socket_users: Vec<String> = evidence
        .iter()
        .filter(|e| classify(e.get(keys::HOST_PATH).unwrap_or_default(), true) == Some(Sensitivity::RuntimeSocket))
        .map(container)
        .collect();
    if !socket_users.is_empty() {
        steps.push(format!(
            "Container(s) {} should not talk to the container runtime: read task and container metadata from the task metadata endpoint (`$ECS_CONTAINER_METADATA_URI_V4`) instead of the Docker socket.",
            socket_users.join(", ")
        ));
    }
    steps.push("If a host path must stay, narrow it to the one directory the container needs (never `/`, `/etc`, `/proc`, `/sys`, `/dev` or a runtime socket) and set `readOnly: true` on its mount point.".to_string());
    steps.extend(rollout_steps(ctx));
    Remediation {
        summary: "Stop mounting host paths into the containers.".into(),
        steps,
        references: vec![
            DOC_TASK_DEFINITION_PARAMS.to_string(),
            "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html"
                .to_string(),
            DOC_SECURITY_HUB_ECS.to_string(),
        ],
    }
}

fn change(p: &Proposal<'_>) -> Option<Change> {
    let mut volumes: Vec<String> = p
        .hit
        .evidence
        .iter()
        .filter_map(|e| e.get(keys::VOLUME).map(str::to_string))
        .collect();
    volumes.sort();
    volumes.dedup();
    Some(Change::RemoveHostVolumes {
        task_definition: p.hit.first_resource()?.to_string(),
        volumes,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixture() {
        super::super::testing::run_fixture(
            &super::TRAIT,
            include_str!("fixtures/host_filesystem_mount.json"),
        );
    }
}
