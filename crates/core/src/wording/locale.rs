//! The language this build speaks, and what the compiled catalogue's
//! messages need at run time: plural categories and grouped numbers.
//!
//! The words themselves are Fluent messages in `crates/core/locales/en-GB/`
//! (one `.ftl` file per module of `wording`), compiled into Rust constants
//! and functions by `proofline-ftl` when the crate builds. Another
//! language is a copy of that folder, translated (`locales/fr/…`), built
//! with `PROOFLINE_LOCALE=fr`: the build refuses a translation that misses
//! a message or uses an argument English does not give.

include!(concat!(env!("OUT_DIR"), "/plural.rs"));

/// CLDR's plural categories, as a catalogue's number selectors name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plural {
    Zero,
    One,
    Two,
    Few,
    Many,
    Other,
}

/// A whole number a message counts with.
pub trait Count {
    fn value(&self) -> i64;
}

macro_rules! count {
    ($($t:ty),*) => {$(
        impl Count for $t {
            fn value(&self) -> i64 {
                i64::try_from(*self).unwrap_or(i64::MAX)
            }
        }
    )*};
}
count!(u8, u16, u32, u64, usize, i32, i64);

/// A number as the locale writes it, thousands grouped: 10000 → "10,000".
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let separator = super::numbers::THOUSANDS_SEPARATOR;
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * separator.len() + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_in_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(-1234567), "-1,234,567");
        assert_eq!(LOCALE, "en-GB");
        assert_eq!(plural(1), Plural::One);
        assert_eq!(plural(0), Plural::Other);
    }
}
