//! A link's PINs: the link's own, asked before the gallery opens, and its
//! download PIN, asked only before downloading ([`PinKind`]).
//!
//! A PIN is stored as SHA-256(salt ‖ PIN) with a random salt of its own; a
//! customer who gives the right PIN receives a **pass** (SHA-256 of a label
//! and the PIN hash: [`crate::secret::pass_of`]), which the app sends with
//! every request instead of the PIN. Any origin can check a pass from the
//! database alone, and changing the PIN invalidates old passes.
//! Wrong PINs are counted per link and per kind, in the database: after
//! [`PIN_ATTEMPTS`] in a row the PIN is refused for a while, longer each
//! time it locks again ([`pin_lockout_secs`]: 15 minutes, 1 hour, then 24
//! hours), until the right PIN is given. A guessed download PIN never locks
//! the gallery itself.

use proofline_core::links::{PIN_ATTEMPTS, pin_lockout_secs};
use rand::RngCore as _;
use subtle::ConstantTimeEq as _;

use super::Db;
use crate::args;
use crate::secret::{pass_of, pin_hash};

/// Which of a link's PINs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinKind {
    /// Asked before the gallery opens.
    Link,
    /// Asked before downloading.
    Downloads,
}

impl PinKind {
    /// The prefix of this PIN's columns in `links`.
    fn columns(self) -> &'static str {
        match self {
            PinKind::Link => "pin",
            PinKind::Downloads => "download_pin",
        }
    }

    /// The pass the right PIN earns, from the PIN's stored hash. A link's
    /// pass is labelled as it always was, so passes kept on devices stay
    /// good.
    pub fn pass(self, hash: &[u8]) -> String {
        let label = match self {
            PinKind::Link => "pass",
            PinKind::Downloads => "download pass",
        };
        pass_of(label, hash)
    }

    /// Whether `presented` is the pass for the PIN stored as `hash`,
    /// compared in constant time.
    pub fn accepts(self, hash: &[u8], presented: Option<&str>) -> bool {
        let expected = self.pass(hash);
        presented
            .unwrap_or_default()
            .as_bytes()
            .ct_eq(expected.as_bytes())
            .into()
    }
}

/// The answer to a PIN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinAnswer {
    /// Right: send this pass with every request.
    Pass(String),
    /// Wrong; this many tries remain before the PIN locks.
    Wrong { tries_left: u32 },
    /// Too many wrong PINs; PINs are taken again at this time.
    Locked { until: i64 },
}

/// A PIN must be 4 to 8 digits.
pub fn validate_pin(pin: &str) -> Result<(), String> {
    if (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err("a PIN is 4 to 8 digits".into())
    }
}

/// A PIN's salt and hash as stored (both `None` for no PIN).
pub(super) type Salted = (Option<Vec<u8>>, Option<Vec<u8>>);

/// The salt and hash to store for `pin`, once it is checked.
pub(super) fn salted(pin: Option<&str>) -> anyhow::Result<Salted> {
    let Some(pin) = pin else {
        return Ok((None, None));
    };
    validate_pin(pin).map_err(anyhow::Error::msg)?;
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let hash = pin_hash(&salt, pin).to_vec();
    Ok((Some(salt.to_vec()), Some(hash)))
}

impl Db {
    /// Sets (or, with `None`, removes) the download PIN of the link
    /// `link_id`. Passes given for an earlier PIN stop working, and the
    /// count of wrong tries starts again.
    pub fn set_download_pin(&self, link_id: &str, pin: Option<&str>) -> anyhow::Result<()> {
        let (salt, hash) = salted(pin)?;
        let changed = self.write("links", |c| {
            c.execute(
                "UPDATE links SET download_pin_salt = ?2, download_pin_hash = ?3,
                        download_pin_failures = 0, download_pin_locked_until = NULL,
                        download_pin_lockouts = 0
                 WHERE link_id = ?1",
                args![link_id, salt, hash],
            )
        })?;
        anyhow::ensure!(
            changed == 1,
            "there is no share link {link_id}; see `proofline link list`"
        );
        Ok(())
    }

    /// Checks the `kind` PIN of the link with this token hash, counting
    /// wrong ones in one immediate transaction, so parallel guesses are
    /// counted too.
    pub fn try_pin(
        &self,
        kind: PinKind,
        token_hash: &[u8],
        pin: &str,
        now: i64,
    ) -> anyhow::Result<PinAnswer> {
        let p = kind.columns();
        self.write(&format!("{p} {}", hex::encode(token_hash)), |tx| {
            let r = tx.query_one(
                &format!(
                    "SELECT {p}_salt, {p}_hash, {p}_failures, {p}_locked_until, {p}_lockouts
                     FROM links WHERE token_hash = ?1"
                ),
                args![token_hash],
            )?;
            let salt: Option<Vec<u8>> = r.get(0)?;
            let hash: Option<Vec<u8>> = r.get(1)?;
            let failures: u32 = r.get(2)?;
            let locked_until: Option<i64> = r.get(3)?;
            let lockouts: u32 = r.get(4)?;
            let (Some(salt), Some(hash)) = (salt, hash) else {
                anyhow::bail!("this link has no such PIN");
            };
            if let Some(until) = locked_until.filter(|&u| now < u) {
                return Ok(PinAnswer::Locked { until });
            }
            let right: bool = pin_hash(&salt, pin).ct_eq(&hash[..]).into();
            Ok(if right {
                tx.execute(
                    &format!(
                        "UPDATE links SET {p}_failures = 0, {p}_locked_until = NULL, {p}_lockouts = 0
                         WHERE token_hash = ?1"
                    ),
                    args![token_hash],
                )?;
                PinAnswer::Pass(kind.pass(&hash))
            } else if failures + 1 >= PIN_ATTEMPTS {
                // Locked again without the right PIN in between: longer.
                let lockouts = lockouts + 1;
                let until = now + pin_lockout_secs(lockouts);
                tx.execute(
                    &format!(
                        "UPDATE links SET {p}_failures = 0, {p}_locked_until = ?2, {p}_lockouts = ?3,
                                {p}_failures_total = {p}_failures_total + 1
                         WHERE token_hash = ?1"
                    ),
                    args![token_hash, until, lockouts],
                )?;
                PinAnswer::Locked { until }
            } else {
                tx.execute(
                    &format!(
                        "UPDATE links SET {p}_failures = ?2, {p}_failures_total = {p}_failures_total + 1
                         WHERE token_hash = ?1"
                    ),
                    args![token_hash, failures + 1],
                )?;
                PinAnswer::Wrong {
                    tries_left: PIN_ATTEMPTS - failures - 1,
                }
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use proofline_core::GalleryId;
    use proofline_core::downloads::Downloads;

    use super::*;
    use crate::db::links::tests::db_with_gallery;
    use crate::db::{NewLink, Refusal};

    #[test]
    fn a_pin_link_needs_the_pass_and_locks_after_too_many_wrong_pins() {
        let (_d, db, g) = db_with_gallery();
        let new = NewLink {
            pin: Some("2468".into()),
            ..Default::default()
        };
        let (_, t) = db.create_link(&g, &new, 10).unwrap();
        let hash = crate::secret::token_hash(t.as_str());
        let try_pin = |pin: &str, now: i64| db.try_pin(PinKind::Link, &hash, pin, now).unwrap();
        assert_eq!(
            db.open_link(&g, t.as_str(), None, 20).unwrap().unwrap_err(),
            Refusal::PinRequired
        );
        assert_eq!(try_pin("1111", 20), PinAnswer::Wrong { tries_left: 4 });
        let PinAnswer::Pass(pass) = try_pin("2468", 21) else {
            panic!("right PIN")
        };
        assert!(
            db.open_link(&g, t.as_str(), Some(&pass), 22)
                .unwrap()
                .is_ok()
        );
        assert_eq!(
            db.open_link(&g, t.as_str(), Some("0000"), 22)
                .unwrap()
                .unwrap_err(),
            Refusal::PinRequired
        );
        // The right PIN reset the count: five more wrong ones lock it.
        // Each lock without the right PIN in between lasts longer: 15
        // minutes, 1 hour, then a day.
        let mut now = 30;
        for (nth, secs) in [(1, 900), (2, 3600), (3, 86_400), (4, 86_400)] {
            for _ in 1..PIN_ATTEMPTS {
                assert!(matches!(try_pin("9999", now), PinAnswer::Wrong { .. }));
            }
            let locked = PinAnswer::Locked { until: now + secs };
            assert_eq!(try_pin("9999", now), locked, "lock {nth}");
            assert_eq!(try_pin("2468", now + 1), locked, "even right");
            now += secs;
        }
        let link = stored(&db, &g, &hash);
        assert_eq!(link.pin_failures_total, 1 + 4 * u64::from(PIN_ATTEMPTS));
        assert!(matches!(try_pin("2468", now), PinAnswer::Pass(_)));
        // The right PIN starts the ladder again.
        for _ in 0..PIN_ATTEMPTS {
            try_pin("9999", now);
        }
        assert_eq!(stored(&db, &g, &hash).pin_locked_until, Some(now + 900));
        assert!(validate_pin("12a4").is_err() && validate_pin("123").is_err());
    }

    fn stored(db: &Db, g: &GalleryId, hash: &[u8]) -> crate::db::Link {
        db.links(Some(g))
            .unwrap()
            .into_iter()
            .find(|l| l.token_hash == hash)
            .unwrap()
    }

    #[test]
    fn a_download_pin_locks_downloads_alone_and_a_new_pin_voids_old_passes() {
        let (_d, db, g) = db_with_gallery();
        let new = NewLink {
            downloads: Downloads::Web,
            download_pin: Some("1357".into()),
            ..Default::default()
        };
        let (link, t) = db.create_link(&g, &new, 10).unwrap();
        assert!(link.has_download_pin);
        let hash = crate::secret::token_hash(t.as_str());
        // The gallery opens without it; downloads wait for the pass.
        let opened = db.open_link(&g, t.as_str(), None, 20).unwrap().unwrap();
        assert_eq!(opened.offered(None), (Downloads::None, true));
        for _ in 0..PIN_ATTEMPTS {
            db.try_pin(PinKind::Downloads, &hash, "0000", 20).unwrap();
        }
        assert!(matches!(
            db.try_pin(PinKind::Downloads, &hash, "1357", 21).unwrap(),
            PinAnswer::Locked { .. }
        ));
        // Locked downloads leave the gallery open.
        assert!(db.open_link(&g, t.as_str(), None, 22).unwrap().is_ok());
        let PinAnswer::Pass(pass) = db
            .try_pin(PinKind::Downloads, &hash, "1357", 20 + 900)
            .unwrap()
        else {
            panic!("right PIN after the lock")
        };
        assert_ne!(pass, PinKind::Link.pass(&hash), "a pass of its own kind");
        assert_eq!(opened.offered(Some(&pass)), (Downloads::Web, false));
        assert_eq!(opened.offered(Some("nope")), (Downloads::None, true));
        // A new PIN: the old pass no longer downloads.
        db.set_download_pin(&link.id, Some("8642")).unwrap();
        let opened = db.open_link(&g, t.as_str(), None, 30).unwrap().unwrap();
        assert_eq!(opened.offered(Some(&pass)), (Downloads::None, true));
        // No PIN: downloads as allowed, asked of no one.
        db.set_download_pin(&link.id, None).unwrap();
        let opened = db.open_link(&g, t.as_str(), None, 30).unwrap().unwrap();
        assert_eq!(opened.offered(None), (Downloads::Web, false));
        assert!(!stored(&db, &g, &hash).has_download_pin);
        assert!(db.set_download_pin(&link.id, Some("12")).is_err());
        assert!(db.set_download_pin("nosuch", None).is_err());
    }
}
