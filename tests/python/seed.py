"""Seeds a moto server with a realistic ECS account for the live-collection tests.

The account mirrors the demo account's shapes: a public Fargate service with an admin task
role and an exploitable image, a service behind an internet-facing ALB, an EC2 daemon with
host PID and privileged containers, a clean internal service, plaintext credentials, and a
service that the ALB reaches only through a listener rule (path routing), and a bridge-mode
service on a public EC2 container instance with an open security group.
Only this test harness writes to moto; the scanner itself never does.
"""

import json

import boto3
import requests

REGION = "us-east-1"
ACCOUNT = "123456789012"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ecs-tasks.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def clients(endpoint, region=REGION, credentials=None):
    """boto3 clients; `credentials` (from sts.assume_role) select another moto account."""
    creds = credentials or {"AccessKeyId": "testing", "SecretAccessKey": "testing"}
    kw = dict(
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds.get("SessionToken"),
    )
    return {n: boto3.client(n, **kw) for n in ["ec2", "iam", "ecs", "elbv2"]}


def seed_iam(iam, region):
    """The roles and policies, created once (IAM is global: a second region reuses them)."""
    try:
        arn = iam.get_role(RoleName="platform-admin")["Role"]["Arn"]
        base = arn.rsplit("/", 1)[0]
        return tuple(f"{base}/{n}" for n in ["platform-admin", "checkout-api", "legacy-reporting", "ecs-exec"])
    except iam.exceptions.NoSuchEntityException:
        pass
    admin = iam.create_role(RoleName="platform-admin", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    iam.attach_role_policy(RoleName="platform-admin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    api_role = iam.create_role(RoleName="checkout-api", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    iam.put_role_policy(
        RoleName="checkout-api",
        PolicyName="orders",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"], "Resource": f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/orders"}]}),
    )
    wild = iam.create_policy(PolicyName="legacy-wildcard", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))["Policy"]["Arn"]
    iam.create_policy_version(PolicyArn=wild, SetAsDefault=True, PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    legacy_role = iam.create_role(RoleName="legacy-reporting", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    iam.attach_role_policy(RoleName="legacy-reporting", PolicyArn=wild)
    exec_role = iam.create_role(RoleName="ecs-exec", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    iam.attach_role_policy(RoleName="ecs-exec", PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
    return admin, api_role, legacy_role, exec_role


def ecr_image(repo, tag):
    return f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{repo}:{tag}"


def assumed(endpoint, role_arn):
    """Credentials for `role_arn`: moto switches to the role's account."""
    sts = boto3.client("sts", endpoint_url=endpoint, region_name=REGION,
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    return sts.assume_role(RoleArn=role_arn, RoleSessionName="seed")["Credentials"]


def seed(endpoint, fillers=0, region=REGION, distinct_task_defs=False, credentials=None):
    """Seeds one region; `fillers` more clean services in `prod`, each with its own task
    definition family when `distinct_task_defs`, else all sharing one revision."""
    c = clients(endpoint, region, credentials)
    ec2, iam, ecs, elb = c["ec2"], c["iam"], c["ecs"], c["elbv2"]
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    az = region + "a"
    pub1 = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24", AvailabilityZone=az)["Subnet"]["SubnetId"]
    pub2 = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.2.0/24", AvailabilityZone=region + "b")["Subnet"]["SubnetId"]
    priv = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.10.0/24", AvailabilityZone=az)["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    rt_pub = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rt_pub, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=rt_pub, SubnetId=pub1)
    ec2.associate_route_table(RouteTableId=rt_pub, SubnetId=pub2)
    rt_priv = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=rt_priv, SubnetId=priv)

    def sg(name, rules):
        gid = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
        if rules:
            ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=rules)
        return gid

    open_web = sg("web-open", [{"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    alb_sg = sg("alb", [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    api_sg = sg("api", [{"IpProtocol": "tcp", "FromPort": 8443, "ToPort": 8443, "UserIdGroupPairs": [{"GroupId": alb_sg}]}])
    catalog_sg = sg("catalog", [{"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "UserIdGroupPairs": [{"GroupId": alb_sg}]}])
    internal_sg = sg("internal", [{"IpProtocol": "tcp", "FromPort": 9000, "ToPort": 9000, "IpRanges": [{"CidrIp": "10.20.0.0/16"}]}])

    admin, api_role, legacy_role, exec_role = seed_iam(iam, region)

    prod = ecs.create_cluster(clusterName="prod")["cluster"]["clusterArn"]
    ops = ecs.create_cluster(clusterName="ops")["cluster"]["clusterArn"]

    def td(family, containers, **kw):
        return ecs.register_task_definition(family=family, containerDefinitions=containers, **kw)["taskDefinition"]["taskDefinitionArn"]

    fargate = dict(networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512", executionRoleArn=exec_role)
    storefront = td("storefront", [{"name": "storefront", "image": ecr_image("storefront", "2024.11"), "essential": True,
                                    "portMappings": [{"containerPort": 8080, "protocol": "tcp"}]}], taskRoleArn=admin, **fargate)
    api = td("checkout-api", [{"name": "api", "image": ecr_image("checkout-api", "v42"), "essential": True, "user": "1000",
                               "readonlyRootFilesystem": True,
                               "portMappings": [{"containerPort": 8443, "protocol": "tcp"}]}], taskRoleArn=api_role, **fargate)
    agent = td("node-agent", [{"name": "agent", "image": "public.ecr.aws/datadog/agent:7", "memory": 256, "essential": True,
                               "privileged": True,
                               "mountPoints": [{"sourceVolume": "docker", "containerPath": "/var/run/docker.sock", "readOnly": True}]}],
               networkMode="host", pidMode="host", volumes=[{"name": "docker", "host": {"sourcePath": "/var/run/docker.sock"}}])
    legacy = td("legacy-reporting", [{"name": "report", "image": ecr_image("reporting", "1.0"), "memory": 512, "essential": True,
                                      "environment": [{"name": "AWS_ACCESS_KEY_ID", "value": "AKIA4XJ2Q7RZ3LMNB5KD"},
                                                      {"name": "AWS_SECRET_ACCESS_KEY", "value": "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"},
                                                      {"name": "PASSWORD_MIN_LENGTH", "value": "12"}],
                                      # A password on the command line, and an environment file the tool cannot read.
                                      "command": ["report", "--db-password", "Wq8rT2vLx9-nightly"],
                                      "environmentFiles": [{"value": "arn:aws:s3:::reporting-config/report.env", "type": "s3"}]}],
                 taskRoleArn=legacy_role, networkMode="bridge")
    catalog = td("catalog", [{"name": "catalog", "image": ecr_image("catalog", "5.0"), "essential": True, "user": "1000",
                              "readonlyRootFilesystem": True,
                              "portMappings": [{"containerPort": 8080, "protocol": "tcp"}]}], taskRoleArn=api_role, **fargate)
    internal = td("ledger", [{"name": "ledger", "image": ecr_image("ledger", "3.1"), "essential": True, "user": "1000",
                              "readonlyRootFilesystem": True,
                              "secrets": [{"name": "DB_PASSWORD", "valueFrom": f"arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:prod/ledger/db"}],
                              "portMappings": [{"containerPort": 9000, "protocol": "tcp"}]}], **fargate)

    tg = elb.create_target_group(Name="checkout-api", Protocol="HTTPS", Port=8443, VpcId=vpc, TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    lb = elb.create_load_balancer(Name="checkout-public", Subnets=[pub1, pub2], SecurityGroups=[alb_sg],
                                  Scheme="internet-facing", Type="application")["LoadBalancers"][0]["LoadBalancerArn"]
    listener = elb.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=443,
                                   DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])["Listeners"][0]["ListenerArn"]
    # The catalog is reached only through a listener rule: the default action goes elsewhere.
    catalog_tg = elb.create_target_group(Name="catalog", Protocol="HTTP", Port=8080, VpcId=vpc,
                                         TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    elb.create_rule(ListenerArn=listener, Priority=10,
                    Conditions=[{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/catalog/*"]}}],
                    Actions=[{"Type": "forward", "TargetGroupArn": catalog_tg}])

    def svc(cluster, name, taskdef, **kw):
        return ecs.create_service(cluster=cluster, serviceName=name, taskDefinition=taskdef, desiredCount=1, **kw)["service"]["serviceArn"]

    services = {
        "storefront": svc("prod", "storefront", storefront, launchType="FARGATE", networkConfiguration={
            "awsvpcConfiguration": {"subnets": [pub1], "securityGroups": [open_web], "assignPublicIp": "ENABLED"}}),
        "checkout-api": svc("prod", "checkout-api", api, launchType="FARGATE", networkConfiguration={
            "awsvpcConfiguration": {"subnets": [priv], "securityGroups": [api_sg], "assignPublicIp": "DISABLED"}},
            loadBalancers=[{"targetGroupArn": tg, "containerName": "api", "containerPort": 8443}]),
        "ledger": svc("prod", "ledger", internal, launchType="FARGATE", networkConfiguration={
            "awsvpcConfiguration": {"subnets": [priv], "securityGroups": [internal_sg], "assignPublicIp": "DISABLED"}}),
        # In `ops`, so that the prod service counts of the batching test stay as they are.
        "catalog": svc("ops", "catalog", catalog, launchType="FARGATE", networkConfiguration={
            "awsvpcConfiguration": {"subnets": [priv], "securityGroups": [catalog_sg], "assignPublicIp": "DISABLED"}},
            loadBalancers=[{"targetGroupArn": catalog_tg, "containerName": "catalog", "containerPort": 8080}]),
        "node-agent": svc("ops", "node-agent", agent, launchType="EC2", schedulingStrategy="DAEMON"),
        "legacy-reporting": svc("ops", "legacy-reporting", legacy, launchType="EC2"),
    }
    # A bridge-mode web service on an EC2 container instance with a public address, whose
    # security group admits the world on 80 and 22: judged on the host (open-security-group,
    # public-ip, internet-reachable). moto registers a container instance from an instance
    # identity document naming a run_instances instance.
    host_sg = sg("ecs-hosts", [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
                               {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ecs.create_cluster(clusterName="edge")
    host = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.small",
                             NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": pub1, "Groups": [host_sg],
                                                 "AssociatePublicIpAddress": True}])["Instances"][0]["InstanceId"]
    ecs.register_container_instance(cluster="edge", instanceIdentityDocument=json.dumps(
        {"instanceId": host, "region": region, "accountId": ACCOUNT, "availabilityZone": az}))
    edge_web = td("edge-web", [{"name": "web", "image": "public.ecr.aws/nginx/nginx:1.27", "memory": 256, "essential": True,
                                "portMappings": [{"containerPort": 80, "hostPort": 80, "protocol": "tcp"}]}],
                  networkMode="bridge")
    services["edge-web"] = svc("edge", "edge-web", edge_web, launchType="EC2")
    for i in range(fillers):
        taskdef = internal
        if distinct_task_defs:
            taskdef = td(f"filler-{i:04d}", [{"name": "app", "image": ecr_image(f"filler-{i:04d}", "1"), "essential": True,
                                              "user": "1000", "readonlyRootFilesystem": True}], **fargate)
        services[f"filler-{i}"] = svc("prod", f"filler-{i:04d}", taskdef, launchType="FARGATE", networkConfiguration={
            "awsvpcConfiguration": {"subnets": [priv], "securityGroups": [internal_sg], "assignPublicIp": "DISABLED"}})
    return services


def inspector_finding(repo, tag, cve, exploit, epss, vector, severity="CRITICAL", region=REGION):
    return {
        "awsAccountId": ACCOUNT,
        "findingArn": f"arn:aws:inspector2:{region}:{ACCOUNT}:finding/{abs(hash((repo, cve))):032x}"[:90],
        "type": "PACKAGE_VULNERABILITY",
        "title": f"{cve} - pkg",
        "description": f"{cve} in {repo}",
        "severity": severity,
        "status": "ACTIVE",
        "firstObservedAt": 1717000000.0,
        "lastObservedAt": 1717100000.0,
        "updatedAt": 1717100000.0,
        "inspectorScore": 9.8,
        "exploitAvailable": "YES" if exploit else "NO",
        "fixAvailable": "YES",
        "epss": {"score": epss},
        "remediation": {"recommendation": {"text": "Upgrade"}},
        "inspectorScoreDetails": {"adjustedCvss": {"scoreSource": "NVD", "score": 9.8, "version": "3.1", "scoringVector": vector}},
        "packageVulnerabilityDetails": {"vulnerabilityId": cve, "source": "NVD",
                                        "cvss": [{"baseScore": 9.8, "scoringVector": vector, "version": "3.1", "source": "NVD"}],
                                        "vulnerablePackages": [{"name": "log4j-core", "version": "2.14.1", "fixedInVersion": "2.15.0", "packageManager": "JAR"}]},
        "resources": [{"type": "AWS_ECR_CONTAINER_IMAGE",
                       "id": f"arn:aws:ecr:{region}:{ACCOUNT}:repository/{repo}/sha256:{'ab' * 32}",
                       "region": region, "partition": "aws",
                       "details": {"awsEcrContainerImage": {"repositoryName": repo, "imageHash": "sha256:" + "ab" * 32,
                                                            "registry": ACCOUNT, "imageTags": [tag], "platform": "DEBIAN_12"}}}],
    }


def seed_inspector(endpoint, findings, region=REGION):
    """Queues the result of the next ListFindings call (moto's only way to have findings)."""
    r = requests.post(f"{endpoint}/moto-api/static/inspector2/findings-results",
                      json={"results": [findings], "account_id": ACCOUNT, "region": region})
    r.raise_for_status()


def default_findings(region=REGION):
    return [
        inspector_finding("storefront", "2024.11", "CVE-2021-44228", True, 0.94, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", region=region),
        inspector_finding("checkout-api", "v42", "CVE-2023-4911", False, 0.02, "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", "HIGH", region=region),
        inspector_finding("unused-repo", "1", "CVE-2022-22965", True, 0.97, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", region=region),
    ]


if __name__ == "__main__":
    import sys
    ep = sys.argv[1]
    print(json.dumps(seed(ep, int(sys.argv[2]) if len(sys.argv) > 2 else 0)))
    seed_inspector(ep, default_findings())
