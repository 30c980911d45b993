//! Evidence: what a trait saw, where, and typed details.
//!
//! Details are written into one map (the reports show it as `details`), but code that reads a
//! detail back (a trait's remediation or change, the severity rules, the planner) reads it
//! through a typed [`Key`], never a string: a renamed or retyped detail is then a compile
//! error or a failed test (`tests/layers.rs` forbids string lookups), not a silent
//! `None`. The keys code reads are in [`keys`].

use serde::Serialize;
use serde_json::Value;
use std::marker::PhantomData;

/// One piece of evidence: what was seen, on which resource, where.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Evidence {
    /// A sentence a person can check, e.g. "container `web` sets `privileged: true`".
    /// Never contains a credential value.
    pub message: String,
    /// ARN or id of the resource the evidence is about.
    pub resource: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// Where in that resource, as a JSON path of the AWS API shape.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For reachability: the path from the internet to the port, hop by hop.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<PathStep>,
    /// Trait-specific details (CVE id, EPSS, rule, masked value…).
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub details: serde_json::Map<String, serde_json::Value>,
    /// Infrastructure as code: the file, line and column of `field`, filled in by the engine
    /// from the inventory's source map (traits never set it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<crate::model::Location>,
}

impl Evidence {
    pub fn new(resource: impl Into<String>, message: impl Into<String>) -> Self {
        Evidence {
            message: message.into(),
            resource: resource.into(),
            container: None,
            field: None,
            path: Vec::new(),
            details: serde_json::Map::new(),
            location: None,
        }
    }
    pub fn container(mut self, name: impl Into<String>) -> Self {
        self.container = Some(name.into());
        self
    }
    pub fn field(mut self, path: impl Into<String>) -> Self {
        self.field = Some(path.into());
        self
    }
    pub fn step(mut self, step: PathStep) -> Self {
        self.path.push(step);
        self
    }
    /// A detail that only reports show (no code reads it back).
    pub fn detail(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.details.insert(key.to_string(), value.into());
        self
    }

    /// A detail that code reads back, under its typed key.
    pub fn with<T: ?Sized + KeyType>(mut self, key: Key<T>, value: impl Into<T::Owned>) -> Self {
        self.details
            .insert(key.name.to_string(), value.into().into());
        self
    }

    /// The detail under a typed key, if present and of its type.
    pub fn get<T: ?Sized + KeyType>(&self, key: Key<T>) -> Option<T::Out<'_>> {
        self.details.get(key.name).and_then(T::read)
    }

    /// Whether the detail is present (whatever its value).
    pub fn has<T: ?Sized>(&self, key: Key<T>) -> bool {
        self.details.contains_key(key.name)
    }
}

/// One hop of a network path.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PathStep {
    /// CloudFormation-style type, e.g. `AWS::EC2::InternetGateway`.
    #[serde(rename = "type")]
    pub resource_type: String,
    pub id: String,
    /// What this hop allows, e.g. "rule 100 allows tcp 0-65535 from 0.0.0.0/0".
    pub detail: String,
}

impl PathStep {
    pub fn new(resource_type: &str, id: impl Into<String>, detail: impl Into<String>) -> Self {
        PathStep {
            resource_type: resource_type.to_string(),
            id: id.into(),
            detail: detail.into(),
        }
    }
}

/// A typed key of [`Evidence::details`]: `name` is the field the reports write, `T` what the
/// value holds (`str`, `bool`, `u64`, `[String]`, or `Value` for a structured detail).
pub struct Key<T: ?Sized> {
    pub name: &'static str,
    of: PhantomData<fn(&T)>,
}

impl<T: ?Sized> Key<T> {
    pub const fn new(name: &'static str) -> Self {
        Key {
            name,
            of: PhantomData,
        }
    }
}

impl<T: ?Sized> Clone for Key<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: ?Sized> Copy for Key<T> {}

/// What a key's value is written from and read as.
pub trait KeyType {
    /// What is written (converted into a JSON value).
    type Owned: Into<Value>;
    /// What is read back, borrowing from the evidence.
    type Out<'a>;
    fn read(v: &Value) -> Option<Self::Out<'_>>;
}

impl KeyType for str {
    type Owned = String;
    type Out<'a> = &'a str;
    fn read(v: &Value) -> Option<&str> {
        v.as_str()
    }
}

impl KeyType for bool {
    type Owned = bool;
    type Out<'a> = bool;
    fn read(v: &Value) -> Option<bool> {
        v.as_bool()
    }
}

impl KeyType for u64 {
    type Owned = u64;
    type Out<'a> = u64;
    fn read(v: &Value) -> Option<u64> {
        v.as_u64()
    }
}

impl KeyType for usize {
    type Owned = usize;
    type Out<'a> = usize;
    fn read(v: &Value) -> Option<usize> {
        v.as_u64().and_then(|n| usize::try_from(n).ok())
    }
}

impl KeyType for [String] {
    type Owned = Vec<String>;
    type Out<'a> = Vec<&'a str>;
    fn read(v: &Value) -> Option<Vec<&str>> {
        v.as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
    }
}

impl KeyType for Value {
    type Owned = Value;
    type Out<'a> = &'a Value;
    fn read(v: &Value) -> Option<&Value> {
        Some(v)
    }
}

/// The details code reads back, by name. A detail only reports show needs no key.
pub mod keys {
    use super::Key;
    use serde_json::Value;

    // Image traits.
    pub const VULNERABILITY_ID: Key<str> = Key::new("vulnerability_id");
    pub const IMAGE: Key<str> = Key::new("image");
    pub const MORE_FINDINGS: Key<Value> = Key::new("more_findings");
    // Host mounts.
    pub const VOLUME: Key<str> = Key::new("volume");
    pub const HOST_PATH: Key<str> = Key::new("host_path");
    // Network paths.
    /// `direct` or `load-balancer`.
    pub const PATH: Key<str> = Key::new("path");
    /// Present when the path reaches the tasks at their EC2 hosts (`bridge`/`host` mode).
    pub const HOST: Key<Value> = Key::new("host");
    /// What guards a load balancer path (sign-in, source restriction).
    pub const GUARD: Key<[String]> = Key::new("guard");
    pub const PROTOCOL: Key<Value> = Key::new("protocol");
    pub const PORT: Key<Value> = Key::new("port");
    pub const IP_VERSION: Key<str> = Key::new("ip_version");
    pub const LISTENER_RULE: Key<str> = Key::new("listener_rule");
    pub const RULE: Key<Value> = Key::new("rule");
    pub const TARGET_GROUP_ARN: Key<str> = Key::new("target_group_arn");
    pub const LOAD_BALANCER: Key<str> = Key::new("load_balancer");
    pub const LOAD_BALANCER_ARN: Key<str> = Key::new("load_balancer_arn");
    pub const LOAD_BALANCER_TYPE: Key<str> = Key::new("load_balancer_type");
    pub const LISTENER_PROTOCOL: Key<str> = Key::new("listener_protocol");
    pub const LISTENER_PORT: Key<Value> = Key::new("listener_port");
    /// Security group rules open to the internet (objects: `group_id`, `ip_protocol`,
    /// `from_port`, `to_port`, `cidr`).
    pub const RULES: Key<Value> = Key::new("rules");
    // IAM.
    pub const ROLE_ARN: Key<str> = Key::new("role_arn");
    pub const POLICY_NAME: Key<str> = Key::new("policy_name");
    pub const POLICY_ARN: Key<str> = Key::new("policy_arn");
    /// `aws-managed`, `customer-managed` or `inline`.
    pub const POLICY_TYPE: Key<str> = Key::new("policy_type");
    pub const STATEMENT: Key<usize> = Key::new("statement");
    pub const PRIVILEGE_ESCALATION: Key<bool> = Key::new("privilege_escalation");
    pub const TASK_DEFINITION: Key<str> = Key::new("task_definition");
    // Credentials.
    pub const VARIABLE: Key<str> = Key::new("variable");
    pub const KIND: Key<str> = Key::new("kind");
    /// `command` or `entryPoint`, for a credential in a command-line argument.
    pub const IN: Key<str> = Key::new("in");
    /// The flag a command-line credential is given to (`--password`).
    pub const ARGUMENT: Key<str> = Key::new("argument");
    // Capabilities.
    pub const CAPABILITIES: Key<[String]> = Key::new("capabilities");
}
