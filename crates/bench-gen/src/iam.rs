//! IAM: one `get-account-authorization-details` file with the task roles (inline and attached
//! policies) and the managed policies they use.

use crate::layout::*;
use crate::out::Out;
use crate::rng::hex;
use serde_json::{Value, json};

/// Local managed policies shared by the roles.
const SHARED_POLICIES: usize = 200;

pub fn write(layout: &Layout, out: &mut Out) -> std::io::Result<()> {
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    let roles: Vec<Value> = (0..layout.roles())
        .map(|r| {
            let name = role_name(r);
            let mut attached = vec![json!({"PolicyName": format!("shared-{:03}", r % SHARED_POLICIES),
                "PolicyArn": shared_arn(r % SHARED_POLICIES)})];
            if role_is_admin(r) {
                attached.push(json!({"PolicyName": "AdministratorAccess", "PolicyArn": admin}));
            }
            json!({
                "Path": "/", "RoleName": name, "RoleId": format!("AROA{}", hex(0xAA_0000 + r as u64, 17).to_uppercase()),
                "Arn": format!("arn:aws:iam::{ACCOUNT}:role/{name}"), "CreateDate": timestamp(0xBB_0000 + r as u64),
                "AssumeRolePolicyDocument": trust, "InstanceProfileList": [],
                "RolePolicyList": [{"PolicyName": "app-data", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                    {"Sid": "Objects", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                     "Resource": format!("arn:aws:s3:::bench-app-{r:04}/*")},
                    {"Sid": "Table", "Effect": "Allow",
                     "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"],
                     "Resource": [format!("arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/app-{r:04}"),
                                  format!("arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/app-{r:04}/index/*")]},
                    {"Sid": "Queue", "Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"],
                     "Resource": format!("arn:aws:sqs:{REGION}:{ACCOUNT}:app-{r:04}")}]}}],
                "AttachedManagedPolicies": attached,
                "Tags": [{"Key": "team", "Value": format!("team-{:02}", r % 40)}],
                "RoleLastUsed": {"LastUsedDate": timestamp(0xCC_0000 + r as u64), "Region": REGION}
            })
        })
        .collect();
    let mut policies: Vec<Value> = (0..SHARED_POLICIES)
        .map(|p| {
            policy(&shared_arn(p), &format!("shared-{p:03}"), p as u64, layout.roles() / SHARED_POLICIES,
                json!({"Version": "2012-10-17", "Statement": [
                    {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                     "Resource": format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/ecs/*")},
                    {"Sid": "Config", "Effect": "Allow", "Action": ["ssm:GetParameter", "ssm:GetParametersByPath"],
                     "Resource": format!("arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/shared-{p:03}/*")},
                    {"Sid": "Kms", "Effect": "Allow", "Action": "kms:Decrypt",
                     "Resource": format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{}", hex(p as u64, 32))}]}))
        })
        .collect();
    policies.push(policy(admin, "AdministratorAccess", 0xFFFF, layout.roles() / 100,
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})));
    out.write(
        "iam-get-account-authorization-details.json",
        &json!({"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": roles,
                "Policies": policies, "IsTruncated": false}),
    )
}

fn shared_arn(p: usize) -> String {
    format!("arn:aws:iam::{ACCOUNT}:policy/shared-{p:03}")
}

fn policy(arn: &str, name: &str, key: u64, attachments: usize, document: Value) -> Value {
    json!({
        "PolicyName": name, "PolicyId": format!("ANPA{}", hex(0xDD_0000 + key, 17).to_uppercase()),
        "Arn": arn, "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": attachments,
        "PermissionsBoundaryUsageCount": 0, "IsAttachable": true,
        "CreateDate": "2024-03-01T10:00:00+00:00", "UpdateDate": "2024-03-01T10:00:00+00:00",
        "PolicyVersionList": [{"Document": document, "VersionId": "v1", "IsDefaultVersion": true,
                               "CreateDate": "2024-03-01T10:00:00+00:00"}]
    })
}
