//! Security group rules as grants, and the openings to the whole internet they add up to.

use super::*;
use crate::model::{IpPermission, SecurityGroup};

/// How an [`Unreadable`] names its owner.
pub const SECURITY_GROUP: &str = "security group";

/// One CIDR source of one security group ingress rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Grant {
    pub group_id: String,
    /// `IpPermissions[i].IpRanges[j]` or `IpPermissions[i].Ipv6Ranges[j]`.
    pub field: String,
    pub cidr_text: String,
    pub cidr: Cidr,
    pub proto: Proto,
    /// The rule's own ports (all ports for protocols without ports).
    pub ports: Ports,
}

impl Grant {
    /// The source as evidence shows it: the CIDR as written, and how AWS reads it when the
    /// written address has host bits set.
    pub fn source(&self) -> String {
        format!("`{}`{}", self.cidr_text, read_as(&self.cidr_text))
    }

    /// "`sg-1` IpPermissions[0].IpRanges[0] `0.0.0.0/0`": the rule source, for messages.
    pub fn reference(&self) -> String {
        format!("`{}` {} {}", self.group_id, self.field, self.source())
    }

    /// How much of the (protocol, port) space the grant covers; used to keep the widest
    /// rules when several explain the same opening.
    pub(super) fn breadth(&self) -> u32 {
        match self.proto {
            Proto::All => u32::MAX,
            _ => self.ports.width(),
        }
    }
}

/// What the ingress rules of some security groups say: the CIDR sources that could be read,
/// and the rule parts that could not (reported as not evaluated, never dropped).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    pub grants: Vec<Grant>,
    pub unreadable: Vec<Unreadable>,
}

/// The protocol and ports of one ingress rule, or the part that cannot be read.
pub fn rule_traffic(
    group_id: &str,
    index: usize,
    p: &IpPermission,
) -> Result<(Proto, Ports), Unreadable> {
    let Some(proto) = Proto::parse(&p.ip_protocol) else {
        return Err(Unreadable::new(
            SECURITY_GROUP,
            group_id,
            format!("IpPermissions[{index}].IpProtocol"),
            Problem::Protocol,
        ));
    };
    if !proto.has_ports() {
        // ICMP rules put the type and code in the port fields: not ports.
        return Ok((proto, Ports::ALL));
    }
    match Ports::parse_bounds(p.from_port, p.to_port) {
        Some(ports) => Ok((proto, ports)),
        None => Err(Unreadable::new(
            SECURITY_GROUP,
            group_id,
            format!("IpPermissions[{index}].FromPort/ToPort"),
            Problem::Ports,
        )),
    }
}

/// Every CIDR source of the ingress rules of `groups`, and every rule part that cannot be
/// read. Sources naming other security groups are left out of the grants: they do not admit
/// arbitrary addresses. Prefix list sources are unreadable: their entries are not in the input.
pub fn read_rules(groups: &[&SecurityGroup]) -> Rules {
    let mut out = Rules::default();
    for sg in groups {
        for (i, p) in sg.ip_permissions.iter().enumerate() {
            let (proto, ports) = match rule_traffic(&sg.group_id, i, p) {
                Ok(t) => t,
                Err(u) => {
                    out.unreadable.push(u);
                    continue;
                }
            };
            let v4 = p.ip_ranges.iter().enumerate().map(|(j, r)| {
                (
                    format!("IpPermissions[{i}].IpRanges[{j}]"),
                    "CidrIp",
                    Family::V4,
                    &r.cidr_ip,
                )
            });
            let v6 = p.ipv6_ranges.iter().enumerate().map(|(j, r)| {
                (
                    format!("IpPermissions[{i}].Ipv6Ranges[{j}]"),
                    "CidrIpv6",
                    Family::V6,
                    &r.cidr_ipv6,
                )
            });
            // The entries of a prefix list are not in the input: it may be `0.0.0.0/0`.
            for (j, _) in p.prefix_list_ids.iter().enumerate() {
                out.unreadable.push(Unreadable::new(
                    SECURITY_GROUP,
                    &sg.group_id,
                    format!("IpPermissions[{i}].PrefixListIds[{j}]"),
                    Problem::PrefixList,
                ));
            }
            for (field, key, family, text) in v4.chain(v6) {
                match Cidr::parse(text) {
                    Some(cidr) => out.grants.push(Grant {
                        group_id: sg.group_id.clone(),
                        field,
                        cidr_text: text.clone(),
                        cidr,
                        proto,
                        ports,
                    }),
                    None => out.unreadable.push(Unreadable::new(
                        SECURITY_GROUP,
                        &sg.group_id,
                        format!("{field}.{key}"),
                        Problem::Cidr(family),
                    )),
                }
            }
        }
    }
    out
}

/// A (protocol, port range, family) that the rules admit from the whole address space, and
/// the grants that together do it.
#[derive(Debug, Clone, PartialEq)]
pub struct Opening {
    pub family: Family,
    pub proto: Proto,
    pub ports: Ports,
    pub grants: Vec<Grant>,
}

impl Opening {
    /// Whether traffic of `proto` to `port` falls inside this opening.
    pub fn admits(&self, proto: Proto, port: u16) -> bool {
        self.proto.admits(proto) && (self.proto == Proto::All || self.ports.contains(port))
    }
}

/// Everything the grants admit from the whole internet. Security groups on one ENI are
/// additive, so ranges split across rules and groups combine — but only for traffic that
/// each of those rules admits (same protocol and port).
pub fn openings(grants: &[Grant]) -> Vec<Opening> {
    let mut out = Vec::new();
    for family in [Family::V4, Family::V6] {
        let fam: Vec<&Grant> = grants.iter().filter(|g| g.cidr.family == family).collect();
        // All-protocol rules first: they open every port of every protocol.
        let all: Vec<&Grant> = fam
            .iter()
            .copied()
            .filter(|g| g.proto == Proto::All)
            .collect();
        let all_open = minimal_cover(family, &all);
        if let Some(gs) = &all_open {
            out.push(Opening {
                family,
                proto: Proto::All,
                ports: Ports::ALL,
                grants: gs.clone(),
            });
        }
        let mut protos: Vec<Proto> = fam
            .iter()
            .map(|g| g.proto)
            .filter(|p| *p != Proto::All)
            .collect();
        protos.sort();
        protos.dedup();
        for proto in protos {
            let mine: Vec<&Grant> = fam
                .iter()
                .copied()
                .filter(|g| g.proto.admits(proto))
                .collect();
            // Cut the port space where any rule starts or ends: inside a segment every rule
            // either applies to every port or to none.
            let mut cuts: Vec<u32> = vec![0, 65536];
            for g in mine.iter().filter(|g| g.proto == proto) {
                cuts.push(g.ports.from as u32);
                cuts.push(g.ports.to as u32 + 1);
            }
            cuts.sort();
            cuts.dedup();
            let mut current: Option<Opening> = None;
            for w in cuts.windows(2) {
                let seg = Ports {
                    from: w[0] as u16,
                    to: (w[1] - 1) as u16,
                };
                let here: Vec<&Grant> = mine
                    .iter()
                    .copied()
                    .filter(|g| g.proto == Proto::All || g.ports.contains(seg.from))
                    .collect();
                let cover = minimal_cover(family, &here)
                    // Already reported as an all-protocol opening.
                    .filter(|gs| gs.iter().any(|g| g.proto != Proto::All));
                match (cover, current.as_mut()) {
                    (Some(gs), Some(cur)) if cur.grants == gs && cur.ports.to + 1 == seg.from => {
                        cur.ports.to = seg.to;
                    }
                    (cover, _) => {
                        out.extend(current.take());
                        current = cover.map(|gs| Opening {
                            family,
                            proto,
                            ports: seg,
                            grants: gs,
                        });
                    }
                }
            }
            out.extend(current);
        }
    }
    out
}

/// A smallest-ish subset of `grants` whose CIDRs still cover the whole `family` space, or
/// `None` if even all of them do not. Narrow rules are dropped first so that the evidence
/// names the broad rule that really opens the range.
pub(super) fn minimal_cover(family: Family, grants: &[&Grant]) -> Option<Vec<Grant>> {
    let cidrs: Vec<Cidr> = grants.iter().map(|g| g.cidr).collect();
    if !covers_all(family, &cidrs) {
        return None;
    }
    let mut keep: Vec<&Grant> = grants.to_vec();
    let mut order: Vec<usize> = (0..keep.len()).collect();
    order.sort_by_key(|&i| (keep[i].breadth(), std::cmp::Reverse(keep[i].cidr.len)));
    let mut dropped = vec![false; keep.len()];
    for i in order {
        dropped[i] = true;
        let rest: Vec<Cidr> = keep
            .iter()
            .zip(&dropped)
            .filter(|(_, d)| !**d)
            .map(|(g, _)| g.cidr)
            .collect();
        if !covers_all(family, &rest) {
            dropped[i] = false;
        }
    }
    let mut i = 0;
    keep.retain(|_| {
        let k = !dropped[i];
        i += 1;
        k
    });
    Some(keep.into_iter().cloned().collect())
}
