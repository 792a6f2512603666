//! Compiles Proofline's Fluent catalogue into Rust, at build time.
//!
//! Every word a customer reads is a message in `crates/core/locales/<locale>/*.ftl`
//! (Fluent syntax, <https://projectfluent.org/>). English (UK), `en-GB`, is
//! the reference: it decides each message's name and arguments. A build
//! for another locale (`PROOFLINE_LOCALE=fr`) takes each message's words
//! from that locale's files instead, and fails, naming every gap, if one is
//! missing or uses an argument English does not have.
//!
//! Each message becomes one Rust item in a module named after its file
//! (`labels.ftl` → `OUT_DIR/labels.rs`, included by `wording::labels`):
//! - no arguments: a `&str` constant, `open-gallery` → `OPEN_GALLERY`;
//! - arguments: a function returning `String`, `wrong-pin` → `wrong_pin`,
//!   whose parameters are the message's variables in the order English
//!   first uses them.
//!
//! The supported part of Fluent is what the catalogue needs: text, `{ $var }`,
//! string and number literals, references to other messages and to terms
//! (inlined), `NUMBER($n)`, and selectors over a number (exact values and
//! the locale's plural categories) or over a word. Anything else, attributes
//! included, is refused with the file and line. Compiling rather than
//! interpreting keeps a Fluent runtime (and its plural tables) out of the
//! customer's wasm: the app carries only the words.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use fluent_syntax::ast;

/// The locale whose messages define the catalogue.
pub const REFERENCE: &str = "en-GB";

/// CLDR's plural categories, the names a number selector's keys may use.
const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// One `.ftl` file: its name without `.ftl`, and its text.
#[derive(Debug, Clone)]
pub struct File {
    pub stem: String,
    pub source: String,
}

/// How a message uses one of its variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Shown as given: any `Display`.
    Text,
    /// A number: selected on by value or plural category, shown grouped.
    Count,
    /// A word a selector picks a variant by.
    Choice,
}

#[derive(Debug, Clone)]
enum Key {
    Number(i64),
    Category(String),
    Word(String),
}

/// A message after parsing, references inlined.
#[derive(Debug, Clone)]
enum Piece {
    Text(String),
    Var(String),
    /// `NUMBER($n)`: a variable that is a number, shown grouped.
    Number(String),
    Select {
        var: String,
        arms: Vec<(Key, Vec<Piece>)>,
        default: Vec<Piece>,
    },
}

struct Message<'s> {
    file: &'s str,
    line: usize,
    comment: Vec<String>,
    pattern: &'s ast::Pattern<&'s str>,
}

/// One locale's messages and terms, from all its files.
struct Namespace<'s> {
    messages: BTreeMap<&'s str, Message<'s>>,
    terms: BTreeMap<&'s str, &'s ast::Pattern<&'s str>>,
    /// Each file's message ids, in the file's order.
    order: Vec<(&'s str, Vec<&'s str>)>,
}

fn line_of(source: &str, at: usize) -> usize {
    source[..at.min(source.len())].matches('\n').count() + 1
}

fn parse<'s>(
    locale: &str,
    files: &'s [File],
    resources: &'s [ast::Resource<&'s str>],
    problems: &mut Vec<String>,
) -> Namespace<'s> {
    let mut space = Namespace {
        messages: BTreeMap::new(),
        terms: BTreeMap::new(),
        order: Vec::new(),
    };
    for (file, resource) in files.iter().zip(resources) {
        let mut ids = Vec::new();
        let source = file.source.as_str();
        let offset = |s: &str| s.as_ptr() as usize - source.as_ptr() as usize;
        for entry in &resource.body {
            match entry {
                ast::Entry::Message(m) => {
                    let line = line_of(source, offset(m.id.name));
                    let at = format!("{locale}/{}.ftl:{line}", file.stem);
                    if !m.attributes.is_empty() {
                        problems.push(format!(
                            "{at}: `{}` has attributes, which the catalogue does not use",
                            m.id.name
                        ));
                    }
                    let Some(pattern) = &m.value else {
                        problems.push(format!("{at}: `{}` has no value", m.id.name));
                        continue;
                    };
                    let comment = m
                        .comment
                        .as_ref()
                        .map(|c| c.content.iter().map(|l| l.to_string()).collect())
                        .unwrap_or_default();
                    if space.messages.contains_key(m.id.name) {
                        problems.push(format!("{at}: `{}` is defined twice", m.id.name));
                    }
                    ids.push(m.id.name);
                    space.messages.insert(
                        m.id.name,
                        Message {
                            file: &file.stem,
                            line,
                            comment,
                            pattern,
                        },
                    );
                }
                ast::Entry::Term(t) => {
                    space.terms.insert(t.id.name, &t.value);
                }
                ast::Entry::Junk { content } => {
                    let line = line_of(source, offset(content));
                    let first = content.lines().next().unwrap_or_default();
                    problems.push(format!(
                        "{locale}/{}.ftl:{line}: not Fluent: {first}",
                        file.stem
                    ));
                }
                _ => {}
            }
        }
        space.order.push((&file.stem, ids));
    }
    space
}

fn unescape(literal: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = literal.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some(u @ ('u' | 'U')) => {
                let digits: String = chars.by_ref().take(if u == 'u' { 4 } else { 6 }).collect();
                let c = u32::from_str_radix(&digits, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| format!("bad escape \\{u}{digits}"))?;
                out.push(c);
            }
            other => return Err(format!("bad escape \\{}", other.unwrap_or(' '))),
        }
    }
    Ok(out)
}

impl Namespace<'_> {
    fn lower(&self, pattern: &ast::Pattern<&str>, depth: usize) -> Result<Vec<Piece>, String> {
        if depth > 8 {
            return Err("references nest too deep (a cycle?)".into());
        }
        let mut pieces = Vec::new();
        for element in &pattern.elements {
            match element {
                ast::PatternElement::TextElement { value } => {
                    pieces.push(Piece::Text(value.to_string()))
                }
                ast::PatternElement::Placeable { expression } => {
                    pieces.extend(self.expression(expression, depth)?)
                }
            }
        }
        Ok(pieces)
    }

    fn expression(&self, e: &ast::Expression<&str>, depth: usize) -> Result<Vec<Piece>, String> {
        match e {
            ast::Expression::Inline(inline) => self.inline(inline, depth),
            ast::Expression::Select { selector, variants } => {
                let var = match selector {
                    ast::InlineExpression::VariableReference { id } => id.name,
                    ast::InlineExpression::FunctionReference { id, arguments }
                        if id.name == "NUMBER" =>
                    {
                        number_argument(arguments)?
                    }
                    _ => return Err("a selector must be a variable".into()),
                };
                let mut arms = Vec::new();
                let mut default = None;
                for v in variants {
                    let value = self.lower(&v.value, depth + 1)?;
                    if v.default {
                        default = Some(value);
                        continue;
                    }
                    let key = match &v.key {
                        ast::VariantKey::NumberLiteral { value } => Key::Number(
                            value
                                .parse()
                                .map_err(|_| format!("[{value}]: only whole numbers are keys"))?,
                        ),
                        ast::VariantKey::Identifier { name } if CATEGORIES.contains(name) => {
                            Key::Category(name.to_string())
                        }
                        ast::VariantKey::Identifier { name } => Key::Word(name.to_string()),
                    };
                    arms.push((key, value));
                }
                Ok(vec![Piece::Select {
                    var: var.to_string(),
                    arms,
                    default: default.ok_or("a selector needs a default variant")?,
                }])
            }
        }
    }

    fn inline(&self, e: &ast::InlineExpression<&str>, depth: usize) -> Result<Vec<Piece>, String> {
        Ok(match e {
            ast::InlineExpression::StringLiteral { value } => vec![Piece::Text(unescape(value)?)],
            ast::InlineExpression::NumberLiteral { value } => vec![Piece::Text(value.to_string())],
            ast::InlineExpression::VariableReference { id } => vec![Piece::Var(id.name.into())],
            ast::InlineExpression::FunctionReference { id, arguments } if id.name == "NUMBER" => {
                vec![Piece::Number(number_argument(arguments)?.into())]
            }
            ast::InlineExpression::FunctionReference { id, .. } => {
                return Err(format!("{}() is not supported", id.name));
            }
            ast::InlineExpression::MessageReference { id, attribute } => {
                if attribute.is_some() {
                    return Err(format!("`{}`: attributes are not supported", id.name));
                }
                let m = self
                    .messages
                    .get(id.name)
                    .ok_or_else(|| format!("no message `{}`", id.name))?;
                self.lower(m.pattern, depth + 1)?
            }
            ast::InlineExpression::TermReference {
                id,
                attribute,
                arguments,
            } => {
                if attribute.is_some() || arguments.is_some() {
                    return Err(format!("-{}: term arguments are not supported", id.name));
                }
                let t = self
                    .terms
                    .get(id.name)
                    .ok_or_else(|| format!("no term `-{}`", id.name))?;
                self.lower(t, depth + 1)?
            }
            ast::InlineExpression::Placeable { expression } => {
                self.expression(expression, depth)?
            }
        })
    }
}

fn number_argument<'s>(arguments: &ast::CallArguments<&'s str>) -> Result<&'s str, String> {
    match arguments.positional.as_slice() {
        [ast::InlineExpression::VariableReference { id }] if arguments.named.is_empty() => {
            Ok(id.name)
        }
        _ => Err("NUMBER() takes one variable and no options here".into()),
    }
}

/// Each variable of `pieces`, in order of first use, with how it is used.
fn variables(pieces: &[Piece], vars: &mut Vec<(String, Kind)>) -> Result<(), String> {
    fn note(vars: &mut Vec<(String, Kind)>, name: &str, kind: Kind) -> Result<(), String> {
        match vars.iter_mut().find(|(n, _)| n == name) {
            None => vars.push((name.to_string(), kind)),
            Some((_, k)) if *k == kind || kind == Kind::Text => {}
            Some((_, k)) if *k == Kind::Text => *k = kind,
            Some(_) => return Err(format!("${name} is both a number and a word")),
        }
        Ok(())
    }
    for piece in pieces {
        match piece {
            Piece::Text(_) => {}
            Piece::Var(name) => note(vars, name, Kind::Text)?,
            Piece::Number(name) => note(vars, name, Kind::Count)?,
            Piece::Select { var, arms, default } => {
                let words = arms.iter().any(|(k, _)| matches!(k, Key::Word(_)));
                let numbers = arms.iter().any(|(k, _)| !matches!(k, Key::Word(_)));
                if words && numbers {
                    return Err(format!("${var}'s variants mix words and numbers"));
                }
                note(vars, var, if words { Kind::Choice } else { Kind::Count })?;
                for (_, arm) in arms {
                    variables(arm, vars)?;
                }
                variables(default, vars)?;
            }
        }
    }
    Ok(())
}

fn rust_name(id: &str) -> String {
    id.replace('-', "_")
}

/// The Rust code for one message: a constant, or a function.
fn emit(
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
fn expression(
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

/// The Rust body of `plural(n: i64) -> Plural` for `locale`'s language
/// (CLDR's rules for whole numbers), if known.
pub fn plural_rule(locale: &str) -> Option<&'static str> {
    let language = locale.split(['-', '_']).next().unwrap_or_default();
    Some(match language {
        "en" | "de" | "nl" | "sv" | "da" | "nb" | "nn" | "no" | "it" | "es" | "pt" | "fi"
        | "el" | "hu" | "et" | "ca" => "if n == 1 { Plural::One } else { Plural::Other }",
        "fr" => "if n == 0 || n == 1 { Plural::One } else { Plural::Other }",
        "ja" | "zh" | "ko" | "th" | "vi" | "id" => "Plural::Other",
        _ => return None,
    })
}

/// Compiles `translation` (the files of `locale`) against `reference` (the
/// English (UK) files): one Rust source per reference file, by stem. Every
/// problem found is returned, not only the first.
pub fn compile(
    reference: &[File],
    translation: &[File],
    locale: &str,
    prelude: &str,
) -> Result<Vec<(String, String)>, Vec<String>> {
    let mut problems = Vec::new();
    fn parse_all(files: &[File]) -> Vec<ast::Resource<&str>> {
        files
            .iter()
            .map(|f| match fluent_syntax::parser::parse(f.source.as_str()) {
                Ok(r) => r,
                Err((r, _)) => r,
            })
            .collect()
    }
    let (ref_ast, tr_ast) = (parse_all(reference), parse_all(translation));
    let english = parse(REFERENCE, reference, &ref_ast, &mut problems);
    let words = parse(locale, translation, &tr_ast, &mut problems);
    if plural_rule(locale).is_none() {
        problems.push(format!(
            "{locale}: no plural rule is known for this language; add it to proofline-ftl's plural_rule"
        ));
    }
    let mut out = Vec::new();
    for (stem, ids) in &english.order {
        let mut code = format!(
            "// Generated by proofline-ftl from locales/{REFERENCE}/{stem}.ftl and \
             locales/{locale}: edit the .ftl files, not this.\n\n"
        );
        for id in ids {
            let m = &english.messages[id];
            let at = format!("{REFERENCE}/{}.ftl:{}", m.file, m.line);
            let mut signature = Vec::new();
            if let Err(e) = english
                .lower(m.pattern, 0)
                .and_then(|p| variables(&p, &mut signature))
            {
                problems.push(format!("{at}: `{id}`: {e}"));
                continue;
            }
            let Some(t) = words.messages.get(id) else {
                problems.push(format!("{locale}: `{id}` is missing (see {at})"));
                continue;
            };
            let here = format!("{locale}/{}.ftl:{}", t.file, t.line);
            let pieces = match words.lower(t.pattern, 0) {
                Ok(p) => p,
                Err(e) => {
                    problems.push(format!("{here}: `{id}`: {e}"));
                    continue;
                }
            };
            let mut used = Vec::new();
            if let Err(e) = variables(&pieces, &mut used) {
                problems.push(format!("{here}: `{id}`: {e}"));
                continue;
            }
            let mut fits = true;
            for (name, kind) in &used {
                match signature.iter().find(|(n, _)| n == name) {
                    None => {
                        problems.push(format!(
                            "{here}: `{id}` uses ${name}, which {REFERENCE} does not give it"
                        ));
                        fits = false;
                    }
                    Some((_, k)) if *kind != Kind::Text && k != kind => {
                        problems.push(format!(
                            "{here}: `{id}` uses ${name} as a {}, {REFERENCE} as a {}",
                            kind_name(*kind),
                            kind_name(*k)
                        ));
                        fits = false;
                    }
                    Some(_) => {}
                }
            }
            if fits {
                code.push_str(&emit(id, &m.comment, &signature, &pieces, prelude));
                code.push('\n');
            }
        }
        out.push((stem.to_string(), code));
    }
    for id in words.messages.keys() {
        if !english.messages.contains_key(id) {
            problems.push(format!(
                "{locale}: `{id}` is not in {REFERENCE}, so nothing uses it"
            ));
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Text => "text",
        Kind::Count => "number",
        Kind::Choice => "word",
    }
}

fn read_dir(dir: &Path) -> Result<Vec<File>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_some_and(|e| e == "ftl") {
            let source =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let stem = path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into();
            files.push(File { stem, source });
        }
    }
    files.sort_by(|a, b| a.stem.cmp(&b.stem));
    Ok(files)
}

/// For a build script: compiles `locales/<locale>` against
/// `locales/en-GB` into `out` (one `<stem>.rs` per file, and `plural.rs`).
/// Returns the directories read, for `cargo:rerun-if-changed`.
pub fn build(
    locales: &Path,
    locale: &str,
    prelude: &str,
    out: &Path,
) -> Result<Vec<PathBuf>, String> {
    let (english_dir, locale_dir) = (locales.join(REFERENCE), locales.join(locale));
    let reference = read_dir(&english_dir)?;
    let translation = read_dir(&locale_dir)?;
    let sources = compile(&reference, &translation, locale, prelude).map_err(|problems| {
        format!(
            "the {locale} catalogue does not compile:\n  {}",
            problems.join("\n  ")
        )
    })?;
    let write = |name: &str, code: &str| {
        let path = out.join(name);
        std::fs::write(&path, code).map_err(|e| format!("{}: {e}", path.display()))
    };
    for (stem, code) in &sources {
        write(&format!("{stem}.rs"), code)?;
    }
    let rule = plural_rule(locale).unwrap_or("Plural::Other");
    write(
        "plural.rs",
        &format!(
            "// Generated by proofline-ftl.\n\n/// The locale this build's words are in.\n\
             pub const LOCALE: &str = {locale:?};\n\n\
             /// The plural category of a whole number in {locale}.\n\
             pub fn plural(n: i64) -> Plural {{\n    let _ = n;\n    {rule}\n}}\n"
        ),
    )?;
    Ok(vec![english_dir, locale_dir])
}

#[cfg(test)]
mod tests;
