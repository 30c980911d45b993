//! The shape of the synthetic account: how many of each resource there are and which service
//! uses which subnet, security group, load balancer, role and image. Every writer derives ids
//! from here, so that references between files always resolve.

use crate::rng::{Rng, hex, mix};

pub const ACCOUNT: &str = "444455556666";
pub const REGION: &str = "eu-west-1";
pub const SERVICES_PER_CLUSTER: usize = 1_000;
pub const VPCS: usize = 10;
/// Per VPC: the first half public (route to the internet gateway), the rest private.
pub const SUBNETS_PER_VPC: usize = 20;
/// Services behind one load balancer (one listener and target group each).
pub const SERVICES_PER_LB: usize = 10;

pub struct Layout {
    pub services: Vec<ServiceSpec>,
    pub findings: usize,
    pub seed: u64,
}

/// What one service looks like; the writers turn it into AWS CLI JSON.
pub struct ServiceSpec {
    pub index: usize,
    pub cluster: usize,
    pub vpc: usize,
    pub revision: u64,
    pub public_ip: bool,
    pub open_sg: bool,
    /// (load balancer, slot within it) for one service in ten.
    pub lb: Option<(usize, usize)>,
    pub fargate: bool,
    pub privileged: bool,
    pub host_mounts: bool,
    pub plaintext_aws_key: bool,
    pub role: Option<usize>,
    pub repository: usize,
    pub port: u16,
    pub containers: usize,
}

impl Layout {
    pub fn new(services: usize, findings: usize, seed: u64) -> Layout {
        let mut rng = Rng::new(seed);
        let roles = Layout::role_count_for(services);
        let repos = Layout::repository_count_for(services);
        let specs = (0..services)
            .map(|i| {
                let cluster = i / SERVICES_PER_CLUSTER;
                let fargate = !rng.chance(15.0);
                let public_ip = fargate && rng.chance(5.0);
                ServiceSpec {
                    index: i,
                    cluster,
                    vpc: cluster % VPCS,
                    revision: 1 + rng.below(60),
                    public_ip,
                    open_sg: public_ip || rng.chance(3.0),
                    lb: i.is_multiple_of(SERVICES_PER_LB).then_some((
                        i / (SERVICES_PER_LB * SERVICES_PER_LB),
                        (i / SERVICES_PER_LB) % SERVICES_PER_LB,
                    )),
                    fargate,
                    privileged: !fargate && rng.chance(10.0),
                    host_mounts: !fargate && rng.chance(10.0),
                    plaintext_aws_key: rng.chance(1.0),
                    role: (!rng.chance(10.0)).then(|| i % roles),
                    repository: i % repos,
                    port: *rng.pick(&[80, 443, 3000, 8000, 8080, 8443, 9000]),
                    containers: 1 + usize::from(rng.chance(40.0)) + usize::from(rng.chance(10.0)),
                }
            })
            .collect();
        Layout {
            services: specs,
            findings,
            seed,
        }
    }

    pub fn clusters(&self) -> usize {
        self.services.len().div_ceil(SERVICES_PER_CLUSTER)
    }

    pub fn load_balancers(&self) -> usize {
        self.services
            .iter()
            .filter_map(|s| s.lb.map(|(lb, _)| lb + 1))
            .max()
            .unwrap_or(0)
    }

    pub fn roles(&self) -> usize {
        Layout::role_count_for(self.services.len())
    }

    /// Repositories that services run; findings also land on some that nobody runs.
    pub fn repositories(&self) -> usize {
        Layout::repository_count_for(self.services.len())
    }

    fn role_count_for(services: usize) -> usize {
        (services / 10).max(1)
    }

    fn repository_count_for(services: usize) -> usize {
        (services / 4).max(1)
    }
}

pub fn cluster_name(c: usize) -> String {
    format!("cluster-{c:02}")
}

pub fn cluster_arn(c: usize) -> String {
    format!("arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/{}", cluster_name(c))
}

pub fn service_name(i: usize) -> String {
    format!("svc-{i:05}")
}

pub fn task_definition_arn(i: usize, revision: u64) -> String {
    format!(
        "arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{}:{revision}",
        service_name(i)
    )
}

pub fn vpc_id(v: usize) -> String {
    format!("vpc-0{}", hex(0x1000 + v as u64, 16))
}

pub fn subnet_id(vpc: usize, k: usize) -> String {
    format!("subnet-0{}", hex(0x2_0000 + (vpc * 100 + k) as u64, 16))
}

pub fn is_public_subnet(k: usize) -> bool {
    k < SUBNETS_PER_VPC / 2
}

pub fn igw_id(v: usize) -> String {
    format!("igw-0{}", hex(0x3000 + v as u64, 16))
}

pub fn nat_id(v: usize) -> String {
    format!("nat-0{}", hex(0x4000 + v as u64, 16))
}

pub fn service_sg(i: usize) -> String {
    format!("sg-0{}", hex(0x10_0000 + i as u64, 16))
}

pub fn lb_sg(lb: usize) -> String {
    format!("sg-0{}", hex(0x20_0000 + lb as u64, 16))
}

pub fn lb_name(lb: usize) -> String {
    format!("bench-lb-{lb:04}")
}

pub fn lb_arn(lb: usize) -> String {
    format!(
        "arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/{}/{}",
        lb_name(lb),
        hex(0x30_0000 + lb as u64, 16)
    )
}

pub fn lb_internet_facing(lb: usize) -> bool {
    !lb.is_multiple_of(4)
}

pub fn target_group_arn(lb: usize, slot: usize) -> String {
    format!(
        "arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/tg-{lb:04}-{slot}/{}",
        hex(0x40_0000 + (lb * 10 + slot) as u64, 16)
    )
}

pub fn role_name(r: usize) -> String {
    format!("app-role-{r:04}")
}

pub fn role_is_admin(r: usize) -> bool {
    r % 100 == 7
}

pub fn repository_name(repo: usize) -> String {
    format!("team-{:02}/app-{repo:05}", repo % 40)
}

pub fn image_digest(repo: usize) -> String {
    format!("sha256:{}", hex(mix(0x50_0000 + repo as u64), 64))
}

pub fn image_uri(repo: usize) -> String {
    format!(
        "{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{}@{}",
        repository_name(repo),
        image_digest(repo)
    )
}

/// An ISO 8601 timestamp as the AWS CLI v2 prints it, spread over 2025–2026.
pub fn timestamp(key: u64) -> String {
    let k = mix(key);
    let month = 1 + k % 12;
    let day = 1 + (k >> 8) % 28;
    let (h, m, s) = ((k >> 16) % 24, (k >> 24) % 60, (k >> 32) % 60);
    let year = 2025 + (k >> 40) % 2;
    format!(
        "{year}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{:06}+00:00",
        (k >> 44) % 1_000_000
    )
}
