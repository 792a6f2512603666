//! Tests of the download queue: priority order, the limit in flight, retries
//! with backoff, host cool-down and cancelling.

use proptest::prelude::*;

use super::*;

fn h(n: u8) -> ContentHash {
    ContentHash::from_digest(&[n; 32])
}

fn job(n: u8, host: &str, priority: Priority) -> Job {
    Job {
        hash: h(n),
        host: host.into(),
        priority,
    }
}

#[test]
fn visible_before_neighbours_before_background_then_oldest_first() {
    let mut q = LoadQueue::new();
    q.request(job(1, "s", Priority::Background));
    q.request(job(2, "s", Priority::Neighbour));
    q.request(job(3, "s", Priority::Visible));
    q.request(job(4, "s", Priority::Visible));
    let order: Vec<ContentHash> = std::iter::from_fn(|| q.next(0)).map(|j| j.hash).collect();
    assert_eq!(order, vec![h(3), h(4), h(2), h(1)]);
}

#[test]
fn asking_again_raises_priority_and_never_duplicates() {
    let mut q = LoadQueue::new();
    q.request(job(1, "s", Priority::Background));
    q.request(job(2, "s", Priority::Neighbour));
    q.request(job(1, "s", Priority::Visible));
    q.request(job(1, "s", Priority::Background));
    assert_eq!(q.next(0).unwrap().hash, h(1));
    q.request(job(1, "s", Priority::Visible)); // running: ignored
    assert_eq!(q.next(0).unwrap().hash, h(2));
    assert_eq!(q.next(0), None);
}

#[test]
fn at_most_six_run_at_once() {
    let mut q = LoadQueue::new();
    for n in 0..10 {
        q.request(job(n, "s", Priority::Background));
    }
    let started: Vec<Job> = std::iter::from_fn(|| q.next(0)).collect();
    assert_eq!(started.len(), MAX_RUNNING);
    q.finish(started[0].clone(), DownloadEnd::Done, 0, 0.5);
    assert!(q.next(0).is_some());
    assert!(q.next(0).is_none());
}

#[test]
fn a_failure_retries_later_with_backoff_and_gives_up_after_max_attempts() {
    let mut q = LoadQueue::new();
    q.request(job(1, "s", Priority::Visible));
    let mut now = 0;
    for attempt in 1..MAX_ATTEMPTS {
        let j = q.next(now).expect("startable");
        let AfterFinish::RetryAt(at) = q.finish(j, DownloadEnd::Failed, now, 0.0) else {
            panic!("attempt {attempt} should retry");
        };
        assert!(at > now, "never retries at once");
        assert_eq!(q.next(at - 1), None, "waits out the backoff");
        assert_eq!(q.next_wake(now), Some(at.max(now)));
        now = at;
    }
    let j = q.next(now).unwrap();
    assert_eq!(
        q.finish(j, DownloadEnd::Failed, now, 0.0),
        AfterFinish::GaveUp
    );
    assert!(q.is_idle());
    // Asked for again (e.g. back online), it starts afresh once the host's
    // cool-down is over.
    q.request(job(1, "s", Priority::Visible));
    let wake = q.next_wake(now).unwrap();
    assert!(q.next(wake).is_some());
}

#[test]
fn a_failing_host_does_not_stall_other_hosts() {
    let mut q = LoadQueue::new();
    for n in 0..4 {
        q.request(job(n, "dead", Priority::Visible));
    }
    for n in 10..14 {
        q.request(job(n, "alive", Priority::Background));
    }
    // The first two dead-host downloads fail: the host cools down.
    for _ in 0..2 {
        let j = q.next(0).unwrap();
        assert_eq!(j.host, "dead");
        q.finish(j, DownloadEnd::Failed, 0, 0.5);
    }
    let next: Vec<Job> = std::iter::from_fn(|| q.next(0)).collect();
    assert!(!next.is_empty());
    assert!(
        next.iter().all(|j| j.host == "alive"),
        "background work on a working host goes ahead of a dead host's visible tiles"
    );
    // A success on the dead host, once it is back, clears its cool-down.
    let wake = q.next_wake(0).unwrap();
    for j in next {
        q.finish(j, DownloadEnd::Done, 0, 0.5);
    }
    let j = q.next(wake).unwrap();
    assert_eq!(j.host, "dead");
    q.finish(j, DownloadEnd::Done, wake, 0.5);
    assert!(q.next(wake).is_some_and(|j| j.host == "dead"));
}

#[test]
fn cancel_withdraws_waiting_work() {
    let mut q = LoadQueue::new();
    q.request(job(1, "s", Priority::Visible));
    q.request(job(2, "s", Priority::Background));
    q.request(job(3, "s", Priority::Background));
    q.cancel(&h(1));
    q.cancel_priority(Priority::Background);
    assert!(q.is_idle());
}

#[test]
fn backoff_grows_is_capped_and_jitters_within_half() {
    assert_eq!(backoff_ms(1, 1000, 30_000, 0.0), 500);
    assert_eq!(backoff_ms(1, 1000, 30_000, 0.999), 999);
    assert_eq!(backoff_ms(3, 1000, 30_000, 0.0), 2000);
    assert_eq!(backoff_ms(40, 1000, 30_000, 0.0), 15_000);
    assert_eq!(backoff_ms(u32::MAX, 1000, 30_000, 1.0), 30_000);
}

proptest! {
    /// Whatever happens, every requested job is started at most once at a time,
    /// never more than MAX_RUNNING run, and every job ends done or given up.
    #[test]
    fn every_job_ends_and_none_runs_twice(
        jobs in prop::collection::vec((0u8..20, 0u8..3, 0u8..3), 1..40),
        failures in prop::collection::vec(any::<bool>(), 200),
    ) {
        let mut q = LoadQueue::new();
        let hosts = ["a", "b", "c"];
        let prios = [Priority::Visible, Priority::Neighbour, Priority::Background];
        let mut wanted = std::collections::HashSet::new();
        for (n, host, prio) in &jobs {
            q.request(job(*n, hosts[*host as usize], prios[*prio as usize]));
            wanted.insert(h(*n));
        }
        let mut now = 0;
        let mut ended = std::collections::HashSet::new();
        let mut fail = failures.into_iter().cycle();
        for _ in 0..10_000 {
            let batch: Vec<Job> = std::iter::from_fn(|| q.next(now)).collect();
            prop_assert!(q.running() <= MAX_RUNNING);
            for j in batch {
                let outcome = if fail.next().unwrap() { DownloadEnd::Failed } else { DownloadEnd::Done };
                let hash = j.hash.clone();
                match q.finish(j, outcome, now, 0.5) {
                    AfterFinish::Done | AfterFinish::GaveUp => { prop_assert!(ended.insert(hash)); }
                    AfterFinish::RetryAt(at) => prop_assert!(at > now),
                }
            }
            match q.next_wake(now) {
                Some(t) => now = t.max(now + 1),
                None => break,
            }
        }
        prop_assert!(q.is_idle());
        prop_assert_eq!(ended, wanted);
    }
}
