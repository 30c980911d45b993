//! One insert for every source: a keyed resource of any kind, and [`Inventory::insert`], which
//! puts it into its map under its id. The snapshot loader, the infrastructure-as-code loader
//! and the planner's undo all go through it, so "which map, keyed by which field" is written
//! once.

use super::*;

/// Declares [`Resource`] (with `From` each resource), [`ResourceType`] (same variants, no
/// data, ordered as declared) and the one insert, from one line per kind: its map in the inventory, the field that is its id
/// and its noun (singular, plural) for messages.
macro_rules! resources {
    ($($variant:ident($ty:ty) => $map:ident by $id:ident, $one:literal, $many:literal;)*) => {
        /// A resource the inventory keys by id.
        #[derive(Debug, Clone)]
        pub enum Resource {
            $($variant($ty),)*
        }

        /// The kind of a [`Resource`]. Ordered as the loaders have always merged the kinds of
        /// one document, which orders the warnings about resources given twice.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum ResourceType {
            $($variant,)*
        }

        impl Resource {
            /// The id it is keyed by.
            pub fn id(&self) -> &str {
                match self {
                    $(Resource::$variant(r) => &r.$id,)*
                }
            }

            pub fn resource_type(&self) -> ResourceType {
                match self {
                    $(Resource::$variant(_) => ResourceType::$variant,)*
                }
            }
        }

        impl ResourceType {
            /// The noun of one and of several, for messages ("security group", "security
            /// groups").
            pub fn nouns(self) -> (&'static str, &'static str) {
                match self {
                    $(ResourceType::$variant => ($one, $many),)*
                }
            }
        }

        $(impl From<$ty> for Resource {
            fn from(r: $ty) -> Self {
                Resource::$variant(r)
            }
        })*

        impl Inventory {
            /// Puts a resource into its map under its id, replacing one with that id (the
            /// later copy wins); `true` when one was replaced. The derived lookups are not
            /// updated: a source calls [`Inventory::reindex`] once it has inserted all.
            pub fn insert(&mut self, r: Resource) -> bool {
                match r {
                    $(Resource::$variant(r) => self.$map.insert(r.$id.clone(), r).is_some(),)*
                }
            }
        }
    };
}

resources! {
    Service(Service) => services by service_arn, "service", "services";
    TaskDefinition(TaskDefinition) => task_definitions by task_definition_arn, "task definition", "task definitions";
    Cluster(Cluster) => clusters by cluster_arn, "cluster", "clusters";
    SecurityGroup(SecurityGroup) => security_groups by group_id, "security group", "security groups";
    Subnet(Subnet) => subnets by subnet_id, "subnet", "subnets";
    RouteTable(RouteTable) => route_tables by route_table_id, "route table", "route tables";
    NetworkAcl(NetworkAcl) => network_acls by network_acl_id, "network ACL", "network ACLs";
    InternetGateway(InternetGateway) => internet_gateways by internet_gateway_id, "internet gateway", "internet gateways";
    LoadBalancer(LoadBalancer) => load_balancers by load_balancer_arn, "load balancer", "load balancers";
    TargetGroup(TargetGroup) => target_groups by target_group_arn, "target group", "target groups";
    Listener(Listener) => listeners by listener_arn, "listener", "listeners";
    ListenerRule(ListenerRule) => listener_rules by rule_arn, "listener rule", "listener rules";
    Role(Role) => roles by arn, "role", "roles";
    ManagedPolicy(ManagedPolicy) => managed_policies by arn, "managed policy", "managed policies";
    ContainerInstance(ContainerInstance) => container_instances by container_instance_arn, "container instance", "container instances";
    Instance(Instance) => instances by instance_id, "EC2 instance", "EC2 instances";
    HostGroup(HostGroup) => host_groups by id, "host group", "host groups";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(id: &str, name: &str) -> Resource {
        Resource::SecurityGroup(SecurityGroup {
            group_id: id.into(),
            group_name: Some(name.into()),
            vpc_id: None,
            owner_id: None,
            ip_permissions: Vec::new(),
        })
    }

    #[test]
    fn insert_keys_by_id_and_the_later_copy_wins() {
        let mut inv = Inventory::default();
        assert!(!inv.insert(group("sg-1", "a")));
        assert!(inv.insert(group("sg-1", "b")));
        assert_eq!(inv.security_groups.len(), 1);
        assert_eq!(inv.security_groups["sg-1"].group_name.as_deref(), Some("b"));
    }

    #[test]
    fn types_order_as_declared() {
        assert!(ResourceType::Service < ResourceType::TaskDefinition);
        assert!(ResourceType::ManagedPolicy < ResourceType::HostGroup);
        assert_eq!(
            ResourceType::NetworkAcl.nouns(),
            ("network ACL", "network ACLs")
        );
    }
}
