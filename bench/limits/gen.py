#!/usr/bin/env python3
"""Generates the inputs of bench/limits.sh: large files in every layout the tool reads, each
holding the traits that make plan and fix do real work (privileged containers, plaintext
credentials, open security groups), so that the limits of docs/limits.md are measured on the
code paths that once blew up (whole-line snippets, LCS diffs, recursion).

    gen.py OUT_DIR
"""
import copy
import json
import os
import sys

SECRET = "AKIAZ7QPFAKEKEY12345"  # not an AWS example key: it must be treated as a credential


def container(i, privileged=True):
    return {
        "name": f"c{i}",
        "image": f"123456789012.dkr.ecr.eu-west-1.amazonaws.com/app{i}:1.{i}",
        "essential": i == 0,
        "privileged": privileged,
        "portMappings": [{"containerPort": 8000 + i % 1000, "protocol": "tcp"}],
        "environment": [
            {"name": "LOG_LEVEL", "value": "info"},
            {"name": "AWS_ACCESS_KEY_ID", "value": SECRET},
            {"name": "DB_PASSWORD", "value": f"s3cr3t-Passw0rd-{i:05d}-x"},
        ],
        "mountPoints": [],
        "volumesFrom": [],
    }


def task_definition(family, containers, arn_rev=1):
    return {
        "taskDefinitionArn": f"arn:aws:ecs:eu-west-1:111122223333:task-definition/{family}:{arn_rev}",
        "family": family,
        "revision": arn_rev,
        "networkMode": "awsvpc",
        "pidMode": "host",
        "requiresCompatibilities": ["EC2"],
        "containerDefinitions": containers,
    }


def snapshot_services(n, family="big"):
    return {
        "services": [
            {
                "serviceArn": f"arn:aws:ecs:eu-west-1:111122223333:service/prod/svc{i}",
                "serviceName": f"svc{i}",
                "clusterArn": "arn:aws:ecs:eu-west-1:111122223333:cluster/prod",
                "launchType": "EC2",
                "taskDefinition": f"arn:aws:ecs:eu-west-1:111122223333:task-definition/{family}:1",
                "networkConfiguration": {
                    "awsvpcConfiguration": {
                        "subnets": ["subnet-0000000000000001"],
                        "securityGroups": ["sg-00000000000000001"],
                        "assignPublicIp": "ENABLED",
                    }
                },
            }
            for i in range(n)
        ]
    }


def security_group(rules):
    perms = []
    for i in range(rules):
        port = 1024 + i % 60000
        perms.append(
            {
                "IpProtocol": "tcp",
                "FromPort": port,
                "ToPort": port,
                "IpRanges": [{"CidrIp": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}/32"}],
                "Ipv6Ranges": [],
                "PrefixListIds": [],
                "UserIdGroupPairs": [],
            }
        )
    perms.append(
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
    )
    return {
        "SecurityGroups": [
            {
                "GroupId": "sg-00000000000000001",
                "GroupName": "big",
                "VpcId": "vpc-1",
                "IpPermissions": perms,
                "IpPermissionsEgress": [],
            }
        ]
    }


def cfn_template(target_lines):
    """A CloudFormation template of many task definitions and services, in block YAML."""
    lines = [
        'AWSTemplateFormatVersion: "2010-09-09"',
        "Resources:",
        "  Cluster:",
        "    Type: AWS::ECS::Cluster",
        "  WebSG:",
        "    Type: AWS::EC2::SecurityGroup",
        "    Properties:",
        "      GroupDescription: web",
        "      SecurityGroupIngress:",
        "        - IpProtocol: tcp",
        "          FromPort: 443",
        "          ToPort: 443",
        "          CidrIp: 0.0.0.0/0",
    ]
    i = 0
    while len(lines) < target_lines:
        lines += [
            f"  Task{i}:",
            "    Type: AWS::ECS::TaskDefinition",
            "    Properties:",
            f"      Family: app{i}",
            "      NetworkMode: awsvpc",
            "      PidMode: host",
            "      ContainerDefinitions:",
        ]
        for c in range(3):
            lines += [
                f"        - Name: c{c}",
                f"          Image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app{i}:1.{c}",
                "          Privileged: true",
                "          Environment:",
                "            - Name: LOG_LEVEL",
                "              Value: info",
                "            - Name: DB_PASSWORD",
                f"              Value: s3cr3t-Passw0rd-{i:05d}-{c}",
            ]
        lines += [
            f"  Service{i}:",
            "    Type: AWS::ECS::Service",
            "    Properties:",
            "      Cluster: !Ref Cluster",
            f"      TaskDefinition: !Ref Task{i}",
            "      NetworkConfiguration:",
            "        AwsvpcConfiguration:",
            "          AssignPublicIp: ENABLED",
            "          SecurityGroups: [!Ref WebSG]",
        ]
        i += 1
    return "\n".join(lines) + "\n"


def cfn_json(target_lines):
    """The same template as JSON (the loader reads JSON templates through the same tree)."""
    res = {
        "Cluster": {"Type": "AWS::ECS::Cluster"},
        "WebSG": {
            "Type": "AWS::EC2::SecurityGroup",
            "Properties": {
                "GroupDescription": "web",
                "SecurityGroupIngress": [
                    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"}
                ],
            },
        },
    }
    n = max(1, target_lines // 70)
    for i in range(n):
        res[f"Task{i}"] = {
            "Type": "AWS::ECS::TaskDefinition",
            "Properties": {
                "Family": f"app{i}",
                "NetworkMode": "awsvpc",
                "ContainerDefinitions": [
                    {
                        "Name": f"c{c}",
                        "Image": f"app{i}:1.{c}",
                        "Privileged": True,
                        "Environment": [
                            {"Name": "DB_PASSWORD", "Value": f"s3cr3t-Passw0rd-{i:05d}-{c}"}
                        ],
                    }
                    for c in range(3)
                ],
            },
        }
        res[f"Service{i}"] = {
            "Type": "AWS::ECS::Service",
            "Properties": {
                "Cluster": {"Ref": "Cluster"},
                "TaskDefinition": {"Ref": f"Task{i}"},
                "NetworkConfiguration": {
                    "AwsvpcConfiguration": {
                        "AssignPublicIp": "ENABLED",
                        "SecurityGroups": [{"Ref": "WebSG"}],
                    }
                },
            },
        }
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": res}


def terraform_plan(copies):
    """The Checkov side-by-side plan with its resources repeated under new addresses."""
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "../../examples/iac/checkov-side-by-side/terraform/plan.json")) as f:
        base = json.load(f)
    out = copy.deepcopy(base)
    resources = base["planned_values"]["root_module"]["resources"]
    changes = base.get("resource_changes", [])
    config = base.get("configuration", {}).get("root_module", {}).get("resources", [])
    out["planned_values"]["root_module"]["resources"] = []
    out["resource_changes"] = []
    out["configuration"]["root_module"]["resources"] = []
    for k in range(copies):
        def rename(r):
            r = copy.deepcopy(r)
            r["name"] = f"{r['name']}_{k}"
            r["address"] = f"{r['type']}.{r['name']}"
            return r
        out["planned_values"]["root_module"]["resources"] += [rename(r) for r in resources]
        out["resource_changes"] += [rename(r) for r in changes]
        out["configuration"]["root_module"]["resources"] += [rename(r) for r in config]
    return out


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    # Memory per layout: a snapshot pretty and on one line (1,000 services, each running a
    # task definition of its own, as accounts do), a Terraform plan and a JSON template on one
    # line, a YAML template in flow style.
    services = snapshot_services(1000)
    for i, svc in enumerate(services["services"]):
        svc["taskDefinition"] = f"arn:aws:ecs:eu-west-1:111122223333:task-definition/app{i}:1"
    snap = dict(services)
    snap.update(security_group(2000))
    for d, indent in (("snapshot-pretty", 2), ("snapshot-oneline", None)):
        os.makedirs(f"{out}/{d}", exist_ok=True)
        write(f"{out}/{d}/services.json", json.dumps(snap, indent=indent))
        for i in range(1000):
            td = {"taskDefinition": task_definition(f"app{i}", [container(c) for c in range(3)])}
            write(f"{out}/{d}/taskdef-{i}.json", json.dumps(td, indent=indent))
    write(f"{out}/plan-oneline.json", json.dumps(terraform_plan(50), separators=(",", ":")))
    write(f"{out}/template-oneline.json", json.dumps(cfn_json(60000), separators=(",", ":")))
    write(f"{out}/template-flow.yaml", "\n".join(
        ["AWSTemplateFormatVersion: '2010-09-09'", "Resources: " + json.dumps(cfn_json(60000)["Resources"])]
    ) + "\n")
    # plan and fix at scale.
    write(f"{out}/template-30k.yaml", cfn_template(30000))
    os.makedirs(f"{out}/taskdef-1000", exist_ok=True)
    write(f"{out}/taskdef-1000/services.json", json.dumps(snapshot_services(1, "wide"), indent=2))
    write(f"{out}/taskdef-1000/taskdef.json", json.dumps(
        {"taskDefinition": task_definition("wide", [container(i) for i in range(1000)])}, indent=4))
    os.makedirs(f"{out}/sg-10000", exist_ok=True)
    write(f"{out}/sg-10000/services.json", json.dumps(snapshot_services(1, "small"), indent=2))
    write(f"{out}/sg-10000/sg.json", json.dumps(security_group(10000), indent=2))
    write(f"{out}/sg-10000/taskdef.json", json.dumps(
        {"taskDefinition": task_definition("small", [container(0)])}, indent=2))


if __name__ == "__main__":
    main()
