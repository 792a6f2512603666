//! The resolved configuration of one `proofline` process ([`Settings`]):
//! command-line flags, with `PROOFLINE_*` environment variables and an
//! optional TOML file underneath. Where objects live and how the origin is
//! reached, the database, the studio's origins, and how URLs are signed
//! ([`SigningPolicy`], the same for every command), and how the studio is
//! told of a submit ([`NotifySettings`]).
//!
//! No bucket configured means the embedded store: an S3-compatible endpoint this
//! binary runs itself, with its data and credentials in the data directory.
//!
//! May import `storage` and `db` (the settings they are opened with), never
//! the domain, `http` or `cli`.

mod args;
mod file;
mod notify;
mod signing;
#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use proofline_core::route::STUDIO_APP_PATH;

pub use args::{CloudFrontArgs, CommonArgs, SigningArgs, StoreArgs};
pub use file::reachable;
pub use notify::{
    EmailSettings, NotifyArgs, NotifySettings, SmtpSecurity, SmtpSettings, WebhookSettings,
};
pub use signing::SigningPolicy;

use crate::db::Db;
use crate::storage::{CloudFrontSettings, EmbeddedStore, ObjectStore, StoreKind, StoreSettings};

pub const DEFAULT_ORIGIN_LISTEN: &str = "127.0.0.1:7870";

/// The resolved configuration of one `proofline` process.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    /// The origin's own address (`serve` listens there; the default public
    /// URL is made from it).
    pub listen: SocketAddr,
    pub public_url: String,
    /// A `postgres://` URL or a SQLite file's path (see [`crate::db::Db::connect`]).
    pub database: String,
    /// Every origin serving this studio, in order of preference (checked,
    /// canonical, at least one): listed in manifests, allowed by CORS.
    pub origins: Vec<String>,
    pub store: StoreSettings,
    /// `None`: image URLs are the store's presigned URLs alone.
    pub cloudfront: Option<CloudFrontSettings>,
    /// How URLs are signed, by `serve` and `publish` alike.
    pub signing: SigningPolicy,
    /// How the studio is told that a link submitted (`serve` tells it).
    pub notify: NotifySettings,
    /// What only a running origin needs (`serve`'s own flags).
    pub serve: ServeSettings,
}

/// `serve`'s own settings; the defaults serve the API alone, with the
/// embedded store (when configured) in the same process.
#[derive(Debug, Clone, Default)]
pub struct ServeSettings {
    /// Folder of the built browser app (Trunk's `dist`); `None` serves the
    /// API only.
    pub client_dir: Option<PathBuf>,
    /// Do not run the embedded store in this process: `proofline store`
    /// runs it beside the origin.
    pub separate_store: bool,
    /// Time and concurrency limits on clients.
    pub limits: crate::http::serve::Limits,
}

impl Settings {
    /// Resolves flags, environment and the optional file; `listen` is the origin's
    /// own address, used for the default public URL.
    pub fn resolve(args: &CommonArgs, listen: SocketAddr) -> anyhow::Result<Settings> {
        let file = match &args.config {
            Some(path) => file::read_file_config(path)?,
            None => file::FileConfig::default(),
        };
        let signing = signing::resolve(&args.signing, file.signing)?;
        let public_url = args
            .public_url
            .clone()
            .or(file.public_url)
            .unwrap_or_else(|| format!("http://{listen}"));
        let public_url = public_url.trim_end_matches('/').to_string();
        let database = args.database.clone().or(file.database).unwrap_or_else(|| {
            args.data_dir
                .join("proofline.sqlite3")
                .to_string_lossy()
                .into_owned()
        });
        let origins = if !args.origins.is_empty() {
            args.origins.clone()
        } else {
            file.origins.unwrap_or_else(|| vec![origin_of(&public_url)])
        };
        let origins = proofline_core::origins::parse_origins(&origins)
            .map_err(|e| anyhow::anyhow!("invalid origins (--origins, PROOFLINE_ORIGINS or `origins` in the config file): {e}"))?;
        if proofline_core::origins::parse_origin(&origin_of(&public_url))
            .is_ok_and(|o| !origins.contains(&o))
        {
            tracing::warn!(
                "the public URL {public_url} is not one of the origins ({}): its pages cannot call them",
                origins.join(", ")
            );
        }
        let store = file::resolve_store(args, file.store)?;
        let cloudfront = file::resolve_cloudfront(
            &args.cloudfront,
            file.cloudfront,
            args.config.as_deref().and_then(Path::parent),
        )?;
        let notify = notify::resolve(&args.notify, file.notify)?;
        Ok(Settings {
            data_dir: args.data_dir.clone(),
            listen,
            public_url,
            database,
            origins,
            store,
            cloudfront,
            signing,
            notify,
            serve: ServeSettings::default(),
        })
    }

    /// The scheme://host:port the browser app is served from: the only origin
    /// the store's CORS rules let read images.
    pub fn app_origin(&self) -> String {
        origin_of(&self.public_url)
    }

    pub fn open_db(&self) -> anyhow::Result<Db> {
        Db::connect(&self.database)
    }

    /// The configured object store, with CloudFront's URLs when configured; the
    /// embedded one is started for the duration of a command (`publish`,
    /// `link revoke`, `doctor`) when nothing serves it.
    pub async fn open_store(&self) -> anyhow::Result<(ObjectStore, Option<EmbeddedStore>)> {
        let temporary = match self.store.kind {
            StoreKind::Embedded { listen }
                if tokio::net::TcpStream::connect(listen).await.is_err() =>
            {
                Some(EmbeddedStore::start(&self.data_dir, listen, &self.origins).await?)
            }
            _ => None,
        };
        let store = ObjectStore::connect(&self.store)
            .await?
            .with_cloudfront(self.cloudfront.clone())
            .with_origins(&self.origins);
        Ok((store, temporary))
    }

    /// The link a customer opens.
    pub fn share_link(&self, gallery: &str, token: &str) -> String {
        format!("{}/#/g/{gallery}/{token}", self.public_url)
    }

    /// The studio's page for a gallery (keep it private: it shows every
    /// link's choices).
    pub fn studio_link(&self, gallery: &str, token: &str) -> String {
        format!(
            "{}{STUDIO_APP_PATH}#/studio/{gallery}/{token}",
            self.public_url
        )
    }

    /// The studio page for every gallery.
    pub fn studio_home_link(&self, token: &str) -> String {
        format!("{}{STUDIO_APP_PATH}#/studio/{token}", self.public_url)
    }
}

/// `http://host:port/some/path` -> `http://host:port`.
pub fn origin_of(url: &str) -> String {
    match url.find("://") {
        Some(i) => {
            let rest = &url[i + 3..];
            let end = rest.find('/').map_or(url.len(), |j| i + 3 + j);
            url[..end].to_string()
        }
        None => url.to_string(),
    }
}
