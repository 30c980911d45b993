//! Why a template or plan cannot be converted: the typed error of the converters, shown to the
//! user as the message of the file's [`Diagnostic`](crate::load::Diagnostic) (its text is the
//! one the loader has always printed). No value from the input is quoted.

use std::fmt;

/// A template or plan the loader refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IacError {
    /// A converted resource does not fit the model: the value at `path` (a JSON path in the
    /// model's shape) is not what the model expects.
    Model {
        resource: String,
        path: String,
        /// What was expected there, as serde says it (values redacted).
        expected: String,
        /// The conversion gave up after repairing this many unresolved required fields
        /// ([`MAX_FIELD_REPAIRS`](super::coerce::MAX_FIELD_REPAIRS)); 0 when it did not.
        repairs: usize,
    },
    /// A Terraform `container_definitions` text that is not JSON (or gives a key twice).
    ContainerDefinitions {
        resource: String,
        expected: String,
        /// Line and column within the JSON text.
        line: usize,
        column: usize,
    },
}

impl fmt::Display for IacError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IacError::Model {
                resource,
                path,
                expected,
                repairs,
            } => {
                write!(f, "resource `{resource}`: cannot read `{path}`: {expected}")?;
                if *repairs > 0 {
                    write!(
                        f,
                        " (and {repairs} unresolved required fields before it, limit MAX_FIELD_REPAIRS)"
                    )?;
                }
                Ok(())
            }
            IacError::ContainerDefinitions {
                resource,
                expected,
                line,
                column,
            } => write!(
                f,
                "resource `{resource}`: `container_definitions` cannot be read: {expected} (line {line} column {column} of its JSON text)"
            ),
        }
    }
}

impl std::error::Error for IacError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_resource_and_path() {
        let e = IacError::Model {
            resource: "t.yaml#Web".into(),
            path: "desiredCount".into(),
            expected: "invalid type: string, expected i64".into(),
            repairs: 0,
        };
        assert_eq!(
            e.to_string(),
            "resource `t.yaml#Web`: cannot read `desiredCount`: invalid type: string, expected i64"
        );
        let e = IacError::ContainerDefinitions {
            resource: "p.json#aws_ecs_task_definition.web".into(),
            expected: "EOF while parsing a list".into(),
            line: 1,
            column: 2,
        };
        assert_eq!(
            e.to_string(),
            "resource `p.json#aws_ecs_task_definition.web`: `container_definitions` cannot be read: EOF while parsing a list (line 1 column 2 of its JSON text)"
        );
    }
}
