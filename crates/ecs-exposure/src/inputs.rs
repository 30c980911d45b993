//! Reading input files: folders are walked recursively for `*.json` and CloudFormation
//! YAML (`*.yaml`, `*.yml`, `*.template`), files named on the
//! command line are read whatever their extension. Files are parsed on all cores and merged
//! in path order, so the result does not depend on scheduling.

use ecs_exposure_core::load::{Diagnostic, Found, Loader, Parsed, parse_document};
use ecs_exposure_core::model::Inventory;
use std::path::{Path, PathBuf};

/// Lists the files to read, sorted, each with how it was found (a file named on the command
/// line must be of a known kind; one found in a folder may be skipped), or says which path
/// could not be read.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<(PathBuf, Found)>, String> {
    let mut files = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| format!("{}: {e}", p.display()))?;
        if meta.is_dir() {
            let mut walked = Vec::new();
            walk(p, &mut walked)?;
            files.extend(walked.into_iter().map(|f| (f, Found::Walked)));
        } else {
            files.push((p.clone(), Found::Named));
        }
    }
    // A file both named and in a named folder counts as named (`Named` sorts first).
    files.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then((a.1 == Found::Walked).cmp(&(b.1 == Found::Walked)))
    });
    files.dedup_by(|later, first| later.0 == first.0);
    Ok(files)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = entry.path();
        let ft = entry
            .file_type()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if ft.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| {
            ["json", "yaml", "yml", "template"]
                .iter()
                .any(|x| e.eq_ignore_ascii_case(x))
        }) {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads and parses every file; returns the inventory and warnings, or every error found.
/// Loaded input: the inventory and warnings, or every error found.
pub type Loaded = Result<(Inventory, Vec<Diagnostic>), Vec<Diagnostic>>;

pub fn load(files: &[(PathBuf, Found)]) -> Loaded {
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
                    let Some((path, found)) = files.get(i) else {
                        break;
                    };
                    let name = path.display().to_string();
                    buf.clear();
                    let read = std::fs::File::open(path)
                        .and_then(|mut f| std::io::Read::read_to_end(&mut f, &mut buf));
                    let parsed = match read {
                        Ok(_) => parse_document(&name, &buf, *found),
                        Err(e) => Err(Diagnostic {
                            file: name,
                            path: None,
                            line: None,
                            column: None,
                            message: format!("cannot read: {e}"),
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
