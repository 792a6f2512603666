//! `proofline publish DIR`: the request from the flags, progress bars while
//! it runs, and the summary (or the files that could not be published).
//! `--studio-name`, `--accent`, `--logo` and `--cover` set the brand
//! ([`BrandArgs`]). `--max-megapixels` (`PROOFLINE_MAX_MEGAPIXELS`) sets the pixel limit
//! (default 250): larger photos are skipped, and their decoders held to the
//! memory that goes with it (4 bytes a pixel of the limit).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Mutex;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};

use super::{RulesArgs, WatermarkArgs, output};
use crate::brand::BrandChange;
use crate::db::Db;
use crate::publish::render::{DecodeLimits, RenderOptions, Watermark};
use crate::publish::{
    Destination, NothingPublished, Progress, PublishRequest, Reporter, Stage, publish as run,
};
use crate::settings::{CommonArgs, Settings};

/// The `publish` command's own arguments.
pub(super) struct Request {
    pub dir: PathBuf,
    pub title: Option<String>,
    pub label: String,
    pub into: Option<String>,
    pub new: bool,
    pub offline_window: Option<i64>,
}

/// The studio's brand, set with a publish (also from the studio page).
#[derive(clap::Args, Debug, Clone, Default)]
#[command(next_help_heading = "Brand")]
pub struct BrandArgs {
    /// The studio's name, on every customer's page and as the installed
    /// app's name (`""` takes it away). For every gallery.
    #[arg(long)]
    studio_name: Option<String>,
    /// The studio's colour, `#rrggbb`: buttons and highlights, darkened or
    /// lightened only as far as reading needs (`""` takes it away).
    #[arg(long)]
    accent: Option<String>,
    /// The studio's logo (PNG or JPEG, up to 5 MB): the page's header and
    /// the installed app's icons (`""` takes it away).
    #[arg(long, value_name = "FILE")]
    logo: Option<PathBuf>,
    /// The photo (its file name) that heads this gallery (`""`: none).
    #[arg(long, value_name = "FILE_NAME")]
    cover: Option<String>,
}

impl BrandArgs {
    /// The brand change asked for, the logo read.
    fn change(&self) -> anyhow::Result<BrandChange> {
        let logo = match &self.logo {
            Some(path) if path.as_os_str().is_empty() => Some(Vec::new()),
            Some(path) => Some(
                std::fs::read(path)
                    .with_context(|| format!("cannot read the logo {}", path.display()))?,
            ),
            None => None,
        };
        Ok(BrandChange {
            name: self.studio_name.clone(),
            accent: self.accent.clone(),
            logo,
        })
    }

    /// Sets the gallery's cover from its file name.
    fn set_cover(&self, db: &Db, gallery: &proofline_core::GalleryId) -> anyhow::Result<()> {
        let Some(name) = self.cover.as_deref().map(str::trim) else {
            return Ok(());
        };
        let cover = if name.is_empty() {
            None
        } else {
            let stored = db.gallery(gallery)?.context("the gallery is gone")?;
            Some(
                stored
                    .image_named(name)
                    .with_context(|| {
                        format!("there is no photo “{name}” in the gallery to make its cover")
                    })?
                    .id
                    .clone(),
            )
        };
        db.set_cover(gallery, cover.as_ref())?;
        Ok(())
    }
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
            downloads: self.downloads,
            watermark_downloads: self.watermark_downloads,
            full_size: self.full_size,
            limits: DecodeLimits::megapixels(self.max_megapixels),
            ..RenderOptions::default()
        })
    }
}

pub(super) async fn publish(
    request: Request,
    listen: SocketAddr,
    rules: &RulesArgs,
    watermark: &WatermarkArgs,
    brand: &BrandArgs,
    common: &CommonArgs,
) -> anyhow::Result<()> {
    let rules = rules.rules()?;
    let render = watermark.render_options()?;
    let brand_change = brand.change()?;
    let destination = match (request.into, request.new) {
        (Some(id), _) => Destination::Into(proofline_core::GalleryId::parse(id)?),
        (None, true) => Destination::New,
        (None, false) => Destination::Auto,
    };
    let settings = Settings::resolve(common, listen)?;
    let db = settings.open_db()?;
    // The brand is checked (and written) first: a bad colour or logo stops
    // the publish before any photo is rendered.
    crate::brand::apply(&db, &brand_change)?;
    let (store, temporary) = settings.open_store().await?;
    let result = run(
        &db,
        &store,
        &PublishRequest {
            dir: request.dir,
            title: request.title,
            label: request.label,
            rules,
            offline_window: request.offline_window,
            destination,
            render,
            signing: settings.signing,
            progress: Reporter::new(Bars::default()),
        },
    )
    .await;
    if let Some(t) = temporary {
        t.stop().await;
    }
    let report = match result {
        Ok(report) => report,
        Err(e) => {
            if let Some(nothing) = e.downcast_ref::<NothingPublished>() {
                output::print_skipped(&nothing.skipped);
            }
            return Err(e);
        }
    };
    brand.set_cover(&db, &report.gallery)?;
    output::print_report(&settings, &report);
    Ok(())
}

/// A publish's progress as a bar per stage, on the terminal.
#[derive(Default)]
struct Bars {
    bar: Mutex<Option<ProgressBar>>,
}

impl Bars {
    fn bar(&self) -> std::sync::MutexGuard<'_, Option<ProgressBar>> {
        self.bar.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Progress for Bars {
    fn begin(&self, stage: Stage, photos: u64) {
        let bar = ProgressBar::new(photos);
        bar.set_style(
            ProgressStyle::with_template(
                "{msg:>10} [{bar:30}] {pos}/{len} photos ({per_sec}, {eta} left)",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        bar.set_message(stage.label());
        *self.bar() = Some(bar);
    }

    fn advance(&self, _: Stage) {
        if let Some(bar) = &*self.bar() {
            bar.inc(1);
        }
    }

    fn end(&self, _: Stage) {
        if let Some(bar) = self.bar().take() {
            bar.finish_and_clear();
        }
    }
}
