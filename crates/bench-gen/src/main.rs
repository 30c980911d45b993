//! `bench-gen`: writes a synthetic account snapshot for benchmarking `ecs-exposure scan`.
//!
//! Usage: `bench-gen [--services N] [--findings M] [--seed S] OUT_DIR`
//! (defaults: 20,000 services, 100,000 Inspector findings, seed 1). The same arguments always
//! give byte-identical files.

mod ecs;
mod elbv2;
mod iam;
mod inspector;
mod layout;
mod network;
mod out;
mod rng;

use std::path::PathBuf;
use std::time::Instant;

fn main() {
    if let Err(e) = run() {
        eprintln!("bench-gen: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let mut services = 20_000usize;
    let mut findings = 100_000usize;
    let mut seed = 1u64;
    let mut dir = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or(format!("{name} needs a value"))?
                .replace('_', "")
                .parse::<u64>()
                .map_err(|e| format!("{name}: {e}"))
        };
        match a.as_str() {
            "--services" => services = value("--services")? as usize,
            "--findings" => findings = value("--findings")? as usize,
            "--seed" => seed = value("--seed")?,
            "-h" | "--help" => {
                println!("usage: bench-gen [--services N] [--findings M] [--seed S] OUT_DIR");
                return Ok(());
            }
            _ if a.starts_with('-') => return Err(format!("unknown option {a}")),
            _ => dir = Some(PathBuf::from(a)),
        }
    }
    let dir = dir.ok_or("usage: bench-gen [--services N] [--findings M] [--seed S] OUT_DIR")?;
    if services == 0 {
        return Err("--services must be at least 1".into());
    }
    let start = Instant::now();
    let layout = layout::Layout::new(services, findings, seed);
    let mut out = out::Out::new(dir.clone()).map_err(|e| format!("{}: {e}", dir.display()))?;
    let io = |e: std::io::Error| format!("writing into {}: {e}", dir.display());
    ecs::write(&layout, &mut out).map_err(io)?;
    network::write(&layout, &mut out).map_err(io)?;
    elbv2::write(&layout, &mut out).map_err(io)?;
    iam::write(&layout, &mut out).map_err(io)?;
    inspector::write(&layout, &mut out).map_err(io)?;
    eprintln!(
        "bench-gen: {} services, {} findings: {} files, {:.1} MB in {:.1?}",
        services,
        findings,
        out.files,
        out.bytes as f64 / 1e6,
        start.elapsed()
    );
    Ok(())
}
