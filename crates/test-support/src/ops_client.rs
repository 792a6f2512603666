//! A customer's device for the ingestion benchmarks: batches of [`BATCH`]
//! ops (favourites and comments), sent one after another over real HTTP.

use std::time::{Duration, Instant};

use proofline_core::hlc::Hlc;
use proofline_core::proofing::{Action, DeviceId, Op, OpId};
use proofline_core::{GalleryId, ImageId};

pub const BATCH: usize = 100;

/// Sends `batches` batches to `url` (a gallery's `/ops`); each one's latency.
pub async fn device(
    url: &str,
    token: &str,
    gallery: &GalleryId,
    images: &[ImageId],
    name: &str,
    batches: usize,
) -> anyhow::Result<Vec<Duration>> {
    let http = reqwest::Client::new();
    let device = DeviceId::parse(format!("{name}-device"))?;
    let mut clock = Hlc::ZERO;
    let mut latencies = Vec::with_capacity(batches);
    for b in 0..batches {
        let ops: Vec<Op> = (0..BATCH)
            .map(|i| {
                clock = clock.tick(proofline_server::unix_now_ms());
                let image = images[(b * BATCH + i) % images.len()].clone();
                Op {
                    id: OpId::parse(format!("{name}-{b:04}-{i:03}")).expect("valid"),
                    device: device.clone(),
                    gallery: gallery.clone(),
                    hlc: clock,
                    action: if i % 4 == 0 {
                        Action::Comment {
                            image,
                            text: format!("note {b}/{i}"),
                        }
                    } else {
                        Action::Favourite {
                            image,
                            on: i % 2 == 0,
                        }
                    },
                }
            })
            .collect();
        let started = Instant::now();
        let resp = http
            .post(url)
            .bearer_auth(token)
            .json(&serde_json::json!({ "ops": ops }))
            .send()
            .await?;
        anyhow::ensure!(resp.status() == 200, "batch refused: {}", resp.status());
        resp.bytes().await?;
        latencies.push(started.elapsed());
    }
    Ok(latencies)
}

/// The `p` quantile (0..1) of sorted latencies, in milliseconds.
pub fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    let at = ((sorted.len() as f64 * p) as usize).min(sorted.len().saturating_sub(1));
    sorted.get(at).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}
