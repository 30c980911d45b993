//! ECS resources as `aws ecs describe-*` prints them (only the fields the analysis reads;
//! everything else in the input is ignored).

use super::SecretString;
use serde::Deserialize;

/// A `Key`/`Value` or `key`/`value` tag.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct Tag {
    #[serde(alias = "Key")]
    pub key: Option<String>,
    #[serde(alias = "Value")]
    pub value: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cluster {
    pub cluster_arn: String,
    pub cluster_name: Option<String>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    pub service_arn: String,
    pub service_name: Option<String>,
    pub cluster_arn: Option<String>,
    /// The task definition revision the service runs (its primary deployment).
    pub task_definition: Option<String>,
    pub launch_type: Option<String>,
    #[serde(default)]
    pub capacity_provider_strategy: Vec<CapacityProviderItem>,
    pub platform_version: Option<String>,
    pub network_configuration: Option<NetworkConfiguration>,
    #[serde(default)]
    pub load_balancers: Vec<ServiceLoadBalancer>,
    #[serde(default)]
    pub enable_execute_command: bool,
    pub status: Option<String>,
    pub desired_count: Option<i64>,
    pub running_count: Option<i64>,
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// Every deployment in progress or done (`PRIMARY`, `ACTIVE`, `INACTIVE`): while one
    /// rolls out, the service runs the task definitions of all that are not `INACTIVE`.
    #[serde(default)]
    pub deployments: Vec<Deployment>,
    /// Task sets (the `EXTERNAL` and `CODE_DEPLOY` deployment controllers): each runs its
    /// own task definition with its own network configuration.
    #[serde(default)]
    pub task_sets: Vec<TaskSet>,
    /// Not a service of the input: a task definition judged on its own because no service
    /// in the input runs it (see [`Service::for_task_definition`]).
    #[serde(skip)]
    pub standalone: bool,
}

impl Service {
    /// The subject under which a task definition that no service runs is judged: it has the
    /// task definition's ARN and family and no service settings (no network configuration,
    /// no load balancer), and `standalone` tells the engine that traits which read the
    /// service cannot be judged for it.
    pub fn for_task_definition(td: &TaskDefinition) -> Service {
        Service {
            service_arn: td.task_definition_arn.clone(),
            service_name: Some(
                td.family
                    .clone()
                    .unwrap_or_else(|| td.short_name().to_string()),
            ),
            cluster_arn: None,
            task_definition: Some(td.task_definition_arn.clone()),
            launch_type: None,
            capacity_provider_strategy: Vec::new(),
            platform_version: None,
            network_configuration: None,
            load_balancers: Vec::new(),
            enable_execute_command: false,
            status: None,
            desired_count: None,
            running_count: None,
            tags: td.tags.clone(),
            deployments: Vec::new(),
            task_sets: Vec::new(),
            standalone: true,
        }
    }

    /// Drops what the service's own fields already say: its `PRIMARY` deployment (ECS
    /// copies it into `taskDefinition`, `networkConfiguration`…) when the service names its
    /// task definition, and `INACTIVE` ones (they run nothing). Every service of an account
    /// carries a `PRIMARY` deployment; keeping it would hold each service's settings twice.
    pub fn drop_mirrored_deployments(&mut self) {
        let named = self.task_definition.is_some();
        self.deployments.retain(|d| {
            let status = d.status.as_deref().unwrap_or("");
            !(status.eq_ignore_ascii_case("INACTIVE")
                || (named && status.eq_ignore_ascii_case("PRIMARY")))
        });
        self.deployments.shrink_to_fit();
    }

    /// The service name, or the last segment of its ARN.
    pub fn name(&self) -> &str {
        self.service_name.as_deref().unwrap_or_else(|| {
            self.service_arn
                .rsplit('/')
                .next()
                .unwrap_or(&self.service_arn)
        })
    }

    pub fn awsvpc(&self) -> Option<&AwsVpcConfiguration> {
        self.network_configuration
            .as_ref()
            .and_then(|n| n.awsvpc_configuration.as_ref())
    }

    /// Whether the tasks get a public IPv4 address (`assignPublicIp: ENABLED`).
    pub fn assigns_public_ip(&self) -> bool {
        self.awsvpc()
            .and_then(|a| a.assign_public_ip.as_deref())
            .is_some_and(|v| v.eq_ignore_ascii_case("ENABLED"))
    }

    /// Fargate when the launch type or a capacity provider says so.
    pub fn is_fargate(&self) -> bool {
        self.launch_type.as_deref() == Some("FARGATE")
            || self
                .capacity_provider_strategy
                .iter()
                .any(|c| c.capacity_provider.starts_with("FARGATE"))
    }
}

/// One entry of a service's `deployments`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    pub id: Option<String>,
    /// `PRIMARY`, `ACTIVE` (being replaced, still running tasks) or `INACTIVE`.
    pub status: Option<String>,
    pub task_definition: Option<String>,
    pub launch_type: Option<String>,
    #[serde(default)]
    pub capacity_provider_strategy: Vec<CapacityProviderItem>,
    pub platform_version: Option<String>,
    pub network_configuration: Option<NetworkConfiguration>,
}

/// One entry of a service's `taskSets`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskSet {
    pub id: Option<String>,
    pub task_set_arn: Option<String>,
    /// `PRIMARY`, `ACTIVE` or `DRAINING`: all three run tasks.
    pub status: Option<String>,
    pub task_definition: Option<String>,
    pub launch_type: Option<String>,
    #[serde(default)]
    pub capacity_provider_strategy: Vec<CapacityProviderItem>,
    pub platform_version: Option<String>,
    pub network_configuration: Option<NetworkConfiguration>,
    #[serde(default)]
    pub load_balancers: Vec<ServiceLoadBalancer>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CapacityProviderItem {
    pub capacity_provider: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkConfiguration {
    pub awsvpc_configuration: Option<AwsVpcConfiguration>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AwsVpcConfiguration {
    #[serde(default)]
    pub subnets: Vec<String>,
    #[serde(default)]
    pub security_groups: Vec<String>,
    pub assign_public_ip: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceLoadBalancer {
    pub target_group_arn: Option<String>,
    pub load_balancer_name: Option<String>,
    pub container_name: Option<String>,
    pub container_port: Option<u16>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskDefinition {
    pub task_definition_arn: String,
    pub family: Option<String>,
    pub revision: Option<i64>,
    pub status: Option<String>,
    pub network_mode: Option<String>,
    pub pid_mode: Option<String>,
    pub ipc_mode: Option<String>,
    pub task_role_arn: Option<String>,
    pub execution_role_arn: Option<String>,
    #[serde(default)]
    pub requires_compatibilities: Vec<String>,
    #[serde(default)]
    pub volumes: Vec<Volume>,
    #[serde(default)]
    pub container_definitions: Vec<ContainerDefinition>,
    pub runtime_platform: Option<RuntimePlatform>,
    /// Tags printed beside the task definition by `describe-task-definition --include TAGS`.
    #[serde(skip)]
    pub tags: Vec<Tag>,
}

impl TaskDefinition {
    /// `networkMode`, defaulting as ECS does to `bridge` on EC2 when unset.
    pub fn network_mode(&self) -> &str {
        self.network_mode.as_deref().unwrap_or("bridge")
    }

    /// `family:revision`, or the ARN's last segment.
    pub fn short_name(&self) -> &str {
        self.task_definition_arn
            .rsplit('/')
            .next()
            .unwrap_or(&self.task_definition_arn)
    }

    pub fn volume(&self, name: &str) -> Option<&Volume> {
        self.volumes
            .iter()
            .find(|v| v.name.as_deref() == Some(name))
    }

    pub fn is_windows(&self) -> bool {
        self.runtime_platform
            .as_ref()
            .and_then(|r| r.operating_system_family.as_deref())
            .is_some_and(|f| f.starts_with("WINDOWS"))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuntimePlatform {
    pub operating_system_family: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Volume {
    pub name: Option<String>,
    pub host: Option<HostVolume>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HostVolume {
    pub source_path: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerDefinition {
    pub name: Option<String>,
    pub image: Option<String>,
    pub privileged: Option<bool>,
    pub user: Option<String>,
    pub readonly_root_filesystem: Option<bool>,
    #[serde(default)]
    pub essential: Option<bool>,
    #[serde(default)]
    pub environment: Vec<EnvironmentVariable>,
    #[serde(default)]
    pub secrets: Vec<SecretRef>,
    /// `command` and `entryPoint` arguments: [`SecretString`]s, since a password is often
    /// passed on the command line (`--password=…`).
    #[serde(default, deserialize_with = "super::secret::secret_list")]
    pub command: Vec<SecretString>,
    #[serde(default, deserialize_with = "super::secret::secret_list")]
    pub entry_point: Vec<SecretString>,
    #[serde(default)]
    pub environment_files: Vec<EnvironmentFile>,
    #[serde(default)]
    pub port_mappings: Vec<PortMapping>,
    #[serde(default)]
    pub mount_points: Vec<MountPoint>,
    pub linux_parameters: Option<LinuxParameters>,
    /// Docker `--security-opt` strings (`no-new-privileges`, `apparmor:PROFILE`,
    /// `label:…`, `credentialspec:…`).
    #[serde(default)]
    pub docker_security_options: Vec<String>,
    /// Only whether a log driver is set: `options` may hold credentials (a Splunk token, a
    /// Datadog API key), so they are never read into the model.
    pub log_configuration: Option<LogConfiguration>,
}

impl ContainerDefinition {
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or("(unnamed)")
    }
}

/// A plaintext `environment` entry. The value is a [`SecretString`] because it may be one.
#[derive(Debug, Clone, Deserialize)]
pub struct EnvironmentVariable {
    pub name: Option<String>,
    pub value: Option<SecretString>,
}

/// An `environmentFiles` entry: an S3 object of `NAME=value` lines that the container gets as
/// its environment. The object itself is not in any input.
#[derive(Debug, Clone, Deserialize)]
pub struct EnvironmentFile {
    /// The object's ARN (`arn:aws:s3:::bucket/key.env`).
    pub value: Option<String>,
    /// `s3`, the only type ECS knows.
    #[serde(rename = "type")]
    pub file_type: Option<String>,
}

/// A `secrets` entry: a reference to Secrets Manager or SSM, never a value.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretRef {
    pub name: Option<String>,
    pub value_from: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortMapping {
    pub container_port: Option<u16>,
    pub host_port: Option<u16>,
    pub protocol: Option<String>,
    pub container_port_range: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MountPoint {
    pub source_volume: Option<String>,
    pub container_path: Option<String>,
    pub read_only: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinuxParameters {
    pub capabilities: Option<Capabilities>,
    pub init_process_enabled: Option<bool>,
    /// Host devices exposed to the container.
    #[serde(default)]
    pub devices: Vec<Device>,
}

/// A `linuxParameters.devices` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Device {
    pub host_path: Option<String>,
    /// Where the container sees it; the host path when unset.
    pub container_path: Option<String>,
    /// `read`, `write`, `mknod`; all three when unset.
    #[serde(default)]
    pub permissions: Vec<String>,
}

/// A container's `logConfiguration`, without its `options` (see
/// [`ContainerDefinition::log_configuration`]).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogConfiguration {
    pub log_driver: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Capabilities {
    #[serde(default)]
    pub add: Vec<String>,
    #[serde(default)]
    pub drop: Vec<String>,
}
