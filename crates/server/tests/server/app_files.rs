//! The built app's files: the copies `cargo xtask build-client` compresses at
//! build time are served to browsers that accept them, with the headers a
//! cache needs to keep them apart, and never for a name that is not the
//! content's (the page, the service worker).

use std::net::SocketAddr;

use proofline_test_support::{Backend, Harness};

const WASM: &str = "proofline-client-0123456789abcdef_bg.wasm";

/// An origin of `h` serving a built app of `files` beside an `index.html`;
/// the folder lives as long as the answer's second half.
async fn serving(h: &Harness, files: &[(&str, &[u8])]) -> (SocketAddr, tempfile::TempDir) {
    let dist = tempfile::tempdir().unwrap();
    let page: &[u8] = b"<!DOCTYPE html><title>app</title>";
    for (name, body) in [("index.html", page)].iter().chain(files) {
        std::fs::write(dist.path().join(name), body).unwrap();
    }
    let dir = dist.path().to_path_buf();
    let origin = h
        .another_origin(move |c| c.serve.client_dir = Some(dir))
        .await;
    (origin, dist)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn precompressed_copies_go_to_browsers_that_accept_them() {
    let h = Harness::start(Backend::Embedded).await;
    let (origin, _dist) = serving(
        &h,
        &[
            (WASM, b"\0asm raw"),
            (&format!("{WASM}.br"), b"brotli copy"),
            (&format!("{WASM}.gz"), b"gzip copy"),
        ],
    )
    .await;
    let get = |path: &'static str, accept: &'static str| {
        let req = h.http.get(format!("http://{origin}/{path}"));
        let req = if accept.is_empty() {
            req
        } else {
            req.header("accept-encoding", accept)
        };
        async move { req.send().await.unwrap() }
    };

    // What Chromium and Firefox send: brotli. Safari's list has it too.
    for accept in ["gzip, deflate, br, zstd", "gzip, deflate, br", "br"] {
        let res = get(WASM, accept).await;
        assert_eq!(res.status(), 200, "{accept}");
        assert_eq!(res.headers()["content-encoding"], "br", "{accept}");
        assert_eq!(res.headers()["content-type"], "application/wasm");
        assert_eq!(res.headers()["vary"], "accept-encoding");
        assert_eq!(
            res.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(res.bytes().await.unwrap(), &b"brotli copy"[..], "{accept}");
    }
    let res = get(WASM, "gzip").await;
    assert_eq!(res.headers()["content-encoding"], "gzip");
    assert_eq!(res.bytes().await.unwrap(), &b"gzip copy"[..]);
    // Nothing accepted (or only identity): the file itself.
    for accept in ["", "identity"] {
        let res = get(WASM, accept).await;
        assert!(res.headers().get("content-encoding").is_none(), "{accept}");
        assert_eq!(res.headers()["vary"], "accept-encoding");
        assert_eq!(res.bytes().await.unwrap(), &b"\0asm raw"[..]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_tells_the_browser_to_connect_to_the_photos_store_early() {
    let h = Harness::start(Backend::Embedded).await;
    let (origin, _dist) = serving(&h, &[(WASM, b"\0asm")]).await;
    let link = format!("<http://{}>; rel=preconnect; crossorigin", h.store_addr);
    // The page, and a share link's path that the page answers for.
    for path in ["", "index.html", "some/route"] {
        let res = h
            .http
            .get(format!("http://{origin}/{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(res.headers()["link"], link.as_str(), "{path}");
    }
    let wasm = h
        .http
        .get(format!("http://{origin}/{WASM}"))
        .send()
        .await
        .unwrap();
    assert!(wasm.headers().get("link").is_none());
}
