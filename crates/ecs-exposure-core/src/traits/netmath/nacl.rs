//! Network ACL evaluation: rules in number order, first match wins, stateless replies.

use super::*;
use crate::model::{NetworkAcl, NetworkAclEntry};

/// How an [`Unreadable`] names its owner.
pub const NETWORK_ACL: &str = "network ACL";

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

/// One entry as far as it can be read for one address family: each part is known, or the
/// problem with it, with the name of the field it is in.
struct Entry<'a> {
    index: usize,
    e: &'a NetworkAclEntry,
    proto: Result<Proto, (Problem, &'static str)>,
    /// All ports for protocols without ports.
    ports: Result<Ports, (Problem, &'static str)>,
    /// `Ok(None)`: the entry is for the other family only.
    cidr: Result<Option<Cidr>, (Problem, &'static str)>,
    allow: Result<bool, (Problem, &'static str)>,
}

impl Entry<'_> {
    fn read(index: usize, e: &NetworkAclEntry, family: Family) -> Entry<'_> {
        let proto = Proto::parse(&e.protocol).ok_or((Problem::Protocol, "Protocol"));
        let ports = match proto {
            // AWS always states the range of a TCP or UDP entry: a missing bound is not
            // "all ports" but a range that cannot be read.
            Ok(p) if p.has_ports() => e
                .port_range
                .as_ref()
                .filter(|r| r.from.is_some() && r.to.is_some())
                .and_then(|r| Ports::parse_bounds(r.from, r.to))
                .ok_or((Problem::Ports, "PortRange")),
            _ => Ok(Ports::ALL),
        };
        let (text, key) = match family {
            Family::V4 => (e.cidr_block.as_deref(), "CidrBlock"),
            Family::V6 => (e.ipv6_cidr_block.as_deref(), "Ipv6CidrBlock"),
        };
        let cidr = match text {
            Some(t) => Cidr::parse(t)
                .filter(|c| c.family == family)
                .map(Some)
                .ok_or((Problem::Cidr(family), key)),
            None if e.cidr_block.is_none() && e.ipv6_cidr_block.is_none() => {
                Err((Problem::NoCidr, "CidrBlock"))
            }
            None => Ok(None),
        };
        let allow = match e.rule_action.to_ascii_lowercase().as_str() {
            "allow" => Ok(true),
            "deny" => Ok(false),
            _ => Err((Problem::Action, "RuleAction")),
        };
        Entry {
            index,
            e,
            proto,
            ports,
            cidr,
            allow,
        }
    }

    /// The first part that cannot be read, if any.
    fn problem(&self) -> Option<(Problem, &'static str)> {
        [
            self.proto.err(),
            self.ports.err(),
            self.cidr.err(),
            self.allow.err(),
        ]
        .into_iter()
        .flatten()
        .next()
    }
}

/// Whether `acl` lets traffic of `proto` on some port of `ports` pass in direction `egress`
/// between the subnet and some public internet address of `family`.
///
/// Rules are evaluated as AWS does: ascending rule number, the first rule matching a packet
/// decides, and anything unmatched is denied (`*`, rule 32767). Because the remote address is
/// any internet address, an earlier deny for part of the space only removes that part: the
/// first allow that still reaches a public address is the way through.
///
/// An entry with a part that cannot be read (protocol, ports, address block, action) is not
/// skipped: if it is met before the traffic is decided, the answer is `Err` naming it, since
/// it could be the allow that lets the traffic in or the deny that stops it. Parts that can be
/// read still count, so an unreadable address block on a UDP entry does not matter to TCP.
pub fn nacl_admits(
    acl: &NetworkAcl,
    egress: bool,
    family: Family,
    proto: Proto,
    ports: Ports,
) -> Result<Option<NaclPass>, Unreadable> {
    let mut entries: Vec<Entry<'_>> = acl
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.egress == egress && e.rule_number < 32767)
        .map(|(i, e)| Entry::read(i, e, family))
        .collect();
    entries.sort_by_key(|x| x.e.rule_number);
    // Cut the asked ports where any rule's range starts or ends.
    let mut cuts: Vec<u32> = vec![ports.from as u32, ports.to as u32 + 1];
    for x in &entries {
        let Ok(r) = x.ports else { continue };
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
    let mut unknown: Option<Unreadable> = None;
    'segments: for w in cuts.windows(2) {
        let seg = Ports {
            from: w[0] as u16,
            to: (w[1] - 1) as u16,
        };
        let mut remaining = public.clone();
        for x in &entries {
            // Parts that can be read may rule the entry out whatever the others say.
            if x.proto.is_ok_and(|p| !p.admits(proto))
                || x.ports.is_ok_and(|r| !r.contains(seg.from))
            {
                continue;
            }
            let cidr = match x.cidr {
                Ok(None) => continue,
                Ok(Some(c)) => Some(c),
                Err(_) => None,
            };
            if let Some(c) = cidr
                && subtract(&remaining, &subtract(&remaining, &[c.interval()])).is_empty()
            {
                continue;
            }
            if let Some((problem, key)) = x.problem() {
                unknown.get_or_insert_with(|| {
                    Unreadable::new(
                        NETWORK_ACL,
                        &acl.network_acl_id,
                        format!("Entries[{}].{key} (rule {})", x.index, x.e.rule_number),
                        problem,
                    )
                });
                continue 'segments;
            }
            let Some(c) = cidr else { continue };
            if x.allow == Ok(true) {
                return Ok(Some(NaclPass {
                    rule_number: x.e.rule_number,
                    field: format!("Entries[{}]", x.index),
                    cidr: match family {
                        Family::V4 => x.e.cidr_block.clone().unwrap_or_default(),
                        Family::V6 => x.e.ipv6_cidr_block.clone().unwrap_or_default(),
                    },
                    ports: seg,
                }));
            }
            remaining = subtract(&remaining, &[c.interval()]);
            if remaining.is_empty() {
                break;
            }
        }
    }
    match unknown {
        Some(u) => Err(u),
        None => Ok(None),
    }
}
