//! The ways a listener sends traffic to a target group: its default actions and its rules
//! (conditions, priorities, weighted forwards, sign-in), and what a rule's `source-ip`
//! condition leaves of the internet.

use super::hops::Gaps;
use super::*;
use crate::model::{Forwarding, Listener, ListenerRule, Reach, reach};

pub(super) const T_RULE: &str = "AWS::ElasticLoadBalancingV2::ListenerRule";

/// One way from a listener to the service's target group.
pub(super) struct Route<'a> {
    /// `None`: the listener's default actions.
    pub(super) rule: Option<&'a ListenerRule>,
    pub(super) forward: Forwarding,
}

/// The routes of `listener` to `tg_arn`. Forwards of weight 0 are no route: they are noted
/// in `not_counted`. A listener whose default actions do not reach the group while its rules
/// are not in the input is a gap: a rule may.
pub(super) fn routes<'a>(
    inv: &'a Inventory,
    listener: &'a Listener,
    lb_name: &str,
    tg_arn: &str,
    tg_name: &str,
    gaps: &mut Gaps,
    not_counted: &mut Vec<String>,
) -> Vec<Route<'a>> {
    let mut out = Vec::new();
    let label = listener_label(listener);
    match reach(&listener.default_actions, tg_arn) {
        Reach::Forwards(forward) => out.push(Route {
            rule: None,
            forward,
        }),
        Reach::ZeroWeight => note(
            not_counted,
            format!(
                "the default action of listener {label} of `{lb_name}` forwards to target group `{tg_name}` with weight 0, which sends it no traffic"
            ),
        ),
        Reach::No => {}
    }
    if !inv.has(Kind::Elbv2Rules) {
        if out.is_empty() {
            gaps.add(format!(
                "listener rules not in the input (add `{} --listener-arn {}`): listener {label} of load balancer {lb_name} does not forward to target group {tg_name} by default, and one of its rules may",
                Kind::Elbv2Rules.cli_command(),
                listener.listener_arn
            ));
        }
        return out;
    }
    // Only the rules that name the group (by priority), of this listener.
    for rule in inv
        .rules_forwarding_to(tg_arn)
        .filter(|r| r.listener().as_deref() == Some(listener.listener_arn.as_str()))
    {
        match reach(&rule.actions, tg_arn) {
            Reach::Forwards(forward) => out.push(Route {
                rule: Some(rule),
                forward,
            }),
            Reach::ZeroWeight => note(
                not_counted,
                format!(
                    "{} of listener {label} of `{lb_name}` forwards to target group `{tg_name}` with weight 0, which sends it no traffic",
                    rule.label()
                ),
            ),
            Reach::No => {}
        }
    }
    out
}

/// The most forwards and rules an evidence lists as not counted (the rest are counted): a
/// load balancer has at most a few hundred rules, and each evidence of the service repeats
/// the list.
pub(super) const NOT_COUNTED_LISTED: usize = 10;

pub(super) fn note(list: &mut Vec<String>, s: String) {
    if !list.contains(&s) {
        list.push(s);
    }
}

/// The notes as listed in evidence: at most [`NOT_COUNTED_LISTED`], then how many more.
pub(super) fn listed(notes: &[String]) -> Vec<String> {
    let mut out: Vec<String> = notes.iter().take(NOT_COUNTED_LISTED).cloned().collect();
    if notes.len() > NOT_COUNTED_LISTED {
        out.push(format!(
            "and {} more (limit NOT_COUNTED_LISTED)",
            notes.len() - NOT_COUNTED_LISTED
        ));
    }
    out
}

pub(super) fn listener_label(l: &Listener) -> String {
    format!(
        "{} :{}",
        l.protocol.as_deref().unwrap_or("?"),
        l.port.map(|p| p.to_string()).unwrap_or_else(|| "?".into())
    )
}

/// Which sources a rule admits, for internet traffic of `family`.
pub(super) enum Sources {
    /// No `source-ip` condition, or one that covers the whole address space.
    Any,
    /// Only these blocks of the internet (`Conditions[i]...: cidr` each).
    Some(Vec<String>),
    /// Only addresses that are not on the internet.
    NotInternet(Vec<String>),
    /// A value could not be read (a gap is recorded).
    Unreadable,
}

/// The sources a route's rule admits. Several `source-ip` conditions must all match.
pub(super) fn sources(route: &Route<'_>, family: Family, gaps: &mut Gaps) -> Sources {
    let Some(rule) = route.rule else {
        return Sources::Any;
    };
    let mut narrowed: Vec<String> = Vec::new();
    let mut private: Vec<String> = Vec::new();
    let mut unreadable = false;
    for (i, c) in rule.conditions.iter().enumerate() {
        let Some(values) = c.source_ips() else {
            continue;
        };
        if values.is_empty() {
            gaps.add(format!(
                "listener rule `{}` Conditions[{i}]: a source-ip condition names no address block, so what it admits cannot be judged",
                rule.rule_arn
            ));
            unreadable = true;
            continue;
        }
        let mut cidrs = Vec::new();
        let mut texts = Vec::new();
        for (field, text) in &values {
            match Cidr::parse(text) {
                Some(c) => {
                    cidrs.push(c);
                    texts.push(shown_cidr(text, &c));
                }
                None => {
                    let fam = if text.contains(':') {
                        Family::V6
                    } else {
                        Family::V4
                    };
                    gaps.add(
                        Unreadable::new(
                            "listener rule",
                            &rule.rule_arn,
                            format!("Conditions[{i}].{field}"),
                            Problem::Cidr(fam),
                        )
                        .gap_reason(),
                    );
                    unreadable = true;
                }
            }
        }
        if netmath::covers_all(family, &cidrs) {
            continue;
        }
        let public: Vec<String> = cidrs
            .iter()
            .zip(&texts)
            .filter(|(c, _)| netmath::has_internet_addresses(c))
            .map(|(_, t)| t.clone())
            .collect();
        if public.is_empty() && !unreadable {
            private.extend(texts);
        } else {
            narrowed.extend(public);
        }
    }
    if !private.is_empty() {
        return Sources::NotInternet(private);
    }
    if unreadable {
        return Sources::Unreadable;
    }
    if narrowed.is_empty() {
        Sources::Any
    } else {
        Sources::Some(narrowed)
    }
}

/// A block as written, and as AWS reads it when host bits are set.
fn shown_cidr(text: &str, c: &Cidr) -> String {
    let canonical = c.to_string();
    if canonical == text.trim() {
        canonical
    } else {
        format!("{} (read as {canonical})", text.trim())
    }
}

/// The guards in front of a route: sign-in and source restriction, one line each.
pub(super) fn guards(route: &Route<'_>, sources: &Sources) -> Vec<String> {
    let mut g: Vec<String> = route
        .forward
        .sign_in
        .iter()
        .map(|s| format!("the caller must first pass {s}"))
        .collect();
    if let (Sources::Some(list), Some(rule)) = (sources, route.rule) {
        g.push(format!(
            "only source IPs {} are admitted ({}'s source-ip condition)",
            list.join(", "),
            rule.priority
                .as_deref()
                .map(|p| format!("rule {p}"))
                .unwrap_or_else(|| "the rule".into())
        ));
    }
    g
}

/// The path step of a rule.
pub(super) fn rule_step(
    rule: &ListenerRule,
    route: &Route<'_>,
    tg_name: &str,
    guards: &[String],
) -> PathStep {
    PathStep::new(
        T_RULE,
        &rule.rule_arn,
        format!(
            "{} forwards matching requests to target group `{tg_name}`{}",
            rule.label(),
            forward_detail(&route.forward, guards)
        ),
    )
}

/// The weight, sign-in and source limits of a forward, for a step's text.
pub(super) fn forward_detail(f: &Forwarding, guards: &[String]) -> String {
    let mut s = String::new();
    if let Some((w, total)) = f.weight {
        s.push_str(&format!(" (weight {w} of {total})"));
    }
    for g in guards {
        s.push_str(&format!("; {g}"));
    }
    for o in &f.sign_in_optional {
        s.push_str(&format!("; {o}"));
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn not_counted_notes_are_cut_short() {
        let notes: Vec<String> = (0..12).map(|i| format!("rule {i}")).collect();
        let l = super::listed(&notes);
        assert_eq!(l.len(), super::NOT_COUNTED_LISTED + 1);
        assert_eq!(l.last().unwrap(), "and 2 more (limit NOT_COUNTED_LISTED)");
        assert_eq!(super::listed(&notes[..3]), notes[..3].to_vec());
    }
}
