//! `proofline serve` (the origin, started as [`Origin::start`] does for the
//! tests) and `proofline store` (the embedded store alone), each until
//! Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::origin::Origin;
use crate::settings::{CommonArgs, Settings};
use crate::storage::{EmbeddedStore, StoreKind};

pub(super) async fn serve(
    listen: SocketAddr,
    client_dir: PathBuf,
    separate_store: bool,
    common: &CommonArgs,
) -> anyhow::Result<()> {
    let mut settings = Settings::resolve(common, listen)?;
    settings.serve.client_dir = Some(client_dir);
    settings.serve.separate_store = separate_store;
    let origin = Origin::start(&settings).await?;
    println!("Origin listening on http://{}", origin.addr);
    if let Some(store) = origin.store_addr {
        println!("Object store listening on http://{store}");
    }
    // On SIGTERM or Ctrl-C: stop accepting, finish every request already
    // taken in (an op batch is answered only after its commit), then exit.
    shutdown_signal().await;
    origin.shutdown().await
}

pub(super) async fn store(listen: SocketAddr, common: &CommonArgs) -> anyhow::Result<()> {
    let settings = Settings::resolve(common, listen)?;
    let StoreKind::Embedded {
        listen: store_listen,
    } = settings.store.kind
    else {
        anyhow::bail!(
            "`proofline store` runs the embedded store; an external bucket is configured"
        );
    };
    let store = EmbeddedStore::start(&settings.data_dir, store_listen, &settings.origins).await?;
    println!("Object store listening on http://{}", store.addr);
    shutdown_signal().await;
    store.stop().await;
    Ok(())
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("installing a SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
