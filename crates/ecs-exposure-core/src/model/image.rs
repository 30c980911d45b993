//! Container image references, parsed so that task definitions can be joined to Inspector
//! findings on registry + repository + (digest or tag).

/// A parsed image reference such as
/// `123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:…` or `nginx:1.27`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// Registry host, `docker.io` when the reference names none.
    pub registry: String,
    /// For ECR, the account id of the registry host (`123456789012.dkr.ecr…`).
    pub ecr_account: Option<String>,
    pub ecr_region: Option<String>,
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    pub fn parse(reference: &str) -> Option<ImageRef> {
        let reference = reference.trim();
        if reference.is_empty() {
            return None;
        }
        let (rest, digest) = match reference.split_once('@') {
            Some((r, d)) => (r, Some(d.to_string())),
            None => (reference, None),
        };
        // The registry is the first segment when it looks like a host (has a dot or colon,
        // or is `localhost`), as Docker decides it.
        let (registry, path) = match rest.split_once('/') {
            Some((first, tail))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (first.to_string(), tail)
            }
            _ => ("docker.io".to_string(), rest),
        };
        let (repository, tag) = match path.rsplit_once(':') {
            Some((repo, tag)) if !tag.contains('/') => (repo.to_string(), Some(tag.to_string())),
            _ => (path.to_string(), None),
        };
        if repository.is_empty() {
            return None;
        }
        let mut ecr_account = None;
        let mut ecr_region = None;
        let labels: Vec<&str> = registry.split('.').collect();
        if labels.len() >= 6 && labels[1] == "dkr" && labels[2] == "ecr" {
            ecr_account = Some(labels[0].to_string());
            ecr_region = Some(labels[3].to_string());
        }
        Some(ImageRef {
            registry,
            ecr_account,
            ecr_region,
            repository,
            tag,
            digest,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ecr_with_digest() {
        let r =
            ImageRef::parse("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/web@sha256:abcd")
                .unwrap();
        assert_eq!(r.ecr_account.as_deref(), Some("123456789012"));
        assert_eq!(r.ecr_region.as_deref(), Some("us-east-1"));
        assert_eq!(r.repository, "team/web");
        assert_eq!(r.digest.as_deref(), Some("sha256:abcd"));
        assert_eq!(r.tag, None);
    }

    #[test]
    fn parses_docker_hub_and_ports() {
        let r = ImageRef::parse("nginx:1.27").unwrap();
        assert_eq!(
            (r.registry.as_str(), r.repository.as_str()),
            ("docker.io", "nginx")
        );
        assert_eq!(r.tag.as_deref(), Some("1.27"));
        let r = ImageRef::parse("localhost:5000/app").unwrap();
        assert_eq!(r.registry, "localhost:5000");
        assert_eq!(r.tag, None);
    }
}
