//! `ecs-exposure traits`: every trait id with its category and title.

use crate::exit::Exit;

pub fn run() -> Exit {
    for t in ecs_exposure_core::traits::ALL {
        println!(
            "{:<28} {:<17} {}",
            t.id.as_str(),
            t.category.as_str(),
            t.title
        );
    }
    Exit::Clean
}
