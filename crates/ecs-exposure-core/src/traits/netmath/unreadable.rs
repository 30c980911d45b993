//! Rule parts the network checks cannot read. A rule that cannot be read is never dropped:
//! a dropped rule could be the one that opens a service to the internet, so the checks report
//! it as not evaluated instead (a gap, which `--strict` turns into a failure).

use super::Family;

/// What is wrong with a rule part. Holds no input value: the message says what was expected,
/// never what was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Problem {
    /// The protocol is not one the network checks know.
    Protocol,
    /// The port range is not `0 <= from <= to <= 65535` (or `-1` for all ports).
    Ports,
    /// The address block is not a CIDR of this family.
    Cidr(Family),
    /// A network ACL entry names no address block at all.
    NoCidr,
    /// A network ACL entry is neither `allow` nor `deny`.
    Action,
    /// The source or destination is a managed prefix list, whose entries the input does not
    /// hold: it may hold `0.0.0.0/0`.
    PrefixList,
}

impl Problem {
    /// What the value should have been, for the message.
    pub fn expected(self) -> &'static str {
        match self {
            Problem::Protocol => {
                "the protocol is not known (expected `tcp`, `udp`, `icmp`, `icmpv6`, `-1`/`all` or a protocol number from 0 to 255)"
            }
            Problem::Ports => {
                "the port range is not valid (expected from and to ports with 0 <= from <= to <= 65535, or -1 for all ports)"
            }
            Problem::Cidr(Family::V4) => {
                "the address block is not a valid IPv4 CIDR (expected `a.b.c.d/n` with n from 0 to 32)"
            }
            Problem::Cidr(Family::V6) => {
                "the address block is not a valid IPv6 CIDR (expected `x:x::x/n` with n from 0 to 128)"
            }
            Problem::NoCidr => {
                "the entry names no address block (expected CidrBlock or Ipv6CidrBlock)"
            }
            Problem::Action => "the rule action is not known (expected `allow` or `deny`)",
            Problem::PrefixList => {
                "the addresses are a managed prefix list, whose entries are not in the input (they may include the whole internet)"
            }
        }
    }
}

/// One part of one rule that could not be read, and where it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Unreadable {
    /// `security group`, `network ACL`, `route table`, `subnet`.
    pub owner_kind: &'static str,
    /// The id of the group, ACL, table or subnet (an identifier, not a rule value).
    pub owner: String,
    /// Where in it, as the AWS CLI output names it: `IpPermissions[0].IpRanges[1].CidrIp`.
    pub field: String,
    pub problem: Problem,
}

impl Unreadable {
    pub fn new(
        owner_kind: &'static str,
        owner: &str,
        field: impl Into<String>,
        problem: Problem,
    ) -> Self {
        Unreadable {
            owner_kind,
            owner: owner.to_string(),
            field: field.into(),
            problem,
        }
    }

    /// The reason recorded as a gap: the same text for every service that meets the rule, so
    /// that the report lists the rule once with all the services it leaves unjudged.
    pub fn gap_reason(&self) -> String {
        format!("{self}; not evaluated, so whether it lets internet traffic through is unknown")
    }
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} `{}` {}: {}",
            self.owner_kind,
            self.owner,
            self.field,
            self.problem.expected()
        )
    }
}
