//! Load balancing: `describe-load-balancers`, `describe-target-groups`, and
//! `describe-listeners` (one file per load balancer, as the command takes one).

use crate::layout::*;
use crate::out::Out;
use crate::rng::hex;
use serde_json::json;

pub fn write(layout: &Layout, out: &mut Out) -> std::io::Result<()> {
    let mut lbs = Vec::new();
    let mut tgs = Vec::new();
    for lb in 0..layout.load_balancers() {
        let first = lb * SERVICES_PER_LB * SERVICES_PER_LB;
        let v = layout.services[first].vpc;
        let facing = lb_internet_facing(lb);
        let base = if facing { 0 } else { SUBNETS_PER_VPC / 2 };
        lbs.push(json!({
            "LoadBalancerArn": lb_arn(lb),
            "DNSName": format!("{}{}-{}.{REGION}.elb.amazonaws.com", if facing { "" } else { "internal-" }, lb_name(lb), 1_000_000_000 + lb),
            "CanonicalHostedZoneId": "Z32O12XQLNTSW2", "CreatedTime": timestamp(0x8000 + lb as u64),
            "LoadBalancerName": lb_name(lb), "Scheme": if facing { "internet-facing" } else { "internal" },
            "VpcId": vpc_id(v), "State": {"Code": "active"}, "Type": "application",
            "AvailabilityZones": (0..2).map(|k| json!({"ZoneName": if k == 0 { "eu-west-1a" } else { "eu-west-1b" },
                "SubnetId": subnet_id(v, base + k), "LoadBalancerAddresses": []})).collect::<Vec<_>>(),
            "SecurityGroups": [lb_sg(lb)], "IpAddressType": "ipv4", "EnablePrefixForIpv6SourceNat": "off"
        }));
        let mut listeners = Vec::new();
        for s in layout.services[first..]
            .iter()
            .take(SERVICES_PER_LB * SERVICES_PER_LB)
            .filter(|s| s.lb.is_some_and(|(l, _)| l == lb))
        {
            let (_, slot) = s.lb.expect("filtered on lb");
            let tg = target_group_arn(lb, slot);
            tgs.push(json!({
                "TargetGroupArn": tg, "TargetGroupName": format!("tg-{lb:04}-{slot}"), "Protocol": "HTTP",
                "Port": s.port, "VpcId": vpc_id(v), "HealthCheckProtocol": "HTTP", "HealthCheckPort": "traffic-port",
                "HealthCheckEnabled": true, "HealthCheckIntervalSeconds": 30, "HealthCheckTimeoutSeconds": 5,
                "HealthyThresholdCount": 5, "UnhealthyThresholdCount": 2, "HealthCheckPath": "/health",
                "Matcher": {"HttpCode": "200"}, "LoadBalancerArns": [lb_arn(lb)], "TargetType": "ip",
                "ProtocolVersion": "HTTP1", "IpAddressType": "ipv4"}));
            listeners.push(json!({
                "ListenerArn": format!("{}/{}", lb_arn(lb).replace(":loadbalancer/", ":listener/"), hex((lb * 10 + slot) as u64, 16)),
                "LoadBalancerArn": lb_arn(lb), "Port": 8000 + slot, "Protocol": "HTTPS",
                "Certificates": [{"CertificateArn": format!("arn:aws:acm:{REGION}:{ACCOUNT}:certificate/{}", hex(lb as u64, 32))}],
                "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
                "DefaultActions": [{"Type": "forward", "TargetGroupArn": tg, "Order": 1,
                    "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": tg, "Weight": 1}],
                                      "TargetGroupStickinessConfig": {"Enabled": false}}}]}));
        }
        out.write(
            &format!("elbv2-describe-listeners-{}.json", lb_name(lb)),
            &json!({"Listeners": listeners}),
        )?;
    }
    out.write(
        "elbv2-describe-load-balancers.json",
        &json!({"LoadBalancers": lbs}),
    )?;
    out.write(
        "elbv2-describe-target-groups.json",
        &json!({"TargetGroups": tgs}),
    )
}
