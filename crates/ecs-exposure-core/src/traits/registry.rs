//! Looking traits up by id; the registry itself is the `registry!` list in `traits/mod.rs`.

use super::*;

pub fn by_id(id: &str) -> Option<&'static TraitDef> {
    id.parse::<TraitId>().ok().map(def)
}

/// The definition of a trait. `ALL` and `TraitId` come from the same registry lines, in the
/// same order, so the id is the index.
pub fn def(id: TraitId) -> &'static TraitDef {
    ALL[id as usize]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn ids_are_unique_and_resolvable() {
        use strum::VariantArray;
        // One trait per id, each where the registry line puts it, and serde's string form
        // (what reports write) the same as strum's (what `as_str` gives).
        assert_eq!(ALL.len(), TraitId::VARIANTS.len());
        for (t, id) in ALL.iter().zip(TraitId::VARIANTS) {
            assert_eq!(
                t.id, *id,
                "registry line of {id} names another trait's module"
            );
            assert_eq!(serde_json::to_value(id).unwrap(), id.as_str());
            assert_eq!(id.as_str().parse::<TraitId>().ok(), Some(*id));
        }
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

    /// A trait's likelihood role in words, for the generated index.
    fn likelihood_part(t: &TraitDef) -> String {
        match t.likelihood {
            LikelihoodRole::Context => "context only".into(),
            LikelihoodRole::Weak => "Low alone".into(),
            LikelihoodRole::Moderate(_) => "Moderate alone".into(),
            LikelihoodRole::Reach => "path from the internet".into(),
            LikelihoodRole::ExploitableVulnerability => {
                "Moderate alone; High or Very High with a path".into()
            }
            LikelihoodRole::Vulnerability => "Low alone; High with a path if `AV:N`".into(),
        }
    }

    /// A trait's impact rules in words (`High (sensitive-host-path), Medium`).
    fn impact_part(t: &TraitDef) -> String {
        let parts: Vec<String> = t
            .impact
            .iter()
            .map(|r| {
                let level = r.impact.as_str();
                match r.when {
                    Some(f) => format!(
                        "{level} ({})",
                        serde_json::to_value(f).unwrap().as_str().unwrap_or("")
                    ),
                    None => level.to_string(),
                }
            })
            .collect();
        if parts.is_empty() {
            "—".into()
        } else {
            parts.join(", ")
        }
    }

    /// `docs/traits/` is generated from the docs beside the code; run with `UPDATE_DOCS=1`
    /// to regenerate. Failing here means a trait doc changed without regenerating.
    #[test]
    fn generated_docs_are_fresh() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/traits");
        let update = std::env::var_os("UPDATE_DOCS").is_some();
        let mut index = String::from(
            "<!-- Generated from crates/ecs-exposure-core/src/traits/*.md by `UPDATE_DOCS=1 cargo test`; do not edit. -->\n# Traits\n\nLikelihood and impact: the part each trait declares in a finding's severity (`TraitDef::likelihood`, `TraitDef::impact`; how the parts combine: [docs/severity.md](../severity.md)).\n\n| id | category | likelihood | impact | what it means |\n|---|---|---|---|---|\n",
        );
        let mut expected = Vec::new();
        for t in ALL {
            index.push_str(&format!(
                "| [`{id}`]({id}.md) | {} | {} | {} | {} |\n",
                t.category.as_str(),
                likelihood_part(t),
                impact_part(t),
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
