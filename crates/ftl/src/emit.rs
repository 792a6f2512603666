//! Writing a message as Rust: a constant, or a function around one
//! `format!`.

use std::fmt::Write as _;

use crate::Kind;
use crate::read::{Key, Piece, variables};

pub(crate) fn rust_name(id: &str) -> String {
    id.replace('-', "_")
}

/// The Rust code for one message: a constant, or a function.
pub(crate) fn emit(
    id: &str,
    doc: &[String],
    signature: &[(String, Kind)],
    pieces: &[Piece],
    prelude: &str,
) -> String {
    let mut code = String::new();
    for line in doc {
        let _ = writeln!(code, "///{}{line}", if line.is_empty() { "" } else { " " });
    }
    if signature.is_empty() {
        let text: String = pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.as_str(),
                _ => unreachable!("a message without variables has only text"),
            })
            .collect();
        let _ = writeln!(
            code,
            "pub const {}: &str = {text:?};",
            rust_name(id).to_uppercase()
        );
        return code;
    }
    // A generic shell around one plain function, so each message's code is
    // in the app once, whatever types its callers pass.
    let typed = |generic: bool| -> Vec<String> {
        signature
            .iter()
            .map(|(name, kind)| {
                let ty = match (kind, generic) {
                    (Kind::Text, true) => "impl ::core::fmt::Display".to_string(),
                    (Kind::Text, false) => "&dyn ::core::fmt::Display".to_string(),
                    (Kind::Count, true) => format!("impl {prelude}::Count"),
                    (Kind::Count, false) => "i64".to_string(),
                    (Kind::Choice, _) => "&str".to_string(),
                };
                format!("{}: {ty}", rust_name(name))
            })
            .collect()
    };
    let args: Vec<String> = signature
        .iter()
        .map(|(name, kind)| match kind {
            Kind::Text => format!("&{}", rust_name(name)),
            Kind::Count => format!("{prelude}::Count::value(&{})", rust_name(name)),
            Kind::Choice => rust_name(name),
        })
        .collect();
    let _ = writeln!(
        code,
        "pub fn {}({}) -> String {{
    fn words({}) -> String {{",
        rust_name(id),
        typed(true).join(", "),
        typed(false).join(", ")
    );
    let mut used = Vec::new();
    let _ = variables(pieces, &mut used);
    for (name, _) in signature {
        if !used.iter().any(|(u, _)| u == name) {
            // A translation may leave an argument out.
            let _ = writeln!(code, "        let _ = {};", rust_name(name));
        }
    }
    let mut lets = Vec::new();
    let words = expression(pieces, signature, prelude, &mut lets);
    for line in lets {
        let _ = writeln!(code, "        {line}");
    }
    let _ = writeln!(
        code,
        "        {words}\n    }}\n    words({})\n}}",
        args.join(", ")
    );
    code
}

/// A Rust expression (a `String`) saying `pieces`: one `format!` whose
/// selectors and grouped numbers are bound first, as `lets`.
pub(crate) fn expression(
    pieces: &[Piece],
    signature: &[(String, Kind)],
    prelude: &str,
    lets: &mut Vec<String>,
) -> String {
    let kind = |var: &str| signature.iter().find(|(n, _)| n == var).map(|(_, k)| *k);
    // Every arm of a selector whose arms are all plain text is a `&str`.
    let plain = |p: &[Piece]| p.iter().all(|p| matches!(p, Piece::Text(_)));
    let text = |p: &[Piece]| -> String {
        p.iter()
            .map(|p| match p {
                Piece::Text(t) => t.as_str(),
                _ => "",
            })
            .collect()
    };
    let mut format = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(t) => format.push_str(&t.replace('{', "{{").replace('}', "}}")),
            Piece::Var(var) | Piece::Number(var) => {
                let name = rust_name(var);
                if kind(var) == Some(Kind::Count) {
                    let bound = format!("let {name}_grouped = {prelude}::grouped({name});");
                    if !lets.contains(&bound) {
                        lets.push(bound);
                    }
                    let _ = write!(format, "{{{name}_grouped}}");
                } else {
                    let _ = write!(format, "{{{name}}}");
                }
            }
            Piece::Select { var, arms, default } => {
                let name = rust_name(var);
                // Exact values win over plural categories, as in Fluent.
                let mut ordered: Vec<&(Key, Vec<Piece>)> = arms
                    .iter()
                    .filter(|(k, _)| matches!(k, Key::Number(_) | Key::Word(_)))
                    .collect();
                ordered.extend(arms.iter().filter(|(k, _)| matches!(k, Key::Category(_))));
                let all_plain = plain(default) && ordered.iter().all(|(_, arm)| plain(arm));
                let said = |p: &[Piece], lets: &mut Vec<String>| {
                    if all_plain {
                        format!("{:?}", text(p))
                    } else {
                        expression(p, signature, prelude, lets)
                    }
                };
                let mut chain = String::new();
                for (key, arm) in ordered {
                    let test = match key {
                        Key::Number(n) => format!("{name} == {n}"),
                        Key::Word(w) => format!("{name} == {w:?}"),
                        Key::Category(c) => {
                            let mut cat = c.clone();
                            cat[..1].make_ascii_uppercase();
                            format!("{prelude}::plural({name}) == {prelude}::Plural::{cat}")
                        }
                    };
                    let _ = write!(chain, "if {test} {{ {} }} else ", said(arm, lets));
                }
                let default = said(default, lets);
                let chosen = format!("chosen_{}", lets.len());
                lets.push(format!("let {chosen} = {chain}{{ {default} }};"));
                let _ = write!(format, "{{{chosen}}}");
            }
        }
    }
    let single = format.strip_prefix('{').and_then(|f| f.strip_suffix('}'));
    if let Some(name) = single.filter(|n| !n.contains(['{', '}'])) {
        format!("{name}.to_string()")
    } else if format.contains('{') {
        format!("format!({format:?})")
    } else {
        format!(
            "String::from({:?})",
            format.replace("{{", "{").replace("}}", "}")
        )
    }
}
