//! CIDRs as integer intervals: parsing, unions, coverage of a whole address family.
//!
//! A block is parsed with `ipnet` (prefix length, host bits); what a set of blocks covers is
//! ours: the questions are "does this union of blocks cover that block" and "what is left of a
//! block once private space is taken out". `ipnet` can merge blocks (`aggregate`) but neither
//! subtracts nor answers coverage, and a difference of blocks is not a block; sorted integer
//! intervals answer both in one pass.

use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

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
    pub(super) fn max(self) -> u128 {
        match self {
            Family::V4 => u32::MAX as u128,
            Family::V6 => u128::MAX,
        }
    }
    /// Address ranges that are not the public internet (private, shared, loopback,
    /// link-local, unique-local): a rule that only admits these does not admit the internet.
    pub(super) fn non_internet(self) -> Vec<Interval> {
        let list = match self {
            Family::V4 => NON_INTERNET_V4,
            Family::V6 => NON_INTERNET_V6,
        };
        // Constants, checked by a test to all parse.
        list.iter()
            .filter_map(|c| Cidr::parse(c))
            .map(|c| c.interval())
            .collect()
    }
}

const NON_INTERNET_V4: &[&str] = &[
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.168.0.0/16",
];
const NON_INTERNET_V6: &[&str] = &["::1/128", "fc00::/7", "fe80::/10"];

impl std::fmt::Display for Cidr {
    /// The canonical form, as AWS returns it: `0.0.0.0/0`, `10.0.0.0/8`, `2001:db8::/32`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.family {
            // A V4 block holds at most 32 bits (parse masks them with `family.max()`).
            Family::V4 => write!(f, "{}/{}", Ipv4Addr::from(self.addr as u32), self.len),
            Family::V6 => write!(f, "{}/{}", Ipv6Addr::from(self.addr), self.len),
        }
    }
}

/// The canonical form of a written CIDR, when it parses.
pub fn canonical(text: &str) -> Option<String> {
    Cidr::parse(text).map(|c| c.to_string())
}

/// What evidence adds after a written CIDR whose address has host bits set, to say how AWS
/// reads it: ` (host bits set; AWS reads it as `0.0.0.0/0`, the whole internet)`. Empty for
/// a CIDR written in its canonical form, and for one that does not parse (reported apart).
pub fn read_as(text: &str) -> String {
    match Cidr::parse_written(text) {
        Some((c, true)) => {
            let whole = if c.len == 0 {
                format!(", the whole {} internet", c.family.label())
            } else {
                String::new()
            };
            format!(" (host bits set; AWS reads it as `{c}`{whole})")
        }
        _ => String::new(),
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
    /// Host bits are cleared: AWS reads `192.168.1.0/0` by its prefix length, as `0.0.0.0/0`
    /// (and stores it so), so every comparison is made on this canonical network.
    pub fn parse(text: &str) -> Option<Cidr> {
        Cidr::parse_written(text).map(|(c, _)| c)
    }

    /// [`Cidr::parse`], and whether the written address had host bits set.
    pub fn parse_written(text: &str) -> Option<(Cidr, bool)> {
        let text = text.trim();
        let (addr, len) = match text.split_once('/') {
            // Digits only: `u32::from_str` would also take `+8`, which AWS does not.
            Some((a, l))
                if !l.is_empty() && l.len() <= 3 && l.bytes().all(|b| b.is_ascii_digit()) =>
            {
                (a, Some(l.parse::<u32>().ok()?))
            }
            Some(_) => return None,
            None => (text, None),
        };
        // The address by the standard library's parser, which (unlike `ipnet`'s own) refuses
        // leading zeros (`010.0.0.0`): an address AWS may read otherwise is reported as
        // unreadable, never guessed at.
        let ip: IpAddr = addr.parse().ok()?;
        let written = match len {
            Some(len) => IpNet::new(ip, u8::try_from(len).ok()?).ok()?,
            None => IpNet::from(ip),
        };
        let net = written.trunc();
        let cidr = Cidr {
            family: match net {
                IpNet::V4(_) => Family::V4,
                IpNet::V6(_) => Family::V6,
            },
            addr: match net.network() {
                IpAddr::V4(a) => u128::from(u32::from(a)),
                IpAddr::V6(a) => u128::from(a),
            },
            len: u32::from(net.prefix_len()),
        };
        Some((cidr, net.addr() != written.addr()))
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

pub(super) fn host_mask(family: Family, len: u32) -> u128 {
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
pub(super) fn merge(mut v: Vec<Interval>) -> Vec<Interval> {
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

/// Whether a block holds any address of the public internet (not only private, shared,
/// loopback, link-local or unique-local space).
pub fn has_internet_addresses(c: &Cidr) -> bool {
    !subtract(&[c.interval()], &c.family.non_internet()).is_empty()
}

/// `from` minus every interval of `cut`.
pub(super) fn subtract(from: &[Interval], cut: &[Interval]) -> Vec<Interval> {
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
