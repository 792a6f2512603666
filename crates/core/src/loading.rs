//! Which image to download next, and when to try a failed one again.
//!
//! On a phone with bad signal the order matters more than the speed: the
//! thumbnails on screen first, then the photos either side of the one open in
//! the lightbox, then (only when the customer asked to save the gallery for
//! offline) everything else. A store host that keeps failing is cooled down so
//! it does not hold up downloads from hosts that work, and each failed download
//! waits longer, with jitter, before its next try.
//!
//! [`LoadQueue`] holds no I/O and no clock: the browser adapter (`src/state/loader.rs`)
//! passes the time and the randomness in and runs the downloads it is given.

use std::collections::{HashMap, HashSet};

use crate::ids::ContentHash;

/// How much the customer is waiting for a download. Lower is sooner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// A thumbnail on screen, or the photo open in the lightbox.
    Visible,
    /// The photos either side of the lightbox's, so swiping is instant;
    /// and the photos of a ZIP the customer is waiting for (never
    /// withdrawn with a cancelled "Save for offline", as `Background` is).
    Neighbour,
    /// Everything else, fetched only while saving the gallery for offline.
    Background,
}

/// Delay before retry `attempt` (1 for the first retry): exponential from
/// `base_ms`, capped at `max_ms`, with "equal jitter": half fixed, half random,
/// so retries from many phones (or tiles) do not arrive in step, yet never
/// retry at once. `random` is uniform in `[0, 1)`.
pub fn backoff_ms(attempt: u32, base_ms: u64, max_ms: u64, random: f64) -> u64 {
    let exp = base_ms.saturating_mul(1u64 << attempt.saturating_sub(1).min(32));
    let cap = exp.min(max_ms);
    let half = cap / 2;
    half + (half as f64 * random.clamp(0.0, 1.0)) as u64
}

/// First retry after about 0.5–1 s.
pub const RETRY_BASE_MS: u64 = 1_000;
/// No retry waits longer than 30 s.
pub const RETRY_MAX_MS: u64 = 30_000;
/// After this many failures a download is given up until asked for again.
pub const MAX_ATTEMPTS: u32 = 4;
/// Downloads in flight at once, across hosts (browsers allow 6 per host on
/// HTTP/1.1; more would only queue inside the browser, out of our control).
pub const MAX_RUNNING: usize = 6;

/// One download: the content hash names it, `host` is where its URL points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub hash: ContentHash,
    pub host: String,
    pub priority: Priority,
}

/// How a download ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DownloadEnd {
    Done,
    /// Network error, timeout, 5xx, or bytes that failed verification.
    Failed,
}

/// What happens to a job after it finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFinish {
    Done,
    /// Queued again, not before this time.
    RetryAt(i64),
    /// Failed [`MAX_ATTEMPTS`] times: the caller shows the placeholder as
    /// "not available right now".
    GaveUp,
}

#[derive(Debug, Clone)]
struct Waiting {
    job: Job,
    seq: u64,
    not_before: i64,
}

#[derive(Debug, Clone, Copy, Default)]
struct HostHealth {
    failures: u32,
    cool_until: i64,
}

/// The download queue. Times are milliseconds on any monotonic clock.
#[derive(Debug, Default)]
pub struct LoadQueue {
    waiting: HashMap<ContentHash, Waiting>,
    running: HashSet<ContentHash>,
    attempts: HashMap<ContentHash, u32>,
    hosts: HashMap<String, HostHealth>,
    seq: u64,
}

impl LoadQueue {
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks for a download. Asking again for a waiting job raises its priority if
    /// the new one is more urgent; a job already running is left alone. Asking
    /// for a job that gave up starts its attempts afresh.
    pub fn request(&mut self, job: Job) {
        if self.running.contains(&job.hash) {
            return;
        }
        if let Some(w) = self.waiting.get_mut(&job.hash) {
            if job.priority < w.job.priority {
                w.job.priority = job.priority;
            }
            w.job.host = job.host;
            return;
        }
        self.seq += 1;
        self.waiting.insert(
            job.hash.clone(),
            Waiting {
                job,
                seq: self.seq,
                not_before: i64::MIN,
            },
        );
    }

    /// Withdraws a waiting job (its tile scrolled away); a running one finishes.
    pub fn cancel(&mut self, hash: &ContentHash) {
        self.waiting.remove(hash);
    }

    /// Withdraws every waiting job of `priority` (saving for offline cancelled).
    pub fn cancel_priority(&mut self, priority: Priority) {
        self.waiting.retain(|_, w| w.job.priority != priority);
    }

    pub fn is_idle(&self) -> bool {
        self.waiting.is_empty() && self.running.is_empty()
    }

    pub fn running(&self) -> usize {
        self.running.len()
    }

    /// The next download to start at `now`, if a slot is free: most urgent first,
    /// then oldest request; skipping jobs waiting out a backoff and hosts cooling
    /// down after failures.
    pub fn next(&mut self, now: i64) -> Option<Job> {
        if self.running.len() >= MAX_RUNNING {
            return None;
        }
        let hosts = &self.hosts;
        let best = self
            .waiting
            .values()
            .filter(|w| w.not_before <= now)
            .filter(|w| hosts.get(&w.job.host).is_none_or(|h| h.cool_until <= now))
            .min_by_key(|w| (w.job.priority, w.seq))?
            .job
            .hash
            .clone();
        let w = self.waiting.remove(&best).expect("found above");
        self.running.insert(best);
        Some(w.job)
    }

    /// When a waiting job next becomes startable, if none is now; for the
    /// caller's timer.
    pub fn next_wake(&self, now: i64) -> Option<i64> {
        self.waiting
            .values()
            .map(|w| {
                let host = self
                    .hosts
                    .get(&w.job.host)
                    .map_or(i64::MIN, |h| h.cool_until);
                w.not_before.max(host)
            })
            .min()
            .map(|t| t.max(now))
    }

    /// Records how a job started by [`LoadQueue::next`] ended. `random` is
    /// uniform in `[0, 1)`, for the jitter.
    pub fn finish(&mut self, job: Job, outcome: DownloadEnd, now: i64, random: f64) -> AfterFinish {
        self.running.remove(&job.hash);
        match outcome {
            DownloadEnd::Done => {
                self.attempts.remove(&job.hash);
                self.hosts.remove(&job.host);
                AfterFinish::Done
            }
            DownloadEnd::Failed => {
                let host = self.hosts.entry(job.host.clone()).or_default();
                host.failures += 1;
                // A host failing twice in a row rests for a backoff; other hosts'
                // jobs keep going meanwhile.
                if host.failures >= 2 {
                    host.cool_until = now
                        + backoff_ms(host.failures - 1, RETRY_BASE_MS, RETRY_MAX_MS, random) as i64;
                }
                let attempts = self.attempts.entry(job.hash.clone()).or_default();
                *attempts += 1;
                if *attempts >= MAX_ATTEMPTS {
                    self.attempts.remove(&job.hash);
                    return AfterFinish::GaveUp;
                }
                let at = now + backoff_ms(*attempts, RETRY_BASE_MS, RETRY_MAX_MS, random) as i64;
                self.seq += 1;
                self.waiting.insert(
                    job.hash.clone(),
                    Waiting {
                        job,
                        seq: self.seq,
                        not_before: at,
                    },
                );
                AfterFinish::RetryAt(at)
            }
        }
    }
}

#[cfg(test)]
mod tests;
