//! The UI layer: the app shell, its pages (one per route) and the
//! components they are made of. What is shown comes from [`crate::state`];
//! what it says, from `proofline_core::wording` (with [`words`] adding what
//! only the device knows: its time zone, whether it is online).
//!
//! May import: every layer ([`crate::state`], [`crate::net`],
//! [`crate::browser`]), `proofline_core` and outside crates. Components
//! import from components and [`words`], never from a page.
//!
//! - [`app`]: the customer's app: picks the page for the current hash route.
//! - [`brand`]: the small print (the studio's brand is the page's own).
//! - [`studio_app`]: the studio's app (its own bundle): the studio's pages.
//! - [`pages`]: a shared gallery, the studio's pages.
//! - [`components`]: what the pages are made of, one per file.
//! - [`words`]: sentences that need the device's clock or network status.

pub mod app;
pub mod brand;
pub mod components;
pub mod pages;
pub mod studio_app;
pub mod words;
