//! Inspector2: list-findings.

use super::{Obj, time};
use aws_sdk_inspector2::types as t;
use serde_json::Value;

pub fn finding(f: &t::Finding) -> Value {
    Obj::new()
        .s("findingArn", Some(f.finding_arn()))
        .s("awsAccountId", Some(f.aws_account_id()))
        .s("type", Some(f.r#type().as_str()))
        .s("title", f.title())
        .s("description", Some(f.description()))
        .s("severity", Some(f.severity().as_str()))
        .s("status", Some(f.status().as_str()))
        .s(
            "firstObservedAt",
            time(Some(f.first_observed_at())).as_deref(),
        )
        .s(
            "lastObservedAt",
            time(Some(f.last_observed_at())).as_deref(),
        )
        .s(
            "exploitAvailable",
            f.exploit_available().map(|x| x.as_str()),
        )
        .s("fixAvailable", f.fix_available().map(|x| x.as_str()))
        .f("inspectorScore", f.inspector_score())
        .v(
            "inspectorScoreDetails",
            f.inspector_score_details()
                .and_then(|d| d.adjusted_cvss())
                .map(|c| {
                    Obj::new()
                        .v(
                            "adjustedCvss",
                            Some(
                                Obj::new()
                                    .s("scoringVector", Some(c.scoring_vector()))
                                    .f("score", Some(c.score()))
                                    .s("version", Some(c.version()))
                                    .s("scoreSource", Some(c.score_source()))
                                    .done(),
                            ),
                        )
                        .done()
                }),
        )
        .v(
            "epss",
            f.epss()
                .map(|e| Obj::new().f("score", Some(e.score())).done()),
        )
        .v(
            "packageVulnerabilityDetails",
            f.package_vulnerability_details().map(|p| {
                Obj::new()
                    .s("vulnerabilityId", Some(p.vulnerability_id()))
                    .s("source", Some(p.source()))
                    .s("vendorSeverity", p.vendor_severity())
                    .list("cvss", p.cvss(), |c| {
                        Obj::new()
                            .f("baseScore", Some(c.base_score()))
                            .s("scoringVector", Some(c.scoring_vector()))
                            .s("version", Some(c.version()))
                            .s("source", Some(c.source()))
                            .done()
                    })
                    .list("vulnerablePackages", p.vulnerable_packages(), |v| {
                        Obj::new()
                            .s("name", Some(v.name()))
                            .s("version", Some(v.version()))
                            .s("fixedInVersion", v.fixed_in_version())
                            .s("packageManager", v.package_manager().map(|x| x.as_str()))
                            .done()
                    })
                    .done()
            }),
        )
        .list("resources", f.resources(), |r| {
            Obj::new()
                .s("type", Some(r.r#type().as_str()))
                .s("id", Some(r.id()))
                .s("region", r.region())
                .s("partition", r.partition())
                .v(
                    "details",
                    r.details()
                        .and_then(|d| d.aws_ecr_container_image())
                        .map(|i| {
                            Obj::new()
                                .v(
                                    "awsEcrContainerImage",
                                    Some(
                                        Obj::new()
                                            .s("repositoryName", Some(i.repository_name()))
                                            .s("imageHash", Some(i.image_hash()))
                                            .s("registry", Some(i.registry()))
                                            .strs("imageTags", i.image_tags())
                                            .s("platform", i.platform())
                                            .done(),
                                    ),
                                )
                                .done()
                        }),
                )
                .done()
        })
        .done()
}
