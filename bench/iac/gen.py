#!/usr/bin/env python3
"""Writes N CloudFormation templates (half YAML with short-form tags, half JSON) for the IaC
benchmark: each a small ECS stack (VPC, subnet, route to an internet gateway, security group,
task role, task definition, service) with a deterministic mix of problems.

usage: gen.py OUT_DIR [N=500]"""
import json
import os
import random
import sys

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 500
rng = random.Random(42)
os.makedirs(out, exist_ok=True)


def template(i):
    privileged = rng.random() < 0.2
    public = rng.random() < 0.3
    open_port = rng.choice([22, 80, 443, 8080]) if rng.random() < 0.3 else None
    admin = rng.random() < 0.1
    pid_host = rng.random() < 0.05
    containers = []
    for c in range(rng.randint(1, 3)):
        cd = {
            "Name": f"c{c}",
            "Image": f"111122223333.dkr.ecr.us-east-1.amazonaws.com/app{i}:{c}",
            "Essential": c == 0,
            "PortMappings": [{"ContainerPort": 8080 + c}],
            "Environment": [{"Name": "LOG_LEVEL", "Value": "info"}, {"Name": "STAGE", "Value": "prod"}],
            "ReadonlyRootFilesystem": rng.random() < 0.5,
        }
        if privileged and c == 0:
            cd["Privileged"] = True
        if rng.random() < 0.5:
            cd["User"] = "1000"
        containers.append(cd)
    ingress = [{"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "CidrIp": "10.0.0.0/16"}]
    if open_port:
        ingress.append({"IpProtocol": "tcp", "FromPort": open_port, "ToPort": open_port, "CidrIp": "0.0.0.0/0"})
    role = {
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}],
        },
        "Policies": [{
            "PolicyName": "app",
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": f"arn:aws:s3:::bucket-{i}/*"}]},
        }],
    }
    if admin:
        role["ManagedPolicyArns"] = [{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess"}]
    td = {
        "Family": f"app{i}",
        "NetworkMode": "awsvpc",
        "RequiresCompatibilities": ["FARGATE"] if not pid_host else ["EC2"],
        "Cpu": "256",
        "Memory": "512",
        "TaskRoleArn": {"Fn::GetAtt": ["TaskRole", "Arn"]},
        "ExecutionRoleArn": {"Fn::GetAtt": ["TaskRole", "Arn"]},
        "ContainerDefinitions": containers,
    }
    if pid_host:
        td["PidMode"] = "host"
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": {"Stage": {"Type": "String", "Default": "prod"}},
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
            "Igw": {"Type": "AWS::EC2::InternetGateway"},
            "IgwAttach": {"Type": "AWS::EC2::VPCGatewayAttachment", "Properties": {"VpcId": {"Ref": "Vpc"}, "InternetGatewayId": {"Ref": "Igw"}}},
            "Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.1.0/24"}},
            "Routes": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
            "DefaultRoute": {"Type": "AWS::EC2::Route", "Properties": {"RouteTableId": {"Ref": "Routes"}, "DestinationCidrBlock": "0.0.0.0/0", "GatewayId": {"Ref": "Igw"}}},
            "Assoc": {"Type": "AWS::EC2::SubnetRouteTableAssociation", "Properties": {"SubnetId": {"Ref": "Subnet"}, "RouteTableId": {"Ref": "Routes"}}},
            "SG": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "tasks", "VpcId": {"Ref": "Vpc"}, "SecurityGroupIngress": ingress}},
            "TaskRole": {"Type": "AWS::IAM::Role", "Properties": role},
            "Cluster": {"Type": "AWS::ECS::Cluster"},
            "TaskDef": {"Type": "AWS::ECS::TaskDefinition", "Properties": td},
            "Service": {"Type": "AWS::ECS::Service", "Properties": {
                "Cluster": {"Ref": "Cluster"},
                "LaunchType": "FARGATE" if not pid_host else "EC2",
                "TaskDefinition": {"Ref": "TaskDef"},
                "DesiredCount": 2,
                "NetworkConfiguration": {"AwsvpcConfiguration": {
                    "AssignPublicIp": "ENABLED" if public else "DISABLED",
                    "Subnets": [{"Ref": "Subnet"}],
                    "SecurityGroups": [{"Ref": "SG"}]}}}},
        },
    }


def to_yaml(v, indent=0):
    """Minimal YAML emitter that writes intrinsics in their short form (!Ref, !GetAtt, !Sub)."""
    pad = "  " * indent
    if isinstance(v, dict) and len(v) == 1:
        (k, x), = v.items()
        if k == "Ref":
            return f"!Ref {x}"
        if k == "Fn::GetAtt":
            return f"!GetAtt {x[0]}.{x[1]}"
        if k == "Fn::Sub" and isinstance(x, str):
            return f"!Sub {json.dumps(x)}"
    if isinstance(v, dict):
        lines = []
        for k, x in v.items():
            s = to_yaml(x, indent + 1)
            if isinstance(x, (dict, list)) and x and not s.startswith("!"):
                lines.append(f"{pad}{k}:\n{s}")
            else:
                lines.append(f"{pad}{k}: {s}")
        return "\n".join(lines)
    if isinstance(v, list):
        lines = []
        for x in v:
            s = to_yaml(x, indent + 1)
            if isinstance(x, dict) and x and not s.startswith("!"):
                lines.append(f"{pad}- {s.lstrip()}")
            else:
                lines.append(f"{pad}- {s}")
        return "\n".join(lines)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    return json.dumps(v)


for i in range(n):
    t = template(i)
    if i % 2 == 0:
        with open(os.path.join(out, f"stack{i:04}.yaml"), "w") as f:
            f.write(to_yaml(t) + "\n")
    else:
        with open(os.path.join(out, f"stack{i:04}.template.json"), "w") as f:
            json.dump(t, f, indent=2)
print(f"{n} templates in {out}")
