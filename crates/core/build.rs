//! Compiles the customer's words (`locales/*/*.ftl`, Fluent) into Rust:
//! see `proofline-ftl`. `PROOFLINE_LOCALE` picks the language of the build
//! (English (UK), `en-GB`, by default); a catalogue with a gap fails the
//! build and names every gap.

fn main() {
    let locale = std::env::var("PROOFLINE_LOCALE").unwrap_or_else(|_| "en-GB".into());
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-env-changed=PROOFLINE_LOCALE");
    println!("cargo:rerun-if-changed=build.rs");
    match proofline_ftl::build(
        std::path::Path::new("locales"),
        &locale,
        "crate::wording::locale",
        &out,
    ) {
        Ok(read) => {
            for dir in read {
                println!("cargo:rerun-if-changed={}", dir.display());
            }
        }
        Err(problem) => {
            eprintln!("{problem}");
            std::process::exit(1);
        }
    }
}
