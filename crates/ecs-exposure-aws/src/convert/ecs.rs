//! ECS: describe-clusters, describe-services, describe-task-definition.

use super::{Obj, time};
use aws_sdk_ecs::types as t;
use serde_json::Value;

fn tags(tags: &[t::Tag]) -> impl Fn(&str, Obj) -> Obj + '_ {
    move |k, o| {
        o.list(k, tags, |tag| {
            Obj::new()
                .s("key", tag.key())
                .s("value", tag.value())
                .done()
        })
    }
}

pub fn cluster(c: &t::Cluster) -> Value {
    let o = Obj::new()
        .s("clusterArn", c.cluster_arn())
        .s("clusterName", c.cluster_name())
        .s("status", c.status())
        .list("settings", c.settings(), |s| {
            Obj::new()
                .s("name", s.name().map(|n| n.as_str()))
                .s("value", s.value())
                .done()
        });
    tags(c.tags())("tags", o).done()
}

/// `networkConfiguration` of a service, deployment or task set.
fn network(n: Option<&t::NetworkConfiguration>) -> Option<Value> {
    n.and_then(|n| n.awsvpc_configuration()).map(|a| {
        Obj::new()
            .v(
                "awsvpcConfiguration",
                Some(
                    Obj::new()
                        .strs("subnets", a.subnets())
                        .strs("securityGroups", a.security_groups())
                        .s("assignPublicIp", a.assign_public_ip().map(|x| x.as_str()))
                        .done(),
                ),
            )
            .done()
    })
}

fn load_balancer(lb: &t::LoadBalancer) -> Value {
    Obj::new()
        .s("targetGroupArn", lb.target_group_arn())
        .s("loadBalancerName", lb.load_balancer_name())
        .s("containerName", lb.container_name())
        .i("containerPort", lb.container_port().map(i64::from))
        .done()
}

fn capacity(c: &t::CapacityProviderStrategyItem) -> Value {
    Obj::new()
        .s("capacityProvider", Some(c.capacity_provider()))
        .i("weight", Some(i64::from(c.weight())))
        .i("base", Some(i64::from(c.base())))
        .done()
}

/// One entry of `deployments`: while a deployment rolls out, the service runs the task
/// definitions of every deployment that is not INACTIVE.
fn deployment(d: &t::Deployment) -> Value {
    Obj::new()
        .s("id", d.id())
        .s("status", d.status())
        .s("taskDefinition", d.task_definition())
        .s("launchType", d.launch_type().map(|x| x.as_str()))
        .list(
            "capacityProviderStrategy",
            d.capacity_provider_strategy(),
            capacity,
        )
        .s("platformVersion", d.platform_version())
        .v("networkConfiguration", network(d.network_configuration()))
        .s("rolloutState", d.rollout_state().map(|x| x.as_str()))
        .done()
}

/// One entry of `taskSets` (EXTERNAL and CODE_DEPLOY deployment controllers).
fn task_set(ts: &t::TaskSet) -> Value {
    Obj::new()
        .s("id", ts.id())
        .s("taskSetArn", ts.task_set_arn())
        .s("status", ts.status())
        .s("taskDefinition", ts.task_definition())
        .s("launchType", ts.launch_type().map(|x| x.as_str()))
        .list(
            "capacityProviderStrategy",
            ts.capacity_provider_strategy(),
            capacity,
        )
        .s("platformVersion", ts.platform_version())
        .v("networkConfiguration", network(ts.network_configuration()))
        .list("loadBalancers", ts.load_balancers(), load_balancer)
        .done()
}

pub fn service(s: &t::Service) -> Value {
    let o = Obj::new()
        .s("serviceArn", s.service_arn())
        .s("serviceName", s.service_name())
        .s("clusterArn", s.cluster_arn())
        .list("loadBalancers", s.load_balancers(), load_balancer)
        .s("status", s.status())
        .i("desiredCount", Some(i64::from(s.desired_count())))
        .i("runningCount", Some(i64::from(s.running_count())))
        .s("launchType", s.launch_type().map(|x| x.as_str()))
        .list(
            "capacityProviderStrategy",
            s.capacity_provider_strategy(),
            capacity,
        )
        .s("platformVersion", s.platform_version())
        .s("taskDefinition", s.task_definition())
        .v("networkConfiguration", network(s.network_configuration()))
        .list("deployments", s.deployments(), deployment)
        .list("taskSets", s.task_sets(), task_set)
        .s(
            "schedulingStrategy",
            s.scheduling_strategy().map(|x| x.as_str()),
        )
        .s("createdAt", time(s.created_at()).as_deref())
        .b("enableExecuteCommand", Some(s.enable_execute_command()));
    tags(s.tags())("tags", o).done()
}

pub fn task_definition(td: &t::TaskDefinition) -> Value {
    Obj::new()
        .s("taskDefinitionArn", td.task_definition_arn())
        .s("family", td.family())
        .i("revision", Some(i64::from(td.revision())))
        .s("status", td.status().map(|x| x.as_str()))
        .s("taskRoleArn", td.task_role_arn())
        .s("executionRoleArn", td.execution_role_arn())
        .s("networkMode", td.network_mode().map(|x| x.as_str()))
        .s("pidMode", td.pid_mode().map(|x| x.as_str()))
        .s("ipcMode", td.ipc_mode().map(|x| x.as_str()))
        .list(
            "requiresCompatibilities",
            td.requires_compatibilities(),
            |c| Value::from(c.as_str()),
        )
        .v(
            "runtimePlatform",
            td.runtime_platform().map(|r| {
                Obj::new()
                    .s(
                        "operatingSystemFamily",
                        r.operating_system_family().map(|x| x.as_str()),
                    )
                    .s("cpuArchitecture", r.cpu_architecture().map(|x| x.as_str()))
                    .done()
            }),
        )
        .list("volumes", td.volumes(), |v| {
            Obj::new()
                .s("name", v.name())
                .v(
                    "host",
                    v.host()
                        .map(|h| Obj::new().s("sourcePath", h.source_path()).done()),
                )
                .done()
        })
        .list(
            "containerDefinitions",
            td.container_definitions(),
            container,
        )
        .s("registeredAt", time(td.registered_at()).as_deref())
        .done()
}

fn container(c: &t::ContainerDefinition) -> Value {
    Obj::new()
        .s("name", c.name())
        .s("image", c.image())
        .b("essential", c.essential())
        .b("privileged", c.privileged())
        .s("user", c.user())
        .b("readonlyRootFilesystem", c.readonly_root_filesystem())
        .list("portMappings", c.port_mappings(), |p| {
            Obj::new()
                .i("containerPort", p.container_port().map(i64::from))
                .i("hostPort", p.host_port().map(i64::from))
                .s("protocol", p.protocol().map(|x| x.as_str()))
                .s("containerPortRange", p.container_port_range())
                .done()
        })
        // The value is copied as the CLI prints it: the snapshot is the user's own data.
        // Reports never print it (the core holds it as a SecretString).
        .list("environment", c.environment(), |kv| {
            Obj::new()
                .s("name", kv.name())
                .s("value", kv.value())
                .done()
        })
        // Command lines and environment files: the core reads credentials in them.
        .strs("command", c.command())
        .strs("entryPoint", c.entry_point())
        .list("environmentFiles", c.environment_files(), |f| {
            Obj::new()
                .s("value", Some(f.value()))
                .s("type", Some(f.r#type().as_str()))
                .done()
        })
        .list("secrets", c.secrets(), |s| {
            Obj::new()
                .s("name", Some(s.name()))
                .s("valueFrom", Some(s.value_from()))
                .done()
        })
        .list("mountPoints", c.mount_points(), |m| {
            Obj::new()
                .s("sourceVolume", m.source_volume())
                .s("containerPath", m.container_path())
                .b("readOnly", m.read_only())
                .done()
        })
        .v(
            "linuxParameters",
            c.linux_parameters().map(|l| {
                Obj::new()
                    .v(
                        "capabilities",
                        l.capabilities().map(|cap| {
                            Obj::new()
                                .strs("add", cap.add())
                                .strs("drop", cap.drop())
                                .done()
                        }),
                    )
                    .b("initProcessEnabled", l.init_process_enabled())
                    .list("devices", l.devices(), |d| {
                        Obj::new()
                            .s("hostPath", Some(d.host_path()))
                            .s("containerPath", d.container_path())
                            .list("permissions", d.permissions(), |p| Value::from(p.as_str()))
                            .done()
                    })
                    .done()
            }),
        )
        .strs("dockerSecurityOptions", c.docker_security_options())
        // The driver only: `options` may hold credentials (a Splunk token) and no trait
        // reads them.
        .v(
            "logConfiguration",
            c.log_configuration().map(|l| {
                Obj::new()
                    .s("logDriver", Some(l.log_driver().as_str()))
                    .done()
            }),
        )
        .done()
}

/// `describe-task-definition --include TAGS` prints the tags beside the definition.
pub fn task_definition_output(td: &t::TaskDefinition, tags: &[t::Tag]) -> Value {
    let o = Obj::new().v("taskDefinition", Some(task_definition(td)));
    super::ecs::tags(tags)("tags", o).done()
}
