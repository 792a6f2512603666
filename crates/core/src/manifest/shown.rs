//! What a refreshed manifest changes for the page showing the gallery. A
//! refresh mostly brings the same gallery with newly signed URLs: the page
//! then only swaps the URLs it loads from. When anything the page says
//! changes (the title, the rules, the lock, the link's expiry, the offline
//! window, the cover, the download PIN, or any photo's name, text, size, set
//! or files), the page shows the gallery again.

use super::{Image, Manifest, Rendition};

impl Manifest {
    /// `self` and `other` show the same page: they differ at most in their
    /// signed URLs and those URLs' expiries, the time they were made, and
    /// where they are fetched from (mirror, origins).
    pub fn shows_same(&self, other: &Manifest) -> bool {
        self.gallery == other.gallery
            && self.title == other.title
            && self.rules == other.rules
            && self.locked_at == other.locked_at
            && self.expires_at == other.expires_at
            && self.offline_window == other.offline_window
            && self.cover == other.cover
            && self.download_pin == other.download_pin
            && self.images.len() == other.images.len()
            && self.images.iter().zip(&other.images).all(same_photo)
    }
}

fn same_photo((a, b): (&Image, &Image)) -> bool {
    let (x, y) = (&a.renditions, &b.renditions);
    a.id == b.id
        && a.file_name == b.file_name
        && a.alt == b.alt
        && (a.width, a.height) == (b.width, b.height)
        && a.thumbhash == b.thumbhash
        && a.set == b.set
        && same_file(&x.thumb, &y.thumb)
        && same_file(&x.proof, &y.proof)
        && match (&x.download, &y.download) {
            (Some(p), Some(q)) => same_file(p, q),
            (p, q) => p.is_none() && q.is_none(),
        }
}

/// The same bytes, wherever they are signed for.
fn same_file(a: &Rendition, b: &Rendition) -> bool {
    a.sha256 == b.sha256 && a.bytes == b.bytes && (a.width, a.height) == (b.width, b.height)
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use crate::proofing::SelectionRules;

    #[test]
    fn newly_signed_urls_show_the_same_page() {
        let (a, mut b) = (sample(), sample());
        b.server_time += 3600;
        b.mirror = Some("https://store.example/g1/manifest.json?sig=2".into());
        b.origins = vec!["https://b.example".into()];
        for image in &mut b.images {
            image.renditions.thumb.url.push_str("&X-Amz-Signature=ab");
            image.renditions.thumb.expires_at += 3600;
        }
        assert!(a.shows_same(&b));
    }

    #[test]
    fn what_the_page_says_changing_shows_it_again() {
        let a = sample();
        let changes: [fn(&mut crate::Manifest); 9] = [
            |m| m.title.push('!'),
            |m| {
                m.rules = SelectionRules {
                    min: 1,
                    ..Default::default()
                }
            },
            |m| m.locked_at = Some(1),
            |m| m.expires_at = Some(1),
            |m| m.download_pin = true,
            |m| m.cover = Some(m.images[1].id.clone()),
            |m| m.images[0].alt.push('!'),
            |m| m.images[1].renditions.proof.bytes += 1,
            |m| {
                m.images.pop();
            },
        ];
        for (n, change) in changes.iter().enumerate() {
            let mut b = sample();
            change(&mut b);
            assert!(!a.shows_same(&b), "change {n} went unseen");
        }
    }
}
