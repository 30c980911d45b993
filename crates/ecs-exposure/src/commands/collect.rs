//! `ecs-exposure collect --out DIR`: a live account saved as a snapshot folder; and the live
//! collection that `scan --live` and `plan --live` read, in builds with the `live` feature.

use crate::args::{AwsArgs, CollectArgs};
use crate::error::Error;
use crate::exit::Exit;

pub fn run(args: CollectArgs) -> Result<Exit, Error> {
    let collection = live_collect(&args.aws)?;
    write_collection(&collection, &args.out)?;
    crate::stderr::line(&format!("snapshot written to {}", args.out.display()));
    Ok(if args.strict && has_failures(&collection) {
        Exit::Error
    } else {
        Exit::Clean
    })
}

#[cfg(feature = "live")]
pub(crate) type Collection = ecs_exposure_aws::Collection;
#[cfg(not(feature = "live"))]
pub(crate) type Collection = std::convert::Infallible;

#[cfg(feature = "live")]
pub(crate) fn live_collect(aws: &AwsArgs) -> Result<Collection, String> {
    crate::live::collect(aws)
}
#[cfg(feature = "live")]
pub(crate) fn collection_documents(c: &Collection) -> Vec<(String, Vec<u8>)> {
    crate::live::documents(c)
}
#[cfg(feature = "live")]
fn write_collection(c: &Collection, out: &std::path::Path) -> Result<(), String> {
    crate::live::write(c, out)
}
#[cfg(feature = "live")]
fn has_failures(c: &Collection) -> bool {
    !c.failures.is_empty()
}

#[cfg(not(feature = "live"))]
pub(crate) fn live_collect(_: &AwsArgs) -> Result<Collection, String> {
    Err("this build has no live collection (built without the `live` feature)".to_string())
}
#[cfg(not(feature = "live"))]
pub(crate) fn collection_documents(c: &Collection) -> Vec<(String, Vec<u8>)> {
    match *c {}
}
#[cfg(not(feature = "live"))]
fn write_collection(c: &Collection, _: &std::path::Path) -> Result<(), String> {
    match *c {}
}
#[cfg(not(feature = "live"))]
fn has_failures(c: &Collection) -> bool {
    match *c {}
}
