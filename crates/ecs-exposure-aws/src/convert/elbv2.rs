//! ELBv2: describe-load-balancers, -target-groups, -listeners.

use super::Obj;
use aws_sdk_elasticloadbalancingv2::types as t;
use serde_json::Value;

pub fn load_balancer(l: &t::LoadBalancer) -> Value {
    Obj::new()
        .s("LoadBalancerArn", l.load_balancer_arn())
        .s("DNSName", l.dns_name())
        .s("LoadBalancerName", l.load_balancer_name())
        .s("Scheme", l.scheme().map(|x| x.as_str()))
        .s("VpcId", l.vpc_id())
        .s("Type", l.r#type().map(|x| x.as_str()))
        .list("AvailabilityZones", l.availability_zones(), |z| {
            Obj::new()
                .s("ZoneName", z.zone_name())
                .s("SubnetId", z.subnet_id())
                .done()
        })
        .strs("SecurityGroups", l.security_groups())
        .s("IpAddressType", l.ip_address_type().map(|x| x.as_str()))
        .done()
}

pub fn target_group(g: &t::TargetGroup) -> Value {
    Obj::new()
        .s("TargetGroupArn", g.target_group_arn())
        .s("TargetGroupName", g.target_group_name())
        .s("Protocol", g.protocol().map(|x| x.as_str()))
        .i("Port", g.port().map(i64::from))
        .s("VpcId", g.vpc_id())
        .s("TargetType", g.target_type().map(|x| x.as_str()))
        .strs("LoadBalancerArns", g.load_balancer_arns())
        .done()
}

pub fn listener(l: &t::Listener) -> Value {
    Obj::new()
        .s("ListenerArn", l.listener_arn())
        .s("LoadBalancerArn", l.load_balancer_arn())
        .i("Port", l.port().map(i64::from))
        .s("Protocol", l.protocol().map(|x| x.as_str()))
        .list("DefaultActions", l.default_actions(), |a| {
            Obj::new()
                .s("Type", a.r#type().map(|x| x.as_str()))
                .s("TargetGroupArn", a.target_group_arn())
                .v(
                    "ForwardConfig",
                    a.forward_config().map(|f| {
                        Obj::new()
                            .list("TargetGroups", f.target_groups(), |tg| {
                                Obj::new()
                                    .s("TargetGroupArn", tg.target_group_arn())
                                    .i("Weight", tg.weight().map(i64::from))
                                    .done()
                            })
                            .done()
                    }),
                )
                .done()
        })
        .done()
}
