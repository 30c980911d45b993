//! `--role-arns-file`: the roles `scan --live` and `collect` assume, one ARN a line.

use std::path::Path;

/// Largest role list read: 100,000 ARNs of a hundred characters are under 16 MiB.
pub const MAX_ROLE_ARNS_FILE_SIZE: u64 = 16 << 20;

/// The role ARNs of the file (`#` starts a comment, blank lines are skipped).
#[cfg_attr(not(feature = "live"), allow(dead_code))]
pub fn read(path: &Path) -> Result<Vec<String>, String> {
    let limit = crate::read::Limit {
        bytes: MAX_ROLE_ARNS_FILE_SIZE,
        named: "MAX_ROLE_ARNS_FILE_SIZE of a --role-arns-file",
    };
    let text =
        crate::read::read_text(path, limit).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut arns = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if !line.starts_with("arn:") || !line.contains(":role/") {
            return Err(format!(
                "{}:{}: expected a role ARN (arn:aws:iam::<account>:role/<name>)",
                path.display(),
                i + 1
            ));
        }
        arns.push(line.to_string());
    }
    Ok(arns)
}

#[cfg(test)]
mod tests {
    #[test]
    fn arns_comments_and_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("roles.txt");
        std::fs::write(
            &p,
            "# audit roles\narn:aws:iam::111122223333:role/Audit # prod\n\n",
        )
        .unwrap();
        assert_eq!(
            super::read(&p).unwrap(),
            ["arn:aws:iam::111122223333:role/Audit"]
        );
        std::fs::write(&p, "arn:aws:iam::111122223333:role/Audit\nnot-an-arn\n").unwrap();
        let e = super::read(&p).unwrap_err();
        assert!(
            e.ends_with("roles.txt:2: expected a role ARN (arn:aws:iam::<account>:role/<name>)"),
            "{e}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_not_read() {
        let e = super::read(std::path::Path::new("/dev/zero")).unwrap_err();
        assert_eq!(e, "/dev/zero: not a regular file but a character device");
    }
}
