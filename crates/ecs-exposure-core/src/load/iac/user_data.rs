//! Instance UserData that joins an ECS cluster: the ECS agent reads `ECS_CLUSTER=<name>` from
//! `/etc/ecs/ecs.config`, which UserData (or cfn-init) usually writes with
//! `echo ECS_CLUSTER=… >> /etc/ecs/ecs.config`.

/// The most UserData decoded from base64 (Terraform keeps launch template UserData encoded);
/// EC2 itself accepts at most 16 KiB, so more is not UserData.
pub const MAX_USER_DATA: usize = 64 << 10;

const KEY: &str = "ECS_CLUSTER=";

/// Each value written after `ECS_CLUSTER=` in `text`, up to the end of the word (quotes,
/// white space, `>` and `;` end it). An empty value (the text ends there) is given as "" so
/// that a caller reading a list of parts can take the next one.
pub fn cluster_values(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(KEY) {
        let after = &rest[i + KEY.len()..];
        let after = after.trim_start_matches(['"', '\'']);
        let end = after
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '>' | ';' | '|' | '&'))
            .unwrap_or(after.len());
        out.push(&after[..end]);
        rest = &after[end..];
    }
    out
}

/// Standard base64 (padding optional, white space ignored), or `None` when it is not
/// base64, not UTF-8, or longer than [`MAX_USER_DATA`] decoded.
pub fn decode_base64(text: &str) -> Option<String> {
    let mut bits: u32 = 0;
    let mut n = 0;
    let mut out = Vec::new();
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            c if c.is_ascii_whitespace() => continue,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
            if out.len() > MAX_USER_DATA {
                return None;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_after_the_key() {
        assert_eq!(
            cluster_values("#!/bin/bash\necho ECS_CLUSTER=prod >> /etc/ecs/ecs.config\n"),
            ["prod"]
        );
        assert_eq!(
            cluster_values("echo \"ECS_CLUSTER=a\"; echo ECS_CLUSTER='b'"),
            ["a", "b"]
        );
        assert_eq!(cluster_values("echo ECS_CLUSTER="), [""]);
        assert!(cluster_values("ECS_ENABLE_TASK_IAM_ROLE=true").is_empty());
    }

    #[test]
    fn base64() {
        assert_eq!(
            decode_base64("ZWNobyBFQ1NfQ0xVU1RFUj1wcm9k").as_deref(),
            Some("echo ECS_CLUSTER=prod")
        );
        assert_eq!(decode_base64("YQ==").as_deref(), Some("a"));
        assert_eq!(decode_base64("not base64!"), None);
        let big = "QUFB".repeat(MAX_USER_DATA);
        assert_eq!(decode_base64(&big), None);
    }
}
