//! Reading input files (listed by [`crate::walk`], read by [`crate::read`]): files are parsed
//! on all cores (rayon) and merged in path order, so the result does not depend on scheduling.

use crate::read::{Limit, read_regular};
use ecs_exposure_core::load::{
    Diagnostic, Found, Loader, Parsed, describe_output_sources, parse_document, parse_document_with,
};
use ecs_exposure_core::model::{Inventory, Kind};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Loaded input, or every error found in the files the user named.
pub type Loaded = Result<Input, Vec<Diagnostic>>;

/// What loading gave.
pub struct Input {
    pub inventory: Inventory,
    /// Files skipped (of no known kind) and notes of the loader, in file order.
    pub warnings: Vec<Diagnostic>,
    /// Files found by walking a folder that could not be loaded (broken YAML, a task
    /// definition with a wrong type…). They do not stop the scan of the other files, but the
    /// scan is incomplete: the caller reports each and exits with an error.
    pub not_loaded: Vec<Diagnostic>,
    /// CloudFormation nested stacks not followed (each is one of the warnings).
    pub not_followed: usize,
}

/// The warning a file found in a folder gives when it cannot be loaded.
fn not_loaded(mut d: Diagnostic) -> Diagnostic {
    d.message = format!(
        "{}; this file is not loaded and its resources are not part of the scan",
        d.message
    );
    d
}

thread_local! {
    /// One read buffer per loader thread, reused: a fresh buffer per file would page-fault new
    /// memory for every one of tens of thousands of files. Freed when the thread ends.
    static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `f` with this thread's read buffer (a fresh one if it is in use).
fn with_buffer<R>(f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    BUFFER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buf) => f(&mut buf),
        Err(_) => f(&mut Vec::new()),
    })
}

/// `named`: the files named on the command line (see [`crate::walk::Listing`]); `paths`: the
/// paths given (files and folders), inside which nested stacks' templates are read.
pub fn load(
    files: &[PathBuf],
    named: &BTreeSet<PathBuf>,
    paths: &[PathBuf],
    limit: Limit,
) -> Loaded {
    let templates = crate::nested::LocalTemplates::new(paths, limit);
    // One thread per core, work-stealing file by file (`with_max_len(1)`: files differ in size
    // by orders of magnitude, and rayon's default halving hands out runs of neighbouring files,
    // which measured 15 % slower on the 20,000-service benchmark); `collect` keeps path order.
    // A pool of
    // its own, ended after loading: its threads' buffers and allocator arenas go with it,
    // and the analysis that follows reuses them.
    let read_one = |path: &PathBuf| {
        let found = if named.contains(path) {
            Found::Named
        } else {
            Found::Walked
        };
        let name = path.display().to_string();
        let parsed = with_buffer(|buf| match read_regular(path, limit, buf) {
            Ok(()) => parse_document_with(&name, buf, found, Some(&templates)),
            Err(e) => Err(Diagnostic {
                file: name,
                path: None,
                line: None,
                column: None,
                message: e.to_string(),
            }),
        });
        (found, parsed)
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let slots: Vec<(Found, Result<Parsed, Diagnostic>)> = match rayon::ThreadPoolBuilder::new()
        .num_threads(threads.min(files.len().max(1)))
        .build()
    {
        Ok(pool) => pool.install(|| files.par_iter().with_max_len(1).map(read_one).collect()),
        // No thread to be had: this one reads them all.
        Err(_) => files.iter().map(read_one).collect(),
    };
    // A template that is a nested stack of another one is read as part of it, with the
    // parameters it passes; on its own it would be scanned twice, once with made-up values.
    let nested = templates.nested_files(files);
    let mut loader = Loader::new();
    let mut errors = Vec::new();
    let mut failed = Vec::new();
    // AWS CLI output files loaded, in order: the task definition files among them may be
    // read again for their places (see `locate_task_definition_files`).
    let mut outputs = Vec::new();
    for (i, (found, slot)) in slots.into_iter().enumerate() {
        match slot {
            Ok(_) if nested.get(i) == Some(&true) => {}
            Ok(parsed) => {
                if matches!(parsed, Parsed::Known(_)) {
                    outputs.push(&files[i]);
                }
                loader.merge(parsed)
            }
            // One file of a folder that cannot be loaded does not stop the others.
            Err(d) if found == Found::Walked => failed.push(not_loaded(d)),
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        let not_followed = loader.nested_stacks_not_followed();
        let (mut inventory, warnings) = loader.finish();
        locate_task_definition_files(&mut inventory, &outputs, limit);
        Ok(Input {
            inventory,
            warnings,
            not_loaded: failed,
            not_followed,
        })
    } else {
        Err(errors)
    }
}

/// With no service in the input, every task definition is judged on its own, and the input is
/// most likely a repository's task definition files, scanned in CI: those read from
/// `describe-task-definition` output get the places of their fields, as `register-task-definition`
/// input gets them while loading, so that their findings point at the line to change (SARIF
/// code scanning). The files are read again for it, only then: an account snapshot (which has
/// services) pays nothing. A file that cannot be read again just has no places.
fn locate_task_definition_files(inv: &mut Inventory, outputs: &[&PathBuf], limit: Limit) {
    let no_services = inv.services.is_empty() && !inv.has(Kind::EcsServices);
    let unlocated = inv
        .task_definitions
        .keys()
        .any(|arn| !inv.sources.contains_key(arn));
    if !no_services || !unlocated {
        return;
    }
    let mut buf = Vec::new();
    for path in outputs {
        if read_regular(path, limit, &mut buf).is_err()
            || !buf
                .windows(b"\"taskDefinition\"".len())
                .any(|w| w == b"\"taskDefinition\"")
        {
            continue;
        }
        let name = path.display().to_string();
        if let Some((arn, map)) = describe_output_sources(&name, &buf)
            && inv.task_definitions.contains_key(&arn)
            && !inv.from_template(&arn)
        {
            // In file order: the later copy of a task definition given twice wins, as in the
            // inventory.
            inv.sources.insert(arn, map);
        }
    }
}

/// Parses documents already in memory (a live collection: each is meant as input, so named).
#[cfg_attr(not(feature = "live"), allow(dead_code))]
pub fn load_documents(docs: &[(String, Vec<u8>)]) -> Loaded {
    let mut loader = Loader::new();
    let mut errors = Vec::new();
    for (name, bytes) in docs {
        match parse_document(name, bytes, Found::Named) {
            Ok(parsed) => loader.merge(parsed),
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        let (inventory, warnings) = loader.finish();
        Ok(Input {
            inventory,
            warnings,
            not_loaded: Vec::new(),
            not_followed: 0,
        })
    } else {
        Err(errors)
    }
}
