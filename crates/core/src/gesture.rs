//! The lightbox's touch gestures: swipe between photos, pinch or double-tap to
//! zoom, drag to pan a zoomed photo.
//!
//! [`Gestures`] holds no clock and no DOM: the browser adapter feeds it Pointer
//! Events with the time and applies [`Gestures::transform`] as CSS. The photo is
//! treated as filling the stage. With `transform-origin` at the stage centre
//! `c`, a content point `p` (relative to `c`) shows at `c + t + s·p`, where `t`
//! is the translation and `s` the scale.

use std::collections::VecDeque;

/// The furthest a photo zooms in.
pub const MAX_SCALE: f64 = 4.0;
/// The scale a double tap zooms to.
pub const DOUBLE_TAP_SCALE: f64 = 2.5;

/// Above this scale the photo counts as zoomed (pans instead of swiping).
const ZOOMED_ABOVE: f64 = 1.01;
/// A tap moves less than this and lasts less than [`TAP_MAX_MS`].
const TAP_SLOP_PX: f64 = 10.0;
const TAP_MAX_MS: f64 = 300.0;
/// A second tap this soon after and this near the first makes a double tap.
const DOUBLE_TAP_MS: f64 = 300.0;
const DOUBLE_TAP_PX: f64 = 30.0;
/// A swipe further than this fraction of the stage width navigates...
const SWIPE_FRACTION: f64 = 0.25;
/// ...and so does a flick faster than this.
const FLICK_PX_PER_MS: f64 = 0.4;
/// How much of the finger's movement shows when there is no photo that way.
const RUBBER_BAND: f64 = 0.3;
/// Release velocity is measured over this last stretch of the gesture.
const VELOCITY_WINDOW_MS: f64 = 100.0;
const MAX_SAMPLES: usize = 16;
const FLING_MIN_MS: f64 = 80.0;
const FLING_MAX_MS: f64 = 320.0;

/// A point in CSS pixels relative to the stage's top-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    pub fn new(x: f64, y: f64) -> Self {
        Point { x, y }
    }

    fn distance(self, other: Point) -> f64 {
        (self.x - other.x).hypot(self.y - other.y)
    }

    fn midpoint(self, other: Point) -> Point {
        Point::new((self.x + other.x) / 2.0, (self.y + other.y) / 2.0)
    }
}

/// What the photo looks like now: apply as CSS
/// `transform: translate(tx px, ty px) scale(scale)` with transform-origin at the
/// stage centre (tx includes the horizontal swipe offset while swiping at scale 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transform {
    pub scale: f64,
    pub tx: f64,
    pub ty: f64,
}

/// What a finished gesture asks the viewer to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GestureEnd {
    /// Nothing beyond the transform (still dragging, a pan, a pinch, a snap back).
    None,
    /// Swiped left (flick or far enough): show the next photo. Only when `has_next`.
    Next,
    /// Swiped right: the previous photo. Only when `has_prev`.
    Previous,
    /// A single tap that was not part of a double tap (the adapter may ignore it).
    Tap,
}

/// The content point (relative to the centre) shown at `screen`.
fn content_at(screen: Point, centre: Point, translation: Point, scale: f64) -> Point {
    Point::new(
        (screen.x - centre.x - translation.x) / scale,
        (screen.y - centre.y - translation.y) / scale,
    )
}

/// The translation that shows `content` at `screen` at `scale`.
fn translation_showing(content: Point, screen: Point, centre: Point, scale: f64) -> Point {
    Point::new(
        screen.x - centre.x - scale * content.x,
        screen.y - centre.y - scale * content.y,
    )
}

/// How long the slide-out takes for `remaining` px at `velocity` px/ms.
fn fling_duration(remaining: f64, velocity: f64) -> f64 {
    (remaining.max(0.0) / velocity.abs().max(1e-3)).clamp(FLING_MIN_MS, FLING_MAX_MS)
}

#[derive(Debug, Clone, Copy)]
enum Mode {
    Idle,
    /// One finger at scale 1, put down at `start`.
    Swipe {
        start: Point,
    },
    /// One finger on a zoomed photo: the translation was `t0` with the finger at `anchor`.
    Pan {
        anchor: Point,
        t0: Point,
    },
    /// Two fingers, `d0` apart at scale `s0`; `content` was under their midpoint.
    Pinch {
        d0: f64,
        s0: f64,
        content: Point,
    },
}

/// The lightbox's gesture state. Times are milliseconds on any monotonic clock.
#[derive(Debug, Clone)]
pub struct Gestures {
    width: f64,
    height: f64,
    has_prev: bool,
    has_next: bool,
    scale: f64,
    /// The translation `t`; its `x` carries the swipe offset while swiping.
    t: Point,
    /// At most two fingers: id and where it is now.
    pointers: Vec<(i32, Point)>,
    mode: Mode,
    /// Where and when the current single-finger touch began, while it may be a tap.
    tap_start: Option<(Point, f64)>,
    /// Where and when the last single tap ended, while a second could double it.
    last_tap: Option<(Point, f64)>,
    /// Recent `(time, x)` of a single finger, for the release velocity.
    samples: VecDeque<(f64, f64)>,
    fling_ms: f64,
}

impl Gestures {
    /// `width`, `height`: the stage size in CSS px. `has_prev`/`has_next`: whether neighbours exist.
    pub fn new(width: f64, height: f64, has_prev: bool, has_next: bool) -> Self {
        Gestures {
            width,
            height,
            has_prev,
            has_next,
            scale: 1.0,
            t: Point::new(0.0, 0.0),
            pointers: Vec::with_capacity(2),
            mode: Mode::Idle,
            tap_start: None,
            last_tap: None,
            samples: VecDeque::with_capacity(MAX_SAMPLES),
            fling_ms: FLING_MAX_MS,
        }
    }

    /// The stage changed size (rotation, window resize).
    pub fn resize(&mut self, width: f64, height: f64) {
        self.width = width;
        self.height = height;
        if self.zoomed() {
            self.clamp_pan();
        }
    }

    /// A finger (or pen, or mouse button) went down on the stage.
    pub fn down(&mut self, pointer: i32, at: Point, now_ms: f64) {
        if self.pointers.len() >= 2 || self.pointers.iter().any(|&(id, _)| id == pointer) {
            return;
        }
        self.pointers.push((pointer, at));
        if self.pointers.len() == 1 {
            self.tap_start = Some((at, now_ms));
            self.samples.clear();
            self.record(at, now_ms);
            self.mode = if self.zoomed() {
                Mode::Pan {
                    anchor: at,
                    t0: self.t,
                }
            } else {
                self.set_identity();
                Mode::Swipe { start: at }
            };
            return;
        }
        // A second finger: whatever the first was doing becomes a pinch, from
        // the resting photo if it was mid-swipe.
        self.tap_start = None;
        if let Mode::Swipe { .. } = self.mode {
            self.t.x = 0.0;
        }
        let (a, b) = (self.pointers[0].1, self.pointers[1].1);
        self.mode = Mode::Pinch {
            d0: a.distance(b).max(1.0),
            s0: self.scale,
            content: content_at(a.midpoint(b), self.centre(), self.t, self.scale),
        };
    }

    /// A pointer moved; only fingers that went down on the stage count.
    pub fn moved(&mut self, pointer: i32, at: Point, now_ms: f64) {
        let Some(slot) = self.pointers.iter_mut().find(|(id, _)| *id == pointer) else {
            return;
        };
        slot.1 = at;
        if self
            .tap_start
            .is_some_and(|(start, _)| start.distance(at) >= TAP_SLOP_PX)
        {
            self.tap_start = None;
        }
        if self.pointers.len() == 1 {
            self.record(at, now_ms);
        }
        match self.mode {
            Mode::Idle => {}
            Mode::Swipe { start } => self.t.x = self.swipe_offset(at.x - start.x),
            Mode::Pan { anchor, t0 } => {
                self.t = Point::new(t0.x + at.x - anchor.x, t0.y + at.y - anchor.y);
                self.clamp_pan();
            }
            Mode::Pinch { d0, s0, content } => {
                let (a, b) = (self.pointers[0].1, self.pointers[1].1);
                self.scale = (s0 * a.distance(b) / d0).clamp(1.0, MAX_SCALE);
                self.t = translation_showing(content, a.midpoint(b), self.centre(), self.scale);
                self.clamp_pan();
            }
        }
    }

    /// Pointer lifted (also used for pointercancel with `cancel = true`: never a tap or swipe).
    pub fn up(&mut self, pointer: i32, at: Point, now_ms: f64, cancel: bool) -> GestureEnd {
        let Some(i) = self.pointers.iter().position(|&(id, _)| id == pointer) else {
            return GestureEnd::None;
        };
        self.pointers.remove(i);
        if let Some(&(_, rest)) = self.pointers.first() {
            // Two fingers to one: carry on as a pan from where the photo is now.
            self.mode = Mode::Pan {
                anchor: rest,
                t0: self.t,
            };
            return GestureEnd::None;
        }
        let mode = std::mem::replace(&mut self.mode, Mode::Idle);
        let tap = self.tap_start.take().filter(|&(start, down_ms)| {
            !cancel && start.distance(at) < TAP_SLOP_PX && now_ms - down_ms < TAP_MAX_MS
        });
        if let Some((_, down_ms)) = tap {
            if let Mode::Swipe { .. } = mode {
                self.t.x = 0.0;
            }
            return self.tap(at, down_ms, now_ms);
        }
        if cancel {
            self.last_tap = None;
        }
        match mode {
            Mode::Swipe { start } if !cancel => self.finish_swipe(start, at, now_ms),
            Mode::Swipe { .. } => {
                self.t.x = 0.0;
                GestureEnd::None
            }
            _ => {
                if !self.zoomed() {
                    self.set_identity();
                }
                GestureEnd::None
            }
        }
    }

    /// What the photo looks like now.
    pub fn transform(&self) -> Transform {
        Transform {
            scale: self.scale,
            tx: self.t.x,
            ty: self.t.y,
        }
    }

    /// Whether the photo is zoomed in (then one finger pans, never swipes).
    pub fn zoomed(&self) -> bool {
        self.scale > ZOOMED_ABOVE
    }

    /// Zoom in/out by a factor around a point (wheel / keyboard + and -); clamps.
    pub fn zoom_by(&mut self, factor: f64, around: Point) {
        if factor.is_finite() && factor > 0.0 {
            self.zoom_to(self.scale * factor, around);
        }
    }

    /// Back to scale 1, centred, with no gesture in progress.
    pub fn reset(&mut self) {
        self.set_identity();
        self.pointers.clear();
        self.mode = Mode::Idle;
        self.tap_start = None;
        self.last_tap = None;
        self.samples.clear();
    }

    /// True while a finger is down (the adapter turns CSS transitions off while tracking).
    pub fn tracking(&self) -> bool {
        !self.pointers.is_empty()
    }

    /// For a Next/Previous outcome: how long (ms) the slide-out animation should take given the
    /// release velocity (momentum): remaining distance / speed, clamped to 80..=320 ms.
    pub fn fling_ms(&self) -> f64 {
        self.fling_ms
    }

    fn centre(&self) -> Point {
        Point::new(self.width / 2.0, self.height / 2.0)
    }

    fn set_identity(&mut self) {
        self.scale = 1.0;
        self.t = Point::new(0.0, 0.0);
    }

    /// Keeps the scaled photo covering the stage.
    fn clamp_pan(&mut self) {
        let bx = ((self.scale - 1.0) * self.width / 2.0).max(0.0);
        let by = ((self.scale - 1.0) * self.height / 2.0).max(0.0);
        self.t = Point::new(self.t.x.clamp(-bx, bx), self.t.y.clamp(-by, by));
    }

    /// Zooms to `scale` (clamped) keeping the content under `around` in place.
    fn zoom_to(&mut self, scale: f64, around: Point) {
        let content = content_at(around, self.centre(), self.t, self.scale);
        self.scale = scale.clamp(1.0, MAX_SCALE);
        self.t = translation_showing(content, around, self.centre(), self.scale);
        self.clamp_pan();
        if !self.zoomed() {
            self.set_identity();
        }
    }

    /// The swipe's `tx` for a finger `dx` from where it went down: resisted
    /// when there is no photo that way.
    fn swipe_offset(&self, dx: f64) -> f64 {
        let open = if dx < 0.0 {
            self.has_next
        } else {
            self.has_prev
        };
        if open { dx } else { dx * RUBBER_BAND }
    }

    /// Adds a sample of the single finger, dropping those too old to matter.
    fn record(&mut self, at: Point, now_ms: f64) {
        self.samples.push_back((now_ms, at.x));
        while self.samples.len() > MAX_SAMPLES
            || self
                .samples
                .front()
                .is_some_and(|&(t, _)| t < now_ms - VELOCITY_WINDOW_MS)
        {
            self.samples.pop_front();
        }
    }

    /// Horizontal px/ms over the last [`VELOCITY_WINDOW_MS`] of samples.
    fn velocity(&self) -> f64 {
        match (self.samples.front(), self.samples.back()) {
            (Some(&(t0, x0)), Some(&(t1, x1))) if t1 > t0 => (x1 - x0) / (t1 - t0),
            _ => 0.0,
        }
    }

    /// A swipe released: navigates if it went far enough or was flung (and
    /// not flung back), mostly sideways, towards a photo that exists.
    fn finish_swipe(&mut self, start: Point, at: Point, now_ms: f64) -> GestureEnd {
        self.record(at, now_ms);
        let v = self.velocity();
        let (dx, dy) = (at.x - start.x, at.y - start.y);
        let far = dx.abs() > SWIPE_FRACTION * self.width;
        // `sign` is the swipe's direction: -1 left, +1 right.
        let goes = |sign: f64| {
            dx * sign >= TAP_SLOP_PX
                && dx.abs() > dy.abs()
                && (v * sign > FLICK_PX_PER_MS || (far && v * sign >= -FLICK_PX_PER_MS))
        };
        let (outcome, slid_out) = if self.has_next && goes(-1.0) {
            (GestureEnd::Next, -self.width)
        } else if self.has_prev && goes(1.0) {
            (GestureEnd::Previous, self.width)
        } else {
            (GestureEnd::None, 0.0)
        };
        if outcome != GestureEnd::None {
            self.fling_ms = fling_duration(self.width - dx.abs(), v);
        }
        self.t.x = slid_out;
        outcome
    }

    /// A tap at `at`, down at `down_ms` and up at `up_ms`: the second of a
    /// double tap zooms (or resets), any other is a single tap.
    fn tap(&mut self, at: Point, down_ms: f64, up_ms: f64) -> GestureEnd {
        let doubled = self.last_tap.take().is_some_and(|(prev, prev_up)| {
            down_ms - prev_up <= DOUBLE_TAP_MS && prev.distance(at) <= DOUBLE_TAP_PX
        });
        if !doubled {
            self.last_tap = Some((at, up_ms));
            return GestureEnd::Tap;
        }
        if self.zoomed() {
            self.set_identity();
        } else {
            self.zoom_to(DOUBLE_TAP_SCALE, at);
        }
        GestureEnd::None
    }
}

#[cfg(test)]
mod tests;
