use proptest::prelude::*;

use super::super::fixtures::{NOW_MS, img, op};
use super::*;
use crate::proofing::{Action, Op, Stamp};

fn favourite(device: &str, n: u64, hlc: Hlc, on: bool) -> Op {
    let mut op = op(device, n, 0, Action::Favourite { image: img(1), on });
    op.hlc = hlc;
    op
}

#[test]
fn the_issue_two_tabs_a_second_apart_the_later_unfavourite_wins() {
    let now = NOW_MS as i64;
    // Tab 1 reads the server's clock right; tab 2's reading is a second
    // behind (whole seconds, its answer arrived just after one ticked over).
    let (mut tab1, mut tab2) = (DeviceClock::default(), DeviceClock::default());
    let fav = favourite("tab1", 1, tab1.stamp(&Choices::default(), now, 0), true);
    // Tab 2 picks up tab 1's favourite, shows it, and the customer undoes it
    // 650 ms later.
    let shown = Choices::from_ops([&fav]);
    let unfav = favourite("tab2", 1, tab2.stamp(&shown, now + 650, -1_000), false);
    assert!(unfav.stamp() > fav.stamp());
    let studio = Choices::from_ops([&unfav, &fav]);
    assert!(!studio.is_favourite(&img(1)));
}

#[test]
fn a_stamp_follows_the_servers_time_when_nothing_later_was_seen() {
    let mut clock = DeviceClock::default();
    let hlc = clock.stamp(&Choices::default(), 1_000_000, 2_500);
    assert_eq!(hlc.wall_ms, 1_002_500);
    clock.measured(Offset::measure(5_000_000, 1_000_000, 1_000_200).unwrap());
    assert_eq!(clock.server_now_ms(1_000_000, 2_500), 4_999_900);
    assert_eq!(
        clock.stamp(&Choices::default(), 1_000_300, 0).wall_ms,
        5_000_200
    );
}

#[test]
fn an_offset_is_the_midpoint_of_the_round_trip() {
    let o = Offset::measure(10_150, 1_000, 1_300).unwrap();
    assert_eq!(o.ms, 10_150 - 1_150);
    assert_eq!(o.rtt_ms, 300);
    assert_eq!(o.at_ms, 1_300);
    // The device's clock went back during the request: no reading.
    assert_eq!(Offset::measure(10_000, 2_000, 1_999), None);
    // Absurd numbers off the network do not overflow.
    assert!(Offset::measure(i64::MIN, i64::MAX, i64::MAX).is_some());
}

#[test]
fn a_precise_reading_is_kept_over_a_rough_one_for_an_hour() {
    let precise = Offset::measure(100_000, 0, 40).unwrap();
    let rough = Offset::measure(100_000, 1_000, 9_000).unwrap();
    let mut clock = DeviceClock::default();
    clock.measured(precise);
    clock.measured(rough);
    assert_eq!(clock.offset, Some(precise));
    let much_later = Offset::measure(
        100_000 + KEEP_PRECISE_MS,
        KEEP_PRECISE_MS,
        KEEP_PRECISE_MS + 9_000,
    )
    .unwrap();
    clock.measured(much_later);
    assert_eq!(clock.offset, Some(much_later));
    // A newer reading at least as precise replaces the kept one.
    let newer =
        Offset::measure(200_000, KEEP_PRECISE_MS + 10_000, KEEP_PRECISE_MS + 10_030).unwrap();
    clock.measured(newer);
    assert_eq!(clock.offset, Some(newer));
}

#[test]
fn tabs_join_to_the_later_stamp_and_the_better_reading() {
    let mut a = DeviceClock::default();
    a.observe(Hlc {
        wall_ms: 50,
        counter: 3,
    });
    a.measured(Offset::measure(0, 0, 500).unwrap());
    let mut b = DeviceClock::default();
    b.observe(Hlc {
        wall_ms: 40,
        counter: 9,
    });
    b.measured(Offset::measure(0, 100, 120).unwrap());
    let (mut ab, mut ba) = (a, b);
    ab.join(&b);
    ba.join(&a);
    assert_eq!(ab, ba);
    assert_eq!(
        ab.hlc,
        Hlc {
            wall_ms: 50,
            counter: 3
        }
    );
    assert_eq!(ab.offset.unwrap().rtt_ms, 20);
}

#[test]
fn the_clock_is_kept_in_a_form_older_tabs_can_extend() {
    let clock: DeviceClock = serde_json::from_str(r#"{"hlc":{"wall_ms":7,"counter":1}}"#).unwrap();
    assert_eq!(clock.offset, None);
    let back: DeviceClock = serde_json::from_str(&serde_json::to_string(&clock).unwrap()).unwrap();
    assert_eq!(back, clock);
}

/// What happens next in the simulation.
#[derive(Debug, Clone)]
enum Step {
    /// The device's customer toggles a photo's favourite as shown.
    Click { device: usize, photo: u32 },
    /// The device learns of an op made so far (by its index, modulo).
    Learn { device: usize, op: usize },
    /// Real time passes.
    Wait { ms: i64 },
}

fn step(devices: usize) -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..devices, 1u32..4).prop_map(|(device, photo)| Step::Click { device, photo }),
        (0..devices, any::<usize>()).prop_map(|(device, op)| Step::Learn { device, op }),
        (0i64..1_500).prop_map(|ms| Step::Wait { ms }),
    ]
}

struct Device {
    /// How far its reading of the server's clock is off.
    skew_ms: i64,
    clock: DeviceClock,
    shown: Choices,
    seen: Vec<Stamp>,
}

fn scenario() -> impl Strategy<Value = (Vec<i64>, Vec<Step>)> {
    (2usize..5).prop_flat_map(|n| {
        (
            proptest::collection::vec(-2_000i64..=2_000, n),
            proptest::collection::vec(step(n), 1..120),
        )
    })
}

proptest! {
    /// Several devices whose clocks are up to ±2 s off, any interleaving of
    /// delivery: an op a device makes after seeing another wins over it, a
    /// click always shows what it did, and the studio ends where a device
    /// that has learnt everything does.
    #[test]
    fn a_later_action_always_wins_over_what_the_device_has_seen((skews, steps) in scenario()) {
        let mut devices: Vec<Device> = skews
            .iter()
            .map(|&skew_ms| Device { skew_ms, clock: DeviceClock::default(), shown: Choices::default(), seen: Vec::new() })
            .collect();
        let mut made: Vec<Op> = Vec::new();
        let mut real = NOW_MS as i64;
        for step in steps {
            match step {
                Step::Wait { ms } => real += ms,
                Step::Click { device, photo } => {
                    let d = &mut devices[device];
                    let on = !d.shown.is_favourite(&img(photo));
                    let hlc = d.clock.stamp(&d.shown, real, d.skew_ms);
                    let mut new = op("d", made.len() as u64, 0, Action::Favourite { image: img(photo), on });
                    new.device = crate::proofing::DeviceId::parse(format!("device-{device}")).unwrap();
                    new.hlc = hlc;
                    for stamp in &d.seen {
                        prop_assert!(new.stamp() > *stamp, "{:?} made after seeing {:?}", new.stamp(), stamp);
                    }
                    d.shown.apply(&new);
                    prop_assert_eq!(d.shown.is_favourite(&img(photo)), on, "the click did nothing");
                    d.seen.push(new.stamp());
                    made.push(new);
                }
                Step::Learn { device, op } => {
                    if made.is_empty() {
                        continue;
                    }
                    let learnt = &made[op % made.len()];
                    let d = &mut devices[device];
                    d.shown.apply(learnt);
                    d.clock.observe(learnt.hlc);
                    d.seen.push(learnt.stamp());
                }
            }
        }
        let studio = Choices::from_ops(made.iter().rev());
        let d = &mut devices[0];
        for op in &made {
            d.shown.apply(op);
        }
        prop_assert_eq!(&d.shown, &studio);
    }
}
