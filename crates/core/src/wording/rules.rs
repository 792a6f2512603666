//! The studio's terms as the customer reads them: the selection rules'
//! summary and refusals (`proofing::rules`), when a link closes
//! (`expiry`), and a day ("12 Nov 2026", `calendar::day_label`). The words
//! are in `locales/en-GB/rules.ftl`.

include!(concat!(env!("OUT_DIR"), "/rules.rs"));
