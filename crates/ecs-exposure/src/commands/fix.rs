//! `ecs-exposure fix FILE`: a task definition file or a CloudFormation template rewritten
//! with its fixes made, from the plan of the shared pipeline (so a suppressed trait is not
//! fixed).

use super::judge;
use crate::args::FixArgs;
use crate::error::Error;
use crate::exit::Exit;
use crate::read::Limit;
use crate::run::scan_time;
use crate::write;
use ecs_exposure_core::engine::{Severity, TaskDefinitionScope};
use ecs_exposure_core::fix::{self, Credentials};
use ecs_exposure_core::load::Loader;
use ecs_exposure_core::model::{Inventory, Suppression};
use ecs_exposure_core::plan::{Applicability, Plan};
use ecs_exposure_core::report::text::terminal_safe_lines;
use serde_json::Value;
use std::path::Path;

/// The plan of every finding of a file, context traits included (root user, writable root
/// file system): a file is fixed whole, except for what a suppression accepted, which is
/// named on stderr as left alone.
fn plan_of(inventory: &Inventory, suppressions: &[Suppression]) -> Result<Plan, Error> {
    let outcome = judge::run(
        inventory,
        suppressions,
        TaskDefinitionScope::default(),
        &scan_time().rfc3339[..10],
        Some(Severity::Informational),
    )?;
    for s in &outcome.analysis.suppressed {
        crate::stderr::say(
            "suppressed",
            &format!(
                "{} is not fixed ({}: {})",
                s.hit.id, s.suppression.source, s.suppression.reason
            ),
        );
    }
    outcome
        .plan
        .ok_or_else(|| Error::Message("the pipeline made no plan".to_string()))
}

/// Prints a diff on standard output: as it is when piped (so that `patch` and `git apply` take
/// it), with control characters escaped when a person reads it on a terminal, where a name
/// holding ESC would otherwise be obeyed.
fn print_diff(diff: &str) {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() {
        print!("{}", terminal_safe_lines(diff));
    } else {
        print!("{diff}");
    }
}

/// The plaintext credentials a file would hold, by the real check on the parsed result
/// (escaping cannot hide a value from it): `Err` when the result cannot be read back, so that
/// nothing unchecked is written.
fn credentials_in_result(name: &str, text: &str) -> Result<Credentials, Error> {
    let mut loader = Loader::new();
    loader.add(name, text.as_bytes()).map_err(|e| {
        Error::Message(format!(
            "{name}: the result cannot be read back to check it for credentials: {e}"
        ))
    })?;
    Ok(Credentials::find(&loader.finish().0))
}

/// Refuses to write `text` to another file than the input while it holds a plaintext
/// credential (names only in the message, never a value).
fn refuse_credentials(name: &str, target: &Path, text: &str, hint: &str) -> Result<(), Error> {
    let found = credentials_in_result(name, text)?;
    if found.is_empty() {
        return Ok(());
    }
    // No fix moves a credential off a command line: saying `--unsafe` would not help.
    let hint = if found.variables().is_empty() {
        format!(
            "no fix moves a credential off a command line: move it to `secrets` by hand, or rewrite {name} in place"
        )
    } else {
        hint.to_string()
    };
    Err(Error::Message(format!(
        "{name} holds plaintext credentials that stay in the result ({}); refusing to copy them to {} ({hint})",
        found.names(),
        target.display()
    )))
}

/// The service `fix` analyses a lone task definition under: a file has no service, and the
/// traits judge what a service runs.
fn synthetic_service(arn: &str, doc: &Value) -> Value {
    let td = fix::task_definition_object(doc);
    let fargate = td
        .and_then(|t| t.get("requiresCompatibilities"))
        .and_then(Value::as_array)
        .is_some_and(|c| c.iter().any(|x| x == "FARGATE"));
    serde_json::json!({"services": [{
        "serviceArn": format!("{arn}#service"),
        "serviceName": td.and_then(|t| t.get("family")).cloned().unwrap_or(Value::Null),
        "taskDefinition": arn,
        "launchType": if fargate { "FARGATE" } else { "EC2" },
    }]})
}

pub fn run(mut args: FixArgs) -> Result<Exit, Error> {
    let name = args.file.display().to_string();
    // `--output` naming FILE itself (`./a.json`, a link to it) is the in-place rewrite.
    if args
        .output
        .as_deref()
        .is_some_and(|o| write::same_file(o, &args.file))
    {
        args.output = None;
    }
    if let Some(out) = &args.output {
        write::refuse_input(out, [args.config.path().as_path()])?;
    }
    let original =
        crate::read::read_text(&args.file, Limit::max_file_size(args.read.max_file_size)).map_err(
            |source| Error::Read {
                path: args.file.clone(),
                source,
            },
        )?;
    let suppressions = args.config.suppressions()?;
    let doc: Option<Value> = serde_json::from_str(&original).ok();
    let task_definition = doc
        .as_ref()
        .and_then(|d| Some((fix::document_arn(&name, d)?, fix::register_input(d)?)));
    let Some((arn, mut output)) = task_definition else {
        if let Some(parsed) = ecs_exposure_core::load::iac::try_parse(&name, original.as_bytes()) {
            // YAML that is no template parses as "unknown, skipped": for a scan a warning,
            // for `fix` a file it cannot fix.
            if let ecs_exposure_core::load::Parsed::Unknown(d) =
                parsed.map_err(|d| Error::Message(d.to_string()))?
            {
                return Err(Error::Message(format!(
                    "{name}: nothing to fix: {} (`fix` takes a task definition JSON file or a CloudFormation template)",
                    d.message.trim_end_matches("; skipped")
                )));
            }
            return fix_template(&args, &name, &original, &suppressions);
        }
        return Err(Error::Message(format!(
            "{name}: not a task definition (expected `aws ecs describe-task-definition` output or `register-task-definition` input with `family` and `containerDefinitions`) nor a CloudFormation template"
        )));
    };
    let doc = doc.expect("a task definition is JSON");
    let mut loader = Loader::new();
    loader
        .add(&name, original.as_bytes())
        .map_err(|e| Error::Message(e.to_string()))?;
    let service = serde_json::to_vec(&synthetic_service(&arn, &doc)).expect("JSON");
    loader
        .add("(fix)", &service)
        .map_err(|e| Error::Message(e.to_string()))?;
    let (inventory, _) = loader.finish();
    let plan = plan_of(&inventory, &suppressions)?;
    let mut applied = Vec::new();
    for r in &plan.remediations {
        if r.change.task_definition() != Some(arn.as_str()) {
            continue;
        }
        if !applies(r, args.unsafe_fixes) {
            continue;
        }
        if fix::rewrite(&mut output, &r.change, &arn) {
            crate::stderr::say("fixed", &r.title);
            for c in r
                .fix
                .commands
                .iter()
                .filter(|c| c.contains("create-secret"))
            {
                crate::stderr::say("run", c);
            }
            for n in &r.fix.notes {
                crate::stderr::say("note", n);
            }
            applied.push(r);
        }
    }
    let mut text = serde_json::to_string_pretty(&output).expect("JSON");
    text.push('\n');
    if args.dry_run {
        let target = args
            .output
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| name.clone());
        // Shown from copies in which each credential value is masked: the diff is made of
        // the masked texts, so no escaping can let a value through.
        let credentials = Credentials::find(&inventory);
        let before = fix::register_input(&doc).expect("checked above");
        let shown = |v: &Value| {
            let mut t =
                serde_json::to_string_pretty(&credentials.masked_document(v)).expect("JSON");
            t.push('\n');
            t
        };
        print_diff(&fix::diff::diff(
            &shown(&before),
            &shown(&output),
            &name,
            &target,
        ));
        return Ok(Exit::Clean);
    }
    write_fix(
        &args,
        &name,
        &text,
        applied.len(),
        &format!("add --unsafe to move them to `secrets`, or rewrite {name} in place"),
        |target| {
            format!(
                "register it with `aws ecs register-task-definition --cli-input-json file://{}`",
                target.display()
            )
        },
    )
}

/// `fix TEMPLATE`: the remediations of a CloudFormation template's resources as line edits
/// of the template, all made on the original text (bottom-up, so the recorded lines hold);
/// the result is checked to still load after each one.
fn fix_template(
    args: &FixArgs,
    name: &str,
    original: &str,
    suppressions: &[Suppression],
) -> Result<Exit, Error> {
    use ecs_exposure_core::fix::source;
    let mut loader = Loader::new();
    loader
        .add(name, original.as_bytes())
        .map_err(|e| Error::Message(e.to_string()))?;
    let (inventory, _) = loader.finish();
    let plan = plan_of(&inventory, suppressions)?;
    let mut edits = Vec::new();
    let mut applied = 0;
    let mut in_template = false;
    // When the edits of every remediation that applies load together (one load of the
    // template), each is taken without loading the template again after it: a template of a
    // thousand services has thousands of remediations.
    let loads_together = source::edits_load_together(
        &inventory,
        name,
        original,
        plan.remediations
            .iter()
            .filter(|r| source::cfn_file(&inventory, &r.change) == Some(name))
            .filter(|r| wanted(r, args.unsafe_fixes))
            .map(|r| &r.change),
    );
    for r in &plan.remediations {
        if source::cfn_file(&inventory, &r.change) != Some(name) {
            continue;
        }
        in_template = true;
        if !applies(r, args.unsafe_fixes) {
            continue;
        }
        let tried = source::template_edits(&inventory, original, &r.change).and_then(|e| {
            if loads_together {
                return Ok(e);
            }
            let mut all = edits.clone();
            all.extend(e.iter().cloned());
            let text = source::apply_edits(original, all)?;
            source::check_loads(name, &text)?;
            Ok(e)
        });
        match tried {
            Ok(e) => {
                edits.extend(e);
                applied += 1;
                crate::stderr::say("fixed", &r.title);
                for n in &r.fix.notes {
                    crate::stderr::say("note", n);
                }
            }
            Err(why) => {
                let at = r
                    .change
                    .resources()
                    .first()
                    .and_then(|id| inventory.locate(id, None))
                    .map(|l| format!("{}:{}", l.file, l.line))
                    .unwrap_or_else(|| name.to_string());
                crate::stderr::line(&format!("manual ({at}): {}: {why}", r.title));
            }
        }
    }
    if !in_template && original.contains("\"planned_values\"") {
        return Err(Error::Message(format!(
            "{name} is a Terraform plan, which records no `.tf` line to edit: run `ecs-exposure plan {name}` for the attribute to change on each resource"
        )));
    }
    let text = source::apply_edits(original, edits)?;
    if args.dry_run {
        let target = args
            .output
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| name.to_string());
        if text == original {
            return Ok(Exit::Clean);
        }
        // Lines that hold part of a credential value, by the parse tree of each side, are
        // shown as a placeholder.
        let credentials = Credentials::find(&inventory);
        print_diff(&credentials.template_diff(name, original, &text, &target));
        return Ok(Exit::Clean);
    }
    write_fix(
        args,
        name,
        &text,
        applied,
        &format!("move them to `Secrets` first, or rewrite {name} in place"),
        |_| "review it, then deploy the stack".to_string(),
    )
}

/// The end of `fix` once the new text is made: nothing to do when no fix applies (unless an
/// `--output` was asked for), a separate output refused while it holds a credential
/// (`refuse_hint` says what to do), the file written, and a closing line naming what comes
/// `next` for the file written.
fn write_fix(
    args: &FixArgs,
    name: &str,
    text: &str,
    applied: usize,
    refuse_hint: &str,
    next: impl Fn(&Path) -> String,
) -> Result<Exit, Error> {
    if applied == 0 && args.output.is_none() {
        crate::stderr::line(&format!("no fix applied; {name} left as it is"));
        return Ok(Exit::Clean);
    }
    let target = args.output.as_deref().unwrap_or(&args.file);
    if target != args.file.as_path() {
        refuse_credentials(name, target, text, refuse_hint)?;
    }
    let wrote = written(target, text)?;
    crate::stderr::line(&format!(
        "{applied} fix(es) applied; {wrote} ({})",
        next(target)
    ));
    Ok(Exit::Clean)
}

/// Writes `fix`'s result; says what was done, for the closing message.
fn written(target: &Path, text: &str) -> Result<String, Error> {
    Ok(match write::write_file(target, text.as_bytes())? {
        write::Written::Replaced => format!("wrote {}", target.display()),
        write::Written::Unchanged => format!("{} already holds the result", target.display()),
    })
}

/// Whether `fix` applies this remediation: safe ones always, the others only with
/// `--unsafe`; a skipped one is named on stderr with the reason.
fn applies(r: &ecs_exposure_core::plan::PlannedRemediation, unsafe_fixes: bool) -> bool {
    if wanted(r, unsafe_fixes) {
        return true;
    }
    let level = r.fix.applicability;
    crate::stderr::line(&format!(
        "skipped ({}; use --unsafe): {}",
        match level {
            Applicability::Manual => "needs a value from you",
            _ => "may break the workload",
        },
        r.title
    ));
    false
}

/// Whether `fix` applies this remediation (safe ones always, the others with `--unsafe`),
/// without a word: [`applies`] says why it skips one.
fn wanted(r: &ecs_exposure_core::plan::PlannedRemediation, unsafe_fixes: bool) -> bool {
    r.fix.applicability == Applicability::Safe || unsafe_fixes
}
