//! `plaintext-credentials`: a container's `environment`, `command` or `entryPoint` holds a
//! credential in plaintext. What counts as a credential is data, in `credential_patterns.rs`;
//! how a command line names one is in `command_credentials.rs`. An `environmentFiles` object
//! is not in any input: each is a named gap.

use super::command_credentials;
use super::credential_patterns::{
    AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, Surroundings, classify, is_access_key_id,
};
use super::util::{
    DOC_SECURITY_HUB_ECS, DOC_TASK_DEFINITION_PARAMS, DOC_UPDATE_SERVICE, rollout_steps,
};
use super::*;
use crate::model::{ContainerDefinition, SecretString};

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::PlaintextCredentials,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service uses a task definition configured with cleartext credentials in the environment variables",
    phrase: "has plaintext credentials in environment variables",
    doc: include_str!("plaintext_credentials.md"),
    reads: &[Read::fields(Kind::EcsTaskDefinition, &["containerDefinitions[].environment", "containerDefinitions[].environmentFiles", "containerDefinitions[].command", "containerDefinitions[].entryPoint"])],
    likelihood: LikelihoodRole::Moderate("credentials are stored in plaintext environment variables, readable by anyone who can describe the task definition"),
    impact: &[ImpactRule { impact: Impact::High, when: Some(Facet::AwsSecretKey), rank: 4, because: |_| "an AWS secret access key is stored in plaintext".into() }, ImpactRule { impact: Impact::Medium, when: None, rank: 2, because: |_| "credentials are stored in plaintext".into() }],
    check,
    remediation,
    change,
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
                .with(keys::VARIABLE, name)
                .with(keys::KIND, hit.pattern.id)
                .detail("masked_value", value.masked()),
            );
        }
        for (key, args) in [("command", &c.command), ("entryPoint", &c.entry_point)] {
            let texts: Vec<&str> = args.iter().map(SecretString::expose).collect();
            for hit in command_credentials::find(&texts, around) {
                if hit.pattern.id == AWS_SECRET_ACCESS_KEY {
                    out.facet(Facet::AwsSecretKey);
                }
                let Some(secret) = texts.get(hit.index).and_then(|t| t.get(hit.secret.clone()))
                else {
                    continue;
                };
                let masked = SecretString::new(secret).masked();
                let by = match &hit.named_by {
                    Some(n) => format!(" as `{n}`"),
                    None => String::new(),
                };
                let mut ev = Evidence::new(
                    &td.task_definition_arn,
                    format!(
                        "container `{}` passes {} in plaintext in `{key}[{}]`{by} (`{masked}`)",
                        c.name(),
                        hit.pattern.description,
                        hit.index
                    ),
                )
                .container(c.name())
                .field(format!("containerDefinitions[{i}].{key}[{}]", hit.index))
                .with(keys::IN, key)
                .with(keys::KIND, hit.pattern.id)
                .detail("masked_value", masked);
                if let Some(n) = &hit.named_by {
                    ev = ev.with(keys::ARGUMENT, n.as_str());
                }
                out.fire(ev);
            }
        }
        environment_file_gaps(c, out);
    }
}

/// Longest object name shown in a gap: S3 keys reach 1024 bytes, a message should not.
const MAX_SHOWN_OBJECT_CHARS: usize = 200;

/// Each `environmentFiles` object is a named gap: the variables it sets are not in the input
/// (the tool reads no S3 object), so credentials among them cannot be judged.
fn environment_file_gaps(c: &ContainerDefinition, out: &mut Outcome) {
    for (j, f) in c.environment_files.iter().enumerate() {
        // Only an S3 object ARN is shown: it names where the file is, and is no credential.
        let object = f
            .value
            .as_deref()
            .and_then(|v| {
                v.split_once(":s3:::")
                    .filter(|(p, _)| p.starts_with("arn:aws"))
            })
            .map(|(_, path)| path)
            .filter(|p| !p.is_empty() && p.chars().count() <= MAX_SHOWN_OBJECT_CHARS);
        let which = match object {
            Some(path) => format!("environment file `s3://{path}`"),
            None => format!("environment file `environmentFiles[{j}]` (not an S3 object ARN)"),
        };
        out.gap(format!(
            "credentials in {which} of container `{}` were not checked: the object is not in the input (ecs-exposure reads no S3 object; check the file, and move any credential in it to `secrets`)",
            c.name()
        ));
    }
}

/// The credential values on a command line (`command`, `entryPoint`), as this trait finds
/// them, for `plan` and `fix` to mask wherever they appear.
pub(crate) fn command_line_values(args: &[SecretString]) -> Vec<SecretString> {
    let texts: Vec<&str> = args.iter().map(SecretString::expose).collect();
    command_credentials::find(
        &texts,
        Surroundings {
            access_key_id: true,
        },
    )
    .into_iter()
    .filter_map(|h| texts.get(h.index)?.get(h.secret))
    .map(SecretString::new)
    .collect()
}

/// One credential of the evidence, as the remediation names it.
struct Found<'a> {
    container: &'a str,
    /// The environment variable that holds it, or that should hold it once it is a secret.
    variable: String,
    /// How the steps name it: "`DB_PASSWORD`", "`--password` in `command[2]`".
    label: String,
    kind: &'a str,
    /// `command` or `entryPoint` for a command-line credential.
    on_command_line: Option<&'a str>,
}

fn found(evidence: &[Evidence]) -> Vec<Found<'_>> {
    evidence
        .iter()
        .filter_map(|e| {
            let container = e.container.as_deref()?;
            let kind = e.get(keys::KIND)?;
            if let Some(v) = e.get(keys::VARIABLE) {
                return Some(Found {
                    container,
                    variable: v.to_string(),
                    label: format!("`{v}`"),
                    kind,
                    on_command_line: None,
                });
            }
            let key = e.get(keys::IN)?;
            let at = e.field.as_deref()?.rsplit('.').next()?;
            let arg = e.get(keys::ARGUMENT);
            // The variable the value moves to: the flag's name as a variable name (a
            // one-letter flag such as `mysql -p` names a password).
            let name = arg
                .map(|a| a.trim_start_matches('-'))
                .filter(|a| a.chars().count() > 1)
                .unwrap_or(if arg.is_some() {
                    "password"
                } else {
                    "credential"
                });
            let variable = super::command_credentials::env_style(name);
            let label = match arg {
                Some(a) => format!("`{a}` in `{at}`"),
                None => format!("`{at}`"),
            };
            Some(Found {
                container,
                variable,
                label,
                kind,
                on_command_line: Some(key),
            })
        })
        .collect()
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
    let all = found(evidence);
    let listed = |vs: &mut dyn Iterator<Item = &str>| vs.collect::<Vec<_>>().join(", ");
    let (values, them) = if all.len() == 1 {
        ("value", "it")
    } else {
        ("values", "them")
    };
    let mut steps = vec![format!(
        "Treat the {values} of {} as leaked and rotate: anyone allowed `ecs:DescribeTaskDefinition` in account {account} can read every revision that holds {them}, so moving the old {values} elsewhere is not enough. Issue a new value where each credential comes from (database user, token issuer, key owner) and revoke the old one.",
        listed(&mut all.iter().map(|f| f.label.as_str()))
    )];
    if all
        .iter()
        .any(|f| [AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY].contains(&f.kind))
    {
        steps.push("For the AWS access key, the better fix is no key at all: grant its permissions to the task role (`taskRoleArn`) and drop the key variables, since the AWS SDKs pick up task role credentials by themselves. Then deactivate and delete the exposed key (`aws iam update-access-key --status Inactive …`, `aws iam delete-access-key …`).".to_string());
    }
    let secret_name = |c: &str, v: &str| format!("{family}/{c}/{v}");
    steps.push(format!(
        "Store each new value as a secret without putting it on a command line (shell history, process list): write it to a file only you can read, run {}, then delete the file. Parameter Store works too: `aws ssm put-parameter --type SecureString --name /<name> --value file://<file>`.",
        all.iter()
            .map(|f| format!("`aws secretsmanager create-secret --name {} --secret-string file://{}.txt`", secret_name(f.container, &f.variable), f.variable))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let mut containers: Vec<&str> = all.iter().map(|f| f.container).collect();
    containers.dedup();
    let reference = |f: &Found<'_>| {
        format!(
            r#"{{"name": "{}", "valueFrom": "arn:{partition}:secretsmanager:{region}:{account}:secret:{}-<suffix>"}}"#,
            f.variable,
            secret_name(f.container, &f.variable)
        )
    };
    for c in containers {
        let env: Vec<&Found<'_>> = all
            .iter()
            .filter(|f| f.container == c && f.on_command_line.is_none())
            .collect();
        if !env.is_empty() {
            steps.push(format!(
                "In a new revision of the task definition, remove {} from the `environment` of container `{c}` and reference the secrets instead: `\"secrets\": [{}]` (use the ARNs that `create-secret` prints; ECS sets the same variables when the container starts).",
                listed(&mut env.iter().map(|f| f.label.as_str())),
                env.iter().map(|f| reference(f)).collect::<Vec<_>>().join(", ")
            ));
        }
        let args: Vec<&Found<'_>> = all
            .iter()
            .filter(|f| f.container == c && f.on_command_line.is_some())
            .collect();
        if let Some(first) = args.first() {
            let var = &first.variable;
            steps.push(format!(
                "In the same revision, take {} out of the command line of container `{c}`: reference the secrets as variables (`\"secrets\": [{}]`) and have the program read them from its environment (many do by themselves, e.g. `MYSQL_PWD`, `PGPASSWORD`, `REDISCLI_AUTH`), or from a file. Where only a flag will do, expand the variable in a shell: `[\"sh\", \"-c\", \"exec <program> … --<flag>=\\\"${var}\\\"\"]` (`command` and `entryPoint` are not expanded without a shell; the value is then still visible in the task's process list).",
                listed(&mut args.iter().map(|f| f.label.as_str())),
                args.iter().map(|f| reference(f)).collect::<Vec<_>>().join(", ")
            ));
        }
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
    let summary = if all.iter().any(|f| f.on_command_line.is_some()) {
        "Move the credentials from `environment` and the command line to `secrets` (Secrets Manager or Parameter Store) and rotate them."
    } else {
        "Move the credentials from `environment` to `secrets` (Secrets Manager or Parameter Store) and rotate them."
    };
    Remediation {
        summary: summary.into(),
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

fn change(p: &Proposal<'_>) -> Option<Change> {
    let mut variables: Vec<EnvVar> = p
        .hit
        .evidence
        .iter()
        .filter_map(|e| {
            Some(EnvVar {
                container: e.container.clone()?,
                name: e.get(keys::VARIABLE)?.to_string(),
            })
        })
        .collect();
    variables.sort();
    variables.dedup();
    // Credentials on a command line only: no change moves them (the remediation says how), so
    // none is projected.
    if variables.is_empty() {
        return None;
    }
    Some(Change::MoveEnvToSecrets {
        task_definition: p.hit.first_resource()?.to_string(),
        variables,
    })
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
