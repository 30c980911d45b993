//! One finding in the text report: header, where, why, traits with evidence, how to fix.

use super::escape::terminal_safe;
use super::style::{Style, para, wrap};
use crate::engine::Finding;
use crate::plan::{WhatIf, WhatIfTable};
use crate::traits::{Evidence, PathStep, TraitHit};

/// Width of the labels in the finding body ("Service   ").
const LABEL: usize = 10;

pub fn render(out: &mut String, f: &Finding, what_if: &WhatIfTable, st: Style) {
    let sev = f.severity.as_str();
    out.push_str(&st.severity(f.severity));
    out.push_str("  ");
    // Continuation lines line up under the start of the title.
    out.push_str(&st.bold(&wrap(&f.title, sev.len() + 2, sev.len() + 2)));
    out.push('\n');

    let r = &f.resource;
    let mut where_ = format!("`{}`", r.name);
    if let Some(c) = &r.cluster {
        where_.push_str(&format!(" in cluster `{}`", short(c)));
    }
    let place: Vec<&str> = [r.account.as_deref(), r.region.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    if !place.is_empty() {
        where_.push_str(&format!(" ({})", place.join(", ")));
    }
    let alone = r.resource_type == crate::engine::TASK_DEFINITION_TYPE;
    para(
        out,
        2,
        &label(if alone { "Task def" } else { "Service" }),
        LABEL,
        &where_,
    );
    para(
        out,
        2,
        &label(if alone { "Id" } else { "ARN" }),
        LABEL,
        &r.uid,
    );
    para(out, 2, &label("Why"), LABEL, &f.explanation);

    out.push_str(&format!("  {}\n", st.bold("Traits")));
    for t in &f.traits {
        trait_hit(out, t, st);
    }
    out.push_str(&format!("  {}\n", st.bold("Fix")));
    for t in &f.traits {
        fix(out, t, what_if.get(&f.resource.uid, t.id), st);
    }
}

fn label(s: &str) -> String {
    format!("{s:<LABEL$}")
}

/// The last segment of an ARN (`cluster/prod` → `prod`).
pub fn short(arn: &str) -> &str {
    arn.rsplit(['/', ':']).next().unwrap_or(arn)
}

/// A service ARN as `cluster/service` (just the name for old-format ARNs), so that
/// services of the same name in different clusters stay apart.
pub fn service_label(arn: &str) -> &str {
    arn.split_once(":service/")
        .or_else(|| arn.split_once(":task-definition/"))
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| short(arn))
}

fn trait_hit(out: &mut String, t: &TraitHit, st: Style) {
    let mut head = format!("{} ({}", t.id, t.category.as_str());
    for facet in &t.facets {
        // Facets serialize as their kebab-case names: the same words as in the JSON report.
        if let Ok(serde_json::Value::String(s)) = serde_json::to_value(facet) {
            head.push_str(&format!(", {s}"));
        }
    }
    head.push(')');
    out.push_str(&format!("    {} {}\n", st.cyan("•"), st.cyan(&head)));
    for e in &t.evidence {
        evidence(out, e, st);
    }
}

fn evidence(out: &mut String, e: &Evidence, st: Style) {
    para(out, 6, "", 0, &e.message);
    let mut at = format!("in {}", e.resource);
    if let Some(field) = &e.field {
        at.push_str(&format!(" at {field}"));
    }
    out.push_str(&" ".repeat(8));
    out.push_str(&st.dim(&wrap(&at, 8, 10)));
    out.push('\n');
    if let Some(l) = &e.location {
        // Infrastructure as code: the line to change, as editors and CI logs link it.
        out.push_str(&format!(
            "        --> {}:{}:{}\n",
            terminal_safe(&l.file),
            l.line,
            l.column
        ));
        if let Some(snippet) = &l.snippet {
            out.push_str(&format!(
                "            | {}\n",
                st.dim(&terminal_safe(snippet.as_str()))
            ));
        }
    }
    if !e.path.is_empty() {
        para(out, 8, "path: ", 6, &path_line(&e.path));
        // Column of hop ids, capped so that a long ARN does not squeeze the details into
        // a sliver: a longer id gets its details on the next line.
        const CAP: usize = 28;
        let w = e
            .path
            .iter()
            .map(|s| terminal_safe(short_id(&s.id)).chars().count())
            .filter(|&n| n <= CAP)
            .max()
            .unwrap_or(0);
        for s in &e.path {
            let id = terminal_safe(short_id(&s.id));
            out.push_str(&" ".repeat(10));
            if id.chars().count() > w {
                out.push_str(&st.dim(&id));
                out.push('\n');
                out.push_str(&" ".repeat(11 + w));
                out.push_str(&st.dim(&wrap(&s.detail, 11 + w, 11 + w)));
            } else {
                // Padded by hand: `wrap` would collapse the alignment spaces.
                let id = format!("{id:<w$} ");
                out.push_str(&st.dim(&format!("{id}{}", wrap(&s.detail, 11 + w, 11 + w))));
            }
            out.push('\n');
        }
    }
}

/// The resource part of an ARN (`task-definition/web:7`), or the id as it is.
fn short_id(id: &str) -> &str {
    if id.starts_with("arn:") {
        id.splitn(6, ':').nth(5).unwrap_or(id)
    } else {
        id
    }
}

/// `internet → igw-… → … → tcp/443`.
pub fn path_line(path: &[PathStep]) -> String {
    let mut hops: Vec<&str> = Vec::with_capacity(path.len() + 1);
    if !path
        .first()
        .is_some_and(|s| s.id.eq_ignore_ascii_case("internet"))
    {
        hops.push("internet");
    }
    hops.extend(path.iter().map(|s| short_id(&s.id)));
    hops.join(" → ")
}

fn fix(out: &mut String, t: &TraitHit, what_if: Option<&WhatIf>, st: Style) {
    let rem = &t.remediation;
    let head = format!("{}: ", t.id);
    out.push_str("    ");
    out.push_str(&st.cyan(&head));
    out.push_str(&wrap(&rem.summary, 4 + head.chars().count(), 6));
    out.push('\n');
    let n = rem.steps.len();
    for (i, step) in rem.steps.iter().enumerate() {
        let num = format!("{:>w$}. ", i + 1, w = n.to_string().len());
        para(out, 6, &num, num.chars().count(), step);
    }
    if let Some(r) = rem.references.first() {
        para(out, 6, "See ", 4, r);
    }
    if let Some(w) = what_if {
        para(
            out,
            6,
            "What if: ",
            9,
            &format!(
                "done alone, this makes the finding {} ({}; `{}` in `ecs-exposure plan`).",
                w.projected_severity.as_str(),
                w.outcome.as_str(),
                w.remediation_id
            ),
        );
    }
}
