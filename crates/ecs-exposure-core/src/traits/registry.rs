//! The one table of traits, in report order.

use super::*;

/// Every trait, in the order reports list them.
pub static ALL: &[&TraitDef] = &[
    &privileged_container::TRAIT,
    &assumable_iam_role::TRAIT,
    &host_filesystem_mount::TRAIT,
    &host_pid_namespace::TRAIT,
    &plaintext_credentials::TRAIT,
    &open_security_group::TRAIT,
    &public_ip::TRAIT,
    &host_network_mode::TRAIT,
    &admin_iam_role::TRAIT,
    &internet_reachable::TRAIT,
    &exploitable_vulnerability::TRAIT,
    &software_vulnerability::TRAIT,
    &writable_root_filesystem::TRAIT,
    &root_user::TRAIT,
    &added_capabilities::TRAIT,
    &ecs_exec_enabled::TRAIT,
    &service_admin_iam_role::TRAIT,
];

pub fn by_id(id: &str) -> Option<&'static TraitDef> {
    ALL.iter().copied().find(|t| t.id.as_str() == id)
}
