//! `proofline`: the studio's origin server, its embedded object store, and the
//! publishing tool. Everything is in the library; the command line is
//! [`proofline_server::cli`].
#![forbid(unsafe_code)]

#[tokio::main]
async fn main() {
    proofline_server::cli::run().await
}
