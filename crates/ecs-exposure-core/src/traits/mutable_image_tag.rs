//! `mutable-image-tag`: a container image is referenced by tag (or by no tag, which is
//! `latest`) rather than by digest.

use super::util::{DOC_TASK_DEFINITION_PARAMS, rollout_steps};
use super::*;

/// Whether the image is in an ECR repository (its tags can be made immutable there).
const ECR: Key<bool> = Key::new("ecr");
use crate::model::ImageRef;

pub static TRAIT: TraitDef = TraitDef {
    id: TraitId::MutableImageTag,
    category: Category::Misconfiguration,
    title: "The Amazon ECS service uses a task definition whose images are referenced by tags that can change",
    phrase: "runs images by tags that can change",
    doc: include_str!("mutable_image_tag.md"),
    reads: &[Read::fields(Kind::EcsTaskDefinition, &["containerDefinitions[].image"])],
    likelihood: LikelihoodRole::Context,
    impact: &[],
    check,
    remediation,
    change: |_| None,
};

fn check(ctx: &ServiceContext<'_>, out: &mut Outcome) {
    let Some(td) = ctx.require_task_definition(out) else {
        return;
    };
    for (i, c) in td.container_definitions.iter().enumerate() {
        // No image (a template value that cannot be resolved is left out, and the engine
        // reports it as a possible gap): nothing to judge.
        let Some(image) = c.image.as_deref() else {
            continue;
        };
        let Some(r) = ImageRef::parse(image) else {
            continue;
        };
        if r.digest.as_deref().is_some_and(is_digest) {
            continue;
        }
        let how = match &r.tag {
            Some(tag) => format!("by tag `{tag}`"),
            None => "without a tag or digest, so it runs whatever `latest` names".to_string(),
        };
        out.fire(
            Evidence::new(
                &td.task_definition_arn,
                format!(
                    "container `{}` runs image `{image}` {how}: the image may change under the same name (unless the registry makes its tags immutable)",
                    c.name()
                ),
            )
            .container(c.name())
            .field(format!("containerDefinitions[{i}].image"))
            .with(keys::IMAGE, image)
            .detail("repository", format!("{}/{}", r.registry, r.repository))
            .with(ECR, r.ecr_account.is_some()),
        );
    }
}

/// `algorithm:hex`, as a content digest is written (`sha256:…`).
fn is_digest(d: &str) -> bool {
    d.split_once(':').is_some_and(|(alg, hex)| {
        !alg.is_empty() && !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit())
    })
}

fn remediation(ctx: &ServiceContext<'_>, evidence: &[Evidence]) -> Remediation {
    let mut steps = vec![format!(
        "In a new revision of the task definition, reference the image(s) of container(s) {} by digest: `\"image\": \"<repository>@sha256:<digest>\"`.",
        super::util::containers_named(evidence)
    )];
    let mut ecr_shown = false;
    let mut other_shown = false;
    for e in evidence {
        let Some(image) = e.get(keys::IMAGE) else {
            continue;
        };
        let is_ecr = e.get(ECR) == Some(true);
        let parsed = ImageRef::parse(image);
        let tag = parsed.as_ref().and_then(|r| r.tag.clone()).unwrap_or_else(|| "latest".into());
        match parsed.filter(|_| is_ecr) {
            Some(r) if !ecr_shown => {
                ecr_shown = true;
                steps.push(format!(
                    "For ECR: find the digest the tag names now with `aws ecr describe-images --repository-name {} --image-ids imageTag={tag} --query 'imageDetails[0].imageDigest' --output text`, and make the repository's tags immutable so that a tag cannot be moved: `aws ecr put-image-tag-mutability --repository-name {} --image-tag-mutability IMMUTABLE`.",
                    r.repository, r.repository
                ));
            }
            None if !other_shown && !is_ecr => {
                other_shown = true;
                steps.push(format!(
                    "For other registries: find the digest with `docker buildx imagetools inspect {image}` (or `crane digest {image}`), after checking that the image it names is the one you mean to run."
                ));
            }
            _ => {}
        }
    }
    steps.push("Have the pipeline that builds the image write its digest into the task definition, so that each deployment names exactly the image it tested.".to_string());
    steps.extend(rollout_steps(ctx));
    Remediation {
        summary: "Pin the containers' images by digest.".into(),
        steps,
        references: vec![
            DOC_TASK_DEFINITION_PARAMS.to_string(),
            "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html"
                .to_string(),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{cfn_service, evidence_of_file, run_fixture, terraform_service};

    #[test]
    fn fixture() {
        run_fixture(&super::TRAIT, include_str!("fixtures/mutable_image_tag.json"));
    }

    #[test]
    fn only_a_well_formed_digest_pins() {
        assert!(super::is_digest("sha256:0123abcdef"));
        assert!(!super::is_digest("sha256:"));
        assert!(!super::is_digest("latest"));
        assert!(!super::is_digest("sha256:zz"));
    }

    /// CloudFormation and Terraform plans bring the image through; an image the template
    /// cannot resolve is not judged (the engine reports it as a possible gap).
    #[test]
    fn templates_and_plans_bring_the_image_through() {
        let cfn = cfn_service(
            "      ContainerDefinitions:\n        - Name: app\n          Image: app:1\n        - Name: side\n          Image: !ImportValue shared-image\n",
        );
        let tf = terraform_service(serde_json::json!({"family": "t",
            "container_definitions": "[{\"name\":\"app\",\"image\":\"app:1\"},{\"name\":\"side\",\"image\":\"side@sha256:abcd\"}]"}));
        for (name, text) in [("t.yaml", cfn), ("plan.json", tf)] {
            let e = evidence_of_file(&super::TRAIT, name, &text);
            assert_eq!(e.len(), 1, "{name}: {e:#?}");
            assert_eq!(e[0].field.as_deref(), Some("containerDefinitions[0].image"));
        }
    }
}
