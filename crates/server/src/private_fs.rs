//! Files and folders readable by this user alone: folders made 0700, and
//! what an older install left readable by others tightened (group's and
//! others' permissions taken off). Used by the database and the embedded
//! store; imports nothing of this crate.

use std::path::Path;

/// Creates `dir` and any missing parent with mode 0700 (existing ones are
/// left as they are).
pub fn create_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Takes group's and others' permissions off a file or folder proofline
/// made (an install from before they were made private); nothing if it
/// does not exist. Refused (another owner, a read-only disk), it logs a
/// warning and goes on.
pub fn tighten(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let Ok(mode) = std::fs::metadata(path).map(|m| m.permissions().mode() & 0o7777) else {
            return;
        };
        if mode & 0o077 == 0 {
            return;
        }
        let private = mode & !0o077;
        match std::fs::set_permissions(path, std::fs::Permissions::from_mode(private)) {
            Ok(()) => tracing::info!(
                "made {} private (mode {mode:o} -> {private:o})",
                path.display()
            ),
            Err(e) => tracing::warn!(
                "cannot make {} private (mode {mode:o}; others may read it): {e}",
                path.display()
            ),
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}
