//! The studio-wide token (`proofline studio-link`): it opens the studio page
//! for every gallery. A gallery's own studio token is a setting of that
//! gallery ([`super::galleries`]).

use proofline_core::GalleryId;

use super::Db;
use crate::args;

impl Db {
    /// Gives the studio a new studio-wide token (the old one stops working).
    pub fn set_studio_wide_token(&self, hash: &[u8; 32]) -> anyhow::Result<()> {
        self.write("studio token", |c| {
            c.execute(
                "INSERT INTO studio_token (id, token_hash) VALUES (1, ?1)
                 ON CONFLICT (id) DO UPDATE SET token_hash = excluded.token_hash",
                args![hash],
            )
        })?;
        Ok(())
    }

    /// The hash of the studio-wide token, if one was made.
    pub fn studio_wide_token_hash(&self) -> anyhow::Result<Option<Vec<u8>>> {
        self.read(|c| {
            c.query_opt("SELECT token_hash FROM studio_token WHERE id = 1", args![])?
                .map(|r| r.get(0))
                .transpose()
        })
    }

    /// Every gallery's id, newest first.
    pub fn gallery_ids(&self) -> anyhow::Result<Vec<GalleryId>> {
        self.read(|c| {
            c.query(
                "SELECT id FROM galleries ORDER BY created_at DESC, seq DESC",
                args![],
            )?
            .iter()
            .map(|r| Ok(GalleryId::parse(r.get::<String>(0)?)?))
            .collect()
        })
    }
}
