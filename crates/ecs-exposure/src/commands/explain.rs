//! `ecs-exposure explain TRAIT`: the documentation of a trait.

use crate::error::Error;
use crate::exit::Exit;
use ecs_exposure_core::traits;

pub fn run(trait_id: &str) -> Result<Exit, Error> {
    let def = traits::by_id(trait_id).ok_or_else(|| {
        format!(
            "unknown trait `{trait_id}` (known: {})",
            traits::ALL
                .iter()
                .map(|t| t.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    print!("{}", def.doc);
    Ok(Exit::Clean)
}
