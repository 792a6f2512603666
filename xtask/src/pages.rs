//! The customer's words in the app's files outside the wasm: `index.html`
//! (its language, `<noscript>` line, and the preview's header, a
//! `<template>` its script copies) and `sw.js` (the page the service worker
//! shows offline for a gallery never opened on the device). Their sources
//! hold `{{name}}` where a catalogue message goes; after Trunk has built
//! `dist`, these are written in from `proofline_core::wording`, so they
//! speak the build's language like the app.

use std::path::Path;

use proofline_core::wording::{gallery, labels, locale};

/// The words each `{{name}}` stands for.
fn words() -> [(&'static str, &'static str); 11] {
    [
        ("lang", locale::LOCALE),
        ("noscript", gallery::NOSCRIPT),
        ("loading", gallery::LOADING_GALLERY),
        ("small-print", gallery::SMALL_PRINT),
        ("save-for-offline", labels::SAVE_FOR_OFFLINE),
        ("all", labels::ALL),
        ("favourites", labels::FAVOURITES),
        ("selected", labels::SELECTED),
        ("commented", labels::COMMENTED),
        ("offline-page-title", gallery::OFFLINE_PAGE_TITLE),
        ("offline-page-text", gallery::OFFLINE_PAGE_TEXT),
    ]
}

/// Writes the words into `dist/index.html` and `dist/sw.js`.
pub fn write(dist: &Path) -> anyhow::Result<()> {
    for (file, in_script) in [("index.html", false), ("sw.js", true)] {
        let path = dist.join(file);
        let text = std::fs::read_to_string(&path)?;
        std::fs::write(
            &path,
            fill(&text, in_script).map_err(|e| anyhow::anyhow!("{file}: {e}"))?,
        )?;
    }
    Ok(())
}

/// `text` with each `{{name}}` replaced by its words, as HTML text (and,
/// `in_script`, inside a JavaScript template literal). A name with no words
/// is an error.
fn fill(text: &str, in_script: bool) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let name_end = after.find("}}");
        let name = name_end.map(|e| &after[..e]);
        match name {
            Some(name)
                if !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '-') =>
            {
                let (_, said) = words()
                    .into_iter()
                    .find(|(n, _)| *n == name)
                    .ok_or_else(|| format!("{{{{{name}}}}} names no catalogue words"))?;
                let mut html = String::new();
                for c in said.chars() {
                    match c {
                        '&' => html.push_str("&amp;"),
                        '<' => html.push_str("&lt;"),
                        '>' => html.push_str("&gt;"),
                        '"' => html.push_str("&quot;"),
                        '`' if in_script => html.push_str("&#96;"),
                        '$' if in_script => html.push_str("&#36;"),
                        '\\' if in_script => html.push_str("&#92;"),
                        c => html.push(c),
                    }
                }
                out.push_str(&html);
                rest = &after[name.len() + 2..];
            }
            _ => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_replaced_by_the_catalogues_words() {
        let page = "<html lang=\"{{lang}}\"><noscript>{{noscript}}</noscript>";
        assert_eq!(
            fill(page, false).unwrap(),
            "<html lang=\"en-GB\"><noscript>Please turn on JavaScript to see your photos.</noscript>"
        );
        let script = "// The {{…}} words\nconst P = `<h1>{{offline-page-title}}</h1>`;";
        assert_eq!(
            fill(script, true).unwrap(),
            "// The {{…}} words\nconst P = `<h1>You're offline</h1>`;"
        );
        assert!(
            fill("{{no-such-words}}", false)
                .unwrap_err()
                .contains("no-such-words")
        );
    }

    #[test]
    fn the_sources_name_only_words_there_are() {
        let root = crate::root();
        for (file, in_script) in [("index.html", false), ("public/sw.js", true)] {
            let text = std::fs::read_to_string(root.join(file)).unwrap();
            let filled = fill(&text, in_script).unwrap();
            assert!(!filled.contains("{{lang}}") && filled != text, "{file}");
        }
    }
}
