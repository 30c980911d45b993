//! EC2: describe-security-groups, -subnets, -route-tables, -network-acls, -internet-gateways.

use super::Obj;
use aws_sdk_ec2::types as t;
use serde_json::Value;

pub fn security_group(g: &t::SecurityGroup) -> Value {
    Obj::new()
        .s("GroupId", g.group_id())
        .s("GroupName", g.group_name())
        .s("Description", g.description())
        .s("VpcId", g.vpc_id())
        .s("OwnerId", g.owner_id())
        .list("IpPermissions", g.ip_permissions(), permission)
        .list("IpPermissionsEgress", g.ip_permissions_egress(), permission)
        .done()
}

fn permission(p: &t::IpPermission) -> Value {
    Obj::new()
        .s("IpProtocol", p.ip_protocol())
        .i("FromPort", p.from_port().map(i64::from))
        .i("ToPort", p.to_port().map(i64::from))
        .list("IpRanges", p.ip_ranges(), |r| {
            Obj::new()
                .s("CidrIp", r.cidr_ip())
                .s("Description", r.description())
                .done()
        })
        .list("Ipv6Ranges", p.ipv6_ranges(), |r| {
            Obj::new()
                .s("CidrIpv6", r.cidr_ipv6())
                .s("Description", r.description())
                .done()
        })
        .list("UserIdGroupPairs", p.user_id_group_pairs(), |u| {
            Obj::new()
                .s("GroupId", u.group_id())
                .s("UserId", u.user_id())
                .done()
        })
        .list("PrefixListIds", p.prefix_list_ids(), |pl| {
            Obj::new().s("PrefixListId", pl.prefix_list_id()).done()
        })
        .done()
}

pub fn subnet(s: &t::Subnet) -> Value {
    Obj::new()
        .s("SubnetId", s.subnet_id())
        .s("SubnetArn", s.subnet_arn())
        .s("VpcId", s.vpc_id())
        .s("CidrBlock", s.cidr_block())
        .s("AvailabilityZone", s.availability_zone())
        .b("MapPublicIpOnLaunch", s.map_public_ip_on_launch())
        .list(
            "Ipv6CidrBlockAssociationSet",
            s.ipv6_cidr_block_association_set(),
            |a| {
                Obj::new()
                    .s("AssociationId", a.association_id())
                    .s("Ipv6CidrBlock", a.ipv6_cidr_block())
                    .done()
            },
        )
        .done()
}

pub fn route_table(r: &t::RouteTable) -> Value {
    Obj::new()
        .s("RouteTableId", r.route_table_id())
        .s("VpcId", r.vpc_id())
        .list("Associations", r.associations(), |a| {
            Obj::new()
                .b("Main", a.main())
                .s("RouteTableAssociationId", a.route_table_association_id())
                .s("SubnetId", a.subnet_id())
                .s("GatewayId", a.gateway_id())
                .done()
        })
        .list("Routes", r.routes(), |rt| {
            Obj::new()
                .s("DestinationCidrBlock", rt.destination_cidr_block())
                .s("DestinationIpv6CidrBlock", rt.destination_ipv6_cidr_block())
                .s("DestinationPrefixListId", rt.destination_prefix_list_id())
                .s("GatewayId", rt.gateway_id())
                .s("NatGatewayId", rt.nat_gateway_id())
                .s(
                    "EgressOnlyInternetGatewayId",
                    rt.egress_only_internet_gateway_id(),
                )
                .s("TransitGatewayId", rt.transit_gateway_id())
                .s("VpcPeeringConnectionId", rt.vpc_peering_connection_id())
                .s("State", rt.state().map(|x| x.as_str()))
                .done()
        })
        .done()
}

pub fn network_acl(a: &t::NetworkAcl) -> Value {
    Obj::new()
        .s("NetworkAclId", a.network_acl_id())
        .s("VpcId", a.vpc_id())
        .b("IsDefault", a.is_default())
        .list("Associations", a.associations(), |x| {
            Obj::new()
                .s("NetworkAclAssociationId", x.network_acl_association_id())
                .s("NetworkAclId", x.network_acl_id())
                .s("SubnetId", x.subnet_id())
                .done()
        })
        .list("Entries", a.entries(), |e| {
            Obj::new()
                .i("RuleNumber", e.rule_number().map(i64::from))
                .s("Protocol", e.protocol())
                .s("RuleAction", e.rule_action().map(|x| x.as_str()))
                .b("Egress", e.egress())
                .s("CidrBlock", e.cidr_block())
                .s("Ipv6CidrBlock", e.ipv6_cidr_block())
                .v(
                    "PortRange",
                    e.port_range().map(|p| {
                        Obj::new()
                            .i("From", p.from().map(i64::from))
                            .i("To", p.to().map(i64::from))
                            .done()
                    }),
                )
                .done()
        })
        .done()
}

pub fn internet_gateway(g: &t::InternetGateway) -> Value {
    Obj::new()
        .s("InternetGatewayId", g.internet_gateway_id())
        .s("OwnerId", g.owner_id())
        .list("Attachments", g.attachments(), |a| {
            Obj::new()
                .s("VpcId", a.vpc_id())
                .s("State", a.state().map(|x| x.as_str()))
                .done()
        })
        .done()
}
