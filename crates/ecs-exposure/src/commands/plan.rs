//! `ecs-exposure plan`: the account's remediations ranked by the risk they remove, from the
//! shared pipeline (so suppressions are honoured), with the new task definition revisions and
//! template edits from the input documents.

use super::input::{Source, incomplete, load_input};
use super::judge;
use crate::args::{PlanArgs, PlanFormat};
use crate::error::Error;
use crate::exit::Exit;
use crate::read::{Limit, read_regular};
use crate::run::scan_time;
use crate::write;
use ecs_exposure_core::fix;
use ecs_exposure_core::report::plan as render;
use ecs_exposure_core::report::text::terminal_safe_lines;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

pub fn run(args: PlanArgs) -> Result<Exit, Error> {
    if let Some(out) = &args.output {
        write::refuse_input(out, [args.config.path().as_path()])?;
    }
    let Some(input) = load_input(&args.input, &args.read, args.output.as_deref())? else {
        return Ok(Exit::Error);
    };
    input.say_warnings();
    let (inventory, source, not_loaded) = (input.inventory, input.source, input.not_loaded);
    let limit = Limit::max_file_size(args.read.max_file_size);
    let suppressions = args.config.suppressions()?;
    let outcome = judge::run(
        &inventory,
        &suppressions,
        args.input.aws.task_definition_scope(),
        &scan_time().rfc3339[..10],
        Some(args.min_severity),
    )?;
    let analysis = outcome.analysis;
    let mut plan = outcome
        .plan
        .ok_or_else(|| Error::Message("the pipeline made no plan".to_string()))?;
    fix::attach_task_definitions(
        &mut plan,
        &analysis,
        &task_definition_documents(&source, limit),
    );
    fix::attach_template_edits(
        &mut plan,
        &inventory,
        &template_texts(&inventory, &source, limit),
    );
    let text = match args.format {
        PlanFormat::Json => render::json(&plan),
        // For a person at a terminal: names from the input are shown escaped, line by line.
        PlanFormat::Text => terminal_safe_lines(&render::text(&plan)).into_owned(),
        PlanFormat::Markdown => render::markdown(&plan),
    };
    write_out(args.output.as_deref(), &text)?;
    Ok(if incomplete(not_loaded) {
        Exit::Error
    } else {
        Exit::Clean
    })
}

/// The original task definition documents of the input, by the ARN the loader gives them:
/// the model keeps only the fields the traits read, a new revision needs all of them.
fn task_definition_documents(source: &Source, limit: Limit) -> HashMap<String, Value> {
    let mut out = HashMap::new();
    let mut add = |name: &str, bytes: &[u8]| {
        // Cheap test first: most files of a snapshot are not task definitions.
        if !bytes
            .windows(b"containerDefinitions".len())
            .any(|w| w == b"containerDefinitions")
        {
            return;
        }
        if let Ok(doc) = serde_json::from_slice::<Value>(bytes)
            && let Some(arn) = fix::document_arn(name, &doc)
        {
            out.insert(arn, doc);
        }
    };
    match source {
        Source::Files(files) => {
            let mut bytes = Vec::new();
            for f in files {
                if reread(f, limit, &mut bytes) {
                    add(&f.display().to_string(), &bytes);
                }
            }
        }
        Source::Memory(docs) => docs.iter().for_each(|(n, b)| add(n, b)),
    }
    out
}

/// The texts of the CloudFormation templates the inventory was read from, by file name as the
/// loader recorded it: the template edits are made on them.
fn template_texts(
    inventory: &ecs_exposure_core::model::Inventory,
    source: &Source,
    limit: Limit,
) -> HashMap<String, String> {
    let files: std::collections::BTreeSet<&str> = inventory
        .sources
        .values()
        // Task definition files have source maps too; their fixes come from their JSON.
        .filter(|m| m.kind == ecs_exposure_core::model::SourceKind::Template)
        .filter_map(|m| m.entries.get(""))
        .map(|l| l.file.as_str())
        .collect();
    let mut out = HashMap::new();
    match source {
        Source::Files(paths) => {
            let mut bytes = Vec::new();
            for p in paths {
                let name = p.display().to_string();
                if files.contains(name.as_str())
                    && reread(p, limit, &mut bytes)
                    && let Ok(text) = std::str::from_utf8(&bytes)
                {
                    out.insert(name, text.to_string());
                }
            }
        }
        Source::Memory(docs) => {
            for (name, bytes) in docs {
                if files.contains(name.as_str())
                    && let Ok(text) = std::str::from_utf8(bytes)
                {
                    out.insert(name.clone(), text.to_string());
                }
            }
        }
    }
    out
}

/// Reads an input file again (the loader kept only the model), through the same checks as
/// the first time; a file that cannot be read now is named, not silently left out.
fn reread(path: &Path, limit: Limit, buf: &mut Vec<u8>) -> bool {
    match read_regular(path, limit, buf) {
        Ok(()) => true,
        Err(e) => {
            crate::stderr::say(
                "warning",
                &format!(
                    "{}: {e}; its fixes are left out of the plan",
                    path.display()
                ),
            );
            false
        }
    }
}

fn write_out(path: Option<&Path>, text: &str) -> Result<(), Error> {
    match path {
        Some(p) => Ok(write::write_file(p, text.as_bytes()).map(|_| ())?),
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Stdout(e)),
                _ => Ok(()),
            }
        }
    }
}
