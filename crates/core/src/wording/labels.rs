//! The app's fixed words, as the customer reads or hears them: headings,
//! buttons, field labels, hints, and the names screen readers announce.
//! The views name these and write no words of their own, so every word a
//! customer sees is in the catalogue (`locales/en-GB/labels.ftl`).

include!(concat!(env!("OUT_DIR"), "/labels.rs"));
