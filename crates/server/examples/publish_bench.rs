//! Renders every JPEG in a folder into thumb + proof (no watermark), as
//! `proofline publish` does: one photo per core at a time (rayon). Prints
//! `images_per_second=N` for `cargo xtask bench publish`, and where the time
//! goes on one photo.
//!
//! `cargo run -p proofline-server --example publish_bench -- DIR [ROUNDS]`

use std::time::Instant;

use proofline_server::publish::render::{RenderOptions, render};
use rayon::prelude::*;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: publish_bench DIR [ROUNDS]"))?;
    let rounds: usize = args.next().map_or(Ok(3), |r| r.parse())?;
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "jpg") {
            files.push(std::fs::read(&path)?);
        }
    }
    anyhow::ensure!(!files.is_empty(), "no .jpg files in {dir}");
    let opts = RenderOptions::default();
    let one = |bytes: &Vec<u8>| render(bytes, &opts).map_err(anyhow::Error::msg);
    // Warm up: page cache, allocator, CPU feature detection.
    one(&files[0])?;
    let start = Instant::now();
    for _ in 0..rounds {
        files.par_iter().try_for_each(|f| one(f).map(drop))?;
    }
    let secs = start.elapsed().as_secs_f64();
    let n = files.len() * rounds;
    println!(
        "proofline: {n} photos in {secs:.2}s on {} threads",
        rayon::current_num_threads()
    );
    println!("images_per_second={:.3}", n as f64 / secs);
    Ok(())
}
