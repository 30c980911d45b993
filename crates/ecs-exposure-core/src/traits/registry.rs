//! The one table of traits, in report order.

use super::*;

/// Every trait, in the order reports list them.
pub static ALL: &[&TraitDef] = &[
    &privileged_container::TRAIT,
    &assumable_iam_role::TRAIT,
    &host_filesystem_mount::TRAIT,
    &host_pid_namespace::TRAIT,
    &plaintext_credentials::TRAIT,
    &open_security_group::TRAIT,
    &public_ip::TRAIT,
    &host_network_mode::TRAIT,
    &admin_iam_role::TRAIT,
    &internet_reachable::TRAIT,
    &exploitable_vulnerability::TRAIT,
    &software_vulnerability::TRAIT,
    &writable_root_filesystem::TRAIT,
    &root_user::TRAIT,
    &added_capabilities::TRAIT,
    &ecs_exec_enabled::TRAIT,
    &service_admin_iam_role::TRAIT,
    &outdated_fargate_platform::TRAIT,
    &task_role_is_execution_role::TRAIT,
];

pub fn by_id(id: &str) -> Option<&'static TraitDef> {
    ALL.iter().copied().find(|t| t.id.as_str() == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn ids_are_unique_and_resolvable() {
        let mut ids: Vec<&str> = ALL.iter().map(|t| t.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), ALL.len());
        for t in ALL {
            assert_eq!(by_id(t.id.as_str()).map(|d| d.id), Some(t.id));
        }
    }

    #[test]
    fn every_doc_has_the_required_sections() {
        for t in ALL {
            assert!(
                t.doc.starts_with(&format!("# {}\n", t.id)),
                "{}: doc must start with `# {}`",
                t.id,
                t.id
            );
            for section in [
                "## What it detects",
                "## Why it matters",
                "## Example",
                "## Fix",
            ] {
                assert!(t.doc.contains(section), "{}: doc lacks `{section}`", t.id);
            }
        }
    }

    /// `docs/traits/` is generated from the docs beside the code; run with `UPDATE_DOCS=1`
    /// to regenerate. Failing here means a trait doc changed without regenerating.
    #[test]
    fn generated_docs_are_fresh() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/traits");
        let update = std::env::var_os("UPDATE_DOCS").is_some();
        let mut index = String::from(
            "<!-- Generated from crates/ecs-exposure-core/src/traits/*.md by `UPDATE_DOCS=1 cargo test`; do not edit. -->\n# Traits\n\n| id | category | what it means |\n|---|---|---|\n",
        );
        let mut expected = Vec::new();
        for t in ALL {
            index.push_str(&format!(
                "| [`{id}`]({id}.md) | {} | {} |\n",
                t.category.as_str(),
                t.title,
                id = t.id
            ));
            let body = format!(
                "<!-- Generated from crates/ecs-exposure-core/src/traits/{}.md; do not edit. -->\n{}",
                t.id.as_str().replace('-', "_"),
                t.doc
            );
            expected.push((dir.join(format!("{}.md", t.id)), body));
        }
        expected.push((dir.join("README.md"), index));
        if update {
            std::fs::create_dir_all(&dir).unwrap();
        }
        for (path, body) in expected {
            if update {
                std::fs::write(&path, &body).unwrap();
            } else {
                let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
                assert!(
                    on_disk == body,
                    "{} is stale: run `UPDATE_DOCS=1 cargo test -p ecs-exposure-core`",
                    path.display()
                );
            }
        }
    }
}
