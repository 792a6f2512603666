//! What an older app kept per gallery, moved under a link.
//!
//! Before share links were kept apart, the device filed a gallery's saved
//! copy, confirmed choices, queued ops and withdrawn record under the bare
//! gallery id. That data came from a link of that gallery, and almost always
//! from the one the customer opens now (a customer is sent one link; a device
//! that used two links of one gallery shared everything between them then
//! anyway). So the first link of that gallery opened since adopts it, and its
//! queued choices are sent with that link's token.

use super::*;

impl Db {
    /// Moves what an older app kept under `link`'s gallery id alone under
    /// `link`, in one transaction: the saved copy, the confirmed choices,
    /// the queued ops, and the `meta` records named in `meta` as `(old key,
    /// new key)`. Queued ops are all moved, never dropped. If the link has a
    /// saved copy of its own already (a tab of the older app, still open,
    /// wrote after this app opened the link), its records are the newer and
    /// are kept; the older ones are dropped.
    pub async fn adopt_legacy(
        &self,
        link: &LinkKey,
        meta: &[(String, String)],
    ) -> Result<(), DbError> {
        let tx = self.tx(
            &[GALLERIES, CHOICES, OUTBOX, META],
            IdbTransactionMode::Readwrite,
        )?;
        let gallery = link.gallery().as_str();
        let (old, new) = (JsValue::from(gallery), JsValue::from(link.as_str()));
        let galleries = tx.object_store(GALLERIES).map_err(failed)?;
        let keep_own = !request(&galleries.get(&new).map_err(failed)?)
            .await?
            .is_undefined();
        let mut moves = vec![(GALLERIES, old.clone(), new.clone()), (CHOICES, old, new)];
        moves.extend(
            meta.iter()
                .map(|(from, to)| (META, JsValue::from(from), JsValue::from(to))),
        );
        for (store, from, to) in moves {
            let store = tx.object_store(store).map_err(failed)?;
            let value = request(&store.get(&from).map_err(failed)?).await?;
            if value.is_undefined() {
                continue;
            }
            store.delete(&from).map_err(failed)?;
            if !keep_own {
                store.put_with_key(&value, &to).map_err(failed)?;
            }
        }

        let outbox = tx.object_store(OUTBOX).map_err(failed)?;
        let range = outbox_range(gallery)?;
        let keys = request(&outbox.get_all_keys_with_key(&range).map_err(failed)?).await?;
        let ops = request(&outbox.get_all_with_key(&range).map_err(failed)?).await?;
        for (key, op) in Array::from(&keys).iter().zip(Array::from(&ops).iter()) {
            // `{gallery}/{op id}`: the same op id under the link.
            let Some(key) = key.as_string() else { continue };
            let op_id = key.get(gallery.len() + 1..).unwrap_or_default();
            outbox
                .put_with_key(&op, &outbox_key(link.as_str(), op_id))
                .map_err(failed)?;
        }
        outbox.delete(&range).map_err(failed)?;
        done(&tx).await
    }
}
