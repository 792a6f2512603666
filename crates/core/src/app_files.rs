//! The built app's files: which are named by their content (Trunk's hashed
//! script, wasm and style sheet), so a browser may keep them for a year and
//! a compressed copy made at build time can never be served for other
//! content under the same name.

/// Whether the file's name carries Trunk's content hash: a script, wasm or
/// style sheet named with `-` and the hash in lower-case hex before its
/// extension (or before `_bg.wasm`). Trunk writes the 64-bit hash without
/// leading zeros, so it is 16 digits or (one time in 16) fewer.
pub fn is_content_named(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let Some((stem, extension)) = name.split_once('.') else {
        return false;
    };
    if !matches!(extension, "js" | "wasm" | "css") {
        return false;
    }
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(base, hash)| {
        !base.is_empty()
            && (8..=16).contains(&hash.len())
            && hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_scripts_wasm_and_style_sheets_are_named_by_their_content() {
        for path in [
            "/proofline-client-70090b530288d134.js",
            "/proofline-client-70090b530288d134_bg.wasm",
            "/main-64ede365bc66bd06.css",
            "/main-856e54af373f629.css",
            "/studio/proofline-studio-e59ecb1aeb7d513d_bg.wasm",
            "dist/main-64ede365bc66bd06.css",
        ] {
            assert!(is_content_named(path), "{path}");
        }
    }

    #[test]
    fn the_page_the_worker_and_other_files_are_not() {
        for path in [
            "/",
            "/index.html",
            "/sw.js",
            "/manifest.webmanifest",
            "/icons/icon.svg",
            "/icons/apple-touch-icon.png",
            "/-70090b530288d134.js",
            "/proofline-client-70090B530288D134.js",
            "/proofline-client-7009.js",
            "/icons/icon-70090b530288d134.png",
            "/main-64ede365bc66bd06.css.br",
        ] {
            assert!(!is_content_named(path), "{path}");
        }
    }
}
