//! How a publish tells its caller how far it is: a [`Progress`] is told when
//! each [`Stage`] begins (with its number of photos), each photo done, and
//! the stage's end. The library draws nothing; the CLI turns this into
//! progress bars, and tests and benchmarks use the silent default.

use std::sync::Arc;

/// A stage of a publish that goes photo by photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Checking every original (its type and size, from its first bytes and
    /// header) and hashing it, to tell new photos from published ones.
    Checking,
    /// Rendering the new photos and uploading their renditions.
    Publishing,
}

impl Stage {
    /// The stage in a word, as the CLI shows it.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Checking => "Checking",
            Stage::Publishing => "Publishing",
        }
    }
}

/// Told how a publish goes. Called from worker threads, so it takes `&self`.
pub trait Progress: Send + Sync {
    /// `stage` begins, with `photos` photos to go through.
    fn begin(&self, stage: Stage, photos: u64);
    /// One more photo of `stage` is done.
    fn advance(&self, stage: Stage);
    /// `stage` is over.
    fn end(&self, stage: Stage);
}

/// Reports nothing.
struct Silent;

impl Progress for Silent {
    fn begin(&self, _: Stage, _: u64) {}
    fn advance(&self, _: Stage) {}
    fn end(&self, _: Stage) {}
}

/// Where a publish reports its progress (cheap to clone); nowhere by default.
#[derive(Clone)]
pub struct Reporter(Arc<dyn Progress>);

impl Reporter {
    pub fn new(progress: impl Progress + 'static) -> Reporter {
        Reporter(Arc::new(progress))
    }

    pub fn begin(&self, stage: Stage, photos: u64) {
        self.0.begin(stage, photos);
    }

    pub fn advance(&self, stage: Stage) {
        self.0.advance(stage);
    }

    pub fn end(&self, stage: Stage) {
        self.0.end(stage);
    }
}

impl Default for Reporter {
    fn default() -> Reporter {
        Reporter::new(Silent)
    }
}

impl std::fmt::Debug for Reporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Reporter")
    }
}
