//! Tests of the lightbox gestures: swipes and flicks, taps and double taps,
//! pinch and pan, and fingers added or lifted mid-gesture.

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
fn drag(g: &mut Gestures, from: Point, to: Point, start_ms: f64, ms: f64) -> GestureEnd {
    g.down(1, from, start_ms);
    for i in 1..=4 {
        let f = f64::from(i) / 4.0;
        let at = p(from.x + (to.x - from.x) * f, from.y + (to.y - from.y) * f);
        g.moved(1, at, start_ms + ms * f);
    }
    g.up(1, to, start_ms + ms, false)
}

fn tap(g: &mut Gestures, at: Point, start_ms: f64) -> GestureEnd {
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
    assert_eq!(g.up(1, p(150.0, 310.0), 800.0, false), GestureEnd::Next);
    assert_eq!(g.transform().tx, -W);
    assert!(!g.tracking());
}

#[test]
fn small_slow_drag_snaps_back() {
    let mut g = middle();
    let out = drag(&mut g, p(200.0, 300.0), p(150.0, 300.0), 0.0, 800.0);
    assert_eq!(out, GestureEnd::None);
    assert_eq!(g.transform(), IDENTITY);
}

#[test]
fn fast_short_flick_goes_next() {
    let mut g = middle();
    let out = drag(&mut g, p(300.0, 300.0), p(240.0, 300.0), 0.0, 50.0);
    assert_eq!(out, GestureEnd::Next);
}

#[test]
fn flick_after_a_pause_measures_only_the_last_stretch() {
    // A quick 90 px, held still for 150 ms, then released: no flick
    // (over the whole gesture it would average 0.45 px/ms).
    let mut g = middle();
    g.down(1, p(300.0, 300.0), 0.0);
    g.moved(1, p(210.0, 300.0), 50.0);
    g.moved(1, p(210.0, 300.0), 120.0);
    assert_eq!(g.up(1, p(210.0, 300.0), 200.0, false), GestureEnd::None);
}

#[test]
fn swipe_at_last_photo_rubber_bands_and_stays() {
    let mut g = Gestures::new(W, H, true, false);
    g.down(1, p(350.0, 300.0), 0.0);
    g.moved(1, p(150.0, 300.0), 100.0);
    let tx = g.transform().tx;
    assert!(tx < 0.0 && tx > -200.0, "{tx}");
    assert_eq!(g.up(1, p(150.0, 300.0), 120.0, false), GestureEnd::None);
    assert_eq!(g.transform().tx, 0.0);
    // Previous still works from there.
    let out = drag(&mut g, p(50.0, 300.0), p(250.0, 300.0), 1000.0, 100.0);
    assert_eq!(out, GestureEnd::Previous);
}

#[test]
fn vertical_drag_does_not_navigate() {
    let mut g = middle();
    let out = drag(&mut g, p(200.0, 100.0), p(140.0, 500.0), 0.0, 60.0);
    assert_eq!(out, GestureEnd::None);
    assert_eq!(g.transform().tx, 0.0);
    assert_eq!(g.transform().ty, 0.0);
}

#[test]
fn cancel_never_navigates_or_taps() {
    let mut g = middle();
    g.down(1, p(350.0, 300.0), 0.0);
    g.moved(1, p(50.0, 300.0), 50.0);
    assert_eq!(g.up(1, p(50.0, 300.0), 60.0, true), GestureEnd::None);
    assert_eq!(g.transform().tx, 0.0);
    g.down(1, p(200.0, 300.0), 1000.0);
    assert_eq!(g.up(1, p(200.0, 300.0), 1050.0, true), GestureEnd::None);
}

#[test]
fn fling_ms_is_in_range_and_shorter_when_faster() {
    let mut slow = middle();
    assert_eq!(
        drag(&mut slow, p(300.0, 300.0), p(240.0, 300.0), 0.0, 50.0),
        GestureEnd::Next
    );
    let mut fast = middle();
    assert_eq!(
        drag(&mut fast, p(300.0, 300.0), p(240.0, 300.0), 0.0, 20.0),
        GestureEnd::Next
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
    assert_eq!(
        g.up(2, p(to.x + 125.0, to.y), 100.0, false),
        GestureEnd::None
    );
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
    assert_eq!(g.up(1, p(100.0, 300.0), 80.0, false), GestureEnd::None);
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
    assert_eq!(out, GestureEnd::None);
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
    assert_eq!(out, GestureEnd::None);
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
    assert_eq!(tap(&mut g, at, 0.0), GestureEnd::Tap);
    assert_eq!(tap(&mut g, at, 200.0), GestureEnd::None);
    assert_eq!(g.transform().scale, DOUBLE_TAP_SCALE);
    assert!(close(shown_at(&g, content), at));
    assert_eq!(g.transform().tx, -75.0);
    assert_eq!(tap(&mut g, at, 1000.0), GestureEnd::Tap);
    assert_eq!(tap(&mut g, at, 1200.0), GestureEnd::None);
    assert_eq!(g.transform(), IDENTITY);
}

#[test]
fn taps_far_apart_in_time_or_space_are_single_taps() {
    let mut g = middle();
    assert_eq!(tap(&mut g, p(200.0, 300.0), 0.0), GestureEnd::Tap);
    assert_eq!(tap(&mut g, p(200.0, 300.0), 1000.0), GestureEnd::Tap);
    assert_eq!(tap(&mut g, p(300.0, 300.0), 1200.0), GestureEnd::Tap);
    assert!(!g.zoomed());
    // A long press is no tap.
    g.down(1, p(200.0, 300.0), 5000.0);
    assert_eq!(g.up(1, p(200.0, 300.0), 5600.0, false), GestureEnd::None);
}

#[test]
fn unknown_and_third_pointers_are_ignored() {
    let mut g = middle();
    g.moved(7, p(0.0, 0.0), 0.0);
    assert_eq!(g.up(7, p(0.0, 0.0), 0.0, false), GestureEnd::None);
    pinch(&mut g, p(200.0, 300.0), p(200.0, 300.0), 200.0);
    let before = g.transform();
    g.down(3, p(10.0, 10.0), 70.0);
    g.moved(3, p(390.0, 590.0), 80.0);
    assert_eq!(g.transform(), before);
    assert_eq!(g.up(3, p(390.0, 590.0), 90.0, false), GestureEnd::None);
    assert!(g.tracking());
}
