//! The `proofline` command line: every command and flag ([`clap`]
//! definitions) and the dispatch to one file per command group ([`serve`]:
//! `serve` and `store`; [`publish`]; [`gallery`]: `rules`, `lock`,
//! `expire`; [`links`]: `link` and `studio-link`; [`choices`]; [`doctor`]).
//! What commands print is formatted in [`output`]; progress bars live here
//! only.
//!
//! The top layer: may import everything below (`origin`, `http`, the domain,
//! `settings`, `db`, `storage`); nothing imports it but `main.rs`.

mod choices;
mod doctor;
mod gallery;
mod links;
mod output;
mod publish;
mod serve;

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use proofline_core::downloads::Downloads;

use crate::publish::render::{FullSize, WatermarkPosition};
use crate::settings::{CommonArgs, DEFAULT_ORIGIN_LISTEN};

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
        /// How long a device may show its saved copy without reaching the
        /// studio (`90m`, `12h`, `3d`; 1 hour to 30 days; default 3 days for
        /// a new gallery). Also `proofline offline-window`.
        #[arg(long, value_parser = proofline_core::offline::parse)]
        offline_window: Option<i64>,
        /// Address of the origin (for the default public URL).
        #[arg(long, env = "PROOFLINE_LISTEN", default_value = DEFAULT_ORIGIN_LISTEN)]
        listen: SocketAddr,
        #[command(flatten)]
        rules: RulesArgs,
        #[command(flatten)]
        watermark: WatermarkArgs,
        #[command(flatten)]
        brand: publish::BrandArgs,
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
    /// Set how long a device may keep showing a gallery's saved copy, and
    /// loading its photos, without reaching the studio: after it the device
    /// hides the gallery until it reaches the studio again (and forgets it if
    /// its link was revoked). From 1 hour to 30 days; 3 days by default.
    OfflineWindow {
        gallery: String,
        /// `90m`, `12h`, `3d`, ...
        #[arg(value_parser = proofline_core::offline::parse, required_unless_present = "default")]
        window: Option<i64>,
        /// Back to the default (3 days).
        #[arg(long, conflicts_with = "window")]
        default: bool,
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
        /// The customer must enter a PIN: `--pin` alone makes a new one of 6
        /// digits; or give 4 to 8 digits (fewer than 6 with a warning).
        #[arg(long, num_args = 0..=1, default_missing_value = "new")]
        pin: Option<String>,
        /// Last day (YYYY-MM-DD, UTC) on which the link opens.
        #[arg(long, value_parser = parse_deadline)]
        expires: Option<i64>,
        /// The customer's email address: `serve` (with `--smtp-url`) then
        /// reminds them, once each, when the link closes within 7 days and
        /// when their selection has waited 3 days; they can unsubscribe.
        #[arg(long)]
        email: Option<String>,
        /// What the customer may download: none, web (2048 px) or full
        /// (the original; web size for photos published without it). See
        /// `publish --downloads`.
        #[arg(long, default_value = "none", value_parser = parse_downloads)]
        downloads: Downloads,
        /// The customer must enter this PIN before downloading (the gallery
        /// opens without it): `--download-pin` alone makes a new one of 6
        /// digits; or give 4 to 8 digits.
        #[arg(long, num_args = 0..=1, default_missing_value = "new")]
        download_pin: Option<String>,
        /// Address of the origin (for the default public URL).
        #[arg(long, env = "PROOFLINE_LISTEN", default_value = DEFAULT_ORIGIN_LISTEN)]
        listen: SocketAddr,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Set (or with --off clear) the address a link's customer is reminded
    /// at; see `link create --email`.
    Remind {
        /// The link's id, as `link list` shows it.
        link: String,
        /// The customer's email address.
        #[arg(required_unless_present = "off")]
        email: Option<String>,
        /// Send this link's customer no reminders.
        #[arg(long, conflicts_with = "email")]
        off: bool,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Set what a link's customer may download: none, web (2048 px) or
    /// full (the original). Their app offers it on its next visit.
    Downloads {
        /// The link's id, as `link list` shows it.
        link: String,
        #[arg(value_parser = parse_downloads)]
        downloads: Downloads,
        /// Ask for a PIN before downloading: `--pin` alone makes a new one
        /// of 6 digits; or give 4 to 8 digits. A new PIN replaces the old.
        #[arg(long, num_args = 0..=1, default_missing_value = "new")]
        pin: Option<String>,
        /// Remove the download PIN.
        #[arg(long, conflicts_with = "pin")]
        no_pin: bool,
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

/// How proofs are rendered, as flags: the studio's watermark, the pixel
/// limit and the download files.
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
    /// Publish what share links may be allowed to download: `web` makes a
    /// 2048 px JPEG of each photo; `full` also a full-size file (see
    /// `--full-size`). Photos already published without them get them.
    /// Each link then downloads what `link downloads` allows.
    #[arg(long, default_value = "none", value_parser = parse_downloads)]
    downloads: Downloads,
    /// Draw the watermark on the downloads too.
    #[arg(long)]
    watermark_downloads: bool,
    /// What `--downloads full` publishes: `reencode` (full resolution at
    /// JPEG quality 95, upright, camera and GPS metadata dropped) or
    /// `original` (the file as it is, metadata included).
    #[arg(long, value_enum, default_value = "reencode")]
    full_size: FullSize,
    /// Photos larger than this many megapixels are skipped, checked from
    /// their header before decoding; decoders are held to the memory that
    /// goes with it (4 bytes a pixel).
    #[arg(
        long,
        env = "PROOFLINE_MAX_MEGAPIXELS",
        default_value_t = crate::publish::render::DEFAULT_MAX_MEGAPIXELS,
        value_parser = clap::value_parser!(u64).range(1..=1_000_000)
    )]
    max_megapixels: u64,
}

fn parse_opacity(s: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("{s:?} is not an opacity from 0.0 to 1.0")),
    }
}

fn parse_downloads(s: &str) -> Result<Downloads, String> {
    Downloads::parse(s)
}

fn parse_deadline(s: &str) -> Result<i64, String> {
    proofline_core::calendar::end_of_day(s)
}

/// Runs the command line: logging set up, flags parsed, the command run; an
/// error is printed and the process exits with 1.
pub async fn run() {
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
    if let Err(e) = dispatch(Cli::parse()).await {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

async fn dispatch(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve {
            listen,
            client_dir,
            separate_store,
            common,
        } => serve::serve(listen, client_dir, separate_store, &common).await,
        Command::Store { listen, common } => serve::store(listen, &common).await,
        Command::Publish {
            dir,
            title,
            label,
            into,
            new,
            offline_window,
            listen,
            rules,
            watermark,
            brand,
            common,
        } => {
            let request = publish::Request {
                dir,
                title,
                label,
                into,
                new,
                offline_window,
            };
            publish::publish(request, listen, &rules, &watermark, &brand, &common).await
        }
        Command::Rules {
            gallery,
            rules,
            common,
        } => gallery::rules(&gallery, &rules, &common),
        Command::Lock {
            gallery,
            unlock,
            common,
        } => gallery::lock(&gallery, unlock, &common),
        Command::OfflineWindow {
            gallery,
            window,
            default: _,
            common,
        } => gallery::offline_window(&gallery, window, &common),
        Command::Choices {
            gallery,
            csv,
            common,
        } => choices::choices(&gallery, csv, &common),
        Command::Link { command } => links::link(command).await,
        Command::Expire {
            gallery,
            on,
            never: _,
            common,
        } => gallery::expire(&gallery, on, &common),
        Command::Doctor {
            fix,
            listen,
            common,
        } => doctor::doctor(fix, listen, &common).await,
        Command::StudioLink { gallery, common } => links::studio_link(gallery, &common),
    }
}
