//! The delete check: the round trip's test object is deleted and must then
//! be gone. Revoking a link deletes its offline copy (the manifest mirror)
//! the same way, so a key without `s3:DeleteObject` is found here, not on
//! the day a link is revoked.

use super::{Check, CheckId, Doctor, TestObject};

impl Doctor<'_> {
    pub(super) async fn check_delete(&self, object: &TestObject) -> Check {
        let id = CheckId::Delete;
        let (bucket, key) = (self.store.bucket(), object.key.as_str());
        let consequence = "revoking a link cannot delete its offline copy (the manifest mirror), \
                           so a device holding the link keeps loading the gallery from the store \
                           until that copy's URLs expire";
        let fix = format!(
            "allow the key s3:DeleteObject on {bucket}/{}* in its policy (see the README's list of permissions)",
            self.settings.store.prefix
        );
        if let Err(e) = self.store.delete(key).await {
            return Check::fail(
                id,
                format!(
                    "the store refused to delete the test object {key} ({e:#}): {consequence}; the test object is left behind"
                ),
                fix,
            );
        }
        match self.store.size_of(key).await {
            Ok(None) => Check::pass(id, "the test object was deleted, and is gone"),
            Ok(Some(_)) => Check::fail(
                id,
                format!(
                    "the store accepted the delete of the test object {key} but still holds it: {consequence}"
                ),
                fix,
            ),
            Err(e) => Check::fail(
                id,
                format!(
                    "the test object was deleted, but the store cannot say whether it is gone: {e:#}"
                ),
                "check the endpoint and credentials against the store's own settings",
            ),
        }
    }
}
