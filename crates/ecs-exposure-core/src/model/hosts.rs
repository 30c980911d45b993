//! The EC2 hosts a cluster's tasks run on. Tasks in `bridge` or `host` network mode have no
//! network interface of their own: they are reached at the container instance's address,
//! through its security groups, in its subnet.
//!
//! Snapshots and live collection hold them as `aws ecs describe-container-instances` (the
//! ECS side: which cluster, which EC2 instance) and `aws ec2 describe-instances` (the network
//! side). Infrastructure as code holds them as the Auto Scaling groups (or instances) that
//! join a cluster, with the settings of their launch template or configuration
//! ([`HostGroup`]). [`Inventory::hosts_of`] gives both as one list of [`Host`]s.

use super::{Inventory, Kind, arn_account_region};
use serde::Deserialize;

/// One entry of `aws ecs describe-container-instances` (camelCase, as ECS prints it).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerInstance {
    pub container_instance_arn: String,
    pub ec2_instance_id: Option<String>,
    /// `ACTIVE`, `DRAINING`, `REGISTERING`, `DEREGISTERING`, `INACTIVE`…
    pub status: Option<String>,
    /// The cluster given beside the list (the document's `cluster` key, which
    /// `describe-container-instances --cli-input-json` also uses): old-format ARNs
    /// (`container-instance/<id>`) do not name it.
    #[serde(skip)]
    pub cluster: Option<String>,
}

impl ContainerInstance {
    /// The name of the cluster: from the ARN (`container-instance/<cluster>/<id>`), else the
    /// document's `cluster` (a name or an ARN).
    pub fn cluster_name(&self) -> Option<&str> {
        let resource = self.container_instance_arn.splitn(6, ':').nth(5)?;
        let mut parts = resource.split('/');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("container-instance"), Some(c), Some(_)) if !c.is_empty() => Some(c),
            _ => self.cluster.as_deref().map(cluster_name),
        }
    }

    /// Whether tasks may run on it (placed or still draining).
    pub fn runs_tasks(&self) -> bool {
        !matches!(
            self.status.as_deref(),
            Some("INACTIVE" | "DEREGISTERING" | "REGISTRATION_FAILED")
        )
    }
}

/// One `Reservations[]` entry of `aws ec2 describe-instances` (PascalCase).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Reservation {
    #[serde(default)]
    pub instances: Vec<Instance>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Instance {
    pub instance_id: String,
    pub subnet_id: Option<String>,
    pub vpc_id: Option<String>,
    pub public_ip_address: Option<String>,
    pub ipv6_address: Option<String>,
    #[serde(default)]
    pub security_groups: Vec<GroupIdentifier>,
    #[serde(default)]
    pub network_interfaces: Vec<InstanceNetworkInterface>,
    pub state: Option<InstanceState>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupIdentifier {
    pub group_id: Option<String>,
    pub group_name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceNetworkInterface {
    pub network_interface_id: Option<String>,
    pub subnet_id: Option<String>,
    #[serde(default)]
    pub groups: Vec<GroupIdentifier>,
    pub association: Option<InterfaceAssociation>,
    #[serde(default)]
    pub ipv6_addresses: Vec<InstanceIpv6Address>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InterfaceAssociation {
    pub public_ip: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceIpv6Address {
    pub ipv6_address: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceState {
    pub name: Option<String>,
}

impl Instance {
    /// Its subnets: the instance's own, then those of its other network interfaces.
    pub fn subnets(&self) -> Vec<String> {
        let mut out: Vec<String> = self.subnet_id.iter().cloned().collect();
        for ni in &self.network_interfaces {
            if let Some(s) = &ni.subnet_id
                && !out.contains(s)
            {
                out.push(s.clone());
            }
        }
        out
    }

    /// The security groups of all its network interfaces (a port reachable on any of them is
    /// reachable).
    pub fn group_ids(&self) -> Vec<String> {
        let mut out = Vec::new();
        let all = self
            .security_groups
            .iter()
            .chain(self.network_interfaces.iter().flat_map(|n| &n.groups));
        for g in all {
            if let Some(id) = &g.group_id
                && !out.contains(id)
            {
                out.push(id.clone());
            }
        }
        out
    }

    /// Its public IPv4 addresses and the field each is read from.
    pub fn public_ipv4(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .public_ip_address
            .iter()
            .map(|a| (a.clone(), "PublicIpAddress".to_string()))
            .collect();
        for (i, ni) in self.network_interfaces.iter().enumerate() {
            if let Some(ip) = ni.association.as_ref().and_then(|a| a.public_ip.as_ref())
                && !out.iter().any(|(a, _)| a == ip)
            {
                out.push((
                    ip.clone(),
                    format!("NetworkInterfaces[{i}].Association.PublicIp"),
                ));
            }
        }
        out
    }

    /// Its IPv6 addresses (IPv6 needs no public address to be reachable).
    pub fn ipv6_addresses(&self) -> Vec<String> {
        let mut out: Vec<String> = self.ipv6_address.iter().cloned().collect();
        for ni in &self.network_interfaces {
            for a in ni
                .ipv6_addresses
                .iter()
                .filter_map(|a| a.ipv6_address.as_ref())
            {
                if !out.contains(a) {
                    out.push(a.clone());
                }
            }
        }
        out
    }

    /// Whether the instance is gone (its tasks are gone with it).
    pub fn terminated(&self) -> bool {
        matches!(
            self.state.as_ref().and_then(|s| s.name.as_deref()),
            Some("terminated" | "shutting-down")
        )
    }
}

/// Hosts that infrastructure as code launches into a cluster: an Auto Scaling group (through
/// a capacity provider or `ECS_CLUSTER` in its instances' UserData) or a single instance,
/// with the network settings of what they are launched from. Not an AWS API shape: no API
/// returns hosts that do not exist yet.
#[derive(Debug, Clone)]
pub struct HostGroup {
    /// The Auto Scaling group's (or instance's) id in the inventory (`file#LogicalId`).
    pub id: String,
    /// `AWS::AutoScaling::AutoScalingGroup` or `AWS::EC2::Instance`.
    pub resource_type: &'static str,
    /// The cluster its instances join: a cluster's id in the inventory, or the name written
    /// (a cluster the input does not define).
    pub cluster: String,
    /// How that link is made, for the evidence ("capacity provider `…` of the cluster",
    /// "`ECS_CLUSTER=${Cluster}` in the UserData of launch template `…`").
    pub link: String,
    /// The launch template or launch configuration the settings come from.
    pub launch: Option<String>,
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub public_ip: LaunchPublicIp,
    /// The instances get IPv6 addresses (an IPv6 address count or list in the launch data).
    pub ipv6: bool,
    /// What could not be read (a launch template not in the input, a value unknown until
    /// deployment), each a named gap.
    pub gaps: Vec<String>,
}

impl HostGroup {
    /// A group linked to `cluster` as `link` says, with no launch settings read yet: the
    /// public address left to the subnets' default until a launch setting says otherwise.
    pub fn new(id: String, resource_type: &'static str, cluster: String, link: String) -> Self {
        HostGroup {
            id,
            resource_type,
            cluster,
            link,
            launch: None,
            subnets: Vec::new(),
            security_groups: Vec::new(),
            public_ip: LaunchPublicIp::SubnetDefault,
            ipv6: false,
            gaps: Vec::new(),
        }
    }
}

/// Whether instances get a public IPv4 address at launch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LaunchPublicIp {
    /// `AssociatePublicIpAddress` is set: its value, the resource and field it is written in.
    Set {
        public: bool,
        resource: String,
        field: String,
    },
    /// Not set: the subnet's `MapPublicIpOnLaunch` decides, as AWS does.
    SubnetDefault,
}

/// Whether a host has (or gets) a public IPv4 address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPublicIp {
    /// A running instance's address, and the field it is read from.
    Address { address: String, field: String },
    /// Assigned at launch; where that is decided (resource and field).
    AtLaunch { resource: String, field: String },
    /// Decided by each subnet's `MapPublicIpOnLaunch`.
    SubnetDefault,
    /// None: a running instance without one, or `AssociatePublicIpAddress: false`.
    None,
}

/// One host (or group of identical hosts) of a cluster.
#[derive(Debug, Clone)]
pub struct Host {
    /// The EC2 instance id, or the Auto Scaling group's / instance's IaC id.
    pub id: String,
    /// `AWS::EC2::Instance` or `AWS::AutoScaling::AutoScalingGroup`: the path step's type.
    pub resource_type: &'static str,
    /// How the evidence names it ("EC2 container instance `i-0abc`", "the instances of Auto
    /// Scaling group `…` (launch template `…`, linked by …)").
    pub description: String,
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub public_ipv4: HostPublicIp,
    /// Its IPv6 addresses; for hosts not launched yet, `["assigned at launch"]` when it gets one.
    pub ipv6: Vec<String>,
}

/// The hosts of a cluster, and why some (or all) of them cannot be known.
#[derive(Debug, Clone, Default)]
pub struct HostsOf {
    pub hosts: Vec<Host>,
    pub gaps: Vec<String>,
}

/// The name part of a cluster reference: an ARN's `cluster/<name>`, else the text itself.
pub fn cluster_name(reference: &str) -> &str {
    match reference.strip_prefix("arn:") {
        Some(_) => reference
            .rsplit_once(":cluster/")
            .map(|(_, n)| n)
            .unwrap_or(reference),
        None => reference,
    }
}

/// What a host needs for `ipv6` when it is not launched yet.
pub const IPV6_AT_LAUNCH: &str = "assigned at launch";

impl Inventory {
    /// The name a cluster reference stands for: an IaC cluster's `clusterName`, an ARN's name,
    /// or the text.
    fn cluster_label<'a>(&'a self, reference: &'a str) -> &'a str {
        self.clusters
            .get(reference)
            .and_then(|c| c.cluster_name.as_deref())
            .unwrap_or_else(|| cluster_name(reference))
    }

    /// Whether two cluster references (ids, ARNs or names) are the same cluster: equal, or of
    /// the same name where neither names another account or region.
    fn same_cluster(&self, a: &str, b: &str) -> bool {
        if a == b {
            return true;
        }
        let (aa, ar) = arn_account_region(a);
        let (ba, br) = arn_account_region(b);
        let differ = |x: Option<&str>, y: Option<&str>| x.is_some() && y.is_some() && x != y;
        !differ(aa, ba) && !differ(ar, br) && self.cluster_label(a) == self.cluster_label(b)
    }

    /// The hosts the tasks of `cluster` run on (the service's `clusterArn`; `None`: ECS's
    /// `default` cluster), from every source, with a gap for each one that cannot be known.
    /// No hosts and no gap never happens: an empty list comes with the reason.
    pub fn hosts_of(&self, cluster: Option<&str>) -> HostsOf {
        let cluster = cluster.unwrap_or("default");
        let mut out = HostsOf::default();
        let label = self.cluster_label(cluster).to_string();
        // Snapshot and live: container instances and their EC2 instances.
        let (sa, sr) = arn_account_region(cluster);
        let differ = |x: Option<&str>, y: Option<&str>| x.is_some() && y.is_some() && x != y;
        let members: Vec<&ContainerInstance> = self
            .index
            .container_instances_by_cluster
            .get(&label)
            .into_iter()
            .flatten()
            .filter_map(|arn| self.container_instances.get(arn))
            .filter(|ci| ci.runs_tasks())
            .filter(|ci| {
                let (acct, region) = arn_account_region(&ci.container_instance_arn);
                !differ(acct, sa) && !differ(region, sr)
            })
            .collect();
        for ci in &members {
            let Some(iid) = &ci.ec2_instance_id else {
                out.gaps.push(format!(
                    "container instance {} names no EC2 instance, so its address and security groups are unknown",
                    ci.container_instance_arn
                ));
                continue;
            };
            if !self.has(Kind::Ec2Instances) {
                let gap = format!(
                    "no EC2 instances in the input, so the addresses and security groups of cluster {label}'s container instances are unknown (add the output of `{} --instance-ids <their ec2InstanceId>`)",
                    Kind::Ec2Instances.cli_command()
                );
                if !out.gaps.contains(&gap) {
                    out.gaps.push(gap);
                }
                continue;
            }
            let Some(i) = self.instances.get(iid) else {
                out.gaps.push(format!(
                    "EC2 instance {iid} of container instance {} is not in the input (add `{} --instance-ids {iid}`)",
                    ci.container_instance_arn,
                    Kind::Ec2Instances.cli_command()
                ));
                continue;
            };
            if i.terminated() {
                continue;
            }
            let public_ipv4 = match i.public_ipv4().into_iter().next() {
                Some((address, field)) => HostPublicIp::Address { address, field },
                None => HostPublicIp::None,
            };
            out.hosts.push(Host {
                id: i.instance_id.clone(),
                resource_type: "AWS::EC2::Instance",
                description: format!("EC2 container instance `{}`", i.instance_id),
                subnets: i.subnets(),
                security_groups: i.group_ids(),
                public_ipv4,
                ipv6: i.ipv6_addresses(),
            });
        }
        // Infrastructure as code: the groups launched into the cluster.
        for g in self.host_groups.values() {
            if !self.same_cluster(&g.cluster, cluster) {
                continue;
            }
            out.gaps.extend(g.gaps.iter().cloned());
            let public_ipv4 = match &g.public_ip {
                LaunchPublicIp::Set {
                    public: true,
                    resource,
                    field,
                } => HostPublicIp::AtLaunch {
                    resource: resource.clone(),
                    field: field.clone(),
                },
                LaunchPublicIp::Set { public: false, .. } => HostPublicIp::None,
                LaunchPublicIp::SubnetDefault => HostPublicIp::SubnetDefault,
            };
            let kind = if g.resource_type == "AWS::EC2::Instance" {
                format!("EC2 instance `{}`", g.id)
            } else {
                format!("the instances of Auto Scaling group `{}`", g.id)
            };
            let launch = g
                .launch
                .as_ref()
                .map(|l| format!(", launched from `{l}`"))
                .unwrap_or_default();
            out.hosts.push(Host {
                id: g.id.clone(),
                resource_type: g.resource_type,
                description: format!("{kind} (joining cluster `{label}` by {}{launch})", g.link),
                subnets: g.subnets.clone(),
                security_groups: g.security_groups.clone(),
                public_ipv4,
                ipv6: if g.ipv6 {
                    vec![IPV6_AT_LAUNCH.to_string()]
                } else {
                    Vec::new()
                },
            });
        }
        if out.hosts.is_empty() && out.gaps.is_empty() {
            out.gaps.push(self.no_hosts_reason(cluster, &label));
        }
        out
    }

    /// Why no host of a cluster is known, naming what to add.
    fn no_hosts_reason(&self, cluster: &str, label: &str) -> String {
        let from_template = self.from_template(cluster);
        if from_template {
            return format!(
                "cluster `{cluster}` is defined in infrastructure as code, and no Auto Scaling group or instance in the input joins it (through a capacity provider of the cluster, or `ECS_CLUSTER` in the instances' UserData): add the template or plan that defines its instances, or the output of `{}` and `{}`",
                Kind::EcsContainerInstances.cli_command(),
                Kind::Ec2Instances.cli_command()
            );
        }
        if !self.has(Kind::EcsContainerInstances) {
            return format!(
                "no container instances in the input (add the output of `{} --cluster {label} --container-instances <the ARNs of list-container-instances>` and `{}` for their EC2 instances)",
                Kind::EcsContainerInstances.cli_command(),
                Kind::Ec2Instances.cli_command()
            );
        }
        format!(
            "no container instance of cluster {label} is in the input (add `{} --cluster {label} --container-instances <the ARNs of list-container-instances>` and `{}` for their EC2 instances)",
            Kind::EcsContainerInstances.cli_command(),
            Kind::Ec2Instances.cli_command()
        )
    }
}

#[cfg(test)]
mod tests;
