//! SDK types → the JSON the AWS CLI prints for the same call.
//!
//! `collect` writes these documents and `scan --live` feeds them to the same loader as a saved
//! snapshot, so a live scan and a scan of its snapshot cannot disagree. Only the fields the
//! analysis (and a person checking evidence) reads are carried; key names and casing are the
//! CLI's (camelCase for ECS and Inspector, PascalCase for EC2, ELBv2 and IAM).

pub mod ec2;
pub mod ecs;
pub mod elbv2;
pub mod hosts;
pub mod iam;
pub mod inspector;

use serde_json::{Map, Value};

/// A JSON object builder that leaves out absent values, as the CLI does.
#[derive(Default)]
pub(crate) struct Obj(Map<String, Value>);

impl Obj {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn s(mut self, k: &str, v: Option<&str>) -> Self {
        if let Some(v) = v {
            self.0.insert(k.into(), Value::from(v));
        }
        self
    }
    pub fn b(mut self, k: &str, v: Option<bool>) -> Self {
        if let Some(v) = v {
            self.0.insert(k.into(), Value::from(v));
        }
        self
    }
    pub fn i(mut self, k: &str, v: Option<i64>) -> Self {
        if let Some(v) = v {
            self.0.insert(k.into(), Value::from(v));
        }
        self
    }
    pub fn f(mut self, k: &str, v: Option<f64>) -> Self {
        if let Some(v) = v.and_then(serde_json::Number::from_f64) {
            self.0.insert(k.into(), Value::Number(v));
        }
        self
    }
    /// A nested value; `None` and null are left out.
    pub fn v(mut self, k: &str, v: Option<Value>) -> Self {
        if let Some(v) = v.filter(|v| !v.is_null()) {
            self.0.insert(k.into(), v);
        }
        self
    }
    /// A list, always written (the CLI prints empty lists).
    pub fn list<T>(mut self, k: &str, items: &[T], f: impl Fn(&T) -> Value) -> Self {
        self.0
            .insert(k.into(), Value::Array(items.iter().map(f).collect()));
        self
    }
    /// A list of strings.
    pub fn strs(self, k: &str, items: &[String]) -> Self {
        self.list(k, items, |s| Value::from(s.as_str()))
    }
    pub fn done(self) -> Value {
        Value::Object(self.0)
    }
}

/// RFC 3339 form of an SDK timestamp, as the CLI prints it.
pub(crate) fn time(t: Option<&aws_smithy_types::DateTime>) -> Option<String> {
    t.and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok())
}
