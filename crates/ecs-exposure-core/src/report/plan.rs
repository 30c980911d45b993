//! `plan` output: JSON (the public contract), text and Markdown (for a pull request comment).

use crate::engine::Severity;
use crate::plan::{Applicability, Impact, Plan, PlannedRemediation};
use std::collections::BTreeMap;

/// `plan --format json`: `{"schema_version": 1, "remediations": [...]}`.
pub fn json(plan: &Plan) -> String {
    let mut s = serde_json::to_string_pretty(plan).expect("a plan serializes");
    s.push('\n');
    s
}

/// "2 findings: 1 resolved, 1 CRITICAL→MEDIUM".
pub fn summary(r: &PlannedRemediation) -> String {
    let mut moves: BTreeMap<(std::cmp::Reverse<Severity>, Severity), usize> = BTreeMap::new();
    let (mut resolved, mut unchanged) = (0, 0);
    for p in &r.findings {
        match p.outcome {
            Impact::Resolves => resolved += 1,
            Impact::Reduces => {
                *moves
                    .entry((std::cmp::Reverse(p.severity), p.projected_severity))
                    .or_default() += 1
            }
            Impact::Unchanged => unchanged += 1,
        }
    }
    let mut parts: Vec<String> = moves
        .into_iter()
        .map(|((from, to), n)| format!("{n} {}→{}", from.0.as_str(), to.as_str()))
        .collect();
    if resolved > 0 {
        parts.push(format!("{resolved} resolved"));
    }
    if unchanged > 0 {
        parts.push(format!("{unchanged} unchanged"));
    }
    let n = r.findings.len();
    format!(
        "{n} finding{}: {}",
        if n == 1 { "" } else { "s" },
        parts.join(", ")
    )
}

/// The plan for a terminal.
pub fn text(plan: &Plan) -> String {
    if plan.remediations.is_empty() {
        return format!(
            "No remediation to plan: no finding at or above the minimum severity.\n{}",
            suppressed(plan)
        );
    }
    let mut out = format!(
        "{} remediation(s), ranked by the risk they remove:\n{}",
        plan.remediations.len(),
        suppressed(plan)
    );
    for (i, r) in plan.remediations.iter().enumerate() {
        out.push_str(&format!(
            "\n{}. {} [{}]\n   id: {}\n   {}\n",
            i + 1,
            r.title,
            applicability(r),
            r.id,
            summary(r)
        ));
        if !r.traits.is_empty() {
            out.push_str(&format!(
                "   removes: {}\n",
                r.traits
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        for p in &r.findings {
            out.push_str(&format!(
                "   - {}: {} → {} ({})\n",
                p.name,
                p.severity.as_str(),
                p.projected_severity.as_str(),
                p.outcome.as_str()
            ));
        }
        if !r.fix.commands.is_empty() {
            out.push_str("   commands:\n");
            for c in &r.fix.commands {
                out.push_str(&format!("     {c}\n"));
            }
        }
        if let Some(d) = &r.fix.source_diff {
            out.push_str(&format!("   edit of {}:\n", d.file));
            for l in d.diff.lines() {
                out.push_str(&format!("     {l}\n"));
            }
        }
        for n in &r.fix.notes {
            out.push_str(&format!("   note: {n}\n"));
        }
    }
    out
}

/// The line that says how many traits were accepted by a suppression and so plan nothing
/// (empty when none): a plan that left them out silently would read as the whole risk.
fn suppressed(plan: &Plan) -> String {
    match plan.suppressed {
        0 => String::new(),
        n => format!(
            "{n} suppressed trait(s) not planned (accepted by a suppression; `scan` lists them).\n"
        ),
    }
}

fn applicability(r: &PlannedRemediation) -> &'static str {
    match r.fix.applicability {
        Applicability::Safe => "safe",
        Applicability::Unsafe => "unsafe",
        Applicability::Manual => "manual",
    }
}

/// The plan as a Markdown pull request comment.
pub fn markdown(plan: &Plan) -> String {
    let mut out = String::from("## ecs-exposure remediation plan\n\n");
    if plan.suppressed > 0 {
        out.push_str(&suppressed(plan));
        out.push('\n');
    }
    if plan.remediations.is_empty() {
        out.push_str("No remediation to plan: no finding at or above the minimum severity.\n");
        return out;
    }
    out.push_str("| # | Remediation | Fix | Effect |\n|---|---|---|---|\n");
    for (i, r) in plan.remediations.iter().enumerate() {
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            i + 1,
            r.title.replace('|', "\\|"),
            applicability(r),
            summary(r)
        ));
    }
    for (i, r) in plan.remediations.iter().enumerate() {
        out.push_str(&format!(
            "\n<details><summary>{}. {}</summary>\n\n",
            i + 1,
            r.title
        ));
        out.push_str(&format!("Id: `{}`\n\n", r.id));
        for p in &r.findings {
            out.push_str(&format!(
                "- `{}`: {} → {} ({})\n",
                p.name,
                p.severity.as_str(),
                p.projected_severity.as_str(),
                p.outcome.as_str()
            ));
        }
        if !r.fix.commands.is_empty() {
            out.push_str("\n```sh\n");
            for c in &r.fix.commands {
                out.push_str(c);
                out.push('\n');
            }
            out.push_str("```\n");
        }
        if let Some(td) = &r.fix.task_definition {
            out.push_str(
                "\nNew task definition revision (`register-task-definition` input):\n\n```json\n",
            );
            out.push_str(&serde_json::to_string_pretty(td).expect("JSON value"));
            out.push_str("\n```\n");
        }
        if let Some(d) = &r.fix.source_diff {
            out.push_str(&format!(
                "\nEdit of `{}`:\n\n```diff\n{}```\n",
                d.file, d.diff
            ));
        }
        for n in &r.fix.notes {
            out.push_str(&format!("\n> {n}\n"));
        }
        out.push_str("\n</details>\n");
    }
    out
}
