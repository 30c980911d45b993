//! The hosts of `bridge`/`host` tasks: describe-container-instances (ECS, camelCase) and
//! describe-instances (EC2, PascalCase).

use super::Obj;
use serde_json::Value;

pub fn container_instance(c: &aws_sdk_ecs::types::ContainerInstance) -> Value {
    Obj::new()
        .s("containerInstanceArn", c.container_instance_arn())
        .s("ec2InstanceId", c.ec2_instance_id())
        .s("capacityProviderName", c.capacity_provider_name())
        .s("status", c.status())
        .b("agentConnected", Some(c.agent_connected()))
        .i(
            "runningTasksCount",
            Some(i64::from(c.running_tasks_count())),
        )
        .list("attributes", c.attributes(), |a| {
            Obj::new()
                .s("name", Some(a.name()))
                .s("value", a.value())
                .done()
        })
        .done()
}

fn group(g: &aws_sdk_ec2::types::GroupIdentifier) -> Value {
    Obj::new()
        .s("GroupId", g.group_id())
        .s("GroupName", g.group_name())
        .done()
}

pub fn instance(i: &aws_sdk_ec2::types::Instance) -> Value {
    Obj::new()
        .s("InstanceId", i.instance_id())
        .s("SubnetId", i.subnet_id())
        .s("VpcId", i.vpc_id())
        .s("PublicIpAddress", i.public_ip_address())
        .s("Ipv6Address", i.ipv6_address())
        .list("SecurityGroups", i.security_groups(), group)
        .list("NetworkInterfaces", i.network_interfaces(), |n| {
            Obj::new()
                .s("NetworkInterfaceId", n.network_interface_id())
                .s("SubnetId", n.subnet_id())
                .s("VpcId", n.vpc_id())
                .list("Groups", n.groups(), group)
                .v(
                    "Association",
                    n.association()
                        .map(|a| Obj::new().s("PublicIp", a.public_ip()).done()),
                )
                .v(
                    "Attachment",
                    n.attachment().map(|a| {
                        Obj::new()
                            .i("DeviceIndex", a.device_index().map(i64::from))
                            .done()
                    }),
                )
                .list("Ipv6Addresses", n.ipv6_addresses(), |a| {
                    Obj::new().s("Ipv6Address", a.ipv6_address()).done()
                })
                .done()
        })
        .v(
            "State",
            i.state()
                .map(|s| Obj::new().s("Name", s.name().map(|n| n.as_str())).done()),
        )
        .done()
}
