//! Network arithmetic shared by the network traits (`open-security-group`,
//! `internet-reachable`): CIDRs as integer intervals, unions of CIDRs, protocol and port
//! matching, security group "openings" and network ACL evaluation. Std only: the address
//! arithmetic is small enough that a dependency would cost more than it saves.

use crate::model::{NetworkAcl, NetworkAclEntry, SecurityGroup};
use std::net::{Ipv4Addr, Ipv6Addr};

/// IPv4 or IPv6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    pub fn bits(self) -> u32 {
        match self {
            Family::V4 => 32,
            Family::V6 => 128,
        }
    }
    /// The whole address space, as AWS writes it.
    pub fn everything(self) -> &'static str {
        match self {
            Family::V4 => "0.0.0.0/0",
            Family::V6 => "::/0",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        }
    }
    fn max(self) -> u128 {
        match self {
            Family::V4 => u32::MAX as u128,
            Family::V6 => u128::MAX,
        }
    }
    /// Address ranges that are not the public internet (private, shared, loopback,
    /// link-local, unique-local): a rule that only admits these does not admit the internet.
    fn non_internet(self) -> Vec<Interval> {
        let list: &[&str] = match self {
            Family::V4 => &[
                "0.0.0.0/8",
                "10.0.0.0/8",
                "100.64.0.0/10",
                "127.0.0.0/8",
                "169.254.0.0/16",
                "172.16.0.0/12",
                "192.168.0.0/16",
            ],
            Family::V6 => &["::1/128", "fc00::/7", "fe80::/10"],
        };
        list.iter()
            .filter_map(|c| Cidr::parse(c))
            .map(|c| c.interval())
            .collect()
    }
}

/// A closed interval of addresses `[start, end]` within one family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Interval {
    pub start: u128,
    pub end: u128,
}

/// A parsed CIDR block (host bits cleared).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    pub family: Family,
    pub addr: u128,
    pub len: u32,
}

impl Cidr {
    /// Parses `a.b.c.d/n` or `x::y/n`; a bare address is a host route. `None` when malformed.
    pub fn parse(text: &str) -> Option<Cidr> {
        let text = text.trim();
        let (addr, len) = match text.split_once('/') {
            Some((a, l)) => (a, Some(l.parse::<u32>().ok()?)),
            None => (text, None),
        };
        let (family, raw) = if let Ok(v4) = addr.parse::<Ipv4Addr>() {
            (Family::V4, u32::from(v4) as u128)
        } else if let Ok(v6) = addr.parse::<Ipv6Addr>() {
            (Family::V6, u128::from(v6))
        } else {
            return None;
        };
        let len = len.unwrap_or(family.bits());
        if len > family.bits() {
            return None;
        }
        let host = host_mask(family, len);
        Some(Cidr {
            family,
            addr: raw & !host & family.max(),
            len,
        })
    }

    pub fn interval(&self) -> Interval {
        Interval {
            start: self.addr,
            end: self.addr | host_mask(self.family, self.len),
        }
    }

    /// Whether `other` lies entirely inside this block.
    pub fn contains(&self, other: &Cidr) -> bool {
        self.family == other.family && {
            let (a, b) = (self.interval(), other.interval());
            a.start <= b.start && b.end <= a.end
        }
    }
}

fn host_mask(family: Family, len: u32) -> u128 {
    let host_bits = family.bits() - len;
    if host_bits == 0 {
        0
    } else if host_bits == 128 {
        u128::MAX
    } else {
        (1u128 << host_bits) - 1
    }
}

/// Sorts and merges intervals (adjacent ones too).
fn merge(mut v: Vec<Interval>) -> Vec<Interval> {
    v.sort();
    let mut out: Vec<Interval> = Vec::with_capacity(v.len());
    for i in v {
        match out.last_mut() {
            Some(last) if last.end == u128::MAX || i.start <= last.end + 1 => {
                last.end = last.end.max(i.end);
            }
            _ => out.push(i),
        }
    }
    out
}

/// Whether the union of `blocks` covers all of `target` (blocks of another family are ignored).
pub fn union_covers(target: &Cidr, blocks: &[Cidr]) -> bool {
    let t = target.interval();
    let mut next = t.start;
    for i in merge(
        blocks
            .iter()
            .filter(|b| b.family == target.family)
            .map(Cidr::interval)
            .collect(),
    ) {
        if i.end < next {
            continue;
        }
        if i.start > next {
            return false;
        }
        if i.end >= t.end {
            return true;
        }
        next = i.end + 1;
    }
    false
}

/// Whether the union of `blocks` covers the whole address space of `family`.
pub fn covers_all(family: Family, blocks: &[Cidr]) -> bool {
    let all = Cidr {
        family,
        addr: 0,
        len: 0,
    };
    union_covers(&all, blocks)
}

/// `from` minus every interval of `cut`.
fn subtract(from: &[Interval], cut: &[Interval]) -> Vec<Interval> {
    let mut out = Vec::new();
    for f in from {
        let mut pieces = vec![*f];
        for c in cut {
            pieces = pieces
                .into_iter()
                .flat_map(|p| {
                    let mut rest = Vec::new();
                    if c.end < p.start || c.start > p.end {
                        rest.push(p);
                    } else {
                        if c.start > p.start {
                            rest.push(Interval {
                                start: p.start,
                                end: c.start - 1,
                            });
                        }
                        if c.end < p.end {
                            rest.push(Interval {
                                start: c.end + 1,
                                end: p.end,
                            });
                        }
                    }
                    rest
                })
                .collect();
        }
        out.extend(pieces);
    }
    out
}

/// An IP protocol as SGs and NACLs name it, normalised to its number; `All` is `-1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Proto {
    All,
    Number(u8),
}

pub const TCP: Proto = Proto::Number(6);
pub const UDP: Proto = Proto::Number(17);

impl Proto {
    /// `tcp`/`udp`/`icmp`/`icmpv6`, a number as text, or `-1`/`all`. `None` when unknown.
    pub fn parse(text: &str) -> Option<Proto> {
        match text.trim().to_ascii_lowercase().as_str() {
            "-1" | "all" => Some(Proto::All),
            "tcp" => Some(TCP),
            "udp" => Some(UDP),
            "icmp" => Some(Proto::Number(1)),
            "icmpv6" => Some(Proto::Number(58)),
            n => n.parse::<u8>().ok().map(Proto::Number),
        }
    }

    /// Whether the protocol has ports (TCP, UDP); for the others a rule covers the protocol
    /// as a whole.
    pub fn has_ports(self) -> bool {
        matches!(self, Proto::Number(6) | Proto::Number(17))
    }

    /// Whether a rule for `self` applies to traffic of protocol `other`.
    pub fn admits(self, other: Proto) -> bool {
        self == Proto::All || self == other
    }

    /// `tcp`, `udp`, `all` or the number, for messages.
    pub fn name(self) -> String {
        match self {
            Proto::All => "all protocols".into(),
            Proto::Number(6) => "tcp".into(),
            Proto::Number(17) => "udp".into(),
            Proto::Number(1) => "icmp".into(),
            Proto::Number(58) => "icmpv6".into(),
            Proto::Number(n) => format!("protocol {n}"),
        }
    }

    /// The `IpProtocol` value the AWS CLI expects.
    pub fn cli(self) -> String {
        match self {
            Proto::All => "-1".into(),
            Proto::Number(6) => "tcp".into(),
            Proto::Number(17) => "udp".into(),
            Proto::Number(1) => "icmp".into(),
            Proto::Number(58) => "icmpv6".into(),
            Proto::Number(n) => n.to_string(),
        }
    }
}

/// An inclusive port range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ports {
    pub from: u16,
    pub to: u16,
}

impl Ports {
    pub const ALL: Ports = Ports { from: 0, to: 65535 };
    /// The ephemeral range that the return traffic of a connection goes to.
    pub const EPHEMERAL: Ports = Ports {
        from: 1024,
        to: 65535,
    };

    pub fn one(port: u16) -> Ports {
        Ports {
            from: port,
            to: port,
        }
    }

    /// From an SG/NACL pair of optional bounds; a missing or negative bound means "all".
    pub fn from_bounds(from: Option<i32>, to: Option<i32>) -> Ports {
        match (from, to) {
            (Some(f), Some(t)) if f >= 0 && t >= 0 && f <= t => Ports {
                from: f.min(65535) as u16,
                to: t.min(65535) as u16,
            },
            _ => Ports::ALL,
        }
    }

    pub fn contains(&self, port: u16) -> bool {
        self.from <= port && port <= self.to
    }

    pub fn width(&self) -> u32 {
        self.to as u32 - self.from as u32 + 1
    }
}

impl std::fmt::Display for Ports {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if *self == Ports::ALL {
            f.write_str("all ports")
        } else if self.from == self.to {
            write!(f, "port {}", self.from)
        } else {
            write!(f, "ports {}-{}", self.from, self.to)
        }
    }
}

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
    /// How much of the (protocol, port) space the grant covers; used to keep the widest
    /// rules when several explain the same opening.
    fn breadth(&self) -> u32 {
        match self.proto {
            Proto::All => u32::MAX,
            _ => self.ports.width(),
        }
    }
}

/// Every CIDR source of the ingress rules of `groups`. Rules naming other security groups or
/// prefix lists are left out: they do not admit arbitrary addresses.
pub fn grants(groups: &[&SecurityGroup]) -> Vec<Grant> {
    let mut out = Vec::new();
    for sg in groups {
        for (i, p) in sg.ip_permissions.iter().enumerate() {
            let Some(proto) = Proto::parse(&p.ip_protocol) else {
                continue;
            };
            let ports = if proto.has_ports() {
                Ports::from_bounds(p.from_port, p.to_port)
            } else {
                Ports::ALL
            };
            let v4 = p
                .ip_ranges
                .iter()
                .enumerate()
                .map(|(j, r)| (format!("IpPermissions[{i}].IpRanges[{j}]"), &r.cidr_ip));
            let v6 = p
                .ipv6_ranges
                .iter()
                .enumerate()
                .map(|(j, r)| (format!("IpPermissions[{i}].Ipv6Ranges[{j}]"), &r.cidr_ipv6));
            for (field, text) in v4.chain(v6) {
                if let Some(cidr) = Cidr::parse(text) {
                    out.push(Grant {
                        group_id: sg.group_id.clone(),
                        field,
                        cidr_text: text.clone(),
                        cidr,
                        proto,
                        ports,
                    });
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
fn minimal_cover(family: Family, grants: &[&Grant]) -> Option<Vec<Grant>> {
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

fn entry_proto(e: &NetworkAclEntry) -> Option<Proto> {
    Proto::parse(&e.protocol)
}

fn entry_ports(e: &NetworkAclEntry) -> Ports {
    match (entry_proto(e), &e.port_range) {
        (Some(p), Some(r)) if p.has_ports() => Ports::from_bounds(r.from, r.to),
        _ => Ports::ALL,
    }
}

fn entry_cidr(e: &NetworkAclEntry, family: Family) -> Option<Cidr> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{IpPermission, IpRange, Ipv6Range, PortRange};

    fn c(s: &str) -> Cidr {
        Cidr::parse(s).unwrap()
    }

    #[test]
    fn parses_and_normalises() {
        let a = c("10.1.2.3/8");
        assert_eq!(a.interval().start, 10 << 24);
        assert_eq!(a.interval().end, (11 << 24) - 1);
        assert_eq!(c("0.0.0.0/0").interval().end, u32::MAX as u128);
        assert_eq!(c("::/0").interval().end, u128::MAX);
        assert_eq!(c("1.2.3.4").len, 32);
        assert_eq!(c("2001:db8::/32").family, Family::V6);
        assert!(Cidr::parse("10.0.0.0/33").is_none());
        assert!(Cidr::parse("::/129").is_none());
        assert!(Cidr::parse("banana/8").is_none());
        assert!(Cidr::parse("10.0.0.0/x").is_none());
        assert!(c("10.0.0.0/8").contains(&c("10.20.0.0/16")));
        assert!(!c("10.0.0.0/16").contains(&c("10.0.0.0/8")));
        assert!(!c("::/0").contains(&c("10.0.0.0/8")));
    }

    #[test]
    fn union_covering_the_whole_space() {
        assert!(covers_all(Family::V4, &[c("0.0.0.0/0")]));
        assert!(covers_all(Family::V4, &[c("128.0.0.0/1"), c("0.0.0.0/1")]));
        assert!(covers_all(
            Family::V4,
            &[c("0.0.0.0/2"), c("64.0.0.0/2"), c("128.0.0.0/1")]
        ));
        // Overlaps are fine, holes are not.
        assert!(covers_all(
            Family::V4,
            &[c("0.0.0.0/1"), c("0.0.0.0/2"), c("128.0.0.0/1")]
        ));
        assert!(!covers_all(Family::V4, &[c("0.0.0.0/1"), c("128.0.0.0/2")]));
        assert!(!covers_all(Family::V4, &[c("0.0.0.0/1"), c("192.0.0.0/2")]));
        assert!(!covers_all(Family::V4, &[]));
        // The other family never counts.
        assert!(!covers_all(Family::V4, &[c("::/0")]));
        assert!(!covers_all(Family::V6, &[c("0.0.0.0/0")]));
    }

    #[test]
    fn ipv6_union_reaches_the_top_of_the_space() {
        assert!(covers_all(Family::V6, &[c("::/0")]));
        assert!(covers_all(Family::V6, &[c("::/1"), c("8000::/1")]));
        assert!(covers_all(
            Family::V6,
            &[c("8000::/1"), c("::/2"), c("4000::/2")]
        ));
        assert!(!covers_all(Family::V6, &[c("::/1"), c("8000::/2")]));
        assert!(!covers_all(Family::V6, &[c("2000::/3")]));
    }

    #[test]
    fn union_covers_a_subnet() {
        let subnets = [c("10.0.0.0/24"), c("10.0.1.0/24")];
        assert!(union_covers(&c("10.0.1.0/24"), &subnets));
        assert!(union_covers(&c("10.0.0.0/23"), &subnets));
        assert!(!union_covers(&c("10.0.0.0/22"), &subnets));
    }

    #[test]
    fn protocols() {
        assert_eq!(Proto::parse("tcp"), Some(TCP));
        assert_eq!(Proto::parse("6"), Some(TCP));
        assert_eq!(Proto::parse("-1"), Some(Proto::All));
        assert!(Proto::All.admits(UDP));
        assert!(!TCP.admits(UDP));
        assert_eq!(Ports::from_bounds(Some(-1), Some(-1)), Ports::ALL);
        assert_eq!(
            Ports::from_bounds(Some(80), Some(80)).to_string(),
            "port 80"
        );
    }

    fn sg(id: &str, perms: Vec<(&str, i32, i32, Vec<&str>)>) -> SecurityGroup {
        SecurityGroup {
            group_id: id.into(),
            group_name: None,
            vpc_id: None,
            owner_id: None,
            ip_permissions: perms
                .into_iter()
                .map(|(p, f, t, cidrs)| IpPermission {
                    ip_protocol: p.into(),
                    from_port: Some(f),
                    to_port: Some(t),
                    ip_ranges: cidrs
                        .iter()
                        .filter(|c| !c.contains(':'))
                        .map(|c| IpRange {
                            cidr_ip: c.to_string(),
                            description: None,
                        })
                        .collect(),
                    ipv6_ranges: cidrs
                        .iter()
                        .filter(|c| c.contains(':'))
                        .map(|c| Ipv6Range {
                            cidr_ipv6: c.to_string(),
                            description: None,
                        })
                        .collect(),
                    user_id_group_pairs: vec![],
                    prefix_list_ids: vec![],
                })
                .collect(),
        }
    }

    #[test]
    fn openings_combine_across_groups_only_on_the_same_port() {
        let a = sg("sg-a", vec![("tcp", 80, 80, vec!["0.0.0.0/1"])]);
        let b = sg(
            "sg-b",
            vec![
                ("tcp", 80, 443, vec!["128.0.0.0/1"]),
                ("tcp", 22, 22, vec!["128.0.0.0/1"]),
            ],
        );
        let o = openings(&grants(&[&a, &b]));
        assert_eq!(o.len(), 1, "{o:#?}");
        assert_eq!(o[0].ports, Ports::one(80));
        assert_eq!(o[0].grants.len(), 2);
        assert!(o[0].admits(TCP, 80) && !o[0].admits(TCP, 22) && !o[0].admits(UDP, 80));
    }

    #[test]
    fn a_broad_rule_explains_a_redundant_narrow_one() {
        let a = sg(
            "sg-a",
            vec![
                ("tcp", 0, 65535, vec!["0.0.0.0/0"]),
                ("tcp", 80, 80, vec!["0.0.0.0/0"]),
            ],
        );
        let o = openings(&grants(&[&a]));
        assert_eq!(o.len(), 1, "{o:#?}");
        assert_eq!(o[0].ports, Ports::ALL);
        assert_eq!(o[0].grants[0].field, "IpPermissions[0].IpRanges[0]");
    }

    #[test]
    fn all_protocol_rules_open_everything_once() {
        let a = sg(
            "sg-a",
            vec![("-1", -1, -1, vec!["::/0"]), ("tcp", 22, 22, vec!["::/0"])],
        );
        let o = openings(&grants(&[&a]));
        assert_eq!(o.len(), 1, "{o:#?}");
        assert_eq!((o[0].family, o[0].proto), (Family::V6, Proto::All));
        assert!(o[0].admits(UDP, 53));
        // An all-protocol half plus a tcp half opens tcp only.
        let b = sg(
            "sg-b",
            vec![
                ("-1", -1, -1, vec!["0.0.0.0/1"]),
                ("tcp", 443, 443, vec!["128.0.0.0/1"]),
            ],
        );
        let o = openings(&grants(&[&b]));
        assert_eq!(o.len(), 1, "{o:#?}");
        assert_eq!((o[0].proto, o[0].ports), (TCP, Ports::one(443)));
    }

    #[test]
    fn private_ranges_do_not_open() {
        let a = sg("sg-a", vec![("tcp", 80, 80, vec!["10.0.0.0/8"])]);
        assert!(openings(&grants(&[&a])).is_empty());
    }

    fn entry(
        n: i64,
        egress: bool,
        proto: &str,
        action: &str,
        cidr: &str,
        ports: Option<(i32, i32)>,
    ) -> NetworkAclEntry {
        NetworkAclEntry {
            rule_number: n,
            protocol: proto.into(),
            rule_action: action.into(),
            egress,
            cidr_block: (!cidr.contains(':')).then(|| cidr.to_string()),
            ipv6_cidr_block: cidr.contains(':').then(|| cidr.to_string()),
            port_range: ports.map(|(f, t)| PortRange {
                from: Some(f),
                to: Some(t),
            }),
        }
    }

    fn acl(entries: Vec<NetworkAclEntry>) -> NetworkAcl {
        NetworkAcl {
            network_acl_id: "acl-1".into(),
            vpc_id: "vpc-1".into(),
            is_default: false,
            associations: vec![],
            entries,
        }
    }

    #[test]
    fn nacl_first_match_wins_in_rule_number_order() {
        // Listed out of order on purpose: evaluation follows rule numbers.
        let a = acl(vec![
            entry(200, false, "-1", "allow", "0.0.0.0/0", None),
            entry(100, false, "6", "deny", "0.0.0.0/0", Some((80, 80))),
            entry(32767, false, "-1", "deny", "0.0.0.0/0", None),
        ]);
        assert!(nacl_admits(&a, false, Family::V4, TCP, Ports::one(80)).is_none());
        let pass = nacl_admits(&a, false, Family::V4, TCP, Ports::one(443)).unwrap();
        assert_eq!((pass.rule_number, pass.field.as_str()), (200, "Entries[0]"));
        // Nothing for egress, nothing for IPv6: implicit deny.
        assert!(nacl_admits(&a, true, Family::V4, TCP, Ports::EPHEMERAL).is_none());
        assert!(nacl_admits(&a, false, Family::V6, TCP, Ports::one(443)).is_none());
    }

    #[test]
    fn nacl_partial_deny_leaves_the_rest_of_the_internet() {
        let a = acl(vec![
            entry(50, false, "-1", "deny", "198.51.100.0/24", None),
            entry(100, false, "6", "allow", "0.0.0.0/0", Some((0, 65535))),
        ]);
        assert_eq!(
            nacl_admits(&a, false, Family::V4, TCP, Ports::one(80)).map(|p| p.rule_number),
            Some(100)
        );
        // An allow for private space only is not the internet.
        let b = acl(vec![entry(100, false, "-1", "allow", "10.0.0.0/8", None)]);
        assert!(nacl_admits(&b, false, Family::V4, TCP, Ports::one(80)).is_none());
    }

    #[test]
    fn nacl_ephemeral_return_path_and_ipv6() {
        let a = acl(vec![
            entry(100, true, "6", "allow", "::/0", Some((32768, 65535))),
            entry(110, true, "6", "deny", "::/0", Some((1024, 32767))),
        ]);
        let pass = nacl_admits(&a, true, Family::V6, TCP, Ports::EPHEMERAL).unwrap();
        assert_eq!(pass.rule_number, 100);
        assert_eq!(
            pass.ports,
            Ports {
                from: 32768,
                to: 65535
            }
        );
        assert!(nacl_admits(&a, true, Family::V6, UDP, Ports::EPHEMERAL).is_none());
    }
}
