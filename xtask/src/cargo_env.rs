//! What the commands xtask starts inherit from `cargo run`.

/// Removes what `cargo run` told this process about the xtask package
/// (`CARGO_MANIFEST_DIR`, `CARGO_PKG_*`…), so the cargo, trunk and test
/// commands it starts do not inherit it. A build script that reads one of
/// them (ring's does) is otherwise re-run whenever the clone's path
/// changes, and with it everything above ring: a CI clone rebuilt rustls,
/// sqlx, reqwest and the server on every run (15 minutes on 2 cores).
pub fn forget_cargo_run_env() {
    let inherited: Vec<_> = std::env::vars_os()
        .filter_map(|(k, _)| k.into_string().ok())
        .filter(|k| {
            k.starts_with("CARGO_PKG_")
                || k.starts_with("CARGO_MANIFEST_")
                || matches!(
                    k.as_str(),
                    "CARGO_CRATE_NAME" | "CARGO_BIN_NAME" | "CARGO_PRIMARY_PACKAGE"
                )
        })
        .collect();
    for key in inherited {
        // SAFETY: called first thing in `main`, before any thread starts.
        unsafe { std::env::remove_var(key) };
    }
}
