//! Reading input files (listed by [`crate::walk`], read by [`crate::read`]): files are parsed
//! on all cores and merged in path order, so the result does not depend on scheduling.

use crate::read::{Limit, read_regular};
use ecs_exposure_core::load::{Diagnostic, Found, Loader, Parsed, parse_document};
use ecs_exposure_core::model::Inventory;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Reads and parses every file; returns the inventory and warnings, or every error found.
/// Loaded input: the inventory and warnings, or every error found.
pub type Loaded = Result<(Inventory, Vec<Diagnostic>), Vec<Diagnostic>>;

/// `named`: the files named on the command line (see [`crate::walk::Listing`]).
pub fn load(files: &[PathBuf], named: &BTreeSet<PathBuf>, limit: Limit) -> Loaded {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(files.len().max(1));
    let mut slots: Vec<Option<Result<Parsed, Diagnostic>>> =
        (0..files.len()).map(|_| None).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(&mut slots);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                // One read buffer per thread, reused: a fresh buffer per file would page-fault
                // new memory for every one of tens of thousands of files.
                let mut buf = Vec::new();
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(path) = files.get(i) else { break };
                    let found = if named.contains(path) {
                        Found::Named
                    } else {
                        Found::Walked
                    };
                    let name = path.display().to_string();
                    let parsed = match read_regular(path, limit, &mut buf) {
                        Ok(()) => parse_document(&name, &buf, found),
                        Err(e) => Err(Diagnostic {
                            file: name,
                            path: None,
                            line: None,
                            column: None,
                            message: e.to_string(),
                        }),
                    };
                    results.lock().expect("no thread panics while holding it")[i] = Some(parsed);
                }
            });
        }
    });
    let mut loader = Loader::new();
    let mut errors = Vec::new();
    for slot in slots.into_iter().flatten() {
        match slot {
            Ok(parsed) => loader.merge(parsed),
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(loader.finish())
    } else {
        Err(errors)
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
        Ok(loader.finish())
    } else {
        Err(errors)
    }
}
