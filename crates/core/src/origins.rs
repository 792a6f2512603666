//! Several origins: which of the studio's servers to ask, in what order, and
//! when to give up on one and ask the next.
//!
//! The manifest lists every origin serving the studio (`Manifest::origins`),
//! in the studio's order of preference. They are stateless and share one
//! database, so any of them answers any request the same way, and a batch of
//! choices sent to one that died can be sent again to another (the server
//! applies each op id once).
//!
//! [`Failover`] keeps what a device knows: the origins (the page's own first,
//! then the manifest's), the last one that answered, and the ones that just
//! failed (cooled down for [`COOL_DOWN_MS`]). [`Failover::candidates`] is the
//! order to try; [`judge`] says whether an answer is final or a reason to try
//! the next origin. The caller sends, with [`ATTEMPT_TIMEOUT_MS`] per attempt,
//! and reports back with [`Failover::succeeded`] / [`Failover::failed`].

/// At most this many origins per studio (a manifest listing more is damaged).
pub const MAX_ORIGINS: usize = 8;

/// How long one origin may take to answer before the next is asked. A dead
/// process refuses the connection at once; a hung one (frozen, or a machine
/// gone from the network) only ever times out, so this is what failover costs.
pub const ATTEMPT_TIMEOUT_MS: u32 = 4_000;

/// How long an origin that failed is skipped (unless every origin is).
pub const COOL_DOWN_MS: u64 = 30_000;

/// Checks one origin's public URL and answers its canonical form:
/// `http(s)://host[:port]`, lower-case scheme and host, no trailing slash.
/// No path, query, fragment or user name: the app appends `/api/...`.
pub fn parse_origin(url: &str) -> Result<String, String> {
    let trimmed = url.trim();
    let (scheme, rest) = trimmed
        .split_once("://")
        .ok_or_else(|| format!("{url:?} is not an http:// or https:// URL"))?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(format!("{url:?} is not an http:// or https:// URL"));
    }
    let host = rest.strip_suffix('/').unwrap_or(rest);
    if host.contains(['/', '?', '#']) {
        return Err(format!(
            "{url:?} must be just scheme://host[:port], with no path, query or fragment"
        ));
    }
    if host.contains('@') {
        return Err(format!("{url:?} must not carry a user name or password"));
    }
    let (name, port) = match host.rsplit_once(':') {
        // An IPv6 literal's colons are inside brackets.
        Some((name, port)) if !port.contains(']') => (name, Some(port)),
        _ => (host, None),
    };
    let name_ok = !name.is_empty()
        && (name.starts_with('[') && name.ends_with(']')
            || name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_')));
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|p| p > 0));
    if !name_ok || !port_ok {
        return Err(format!("{url:?} has no valid host name and port"));
    }
    Ok(format!("{scheme}://{}", host.to_ascii_lowercase()))
}

/// Checks a list of origins: each valid, none twice, at least one, at most
/// [`MAX_ORIGINS`]. Answers their canonical forms, in the same order.
pub fn parse_origins<S: AsRef<str>>(urls: &[S]) -> Result<Vec<String>, String> {
    if urls.is_empty() {
        return Err("at least one origin is needed".into());
    }
    if urls.len() > MAX_ORIGINS {
        return Err(format!(
            "at most {MAX_ORIGINS} origins are allowed (got {})",
            urls.len()
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(urls.len());
    for url in urls {
        let origin = parse_origin(url.as_ref())?;
        if out.contains(&origin) {
            return Err(format!("{origin} is listed twice"));
        }
        out.push(origin);
    }
    Ok(out)
}

/// What an attempt at one origin came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// The origin answered for the studio: use this answer, whatever it is.
    Answer,
    /// The origin is dead, hung, or dying: ask the next one.
    TryNext,
}

/// Judges an HTTP status from an origin. Success and the studio's refusals
/// (401, 404, 409, 410, 429, any 4xx) are the same on every origin, since
/// they share one database: final. A gateway with no origin behind it
/// (502, 503, 504), a request timeout (408) or a process failing on its way
/// down (500) is a reason to ask another origin.
pub fn judge(status: u16) -> Attempt {
    match status {
        408 | 500 | 502 | 503 | 504 => Attempt::TryNext,
        _ => Attempt::Answer,
    }
}

/// What a device knows about the studio's origins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Failover {
    /// Every known origin, in order: the page's own first, then the
    /// manifest's.
    origins: Vec<String>,
    /// The origin that answered last (tried first).
    good: Option<String>,
    /// Origins that failed, with the time (ms) until which they are skipped.
    cooled: Vec<(String, u64)>,
}

impl Failover {
    /// The origins known at start: the page's own (if any), the ones last
    /// seen in a manifest, and the one that answered last time.
    pub fn new(page: Option<&str>, known: &[String], good: Option<&str>) -> Failover {
        let mut f = Failover::default();
        f.learn(page.into_iter().map(str::to_owned));
        f.learn(known.iter().cloned());
        if let Some(good) = good.and_then(|g| parse_origin(g).ok()) {
            f.learn([good.clone()]);
            f.good = Some(good);
        }
        f
    }

    /// Adds origins (a manifest's list) after the ones already known; invalid
    /// ones and duplicates are ignored. Answers whether anything was added.
    pub fn learn(&mut self, origins: impl IntoIterator<Item = String>) -> bool {
        let before = self.origins.len();
        for origin in origins {
            if let Ok(origin) = parse_origin(&origin)
                && !self.origins.contains(&origin)
                && self.origins.len() < 2 * MAX_ORIGINS
            {
                self.origins.push(origin);
            }
        }
        self.origins.len() != before
    }

    /// Every known origin, in order (for saving).
    pub fn origins(&self) -> &[String] {
        &self.origins
    }

    /// The origin that answered last.
    pub fn good(&self) -> Option<&str> {
        self.good.as_deref()
    }

    /// The order to try at `now_ms`: the last good origin first, then the
    /// others in order, leaving out the ones cooling down after a failure,
    /// unless that leaves none (then all of them, in the same order: better
    /// to ask a server that failed than to ask nobody).
    pub fn candidates(&self, now_ms: u64) -> Vec<String> {
        let ordered = self.good.iter().chain(
            self.origins
                .iter()
                .filter(|o| Some(*o) != self.good.as_ref()),
        );
        let warm: Vec<String> = ordered
            .clone()
            .filter(|o| !self.is_cooling(o, now_ms))
            .cloned()
            .collect();
        if warm.is_empty() {
            ordered.cloned().collect()
        } else {
            warm
        }
    }

    fn is_cooling(&self, origin: &str, now_ms: u64) -> bool {
        self.cooled
            .iter()
            .any(|(o, until)| o == origin && now_ms < *until)
    }

    /// `origin` answered: it is tried first from now on. Answers whether the
    /// last good origin changed (worth saving).
    pub fn succeeded(&mut self, origin: &str) -> bool {
        self.cooled.retain(|(o, _)| o != origin);
        if self.good.as_deref() == Some(origin) {
            return false;
        }
        self.learn([origin.to_owned()]);
        self.good = Some(origin.to_owned());
        true
    }

    /// `origin` did not answer (or answered [`Attempt::TryNext`]) at
    /// `now_ms`: skip it for [`COOL_DOWN_MS`]. It stays the last good one
    /// until another answers, so it is first again once it recovers.
    pub fn failed(&mut self, origin: &str, now_ms: u64) {
        self.cooled.retain(|(o, _)| o != origin);
        self.cooled
            .push((origin.to_owned(), now_ms.saturating_add(COOL_DOWN_MS)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "http://a.example";
    const B: &str = "http://b.example:8080";
    const C: &str = "https://c.example";

    fn list(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn origins_are_checked_and_made_canonical() {
        assert_eq!(
            parse_origin("HTTPS://Proofs.Example.com/").unwrap(),
            "https://proofs.example.com"
        );
        assert_eq!(
            parse_origin("http://127.0.0.1:7870").unwrap(),
            "http://127.0.0.1:7870"
        );
        assert_eq!(
            parse_origin("http://[::1]:7870").unwrap(),
            "http://[::1]:7870"
        );
        for bad in [
            "ftp://a.example",
            "a.example",
            "http://",
            "http://a.example/proofs",
            "http://a.example?x=1",
            "http://a.example#top",
            "http://user@a.example",
            "http://a.example:0",
            "http://a.example:99999",
            "http://a example",
        ] {
            assert!(parse_origin(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn lists_refuse_duplicates_emptiness_and_too_many() {
        assert_eq!(parse_origins(&[A, B]).unwrap(), list(&[A, B]));
        let err = parse_origins(&[A, "http://A.example/"]).unwrap_err();
        assert!(err.contains("listed twice"), "{err}");
        assert!(parse_origins::<&str>(&[]).is_err());
        let many: Vec<String> = (1..=MAX_ORIGINS + 1)
            .map(|i| format!("http://o{i}.example"))
            .collect();
        assert!(parse_origins(&many).unwrap_err().contains("at most"));
    }

    #[test]
    fn final_answers_and_reasons_to_try_the_next_origin() {
        for status in [200, 204, 400, 401, 403, 404, 409, 410, 429] {
            assert_eq!(judge(status), Attempt::Answer, "{status}");
        }
        for status in [408, 500, 502, 503, 504] {
            assert_eq!(judge(status), Attempt::TryNext, "{status}");
        }
    }

    #[test]
    fn the_page_origin_comes_first_then_the_manifest_order() {
        let mut f = Failover::new(Some(A), &[], None);
        assert_eq!(f.candidates(0), list(&[A]));
        assert!(f.learn(list(&[B, A, C])));
        assert!(!f.learn(list(&[C, "not a url"])));
        assert_eq!(f.candidates(0), list(&[A, B, C]));
    }

    #[test]
    fn the_last_good_origin_is_tried_first() {
        let f = Failover::new(Some(A), &list(&[A, B, C]), Some(B));
        assert_eq!(f.candidates(0), list(&[B, A, C]));
        // A remembered origin the manifest no longer lists is still known.
        let f = Failover::new(Some(A), &[], Some(C));
        assert_eq!(f.candidates(0), list(&[C, A]));
    }

    #[test]
    fn a_failed_origin_cools_down_then_comes_back() {
        let mut f = Failover::new(Some(A), &list(&[B, C]), None);
        f.failed(A, 1_000);
        assert_eq!(f.candidates(1_000), list(&[B, C]));
        assert!(f.succeeded(B));
        assert_eq!(f.candidates(2_000), list(&[B, C]));
        // After the cool-down A is asked again, after the last good one.
        assert_eq!(f.candidates(1_000 + COOL_DOWN_MS), list(&[B, A, C]));
        // A good origin that then fails stays "good" but is skipped while cold.
        f.failed(B, 5_000);
        assert_eq!(f.candidates(5_000), list(&[C]));
        assert!(!f.succeeded(B));
        assert_eq!(f.candidates(5_000), list(&[B, C]));
    }

    #[test]
    fn when_every_origin_failed_all_are_tried_anyway() {
        let mut f = Failover::new(Some(A), &list(&[B]), Some(B));
        f.failed(A, 0);
        f.failed(B, 0);
        assert_eq!(f.candidates(10), list(&[B, A]));
    }

    #[test]
    fn success_on_an_unknown_origin_adds_it() {
        let mut f = Failover::new(None, &[], None);
        assert!(f.candidates(0).is_empty());
        assert!(f.succeeded(A));
        assert_eq!(f.origins(), list(&[A]).as_slice());
        assert_eq!(f.good(), Some(A));
    }
}
