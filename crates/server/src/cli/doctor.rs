//! `proofline doctor [--fix]`: runs the checks and prints the report; exits
//! with 1 when a check failed.

use std::net::SocketAddr;

use crate::settings::{CommonArgs, Settings};

pub(super) async fn doctor(
    fix: bool,
    listen: SocketAddr,
    common: &CommonArgs,
) -> anyhow::Result<()> {
    let settings = Settings::resolve(common, listen)?;
    let report = crate::doctor::run(&settings, fix).await?;
    print!("{report}");
    if !report.passed() {
        std::process::exit(1);
    }
    Ok(())
}
