//! One page per route: a shared gallery (`#/g/...`) and the studio's pages
//! (`#/studio/...`). A page loads what it shows through [`crate::state`]
//! and [`crate::net`] and lays out components.
//!
//! May import: every layer, the components and [`crate::ui::words`];
//! nothing imports a page but the app shells ([`crate::ui::app`],
//! [`crate::ui::studio_app`]).

pub mod gallery;
pub mod studio;
