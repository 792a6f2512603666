//! Compressed copies of the apps' content-named files (the wasm, the JS glue,
//! the style sheet), written beside them at build time: `<file>.br` (brotli
//! 11) and `<file>.gz` (gzip 9). The origin serves them to browsers that
//! accept them (tower-http's `ServeDir::precompressed_*`) instead of
//! compressing at its fastest level on every request: the customer's wasm
//! goes out at about 325 kB instead of 442 kB (zstd, fastest) or 498 kB (gzip,
//! fastest). Only files named by their content get copies (see
//! `proofline_core::app_files`): a copy can never be served for other
//! content under the same name.

use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;
use proofline_core::app_files::is_content_named;

/// Brotli at its best quality and a 4 MiB window.
fn brotli(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).context("brotli")?;
    Ok(out)
}

fn gzip(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}

/// Writes `.br` and `.gz` beside every content-named file under `dir`
/// (recursively); answers how many files got them.
pub fn write(dir: &Path) -> anyhow::Result<usize> {
    let mut done = 0;
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            done += write(&path)?;
            continue;
        }
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if !is_content_named(&name) {
            continue;
        }
        let raw = std::fs::read(&path)?;
        let (br, gz) = (brotli(&raw)?, gzip(&raw)?);
        std::fs::write(path.with_file_name(format!("{name}.br")), &br)?;
        std::fs::write(path.with_file_name(format!("{name}.gz")), &gz)?;
        println!(
            "    {name}: {} B raw, {} B brotli, {} B gzip",
            raw.len(),
            br.len(),
            gz.len()
        );
        done += 1;
    }
    Ok(done)
}
