//! The studio's brand: its name and accent colour, checked here so the
//! server (publish flags, the studio page) and the app read them alike.
//!
//! The accent is the studio's colour as closely as contrast allows:
//! [`Accent::readable_on`] darkens it (on the light page) or lightens it (on
//! the dark page) only until text and buttons in it reach WCAG AA's 4.5:1
//! against the page. [`stylesheet`] writes both variants as the CSS the
//! origin serves with the page, so the app itself never sets a colour.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Largest logo file the studio's server takes (the studio page checks it
/// before sending).
pub const MAX_LOGO_BYTES: usize = 5_000_000;
/// Longest studio name, in characters.
pub const MAX_STUDIO_NAME_CHARS: usize = 80;

/// WCAG AA for normal text: what every use of the accent must reach
/// against the page (text in the accent on the page, the page's colour as
/// text on an accent button).
pub const MIN_CONTRAST: f64 = 4.5;

/// An sRGB colour, `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Accent {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

/// The light page's background (`--bg` in `style/main.css`).
pub const LIGHT_PAGE: Accent = Accent::rgb(0xfa, 0xfa, 0xf9);
/// The dark page's background (`--bg` in the dark scheme).
pub const DARK_PAGE: Accent = Accent::rgb(0x0c, 0x0a, 0x09);

impl Accent {
    pub const fn rgb(r: u8, g: u8, b: u8) -> Accent {
        Accent { r, g, b }
    }

    /// Reads `#rrggbb` or `#rgb` (any case, spaces around ignored); the
    /// error says what is accepted.
    pub fn parse(text: &str) -> Result<Accent, String> {
        let bad =
            || format!("the accent colour must be written #rrggbb, like #0f766e (not “{text}”)");
        let hex = text.trim().strip_prefix('#').ok_or_else(bad)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let digit = |i: usize| u8::from_str_radix(&hex[i..i + 1], 16).unwrap_or(0);
        let pair = |i: usize| digit(i) * 16 + digit(i + 1);
        match hex.len() {
            3 => Ok(Accent::rgb(digit(0) * 17, digit(1) * 17, digit(2) * 17)),
            6 => Ok(Accent::rgb(pair(0), pair(2), pair(4))),
            _ => Err(bad()),
        }
    }

    /// WCAG 2's relative luminance, 0 (black) to 1 (white).
    pub fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.040_45 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.r) + 0.7152 * channel(self.g) + 0.0722 * channel(self.b)
    }

    /// The colour on `page` that keeps this one's hue and reaches
    /// [`MIN_CONTRAST`] against it: itself when it already does, else mixed
    /// towards black (a light page) or white (a dark page) by the smallest
    /// step of 1/64 that does. Pure black or white always does, so there is
    /// always an answer.
    pub fn readable_on(self, page: Accent) -> Accent {
        let towards = if page.luminance() > 0.18 {
            Accent::rgb(0, 0, 0)
        } else {
            Accent::rgb(255, 255, 255)
        };
        (0..=64)
            .map(|step| self.mix(towards, f64::from(step) / 64.0))
            .find(|c| contrast(*c, page) >= MIN_CONTRAST)
            .unwrap_or(towards)
    }

    /// `self` moved a `share` (0 to 1) of the way to `other`, per channel.
    fn mix(self, other: Accent, share: f64) -> Accent {
        let m = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * share).round() as u8;
        Accent::rgb(m(self.r, other.r), m(self.g, other.g), m(self.b, other.b))
    }
}

impl fmt::Display for Accent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

/// WCAG 2's contrast ratio of two colours, 1 to 21.
pub fn contrast(a: Accent, b: Accent) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// The stylesheet that gives the app the studio's accent: readable on the
/// light page, and on the dark one for devices in dark mode.
pub fn stylesheet(accent: Accent) -> String {
    format!(
        ":root{{--accent:{}}}\n@media (prefers-color-scheme: dark){{:root{{--accent:{}}}}}\n",
        accent.readable_on(LIGHT_PAGE),
        accent.readable_on(DARK_PAGE)
    )
}

/// Checks a studio's name and answers it trimmed: not blank, at most
/// [`MAX_STUDIO_NAME_CHARS`] characters, no control characters.
pub fn studio_name(text: &str) -> Result<String, String> {
    let name = text.trim();
    if name.is_empty() {
        return Err("the studio's name must not be empty".into());
    }
    if name.chars().any(char::is_control) {
        return Err("the studio's name must be one line of text".into());
    }
    let chars = name.chars().count();
    if chars > MAX_STUDIO_NAME_CHARS {
        return Err(format!(
            "the studio's name must be at most {MAX_STUDIO_NAME_CHARS} characters (this one has {chars})"
        ));
    }
    Ok(name.to_owned())
}

/// The brand panel of the studio page: the studio's brand, and this
/// gallery's cover among its photos. Also what the panel sends back
/// (`photos` and `logo` are then ignored; an empty text clears a part, an
/// absent one leaves it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudioBrand {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `#rrggbb`, as the studio chose it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accent: Option<String>,
    /// Where the header's logo is served, relative to the app's page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
    /// The cover photo's file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover: Option<String>,
    /// Every photo's file name, in the gallery's order: the cover's choices.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_are_read_in_both_forms_and_written_as_six_digits() {
        assert_eq!(Accent::parse("#0F766E").unwrap().to_string(), "#0f766e");
        assert_eq!(Accent::parse(" #f80 ").unwrap().to_string(), "#ff8800");
        for bad in [
            "0f766e",
            "#0f766",
            "#ggg",
            "#",
            "",
            "red",
            "#0f766e00",
            "#+1+2+3",
        ] {
            assert!(Accent::parse(bad).unwrap_err().contains("#rrggbb"), "{bad}");
        }
    }

    #[test]
    fn contrast_matches_wcag() {
        let black = Accent::rgb(0, 0, 0);
        let white = Accent::rgb(255, 255, 255);
        assert!((contrast(black, white) - 21.0).abs() < 1e-9);
        assert!((contrast(white, white) - 1.0).abs() < 1e-9);
        // WebAIM's checker: #767676 on white is 4.54:1.
        let grey = Accent::rgb(0x76, 0x76, 0x76);
        assert!((contrast(grey, white) - 4.54).abs() < 0.01);
    }

    #[test]
    fn a_readable_accent_is_kept_as_the_studio_chose_it() {
        let teal = Accent::parse("#0f766e").unwrap();
        assert_eq!(teal.readable_on(LIGHT_PAGE), teal);
        let mint = Accent::parse("#5eead4").unwrap();
        assert_eq!(mint.readable_on(DARK_PAGE), mint);
    }

    #[test]
    fn a_pale_accent_is_darkened_just_enough_on_the_light_page() {
        let yellow = Accent::parse("#f5d90a").unwrap();
        let light = yellow.readable_on(LIGHT_PAGE);
        assert!(contrast(light, LIGHT_PAGE) >= MIN_CONTRAST);
        // One step less would not do: the smallest change that reads.
        let less = Accent::rgb(
            light.r.saturating_add(4),
            light.g.saturating_add(4),
            light.b,
        );
        assert!(contrast(less, LIGHT_PAGE) < MIN_CONTRAST + 0.3);
        // Still a yellow-brown, not grey: red and green above blue.
        assert!(light.r > light.b && light.g > light.b, "{light}");
        // On the dark page the yellow reads as it is.
        assert_eq!(yellow.readable_on(DARK_PAGE), yellow);
    }

    #[test]
    fn a_dark_accent_is_lightened_on_the_dark_page() {
        let navy = Accent::parse("#1e1b4b").unwrap();
        let dark = navy.readable_on(DARK_PAGE);
        assert!(contrast(dark, DARK_PAGE) >= MIN_CONTRAST);
        assert_eq!(navy.readable_on(LIGHT_PAGE), navy);
        // Even white and black accents end readable.
        for c in ["#ffffff", "#000000", "#fafaf9", "#0c0a09"] {
            let c = Accent::parse(c).unwrap();
            for page in [LIGHT_PAGE, DARK_PAGE] {
                assert!(contrast(c.readable_on(page), page) >= MIN_CONTRAST);
            }
        }
    }

    #[test]
    fn the_stylesheet_sets_both_schemes() {
        let css = stylesheet(Accent::parse("#f5d90a").unwrap());
        assert!(css.starts_with(":root{--accent:#"), "{css}");
        assert!(css.contains("@media (prefers-color-scheme: dark){:root{--accent:#f5d90a}}"));
        assert!(
            !css.contains("--accent:#f5d90a}\n@media"),
            "light variant darkened: {css}"
        );
    }

    #[test]
    fn studio_names_are_one_trimmed_line() {
        assert_eq!(studio_name("  Lumen & Co  ").unwrap(), "Lumen & Co");
        assert!(studio_name(" ").unwrap_err().contains("empty"));
        assert!(studio_name("a\nb").unwrap_err().contains("one line"));
        assert!(studio_name(&"é".repeat(81)).unwrap_err().contains("81"));
        assert!(studio_name(&"é".repeat(80)).is_ok());
    }
}
