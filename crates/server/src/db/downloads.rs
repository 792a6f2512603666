//! What each share link may download (`links.downloads`), changed by the
//! studio at any time; the link's next manifest carries it.

use proofline_core::downloads::Downloads;

use super::Db;
use super::sql::Row;
use crate::args;

impl Db {
    /// Sets what the link `link_id` may download.
    pub fn set_link_downloads(&self, link_id: &str, downloads: Downloads) -> anyhow::Result<()> {
        let changed = self.write("links", |c| {
            c.execute(
                "UPDATE links SET downloads = ?2 WHERE link_id = ?1",
                args![link_id, downloads.as_str()],
            )
        })?;
        anyhow::ensure!(
            changed == 1,
            "there is no share link {link_id}; see `proofline link list`"
        );
        Ok(())
    }
}

/// The `downloads` column at `at` of a row of `links`.
pub(super) fn downloads_at(r: &Row, at: usize) -> anyhow::Result<Downloads> {
    Downloads::parse(&r.get::<String>(at)?).map_err(anyhow::Error::msg)
}
