//! The browser apps' download sizes: what a customer's phone fetches before
//! the gallery can show (and the studio's app, apart), raw and
//! brotli-compressed (the copy the origin serves), checked against budgets so
//! growth is a decision, not an accident.

use std::path::Path;

use anyhow::{Context as _, bail};

/// Brotli bytes of the customer's app (wasm + JS): what a phone on a poor
/// signal downloads before a gallery shows. History: 334,412 B at first
/// (budget 360,000); 368,167 B once links grew PINs, expiry and revocation
/// and the studio page learnt to make and revoke links (385,000); 385,079 B
/// with issue 16's security work (390,000). Issue 18 then took out the `url`
/// crate's Unicode tables (389,121 → 335,387 B) and the studio's pages, now
/// a bundle of their own (→ 311,266 B), and read manifests with one
/// deserialiser instead of two (→ 306,285 B). Issue 19's shared clock,
/// room-making on a full device and saves that say what happened cost
/// 15.4 kB (→ 321,689 B); finding an error's path from where the reading
/// stopped, instead of wrapping every deserialiser to track it, won 4.9 kB
/// back (→ 316,832 B). Issue 17's activity per link (visits and saved
/// photos through the outbox) and the studio's replies under comments cost
/// 3.5 kB (→ 320,383 B); keeping a choice IndexedDB refuses on a full
/// device in `localStorage` cost 1.1 kB (→ 321,504 B; a clean build measures
/// up to 350 B more); telling iPhone customers of Safari's 7-day limit, with
/// the link to copy, and a home page that opens a pasted link (the home
/// screen's app has no address bar) cost 3.2 kB (→ 324,672 B). Issue 17's
/// downloads (the lightbox's Download, a ZIP of favourites, selected or
/// all built on the device with progress and Cancel) cost 13.6 kB
/// (→ 338,344 B), after a 1 KiB CRC table instead of crc32fast's 16 KiB
/// and ASCII case folding instead of Unicode's tables took 24.4 kB back.
/// The download PIN and the brand took it to 339,771 B; the customer's
/// words compiled from the Fluent catalogue (one function per message,
/// selectors and plurals in the catalogue) cost 1.7 kB (→ 341,495 B).
/// Issue 18's compact manifests (reading version 2, and writing it for the
/// device's copy) cost 10.2 kB (→ 351,733 B): a photo's manifest entry
/// is 282 B instead of 1,190 (the device keeps, and the phone parses, a
/// quarter of the text), about 50 B less once compressed (gzip, 10,000
/// photos: 1.5 → 1.0 MB), so a first visit to a gallery of more than about
/// 200 photos downloads less in all. Keeping the manifest's text as received
/// for the device's copy, instead of writing it again, took the compact
/// writer out and won 3.7 kB back (→ 348,008 B); reading the device's size
/// index in place instead of copying it per stored photo cost 0.5 kB
/// (→ 348,537 B); placing the grid's rows from one effect instead of five
/// per row, whose subscriptions Leptos 0.8 never let go (a scroll through
/// 10,000 photos grew the wasm memory by 8 MB), cost 1.5 kB (→ 350,048 B).
/// Showing the device's copy once the studio's answer says the link stands,
/// while its body is still coming (a warm visit to 10,000 photos on a phone:
/// 10.3 → 1.4 s), cost 2.7 kB (→ 352,731 B). Reading which photos each
/// saved gallery holds once per record instead of once per photo stored at
/// the budget (a 10,000-photo record is 2.8 MB of JSON) cost 0.4–0.6 kB
/// (→ 353,084–353,261 B over two builds of the same code). Keeping a
/// compact manifest's URLs in their parts, and a gallery's record escaped
/// and read by the browser's JSON (a warm visit to 10,000 photos: wasm
/// memory 40.8 → 31.1 MiB), cost 0.6 kB (353,513 → 354,117 B). Photos
/// shown as `data:` URLs instead of object URLs, and a screen's photos read
/// from the device in one transaction (scrolling through 10,000 photos:
/// dropped frames 545 → 215 of 1,168; a phone's warm first thumbnail at
/// 1,000 photos 1,510 → 1,290 ms), cost 0.6 kB (353,892 → 354,510 B).
/// Making and painting the first screen's rows before those around it
/// (Lighthouse on 1,000 photos: total blocking time 439 → 230 ms,
/// performance 71 → 78) cost 0.8 kB (354,234 → 354,995 B). Opening a
/// large gallery on its first screen's 60 photos and continuing it in place
/// with the whole list (a phone's cold first thumbnail at 10,000 photos
/// 11.8 → 2.9 s; Lighthouse on 1,000 photos: LCP 4.8 → 3.9 s) cost
/// 3.5–4.4 kB (354,846 → 358,337–359,271 B over three builds, the last with
/// a reload's resumed "Save for offline" waiting for the whole list).
/// Raise it only with a reason in the commit message.
const CUSTOMER_BUDGET: usize = 360_000;

/// Brotli bytes of the studio's app (`dist/studio`): opened by the studio
/// on its own machine; measured at its split.
const STUDIO_BUDGET: usize = 300_000;

/// Both apps of the Trunk builds in `dist`, measured; fails over budget.
pub fn check(dist: &Path) -> anyhow::Result<()> {
    let customer = measure(dist, "proofline-client-")?;
    println!("    customer's app download: {customer} B brotli (budget {CUSTOMER_BUDGET} B)");
    let studio = measure(&dist.join("studio"), "proofline-studio-")?;
    println!("    studio's app download: {studio} B brotli (budget {STUDIO_BUDGET} B)");
    if customer > CUSTOMER_BUDGET {
        bail!(
            "the customer's app grew to {customer} B brotli, over its {CUSTOMER_BUDGET} B budget: find the weight (`cargo xtask bench` lists the largest functions) or raise the budget with a reason"
        );
    }
    if studio > STUDIO_BUDGET {
        bail!("the studio's app grew to {studio} B brotli, over its {STUDIO_BUDGET} B budget");
    }
    Ok(())
}

/// The brotli bytes of one app's wasm and JS (files named `prefix…`) in `dir`.
fn measure(dir: &Path, prefix: &str) -> anyhow::Result<usize> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.starts_with(prefix) && (name.ends_with("_bg.wasm") || name.ends_with(".js")) {
            files.push(path);
        }
    }
    if files.len() != 2 {
        bail!(
            "expected one {prefix}….wasm and .js in {}, found {files:?}",
            dir.display()
        );
    }
    files.sort();
    let mut total = 0;
    for path in &files {
        let raw = std::fs::metadata(path)?.len() as usize;
        // The brotli copy the origin serves (written by `precompress`).
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let copy = path.with_file_name(format!("{name}.br"));
        let compressed = std::fs::metadata(&copy)
            .with_context(|| format!("{} (run `cargo xtask build-client`)", copy.display()))?
            .len() as usize;
        total += compressed;
        println!("    {name}: {raw} B raw, {compressed} B brotli");
    }
    Ok(total)
}
