use super::*;

const RULE: &str = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee";

#[test]
fn the_listener_is_read_from_the_rule_arn() {
    assert_eq!(
        listener_arn_of_rule(RULE).as_deref(),
        Some(
            "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2"
        )
    );
    // Network load balancers and other partitions too.
    assert_eq!(
        listener_arn_of_rule(
            "arn:aws-cn:elasticloadbalancing:cn-north-1:1:listener-rule/net/n/1/2/3"
        )
        .as_deref(),
        Some("arn:aws-cn:elasticloadbalancing:cn-north-1:1:listener/net/n/1/2")
    );
    for bad in [
        "",
        "not-an-arn",
        "arn:aws:elasticloadbalancing:eu-west-1:1:listener/app/web/1/2",
        "arn:aws:elasticloadbalancing:eu-west-1:1:listener-rule/app/web/1/2",
        "arn:aws:elasticloadbalancing:eu-west-1:1:listener-rule/app/web/1/2/3/4",
        "arn:aws:elasticloadbalancing:eu-west-1:1:listener-rule/app/web//2/3",
        "arn:aws:elasticloadbalancing:1:listener-rule/app/web/1/2/3",
        "template.yaml#ApiRule",
    ] {
        assert_eq!(listener_arn_of_rule(bad), None, "{bad}");
    }
}

fn rule(v: serde_json::Value) -> ListenerRule {
    serde_json::from_value(v).unwrap()
}

#[test]
fn describe_rules_output_is_read() {
    let r = rule(serde_json::json!({
        "RuleArn": RULE,
        "Priority": "10",
        "Conditions": [
            {"Field": "path-pattern", "Values": ["/api/*"]},
            {"Field": "host-header", "HostHeaderConfig": {"Values": ["api.example.com", "www.example.com"]}},
            {"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": "X-Origin-Verify", "Values": ["s3cr3t-value"]}},
            {"Field": "query-string", "QueryStringConfig": {"Values": [{"Key": "token", "Value": "abc123"}]}},
            {"Field": "source-ip", "SourceIpConfig": {"Values": ["203.0.113.0/24"]}}
        ],
        "Actions": [
            {"Type": "forward", "Order": 2, "ForwardConfig": {"TargetGroups": [
                {"TargetGroupArn": "tg-a", "Weight": 3}, {"TargetGroupArn": "tg-b", "Weight": 0}]}},
            {"Type": "authenticate-cognito", "Order": 1, "AuthenticateCognitoConfig": {
                "UserPoolArn": "arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_x",
                "UserPoolClientId": "c", "UserPoolDomain": "d"}}
        ],
        "IsDefault": false
    }));
    assert!(!r.is_default());
    assert_eq!(r.listener(), listener_arn_of_rule(RULE));
    let label = r.label();
    assert_eq!(
        label,
        "rule 10 (path /api/* and host api.example.com or www.example.com and header X-Origin-Verify matches (values not shown) and query token matches (values not shown) and source IP 203.0.113.0/24)"
    );
    assert!(!label.contains("s3cr3t") && !label.contains("abc123"));
    assert_eq!(
        r.conditions[4].source_ips().unwrap(),
        vec![("SourceIpConfig.Values[0]".to_string(), "203.0.113.0/24")]
    );
    assert_eq!(r.conditions[0].source_ips(), None);
    match reach(&r.actions, "tg-a") {
        Reach::Forwards(f) => {
            assert_eq!(f.weight, Some((3, 3)));
            assert_eq!(f.sign_in.len(), 1);
            assert!(f.sign_in[0].contains("Amazon Cognito user pool"), "{f:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(reach(&r.actions, "tg-b"), Reach::ZeroWeight);
    assert_eq!(reach(&r.actions, "tg-c"), Reach::No);
}

#[test]
fn templates_give_numbers_where_the_api_gives_text_and_back() {
    let r = rule(
        serde_json::json!({"RuleArn": "t.yaml#R", "ListenerArn": "t.yaml#L", "Priority": 5,
        "Actions": [{"Type": "forward", "Order": "1", "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": "tg", "Weight": "0"}]}}]}),
    );
    assert_eq!(r.priority.as_deref(), Some("5"));
    assert_eq!(r.listener().as_deref(), Some("t.yaml#L"));
    assert_eq!(reach(&r.actions, "tg"), Reach::ZeroWeight);
    for bad in [
        serde_json::json!({"RuleArn": "r", "Priority": [1]}),
        serde_json::json!({"RuleArn": "r", "Actions": [{"Type": "forward", "Order": "first"}]}),
        serde_json::json!({"RuleArn": "r", "Actions": [{"Type": "forward", "ForwardConfig": {"TargetGroups": [{"Weight": -1}]}}]}),
    ] {
        let e = serde_json::from_value::<ListenerRule>(bad)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("expected "), "{e}");
    }
}

#[test]
fn actions_run_by_order_and_stop_at_the_first_answer() {
    let actions: Vec<ListenerAction> = serde_json::from_value(serde_json::json!([
        {"Type": "forward", "Order": 3, "TargetGroupArn": "tg"},
        {"Type": "redirect", "Order": 2},
        {"Type": "authenticate-oidc", "Order": 1, "AuthenticateOidcConfig": {"Issuer": "https://idp.example.com"}}
    ]))
    .unwrap();
    // The redirect answers before the forward.
    assert_eq!(reach(&actions, "tg"), Reach::No);
    let actions: Vec<ListenerAction> = serde_json::from_value(serde_json::json!([
        {"Type": "authenticate-oidc", "Order": 1, "AuthenticateOidcConfig": {"Issuer": "https://idp.example.com", "OnUnauthenticatedRequest": "allow"}},
        {"Type": "forward", "Order": 2, "TargetGroupArn": "tg"}
    ]))
    .unwrap();
    match reach(&actions, "tg") {
        Reach::Forwards(f) => {
            assert!(f.sign_in.is_empty(), "{f:?}");
            assert_eq!(f.sign_in_optional.len(), 1);
            assert_eq!(f.weight, None);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_weight_sum_never_overflows() {
    let actions: Vec<ListenerAction> = serde_json::from_value(serde_json::json!([
        {"Type": "forward", "ForwardConfig": {"TargetGroups": [
            {"TargetGroupArn": "a", "Weight": u64::MAX}, {"TargetGroupArn": "b", "Weight": 9}]}}]))
    .unwrap_or_default();
    // u64::MAX does not fit the i64 reader: refused, not wrapped.
    assert!(actions.is_empty());
    let actions: Vec<ListenerAction> = serde_json::from_value(serde_json::json!([
        {"Type": "forward", "ForwardConfig": {"TargetGroups": [
            {"TargetGroupArn": "a", "Weight": i64::MAX}, {"TargetGroupArn": "b", "Weight": i64::MAX},
            {"TargetGroupArn": "c", "Weight": i64::MAX}]}}]))
    .unwrap();
    assert_eq!(
        reach(&actions, "a"),
        Reach::Forwards(Forwarding {
            weight: Some((i64::MAX as u64, u64::MAX)),
            ..Forwarding::default()
        })
    );
}

#[test]
fn a_label_is_cut_short() {
    let conditions: Vec<serde_json::Value> = (0..7)
        .map(|i| serde_json::json!({"Field": "path-pattern", "Values": [format!("/p{i}/*"), "/a", "/b", "/c", "/d"]}))
        .collect();
    let r = rule(serde_json::json!({"RuleArn": RULE, "Priority": "1", "Conditions": conditions}));
    let label = r.label();
    assert!(label.ends_with(" and 2 more conditions)"), "{label}");
    assert!(
        label.contains("path /p0/* or /a or /b (+2 more)"),
        "{label}"
    );
    assert!(!label.contains("/p5/"), "{label}");
}
