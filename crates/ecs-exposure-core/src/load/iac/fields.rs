//! The one map between a model field and its name in a template: the loaders record where each
//! model path is written under the template's name for it, and the planner edits (or names in
//! a review note) the template's name for the model path a change sets. Both read the names
//! here, so a field's template name is written once.
//!
//! Model paths are the AWS API's JSON (what the traits, the source maps and the planner use).
//! CloudFormation names are the property path; the converter of a camelCase resource (ECS)
//! lowers the first letter of each key, which a test checks for every field below. Terraform
//! names are the attribute path in the plan's `values`; inside `container_definitions` (a JSON
//! text in the API's own shape) they are the model names.

/// One field of a resource (or of a container or volume, relative to it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub model: &'static str,
    pub cfn: &'static str,
    pub tf: &'static str,
}

impl Field {
    const fn new(model: &'static str, cfn: &'static str, tf: &'static str) -> Self {
        Field { model, cfn, tf }
    }

    /// The model path of this field under `parent` (`containerDefinitions[0]`).
    pub fn model_under(&self, parent: &str) -> String {
        format!("{parent}.{}", self.model)
    }

    /// The CloudFormation key of the field itself (the last key of its path), which an edit
    /// that adds the field writes.
    pub fn cfn_key(&self) -> &'static str {
        last(self.cfn)
    }

    /// The Terraform attribute of the field itself, within its block.
    pub fn tf_key(&self) -> &'static str {
        last(self.tf)
    }
}

fn last(path: &'static str) -> &'static str {
    path.rsplit('.').next().unwrap_or(path)
}

// Task definition.
pub const CONTAINER_DEFINITIONS: Field = Field::new(
    "containerDefinitions",
    "ContainerDefinitions",
    "container_definitions",
);
pub const PID_MODE: Field = Field::new("pidMode", "PidMode", "pid_mode");
pub const NETWORK_MODE: Field = Field::new("networkMode", "NetworkMode", "network_mode");
pub const IPC_MODE: Field = Field::new("ipcMode", "IpcMode", "ipc_mode");
pub const TASK_ROLE_ARN: Field = Field::new("taskRoleArn", "TaskRoleArn", "task_role_arn");
pub const EXECUTION_ROLE_ARN: Field =
    Field::new("executionRoleArn", "ExecutionRoleArn", "execution_role_arn");
pub const VOLUMES: Field = Field::new("volumes", "Volumes", "volume");
/// Of a volume: the host path it mounts.
pub const VOLUME_HOST: Field = Field::new("host", "Host", "host_path");

// Container definition (relative to `containerDefinitions[i]`).
pub const PRIVILEGED: Field = Field::new("privileged", "Privileged", "privileged");
pub const READONLY_ROOT_FILESYSTEM: Field = Field::new(
    "readonlyRootFilesystem",
    "ReadonlyRootFilesystem",
    "readonlyRootFilesystem",
);
pub const USER: Field = Field::new("user", "User", "user");
pub const CAPABILITIES_ADD: Field = Field::new(
    "linuxParameters.capabilities.add",
    "LinuxParameters.Capabilities.Add",
    "linuxParameters.capabilities.add",
);

// Service.
pub const TASK_DEFINITION: Field =
    Field::new("taskDefinition", "TaskDefinition", "task_definition");
/// CloudFormation's `Cluster` is renamed to the API's `clusterArn` by the converter.
pub const CLUSTER: Field = Field::new("clusterArn", "Cluster", "cluster");
pub const LAUNCH_TYPE: Field = Field::new("launchType", "LaunchType", "launch_type");
pub const ENABLE_EXECUTE_COMMAND: Field = Field::new(
    "enableExecuteCommand",
    "EnableExecuteCommand",
    "enable_execute_command",
);
pub const AWSVPC_CONFIGURATION: Field = Field::new(
    "networkConfiguration.awsvpcConfiguration",
    "NetworkConfiguration.AwsvpcConfiguration",
    "network_configuration",
);
pub const ASSIGN_PUBLIC_IP: Field = Field::new(
    "networkConfiguration.awsvpcConfiguration.assignPublicIp",
    "NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp",
    "network_configuration.assign_public_ip",
);
pub const SERVICE_SUBNETS: Field = Field::new(
    "networkConfiguration.awsvpcConfiguration.subnets",
    "NetworkConfiguration.AwsvpcConfiguration.Subnets",
    "network_configuration.subnets",
);
pub const SERVICE_SECURITY_GROUPS: Field = Field::new(
    "networkConfiguration.awsvpcConfiguration.securityGroups",
    "NetworkConfiguration.AwsvpcConfiguration.SecurityGroups",
    "network_configuration.security_groups",
);

// EC2.
pub const MAP_PUBLIC_IP_ON_LAUNCH: Field = Field::new(
    "MapPublicIpOnLaunch",
    "MapPublicIpOnLaunch",
    "map_public_ip_on_launch",
);
/// Of a security group: its ingress rules (CloudFormation: inline ones).
pub const INGRESS: Field = Field::new("IpPermissions", "SecurityGroupIngress", "ingress");

// Elastic Load Balancing: Terraform has a boolean where the API has the scheme's name.
pub const SCHEME: Field = Field::new("Scheme", "Scheme", "internal");

/// The fields of camelCase (ECS) resources, whose CloudFormation names the converter turns
/// into model paths by lowering first letters.
#[cfg(test)]
const CAMEL: &[Field] = &[
    CONTAINER_DEFINITIONS,
    PID_MODE,
    NETWORK_MODE,
    IPC_MODE,
    TASK_ROLE_ARN,
    EXECUTION_ROLE_ARN,
    VOLUMES,
    VOLUME_HOST,
    PRIVILEGED,
    READONLY_ROOT_FILESYSTEM,
    USER,
    CAPABILITIES_ADD,
    TASK_DEFINITION,
    LAUNCH_TYPE,
    ENABLE_EXECUTE_COMMAND,
    AWSVPC_CONFIGURATION,
    ASSIGN_PUBLIC_IP,
    SERVICE_SUBNETS,
    SERVICE_SECURITY_GROUPS,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloudformation_names_of_ecs_fields_lower_to_their_model_paths() {
        for f in CAMEL {
            let lowered: Vec<String> = f
                .cfn
                .split('.')
                .map(super::super::cfn::lower_first)
                .collect();
            assert_eq!(lowered.join("."), f.model, "{f:?}");
        }
    }

    #[test]
    fn keys_are_the_last_names_of_the_paths() {
        assert_eq!(ASSIGN_PUBLIC_IP.tf_key(), "assign_public_ip");
        assert_eq!(READONLY_ROOT_FILESYSTEM.cfn_key(), "ReadonlyRootFilesystem");
        assert_eq!(
            PRIVILEGED.model_under("containerDefinitions[2]"),
            "containerDefinitions[2].privileged"
        );
    }
}
