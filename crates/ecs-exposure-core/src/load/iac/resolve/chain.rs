//! What evaluation is inside of: the chain of parameters, mappings and conditions being
//! resolved, so that a definition that leads back to itself becomes a named cycle.

/// What evaluation is inside of: the names being resolved (to find cycles) and the depth.
#[derive(Default)]
pub(super) struct Cx {
    pub(super) chain: Vec<Link>,
    pub(super) depth: usize,
}

/// A named definition evaluation went into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Link {
    Parameter(String),
    Mapping(String),
    Condition(String),
}

impl Link {
    fn kind(&self) -> &'static str {
        match self {
            Link::Parameter(_) => "parameter",
            Link::Mapping(_) => "mapping",
            Link::Condition(_) => "condition",
        }
    }
    fn name(&self) -> &str {
        match self {
            Link::Parameter(n) | Link::Mapping(n) | Link::Condition(n) => n,
        }
    }
}

/// `parameter cycle A → B → A`; a cycle through definitions of several kinds names each one's
/// kind (`cycle parameter A → mapping M.k.v → parameter A`).
pub(super) fn cycle_text(chain: &[Link], back: &Link) -> String {
    let links: Vec<&Link> = chain.iter().chain(std::iter::once(back)).collect();
    if links.iter().all(|l| l.kind() == back.kind()) {
        let names: Vec<&str> = links.iter().map(|l| l.name()).collect();
        format!("{} cycle {}", back.kind(), names.join(" → "))
    } else {
        let names: Vec<String> = links
            .iter()
            .map(|l| format!("{} {}", l.kind(), l.name()))
            .collect();
        format!("cycle {}", names.join(" → "))
    }
}
