//! IAM policy grammar shared by the IAM traits: the statements of a policy document, the
//! policies of a task role, and wildcard matching.
//!
//! Documents stay JSON in the model because IAM's grammar is loose: `Statement` may be one
//! object or a list, `Action`/`NotAction`/`Resource`/`NotResource` may be one string or a list.
//! This module reads that grammar once so the traits can talk about statements.

use super::{Evidence, Outcome, Proposal, ServiceContext};
use crate::model::change::{Change, StatementRef};
use crate::model::{Kind, ManagedPolicy, Role};
use crate::traits::keys;
use serde_json::Value;

/// One statement of a policy document.
#[derive(Debug, Clone)]
pub struct Statement<'a> {
    /// Index in the `Statement` list (0 when `Statement` is a single object).
    pub index: usize,
    /// JSON path of the statement inside its document: `Statement` or `Statement[2]`.
    pub path: String,
    pub sid: Option<&'a str>,
    /// `Effect: Allow` (IAM spells it exactly so; anything else grants nothing).
    pub allow: bool,
    /// The patterns of `Action`, or of `NotAction` when [`Statement::not_action`].
    pub actions: Vec<&'a str>,
    pub not_action: bool,
    /// The patterns of `Resource`, or of `NotResource` when [`Statement::not_resource`].
    pub resources: Vec<&'a str>,
    pub not_resource: bool,
    /// The `Condition` block when it is present and not empty.
    pub condition: Option<&'a Value>,
}

impl Statement<'_> {
    /// The field holding the action patterns (`Action` or `NotAction`), as a JSON path.
    pub fn action_field(&self) -> String {
        let key = if self.not_action {
            "NotAction"
        } else {
            "Action"
        };
        format!("{}.{key}", self.path)
    }

    /// Whether the statement applies to every resource: `Resource: "*"` (or an ARN pattern that
    /// matches every ARN), or any `NotResource`, which grants on everything it does not list.
    pub fn all_resources(&self) -> bool {
        self.not_resource || self.resources.iter().any(|r| covers_all_resources(r))
    }

    /// A short description of the resource scope for messages.
    pub fn resource_scope(&self) -> String {
        if self.not_resource {
            format!(
                "every resource except {}",
                self.resources
                    .iter()
                    .map(|r| format!("`{r}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            "every resource (`Resource: \"*\"`)".to_string()
        }
    }
}

/// The statements of a policy document, in order. Malformed parts (a statement that is not an
/// object, a non-string action) are skipped: they grant nothing IAM would accept.
pub fn statements(document: &Value) -> Vec<Statement<'_>> {
    let (items, listed): (Vec<&Value>, bool) = match document.get("Statement") {
        Some(Value::Array(list)) => (list.iter().collect(), true),
        Some(v @ Value::Object(_)) => (vec![v], false),
        _ => (Vec::new(), false),
    };
    items
        .into_iter()
        .enumerate()
        .filter_map(|(index, s)| {
            let obj = s.as_object()?;
            let (actions, not_action) = match (obj.get("Action"), obj.get("NotAction")) {
                (Some(a), _) => (strings(a), false),
                (None, Some(a)) => (strings(a), true),
                (None, None) => (Vec::new(), false),
            };
            let (resources, not_resource) = match (obj.get("Resource"), obj.get("NotResource")) {
                (Some(r), _) => (strings(r), false),
                (None, Some(r)) => (strings(r), true),
                (None, None) => (Vec::new(), false),
            };
            let condition = obj.get("Condition").filter(|c| match c {
                Value::Object(m) => !m.is_empty(),
                Value::Null => false,
                _ => true,
            });
            Some(Statement {
                index,
                path: if listed {
                    format!("Statement[{index}]")
                } else {
                    "Statement".to_string()
                },
                sid: obj.get("Sid").and_then(Value::as_str),
                allow: obj.get("Effect").and_then(Value::as_str) == Some("Allow"),
                actions,
                not_action,
                resources,
                not_resource,
                condition,
            })
        })
        .collect()
}

/// A string, or the strings of a list.
fn strings(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// IAM wildcard matching of action names: `*` matches any run of characters (none too), `?`
/// any one character; case is ignored (IAM compares action names case-insensitively).
/// `wildmatch` matches without recursion, backtracking only to the last `*`.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    wildmatch::WildMatch::new_case_insensitive(pattern).matches(text)
}

/// Whether an action pattern matches every action of every service: `*`, `*:*` (or more stars).
pub fn covers_all_actions(pattern: &str) -> bool {
    let all_stars = |s: &str| !s.is_empty() && s.chars().all(|c| c == '*');
    match pattern.trim().split_once(':') {
        None => all_stars(pattern.trim()),
        Some((service, action)) => all_stars(service) && all_stars(action),
    }
}

/// The service of a pattern that grants every action of one service (`s3:*`, `IAM:*`),
/// lower-cased; `None` for `*`, `s3:Get*`, `s*:*` and the like.
pub fn whole_service(pattern: &str) -> Option<String> {
    let (service, action) = pattern.trim().split_once(':')?;
    let named = !service.is_empty()
        && service
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    (named && !action.is_empty() && action.chars().all(|c| c == '*'))
        .then(|| service.to_ascii_lowercase())
}

/// Whether a resource pattern matches every resource: `*`, or an ARN pattern whose segments
/// after the partition are all wildcards (`arn:aws:*:*:*:*`, `arn:*`).
pub fn covers_all_resources(pattern: &str) -> bool {
    let p = pattern.trim();
    if !p.is_empty() && p.chars().all(|c| c == '*') {
        return true;
    }
    let Some(rest) = p.strip_prefix("arn:") else {
        return false;
    };
    if rest.chars().all(|c| c == '*') {
        return !rest.is_empty();
    }
    // Skip the partition (literal or wildcard); everything after it must be wildcards.
    match rest.split_once(':') {
        Some((_, tail)) => !tail.is_empty() && tail.chars().all(|c| c == '*' || c == ':'),
        None => false,
    }
}

/// Where a policy document of a role comes from.
#[derive(Debug, Clone)]
pub enum PolicySource<'a> {
    /// `RolePolicyList[index]` of the role.
    Inline { index: usize, name: &'a str },
    /// The default version of a customer-managed (or AWS managed, when its document is in the
    /// input) policy attached as `AttachedManagedPolicies[attachment]`.
    Managed {
        attachment: usize,
        policy: &'a ManagedPolicy,
        version: usize,
    },
}

/// One policy document that applies to a role, with where it comes from.
pub struct RolePolicy<'a> {
    pub source: PolicySource<'a>,
    pub document: &'a Value,
}

impl RolePolicy<'_> {
    /// The policy's name for messages.
    pub fn name(&self) -> &str {
        match &self.source {
            PolicySource::Inline { name, .. } => name,
            PolicySource::Managed { policy, .. } => policy
                .policy_name
                .as_deref()
                .unwrap_or_else(|| policy_name_from_arn(&policy.arn)),
        }
    }

    /// "inline policy `x`" / "customer-managed policy `x`".
    pub fn describe(&self) -> String {
        match &self.source {
            PolicySource::Inline { .. } => format!("inline policy `{}`", self.name()),
            PolicySource::Managed { policy, .. } if is_aws_managed(&policy.arn) => {
                format!("AWS managed policy `{}`", self.name())
            }
            PolicySource::Managed { .. } => format!("customer-managed policy `{}`", self.name()),
        }
    }

    /// The resource the document belongs to: the role for inline policies, the managed policy
    /// otherwise.
    pub fn resource<'r>(&'r self, role: &'r Role) -> &'r str {
        match &self.source {
            PolicySource::Inline { .. } => &role.arn,
            PolicySource::Managed { policy, .. } => &policy.arn,
        }
    }

    /// JSON path of the document inside [`RolePolicy::resource`].
    pub fn document_path(&self) -> String {
        match &self.source {
            PolicySource::Inline { index, .. } => format!("RolePolicyList[{index}].PolicyDocument"),
            PolicySource::Managed { version, .. } => {
                format!("PolicyVersionList[{version}].Document")
            }
        }
    }

    /// Evidence details naming the policy: `policy_name`, `policy_type`, and `policy_arn` for
    /// managed policies.
    pub fn details(&self) -> serde_json::Map<String, Value> {
        let mut m = serde_json::Map::new();
        m.insert("policy_name".into(), self.name().into());
        match &self.source {
            PolicySource::Inline { .. } => {
                m.insert("policy_type".into(), "inline".into());
            }
            PolicySource::Managed {
                policy, attachment, ..
            } => {
                m.insert(
                    "role_field".into(),
                    format!("AttachedManagedPolicies[{attachment}]").into(),
                );
                let kind = if is_aws_managed(&policy.arn) {
                    "aws-managed"
                } else {
                    "customer-managed"
                };
                m.insert("policy_type".into(), kind.into());
                m.insert("policy_arn".into(), policy.arn.clone().into());
            }
        }
        m
    }
}

/// The task role of the service, when the task definition names one and the IAM data to judge
/// it is in the input. Records gaps (task definition missing, no IAM authorization details,
/// role not in them) and returns `None` in those cases; `None` without a gap when the task
/// definition names no task role.
pub fn require_task_role<'a>(ctx: &ServiceContext<'a>, out: &mut Outcome) -> Option<&'a Role> {
    let td = ctx.require_task_definition(out)?;
    let arn = td.task_role_arn.as_deref()?;
    if !ctx.require_kind(Kind::IamAuthorizationDetails, out) {
        return None;
    }
    let role = ctx.inventory.role(arn);
    if role.is_none() {
        out.gap(format!(
            "task role {arn} is not in the IAM authorization details of the input (add `{}` from the role's account)",
            Kind::IamAuthorizationDetails.cli_command()
        ));
    }
    role
}

/// The task role's name for remediation commands (from the input when it is there, else the
/// last segment of `taskRoleArn`).
pub fn task_role_name(ctx: &ServiceContext<'_>) -> String {
    ctx.task_definition
        .and_then(|td| td.task_role_arn.as_deref())
        .map(|arn| {
            ctx.inventory
                .role(arn)
                .map(|r| r.name().to_string())
                .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or(arn).to_string())
        })
        .unwrap_or_else(|| "<task-role>".to_string())
}

/// Every policy document that applies to the role and is in the input: inline policies, then
/// the default versions of attached managed policies. For an attached policy whose document
/// is absent, `missing` is called with its attachment index: the caller decides whether that
/// is a gap (a customer-managed policy) or not (an AWS managed policy it recognises by ARN).
pub fn role_policies<'a>(
    ctx: &ServiceContext<'a>,
    role: &'a Role,
    mut missing: impl FnMut(usize, &'a crate::model::AttachedPolicy),
) -> Vec<RolePolicy<'a>> {
    let mut out = Vec::new();
    for (index, p) in role.role_policy_list.iter().enumerate() {
        out.push(RolePolicy {
            source: PolicySource::Inline {
                index,
                name: &p.policy_name,
            },
            document: &p.policy_document,
        });
    }
    for (attachment, a) in role.attached_managed_policies.iter().enumerate() {
        let found = ctx
            .inventory
            .managed_policies
            .get(&a.policy_arn)
            .and_then(|policy| {
                let (version, v) = policy.default_version()?;
                Some(RolePolicy {
                    source: PolicySource::Managed {
                        attachment,
                        policy,
                        version,
                    },
                    document: v.document.as_ref()?,
                })
            });
        match found {
            Some(p) => out.push(p),
            None => missing(attachment, a),
        }
    }
    out
}

/// The shared second half of the IAM traits: every policy document of the task role (inline,
/// and attached policies other than those in `recognised`, already judged by their ARN) goes
/// through `check`; an attached customer-managed policy whose document is absent is a gap;
/// and the role is named as a resource when the trait fired.
pub fn check_role_documents<'a>(
    ctx: &ServiceContext<'a>,
    role: &'a Role,
    recognised: &[&str],
    out: &mut Outcome,
    check: impl Fn(&Role, &RolePolicy<'_>, &mut Outcome),
) {
    let mut missing = Vec::new();
    let policies = role_policies(ctx, role, |_, a| {
        // Other AWS managed policies are judged by name only; a customer-managed policy
        // can grant anything, so its absent document is a gap.
        if !is_aws_managed(&a.policy_arn) {
            missing.push(missing_policy_gap(role, a));
        }
    });
    missing.into_iter().for_each(|g| out.gap(g));
    for policy in &policies {
        if let PolicySource::Managed { policy: p, .. } = &policy.source
            && recognised.contains(&p.arn.as_str())
        {
            continue;
        }
        check(role, policy, out);
    }
    if out.fired() {
        out.resource(&role.arn);
    }
}

/// The gap for an attached customer-managed policy whose document is not in the input.
pub fn missing_policy_gap(role: &Role, attached: &crate::model::AttachedPolicy) -> String {
    format!(
        "customer-managed policy `{}` ({}) attached to task role `{}` has no default version document in the input, so what it grants was not judged (add the complete output of `{}`: its `Policies` list holds the documents)",
        attached
            .policy_name
            .as_deref()
            .unwrap_or_else(|| policy_name_from_arn(&attached.policy_arn)),
        attached.policy_arn,
        role.name(),
        Kind::IamAuthorizationDetails.cli_command()
    )
}

/// AWS managed policies live in the `aws` account: `arn:<partition>:iam::aws:policy/<path><name>`.
pub fn is_aws_managed(arn: &str) -> bool {
    let mut parts = arn.splitn(6, ':');
    matches!(
        (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next()
        ),
        (Some("arn"), Some(_), Some("iam"), Some(""), Some("aws"), Some(rest)) if rest.starts_with("policy/")
    )
}

/// The name of an AWS managed policy from its ARN (the last path segment), when it is one.
pub fn aws_managed_name(arn: &str) -> Option<&str> {
    is_aws_managed(arn).then(|| policy_name_from_arn(arn))
}

fn policy_name_from_arn(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// One remediation step per policy named in the evidence (details `policy_name`,
/// `policy_arn`, `policy_type`, `statement`), without repeats: `detach(name, arn)` for an AWS
/// managed policy, else "`verb` statement i of … `goal`" with the command that replaces an
/// inline policy or makes a new default version of a customer-managed one.
pub fn policy_steps(
    evidence: &[Evidence],
    role_name: &str,
    verb: &str,
    goal: &str,
    detach: impl Fn(&str, &str) -> String,
) -> Vec<String> {
    let mut steps: Vec<String> = Vec::new();
    for e in evidence {
        let (name, arn, kind) = (
            e.get(keys::POLICY_NAME).unwrap_or_default(),
            e.get(keys::POLICY_ARN).unwrap_or_default(),
            e.get(keys::POLICY_TYPE).unwrap_or_default(),
        );
        let statement = e.get(keys::STATEMENT);
        let step = match (kind, statement) {
            ("aws-managed", _) => detach(name, arn),
            ("inline", Some(i)) => format!(
                "{verb} statement {i} of inline policy `{name}` {goal}, then `aws iam put-role-policy --role-name {role_name} --policy-name {name} --policy-document file://{name}.json`."
            ),
            (_, Some(i)) => format!(
                "{verb} statement {i} of customer-managed policy `{name}` {goal}, and make that the default version: `aws iam create-policy-version --policy-arn {arn} --policy-document file://{name}.json --set-as-default`."
            ),
            _ => continue,
        };
        if !steps.contains(&step) {
            steps.push(step);
        }
    }
    steps
}

/// The change of `admin-iam-role` and `service-admin-iam-role`: detach the managed policies
/// and rewrite the statements their evidence names, on the role it names.
pub fn restrict_role(p: &Proposal<'_>) -> Option<Change> {
    let mut role = None;
    let (mut detach, mut statements) = (Vec::new(), Vec::new());
    for e in &p.hit.evidence {
        role = role.or_else(|| e.get(keys::ROLE_ARN).map(str::to_string));
        match (e.get(keys::POLICY_TYPE), e.get(keys::STATEMENT)) {
            (Some("inline"), Some(i)) => statements.push(StatementRef {
                policy: e.get(keys::POLICY_NAME)?.to_string(),
                inline: true,
                statement: i,
            }),
            (Some(_), Some(i)) => statements.push(StatementRef {
                policy: e.get(keys::POLICY_ARN)?.to_string(),
                inline: false,
                statement: i,
            }),
            (Some(_), None) => detach.push(e.get(keys::POLICY_ARN)?.to_string()),
            _ => {}
        }
    }
    detach.sort();
    detach.dedup();
    statements.sort();
    statements.dedup();
    Some(Change::RestrictRole {
        role: role?,
        detach,
        statements,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn statement_object_and_list_and_string_or_list_fields() {
        let doc = json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": ["*"]}});
        let s = statements(&doc);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].path, "Statement");
        assert!(s[0].allow && s[0].all_resources());
        assert_eq!(s[0].actions, vec!["*"]);

        let doc = json!({"Statement": [
            {"Effect": "Deny", "Action": ["s3:*"], "Resource": "*"},
            "not a statement",
            {"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::b",
             "Condition": {"Bool": {"aws:SecureTransport": "true"}}}
        ]});
        let s = statements(&doc);
        assert_eq!(s.len(), 2);
        assert!(!s[0].allow);
        assert_eq!(s[1].index, 2);
        assert_eq!(s[1].action_field(), "Statement[2].NotAction");
        assert!(s[1].not_action && s[1].not_resource && s[1].all_resources());
        assert!(s[1].condition.is_some());
        assert!(statements(&json!({"Version": "2012-10-17"})).is_empty());
        let empty_condition = json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {}}});
        assert!(statements(&empty_condition)[0].condition.is_none());
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("s3:Get*", "s3:GetObject"));
        assert!(wildcard_match("S3:get*", "s3:GetObject"));
        assert!(wildcard_match("*", "iam:PassRole"));
        assert!(wildcard_match("iam:?assRole", "iam:PassRole"));
        assert!(wildcard_match("*:*Role", "iam:PassRole"));
        assert!(!wildcard_match("s3:Get*", "s3:PutObject"));
        assert!(!wildcard_match("s3:Get", "s3:GetObject"));
        assert!(wildcard_match("a*b*c", "axxbyyc"));
        assert!(!wildcard_match("a*b*c", "axxbyy"));
        assert!(wildcard_match("s3:*", "s3:") && wildcard_match("**", ""));
        assert!(!wildcard_match("iam:?", "iam:") && !wildcard_match("", "x"));
        assert!(wildcard_match("IAM:PASSROLE", "iam:passrole"));
        // A pattern built to make a naive matcher backtrack without end.
        let hostile = format!("{}b", "*a".repeat(200));
        assert!(!wildcard_match(&hostile, &"a".repeat(5_000)));
    }

    #[test]
    fn all_actions_whole_service_all_resources() {
        for p in ["*", "*:*", "**", " * "] {
            assert!(covers_all_actions(p), "{p}");
        }
        for p in ["s3:*", "*:Get*", "iam:PassRole", ""] {
            assert!(!covers_all_actions(p), "{p}");
        }
        assert_eq!(whole_service("s3:*").as_deref(), Some("s3"));
        assert_eq!(whole_service("IAM:*").as_deref(), Some("iam"));
        assert_eq!(whole_service("s3:Get*"), None);
        assert_eq!(whole_service("s*:*"), None);
        assert_eq!(whole_service("*"), None);
        assert_eq!(whole_service("*:*"), None);
        for r in [
            "*",
            "arn:*",
            "arn:aws:*",
            "arn:aws:*:*:*:*",
            "arn:*:*:*:*:*",
        ] {
            assert!(covers_all_resources(r), "{r}");
        }
        for r in ["arn:aws:s3:::*", "arn:aws:iam::*:role/*", "arn:aws", ""] {
            assert!(!covers_all_resources(r), "{r}");
        }
    }

    #[test]
    fn aws_managed_arns_in_every_partition() {
        assert_eq!(
            aws_managed_name("arn:aws:iam::aws:policy/AdministratorAccess"),
            Some("AdministratorAccess")
        );
        assert_eq!(
            aws_managed_name("arn:aws-cn:iam::aws:policy/AdministratorAccess"),
            Some("AdministratorAccess")
        );
        assert_eq!(
            aws_managed_name("arn:aws-us-gov:iam::aws:policy/job-function/SystemAdministrator"),
            Some("SystemAdministrator")
        );
        assert_eq!(
            aws_managed_name("arn:aws:iam::111122223333:policy/AdministratorAccess"),
            None
        );
    }
}
