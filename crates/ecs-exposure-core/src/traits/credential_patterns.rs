//! What a credential in an environment variable looks like, as data.
//!
//! Each [`CredentialPattern`] says which values (and, for the generic ones, which variable
//! names) make a credential, with samples that must and must not be recognised; one test runs
//! every sample through [`classify`]. Patterns are tried in table order, most specific first, so
//! `GITHUB_TOKEN=ghp_…` is reported as a GitHub token rather than as a generic secret.
//! The decisions behind the exclusions are explained in `plaintext_credentials.md`.

use regex::Regex;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

/// Samples as `NAME=value`: `tp` must be recognised as this pattern, `fp` as no credential.
/// Read only by the tests, which are what keeps the table honest.
#[cfg_attr(not(test), allow(dead_code))]
pub(super) struct Samples {
    pub tp: &'static [&'static str],
    pub fp: &'static [&'static str],
}

/// How the value is judged.
pub(super) enum ValueRule {
    /// Searched anywhere in the value. The entropy floor and the placeholder check apply to the
    /// `secret` capture group, or to the whole match when there is none.
    Regex(&'static str),
    /// 40 characters of base64 alphabet mixing upper case, lower case and digits: the shape of
    /// an AWS secret access key. The mix rules out hex digests such as git commit ids.
    AwsSecretShape,
    /// Any value that is not excluded by [`non_secret_reason`]: under a password-like name even
    /// `hunter2` is a password.
    AnyValue,
    /// A value that looks generated: at least 8 characters, letters and digits, no spaces
    /// (except in a JSON object), and the pattern's entropy floor.
    SecretLooking,
    /// Security Hub ECS.8's rule for the names it lists: any value that is not empty, a
    /// placeholder, a reference (ARN, path, URL) or a local emulator's dummy (see
    /// [`not_named_credential_reason`]). Unlike [`ValueRule::AnyValue`], numbers and booleans
    /// count: under `AWS_SECRET_ACCESS_KEY` they are no setting.
    NamedCredential,
}

/// Which variable names the pattern applies to.
pub(super) enum NameRule {
    Any,
    /// This name, in any letter case.
    Exact(&'static str),
    /// The name holds one of these keywords (see [`name_has_keyword`]).
    Keywords(&'static [&'static str]),
}

pub(super) struct CredentialPattern {
    pub id: &'static str,
    /// Noun phrase used in evidence: "container `x` sets `Y` to <description>".
    pub description: &'static str,
    pub value: ValueRule,
    pub name: NameRule,
    /// Also recognised under any name when the same container holds an AWS access key id.
    pub paired_with_access_key_id: bool,
    /// Minimum Shannon entropy (bits per character) of the secret part; 0 = none.
    pub min_entropy: f64,
    #[cfg_attr(not(test), allow(dead_code))]
    pub samples: Samples,
}

pub(super) const AWS_ACCESS_KEY_ID: &str = "aws-access-key-id";
pub(super) const AWS_SECRET_ACCESS_KEY: &str = "aws-secret-access-key";

/// Password keywords: any value counts under them.
const PASSWORD_WORDS: &[&str] = &["PASSWORD", "PASSWORDS", "PASSWD", "PASS", "PWD"];
/// Other secret keywords: the value must also look generated.
const SECRET_WORDS: &[&str] = &[
    "SECRET",
    "SECRETS",
    "TOKEN",
    "TOKENS",
    "API_KEY",
    "ACCESS_KEY",
    "PRIVATE_KEY",
    // Vendor keys that authenticate an agent or a sender (monitoring, logging, APM): whoever
    // holds one can write into, and often read, the vendor account.
    "LICENSE_KEY",
    "INGEST_KEY",
    "INGESTION_KEY",
    "INSERT_KEY",
    "APP_KEY",
    "APPLICATION_KEY",
    "CREDENTIAL",
    "CREDENTIALS",
    "CREDS",
    "AUTH",
];

pub(super) static PATTERNS: &[CredentialPattern] = &[
    CredentialPattern {
        id: "private-key",
        description: "a PEM private key",
        value: ValueRule::Regex(r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"),
        name: NameRule::Any,
        paired_with_access_key_id: false,
        min_entropy: 0.0,
        samples: Samples {
            tp: &[
                "TLS_KEY=-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEA7v0x\\n-----END RSA PRIVATE KEY-----",
                "SSH_DEPLOY=-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
                "SIGNER=-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
            ],
            fp: &[
                // Public halves are meant to be shared.
                "TLS_CERT=-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE\n-----END CERTIFICATE-----",
                "JWT_VERIFY=-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----",
            ],
        },
    },
    CredentialPattern {
        id: AWS_ACCESS_KEY_ID,
        description: "an AWS access key id",
        value: ValueRule::Regex(r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b"),
        name: NameRule::Any,
        paired_with_access_key_id: false,
        min_entropy: 3.0,
        samples: Samples {
            tp: &[
                "AWS_ACCESS_KEY_ID=AKIASURYCJPUD4EL75ZJ",
                "S3_UPLOADER=ASIAKBHBNCYLDOUSS263",
                "BACKUP=key=AKIAJBISK4DQOXY6AR6X",
            ],
            fp: &[
                // AWS's documentation example, not a key.
                "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
                // Low entropy: a made-up filler.
                "AWS_ACCESS_KEY_ID=AKIAAAAAAAAAAAAAAAAA",
                // Wrong length, under a name that does not say what it is.
                "S3_UPLOADER=AKIASURYCJPUD4EL75",
                // Dummies for local emulators (moto, LocalStack).
                "AWS_ACCESS_KEY_ID=testing",
                "AWS_SECRET_ACCESS_KEY=testing",
            ],
        },
    },
    CredentialPattern {
        id: AWS_SECRET_ACCESS_KEY,
        description: "an AWS secret access key",
        value: ValueRule::AwsSecretShape,
        name: NameRule::Keywords(&["SECRET", "AWS"]),
        paired_with_access_key_id: true,
        min_entropy: 4.0,
        samples: Samples {
            tp: &[
                "AWS_SECRET_ACCESS_KEY=rJmAA7tuoWTtbJcNmpndqRkL90WUUx8BNl/XeIl5",
                "AWS_KEY=gU/X8Pd6eJJQuqU3KjmNWgwpvJwJ2eTxT8aGhUdE",
                "UPLOAD_SECRET=6/CuD+9f7Uo3p5DvtpSHgHtH7vicVGOY7sgOlPGZ",
            ],
            fp: &[
                "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY}",
                // A 40-character hex digest under a neutral name.
                "GIT_COMMIT=3f2a9c0d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39",
            ],
        },
    },
    CredentialPattern {
        id: AWS_SECRET_ACCESS_KEY,
        description: "an AWS secret access key (by its name, as Security Hub ECS.8 judges it)",
        value: ValueRule::NamedCredential,
        name: NameRule::Exact("AWS_SECRET_ACCESS_KEY"),
        paired_with_access_key_id: false,
        min_entropy: FILLER_ENTROPY,
        samples: Samples {
            tp: &[
                // Any length: a key copied with a character short, quoted or padded is still
                // the key (39, 42 and 41 characters).
                "AWS_SECRET_ACCESS_KEY=rJmAA7tuoWTtbJcNmpndqRkL90WUUx8BNl/XeIl",
                "AWS_SECRET_ACCESS_KEY=\"rJmAA7tuoWTtbJcNmpndqRkL90WUUx8BNl/XeIl5\"",
                "AWS_SECRET_ACCESS_KEY=rJmAA7tuoWTtbJcNmpndqRkL90WUUx8BNl/XeIl5 ",
                "aws_secret_access_key=hunter2",
                "AWS_SECRET_ACCESS_KEY=123456789",
            ],
            fp: &[
                "AWS_SECRET_ACCESS_KEY=",
                "AWS_SECRET_ACCESS_KEY=<your-secret-key>",
                "AWS_SECRET_ACCESS_KEY=arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/aws-AbCdEf",
                "AWS_SECRET_ACCESS_KEY=/run/secrets/aws_secret_access_key",
                // Dummies for local emulators (moto, LocalStack).
                "AWS_SECRET_ACCESS_KEY=test",
                "AWS_SECRET_ACCESS_KEY=dummy",
                "AWS_SECRET_ACCESS_KEY=ssssssss",
            ],
        },
    },
    CredentialPattern {
        id: AWS_ACCESS_KEY_ID,
        description: "an AWS access key id (by its name, as Security Hub ECS.8 judges it)",
        value: ValueRule::NamedCredential,
        name: NameRule::Exact("AWS_ACCESS_KEY_ID"),
        paired_with_access_key_id: false,
        min_entropy: FILLER_ENTROPY,
        samples: Samples {
            tp: &[
                "AWS_ACCESS_KEY_ID=AKIASURYCJPUD4EL75",
                "AWS_ACCESS_KEY_ID=akiasurycjpud4el75zj",
                "AWS_ACCESS_KEY_ID=prod-uploader",
            ],
            fp: &[
                "AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID}",
                "AWS_ACCESS_KEY_ID={{ aws_key_id }}",
                "AWS_ACCESS_KEY_ID=mock",
                "AWS_ACCESS_KEY_ID=fake",
            ],
        },
    },
    CredentialPattern {
        id: "github-token",
        description: "a GitHub token",
        value: ValueRule::Regex(
            r"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b",
        ),
        name: NameRule::Any,
        paired_with_access_key_id: false,
        min_entropy: 3.0,
        samples: Samples {
            tp: &[
                "CI_BOT=ghp_dj7jQrzRcEs1UDdufRPxjKO6s5OZw98f1d6n",
                "GH=gho_mymqNCSB4oz7GmbdsVuPYEHIAW4qbe41doHt",
                "RENOVATE=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",
            ],
            fp: &["GITHUB_TOKEN_SCOPES=repo", "GITHUB_ORG=ghp_team"],
        },
    },
    CredentialPattern {
        id: "slack-token",
        description: "a Slack token",
        value: ValueRule::Regex(r"\bxox[abpr]-[0-9]+-[0-9A-Za-z-]{8,}"),
        name: NameRule::Any,
        paired_with_access_key_id: false,
        min_entropy: 3.0,
        samples: Samples {
            tp: &[
                "NOTIFY=xoxb-458340085933-5113213345391-xtTJoiA4oqnVbuvv42HG2Prf",
                "SLACK=xoxp-1234567890-9876543210-5551234567-0c3f1ad2e8b94c6fa1d0",
            ],
            fp: &["SLACK_HINT=xoxb-your-token-here"],
        },
    },
    CredentialPattern {
        id: "stripe-live-key",
        description: "a Stripe live secret key",
        value: ValueRule::Regex(r"\b[sr]k_live_[0-9A-Za-z]{16,}\b"),
        name: NameRule::Any,
        paired_with_access_key_id: false,
        min_entropy: 3.0,
        samples: Samples {
            tp: &[
                "PAYMENTS=sk_live_2dmYtpqGo3inD6pvOaB5j8Ol",
                "STRIPE_RESTRICTED=rk_live_vGKwcFfZdXHdiKjgFKnDfRH0",
            ],
            // A publishable key is public by design.
            fp: &["STRIPE_PUBLISHABLE=pk_live_51HxQ2yKc7mX0aB3cD4eF5gH6"],
        },
    },
    CredentialPattern {
        id: "jwt",
        description: "a JSON Web Token",
        value: ValueRule::Regex(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"),
        name: NameRule::Any,
        paired_with_access_key_id: false,
        min_entropy: 3.0,
        samples: Samples {
            tp: &[
                "REPORTS_BEARER=eyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9.eyJzdWIiOiAic3ZjLXJlcG9ydHMiLCAiaWF0IjogMTc2NDQ2MDgwMH0.HoyKi-DMq1SXd6sqWoNm-cID08KGb-krleHteVusKLc",
            ],
            // A bare header is not a token.
            fp: &["JWT_HEADER_SAMPLE=eyJhbGciOiJIUzI1NiJ9"],
        },
    },
    CredentialPattern {
        id: "url-credentials",
        description: "a URL with a password in it",
        value: ValueRule::Regex(
            r"\b[A-Za-z][A-Za-z0-9+.-]*://[^:/?#@\s]*:(?P<secret>[^@/?#\s]+)@[^\s/?#]+",
        ),
        name: NameRule::Any,
        paired_with_access_key_id: false,
        min_entropy: 0.0,
        samples: Samples {
            tp: &[
                "DATABASE_URL=postgres://app:Wq8rT2vLx9@db.internal.example.com:5432/app",
                "MYSQL_DSN=mysql://report:hunter2@10.0.3.7:3306/reports",
                "REDIS_URL=redis://:s3cr3tRedis@cache.example.com:6379/0",
                "BROKER=amqp://guest:guest@rabbitmq:5672/",
                "MONGO=mongodb+srv://svc:Pz7mQ1xK@cluster0.example.net/db?retryWrites=true",
                "UPSTREAM=https://deploy:gT5nH2wQ@git.example.com/org/repo.git",
            ],
            fp: &[
                "DATABASE_URL=postgres://app@db.internal.example.com:5432/app",
                "DATABASE_URL=postgres://app:${DB_PASSWORD}@db.internal.example.com/app",
                "API_BASE=https://api.example.com:8443/v1",
                "REDIS_URL=redis://cache.example.com:6379",
            ],
        },
    },
    CredentialPattern {
        id: "ecs-engine-auth-data",
        description: "registry credentials for the ECS agent",
        value: ValueRule::NamedCredential,
        name: NameRule::Exact("ECS_ENGINE_AUTH_DATA"),
        paired_with_access_key_id: false,
        min_entropy: 0.0,
        samples: Samples {
            tp: &[
                r#"ECS_ENGINE_AUTH_DATA={"https://index.docker.io/v1/":{"username":"ci","password":"Zx81qQ","email":"ci@example.com"}}"#,
            ],
            fp: &[
                "ECS_ENGINE_AUTH_DATA=",
                "ECS_ENGINE_AUTH_TYPE=dockercfg",
                "ECS_ENGINE_AUTH_DATA=${REGISTRY_AUTH}",
            ],
        },
    },
    CredentialPattern {
        id: "password",
        description: "a password under a password-like name",
        value: ValueRule::AnyValue,
        name: NameRule::Keywords(PASSWORD_WORDS),
        paired_with_access_key_id: false,
        min_entropy: 0.0,
        samples: Samples {
            tp: &[
                "DB_PASSWORD=hunter2",
                "REDIS_PASS=Wq8rT2vLx9",
                "dbPassword=correct horse battery staple",
                "SMTP_PASSWD=mail-relay-2024",
                // Default passwords are the easiest to guess: flagged (see the doc).
                "ADMIN_PASSWORD=changeme",
                "DB_PASSWORD=password",
                "RABBITMQ_DEFAULT_PASS=guest",
                "LDAPPASSWORD=Bind!Pw",
            ],
            fp: &[
                "PASSWORD_MIN_LENGTH=12",
                "DB_PASSWORD_FILE=/run/secrets/db",
                "PASSWORD_SSM_PARAM=/prod/db/password",
                "DB_PASSWORD=${DB_PASSWORD}",
                "DB_PASSWORD=<REPLACE_ME>",
                "DB_PASSWORD=xxx",
                "DB_PASSWORD=",
                "DB_PASSWORD=true",
                // Numbers under password names are settings far more often than PINs.
                "DB_PASSWORD=123456",
                "DB_PASSWORD=none",
                "DB_PASSWORD=%DB_PASSWORD%",
                "DB_PASSWORD=arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf",
                "PASSWORD_RESET_URL=https://id.example.com/reset",
                "PWD=/app",
                "BYPASS_CACHE=sometimes",
                "PASSWORD_HASHER=argon2",
                "PASSWORD_MIN_STRENGTH=strong",
                "PASSWORD_ENCRYPTION=scram-sha-256",
            ],
        },
    },
    CredentialPattern {
        id: "generic-secret",
        description: "a generated-looking value under a secret-like name",
        value: ValueRule::SecretLooking,
        name: NameRule::Keywords(SECRET_WORDS),
        paired_with_access_key_id: false,
        // Short values cannot score high (8 characters top out at 3.0 bits): 2.5 keeps 98.5 %
        // of random 8-character alphanumerics and drops repetitive fillers.
        min_entropy: 2.5,
        samples: Samples {
            tp: &[
                "SESSION_SECRET=sXh7kimTgOAMdGqljY911JzAYboEAS9OS3_Vq_8UOzg",
                "API_KEY=95b1005b2fe0d627302127e1dd9f895bddb98d95255c972d467cdd63378ffcf9",
                "npmToken=npm_4fH8kLq2Zx7Wv1Ny",
                "DATADOG_APIKEY=3c9e1f7a52bd4e08a6d1",
                "CLIENTSECRET=Q7w-9xZ2_kLm4",
                "BASIC_AUTH=ops:Tr0ub4dor3",
                "SECRET_KEY_BASE=9f8e7d6c5b4a39281706f5e4d3c2b1a0",
                r#"SERVICE_CREDENTIALS={"user": "etl", "key": "k9Vz2Lp8"}"#,
                // 8 characters with a repeat: 2.75 bits.
                "API_TOKEN=k9Vz2Lk8",
                // Vendor license and ingest keys: a monitoring agent's 40-hex-digit key…
                "LICENSE_KEY=0a1b2c3d4e5f60718293a4b5c6d7e8f901234567",
                "NEW_RELIC_LICENSE_KEY=eu01xx3a8b6c2d1e0f9a8b7c6d5e4f3a2b1cNRAL",
                "DD_API_KEY=a1b2c3d4e5f60718293a4b5c6d7e8f90",
                "DD_APP_KEY=9f8e7d6c5b4a39281706f5e4d3c2b1a0ffeeddcc",
                "HONEYCOMB_INGEST_KEY=hcaik_01hq3k5m7p9r2t4v6x8z0b2d4f6h8j",
                "LOGDNA_INGESTION_KEY=c3f7a9e1b5d2468ac0e2f4b6d8a1c3e5",
                "NEW_RELIC_INSERT_KEY=NRII-Xa7bC9dE1fG3hJ5kL7mN9pQ1rS3tU5v",
                "licenseKey=5b2f0c9e8d7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c",
            ],
            fp: &[
                "SECRET_NAME=prod/db",
                "TOKEN_TTL=3600",
                "API_KEY_HEADER=X-Api-Key",
                "AUTH_ENABLED=true",
                "AUTH_FLOW=oauth2-client",
                "SECRET_ARN=arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf",
                "TOKEN_ISSUER=https://id.example.com",
                "SECRETS_DIR=/run/secrets",
                "TOKEN_EXPIRY=15m",
                "API_KEY=abcdefghij",
                "SECRET_QUESTION=What is the name of your first pet",
                "AUTH_HOST=auth.internal.example.com",
                "TOKENIZER=bert-base-uncased",
                "ACCESS_KEY_ID=12345",
                "SECRETS_BACKEND=vault-2",
                "TOKEN_REFRESH_INTERVAL=300",
                // Low entropy fillers.
                "SECRET_KEY=aaaa1111",
                "SECRET_KEY=abab1212",
                // About a license key, or a reference to one.
                "LICENSE_KEY_FILE=/etc/newrelic/license.key",
                "NEW_RELIC_LICENSE_KEY=${NEW_RELIC_LICENSE_KEY}",
                "DD_API_KEY=arn:aws:secretsmanager:us-east-1:111122223333:secret:dd-AbCdEf",
                "LICENSE_KEY=<license>",
                "LICENSE_KEY=trial",
                "APP_KEYBOARD_LAYOUT=us",
                "WHATSAPP_KEY_ID=12345",
            ],
        },
    },
];

/// Facts about the container that some patterns need.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Surroundings {
    /// The container also holds an AWS access key id (plaintext or as `AWS_ACCESS_KEY_ID` secret).
    pub access_key_id: bool,
}

/// A recognised credential: the pattern and where its secret part lies in the value.
pub(super) struct Hit {
    pub pattern: &'static CredentialPattern,
    /// Tests check that this part never reaches an output.
    #[cfg_attr(not(test), allow(dead_code))]
    pub secret: Range<usize>,
}

/// The first pattern that recognises `value` under `name`, if any.
pub(super) fn classify(name: &str, value: &str, around: Surroundings) -> Option<Hit> {
    PATTERNS.iter().zip(COMPILED.iter()).find_map(|(p, re)| {
        let name_ok = match p.name {
            NameRule::Any => true,
            NameRule::Exact(n) => name.eq_ignore_ascii_case(n),
            NameRule::Keywords(words) => name_has_keyword(name, words),
        };
        if !(name_ok || (p.paired_with_access_key_id && around.access_key_id)) {
            return None;
        }
        let secret = match (&p.value, re) {
            (ValueRule::Regex(_), Some(re)) => {
                let caps = re.captures(value)?;
                let m = caps.name("secret").or_else(|| caps.get(0))?;
                m.range()
            }
            (ValueRule::AwsSecretShape, _) => aws_secret_shape(value).then_some(0..value.len())?,
            (ValueRule::AnyValue, _) => non_secret_reason(value)
                .is_none()
                .then_some(0..value.len())?,
            (ValueRule::SecretLooking, _) => looks_generated(value).then_some(0..value.len())?,
            (ValueRule::NamedCredential, _) => not_named_credential_reason(value)
                .is_none()
                .then_some(0..value.len())?,
            (ValueRule::Regex(_), None) => return None,
        };
        let text = &value[secret.clone()];
        (!is_placeholder(text) && shannon_entropy(text) >= p.min_entropy)
            .then_some(Hit { pattern: p, secret })
    })
}

/// Whether the value holds an AWS access key id (used to pair a secret key with it).
pub(super) fn is_access_key_id(value: &str) -> bool {
    classify("", value, Surroundings::default()).is_some_and(|h| h.pattern.id == AWS_ACCESS_KEY_ID)
}

static COMPILED: LazyLock<Vec<Option<Regex>>> = LazyLock::new(|| {
    PATTERNS
        .iter()
        .map(|p| match p.value {
            ValueRule::Regex(re) => Some(Regex::new(re).expect("credential pattern compiles")),
            _ => None,
        })
        .collect()
});

/// Keywords whose longer spellings are other words (`BYPASS`, `OLDPWD`, `OAUTH…`), so they
/// count only as a whole token.
const WHOLE_TOKEN_ONLY: &[&str] = &["PASS", "PWD", "AUTH", "CREDS"];

/// Name tokens after the keyword that make the variable a setting *about* the credential
/// (`PASSWORD_MIN_LENGTH`, `SECRET_ARN`, `DB_PASSWORD_FILE`), not the credential itself.
#[rustfmt::skip]
const QUALIFIERS: &[&str] = &[
    "FILE", "PATH", "DIR", "ARN", "NAME", "ID", "IDS", "TTL", "TIMEOUT", "EXPIRY", "EXPIRES",
    "EXPIRATION", "LIFETIME", "AGE", "LENGTH", "LEN", "MIN", "MAX", "SIZE", "COUNT", "ROUNDS",
    "RETRIES", "HEADER", "ENABLED", "ENABLE", "DISABLED", "DISABLE", "REQUIRED", "URL", "URI",
    "ENDPOINT", "HOST", "PORT", "PARAM", "PARAMETER", "TYPE", "MODE", "METHOD", "POLICY",
    "PROVIDER", "ALGORITHM", "ALG", "ISSUER", "AUDIENCE", "REGION", "USER", "USERNAME", "LOCATION",
    "VERSION", "FORMAT", "SCOPE", "SCOPES", "PREFIX", "HASHER", "ENCODER", "STRENGTH",
    "COMPLEXITY", "PATTERN", "REGEX", "VALIDATOR", "STORE", "BACKEND", "SOURCE", "MANAGER", "KIND",
    "STRATEGY", "INTERVAL", "PERIOD", "DURATION", "SECONDS", "SECS", "MINUTES", "HOURS", "DAYS",
    "MS", "ENCRYPTION",
];

/// Whether `name` holds one of `keywords` with no qualifier after it. A keyword matches a
/// token or the end of one (`DBPASSWORD`), and one written with `_` also matches consecutive
/// tokens (`API_KEY`, `apiKey`); `AUTH` counts only as the last token, since `AUTH_FLOW`,
/// `AUTH_SCHEME`… are settings.
pub(super) fn name_has_keyword(name: &str, keywords: &[&str]) -> bool {
    let tokens = name_tokens(name);
    let mut last_end = None;
    for i in 0..tokens.len() {
        for kw in keywords {
            let parts: Vec<&str> = kw.split('_').collect();
            let joined = parts.concat();
            let t = tokens[i].as_str();
            let end = if t == joined
                || (!WHOLE_TOKEN_ONLY.contains(kw) && t.ends_with(joined.as_str()))
            {
                Some(i + 1)
            } else if parts.len() > 1
                && tokens.len() >= i + parts.len()
                && parts.iter().zip(&tokens[i..]).all(|(p, t)| p == t)
            {
                Some(i + parts.len())
            } else {
                None
            };
            if let Some(end) = end
                && (*kw != "AUTH" || end == tokens.len())
            {
                last_end = last_end.max(Some(end));
            }
        }
    }
    last_end.is_some_and(|end| {
        !tokens[end..]
            .iter()
            .any(|t| QUALIFIERS.contains(&t.as_str()))
    })
}

/// Upper-case tokens of a name, split at non-alphanumerics and at camelCase humps.
fn name_tokens(name: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for ch in name.chars() {
        let boundary = !ch.is_ascii_alphanumeric() || (prev_lower && ch.is_ascii_uppercase());
        if boundary && !cur.is_empty() {
            tokens.push(std::mem::take(&mut cur));
        }
        if ch.is_ascii_alphanumeric() {
            cur.push(ch.to_ascii_uppercase());
        }
        prev_lower = ch.is_ascii_lowercase() || ch.is_ascii_digit();
    }
    if !cur.is_empty() {
        tokens.push(cur);
    }
    tokens
}

fn aws_secret_shape(value: &str) -> bool {
    value.len() == 40
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'/' || b == b'+')
        && value.bytes().any(|b| b.is_ascii_uppercase())
        && value.bytes().any(|b| b.is_ascii_lowercase())
        && value.bytes().any(|b| b.is_ascii_digit())
}

fn looks_generated(value: &str) -> bool {
    non_secret_reason(value).is_none()
        && value.chars().count() >= 8
        && value.chars().any(|c| c.is_ascii_alphabetic())
        && value.chars().any(|c| c.is_ascii_digit())
        && (value.trim_start().starts_with('{') || !value.chars().any(char::is_whitespace))
}

static NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[+-]?[0-9]+(?:\.[0-9]+)?$").unwrap());
static DURATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9]+(?:ms|s|m|h|d|w)$").unwrap());
static PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:~|\.{1,2})?/[A-Za-z0-9._@-]*(?:/[A-Za-z0-9._@-]*)*$").unwrap()
});
static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$").unwrap());
static HOST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[a-z0-9-]+\.)+(?:[a-z]{2,24}|[0-9]{1,3})(?::[0-9]{1,5})?$").unwrap()
});

/// Why a value, whatever its name, is not a credential; `None` when it may be one.
pub(super) fn non_secret_reason(value: &str) -> Option<&'static str> {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    Some(if v.is_empty() {
        "empty"
    } else if is_placeholder(v) {
        "placeholder"
    } else if [
        "true", "false", "yes", "no", "on", "off", "enabled", "disabled",
    ]
    .contains(&lower.as_str())
    {
        "boolean"
    } else if NUMBER.is_match(v) {
        "number"
    } else if DURATION.is_match(v) {
        "duration"
    } else if lower.starts_with("arn:aws") {
        "ARN"
    } else if PATH.is_match(v) && !v.split('/').any(looks_random) {
        "path"
    } else if URL.is_match(v) {
        // URLs with a password in them are caught earlier by `url-credentials`.
        "URL without credentials"
    } else if HOST.is_match(v) {
        "host name"
    } else {
        return None;
    })
}

/// Values a local AWS emulator takes as credentials (moto documents `testing`, LocalStack
/// `test`): under an AWS key name they are the emulator's dummy, not a key.
const EMULATOR_DUMMIES: &[&str] = &["test", "testing", "dummy", "fake", "mock", "localstack"];

/// Entropy floor of the name-judged patterns: below it a value is a filler (`AKIAAAAA…`, one
/// character repeated after a prefix), not a key. Short real values (`hunter2`, 2.8) pass.
const FILLER_ENTROPY: f64 = 1.0;

/// Why a value under a name that Security Hub ECS.8 judges by name is not a credential:
/// nothing there, a placeholder, a reference to where the credential is kept, or an
/// emulator's dummy. `None` when it is one.
pub(super) fn not_named_credential_reason(value: &str) -> Option<&'static str> {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    Some(if v.is_empty() {
        "empty"
    } else if is_placeholder(v) {
        "placeholder"
    } else if lower.starts_with("arn:") {
        "ARN"
    } else if PATH.is_match(v) && !v.split('/').any(looks_random) {
        "path"
    } else if URL.is_match(v) {
        "URL without credentials"
    } else if EMULATOR_DUMMIES.contains(&lower.as_str()) {
        "emulator dummy"
    } else {
        return None;
    })
}

/// A path segment that is more likely a base64 secret that happens to contain `/`.
fn looks_random(segment: &str) -> bool {
    segment.len() >= 16
        && segment.bytes().any(|b| b.is_ascii_uppercase())
        && segment.bytes().any(|b| b.is_ascii_lowercase())
        && segment.bytes().any(|b| b.is_ascii_digit())
}

/// Template markers and fillers that are never the credential itself.
fn is_placeholder(v: &str) -> bool {
    let v = v.trim();
    let squashed: String = v
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .collect::<String>()
        .to_ascii_lowercase();
    let wrapped = |open: &str, close: &str| v.starts_with(open) && v.ends_with(close);
    wrapped("${", "}")
        || wrapped("{{", "}}")
        || wrapped("<", ">")
        || (wrapped("%", "%") && v.len() > 2)
        || (v.starts_with('$')
            && v.len() > 1
            && v[1..].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        || v.chars().all(|c| c == v.chars().next().unwrap_or(' '))
        // AWS documentation examples (AKIAIOSFODNN7EXAMPLE, …EXAMPLEKEY).
        || v.ends_with("EXAMPLE")
        || v.ends_with("EXAMPLEKEY")
        || [
            "replaceme", "todo", "tbd", "fixme", "redacted", "placeholder", "none", "null", "nil",
            "undefined", "n/a", "unset",
        ]
        .contains(&squashed.as_str())
}

/// Shannon entropy in bits per character.
pub(super) fn shannon_entropy(s: &str) -> f64 {
    let mut counts: HashMap<char, usize> = HashMap::new();
    for c in s.chars() {
        *counts.entry(c).or_default() += 1;
    }
    let n = s.chars().count() as f64;
    counts
        .values()
        .map(|&k| {
            let p = k as f64 / n;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests;
