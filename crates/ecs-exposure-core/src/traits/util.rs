//! Small helpers shared by detectors.

/// AWS documentation links used by several traits.
pub const DOC_TASK_DEFINITION_PARAMS: &str =
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html";
pub const DOC_UPDATE_SERVICE: &str =
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/update-service.html";
pub const DOC_SECURITY_HUB_ECS: &str =
    "https://docs.aws.amazon.com/securityhub/latest/userguide/exposure-ecs-service.html";

/// The usual last steps of any task definition change: register, then roll out.
pub fn rollout_steps(ctx: &super::ServiceContext<'_>) -> Vec<String> {
    let family = ctx
        .task_definition
        .and_then(|t| t.family.clone())
        .unwrap_or_else(|| "<family>".to_string());
    let cluster = ctx
        .service
        .cluster_arn
        .as_deref()
        .and_then(|c| c.rsplit('/').next())
        .unwrap_or("<cluster>");
    vec![
        format!(
            "Register the corrected revision: `aws ecs register-task-definition --cli-input-json file://{family}.json`."
        ),
        if ctx.service.standalone {
            // No service in the input runs it: say where a new revision takes effect.
            format!(
                "Deploy it where the task definition is used: the service that runs it (`aws ecs update-service --cluster <cluster> --service <service> --task-definition {family}`), the schedule or `RunTask` call that names it, or the pipeline that registers this file."
            )
        } else {
            format!(
                "Roll it out: `aws ecs update-service --cluster {cluster} --service {} --task-definition {family}`.",
                ctx.service.name()
            )
        },
    ]
}

/// The containers named in the evidence, as "`a`, `b`", each once, in evidence order.
pub fn containers_named(evidence: &[super::Evidence]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for c in evidence.iter().filter_map(|e| e.container.as_deref()) {
        if !names.contains(&c) {
            names.push(c);
        }
    }
    crate::model::text::ticked(names)
}

/// The containers of a hit's evidence, sorted, each once: what a change edits.
pub fn hit_containers(hit: &super::TraitHit) -> Vec<String> {
    let mut c: Vec<String> = hit
        .evidence
        .iter()
        .filter_map(|e| e.container.clone())
        .collect();
    c.sort();
    c.dedup();
    c
}
