//! The studio's brand in the customer's app. The origin writes it into the
//! page (`crates/server/src/http/brand.rs`): a `#brand` header shown while
//! the app downloads, and the accent as a style sheet. [`adopt`] takes that
//! header over when the app starts, and [`BrandBar`] draws the same markup
//! at the same place on every page (loading, PIN, withdrawn, the gallery),
//! so nothing moves. A page served with no brand has no header.

use leptos::prelude::*;

/// The studio's name and logo (its URL and size), as the page named them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Brand {
    pub name: Option<String>,
    pub logo: Option<(String, u32, u32)>,
}

/// Reads the page's `#brand` header and removes it: the app draws it from
/// now on ([`BrandBar`], from the context this provides).
pub fn adopt() {
    let brand = (|| {
        let document = web_sys::window()?.document()?;
        let header = document.get_element_by_id("brand")?;
        let data = |name: &str| header.get_attribute(name).filter(|v| !v.is_empty());
        let size = |name: &str| data(name).and_then(|v| v.parse::<u32>().ok());
        let brand = Brand {
            name: data("data-name"),
            logo: data("data-logo").map(|src| {
                let w = size("data-logo-width").unwrap_or(0);
                let h = size("data-logo-height").unwrap_or(0);
                (src, w, h)
            }),
        };
        header.remove();
        Some(brand)
    })()
    .unwrap_or_default();
    provide_context(brand);
}

/// The studio's logo and name at the top of the page; nothing for a studio
/// with neither. `inert` while a dialog (the lightbox) is open.
#[component]
pub fn BrandBar(#[prop(into, optional)] inert: Signal<bool>) -> impl IntoView {
    let brand = use_context::<Brand>().unwrap_or_default();
    (brand.name.is_some() || brand.logo.is_some()).then(|| {
        view! {
            <header class="brand-bar" inert=inert>
                {brand.logo.map(|(src, w, h)| {
                    view! { <img class="brand-logo" src=src alt="" width=w height=h /> }
                })}
                {brand.name.map(|n| view! { <span class="brand-name">{n}</span> })}
            </header>
        }
    })
}

/// "Proofline" in small print: the studio's brand leads, the software is
/// named once, at the foot.
#[component]
pub fn SmallPrint() -> impl IntoView {
    view! { <p class="small-print">"Proof gallery by Proofline"</p> }
}
