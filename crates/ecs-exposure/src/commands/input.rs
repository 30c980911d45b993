//! The input of the commands that judge an account (`scan`, `plan`): files and folders, or a
//! live collection, loaded into one inventory.

use super::collect::{collection_documents, live_collect};
use crate::args::{InputArgs, ReadArgs};
use crate::error::Error;
use crate::read::Limit;
use crate::{inputs, walk, write};
use ecs_exposure_core::load::Diagnostic;

/// Where the input came from, for `plan` (files are re-read on demand).
pub(crate) enum Source {
    Files(Vec<std::path::PathBuf>),
    #[cfg_attr(not(feature = "live"), allow(dead_code))]
    Memory(Vec<(String, Vec<u8>)>),
}

/// Loaded input: the inventory, the warnings for the report (files skipped or not loaded),
/// where it came from, and how many files found in folders could not be loaded (the scan is
/// then incomplete: an error exit once the report is written).
pub(crate) struct LoadedInput {
    pub inventory: ecs_exposure_core::model::Inventory,
    pub warnings: Vec<Diagnostic>,
    pub source: Source,
    pub not_loaded: usize,
    /// CloudFormation nested stacks not followed: `--strict` fails on them.
    pub not_followed: usize,
}

impl LoadedInput {
    /// Prints the warnings on stderr; the files not loaded (the last warnings) were printed
    /// as errors already.
    pub fn say_warnings(&self) {
        for w in &self.warnings[..self.warnings.len() - self.not_loaded] {
            crate::stderr::say("warning", &w.to_string());
        }
    }
}

/// Says on stderr that the scan is incomplete, when files could not be loaded; whether so.
pub(crate) fn incomplete(not_loaded: usize) -> bool {
    if not_loaded > 0 {
        crate::stderr::say(
            "error",
            &format!(
                "{not_loaded} file(s) found in the given folders could not be loaded (named above and in the report's warnings); the scan is incomplete"
            ),
        );
    }
    not_loaded > 0
}

/// Loads files or a live collection, printing errors; `None` means exit with an error.
/// `output`, the file the command will write, is refused if it is one of the inputs. A file
/// found by walking a folder that cannot be loaded is printed as an error, is one of the
/// report's warnings, and counted in [`LoadedInput::not_loaded`]; one named on the command
/// line stops the run.
pub(crate) fn load_input(
    input: &InputArgs,
    read: &ReadArgs,
    output: Option<&std::path::Path>,
) -> Result<Option<LoadedInput>, Error> {
    let (paths, aws) = (&input.paths, &input.aws);
    if let (Some(out), Some(list)) = (output, &aws.role_arns_file) {
        write::refuse_input(out, [list.as_path()])?;
    }
    let (loaded, source, mut skipped) = if input.live {
        let collection = live_collect(aws)?;
        let docs = collection_documents(&collection);
        (
            inputs::load_documents(&docs),
            Source::Memory(docs),
            Vec::new(),
        )
    } else {
        let listing = walk::collect_files(paths)?;
        if let Some(out) = output {
            write::refuse_input(out, listing.files.iter().map(|f| f.as_path()))?;
        }
        if listing.files.is_empty() {
            for w in &listing.warnings {
                crate::stderr::say("warning", &w.to_string());
            }
            return Err(Error::Message(
                "no *.json, *.yaml, *.yml or *.template files found in the given paths".to_string(),
            ));
        }
        let limit = Limit::max_file_size(read.max_file_size);
        (
            inputs::load(&listing.files, &listing.named, paths, limit),
            Source::Files(listing.files),
            listing.warnings,
        )
    };
    match loaded {
        Ok(input) => {
            // What the walk skipped first, then what the loader did not recognise, then the
            // files that could not be loaded: all are warnings of the report.
            skipped.extend(input.warnings);
            for d in &input.not_loaded {
                crate::stderr::say("error", &d.to_string());
            }
            let not_loaded = input.not_loaded.len();
            let not_followed = input.not_followed;
            skipped.extend(input.not_loaded);
            Ok(Some(LoadedInput {
                inventory: input.inventory,
                warnings: skipped,
                source,
                not_loaded,
                not_followed,
            }))
        }
        Err(errors) => {
            for w in &skipped {
                crate::stderr::say("warning", &w.to_string());
            }
            for e in &errors {
                crate::stderr::say("error", &e.to_string());
            }
            Ok(None)
        }
    }
}
