//! `plaintext-credentials`: a container's `environment` holds a credential in plaintext.
//! What counts as a credential is data, in `credential_patterns.rs`.

use super::credential_patterns::{
    AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, Surroundings, classify, is_access_key_id,
};
use super::util::{
    DOC_SECURITY_HUB_ECS, DOC_TASK_DEFINITION_PARAMS, DOC_UPDATE_SERVICE, rollout_steps,
};
use super::*;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::PlaintextCredentials,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service uses a task definition configured with cleartext credentials in the environment variables",
    phrase: "has plaintext credentials in environment variables",
    doc: include_str!("plaintext_credentials.md"),
    context_only: false,
    reads_service: false,
    check,
    remediation,
};

fn check(ctx: &ServiceContext<'_>, out: &mut Outcome) {
    let Some(td) = ctx.require_task_definition(out) else {
        return;
    };
    for (i, c) in td.container_definitions.iter().enumerate() {
        // A secret key needs no telling name when its key id sits beside it.
        let around = Surroundings {
            access_key_id: c
                .environment
                .iter()
                .filter_map(|e| e.value.as_ref())
                .any(|v| is_access_key_id(v.expose()))
                || c.secrets
                    .iter()
                    .any(|s| s.name.as_deref() == Some("AWS_ACCESS_KEY_ID")),
        };
        for (j, e) in c.environment.iter().enumerate() {
            let (Some(name), Some(value)) = (e.name.as_deref(), e.value.as_ref()) else {
                continue;
            };
            let Some(hit) = classify(name, value.expose(), around) else {
                continue;
            };
            if hit.pattern.id == AWS_SECRET_ACCESS_KEY {
                out.facet(Facet::AwsSecretKey);
            }
            out.fire(
                Evidence::new(
                    &td.task_definition_arn,
                    format!(
                        "container `{}` sets environment variable `{name}` in plaintext to {} (`{}`)",
                        c.name(),
                        hit.pattern.description,
                        value.masked()
                    ),
                )
                .container(c.name())
                .field(format!("containerDefinitions[{i}].environment[{j}].value"))
                .detail("variable", name)
                .detail("kind", hit.pattern.id)
                .detail("masked_value", value.masked()),
            );
        }
    }
}

fn remediation(ctx: &ServiceContext<'_>, evidence: &[Evidence]) -> Remediation {
    let td = ctx.task_definition;
    let family = td.and_then(|t| t.family.as_deref()).unwrap_or("<family>");
    let arn = td.map(|t| t.task_definition_arn.as_str()).unwrap_or("");
    let mut parts = arn.split(':').skip(1);
    let (partition, region, account) = match (parts.next(), parts.nth(1), parts.next()) {
        (Some(p), Some(r), Some(a)) => (p, r, a),
        _ => ("aws", "<region>", "<account>"),
    };
    // (container, variable, pattern id) in evidence order.
    let vars: Vec<(&str, &str, &str)> = evidence
        .iter()
        .filter_map(|e| {
            let s = |k: &str| e.details.get(k).and_then(|v| v.as_str());
            Some((e.container.as_deref()?, s("variable")?, s("kind")?))
        })
        .collect();
    let listed = |vs: &mut dyn Iterator<Item = &str>| {
        vs.map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
    };
    let (values, them) = if vars.len() == 1 {
        ("value", "it")
    } else {
        ("values", "them")
    };
    let mut steps = vec![format!(
        "Treat the {values} of {} as leaked and rotate: anyone allowed `ecs:DescribeTaskDefinition` in account {account} can read every revision that holds {them}, so moving the old {values} elsewhere is not enough. Issue a new value where each credential comes from (database user, token issuer, key owner) and revoke the old one.",
        listed(&mut vars.iter().map(|v| v.1))
    )];
    if vars
        .iter()
        .any(|v| [AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY].contains(&v.2))
    {
        steps.push("For the AWS access key, the better fix is no key at all: grant its permissions to the task role (`taskRoleArn`) and drop the key variables, since the AWS SDKs pick up task role credentials by themselves. Then deactivate and delete the exposed key (`aws iam update-access-key --status Inactive …`, `aws iam delete-access-key …`).".to_string());
    }
    let secret_name = |c: &str, v: &str| format!("{family}/{c}/{v}");
    steps.push(format!(
        "Store each new value as a secret without putting it on a command line (shell history, process list): write it to a file only you can read, run {}, then delete the file. Parameter Store works too: `aws ssm put-parameter --type SecureString --name /<name> --value file://<file>`.",
        vars.iter()
            .map(|(c, v, _)| format!("`aws secretsmanager create-secret --name {} --secret-string file://{v}.txt`", secret_name(c, v)))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let mut containers: Vec<&str> = vars.iter().map(|v| v.0).collect();
    containers.dedup();
    for c in containers {
        let mine = || vars.iter().filter(move |v| v.0 == c).map(|v| v.1);
        let entries: Vec<String> = mine()
            .map(|v| format!(r#"{{"name": "{v}", "valueFrom": "arn:{partition}:secretsmanager:{region}:{account}:secret:{}-<suffix>"}}"#, secret_name(c, v)))
            .collect();
        steps.push(format!(
            "In a new revision of the task definition, remove {} from the `environment` of container `{c}` and reference the secrets instead: `\"secrets\": [{}]` (use the ARNs that `create-secret` prints; ECS sets the same variables when the container starts).",
            listed(&mut mine()),
            entries.join(", ")
        ));
    }
    let reader = format!(
        "`secretsmanager:GetSecretValue` on `arn:{partition}:secretsmanager:{region}:{account}:secret:{family}/*` (`ssm:GetParameters` for Parameter Store parameters, and `kms:Decrypt` if a customer managed key encrypts them)"
    );
    steps.push(match td.and_then(|t| t.execution_role_arn.as_deref()) {
        Some(role) => format!("Allow the task execution role `{role}` {reader}: ECS reads secrets with the execution role, not the task role."),
        None => format!("The task definition has no `executionRoleArn`: add a task execution role, since ECS reads secrets with it, and allow it {reader}."),
    });
    steps.extend(rollout_steps(ctx));
    let short = td.map(|t| t.short_name()).unwrap_or("<family>:<revision>");
    steps.push(format!(
        "Deregister the revision that holds the plaintext values, and any older revision of `{family}` that does too (`aws ecs deregister-task-definition --task-definition {short}`), then delete them (`aws ecs delete-task-definitions --task-definitions {short}`): deregistered revisions stay readable until deleted."
    ));
    Remediation {
        summary: "Move the credentials from `environment` to `secrets` (Secrets Manager or Parameter Store) and rotate them.".into(),
        steps,
        references: vec![
            "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html".to_string(),
            "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html".to_string(),
            "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html".to_string(),
            DOC_TASK_DEFINITION_PARAMS.to_string(),
            DOC_UPDATE_SERVICE.to_string(),
            "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-8".to_string(),
            DOC_SECURITY_HUB_ECS.to_string(),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Loader;

    const FIXTURE: &str = include_str!("fixtures/plaintext_credentials.json");

    #[test]
    fn fixture() {
        super::super::testing::run_fixture(&TRAIT, FIXTURE);
    }

    /// No credential of the fixture, nor its secret part, shows up in any output.
    #[test]
    fn outputs_never_hold_a_raw_value() {
        let fixture: serde_json::Value = serde_json::from_str(FIXTURE).unwrap();
        let mut shown = String::new();
        let mut raw = Vec::new();
        for case in fixture["cases"].as_array().unwrap() {
            let mut loader = Loader::new();
            for doc in case["documents"].as_array().unwrap() {
                loader
                    .add("fixture", &serde_json::to_vec(doc).unwrap())
                    .unwrap();
                let containers = doc["taskDefinition"]["containerDefinitions"].as_array();
                for env in containers
                    .into_iter()
                    .flatten()
                    .flat_map(|c| c["environment"].as_array())
                    .flatten()
                {
                    let (Some(name), Some(value)) = (env["name"].as_str(), env["value"].as_str())
                    else {
                        continue;
                    };
                    let paired = Surroundings {
                        access_key_id: true,
                    };
                    if let Some(hit) = classify(name, value, paired) {
                        raw.push(value.to_string());
                        raw.push(value[hit.secret].to_string());
                    }
                }
            }
            let (inv, _) = loader.finish();
            for service in inv.services.values() {
                let ctx = ServiceContext::new(&inv, service);
                let mut out = Outcome::new(TRAIT.id, &service.service_arn);
                (TRAIT.check)(&ctx, &mut out);
                let rem = (TRAIT.remediation)(&ctx, out.evidence());
                shown += &serde_json::to_string(&(out.evidence(), &out.facets, rem)).unwrap();
                shown += &format!("{:?}", out.evidence());
            }
        }
        assert!(raw.len() >= 20, "the fixture should hold many credentials");
        for value in raw {
            assert!(
                !shown.contains(&value),
                "a raw value of {} chars leaked",
                value.len()
            );
        }
    }
}
