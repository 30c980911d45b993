//! Protocols and port ranges as security groups and network ACLs state them.

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

    /// From an SG/NACL pair of optional bounds: both missing or both `-1` mean all ports
    /// (how AWS writes a rule without ports), otherwise `0 <= from <= to <= 65535`. `None`
    /// for anything else (one bound missing, out of range, reversed): such a range is not
    /// guessed at, since a wrong guess could hide an opening.
    pub fn parse_bounds(from: Option<i32>, to: Option<i32>) -> Option<Ports> {
        match (from, to) {
            (None, None) | (Some(-1), Some(-1)) => Some(Ports::ALL),
            (Some(f), Some(t)) if 0 <= f && f <= t && t <= 65535 => Some(Ports {
                from: u16::try_from(f).ok()?,
                to: u16::try_from(t).ok()?,
            }),
            _ => None,
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
