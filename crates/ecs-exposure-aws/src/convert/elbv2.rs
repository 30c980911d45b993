//! ELBv2: describe-load-balancers, -target-groups, -listeners, -rules.

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
        .list("DefaultActions", l.default_actions(), action)
        .done()
}

/// An action of a listener or a rule: its order, forward (with weights) and who signs the
/// caller in. Client secrets and the other sign-in settings are not carried.
fn action(a: &t::Action) -> Value {
    Obj::new()
        .s("Type", a.r#type().map(|x| x.as_str()))
        .i("Order", a.order().map(i64::from))
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
        .v(
            "AuthenticateCognitoConfig",
            a.authenticate_cognito_config().map(|c| {
                Obj::new()
                    .s("UserPoolArn", c.user_pool_arn())
                    .s(
                        "OnUnauthenticatedRequest",
                        c.on_unauthenticated_request().map(|x| x.as_str()),
                    )
                    .done()
            }),
        )
        .v(
            "AuthenticateOidcConfig",
            a.authenticate_oidc_config().map(|c| {
                Obj::new()
                    .s("Issuer", c.issuer())
                    .s(
                        "OnUnauthenticatedRequest",
                        c.on_unauthenticated_request().map(|x| x.as_str()),
                    )
                    .done()
            }),
        )
        .done()
}

/// A listener rule as `describe-rules` prints it (no ListenerArn: the core reads it from the
/// rule ARN). `http-header` and `query-string` values are left out: they may be secrets.
pub fn rule(r: &t::Rule) -> Value {
    let cfg = |v: &[String], regex: &[String]| {
        Obj::new()
            .strs("Values", v)
            .strs("RegexValues", regex)
            .done()
    };
    Obj::new()
        .s("RuleArn", r.rule_arn())
        .s("Priority", r.priority())
        .list("Conditions", r.conditions(), |c| {
            Obj::new()
                .s("Field", c.field())
                .strs("Values", c.values())
                .v(
                    "HostHeaderConfig",
                    c.host_header_config()
                        .map(|h| cfg(h.values(), h.regex_values())),
                )
                .v(
                    "PathPatternConfig",
                    c.path_pattern_config()
                        .map(|h| cfg(h.values(), h.regex_values())),
                )
                .v(
                    "SourceIpConfig",
                    c.source_ip_config().map(|h| cfg(h.values(), &[])),
                )
                .v(
                    "HttpRequestMethodConfig",
                    c.http_request_method_config().map(|h| cfg(h.values(), &[])),
                )
                .v(
                    "HttpHeaderConfig",
                    c.http_header_config()
                        .map(|h| Obj::new().s("HttpHeaderName", h.http_header_name()).done()),
                )
                .v(
                    "QueryStringConfig",
                    c.query_string_config().map(|q| {
                        Obj::new()
                            .list("Values", q.values(), |kv| {
                                Obj::new().s("Key", kv.key()).done()
                            })
                            .done()
                    }),
                )
                .done()
        })
        .list("Actions", r.actions(), action)
        .b("IsDefault", r.is_default())
        .done()
}
