//! Which host paths are sensitive to mount into a container, and why (documented in
//! `host_filesystem_mount.md`).

/// Host paths that hand over host configuration, credentials, kernel interfaces, devices or
/// container runtime state even when mounted read-only.
const HOST_SECRETS: &[&str] = &[
    "/proc",
    "/sys",
    "/dev",
    "/etc",
    "/root",
    "/home",
    "/run",
    "/var/run",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/ecs",
];
/// Host paths the host runs programs from: harmless to read, a takeover when writable.
const HOST_PROGRAMS: &[&str] = &["/boot", "/usr", "/bin", "/sbin", "/lib", "/lib64"];
/// Container runtime sockets. A read-only bind only stops writes to the socket *file*; the
/// container can still connect and send API requests, so it controls the host either way.
const RUNTIME_SOCKETS: &[&str] = &[
    "/run/docker.sock",
    "/var/run/docker.sock",
    "/run/containerd/containerd.sock",
    "/var/run/containerd/containerd.sock",
];
/// Files under `/etc` commonly mounted read-only only to share the host's time zone.
const HARMLESS_READ_ONLY: &[&str] = &["/etc/localtime", "/etc/timezone"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sensitivity {
    RuntimeSocket,
    HostSecrets,
    HostPrograms,
}

impl Sensitivity {
    /// Completes "container `x` mounts host path … ; " in an evidence message.
    pub fn why(self) -> &'static str {
        match self {
            Sensitivity::RuntimeSocket => {
                "this exposes the container runtime socket: even a read-only bind lets the container send API requests to the runtime, which is full control of the host"
            }
            Sensitivity::HostSecrets => {
                "this is a sensitive host path (host configuration, credentials, kernel interfaces, devices or container runtime state)"
            }
            Sensitivity::HostPrograms => {
                "this is a sensitive host path: it holds programs the host runs, and the container can rewrite them"
            }
        }
    }
}

/// Resolves `.`, `..`, repeated and trailing slashes lexically (host symlinks are unknown).
pub fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    format!("/{}", parts.join("/"))
}

fn within(path: &str, dir: &str) -> bool {
    dir == "/" || path == dir || path.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// Mounting `path` exposes a listed directory when it is that directory, below it, or above
/// it (mounting `/var` exposes `/var/run/docker.sock` too).
fn exposes(path: &str, list: &[&str]) -> bool {
    list.iter()
        .any(|dir| within(path, dir) || within(dir, path))
}

/// Why a normalised host path is sensitive to mount, or `None`.
pub fn classify(path: &str, read_only: bool) -> Option<Sensitivity> {
    if exposes(path, RUNTIME_SOCKETS) {
        Some(Sensitivity::RuntimeSocket)
    } else if read_only && HARMLESS_READ_ONLY.contains(&path) {
        None
    } else if exposes(path, HOST_SECRETS) {
        Some(Sensitivity::HostSecrets)
    } else if !read_only && exposes(path, HOST_PROGRAMS) {
        Some(Sensitivity::HostPrograms)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_lexically() {
        assert_eq!(normalise("/var/run/"), "/var/run");
        assert_eq!(
            normalise("//var//lib/../run/./docker.sock"),
            "/var/run/docker.sock"
        );
        assert_eq!(normalise("/data/../../.."), "/");
        assert_eq!(normalise("/"), "/");
    }

    #[test]
    fn sensitive_paths() {
        for p in [
            "/",
            "/var",
            "/var/run",
            "/run/docker.sock",
            "/run/containerd",
        ] {
            assert_eq!(classify(p, true), Some(Sensitivity::RuntimeSocket), "{p}");
        }
        for p in [
            "/proc/1/root",
            "/etc/ecs",
            "/dev/sda",
            "/home/ec2-user",
            "/var/lib/docker",
        ] {
            assert_eq!(classify(p, true), Some(Sensitivity::HostSecrets), "{p}");
        }
        assert_eq!(classify("/usr/bin", false), Some(Sensitivity::HostPrograms));
        assert_eq!(
            classify("/etc/localtime", false),
            Some(Sensitivity::HostSecrets)
        );
    }

    #[test]
    fn ordinary_paths() {
        for p in [
            "/usr/share/zoneinfo",
            "/etc/localtime",
            "/var/log",
            "/data",
            "/etcetera",
            "/opt/app",
            "/var/lib/app",
        ] {
            assert_eq!(classify(p, true), None, "{p}");
        }
        assert_eq!(classify("/srv/cache", false), None);
    }
}
