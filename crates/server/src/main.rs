//! `proofline`: the studio's origin server, its embedded object store, and the
//! publishing tool.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use proofline_core::proofing::SelectionRules;
use proofline_server::api::{AppState, SigningPolicy, router};
use proofline_server::choices;
use proofline_server::config::{CommonArgs, DEFAULT_ORIGIN_LISTEN, Settings, StoreKind};
use proofline_server::db::{Db, StoredGallery};
use proofline_server::embedded::EmbeddedStore;
use proofline_server::links::{Link, NewLink};
use proofline_server::mirror::Mirrors;
use proofline_server::publish::{
    Destination, PublishReport, PublishRequest, publish, report_skipped,
};
use proofline_server::render::{RenderOptions, Watermark, WatermarkPosition};
use proofline_server::store::ObjectStore;

#[derive(Parser)]
#[command(
    name = "proofline",
    version,
    about = "Proof galleries that keep working when the studio's server does not."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the origin: gallery API, the browser app, and (unless an external
    /// bucket is configured) the embedded object store.
    Serve {
        /// Address the origin listens on.
        #[arg(long, env = "PROOFLINE_LISTEN", default_value = DEFAULT_ORIGIN_LISTEN)]
        listen: SocketAddr,
        /// Folder of the built browser app (Trunk's `dist`).
        #[arg(long, env = "PROOFLINE_CLIENT_DIR", default_value = "dist")]
        client_dir: PathBuf,
        /// Do not run the embedded store in this process: expect `proofline store`
        /// to run it beside us (so the two can fail separately).
        #[arg(long)]
        separate_store: bool,
        /// Signed URLs are identical within a window of this many seconds.
        #[arg(long, env = "PROOFLINE_SIGNING_WINDOW_SECS", default_value_t = 3600)]
        signing_window_secs: i64,
        /// How long a signed image URL works, from its window's start.
        #[arg(long, env = "PROOFLINE_URL_VALIDITY_SECS", default_value_t = 6 * 3600)]
        url_validity_secs: i64,
        /// How long the URLs in a manifest mirror work: how long customers can
        /// keep loading new photos while the origin is down (at most 7 days).
        #[arg(long, env = "PROOFLINE_MIRROR_VALIDITY_SECS", default_value_t = 7 * 86_400)]
        mirror_validity_secs: i64,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Run only the embedded object store.
    Store {
        /// Address of the origin whose app may read images (for CORS).
        #[arg(long, env = "PROOFLINE_LISTEN", default_value = DEFAULT_ORIGIN_LISTEN)]
        listen: SocketAddr,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Publish a folder of JPEG/PNG photos (sub-folders become sets) as a
    /// gallery and print its share link. Publishing the folder again adds its
    /// new photos to the same gallery, keeping ids, links and choices; an
    /// interrupted publish continues where it stopped.
    Publish {
        /// The folder of photos.
        dir: PathBuf,
        /// Title customers see (a new gallery: the folder's name if not given;
        /// an existing one: replaces its title).
        #[arg(long)]
        title: Option<String>,
        /// Who a new gallery's first share link is for.
        #[arg(long, default_value = "")]
        label: String,
        /// Publish into this existing gallery (default: the one last published
        /// from this folder).
        #[arg(long, value_name = "GALLERY", conflicts_with = "new")]
        into: Option<String>,
        /// Make a new gallery even if this folder was published before.
        #[arg(long)]
        new: bool,
        /// Address of the origin (for the default public URL).
        #[arg(long, env = "PROOFLINE_LISTEN", default_value = DEFAULT_ORIGIN_LISTEN)]
        listen: SocketAddr,
        #[command(flatten)]
        rules: RulesArgs,
        #[command(flatten)]
        watermark: WatermarkArgs,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Set a gallery's selection rules (replacing the previous ones).
    Rules {
        gallery: String,
        #[command(flatten)]
        rules: RulesArgs,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Lock a gallery's choices (final), or unlock them.
    Lock {
        gallery: String,
        #[arg(long)]
        unlock: bool,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Make a new studio page link (the previous one stops working): for the
    /// whole studio (every gallery, its links, making and revoking links), or
    /// for one gallery.
    StudioLink {
        gallery: Option<String>,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Share links: one per recipient, each with its own PIN, expiry and label,
    /// each revocable alone.
    Link {
        #[command(subcommand)]
        command: LinkCommand,
    },
    /// Set the day a whole gallery stops being shared (every link), or `--never`.
    Expire {
        gallery: String,
        /// Last day (YYYY-MM-DD, UTC) on which the gallery opens.
        #[arg(value_parser = parse_deadline, required_unless_present = "never")]
        on: Option<i64>,
        #[arg(long, conflicts_with = "on")]
        never: bool,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Check the configuration: the bucket, a signed-URL round trip, CORS for
    /// the app's origin, and CloudFront if configured. Exits with 1 on a failure.
    Doctor {
        /// Set the bucket's CORS rule for the app's origin if it is missing
        /// (other origins' rules are kept).
        #[arg(long)]
        fix: bool,
        /// Address of the origin (for the default public URL).
        #[arg(long, env = "PROOFLINE_LISTEN", default_value = DEFAULT_ORIGIN_LISTEN)]
        listen: SocketAddr,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Show what customers chose, per share link; `--csv` for the selected files.
    Choices {
        gallery: String,
        #[arg(long)]
        csv: bool,
        #[command(flatten)]
        common: CommonArgs,
    },
}

#[derive(Subcommand)]
enum LinkCommand {
    /// Make a new share link for a gallery and print it.
    Create {
        gallery: String,
        /// Who the link is for ("Grandma"); shown to the studio only.
        #[arg(long, default_value = "")]
        label: String,
        /// A PIN of 4 to 8 digits the customer must enter.
        #[arg(long)]
        pin: Option<String>,
        /// Last day (YYYY-MM-DD, UTC) on which the link opens.
        #[arg(long, value_parser = parse_deadline)]
        expires: Option<i64>,
        /// Address of the origin (for the default public URL).
        #[arg(long, env = "PROOFLINE_LISTEN", default_value = DEFAULT_ORIGIN_LISTEN)]
        listen: SocketAddr,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// List share links (all galleries, or one) with their state.
    List {
        gallery: Option<String>,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Withdraw a share link for good. Customers who open it are told, and
    /// their devices forget the gallery.
    Revoke {
        /// The link's id, as `link list` shows it.
        link: String,
        #[command(flatten)]
        common: CommonArgs,
    },
}

/// The studio's selection rules, as flags.
#[derive(clap::Args)]
struct RulesArgs {
    /// Fewest photos a customer must select to submit.
    #[arg(long, default_value_t = 0)]
    min: u32,
    /// Most photos a customer may select.
    #[arg(long)]
    max: Option<u32>,
    /// Last day (YYYY-MM-DD, UTC) on which the selection may change.
    #[arg(long, value_parser = parse_deadline)]
    deadline: Option<i64>,
}

impl RulesArgs {
    fn rules(&self) -> anyhow::Result<SelectionRules> {
        let rules = SelectionRules {
            min: self.min,
            max: self.max,
            deadline: self.deadline,
        };
        rules.validate().map_err(anyhow::Error::msg)?;
        Ok(rules)
    }
}

/// The studio's watermark on the proofs, as flags.
#[derive(clap::Args)]
struct WatermarkArgs {
    /// Text drawn on every proof (not on the grid's thumbs).
    #[arg(long)]
    watermark_text: Option<String>,
    /// A PNG logo drawn on every proof (above the text, if both are given).
    #[arg(long)]
    watermark_logo: Option<PathBuf>,
    /// Where the watermark goes: top-left, top, top-right, left, center, right,
    /// bottom-left, bottom, bottom-right, or tiled (repeated across the photo).
    #[arg(long, default_value = "bottom-right")]
    watermark_position: WatermarkPosition,
    /// How opaque the watermark is, from 0.0 to 1.0.
    #[arg(long, default_value_t = 0.5, value_parser = parse_opacity)]
    watermark_opacity: f32,
}

impl WatermarkArgs {
    fn render_options(&self) -> anyhow::Result<RenderOptions> {
        let logo = match &self.watermark_logo {
            Some(path) => Some(
                image::open(path)
                    .with_context(|| format!("cannot read the watermark logo {}", path.display()))?
                    .to_rgba8(),
            ),
            None => None,
        };
        let watermark = (self.watermark_text.is_some() || logo.is_some()).then(|| Watermark {
            text: self.watermark_text.clone(),
            logo,
            position: self.watermark_position,
            opacity: self.watermark_opacity,
        });
        Ok(RenderOptions {
            watermark,
            ..RenderOptions::default()
        })
    }
}

fn parse_opacity(s: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("{s:?} is not an opacity from 0.0 to 1.0")),
    }
}

fn parse_deadline(s: &str) -> Result<i64, String> {
    proofline_core::calendar::end_of_day(s)
}

#[tokio::main]
async fn main() {
    // Every request is one span (id, method, path) closed by a line with its
    // status and latency; `PROOFLINE_LOG_FORMAT=json` writes one JSON object
    // per line for a log collector.
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                "proofline=info,proofline_server=info,tower_http::trace=info,warn".into()
            }),
        )
        .with_writer(std::io::stderr);
    if std::env::var("PROOFLINE_LOG_FORMAT").is_ok_and(|f| f == "json") {
        logs.json().init();
    } else {
        logs.init();
    }
    if let Err(e) = run(Cli::parse()).await {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve {
            listen,
            client_dir,
            separate_store,
            signing_window_secs,
            url_validity_secs,
            mirror_validity_secs,
            common,
        } => {
            let signing =
                SigningPolicy::new(signing_window_secs, url_validity_secs, mirror_validity_secs)?;
            serve(listen, client_dir, separate_store, signing, &common).await
        }
        Command::Store { listen, common } => {
            let settings = Settings::resolve(&common, listen)?;
            let StoreKind::Embedded {
                listen: store_listen,
            } = settings.store.kind
            else {
                anyhow::bail!(
                    "`proofline store` runs the embedded store; an external bucket is configured"
                );
            };
            let store =
                EmbeddedStore::start(&settings.data_dir, store_listen, &settings.origins).await?;
            println!("Object store listening on http://{}", store.addr);
            shutdown_signal().await;
            store.stop().await;
            Ok(())
        }
        Command::Publish {
            dir,
            title,
            label,
            into,
            new,
            listen,
            rules,
            watermark,
            common,
        } => {
            let rules = rules.rules()?;
            let render = watermark.render_options()?;
            let destination = match (into, new) {
                (Some(id), _) => Destination::Into(proofline_core::GalleryId::parse(id)?),
                (None, true) => Destination::New,
                (None, false) => Destination::Auto,
            };
            let settings = Settings::resolve(&common, listen)?;
            let (store, temporary) = proofline_server::embedded::open_store(&settings).await?;
            let db = settings.open_db()?;
            let result = publish(
                &db,
                &store,
                &PublishRequest {
                    dir,
                    title,
                    label,
                    rules,
                    destination,
                    render,
                },
            )
            .await;
            if let Some(t) = temporary {
                t.stop().await;
            }
            let report = result?;
            print_report(&settings, &report);
            Ok(())
        }
        Command::Rules {
            gallery,
            rules,
            common,
        } => {
            let rules = rules.rules()?;
            let (db, gallery) = open_gallery(&common, &gallery)?;
            db.set_rules(&gallery.id, &rules)?;
            match rules.summary() {
                Some(s) => println!("Gallery {}: {s}", gallery.id),
                None => println!("Gallery {}: no selection rules.", gallery.id),
            }
            Ok(())
        }
        Command::Lock {
            gallery,
            unlock,
            common,
        } => {
            let (db, gallery) = open_gallery(&common, &gallery)?;
            let at = (!unlock).then(proofline_server::unix_now);
            db.set_locked(&gallery.id, at)?;
            println!(
                "Gallery {} is {}.",
                gallery.id,
                if unlock {
                    "unlocked"
                } else {
                    "locked: customers' changes are refused from now on"
                }
            );
            Ok(())
        }
        Command::Choices {
            gallery,
            csv,
            common,
        } => {
            let (db, gallery) = open_gallery(&common, &gallery)?;
            let links = db.gallery_choices(&gallery.id)?;
            if csv {
                print!("{}", choices::selection_csv(&gallery, &links));
            } else {
                print!(
                    "{}",
                    choices::report_text(&choices::studio_report(
                        &gallery,
                        &links,
                        proofline_server::unix_now()
                    ))
                );
            }
            Ok(())
        }
        Command::Link { command } => link(command).await,
        Command::Expire {
            gallery,
            on,
            never: _,
            common,
        } => {
            let (db, gallery) = open_gallery(&common, &gallery)?;
            db.set_gallery_expiry(&gallery.id, on)?;
            match on {
                Some(at) => println!(
                    "Gallery {} opens until the end of {} (UTC); customers are told ahead of time.",
                    gallery.id,
                    proofline_core::calendar::day_label(at)
                ),
                None => println!("Gallery {} does not expire.", gallery.id),
            }
            Ok(())
        }
        Command::Doctor {
            fix,
            listen,
            common,
        } => {
            let settings = Settings::resolve(&common, listen)?;
            let report = proofline_server::doctor::run(&settings, fix).await?;
            print!("{report}");
            if !report.passed() {
                std::process::exit(1);
            }
            Ok(())
        }
        Command::StudioLink { gallery, common } => {
            let settings = Settings::resolve(&common, DEFAULT_ORIGIN_LISTEN.parse()?)?;
            let token = proofline_server::secret::new_token();
            let hash = proofline_server::secret::token_hash(token.as_str());
            match gallery {
                Some(gallery) => {
                    let (db, gallery) = open_gallery(&common, &gallery)?;
                    db.set_studio_token(&gallery.id, &hash)?;
                    println!(
                        "Studio page for gallery {} (the previous one no longer works): {}",
                        gallery.id,
                        settings.studio_link(gallery.id.as_str(), token.as_str())
                    );
                }
                None => {
                    settings.open_db()?.set_studio_wide_token(&hash)?;
                    println!(
                        "Studio page for every gallery (the previous one no longer works): {}",
                        settings.studio_home_link(token.as_str())
                    );
                }
            }
            Ok(())
        }
    }
}

async fn link(command: LinkCommand) -> anyhow::Result<()> {
    let now = proofline_server::unix_now();
    match command {
        LinkCommand::Create {
            gallery,
            label,
            pin,
            expires,
            listen,
            common,
        } => {
            let settings = Settings::resolve(&common, listen)?;
            let (db, gallery) = open_gallery(&common, &gallery)?;
            let new = NewLink {
                label,
                pin,
                expires_at: expires,
            };
            let (link, token) = db.create_link(&gallery.id, &new, now)?;
            println!(
                "Share link {}{}: {}",
                link.id,
                describe(&link),
                settings.share_link(gallery.id.as_str(), token.as_str())
            );
            if link.has_pin {
                println!("Send the PIN separately from the link (a text and an email, say).");
            }
            Ok(())
        }
        LinkCommand::List { gallery, common } => {
            let settings = Settings::resolve(&common, DEFAULT_ORIGIN_LISTEN.parse()?)?;
            let db = settings.open_db()?;
            let gallery = gallery.map(proofline_core::GalleryId::parse).transpose()?;
            let links = db.links(gallery.as_ref())?;
            if links.is_empty() {
                println!("No share links.");
            }
            for l in links {
                println!(
                    "{:<8}  {:<10}  {:<22}  {}{}",
                    l.id,
                    l.gallery,
                    l.state(now).to_string(),
                    if l.label.is_empty() {
                        "(no label)"
                    } else {
                        &l.label
                    },
                    describe(&l)
                );
            }
            Ok(())
        }
        LinkCommand::Revoke { link, common } => {
            let settings = Settings::resolve(&common, DEFAULT_ORIGIN_LISTEN.parse()?)?;
            let db = settings.open_db()?;
            let link = db.revoke_link(&link, now)?.with_context(|| {
                format!("there is no share link {link}; see `proofline link list`")
            })?;
            println!(
                "Link {} ({}) is revoked: it no longer opens gallery {}.",
                link.id,
                if link.label.is_empty() {
                    "no label"
                } else {
                    &link.label
                },
                link.gallery
            );
            // Its manifest mirror goes too, so the store does not keep
            // serving the gallery to that link while the origin is down.
            let result = async {
                let (store, temporary) = proofline_server::embedded::open_store(&settings).await?;
                let r = Mirrors::default()
                    .delete(&store, &link.gallery, &link.token_hash)
                    .await;
                if let Some(t) = temporary {
                    t.stop().await;
                }
                r
            }
            .await;
            if let Err(e) = result {
                eprintln!(
                    "warning: could not delete the link's manifest mirror from the store ({e:#}); \
                     its signed URLs stop working within 7 days"
                );
            }
            Ok(())
        }
    }
}

/// ", PIN, expires 31 Dec 2026" for a link's listing.
fn describe(link: &Link) -> String {
    let mut out = String::new();
    if link.has_pin {
        out.push_str(", PIN");
    }
    if let Some(at) = link.expires_at {
        out.push_str(&format!(
            ", until {}",
            proofline_core::calendar::day_label(at)
        ));
    }
    out
}

/// What a publish did, for the terminal: the share link of a new gallery,
/// or what changed in an existing one.
fn print_report(settings: &Settings, r: &PublishReport) {
    report_skipped(&r.skipped);
    if !r.not_in_folder.is_empty() {
        eprintln!(
            "{} photo(s) in the gallery are no longer in the folder; they stay published \
             (customers may have chosen them):",
            r.not_in_folder.len()
        );
        for file in &r.not_in_folder {
            eprintln!("  {file}");
        }
    }
    let secs = r.elapsed.as_secs_f64();
    let rate = if r.added > 0 {
        format!(", {:.1} photos/s", r.added as f64 / secs.max(0.001))
    } else {
        String::new()
    };
    let sets = match r.sets {
        0 => String::new(),
        n => format!(" in {n} set(s)"),
    };
    match (&r.token, &r.studio_token) {
        (Some(token), Some(studio)) => {
            let resumed = if r.resumed {
                " (continuing the interrupted publish)"
            } else {
                ""
            };
            println!(
                "Published {} photo(s){sets} as gallery {}{resumed}; {} file(s) skipped. \
                 Uploads: {} done, {} already in the store. {secs:.1} s{rate}.",
                r.published,
                r.gallery,
                r.skipped.len(),
                r.uploads_done,
                r.uploads_skipped
            );
            println!(
                "Share link: {}",
                settings.share_link(r.gallery.as_str(), token.as_str())
            );
            println!(
                "Studio page: {}",
                settings.studio_link(r.gallery.as_str(), studio.as_str())
            );
        }
        _ => {
            let what = if r.added == 0 {
                "is up to date"
            } else {
                "is updated"
            };
            println!(
                "Gallery {} {what}: {} new photo(s), {} already published, {} file(s) skipped; \
                 {} photo(s){sets} in all. Uploads: {} done, {} already in the store. {secs:.1} s{rate}.",
                r.gallery,
                r.added,
                r.already_published,
                r.skipped.len(),
                r.published,
                r.uploads_done,
                r.uploads_skipped
            );
            println!(
                "Its {} share link(s) keep working; `proofline link create {}` makes another \
                 (`--new` publishes the folder as a new gallery).",
                r.live_links, r.gallery
            );
        }
    }
}

/// The database and one of its galleries, for the studio's subcommands.
fn open_gallery(common: &CommonArgs, id: &str) -> anyhow::Result<(Db, StoredGallery)> {
    let settings = Settings::resolve(common, DEFAULT_ORIGIN_LISTEN.parse()?)?;
    let db = settings.open_db()?;
    let id = proofline_core::GalleryId::parse(id)?;
    let gallery = db.gallery(&id)?.with_context(|| {
        format!(
            "there is no gallery {id} in {}",
            proofline_server::sql::redact(&settings.database)
        )
    })?;
    Ok((db, gallery))
}

async fn serve(
    listen: SocketAddr,
    client_dir: PathBuf,
    separate_store: bool,
    signing: SigningPolicy,
    common: &CommonArgs,
) -> anyhow::Result<()> {
    let settings = Settings::resolve(common, listen)?;
    let embedded = match settings.store.kind {
        StoreKind::Embedded { listen } if !separate_store => {
            Some(EmbeddedStore::start(&settings.data_dir, listen, &settings.origins).await?)
        }
        _ => None,
    };
    let store = ObjectStore::connect(&settings.store)
        .await?
        .with_cloudfront(settings.cloudfront.clone())
        .with_origins(&settings.origins);
    for origin in &settings.origins {
        if settings.store.kind == StoreKind::External
            && let Err(e) = store.ensure_cors(origin).await
        {
            tracing::warn!("could not set the bucket's CORS rule (set it by hand): {e:#}");
        }
    }
    let db = settings.open_db()?;
    tracing::info!(database = %db.describe(), store = %store.location(), "origin starting");
    let state = AppState {
        db,
        store,
        signing,
        mirrors: Mirrors::default(),
    };
    tokio::spawn(refresh_mirrors(state.clone()));
    let client_dir = client_dir.join("index.html").exists().then_some(client_dir);
    if client_dir.is_none() {
        tracing::warn!("the browser app is not built; only the API is served");
    }
    let app = router(state, client_dir);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    println!("Origin listening on http://{}", listener.local_addr()?);
    if let Some(store) = &embedded {
        println!("Object store listening on http://{}", store.addr);
    }
    // On SIGTERM or Ctrl-C: stop accepting, finish every request already
    // taken in (an op batch is answered only after its commit), then exit.
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            shutdown_signal().await;
            tracing::info!("stopping: finishing the requests in flight");
        })
        .await?;
    tracing::info!("stopped");
    if let Some(store) = embedded {
        store.stop().await;
    }
    Ok(())
}

/// Keeps every live link's manifest mirror current: now, then at the start of
/// each signing window, so galleries nobody is visiting still have fresh URLs
/// in their mirror when the origin goes down.
async fn refresh_mirrors(state: AppState) {
    loop {
        let now = proofline_server::unix_now();
        match state
            .mirrors
            .refresh_all(&state.db, &state.store, &state.signing, now)
            .await
        {
            Ok(n) => tracing::debug!("manifest mirrors checked for {n} link(s)"),
            Err(e) => tracing::warn!("could not refresh manifest mirrors: {e:#}"),
        }
        let window = state.signing.window_secs;
        let next = window - now.rem_euclid(window);
        tokio::time::sleep(std::time::Duration::from_secs(next as u64 + 1)).await;
    }
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
