//! A gallery's settings from the terminal: `proofline rules`, `lock`,
//! `offline-window` and `expire`; and how every studio command finds its gallery.

use anyhow::Context as _;
use proofline_core::proofing::SelectionRules;

use super::RulesArgs;
use crate::db::{Db, StoredGallery};
use crate::settings::{CommonArgs, DEFAULT_ORIGIN_LISTEN, Settings};

impl RulesArgs {
    pub(super) fn rules(&self) -> anyhow::Result<SelectionRules> {
        let rules = SelectionRules {
            min: self.min,
            max: self.max,
            deadline: self.deadline,
        };
        rules.validate().map_err(anyhow::Error::msg)?;
        Ok(rules)
    }
}

pub(super) fn rules(gallery: &str, rules: &RulesArgs, common: &CommonArgs) -> anyhow::Result<()> {
    let rules = rules.rules()?;
    let (db, gallery) = open_gallery(common, gallery)?;
    db.set_rules(&gallery.id, &rules)?;
    match rules.summary() {
        Some(s) => println!("Gallery {}: {s}", gallery.id),
        None => println!("Gallery {}: no selection rules.", gallery.id),
    }
    Ok(())
}

pub(super) fn lock(gallery: &str, unlock: bool, common: &CommonArgs) -> anyhow::Result<()> {
    let (db, gallery) = open_gallery(common, gallery)?;
    let at = (!unlock).then(crate::unix_now);
    db.set_locked(&gallery.id, at)?;
    println!(
        "Gallery {} is {}.",
        gallery.id,
        if unlock {
            "unlocked"
        } else {
            "locked: customers' changes are refused from now on"
        }
    );
    Ok(())
}

pub(super) fn expire(gallery: &str, on: Option<i64>, common: &CommonArgs) -> anyhow::Result<()> {
    let (db, gallery) = open_gallery(common, gallery)?;
    db.set_gallery_expiry(&gallery.id, on)?;
    match on {
        Some(at) => println!(
            "Gallery {} opens until the end of {} (UTC); customers are told ahead of time.",
            gallery.id,
            proofline_core::calendar::day_label(at)
        ),
        None => println!("Gallery {} does not expire.", gallery.id),
    }
    Ok(())
}

pub(super) fn offline_window(
    gallery: &str,
    secs: Option<i64>,
    common: &CommonArgs,
) -> anyhow::Result<()> {
    let (db, gallery) = open_gallery(common, gallery)?;
    db.set_offline_window(&gallery.id, secs)?;
    let secs = secs.unwrap_or(proofline_core::offline::DEFAULT_SECS);
    println!(
        "Gallery {}: a device shows its saved copy for {} without reaching the studio, \
         then hides it until it does. Devices learn this when they next reach the studio.",
        gallery.id,
        proofline_core::offline::label(secs)
    );
    Ok(())
}

/// The database and one of its galleries, for the studio's subcommands.
pub(super) fn open_gallery(common: &CommonArgs, id: &str) -> anyhow::Result<(Db, StoredGallery)> {
    let settings = Settings::resolve(common, DEFAULT_ORIGIN_LISTEN.parse()?)?;
    let db = settings.open_db()?;
    let id = proofline_core::GalleryId::parse(id)?;
    let gallery = db.gallery(&id)?.with_context(|| {
        format!(
            "there is no gallery {id} in {}",
            crate::db::sql::redact(&settings.database)
        )
    })?;
    Ok((db, gallery))
}
