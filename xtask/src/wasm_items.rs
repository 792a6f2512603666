//! What the customer's wasm is made of: its largest functions and the
//! crates they come from, after `wasm-opt -Oz` (as shipped) but with the
//! function names kept, read from the wasm's own `name` section. The
//! shipped file carries no names; this one is otherwise the same code.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, bail};

/// One function's body size and its demangled name.
struct Item {
    bytes: usize,
    name: String,
}

/// Prints the `count` largest functions of the wasm Cargo built at `wasm`
/// (before wasm-bindgen), optimised as Trunk does, and the crates with the
/// most code.
pub fn print_largest(wasm: &Path, count: usize) -> anyhow::Result<()> {
    let optimised = crate::target_dir().join("proofline-client-named.wasm");
    let status = Command::new("wasm-opt")
        .args([
            "-Oz",
            "-g",
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
        ])
        .arg(wasm)
        .arg("-o")
        .arg(&optimised)
        .env("PATH", crate::tool_path())
        .status()
        .context("running wasm-opt (installed by `cargo xtask setup`)")?;
    if !status.success() {
        bail!("wasm-opt failed on {}", wasm.display());
    }
    let bytes = std::fs::read(&optimised)?;
    let items: Vec<Item> = functions(&bytes)?
        .into_iter()
        // wasm-bindgen's descriptors: run at build time, removed from the app.
        .filter(|i| !i.name.starts_with("__wbindgen_describe"))
        .collect();
    let total: usize = items.iter().map(|i| i.bytes).sum();
    let mut largest: Vec<&Item> = items.iter().collect();
    largest.sort_unstable_by_key(|i| std::cmp::Reverse(i.bytes));
    println!("    the {count} largest functions (of {total} B of code, wasm-opt -Oz):");
    for item in largest.iter().take(count) {
        let name: String = item.name.chars().take(110).collect();
        println!("      {:>7} B  {name}", item.bytes);
    }
    let mut crates: HashMap<&str, usize> = HashMap::new();
    for item in &items {
        *crates.entry(crate_of(&item.name)).or_default() += item.bytes;
    }
    let mut crates: Vec<(&str, usize)> = crates.into_iter().collect();
    crates.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    println!("    code by crate:");
    for (name, bytes) in crates.iter().take(count) {
        println!(
            "      {bytes:>7} B  {:>4.1}%  {name}",
            *bytes as f64 * 100.0 / total as f64
        );
    }
    Ok(())
}

/// The crate a demangled name belongs to: `core` for
/// `core::slice::sort::…`, the type's crate for `<serde_json::de::… as …>`.
fn crate_of(name: &str) -> &str {
    let name = name.trim_start_matches(['<', '&', '*', ' ']);
    let name = name.strip_prefix("mut ").unwrap_or(name);
    let name = name.strip_prefix("dyn ").unwrap_or(name);
    let end = name
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(name.len());
    match &name[..end] {
        "" => "(other)",
        krate => krate,
    }
}

/// Every defined function's body size and demangled name.
fn functions(wasm: &[u8]) -> anyhow::Result<Vec<Item>> {
    if wasm.get(..4) != Some(b"\0asm") {
        bail!("not a wasm module");
    }
    let mut at = 8;
    let mut imported = 0;
    let mut sizes = Vec::new();
    let mut names: HashMap<u32, String> = HashMap::new();
    while at < wasm.len() {
        let id = wasm[at];
        at += 1;
        let len = leb(wasm, &mut at)? as usize;
        let section = wasm
            .get(at..at + len)
            .context("a section runs past the end")?;
        at += len;
        match id {
            2 => imported = imported_functions(section)?,
            10 => {
                let mut p = 0;
                for _ in 0..leb(section, &mut p)? {
                    let body = leb(section, &mut p)? as usize;
                    sizes.push(body);
                    p += body;
                }
            }
            0 => read_names(section, &mut names)?,
            _ => {}
        }
    }
    Ok(sizes
        .into_iter()
        .enumerate()
        .map(|(i, bytes)| {
            let index = imported + i as u32;
            let name = names
                .get(&index)
                .map(|n| format!("{:#}", rustc_demangle::demangle(n)))
                .unwrap_or_else(|| format!("function {index}"));
            Item { bytes, name }
        })
        .collect())
}

/// How many of the imports are functions (they come first in the index space).
fn imported_functions(section: &[u8]) -> anyhow::Result<u32> {
    let mut p = 0;
    let mut functions = 0;
    for _ in 0..leb(section, &mut p)? {
        for _ in 0..2 {
            p += leb(section, &mut p)? as usize; // module, then field name
        }
        let kind = *section.get(p).context("truncated import")?;
        p += 1;
        match kind {
            0 => {
                leb(section, &mut p)?;
                functions += 1;
            }
            1 => {
                p += 1; // element type
                limits(section, &mut p)?;
            }
            2 => limits(section, &mut p)?,
            3 => p += 2, // value type, mutability
            4 => {
                p += 1;
                leb(section, &mut p)?;
            }
            other => bail!("unknown import kind {other}"),
        }
    }
    Ok(functions)
}

fn limits(b: &[u8], p: &mut usize) -> anyhow::Result<()> {
    let flags = *b.get(*p).context("truncated limits")?;
    *p += 1;
    leb(b, p)?;
    if flags & 1 != 0 {
        leb(b, p)?;
    }
    Ok(())
}

/// The function names of a custom section, if it is the `name` section.
fn read_names(section: &[u8], names: &mut HashMap<u32, String>) -> anyhow::Result<()> {
    let mut p = 0;
    let len = leb(section, &mut p)? as usize;
    if section.get(p..p + len) != Some(b"name") {
        return Ok(());
    }
    p += len;
    while p < section.len() {
        let kind = section[p];
        p += 1;
        let size = leb(section, &mut p)? as usize;
        let end = p + size;
        if kind == 1 {
            for _ in 0..leb(section, &mut p)? {
                let index = leb(section, &mut p)? as u32;
                let len = leb(section, &mut p)? as usize;
                let name = section.get(p..p + len).context("truncated name")?;
                names.insert(index, String::from_utf8_lossy(name).into_owned());
                p += len;
            }
        }
        p = end;
    }
    Ok(())
}

/// An unsigned LEB128 number at `*p`, moving past it.
fn leb(b: &[u8], p: &mut usize) -> anyhow::Result<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*p).context("truncated number")?;
        *p += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Ok(value);
        }
    }
    bail!("a number longer than 64 bits")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_belong_to_the_crate_they_start_with() {
        assert_eq!(crate_of("core::slice::sort::stable::quicksort"), "core");
        assert_eq!(
            crate_of("<&mut serde_json::de::Deserializer<R> as serde_core::de::Deserializer>::x"),
            "serde_json"
        );
        assert_eq!(
            crate_of("<T as tachys::view::any_view::IntoAny>::into_any"),
            "T"
        );
    }

    #[test]
    fn numbers_are_read_as_leb128() {
        let mut p = 0;
        assert_eq!(leb(&[0xe5, 0x8e, 0x26], &mut p).unwrap(), 624_485);
        assert_eq!(p, 3);
        assert!(leb(&[0x80], &mut 0).is_err());
    }
}
