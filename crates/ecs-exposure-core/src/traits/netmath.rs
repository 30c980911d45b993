//! Network arithmetic shared by the network traits (`open-security-group`,
//! `internet-reachable`): CIDRs as integer intervals, unions of CIDRs, protocol and port
//! matching, security group "openings" and network ACL evaluation. Std only: the address
//! arithmetic is small enough that a dependency would cost more than it saves.

mod cidr;
mod nacl;
mod ports;
mod security_groups;
mod unreadable;

pub use cidr::*;
pub use nacl::*;
pub use ports::*;
pub use security_groups::*;
pub use unreadable::*;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        IpPermission, IpRange, Ipv6Range, NetworkAcl, NetworkAclEntry, PortRange, SecurityGroup,
    };

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
        assert!(Cidr::parse("10.0.0.0/+8").is_none());
        assert!(Cidr::parse("10.0.0.0/").is_none());
        assert!(Cidr::parse("10.0.0.0/0008").is_none());
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
        assert_eq!(Ports::parse_bounds(Some(-1), Some(-1)), Some(Ports::ALL));
        assert_eq!(Ports::parse_bounds(None, None), Some(Ports::ALL));
        assert_eq!(
            Ports::parse_bounds(Some(80), Some(80)).map(|p| p.to_string()),
            Some("port 80".to_string())
        );
        // Not guessed at: reversed, out of range, half missing.
        for (f, t) in [
            (Some(443), Some(80)),
            (Some(0), Some(65536)),
            (Some(-2), Some(80)),
            (Some(80), None),
            (None, Some(80)),
            (Some(-1), Some(80)),
        ] {
            assert_eq!(Ports::parse_bounds(f, t), None, "{f:?}..{t:?}");
        }
        assert_eq!(Proto::parse("tcpp"), None);
        assert_eq!(Proto::parse("256"), None);
    }

    fn grants_of(groups: &[&SecurityGroup]) -> Vec<Grant> {
        let rules = read_rules(groups);
        assert!(rules.unreadable.is_empty(), "{:?}", rules.unreadable);
        rules.grants
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
        let o = openings(&grants_of(&[&a, &b]));
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
        let o = openings(&grants_of(&[&a]));
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
        let o = openings(&grants_of(&[&a]));
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
        let o = openings(&grants_of(&[&b]));
        assert_eq!(o.len(), 1, "{o:#?}");
        assert_eq!((o[0].proto, o[0].ports), (TCP, Ports::one(443)));
    }

    #[test]
    fn private_ranges_do_not_open() {
        let a = sg("sg-a", vec![("tcp", 80, 80, vec!["10.0.0.0/8"])]);
        assert!(openings(&grants_of(&[&a])).is_empty());
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
        assert!(
            nacl_admits(&a, false, Family::V4, TCP, Ports::one(80))
                .unwrap()
                .is_none()
        );
        let pass = nacl_admits(&a, false, Family::V4, TCP, Ports::one(443))
            .unwrap()
            .unwrap();
        assert_eq!((pass.rule_number, pass.field.as_str()), (200, "Entries[0]"));
        // Nothing for egress, nothing for IPv6: implicit deny.
        assert!(
            nacl_admits(&a, true, Family::V4, TCP, Ports::EPHEMERAL)
                .unwrap()
                .is_none()
        );
        assert!(
            nacl_admits(&a, false, Family::V6, TCP, Ports::one(443))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn nacl_partial_deny_leaves_the_rest_of_the_internet() {
        let a = acl(vec![
            entry(50, false, "-1", "deny", "198.51.100.0/24", None),
            entry(100, false, "6", "allow", "0.0.0.0/0", Some((0, 65535))),
        ]);
        assert_eq!(
            nacl_admits(&a, false, Family::V4, TCP, Ports::one(80))
                .unwrap()
                .map(|p| p.rule_number),
            Some(100)
        );
        // An allow for private space only is not the internet.
        let b = acl(vec![entry(100, false, "-1", "allow", "10.0.0.0/8", None)]);
        assert!(
            nacl_admits(&b, false, Family::V4, TCP, Ports::one(80))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn nacl_ephemeral_return_path_and_ipv6() {
        let a = acl(vec![
            entry(100, true, "6", "allow", "::/0", Some((32768, 65535))),
            entry(110, true, "6", "deny", "::/0", Some((1024, 32767))),
        ]);
        let pass = nacl_admits(&a, true, Family::V6, TCP, Ports::EPHEMERAL)
            .unwrap()
            .unwrap();
        assert_eq!(pass.rule_number, 100);
        assert_eq!(
            pass.ports,
            Ports {
                from: 32768,
                to: 65535
            }
        );
        assert!(
            nacl_admits(&a, true, Family::V6, UDP, Ports::EPHEMERAL)
                .unwrap()
                .is_none()
        );
    }
    #[test]
    fn non_internet_constants_all_parse() {
        for family in [Family::V4, Family::V6] {
            let n = match family {
                Family::V4 => 7,
                Family::V6 => 3,
            };
            assert_eq!(family.non_internet().len(), n, "{family:?}");
        }
    }

    #[test]
    fn unreadable_rule_parts_are_kept_not_dropped() {
        let mut a = sg(
            "sg-a",
            vec![(
                "tcp",
                22,
                22,
                vec!["0.0.0.0/33", "not-a-cidr", "::/129", "10.0.0.0/8"],
            )],
        );
        let mut bad_ports = a.ip_permissions[0].clone();
        bad_ports.from_port = Some(443);
        bad_ports.to_port = Some(80);
        let mut bad_proto = a.ip_permissions[0].clone();
        bad_proto.ip_protocol = "tcpp".into();
        let mut icmp = a.ip_permissions[0].clone();
        // ICMP type 8, any code: not a port range, so not a problem.
        (icmp.ip_protocol, icmp.from_port, icmp.to_port) = ("icmp".into(), Some(8), Some(-1));
        icmp.ip_ranges.truncate(0);
        icmp.ipv6_ranges.truncate(0);
        a.ip_permissions.extend([bad_ports, bad_proto, icmp]);
        a.ip_permissions[0]
            .prefix_list_ids
            .push(crate::model::PrefixListId {
                prefix_list_id: "pl-0123".into(),
            });
        let rules = read_rules(&[&a]);
        // The readable private range is a grant; nothing else is.
        assert_eq!(rules.grants.len(), 1, "{:#?}", rules.grants);
        assert_eq!(rules.grants[0].cidr_text, "10.0.0.0/8");
        let got: Vec<(String, Problem)> = rules
            .unreadable
            .iter()
            .map(|u| (u.field.clone(), u.problem))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "IpPermissions[0].PrefixListIds[0]".to_string(),
                    Problem::PrefixList
                ),
                (
                    "IpPermissions[0].IpRanges[0].CidrIp".to_string(),
                    Problem::Cidr(Family::V4)
                ),
                (
                    "IpPermissions[0].IpRanges[1].CidrIp".to_string(),
                    Problem::Cidr(Family::V4)
                ),
                (
                    "IpPermissions[0].Ipv6Ranges[0].CidrIpv6".to_string(),
                    Problem::Cidr(Family::V6)
                ),
                (
                    "IpPermissions[1].FromPort/ToPort".to_string(),
                    Problem::Ports
                ),
                ("IpPermissions[2].IpProtocol".to_string(), Problem::Protocol),
            ]
        );
        let reason = rules.unreadable[1].gap_reason();
        assert!(reason.starts_with("security group `sg-a` IpPermissions[0].IpRanges[0].CidrIp: "));
        // Says what was expected, never what was found.
        assert!(!reason.contains("/33"), "{reason}");
    }

    #[test]
    fn host_bits_are_read_by_the_prefix_length_as_aws_reads_them() {
        assert_eq!(c("192.168.1.0/0"), c("0.0.0.0/0"));
        assert_eq!(c("10.0.0.5/8"), c("10.0.0.0/8"));
        assert_eq!(c("::1/0"), c("::/0"));
        assert!(covers_all(Family::V4, &[c("192.168.1.0/0")]));
        assert!(covers_all(Family::V6, &[c("::1/0")]));
        assert_eq!(canonical("192.168.1.0/0").as_deref(), Some("0.0.0.0/0"));
        assert_eq!(
            canonical("2001:db8::1/32").as_deref(),
            Some("2001:db8::/32")
        );
        assert_eq!(canonical(" 10.0.0.5/8").as_deref(), Some("10.0.0.0/8"));
        assert_eq!(
            read_as("192.168.1.0/0"),
            " (host bits set; AWS reads it as `0.0.0.0/0`, the whole IPv4 internet)"
        );
        assert_eq!(
            read_as("::1/0"),
            " (host bits set; AWS reads it as `::/0`, the whole IPv6 internet)"
        );
        assert_eq!(
            read_as("10.0.0.5/8"),
            " (host bits set; AWS reads it as `10.0.0.0/8`)"
        );
        // Written canonically (however spelt), or not a CIDR: nothing to add.
        for same in [
            "0.0.0.0/0",
            "0::/0",
            "10.0.0.0/8",
            "1.2.3.4",
            "not-a-cidr",
            "0.0.0.0/33",
        ] {
            assert_eq!(read_as(same), "", "{same}");
        }
    }

    #[test]
    fn nacl_entries_are_read_by_their_network() {
        let a = acl(vec![
            entry(100, false, "-1", "allow", "192.168.1.0/0", None),
            entry(100, true, "-1", "allow", "10.9.9.9/0", None),
        ]);
        let pass = nacl_admits(&a, false, Family::V4, TCP, Ports::one(80))
            .unwrap()
            .unwrap();
        assert_eq!(
            (pass.rule_number, pass.cidr.as_str()),
            (100, "192.168.1.0/0")
        );
        assert!(
            nacl_admits(&a, true, Family::V4, TCP, Ports::EPHEMERAL)
                .unwrap()
                .is_some()
        );
        // A deny written with host bits set closes the whole internet too.
        let d = acl(vec![
            entry(50, false, "-1", "deny", "172.16.0.1/0", None),
            entry(100, false, "-1", "allow", "0.0.0.0/0", None),
        ]);
        assert!(
            nacl_admits(&d, false, Family::V4, TCP, Ports::one(80))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn a_grant_names_how_aws_reads_its_source() {
        let a = sg("sg-a", vec![("tcp", 80, 80, vec!["192.168.1.0/0"])]);
        let g = &grants_of(&[&a])[0];
        assert_eq!(
            g.reference(),
            "`sg-a` IpPermissions[0].IpRanges[0] `192.168.1.0/0` (host bits set; AWS reads it as `0.0.0.0/0`, the whole IPv4 internet)"
        );
        let o = openings(&grants_of(&[&a]));
        assert_eq!(o.len(), 1, "{o:#?}");
    }

    #[test]
    fn a_host_bits_cidr_is_read_not_rejected() {
        // Its meaning is settled elsewhere; here it must simply not fail or panic.
        let a = sg("sg-a", vec![("tcp", 80, 80, vec!["192.168.1.0/0"])]);
        let rules = read_rules(&[&a]);
        assert!(rules.unreadable.is_empty());
        assert_eq!(rules.grants.len(), 1);
    }

    #[test]
    fn nacl_unreadable_entry_before_the_decision_is_not_evaluated() {
        for bad in [
            entry(90, false, "tcpp", "allow", "0.0.0.0/0", Some((80, 80))),
            entry(90, false, "6", "allow", "0.0.0.0/33", Some((80, 80))),
            entry(90, false, "6", "deny", "0.0.0.0/0", Some((90, 80))),
            entry(90, false, "6", "alow", "0.0.0.0/0", Some((80, 80))),
        ] {
            let a = acl(vec![
                bad.clone(),
                entry(100, false, "-1", "allow", "0.0.0.0/0", None),
            ]);
            let err = nacl_admits(&a, false, Family::V4, TCP, Ports::one(80)).unwrap_err();
            assert_eq!(err.owner, "acl-1");
            assert!(err.field.starts_with("Entries[0]."), "{err}");
            assert!(err.field.ends_with("(rule 90)"), "{err}");
        }
        // An invalid deny with nothing after it: the implicit deny would not let it through,
        // but the entry could also have been an allow: still not evaluated.
        let a = acl(vec![entry(
            90,
            false,
            "6",
            "allow",
            "not-a-cidr",
            Some((80, 80)),
        )]);
        assert!(nacl_admits(&a, false, Family::V4, TCP, Ports::one(80)).is_err());
        // No address block at all.
        let mut none = entry(90, false, "6", "allow", "0.0.0.0/0", Some((80, 80)));
        none.cidr_block = None;
        let a = acl(vec![none]);
        assert_eq!(
            nacl_admits(&a, false, Family::V4, TCP, Ports::one(80))
                .unwrap_err()
                .problem,
            Problem::NoCidr
        );
        // A TCP entry without a port range.
        let a = acl(vec![entry(90, false, "6", "allow", "0.0.0.0/0", None)]);
        assert_eq!(
            nacl_admits(&a, false, Family::V4, TCP, Ports::one(80))
                .unwrap_err()
                .problem,
            Problem::Ports
        );
    }

    #[test]
    fn nacl_unreadable_entry_that_cannot_matter_is_ignored() {
        let a = acl(vec![
            // After the allow that decides.
            entry(200, false, "tcpp", "deny", "0.0.0.0/0", None),
            entry(100, false, "-1", "allow", "0.0.0.0/0", None),
            // A UDP entry with a bad block says nothing about TCP.
            entry(50, false, "17", "deny", "0.0.0.0/33", Some((0, 65535))),
            // A bad IPv6 block says nothing about IPv4.
            entry(60, false, "6", "deny", "::/129", Some((0, 65535))),
            // Another port.
            entry(70, false, "6", "deny", "not-a-cidr", Some((22, 22))),
        ]);
        let pass = nacl_admits(&a, false, Family::V4, TCP, Ports::one(80))
            .unwrap()
            .unwrap();
        assert_eq!(pass.rule_number, 100);
        // A clean allow on one port is an answer even if another port's entry is unreadable.
        let b = acl(vec![
            entry(50, true, "6", "deny", "not-a-cidr", Some((1024, 2000))),
            entry(100, true, "-1", "allow", "0.0.0.0/0", None),
        ]);
        assert_eq!(
            nacl_admits(&b, true, Family::V4, TCP, Ports::EPHEMERAL)
                .unwrap()
                .map(|p| p.ports.from),
            Some(2001)
        );
    }
}
