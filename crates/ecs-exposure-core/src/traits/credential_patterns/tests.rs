//! Every pattern against its samples, and the name and value rules.

use super::*;

fn split(sample: &str) -> (&str, &str) {
    sample.split_once('=').expect("sample is NAME=value")
}

#[test]
fn every_sample_behaves() {
    for p in PATTERNS {
        for s in p.samples.tp {
            let (name, value) = split(s);
            let got = classify(name, value, Surroundings::default()).map(|h| h.pattern.id);
            assert_eq!(got, Some(p.id), "{}: true positive `{name}` missed", p.id);
        }
        for s in p.samples.fp {
            let (name, value) = split(s);
            let got = classify(name, value, Surroundings::default()).map(|h| h.pattern.id);
            assert_eq!(got, None, "{}: false positive `{s}`", p.id);
        }
    }
}

#[test]
fn secret_key_under_a_neutral_name_counts_only_beside_a_key_id() {
    let key = "rJmAA7tuoWTtbJcNmpndqRkL90WUUx8BNl/XeIl5";
    assert!(classify("S3_UPLOAD", key, Surroundings::default()).is_none());
    let paired = Surroundings {
        access_key_id: true,
    };
    let hit = classify("S3_UPLOAD", key, paired).unwrap();
    assert_eq!(hit.pattern.id, AWS_SECRET_ACCESS_KEY);
    // A hex digest is not a secret key even beside a key id.
    let sha = "3f2a9c0d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39";
    assert!(classify("GIT_COMMIT", sha, paired).is_none());
}

#[test]
fn url_hit_points_at_the_password() {
    let v = "postgres://app:Wq8rT2vLx9@db.example.com/app";
    let hit = classify("DATABASE_URL", v, Surroundings::default()).unwrap();
    assert_eq!(&v[hit.secret], "Wq8rT2vLx9");
}

#[test]
fn key_id_detection() {
    assert!(is_access_key_id("AKIASURYCJPUD4EL75ZJ"));
    assert!(!is_access_key_id("AKIAIOSFODNN7EXAMPLE"));
    assert!(!is_access_key_id("hunter2"));
}

#[test]
fn names() {
    assert_eq!(name_tokens("dbPassword"), ["DB", "PASSWORD"]);
    assert_eq!(
        name_tokens("AWS_SECRET_ACCESS_KEY"),
        ["AWS", "SECRET", "ACCESS", "KEY"]
    );
    assert!(name_has_keyword("apiKey", SECRET_WORDS));
    assert!(name_has_keyword("MY_APIKEY", SECRET_WORDS));
    assert!(name_has_keyword("HTTP_AUTH", SECRET_WORDS));
    assert!(!name_has_keyword("AUTH_MODE", SECRET_WORDS));
    assert!(!name_has_keyword("OAUTH_CLIENT", SECRET_WORDS));
    assert!(!name_has_keyword("PASSPORT_NUMBER", PASSWORD_WORDS));
    assert!(!name_has_keyword("OLDPWD", PASSWORD_WORDS));
    assert!(name_has_keyword("TOKEN_SECRET", SECRET_WORDS));
    assert!(!name_has_keyword("TOKEN_SECRET_NAME", SECRET_WORDS));
}

#[test]
fn value_exclusions() {
    for (v, why) in [
        ("", "empty"),
        ("${DB_PASSWORD}", "placeholder"),
        ("$DB_PASSWORD", "placeholder"),
        ("{{ db_password }}", "placeholder"),
        ("<REPLACE_ME>", "placeholder"),
        ("REPLACE_ME", "placeholder"),
        ("xxx", "placeholder"),
        ("********", "placeholder"),
        ("TRUE", "boolean"),
        ("3600", "number"),
        ("0.75", "number"),
        ("30s", "duration"),
        (
            "arn:aws:ssm:us-east-1:111122223333:parameter/prod/db",
            "ARN",
        ),
        ("/run/secrets/db", "path"),
        ("./conf/app.yaml", "path"),
        ("https://example.com/x", "URL without credentials"),
        ("db.internal.example.com", "host name"),
        ("10.0.3.7:5432", "host name"),
    ] {
        assert_eq!(non_secret_reason(v), Some(why), "{v:?}");
    }
    for v in ["hunter2", "changeme", "/x8Kd9Qz2LmW4pRt7Vb/N1cY6"] {
        assert_eq!(non_secret_reason(v), None, "{v:?}");
    }
}

#[test]
fn entropy() {
    assert_eq!(shannon_entropy("aaaa"), 0.0);
    assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
}

#[test]
fn ecs8_names_decide_whatever_the_length() {
    let paired = Surroundings {
        access_key_id: true,
    };
    let key = "rJmAA7tuoWTtbJcNmpndqRkL90WUUx8BNl/XeIl5";
    for v in [
        &key[..39],
        &format!("{key}\n"),
        &format!("'{key}'"),
        &format!("{key}{key}"),
    ] {
        for around in [paired, Surroundings::default()] {
            let hit = classify("AWS_SECRET_ACCESS_KEY", v, around).map(|h| h.pattern.id);
            assert_eq!(hit, Some(AWS_SECRET_ACCESS_KEY), "{} chars", v.len());
        }
    }
    // Under a neutral name the shape still decides, even beside a key id.
    assert!(classify("S3_UPLOAD", &key[..39], paired).is_none());
    for (v, why) in [
        ("", "empty"),
        ("${AWS_SECRET_ACCESS_KEY}", "placeholder"),
        ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "placeholder"),
        (
            "arn:aws:secretsmanager:us-east-1:111122223333:secret:aws-AbCdEf",
            "ARN",
        ),
        ("/run/secrets/aws", "path"),
        ("vault://secret/aws", "URL without credentials"),
        ("Testing", "emulator dummy"),
    ] {
        assert_eq!(not_named_credential_reason(v), Some(why), "{v:?}");
    }
    // Unlike other names, numbers and booleans count here.
    assert_eq!(not_named_credential_reason("123456789"), None);
    assert_eq!(not_named_credential_reason("true"), None);
}
