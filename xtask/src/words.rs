//! `cargo xtask lint`'s check that the customer's views write no words of
//! their own: every word a customer reads or hears comes from
//! `proofline_core::wording` (the catalogue a translation starts from).
//! The studio's own pages are left out (they are the studio's, in English).
//! It also checks that the catalogue's Rust modules keep no sentences of
//! their own: their words are the Fluent messages in
//! `crates/core/locales/en-GB`, which is what a translation replaces.

use std::path::Path;

/// Files under `src/ui` only the studio's app shows.
const STUDIO_ONLY: &[&str] = &[
    "pages/studio.rs",
    "studio_app.rs",
    "components/brand_panel.rs",
    "components/comment_reply.rs",
    "components/compare_links.rs",
    "components/gallery_settings.rs",
    "components/link_downloads.rs",
    "components/link_reminders.rs",
];

/// The `wording` modules whose words are all in the Fluent catalogue.
const CATALOGUE_MODULES: &[&str] = &[
    "choices.rs",
    "downloads.rs",
    "errors.rs",
    "gallery.rs",
    "labels.rs",
    "locale.rs",
    "numbers.rs",
    "reminders.rs",
    "rules.rs",
];

/// Checks every customer view under `root/src/ui`, and the catalogue's
/// modules; the error lists each word written in one, as `file:line: text`.
pub fn check(root: &Path) -> anyhow::Result<()> {
    let ui = root.join("src/ui");
    let mut found = Vec::new();
    for module in CATALOGUE_MODULES {
        let path = root.join("crates/core/src/wording").join(module);
        let text = std::fs::read_to_string(&path)?;
        for (line, words) in sentences_in(&text) {
            found.push(format!("crates/core/src/wording/{module}:{line}: {words}"));
        }
    }
    for entry in walk(&ui)? {
        let relative = entry
            .strip_prefix(&ui)?
            .to_string_lossy()
            .replace('\\', "/");
        if STUDIO_ONLY.contains(&relative.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&entry)?;
        for (line, words) in words_in(&text) {
            found.push(format!("src/ui/{relative}:{line}: {words}"));
        }
    }
    anyhow::ensure!(
        found.is_empty(),
        "words written in the customer's views (put them in proofline_core::wording):\n  {}",
        found.join("\n  ")
    );
    Ok(())
}

fn walk(dir: &Path) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            files.extend(walk(&path)?);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// The lines of `source` before its tests, comments left out, with their
/// index (0-based).
fn code_lines(source: &str) -> impl Iterator<Item = (usize, &str)> {
    source
        .lines()
        .enumerate()
        .take_while(|(_, line)| !line.trim_start().starts_with("#[cfg(test)]"))
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
}

/// The lines of `source` (1-based) that write words where a view shows or
/// announces them: a text child (`>"Save"<`, or a line of its own that
/// starts a sentence), or a named attribute (`aria-label`, `title`,
/// `placeholder`, `alt`, `label`). Tests and comments are not views.
fn words_in(source: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (i, line) in code_lines(source) {
        let shown = literals(line).into_iter().filter(|(at, end, text)| {
            let before = line[..*at].trim_end();
            let after = line[*end..].trim();
            let own_line = before.is_empty()
                && (after.is_empty() || after == ",")
                && text.starts_with(|c: char| c.is_ascii_uppercase());
            let child = before.ends_with('>') && !before.ends_with("=>");
            let attribute = ["aria-label=", "title=", "placeholder=", "alt=", "label="]
                .iter()
                .any(|a| before.ends_with(a) || before.ends_with(&format!("{a}format!(")));
            (child || own_line || attribute) && has_words(text)
        });
        for (_, _, text) in shown {
            found.push((i + 1, text));
        }
    }
    found
}

/// The lines of `source` (1-based, tests and comments left out) with a
/// string literal of two words or more: a sentence, not a key.
fn sentences_in(source: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (i, line) in code_lines(source) {
        for (_, _, text) in literals(line) {
            if text.split_whitespace().filter(|w| has_words(w)).count() >= 2 {
                found.push((i + 1, text));
            }
        }
    }
    found
}

/// Each string literal on `line`: where its opening quote is, where the
/// line goes on after it, and its text.
fn literals(line: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut chars = line.char_indices();
    while let Some((at, c)) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut text = String::new();
        let mut escaped = false;
        let mut end = line.len();
        for (i, c) in chars.by_ref() {
            match (c, escaped) {
                ('\\', false) => escaped = true,
                ('"', false) => {
                    end = i + 1;
                    break;
                }
                (c, _) => {
                    text.push(c);
                    escaped = false;
                }
            }
        }
        out.push((at, end, text));
    }
    out
}

/// Whether `text` holds a word once `format!`'s `{...}` are taken out.
fn has_words(text: &str) -> bool {
    let mut depth = 0;
    let mut run = 0;
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            c if depth == 0 && c.is_alphabetic() => {
                run += 1;
                if run >= 2 {
                    return true;
                }
            }
            _ => run = 0,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_in_the_catalogue_modules_are_found_and_keys_are_not() {
        let module = r#"
            // "In a comment"
            Verdict::ChangesRequested => "changes",
            Some(free) => format!("{question} {}", save_offline_room(byte_size(free))),
            None => "This gallery is no longer available".into(),
            #[cfg(test)]
            assert_eq!(x, "In a test");
        "#;
        assert_eq!(
            sentences_in(module),
            vec![(5, "This gallery is no longer available".to_string())]
        );
    }

    #[test]
    fn words_in_a_view_are_found_and_names_from_the_catalogue_are_not() {
        let view = r#"
            // <button>"In a comment"</button>
            <button type="button" class="action" on:click=ask>"Submit selection"</button>
            <section aria-label="Your selection">
            <section aria-label=YOUR_SELECTION>
            aria-label=format!("{name} {alt}")
            aria-label=format!("Open {alt}")
                "Request changes"
                {APPROVE}
            <div class="choice select" id="tile-1">"✓"</div>
            placeholder="https://…/#/g/…"
            "button:not([disabled]), a[href]",
                "ArrowLeft" => go(&prev),
                Kind::Gallery => "pin",
        "#;
        let found: Vec<_> = words_in(view).into_iter().map(|(_, t)| t).collect();
        assert_eq!(
            found,
            [
                "Submit selection",
                "Your selection",
                "Open {alt}",
                "Request changes",
                "https://…/#/g/…"
            ]
        );
    }

    #[test]
    fn the_customers_views_write_no_words_of_their_own() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        check(root).unwrap();
    }
}
