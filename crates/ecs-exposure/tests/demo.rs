//! The bundled demo account (`examples/demo-account`): every service gets the severity and
//! traits its README promises, and no credential from it appears in any output format.

use serde_json::Value;
use std::path::PathBuf;

fn demo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-account")
}

fn scan(args: &[&str]) -> (i32, String) {
    let out = assert_cmd::cargo::cargo_bin_cmd!("ecs-exposure")
        .env("SOURCE_DATE_EPOCH", "1796000000")
        .arg("scan")
        .arg(demo())
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.stderr.is_empty(),
        "the demo loads without warnings: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn every_service_gets_the_promised_severity_and_traits() {
    let (code, out) = scan(&["--format", "json", "--min-severity", "informational"]);
    assert_eq!(code, 1, "the demo has findings");
    let report: Value = serde_json::from_str(&out).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let get = |name: &str| {
        findings
            .iter()
            .find(|f| f["resource"]["name"] == name)
            .unwrap_or_else(|| panic!("no finding for {name}"))
    };
    let traits = |name: &str| -> Vec<String> {
        get(name)["traits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_string())
            .collect()
    };
    let expected = [
        ("storefront", "CRITICAL", "Very High", "High"),
        ("checkout-api", "HIGH", "High", "Medium"),
        ("legacy-reporting", "HIGH", "Moderate", "High"),
        ("node-agent", "MEDIUM", "Low", "High"),
        ("ledger-worker", "INFORMATIONAL", "", "Medium"),
        ("internal-admin", "INFORMATIONAL", "", "Medium"),
        ("metrics-exporter", "INFORMATIONAL", "", "Low"),
    ];
    assert_eq!(findings.len(), expected.len());
    for (name, severity, likelihood, impact) in expected {
        let f = get(name);
        assert_eq!(f["severity"], severity, "{name}: {}", f["explanation"]);
        assert_eq!(f["likelihood"].as_str().unwrap_or(""), likelihood, "{name}");
        assert_eq!(f["impact"], impact, "{name}");
    }
    for id in [
        "internet-reachable",
        "exploitable-vulnerability",
        "admin-iam-role",
        "public-ip",
        "open-security-group",
    ] {
        assert!(
            traits("storefront").contains(&id.to_string()),
            "storefront lacks {id}"
        );
    }
    let reach = get("checkout-api")["traits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "internet-reachable")
        .unwrap();
    assert_eq!(reach["facets"][0], "load-balancer-path");
    for id in [
        "privileged-container",
        "host-pid-namespace",
        "host-filesystem-mount",
    ] {
        assert!(
            traits("node-agent").contains(&id.to_string()),
            "node-agent lacks {id}"
        );
    }
    // The undeployed privileged revision of metrics-exporter does not count.
    assert!(!traits("metrics-exporter").contains(&"privileged-container".to_string()));
    // Secrets done right (ledger-worker) are not flagged; the traps in its env are not either.
    assert!(!traits("ledger-worker").contains(&"plaintext-credentials".to_string()));
    // The finding on an image no service runs affects nothing.
    assert!(!out.contains("CVE-2022-22965"));
}

#[test]
fn no_credential_value_appears_in_any_output() {
    const SECRETS: &[&str] = &[
        "AKIA4XJ2Q7RZ3LMNB5KD",
        "q8Vt3+Zk0bN7rWmP2yLc5hXa9Jf6Ds1Ge4Tu/oRi",
        "Sup3rS3cretRep0rt",
        // Fragments long enough to identify the values.
        "4XJ2Q7RZ",
        "Zk0bN7rW",
        "S3cretRep",
    ];
    for format in ["text", "json", "ocsf"] {
        let (_, out) = scan(&["--format", format, "--min-severity", "informational"]);
        assert!(
            out.contains("AWS_SECRET_ACCESS_KEY"),
            "{format}: the variable is named"
        );
        for s in SECRETS {
            assert!(!out.contains(s), "{format} output contains `{s}`");
        }
    }
}
