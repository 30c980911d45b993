//! Network ACL evaluation: rules in number order, first match wins, stateless replies.

use super::*;
use crate::model::{NetworkAcl, NetworkAclEntry};

/// A network ACL entry that lets the traffic through.
#[derive(Debug, Clone, PartialEq)]
pub struct NaclPass {
    pub rule_number: i64,
    /// `Entries[i]` of the ACL.
    pub field: String,
    pub cidr: String,
    /// The ports (within the ones asked about) the rule lets through.
    pub ports: Ports,
}

pub(super) fn entry_proto(e: &NetworkAclEntry) -> Option<Proto> {
    Proto::parse(&e.protocol)
}

pub(super) fn entry_ports(e: &NetworkAclEntry) -> Ports {
    match (entry_proto(e), &e.port_range) {
        (Some(p), Some(r)) if p.has_ports() => Ports::from_bounds(r.from, r.to),
        _ => Ports::ALL,
    }
}

pub(super) fn entry_cidr(e: &NetworkAclEntry, family: Family) -> Option<Cidr> {
    let text = match family {
        Family::V4 => e.cidr_block.as_deref(),
        Family::V6 => e.ipv6_cidr_block.as_deref(),
    }?;
    Cidr::parse(text).filter(|c| c.family == family)
}

/// Whether `acl` lets traffic of `proto` on some port of `ports` pass in direction `egress`
/// between the subnet and some public internet address of `family`.
///
/// Rules are evaluated as AWS does: ascending rule number, the first rule matching a packet
/// decides, and anything unmatched is denied (`*`, rule 32767). Because the remote address is
/// any internet address, an earlier deny for part of the space only removes that part: the
/// first allow that still reaches a public address is the way through.
pub fn nacl_admits(
    acl: &NetworkAcl,
    egress: bool,
    family: Family,
    proto: Proto,
    ports: Ports,
) -> Option<NaclPass> {
    let mut entries: Vec<(usize, &NetworkAclEntry)> = acl
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.egress == egress && e.rule_number < 32767)
        .filter(|(_, e)| entry_proto(e).is_some_and(|p| p.admits(proto)))
        .collect();
    entries.sort_by_key(|(_, e)| e.rule_number);
    // Cut the asked ports where any rule's range starts or ends.
    let mut cuts: Vec<u32> = vec![ports.from as u32, ports.to as u32 + 1];
    for (_, e) in &entries {
        let r = entry_ports(e);
        for c in [r.from as u32, r.to as u32 + 1] {
            if c > ports.from as u32 && c <= ports.to as u32 {
                cuts.push(c);
            }
        }
    }
    cuts.sort();
    cuts.dedup();
    let public = subtract(
        &[Interval {
            start: 0,
            end: family.max(),
        }],
        &family.non_internet(),
    );
    for w in cuts.windows(2) {
        let seg = Ports {
            from: w[0] as u16,
            to: (w[1] - 1) as u16,
        };
        let mut remaining = public.clone();
        for (i, e) in &entries {
            if !entry_ports(e).contains(seg.from) {
                continue;
            }
            let Some(c) = entry_cidr(e, family) else {
                continue;
            };
            let matched = subtract(&remaining, &subtract(&remaining, &[c.interval()]));
            if matched.is_empty() {
                continue;
            }
            if e.rule_action.eq_ignore_ascii_case("allow") {
                return Some(NaclPass {
                    rule_number: e.rule_number,
                    field: format!("Entries[{i}]"),
                    cidr: match family {
                        Family::V4 => e.cidr_block.clone().unwrap_or_default(),
                        Family::V6 => e.ipv6_cidr_block.clone().unwrap_or_default(),
                    },
                    ports: seg,
                });
            }
            remaining = subtract(&remaining, &[c.interval()]);
            if remaining.is_empty() {
                break;
            }
        }
    }
    None
}
