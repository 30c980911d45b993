//! ECS: `describe-clusters`, `describe-services` (ten services per file, the API's limit per
//! call) and one `describe-task-definition` file per deployed revision.

use crate::layout::*;
use crate::out::Out;
use crate::rng::hex;
use serde_json::{Value, json};

pub fn write(layout: &Layout, out: &mut Out) -> std::io::Result<()> {
    let clusters: Vec<Value> = (0..layout.clusters())
        .map(|c| {
            json!({
                "clusterArn": cluster_arn(c), "clusterName": cluster_name(c), "status": "ACTIVE",
                "registeredContainerInstancesCount": 12, "runningTasksCount": 2400,
                "pendingTasksCount": 0, "activeServicesCount": SERVICES_PER_CLUSTER,
                "statistics": [], "tags": [{"key": "environment", "value": "bench"}],
                "settings": [{"name": "containerInsights", "value": "enabled"}],
                "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
                "defaultCapacityProviderStrategy": []
            })
        })
        .collect();
    for (n, chunk) in clusters.chunks(100).enumerate() {
        out.write(
            &format!("ecs-describe-clusters-{}.json", n + 1),
            &json!({"clusters": chunk, "failures": []}),
        )?;
    }
    for (n, batch) in layout.services.chunks(10).enumerate() {
        let services: Vec<Value> = batch.iter().map(service).collect();
        let cluster = cluster_name(batch[0].cluster);
        out.write(
            &format!("ecs-describe-services-{cluster}-{:04}.json", n + 1),
            &json!({"services": services, "failures": []}),
        )?;
    }
    for s in &layout.services {
        out.write(
            &format!(
                "ecs-describe-task-definition-{}-{}.json",
                service_name(s.index),
                s.revision
            ),
            &task_definition(s),
        )?;
    }
    Ok(())
}

fn service(s: &ServiceSpec) -> Value {
    let name = service_name(s.index);
    let td = task_definition_arn(s.index, s.revision);
    let launch = if s.fargate { "FARGATE" } else { "EC2" };
    let created = timestamp(s.index as u64);
    let subnets: Vec<String> = (0..2)
        .map(|k| {
            let base = if s.public_ip { 0 } else { SUBNETS_PER_VPC / 2 };
            subnet_id(s.vpc, base + (s.index + k) % (SUBNETS_PER_VPC / 2))
        })
        .collect();
    let network = json!({"awsvpcConfiguration": {
        "subnets": subnets, "securityGroups": [service_sg(s.index)],
        "assignPublicIp": if s.public_ip { "ENABLED" } else { "DISABLED" }}});
    let lbs: Vec<Value> =
        s.lb.map(|(lb, slot)| {
            json!({"targetGroupArn": target_group_arn(lb, slot), "containerName": "app",
                   "containerPort": s.port})
        })
        .into_iter()
        .collect();
    let deployment_id = format!("ecs-svc/{}", 1_000_000_000_000_000_000 + s.index as u64);
    json!({
        "serviceArn": format!("arn:aws:ecs:{REGION}:{ACCOUNT}:service/{}/{name}", cluster_name(s.cluster)),
        "serviceName": name, "clusterArn": cluster_arn(s.cluster), "loadBalancers": lbs,
        "serviceRegistries": [], "status": "ACTIVE", "desiredCount": 2, "runningCount": 2,
        "pendingCount": 0, "launchType": launch, "platformVersion": "LATEST",
        "platformFamily": "Linux", "taskDefinition": td,
        "deploymentConfiguration": {
            "deploymentCircuitBreaker": {"enable": true, "rollback": true},
            "maximumPercent": 200, "minimumHealthyPercent": 100},
        "deployments": [{
            "id": deployment_id, "status": "PRIMARY", "taskDefinition": td, "desiredCount": 2,
            "pendingCount": 0, "runningCount": 2, "failedTasks": 0, "createdAt": created,
            "updatedAt": created, "launchType": launch, "networkConfiguration": network,
            "rolloutState": "COMPLETED",
            "rolloutStateReason": format!("ECS deployment {deployment_id} completed.")}],
        "roleArn": format!("arn:aws:iam::{ACCOUNT}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"),
        "events": [{"id": uuid(s.index as u64), "createdAt": created,
                    "message": format!("(service {name}) has reached a steady state.")}],
        "createdAt": created, "placementConstraints": [], "placementStrategy": [],
        "networkConfiguration": network, "schedulingStrategy": "REPLICA",
        "deploymentController": {"type": "ECS"},
        "tags": [{"key": "team", "value": format!("team-{:02}", s.repository % 40)}],
        "createdBy": format!("arn:aws:iam::{ACCOUNT}:role/deployer"),
        "enableECSManagedTags": true, "propagateTags": "SERVICE",
        "enableExecuteCommand": s.index.is_multiple_of(7), "availabilityZoneRebalancing": "ENABLED"
    })
}

fn task_definition(s: &ServiceSpec) -> Value {
    let name = service_name(s.index);
    let mut env = vec![
        json!({"name": "PORT", "value": s.port.to_string()}),
        json!({"name": "LOG_LEVEL", "value": "info"}),
        json!({"name": "PASSWORD_MIN_LENGTH", "value": "12"}),
        json!({"name": "SERVICE_NAME", "value": name}),
    ];
    if s.plaintext_aws_key {
        env.push(json!({"name": "AWS_ACCESS_KEY_ID", "value": "AKIAIOSFODNN7EXAMPLE"}));
        env.push(json!({"name": "AWS_SECRET_ACCESS_KEY", "value": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}));
    }
    let mut containers = vec![json!({
        "name": "app", "image": image_uri(s.repository), "cpu": 0,
        "portMappings": [{"containerPort": s.port, "hostPort": if s.fargate { s.port } else { 0 },
                          "protocol": "tcp", "name": format!("app-{}-tcp", s.port), "appProtocol": "http"}],
        "essential": true, "environment": env,
        "mountPoints": if s.host_mounts {
            json!([{"sourceVolume": "docker_sock", "containerPath": "/var/run/docker.sock", "readOnly": true}])
        } else { json!([]) },
        "volumesFrom": [],
        "secrets": [{"name": "DB_PASSWORD",
                     "valueFrom": format!("arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}/db-{}", &hex(s.index as u64, 6))}],
        "privileged": s.privileged,
        "readonlyRootFilesystem": s.index.is_multiple_of(3),
        "logConfiguration": {"logDriver": "awslogs", "options": {
            "awslogs-group": format!("/ecs/{name}"), "awslogs-region": REGION,
            "awslogs-stream-prefix": "ecs"}, "secretOptions": []},
        "systemControls": []
    })];
    if s.containers > 1 {
        containers.push(json!({
            "name": "log-router", "image": "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.4",
            "cpu": 0, "portMappings": [], "essential": true, "environment": [], "mountPoints": [],
            "volumesFrom": [], "user": "0",
            "firelensConfiguration": {"type": "fluentbit", "options": {"enable-ecs-log-metadata": "true"}},
            "systemControls": []}));
    }
    if s.containers > 2 {
        containers.push(json!({
            "name": "envoy", "image": "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod",
            "cpu": 0, "portMappings": [{"containerPort": 9901, "hostPort": 9901, "protocol": "tcp"}],
            "essential": true, "environment": [{"name": "APPMESH_RESOURCE_ARN",
                "value": format!("arn:aws:appmesh:{REGION}:{ACCOUNT}:mesh/bench/virtualNode/{name}")}],
            "mountPoints": [], "volumesFrom": [], "user": "1337",
            "healthCheck": {"command": ["CMD-SHELL", "curl -s http://localhost:9901/server_info | grep state | grep -q LIVE"],
                            "interval": 5, "timeout": 2, "retries": 3, "startPeriod": 10},
            "systemControls": []}));
    }
    let mut td = json!({
        "taskDefinitionArn": task_definition_arn(s.index, s.revision),
        "containerDefinitions": containers, "family": name,
        "executionRoleArn": format!("arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole"),
        "networkMode": "awsvpc", "revision": s.revision,
        "volumes": if s.host_mounts {
            json!([{"name": "docker_sock", "host": {"sourcePath": "/var/run/docker.sock"}}])
        } else { json!([]) },
        "status": "ACTIVE",
        "requiresAttributes": [
            {"name": "com.amazonaws.ecs.capability.logging-driver.awslogs"},
            {"name": "ecs.capability.execution-role-awslogs"},
            {"name": "com.amazonaws.ecs.capability.ecr-auth"},
            {"name": "com.amazonaws.ecs.capability.task-iam-role"},
            {"name": "ecs.capability.execution-role-ecr-pull"},
            {"name": "ecs.capability.task-eni"}],
        "placementConstraints": [],
        "compatibilities": if s.fargate { json!(["EC2", "FARGATE"]) } else { json!(["EC2"]) },
        "requiresCompatibilities": [if s.fargate { "FARGATE" } else { "EC2" }],
        "cpu": "512", "memory": "1024",
        "registeredAt": timestamp(0x9000 + s.index as u64),
        "registeredBy": format!("arn:aws:sts::{ACCOUNT}:assumed-role/deployer/ci")
    });
    if let Some(r) = s.role {
        td["taskRoleArn"] = json!(format!("arn:aws:iam::{ACCOUNT}:role/{}", role_name(r)));
    }
    json!({"taskDefinition": td, "tags": [{"key": "team", "value": format!("team-{:02}", s.repository % 40)}]})
}

fn uuid(key: u64) -> String {
    let h = hex(0x7000_0000 + key, 32);
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}
