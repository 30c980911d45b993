//! `--format text`: findings grouped by severity (most severe first) for a person at a
//! terminal, then what could not be evaluated, input warnings, and a one-line summary.

mod escape;
mod finding;
mod style;

pub use escape::{terminal_safe, terminal_safe_lines};

use super::ReportOptions;
use crate::engine::join_and;
use crate::engine::{Analysis, NotEvaluated, Severity};
use style::{Style, para};

/// How many resources a "Not evaluated" entry lists before abbreviating.
const LIST_MAX: usize = 5;

const LEVELS: [Severity; 5] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Informational,
];

pub fn render(analysis: &Analysis, opts: &ReportOptions, color: bool) -> String {
    let st = Style { color };
    let mut out = String::new();
    let mut shown = 0;
    for level in LEVELS {
        let group: Vec<_> = opts
            .shown(analysis)
            .filter(|f| f.severity == level)
            .collect();
        if group.is_empty() {
            continue;
        }
        let rule = format!("── {} ({}) ", level.as_str(), group.len());
        let fill = style::WIDTH.saturating_sub(rule.chars().count());
        out.push_str(&st.bold(&format!("{rule}{}", "─".repeat(fill))));
        out.push_str("\n\n");
        for f in group {
            finding::render(&mut out, f, &opts.what_if, st);
            out.push('\n');
            shown += 1;
        }
    }
    if shown == 0 {
        out.push_str(&format!(
            "No findings at or above {}.\n\n",
            opts.min_severity.as_str()
        ));
    }
    if !analysis.collection_failures.is_empty() {
        out.push_str(&st.bold("API calls that failed"));
        out.push('\n');
        for c in &analysis.collection_failures {
            let place = [c.account.as_str(), c.region.as_str()]
                .into_iter()
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            let target = c
                .target
                .as_deref()
                .map(|t| format!(" ({t})"))
                .unwrap_or_default();
            para(
                &mut out,
                2,
                &st.yellow("! "),
                4,
                &format!("{} in {place}{target}: {}", c.operation, c.error),
            );
            let traits: Vec<&str> = c.traits_not_evaluated.iter().map(|t| t.as_str()).collect();
            para(
                &mut out,
                4,
                "",
                4,
                &format!(
                    "not evaluated: {} for {} service(s)",
                    if traits.is_empty() {
                        "nothing".to_string()
                    } else {
                        traits.join(", ")
                    },
                    c.resources.len()
                ),
            );
        }
        out.push('\n');
    }
    if !analysis.not_evaluated.is_empty() {
        out.push_str(&st.bold("Not evaluated"));
        out.push('\n');
        for n in &analysis.not_evaluated {
            not_evaluated(&mut out, n, st, analysis.task_definitions_scanned > 0);
        }
        out.push('\n');
    }
    if !analysis.suppressed.is_empty() {
        out.push_str(&st.bold("Suppressed"));
        out.push('\n');
        for x in &analysis.suppressed {
            let s = &x.suppression;
            let until = s
                .expires
                .as_deref()
                .map(|d| format!(", until {d}"))
                .unwrap_or_default();
            para(
                &mut out,
                2,
                "",
                4,
                &format!(
                    "{} on {}: {} ({}{until})",
                    x.hit.id, x.service, s.reason, s.source
                ),
            );
        }
        out.push('\n');
    }
    if !opts.warnings.is_empty() {
        out.push_str(&st.bold("Input warnings"));
        out.push('\n');
        for w in &opts.warnings {
            para(&mut out, 2, &st.yellow("! "), 2, &w.to_string());
        }
        out.push('\n');
    }
    out.push_str(&summary(analysis, opts));
    out.push('\n');
    out
}

/// `mixed`: task definitions judged on their own are in the report, so a gap's resources may
/// be services or task definitions.
fn not_evaluated(out: &mut String, n: &NotEvaluated, st: Style, mixed: bool) {
    let head = format!("{}: ", n.trait_id);
    out.push_str("  ");
    out.push_str(&st.cyan(&head));
    out.push_str(&style::wrap(&n.reason, 2 + head.chars().count(), 4));
    out.push('\n');
    let names: Vec<&str> = n
        .resources
        .iter()
        .take(LIST_MAX)
        .map(|r| finding::service_label(r))
        .collect();
    let mut list = names.join(", ");
    if n.resources.len() > LIST_MAX {
        list.push_str(&format!(" and {} more", n.resources.len() - LIST_MAX));
    }
    let count = n.resources.len();
    let noun = match (mixed, count == 1) {
        (false, true) => "service",
        (false, false) => "services",
        (true, true) => "resource",
        (true, false) => "resources",
    };
    para(out, 4, "", 0, &format!("{count} {noun}: {list}"));
}

fn own(n: usize) -> &'static str {
    if n == 1 { "its own" } else { "their own" }
}

fn plural(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// `12 services scanned: 1 critical, 2 high, 0 medium, 3 low (2 informational not shown)`.
fn summary(analysis: &Analysis, opts: &ReportOptions) -> String {
    let count = |s: Severity| analysis.findings.iter().filter(|f| f.severity == s).count();
    let mut shown = Vec::new();
    let mut hidden = Vec::new();
    for level in LEVELS {
        let n = count(level);
        let part = format!("{n} {}", level.as_str().to_ascii_lowercase());
        // Informational is not a published severity: counted only when asked for.
        if level != Severity::Informational || opts.min_severity == Severity::Informational {
            shown.push(part.clone());
        }
        if level < opts.min_severity && n > 0 {
            hidden.push(part);
        }
    }
    let scanned = analysis.services_scanned;
    let alone = analysis.task_definitions_scanned;
    // Task definitions that no service runs are judged on their own: say so.
    let what = match (scanned, alone) {
        (_, 0) => format!("{} scanned", plural(scanned, "service")),
        (0, _) => format!(
            "{} judged on {}",
            plural(alone, "task definition"),
            own(alone)
        ),
        _ => format!(
            "{} scanned and {} judged on {}",
            plural(scanned, "service"),
            plural(alone, "task definition"),
            own(alone)
        ),
    };
    let mut s = format!("{what}: {}", shown.join(", "));
    if !hidden.is_empty() {
        s.push_str(&format!(" ({} not shown)", join_and(&hidden)));
    }
    if !analysis.suppressed.is_empty() {
        s.push_str(&format!(
            "; {} trait(s) suppressed",
            analysis.suppressed.len()
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing;

    #[test]
    fn snapshot_plain() {
        let out = render(
            &testing::analysis(),
            &testing::options(Severity::Low),
            false,
        );
        assert!(!out.contains('\x1b'));
        for line in out.lines() {
            // Only unbreakable words (ARNs, URLs) may exceed the width.
            if line.chars().count() > style::WIDTH {
                assert!(
                    !line.trim().contains(' ')
                        || line.contains("arn:")
                        || line.contains("https://")
                        || line.contains('`'),
                    "line too long: {line}"
                );
            }
        }
        insta::assert_snapshot!(out);
    }

    #[test]
    fn color_only_when_asked() {
        let out = render(&testing::analysis(), &testing::options(Severity::Low), true);
        // Bold, bright white on red: `anstyle` writes one SGR sequence per attribute.
        assert!(
            out.contains("\x1b[1m\x1b[97m\x1b[41mCRITICAL\x1b[0m"),
            "{out}"
        );
    }

    #[test]
    fn summary_counts_hidden_levels() {
        let a = testing::analysis();
        assert_eq!(
            summary(&a, &testing::options(Severity::Low)),
            "12 services scanned: 1 critical, 1 high, 1 medium, 1 low (1 informational not shown)"
        );
        assert_eq!(
            summary(&a, &testing::options(Severity::High)),
            "12 services scanned: 1 critical, 1 high, 1 medium, 1 low (1 medium, 1 low and 1 informational not shown)"
        );
        assert_eq!(
            summary(&a, &testing::options(Severity::Informational)),
            "12 services scanned: 1 critical, 1 high, 1 medium, 1 low, 1 informational"
        );
    }

    #[test]
    fn nothing_shown() {
        let mut a = testing::analysis();
        a.findings.retain(|f| f.severity == Severity::Informational);
        let out = render(&a, &testing::options(Severity::Low), false);
        assert!(out.starts_with("No findings at or above LOW."));
    }

    #[test]
    fn resource_without_cluster_or_account() {
        let mut a = testing::analysis();
        a.findings.truncate(1);
        let r = &mut a.findings[0].resource;
        r.cluster = None;
        r.account = None;
        r.region = None;
        let out = render(&a, &testing::options(Severity::Low), false);
        assert!(out.contains("  Service   `web`\n"), "{out}");
    }

    #[test]
    fn path_is_rendered_hop_by_hop() {
        let a = testing::analysis();
        let path = &a.findings[0].traits[0].evidence[0].path;
        assert_eq!(
            finding::path_line(path),
            "internet → igw-0123456789abcdef0 → acl-0aaa1111bbbb2222c → sg-0123abcd4567ef890 → eni-0a1b2c3d4e5f60718 → tcp/443"
        );
    }
    /// Names, values and file names from the input, holding ESC, C1 controls, DEL, CR and
    /// bidi overrides, go through the whole pipeline (loader, engine, suppressions, report):
    /// none reaches the text raw, with or without colour.
    #[test]
    fn input_never_reaches_the_terminal_raw() {
        use crate::load::Loader;
        let evil = "\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}1m\u{7f}\r\u{202e}\u{2067}";
        let arn =
            |kind: &str, name: &str| format!("arn:aws:ecs:us-east-1:111122223333:{kind}/{name}");
        let docs = [
            serde_json::json!({"services": [
                {"serviceArn": arn("service", &format!("prod/web{evil}")), "serviceName": format!("web{evil}"),
                 "clusterArn": arn("cluster", &format!("prod{evil}")), "launchType": "FARGATE",
                 "taskDefinition": arn("task-definition", "web:1")},
                {"serviceArn": arn("service", "prod/gone"), "serviceName": "gone", "launchType": "FARGATE",
                 "taskDefinition": arn("task-definition", &format!("gone{evil}:1"))}]}),
            serde_json::json!({"taskDefinition": {"taskDefinitionArn": arn("task-definition", "web:1"),
                "family": "web", "revision": 1, "containerDefinitions": [
                {"name": format!("app{evil}"), "image": format!("img{evil}:1"), "privileged": true,
                 "environment": [{"name": format!("DB_PASSWORD{evil}"), "value": format!("pw{evil}")}]}]}}),
        ];
        let file = format!("snap{evil}.json");
        let mut loader = Loader::new();
        for d in &docs {
            loader.add(&file, &serde_json::to_vec(d).unwrap()).unwrap();
        }
        // Found in a folder: a file of no known kind is a warning, which names the file too.
        loader
            .add_found(&file, br#"{"Trails": []}"#, crate::load::Found::Walked)
            .unwrap();
        // A template: the names come back in resource ids, and the raw line in the snippet.
        let template = include_str!("../../../../../examples/iac/suppressed.yaml")
            .replace("Name: demo", "Name: \"demo\\e[2J\"")
            .replace(
                "User: \"101\"",
                "User: \"101\"\n          Privileged: true # \u{202e}\u{2066}\u{85}",
            );
        loader
            .add(&format!("stack{evil}.yaml"), template.as_bytes())
            .unwrap();
        let (inv, warnings) = loader.finish();
        let mut analysis = crate::engine::analyze(&inv);
        crate::suppress::apply(
            &mut analysis,
            &[crate::suppress::Suppression {
                trait_id: "plaintext-credentials".into(),
                resource: "*".into(),
                reason: format!("accepted{evil}"),
                expires: None,
                source: format!("conf{evil}.toml"),
                written: crate::model::Written::InConfig,
            }],
            "2026-11-30",
        );
        assert!(!analysis.findings.is_empty() && !analysis.suppressed.is_empty());
        assert!(!analysis.not_evaluated.is_empty() && !warnings.is_empty());
        let mut opts = testing::options(Severity::Informational);
        opts.warnings = warnings;
        let plain = render(&analysis, &opts, false);
        let bad: Vec<char> = plain
            .chars()
            .filter(|&c| c != '\n' && escape::is_unsafe(c))
            .collect();
        assert!(bad.is_empty(), "raw {bad:?} in:\n{plain}");
        for shown in ["web\\u{1b}[2J", "app\\u{1b}", "snap\\u{1b}", "\\u{202e}"] {
            assert!(plain.contains(shown), "{shown} missing from:\n{plain}");
        }
        // With colour, the only escapes are the report's own SGR sequences.
        let coloured = render(&analysis, &opts, true);
        let sgr = regex::Regex::new("\x1b\\[[0-9;]*m").unwrap();
        let rest = sgr.replace_all(&coloured, "");
        let bad: Vec<char> = rest
            .chars()
            .filter(|&c| c != '\n' && escape::is_unsafe(c))
            .collect();
        assert!(bad.is_empty(), "raw {bad:?} in:\n{coloured}");
    }
}
