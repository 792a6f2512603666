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
pub enum Outcome {
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
    pub fn up(&mut self, pointer: i32, at: Point, now_ms: f64, cancel: bool) -> Outcome {
        let Some(i) = self.pointers.iter().position(|&(id, _)| id == pointer) else {
            return Outcome::None;
        };
        self.pointers.remove(i);
        if let Some(&(_, rest)) = self.pointers.first() {
            // Two fingers to one: carry on as a pan from where the photo is now.
            self.mode = Mode::Pan {
                anchor: rest,
                t0: self.t,
            };
            return Outcome::None;
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
                Outcome::None
            }
            _ => {
                if !self.zoomed() {
                    self.set_identity();
                }
                Outcome::None
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
    fn finish_swipe(&mut self, start: Point, at: Point, now_ms: f64) -> Outcome {
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
            (Outcome::Next, -self.width)
        } else if self.has_prev && goes(1.0) {
            (Outcome::Previous, self.width)
        } else {
            (Outcome::None, 0.0)
        };
        if outcome != Outcome::None {
            self.fling_ms = fling_duration(self.width - dx.abs(), v);
        }
        self.t.x = slid_out;
        outcome
    }

    /// A tap at `at`, down at `down_ms` and up at `up_ms`: the second of a
    /// double tap zooms (or resets), any other is a single tap.
    fn tap(&mut self, at: Point, down_ms: f64, up_ms: f64) -> Outcome {
        let doubled = self.last_tap.take().is_some_and(|(prev, prev_up)| {
            down_ms - prev_up <= DOUBLE_TAP_MS && prev.distance(at) <= DOUBLE_TAP_PX
        });
        if !doubled {
            self.last_tap = Some((at, up_ms));
            return Outcome::Tap;
        }
        if self.zoomed() {
            self.set_identity();
        } else {
            self.zoom_to(DOUBLE_TAP_SCALE, at);
        }
        Outcome::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: f64 = 400.0;
    const H: f64 = 600.0;
    const IDENTITY: Transform = Transform {
        scale: 1.0,
        tx: 0.0,
        ty: 0.0,
    };

    fn p(x: f64, y: f64) -> Point {
        Point::new(x, y)
    }

    fn middle() -> Gestures {
        Gestures::new(W, H, true, true)
    }

    /// One finger from `from` to `to`, moving evenly over `ms`, then lifted.
    fn drag(g: &mut Gestures, from: Point, to: Point, start_ms: f64, ms: f64) -> Outcome {
        g.down(1, from, start_ms);
        for i in 1..=4 {
            let f = f64::from(i) / 4.0;
            let at = p(from.x + (to.x - from.x) * f, from.y + (to.y - from.y) * f);
            g.moved(1, at, start_ms + ms * f);
        }
        g.up(1, to, start_ms + ms, false)
    }

    fn tap(g: &mut Gestures, at: Point, start_ms: f64) -> Outcome {
        g.down(1, at, start_ms);
        g.up(1, at, start_ms + 50.0, false)
    }

    /// Where the content point under `screen` now shows.
    fn content_under(g: &Gestures, screen: Point) -> Point {
        let t = g.transform();
        content_at(screen, p(W / 2.0, H / 2.0), p(t.tx, t.ty), t.scale)
    }

    fn shown_at(g: &Gestures, content: Point) -> Point {
        let t = g.transform();
        p(
            W / 2.0 + t.tx + t.scale * content.x,
            H / 2.0 + t.ty + t.scale * content.y,
        )
    }

    fn close(a: Point, b: Point) -> bool {
        a.distance(b) < 1e-9
    }

    /// Two fingers from 100 px apart around `mid` to `to_dist` apart around `to_mid`.
    fn pinch(g: &mut Gestures, mid: Point, to_mid: Point, to_dist: f64) {
        g.down(1, p(mid.x - 50.0, mid.y), 0.0);
        g.down(2, p(mid.x + 50.0, mid.y), 10.0);
        g.moved(1, p(to_mid.x - to_dist / 2.0, to_mid.y), 50.0);
        g.moved(2, p(to_mid.x + to_dist / 2.0, to_mid.y), 60.0);
    }

    #[test]
    fn swipe_left_far_goes_next_and_slides_out() {
        let mut g = middle();
        g.down(1, p(300.0, 300.0), 0.0);
        g.moved(1, p(150.0, 310.0), 400.0);
        assert!(g.tracking());
        assert_eq!(g.transform().tx, -150.0);
        g.moved(1, p(150.0, 310.0), 600.0);
        assert_eq!(g.up(1, p(150.0, 310.0), 800.0, false), Outcome::Next);
        assert_eq!(g.transform().tx, -W);
        assert!(!g.tracking());
    }

    #[test]
    fn small_slow_drag_snaps_back() {
        let mut g = middle();
        let out = drag(&mut g, p(200.0, 300.0), p(150.0, 300.0), 0.0, 800.0);
        assert_eq!(out, Outcome::None);
        assert_eq!(g.transform(), IDENTITY);
    }

    #[test]
    fn fast_short_flick_goes_next() {
        let mut g = middle();
        let out = drag(&mut g, p(300.0, 300.0), p(240.0, 300.0), 0.0, 50.0);
        assert_eq!(out, Outcome::Next);
    }

    #[test]
    fn flick_after_a_pause_measures_only_the_last_stretch() {
        // A quick 90 px, held still for 150 ms, then released: no flick
        // (over the whole gesture it would average 0.45 px/ms).
        let mut g = middle();
        g.down(1, p(300.0, 300.0), 0.0);
        g.moved(1, p(210.0, 300.0), 50.0);
        g.moved(1, p(210.0, 300.0), 120.0);
        assert_eq!(g.up(1, p(210.0, 300.0), 200.0, false), Outcome::None);
    }

    #[test]
    fn swipe_at_last_photo_rubber_bands_and_stays() {
        let mut g = Gestures::new(W, H, true, false);
        g.down(1, p(350.0, 300.0), 0.0);
        g.moved(1, p(150.0, 300.0), 100.0);
        let tx = g.transform().tx;
        assert!(tx < 0.0 && tx > -200.0, "{tx}");
        assert_eq!(g.up(1, p(150.0, 300.0), 120.0, false), Outcome::None);
        assert_eq!(g.transform().tx, 0.0);
        // Previous still works from there.
        let out = drag(&mut g, p(50.0, 300.0), p(250.0, 300.0), 1000.0, 100.0);
        assert_eq!(out, Outcome::Previous);
    }

    #[test]
    fn vertical_drag_does_not_navigate() {
        let mut g = middle();
        let out = drag(&mut g, p(200.0, 100.0), p(140.0, 500.0), 0.0, 60.0);
        assert_eq!(out, Outcome::None);
        assert_eq!(g.transform().tx, 0.0);
        assert_eq!(g.transform().ty, 0.0);
    }

    #[test]
    fn cancel_never_navigates_or_taps() {
        let mut g = middle();
        g.down(1, p(350.0, 300.0), 0.0);
        g.moved(1, p(50.0, 300.0), 50.0);
        assert_eq!(g.up(1, p(50.0, 300.0), 60.0, true), Outcome::None);
        assert_eq!(g.transform().tx, 0.0);
        g.down(1, p(200.0, 300.0), 1000.0);
        assert_eq!(g.up(1, p(200.0, 300.0), 1050.0, true), Outcome::None);
    }

    #[test]
    fn fling_ms_is_in_range_and_shorter_when_faster() {
        let mut slow = middle();
        assert_eq!(
            drag(&mut slow, p(300.0, 300.0), p(240.0, 300.0), 0.0, 50.0),
            Outcome::Next
        );
        let mut fast = middle();
        assert_eq!(
            drag(&mut fast, p(300.0, 300.0), p(240.0, 300.0), 0.0, 20.0),
            Outcome::Next
        );
        for ms in [slow.fling_ms(), fast.fling_ms()] {
            assert!((FLING_MIN_MS..=FLING_MAX_MS).contains(&ms), "{ms}");
        }
        assert!(fast.fling_ms() < slow.fling_ms());
        // (400 - 60) px at 1.2 px/ms.
        assert!((slow.fling_ms() - 340.0 / 1.2).abs() < 1e-6);
    }

    #[test]
    fn pinch_scales_about_the_midpoint() {
        let mut g = middle();
        let mid = p(200.0, 350.0);
        let content = content_under(&g, mid);
        pinch(&mut g, mid, mid, 250.0);
        assert!((g.transform().scale - 2.5).abs() < 1e-9);
        assert!(close(shown_at(&g, content), mid));
        // The content follows a moving midpoint.
        let to = p(225.0, 380.0);
        g.moved(1, p(to.x - 125.0, to.y), 70.0);
        g.moved(2, p(to.x + 125.0, to.y), 70.0);
        assert!((g.transform().scale - 2.5).abs() < 1e-9);
        assert!(close(shown_at(&g, content), to));
        assert_eq!(g.up(2, p(to.x + 125.0, to.y), 100.0, false), Outcome::None);
        assert!(g.zoomed());
    }

    #[test]
    fn pinch_clamps_at_max_and_at_one() {
        let mut g = middle();
        pinch(&mut g, p(200.0, 300.0), p(200.0, 300.0), 900.0);
        assert_eq!(g.transform().scale, MAX_SCALE);
        g.up(1, p(0.0, 0.0), 100.0, false);
        g.up(2, p(0.0, 0.0), 100.0, false);
        pinch(&mut g, p(200.0, 300.0), p(200.0, 300.0), 10.0);
        assert_eq!(g.transform().scale, 1.0);
        g.up(1, p(0.0, 0.0), 100.0, false);
        g.up(2, p(0.0, 0.0), 100.0, false);
        assert_eq!(g.transform(), IDENTITY);
        assert!(!g.zoomed());
    }

    #[test]
    fn lifting_one_pinch_finger_continues_as_a_pan_without_a_jump() {
        let mut g = middle();
        pinch(&mut g, p(200.0, 300.0), p(200.0, 300.0), 200.0);
        let before = g.transform();
        assert_eq!(g.up(1, p(100.0, 300.0), 80.0, false), Outcome::None);
        assert_eq!(g.transform(), before);
        g.moved(2, p(310.0, 320.0), 100.0);
        let after = g.transform();
        assert_eq!((after.tx - before.tx, after.ty - before.ty), (10.0, 20.0));
    }

    #[test]
    fn pan_when_zoomed_clamps_to_bounds_and_never_navigates() {
        let mut g = middle();
        g.zoom_by(2.0, p(W / 2.0, H / 2.0));
        assert_eq!(
            g.transform(),
            Transform {
                scale: 2.0,
                tx: 0.0,
                ty: 0.0
            }
        );
        let out = drag(&mut g, p(100.0, 500.0), p(600.0, -500.0), 0.0, 300.0);
        assert_eq!(out, Outcome::None);
        assert_eq!(
            g.transform(),
            Transform {
                scale: 2.0,
                tx: W / 2.0,
                ty: -H / 2.0
            }
        );
        // A fast far flick left only pans.
        let out = drag(&mut g, p(350.0, 300.0), p(0.0, 300.0), 1000.0, 40.0);
        assert_eq!(out, Outcome::None);
        assert_eq!(g.transform().tx, -150.0);
        assert_eq!(g.transform().scale, 2.0);
    }

    #[test]
    fn zoom_by_clamps_and_keeps_the_point() {
        let mut g = middle();
        let at = p(250.0, 350.0);
        let content = content_under(&g, at);
        g.zoom_by(1.5, at);
        assert!(close(shown_at(&g, content), at));
        g.zoom_by(100.0, at);
        assert_eq!(g.transform().scale, MAX_SCALE);
        g.zoom_by(0.01, at);
        assert_eq!(g.transform(), IDENTITY);
    }

    #[test]
    fn double_tap_zooms_about_the_point_then_resets() {
        let mut g = middle();
        let at = p(250.0, 350.0);
        let content = content_under(&g, at);
        assert_eq!(tap(&mut g, at, 0.0), Outcome::Tap);
        assert_eq!(tap(&mut g, at, 200.0), Outcome::None);
        assert_eq!(g.transform().scale, DOUBLE_TAP_SCALE);
        assert!(close(shown_at(&g, content), at));
        assert_eq!(g.transform().tx, -75.0);
        assert_eq!(tap(&mut g, at, 1000.0), Outcome::Tap);
        assert_eq!(tap(&mut g, at, 1200.0), Outcome::None);
        assert_eq!(g.transform(), IDENTITY);
    }

    #[test]
    fn taps_far_apart_in_time_or_space_are_single_taps() {
        let mut g = middle();
        assert_eq!(tap(&mut g, p(200.0, 300.0), 0.0), Outcome::Tap);
        assert_eq!(tap(&mut g, p(200.0, 300.0), 1000.0), Outcome::Tap);
        assert_eq!(tap(&mut g, p(300.0, 300.0), 1200.0), Outcome::Tap);
        assert!(!g.zoomed());
        // A long press is no tap.
        g.down(1, p(200.0, 300.0), 5000.0);
        assert_eq!(g.up(1, p(200.0, 300.0), 5600.0, false), Outcome::None);
    }

    #[test]
    fn unknown_and_third_pointers_are_ignored() {
        let mut g = middle();
        g.moved(7, p(0.0, 0.0), 0.0);
        assert_eq!(g.up(7, p(0.0, 0.0), 0.0, false), Outcome::None);
        pinch(&mut g, p(200.0, 300.0), p(200.0, 300.0), 200.0);
        let before = g.transform();
        g.down(3, p(10.0, 10.0), 70.0);
        g.moved(3, p(390.0, 590.0), 80.0);
        assert_eq!(g.transform(), before);
        assert_eq!(g.up(3, p(390.0, 590.0), 90.0, false), Outcome::None);
        assert!(g.tracking());
    }
}
