# The problems Checkov's ECS Terraform fixtures cover, one service each, plus a clean one.
# Written literally (no for_each/merge), as Checkov's own fixtures are, so both tools read it.
# Plan JSON: see README.md in the parent folder.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "mock"
  secret_key                  = "mock"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

resource "aws_ecs_cluster" "main" {
  name = "side-by-side"
}

resource "aws_iam_role" "task" {
  name = "app-task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role" "execution" {
  name = "app-execution"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}


resource "aws_ecs_task_definition" "privileged" {
  family                   = "privileged"
  network_mode             = "awsvpc"
  requires_compatibilities = ["EC2"]
  task_role_arn            = aws_iam_role.task.arn
  execution_role_arn       = aws_iam_role.execution.arn
  container_definitions = jsonencode([{
    name                   = "app"
    image                  = "public.ecr.aws/nginx/nginx:1.25"
    essential              = true
    readonlyRootFilesystem = true
    user                   = "101"
    privileged             = true
  }])
}

resource "aws_ecs_service" "privileged" {
  name            = "privileged"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.privileged.arn
  launch_type     = "EC2"
  network_configuration {
    subnets         = ["subnet-0123456789abcdef0"]
    security_groups = ["sg-0123456789abcdef0"]
  }
}

resource "aws_ecs_task_definition" "pid_host" {
  family                   = "pid_host"
  network_mode             = "awsvpc"
  requires_compatibilities = ["EC2"]
  pid_mode                 = "host"
  task_role_arn            = aws_iam_role.task.arn
  execution_role_arn       = aws_iam_role.execution.arn
  container_definitions = jsonencode([{
    name                   = "app"
    image                  = "public.ecr.aws/nginx/nginx:1.25"
    essential              = true
    readonlyRootFilesystem = true
    user                   = "101"
  }])
}

resource "aws_ecs_service" "pid_host" {
  name            = "pid_host"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.pid_host.arn
  launch_type     = "EC2"
  network_configuration {
    subnets         = ["subnet-0123456789abcdef0"]
    security_groups = ["sg-0123456789abcdef0"]
  }
}

resource "aws_ecs_task_definition" "writable" {
  family                   = "writable"
  network_mode             = "awsvpc"
  requires_compatibilities = ["EC2"]
  task_role_arn            = aws_iam_role.task.arn
  execution_role_arn       = aws_iam_role.execution.arn
  container_definitions = jsonencode([{
    name                   = "app"
    image                  = "public.ecr.aws/nginx/nginx:1.25"
    essential              = true
    readonlyRootFilesystem = false
    user                   = "101"
  }])
}

resource "aws_ecs_service" "writable" {
  name            = "writable"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.writable.arn
  launch_type     = "EC2"
  network_configuration {
    subnets         = ["subnet-0123456789abcdef0"]
    security_groups = ["sg-0123456789abcdef0"]
  }
}

resource "aws_ecs_task_definition" "clean" {
  family                   = "clean"
  network_mode             = "awsvpc"
  requires_compatibilities = ["EC2"]
  task_role_arn            = aws_iam_role.task.arn
  execution_role_arn       = aws_iam_role.execution.arn
  container_definitions = jsonencode([{
    name                   = "app"
    image                  = "public.ecr.aws/nginx/nginx:1.25"
    essential              = true
    readonlyRootFilesystem = true
    user                   = "101"
  }])
}

resource "aws_ecs_service" "clean" {
  name            = "clean"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.clean.arn
  launch_type     = "EC2"
  network_configuration {
    subnets         = ["subnet-0123456789abcdef0"]
    security_groups = ["sg-0123456789abcdef0"]
  }
}

resource "aws_ecs_service" "public_ip" {
  name            = "public-ip"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.clean.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets          = ["subnet-0123456789abcdef0"]
    security_groups  = ["sg-0123456789abcdef0"]
    assign_public_ip = true
  }
}

resource "aws_ecs_service" "fargate_old" {
  name             = "fargate-old"
  cluster          = aws_ecs_cluster.main.id
  task_definition  = aws_ecs_task_definition.clean.arn
  launch_type      = "FARGATE"
  platform_version = "1.3.0"
  network_configuration {
    subnets         = ["subnet-0123456789abcdef0"]
    security_groups = ["sg-0123456789abcdef0"]
  }
}

resource "aws_ecs_task_definition" "same_role" {
  family             = "same-role"
  network_mode       = "awsvpc"
  task_role_arn      = aws_iam_role.task.arn
  execution_role_arn = aws_iam_role.task.arn
  container_definitions = jsonencode([{
    name                   = "app"
    image                  = "public.ecr.aws/nginx/nginx:1.25"
    essential              = true
    readonlyRootFilesystem = true
    user                   = "101"
  }])
}

resource "aws_ecs_service" "same_role" {
  name            = "same-role"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.same_role.arn
  launch_type     = "EC2"
  network_configuration {
    subnets         = ["subnet-0123456789abcdef0"]
    security_groups = ["sg-0123456789abcdef0"]
  }
}
