//! Credentials on a container's command line (`command`, `entryPoint`): `--password=…`,
//! `--token …`, `PASSWORD=… ./run`, `mysql -p…`, `curl -u user:…`, a URL with a password, a
//! known token format. The values are judged by the same patterns as `environment` values
//! (`credential_patterns.rs`); what this file adds is how a command line names them.
//!
//! The arguments are read twice: as the argument vector ECS passes (exec form, where
//! `--password=a b` is one argument), and, for an argument holding spaces (the script of
//! `sh -c`), as shell words. A hit of the first reading wins over an overlapping one of the
//! second.
//!
//! References are not values: `${PASSWORD}`, `$PASSWORD`, `$(cat /run/secrets/db)` are left
//! alone, and so are flags that say where the credential is rather than what it is
//! (`--password-file /run/secrets/db`, `--password-stdin`).

use super::credential_patterns::{CredentialPattern, Surroundings, classify};
use std::ops::Range;

/// One credential found in a list of arguments.
pub(super) struct ArgHit {
    /// Index of the argument that holds the value.
    pub index: usize,
    /// What names the value on the command line, without the value: `--password`,
    /// `DB_PASSWORD`, `-p` (of `mysql`); `None` when the value is recognised by its format.
    pub named_by: Option<String>,
    pub pattern: &'static CredentialPattern,
    /// The credential's bytes within the argument.
    pub secret: Range<usize>,
}

/// A word: an argument, or a shell word inside one.
#[derive(Clone, Copy)]
struct Word<'a> {
    arg: usize,
    start: usize,
    text: &'a str,
}

/// Last name tokens of a flag that tells where the credential comes from, not what it is:
/// the next argument is no value of it (`--password-stdin`, `--token-env NAME`).
const SOURCE_FLAGS: &[&str] = &["STDIN", "PROMPT", "ENV", "FD", "CMD", "COMMAND", "FROM"];

/// Programs whose short flag takes a password, and how: `(programs, flag, attached, apart)`:
/// `attached` when the value may follow the flag in the same word (`-pS3cret`), `apart` when
/// it may be the next word. `mysql -p secret` prompts and takes `secret` as the database
/// name, so `mysql` counts the attached form only.
const PASSWORD_FLAGS: &[(&[&str], &str, bool, bool)] = &[
    (
        &[
            "mysql",
            "mysqldump",
            "mysqladmin",
            "mariadb",
            "mariadb-dump",
        ],
        "-p",
        true,
        false,
    ),
    (&["sshpass"], "-p", true, true),
    (&["redis-cli"], "-a", true, true),
    (
        &[
            "mongo",
            "mongosh",
            "mongodump",
            "mongorestore",
            "mongoexport",
            "mongoimport",
        ],
        "-p",
        true,
        true,
    ),
];

/// Programs whose `-u`/`--user` value is `user:password`.
const USER_PASSWORD_PROGRAMS: &[&str] = &["curl", "wget"];

/// Every credential in `args`, in argument order.
pub(super) fn find(args: &[&str], around: Surroundings) -> Vec<ArgHit> {
    let whole: Vec<Word<'_>> = args
        .iter()
        .enumerate()
        .map(|(arg, text)| Word {
            arg,
            start: 0,
            text,
        })
        .collect();
    let mut hits = scan(&whole, around, true);
    let shell: Vec<Word<'_>> = args
        .iter()
        .enumerate()
        .flat_map(|(arg, text)| {
            if text.contains(char::is_whitespace) {
                shell_words(arg, text)
            } else {
                vec![Word {
                    arg,
                    start: 0,
                    text,
                }]
            }
        })
        .collect();
    for h in scan(&shell, around, false) {
        if !hits
            .iter()
            .any(|x| x.index == h.index && overlaps(&x.secret, &h.secret))
        {
            hits.push(h);
        }
    }
    // A value recognised by its format anywhere in an argument (a token in a script).
    for (index, text) in args.iter().enumerate() {
        if let Some(hit) = classify("", text, around)
            && !hits
                .iter()
                .any(|x| x.index == index && overlaps(&x.secret, &hit.secret))
        {
            hits.push(ArgHit {
                index,
                named_by: None,
                pattern: hit.pattern,
                secret: hit.secret,
            });
        }
    }
    hits.sort_by_key(|h| (h.index, h.secret.start));
    hits
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// The named credentials of a list of words. `exec`: the words are whole arguments, so an
/// assignment whose value holds spaces is left to the shell reading (`PASSWORD=x ./run` is
/// a script, not one argument).
fn scan(words: &[Word<'_>], around: Surroundings, exec: bool) -> Vec<ArgHit> {
    let mut out = Vec::new();
    let mut program: Option<&str> = None;
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        let next = words
            .get(i + 1)
            .filter(|n| !n.text.starts_with('-') && !is_separator(n.text));
        let mut used_next = false;
        if is_separator(w.text) {
            program = None;
        } else if let Some((flag, value_at)) = flag_with_value(w.text) {
            // `--password=…`, `-Dspring.datasource.password=…`
            out.extend(named(w, flag, value_at, around));
        } else if let Some(flag) = w.text.strip_prefix("--").filter(|f| !f.is_empty()) {
            // `--password …`
            if let Some(n) = next
                && !is_source_flag(flag)
                && let Some(hit) = named(*n, flag, 0, around)
            {
                out.push(ArgHit {
                    named_by: Some(format!("--{flag}")),
                    ..hit
                });
                used_next = true;
            } else if USER_PASSWORD_PROGRAMS.contains(&program.unwrap_or_default())
                && flag == "user"
                && let Some(n) = next
            {
                out.extend(user_password(*n, "--user"));
                used_next = true;
            }
        } else if let Some((name, value_at)) = assignment(w.text)
            && !(exec && w.text[value_at..].contains(char::is_whitespace))
        {
            // `PASSWORD=… ./run`, `env DB_PASSWORD=…`
            out.extend(named(w, name, value_at, around));
        } else if let Some(p) = program
            && w.text.starts_with('-')
        {
            used_next = short_flag(p, w, next.copied(), &mut out);
        } else if !w.text.starts_with('-') {
            let base = w.text.rsplit('/').next().unwrap_or(w.text);
            if is_known_program(base) {
                program = Some(base);
            }
        }
        i += if used_next { 2 } else { 1 };
    }
    out
}

/// `-p…`, `-a …`, `-u user:…` of a program known to take a password there.
fn short_flag(program: &str, w: Word<'_>, next: Option<Word<'_>>, out: &mut Vec<ArgHit>) -> bool {
    if USER_PASSWORD_PROGRAMS.contains(&program) && w.text == "-u" {
        if let Some(n) = next {
            out.extend(user_password(n, "-u"));
            return true;
        }
        return false;
    }
    for (programs, flag, attached, apart) in PASSWORD_FLAGS {
        if !programs.contains(&program) {
            continue;
        }
        if *attached && w.text.len() > flag.len() && w.text.starts_with(flag) {
            out.extend(password(w, flag.len(), flag));
            return false;
        }
        if *apart
            && w.text == *flag
            && let Some(n) = next
        {
            out.extend(password(n, 0, flag));
            return true;
        }
    }
    false
}

fn is_known_program(base: &str) -> bool {
    USER_PASSWORD_PROGRAMS.contains(&base)
        || PASSWORD_FLAGS
            .iter()
            .any(|(programs, ..)| programs.contains(&base))
}

/// Shell control operators end a command: the next word names a program again.
fn is_separator(w: &str) -> bool {
    matches!(w, ";" | "&&" | "||" | "|" | "&")
}

/// `--name=value` or `-name=value`: the flag's name and where the value starts.
fn flag_with_value(w: &str) -> Option<(&str, usize)> {
    let body = w.strip_prefix('-')?;
    let body = body.strip_prefix('-').unwrap_or(body);
    let eq = body.find('=')?;
    let name = &body[..eq];
    (!name.is_empty()).then_some((name, w.len() - body.len() + eq + 1))
}

/// `NAME=value` with a shell variable name (dots allowed, as in `-Dkey=value` and Java
/// properties): the name and where the value starts.
fn assignment(w: &str) -> Option<(&str, usize)> {
    let eq = w.find('=')?;
    let name = &w[..eq];
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    (first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .then_some((name, eq + 1))
}

fn is_source_flag(flag: &str) -> bool {
    let last = flag
        .rsplit(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase();
    SOURCE_FLAGS.contains(&last.as_str())
}

/// A name as an environment variable would spell it (`--aws-secret-access-key` →
/// `AWS_SECRET_ACCESS_KEY`), so that the patterns that go by exact names apply.
pub(super) fn env_style(name: &str) -> String {
    name.trim_start_matches('-')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// The value of `w` from `value_at`, judged under `name`.
fn named(w: Word<'_>, name: &str, value_at: usize, around: Surroundings) -> Option<ArgHit> {
    if is_source_flag(name) {
        return None;
    }
    let value = unquote(w, value_at)?;
    let hit = classify(&env_style(name), value.text, around)?;
    let named_by = if w.text.starts_with('-') {
        w.text[..value_at.saturating_sub(1)].to_string()
    } else {
        name.to_string()
    };
    Some(ArgHit {
        index: w.arg,
        named_by: Some(named_by),
        pattern: hit.pattern,
        secret: shift(&hit.secret, value.start),
    })
}

/// A value after a program's password flag: any value that is not a reference or a filler.
fn password(w: Word<'_>, value_at: usize, flag: &str) -> Option<ArgHit> {
    let value = unquote(w, value_at)?;
    let hit = classify("PASSWORD", value.text, Surroundings::default())?;
    Some(ArgHit {
        index: w.arg,
        named_by: Some(flag.to_string()),
        pattern: hit.pattern,
        secret: shift(&hit.secret, value.start),
    })
}

/// `user:password` after `curl -u`: the part after the first colon.
fn user_password(w: Word<'_>, flag: &str) -> Option<ArgHit> {
    let value = unquote(w, 0)?;
    let colon = value.text.find(':')?;
    let pass = Word {
        arg: w.arg,
        start: value.start + colon + 1,
        text: &value.text[colon + 1..],
    };
    password(pass, 0, flag)
}

/// The value of `w` from `at`, without the quotes around it; `None` when it is empty or a
/// reference to where the value is kept (`$VAR`, `${VAR}`, `$(cat …)`, `` `…` ``).
fn unquote(w: Word<'_>, at: usize) -> Option<Word<'_>> {
    let mut text = w.text.get(at..)?;
    let mut start = w.start + at;
    for q in ['"', '\''] {
        if text.len() >= 2 && text.starts_with(q) && text.ends_with(q) {
            text = &text[1..text.len() - 1];
            start += 1;
        }
    }
    let reference = text.starts_with("$(")
        || text.starts_with('`')
        || (text.starts_with('$')
            && text.len() > 1
            && text[1..]
                .trim_start_matches('{')
                .trim_end_matches('}')
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_'));
    (!text.is_empty() && !reference).then_some(Word {
        arg: w.arg,
        start,
        text,
    })
}

fn shift(r: &Range<usize>, by: usize) -> Range<usize> {
    r.start + by..r.end + by
}

/// The shell words of an argument (a script): runs of non-blanks, where quotes group blanks.
/// Quotes stay in the words; [`unquote`] removes those around a value.
fn shell_words(arg: usize, text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => {
                quote = Some(c);
                start.get_or_insert(i);
            }
            (None, c) if c.is_whitespace() => {
                if let Some(s) = start.take() {
                    out.push(Word {
                        arg,
                        start: s,
                        text: &text[s..i],
                    });
                }
            }
            (None, _) => {
                start.get_or_insert(i);
            }
        }
    }
    if let Some(s) = start {
        out.push(Word {
            arg,
            start: s,
            text: &text[s..],
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(argument index, named_by, secret text)` of each hit.
    fn hits(args: &[&str]) -> Vec<(usize, Option<String>, String)> {
        find(args, Surroundings::default())
            .into_iter()
            .map(|h| (h.index, h.named_by, args[h.index][h.secret].to_string()))
            .collect()
    }

    fn one(args: &[&str], named_by: Option<&str>, secret: &str) {
        let got = hits(args);
        assert_eq!(
            got,
            [(
                got.first().map(|g| g.0).unwrap_or(usize::MAX),
                named_by.map(str::to_string),
                secret.to_string()
            )],
            "{args:?}"
        );
    }

    #[test]
    fn flags_assignments_and_known_programs() {
        one(
            &["serve", "--password=hunter2"],
            Some("--password"),
            "hunter2",
        );
        one(
            &["serve", "--db-password", "hunter2"],
            Some("--db-password"),
            "hunter2",
        );
        // Exec form: one argument, spaces and all.
        one(
            &["serve", "--password=correct horse"],
            Some("--password"),
            "correct horse",
        );
        one(
            &[
                "java",
                "-Dspring.datasource.password=Wq8rT2vLx9",
                "-jar",
                "app.jar",
            ],
            Some("-Dspring.datasource.password"),
            "Wq8rT2vLx9",
        );
        one(
            &["env", "DB_PASSWORD=hunter2", "./run"],
            Some("DB_PASSWORD"),
            "hunter2",
        );
        one(
            &["sh", "-c", "PASSWORD=hunter2 ./run"],
            Some("PASSWORD"),
            "hunter2",
        );
        one(
            &["sh", "-c", "mysql -u root -pS3cretPw db && echo ok"],
            Some("-p"),
            "S3cretPw",
        );
        one(
            &["sshpass", "-p", "hunter2", "ssh", "host"],
            Some("-p"),
            "hunter2",
        );
        one(
            &["redis-cli", "-a", "s3cr3tRedis", "ping"],
            Some("-a"),
            "s3cr3tRedis",
        );
        one(
            &["curl", "-u", "ops:Tr0ub4dor3", "https://x"],
            Some("-u"),
            "Tr0ub4dor3",
        );
        one(
            &["/usr/bin/mongosh", "-u", "app", "-p", "Pz7mQ1xK"],
            Some("-p"),
            "Pz7mQ1xK",
        );
        one(
            &["sh", "-c", "exec app --api-token='k9Vz2Lp8qX' --verbose"],
            Some("--api-token"),
            "k9Vz2Lp8qX",
        );
        one(
            &[
                "--aws-secret-access-key",
                "rJmAA7tuoWTtbJcNmpndqRkL90WUUx8BNl/XeIl5",
            ],
            Some("--aws-secret-access-key"),
            "rJmAA7tuoWTtbJcNmpndqRkL90WUUx8BNl/XeIl5",
        );
    }

    #[test]
    fn formats_anywhere() {
        one(
            &[
                "migrate",
                "-database",
                "postgres://app:Wq8rT2vLx9@db:5432/app",
            ],
            None,
            "Wq8rT2vLx9",
        );
        one(
            &[
                "sh",
                "-c",
                "git clone https://x:ghp_dj7jQrzRcEs1UDdufRPxjKO6s5OZw98f1d6n@github.com/o/r",
            ],
            None,
            "ghp_dj7jQrzRcEs1UDdufRPxjKO6s5OZw98f1d6n",
        );
        // A URL under a flag is named by the flag.
        one(
            &["app", "--db-url=postgres://app:Wq8rT2vLx9@db/app"],
            Some("--db-url"),
            "Wq8rT2vLx9",
        );
    }

    #[test]
    fn references_and_sources_are_not_values() {
        for args in [
            &["app", "--password-file", "/run/secrets/db"][..],
            &["app", "--password-file=/run/secrets/db"],
            &[
                "docker",
                "login",
                "--password-stdin",
                "registry.example.com",
            ],
            &["app", "--password=${DB_PASSWORD}"],
            &["app", "--password", "$DB_PASSWORD"],
            &["sh", "-c", "app --password=\"$(cat /run/secrets/db)\""],
            &["sh", "-c", "app --password \"$DB_PASSWORD\""],
            &["sh", "-c", "mysql -u root -p$MYSQL_PASSWORD db"],
            &["sh", "-c", "mysql -u root -p db"],
            // `mysql -p secret` prompts; `secret` is the database.
            &["mysql", "-p", "reports"],
            &["app", "--token-ttl", "3600"],
            &["app", "--secret-name=prod/db"],
            &["app", "--password"],
            &["app", "--password", "--verbose"],
            &["nginx", "-g", "daemon off;"],
            &["docker", "run", "-p", "8080:80", "image"],
            &["app", "--port", "8080", "-p", "80:80"],
            &["sh", "-c", "JAVA_OPTS=-Xmx512m exec java -jar app.jar"],
            &["app", "--auth", "none"],
            &["postgres", "-c", "password_encryption=scram-sha-256"],
            &["app", "--db-url=postgres://app@db/app"],
        ] {
            assert!(hits(args).is_empty(), "{args:?}: {:?}", hits(args));
        }
    }

    #[test]
    fn never_panics_on_odd_text() {
        for args in [
            &[
                "-", "--", "--=", "-=", "=", "'", "\"", "é=ü", "--é=ü", "-pé",
            ][..],
            &["mysql", "-p", "-pé", "-p\"\""],
            &["curl", "-u", ":", "--user"],
            &["sh", "-c", "\"unterminated --password=x"],
        ] {
            let _ = hits(args);
        }
    }
}
