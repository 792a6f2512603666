//! Reading a locale's Fluent files: every message and term, with
//! references inlined, as [`Piece`]s, and the variables each uses.

use std::collections::BTreeMap;

use fluent_syntax::ast;

use crate::{File, Kind};

/// CLDR's plural categories, the names a number selector's keys may use.
const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

#[derive(Debug, Clone)]
pub(crate) enum Key {
    Number(i64),
    Category(String),
    Word(String),
}

/// A message after parsing, references inlined.
#[derive(Debug, Clone)]
pub(crate) enum Piece {
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

pub(crate) struct Message<'s> {
    pub(crate) file: &'s str,
    pub(crate) line: usize,
    pub(crate) comment: Vec<String>,
    pub(crate) pattern: &'s ast::Pattern<&'s str>,
}

/// One locale's messages and terms, from all its files.
pub(crate) struct Namespace<'s> {
    pub(crate) messages: BTreeMap<&'s str, Message<'s>>,
    pub(crate) terms: BTreeMap<&'s str, &'s ast::Pattern<&'s str>>,
    /// Each file's message ids, in the file's order.
    pub(crate) order: Vec<(&'s str, Vec<&'s str>)>,
}

pub(crate) fn line_of(source: &str, at: usize) -> usize {
    source[..at.min(source.len())].matches('\n').count() + 1
}

pub(crate) fn parse<'s>(
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

pub(crate) fn unescape(literal: &str) -> Result<String, String> {
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
    pub(crate) fn lower(
        &self,
        pattern: &ast::Pattern<&str>,
        depth: usize,
    ) -> Result<Vec<Piece>, String> {
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

pub(crate) fn number_argument<'s>(
    arguments: &ast::CallArguments<&'s str>,
) -> Result<&'s str, String> {
    match arguments.positional.as_slice() {
        [ast::InlineExpression::VariableReference { id }] if arguments.named.is_empty() => {
            Ok(id.name)
        }
        _ => Err("NUMBER() takes one variable and no options here".into()),
    }
}

/// Each variable of `pieces`, in order of first use, with how it is used.
pub(crate) fn variables(pieces: &[Piece], vars: &mut Vec<(String, Kind)>) -> Result<(), String> {
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
