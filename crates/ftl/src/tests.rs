use super::*;
use crate::read::unescape;

fn files(stem: &str, source: &str) -> Vec<File> {
    vec![File {
        stem: stem.into(),
        source: source.into(),
    }]
}

const ENGLISH: &str = r#"
# The grid's name.
photos = Photos
open-photo = Open { $alt }
-brand = Proofline
small-print = Proof gallery by { -brand }
photo-count = { $n ->
    [one] 1 photo
   *[other] { $n } photos
}
position = { $n } of { $total }
banner = { $copy ->
    [mirror] The studio's copy, from { $at }
   *[device] This device's copy, from { $at }
}
title-with = “{ $title }” · { photos }
"#;

fn compiled(reference: &str, translation: &str, locale: &str) -> Result<String, Vec<String>> {
    compile(
        &files("labels", reference),
        &files("labels", translation),
        locale,
        "crate::p",
    )
    .map(|mut out| out.remove(0).1)
}

#[test]
fn messages_without_variables_are_constants_and_the_rest_functions() {
    let code = compiled(ENGLISH, ENGLISH, "en-GB").unwrap();
    assert!(code.contains("/// The grid's name.\npub const PHOTOS: &str = \"Photos\";"));
    assert!(code.contains("pub const SMALL_PRINT: &str = \"Proof gallery by Proofline\";"));
    assert!(code.contains("pub fn open_photo(alt: impl ::core::fmt::Display) -> String {\n    fn words(alt: &dyn ::core::fmt::Display) -> String {"));
    assert!(code.contains(
        "pub fn position(n: impl ::core::fmt::Display, total: impl ::core::fmt::Display) -> String"
    ));
    assert!(code.contains("pub fn photo_count(n: impl crate::p::Count) -> String {"));
    assert!(code.contains("if crate::p::plural(n) == crate::p::Plural::One {"));
    assert!(
        code.contains("let n_grouped = crate::p::grouped(n);"),
        "{code}"
    );
    assert!(code.contains("format!(\"{n_grouped} photos\")"), "{code}");
    assert!(code.contains("pub fn banner(copy: &str, at: impl ::core::fmt::Display) -> String"));
    // A referenced message is inlined.
    assert!(code.contains("pub fn title_with(title: impl ::core::fmt::Display) -> String"));
    assert!(code.contains("format!(\"“{title}” · Photos\")"), "{code}");
    // A selector whose variants hold variables says each with format!.
    assert!(
        code.contains("if copy == \"mirror\" { format!(\"The studio's copy, from {at}\") }"),
        "{code}"
    );
}

#[test]
fn exact_numbers_are_tested_before_plural_categories() {
    let english =
        "left = { $n ->\n    [one] one try\n    [0] no tries\n   *[other] { $n } tries\n}\n";
    let code = compiled(english, english, "en-GB").unwrap();
    assert!(
        code.contains("if n == 0 { String::from(\"no tries\") }"),
        "{code}"
    );
    let exact = code.find("if n == 0 {").expect("exact value first");
    let one = code.find("plural(n) == crate::p::Plural::One").unwrap();
    assert!(exact < one, "{code}");
}

#[test]
fn a_translation_keeps_english_parameters_in_english_order() {
    let french = "photos = Photos\nopen-photo = Ouvrir { $alt }\nsmall-print = Galerie par Proofline\n\
        photo-count = { $n ->\n    [one] { $n } photo\n   *[other] { $n } photos\n}\n\
        position = { $total } : { $n }\nbanner = { $copy ->\n    [mirror] Copie du studio\n   *[device] Copie de l’appareil, { $at }\n}\n\
        title-with = « { $title } »\n";
    let code = compiled(ENGLISH, french, "fr").unwrap();
    assert!(code.contains(
        "pub fn position(n: impl ::core::fmt::Display, total: impl ::core::fmt::Display) -> String"
    ));
    assert!(code.contains("format!(\"Ouvrir {alt}\")"), "{code}");
    // "Copie du studio" leaves $at out: the argument stays, unused.
    assert!(code.contains("format!(\"{total} : {n}\")"), "{code}");
    // French's rule: 0 and 1 are "one".
    assert_eq!(
        plural_rule("fr"),
        Some("if n == 0 || n == 1 { Plural::One } else { Plural::Other }")
    );
}

#[test]
fn every_gap_in_a_translation_is_named_with_its_place() {
    let german = "photos = Fotos\nopen-photo = { $photo } öffnen\nextra = Mehr\n";
    let problems = compiled(ENGLISH, german, "de").unwrap_err();
    let all = problems.join("\n");
    assert!(
        all.contains("de/labels.ftl:2: `open-photo` uses $photo, which en-GB does not give it"),
        "{all}"
    );
    assert!(
        all.contains("de: `small-print` is missing (see en-GB/labels.ftl:6)"),
        "{all}"
    );
    assert!(all.contains("de: `position` is missing"), "{all}");
    assert!(
        all.contains("de: `extra` is not in en-GB, so nothing uses it"),
        "{all}"
    );
}

#[test]
fn broken_fluent_and_unsupported_parts_are_refused_with_their_line() {
    let broken = "photos = Photos\nthis is not fluent\nhint = Hint\n    .title = A title\n\
        upper = { UPPER($x) }\nloop = { loop }\n";
    let all = compiled(broken, broken, "en-GB").unwrap_err().join("\n");
    assert!(
        all.contains("en-GB/labels.ftl:2: not Fluent: this is not fluent"),
        "{all}"
    );
    assert!(all.contains("`hint` has attributes"), "{all}");
    assert!(all.contains("`upper`: UPPER() is not supported"), "{all}");
    assert!(all.contains("`loop`: references nest too deep"), "{all}");
}

#[test]
fn a_language_without_a_known_plural_rule_is_refused() {
    let all = compiled("photos = Photos\n", "photos = Zdjęcia\n", "pl")
        .unwrap_err()
        .join("\n");
    assert!(all.contains("pl: no plural rule is known"), "{all}");
}

#[test]
fn escapes_in_string_literals_are_read() {
    assert_eq!(
        unescape(r#"a\"b\\c\u00A0d\U01F600"#).unwrap(),
        "a\"b\\c\u{a0}d😀"
    );
    assert!(unescape(r"\q").is_err());
}

#[test]
fn number_makes_a_variable_a_grouped_number() {
    let english = "scrub = { NUMBER($n) } of { NUMBER($total) }\n";
    let code = compiled(english, english, "en-GB").unwrap();
    assert!(
        code.contains("pub fn scrub(n: impl crate::p::Count, total: impl crate::p::Count)"),
        "{code}"
    );
    assert!(
        code.contains("format!(\"{n_grouped} of {total_grouped}\")"),
        "{code}"
    );
}

#[test]
fn a_selector_of_plain_words_picks_a_str() {
    let english = "weekday = { $day ->\n    [0] Sun\n   *[1] Mon\n}\n";
    let code = compiled(english, english, "en-GB").unwrap();
    assert!(
        code.contains("let chosen_0 = if day == 0 { \"Sun\" } else { \"Mon\" };"),
        "{code}"
    );
    assert!(code.contains("chosen_0.to_string()"), "{code}");
}
