//! `proofline choices GALLERY [--csv]`: what customers chose, per share link;
//! `--csv` prints the selected files as the studio page downloads them
//! ([`crate::choices::selection_csv`]: every cell quoted, none that a
//! spreadsheet would run as a formula).

use super::gallery::open_gallery;
use super::output;
use crate::settings::CommonArgs;

pub(super) fn choices(gallery: &str, csv: bool, common: &CommonArgs) -> anyhow::Result<()> {
    let (db, gallery) = open_gallery(common, gallery)?;
    let links = db.gallery_choices(&gallery.id)?;
    if csv {
        print!("{}", crate::choices::selection_csv(&gallery, &links));
    } else {
        print!(
            "{}",
            output::report_text(&crate::choices::studio_report(
                &gallery,
                &links,
                crate::unix_now()
            ))
        );
    }
    Ok(())
}
