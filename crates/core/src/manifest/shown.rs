//! What a refreshed manifest changes for the page showing the gallery. A
//! refresh mostly brings the same gallery with newly signed URLs: the page
//! then only swaps the URLs it loads from. When its title, its cover or its
//! photos (which, in what order, their thumbnails and downloads) change,
//! the page shows the gallery again. (The selection bar and the closing
//! notice follow changed rules and a changed last day by themselves.)

use super::{Image, Manifest};
use crate::ContentHash;

impl Manifest {
    /// `self` and `other` show the same page: the same title, cover and
    /// photos, whatever their signed URLs, the time they were made, or
    /// where they are fetched from.
    pub fn shows_same(&self, other: &Manifest) -> bool {
        self.title == other.title
            && self.cover == other.cover
            && self.images.len() == other.images.len()
            && self.images.iter().zip(&other.images).all(same_photo)
    }
}

impl Manifest {
    /// `self` is the whole list of `first`, a first screen's copy on screen:
    /// the same title and cover (one of `first`'s photos, so already
    /// shown), and `first`'s photos first. The page adds the rest.
    pub fn continues(&self, first: &Manifest) -> bool {
        first.is_first_screen()
            && !self.is_first_screen()
            && self.title == first.title
            && self.cover == first.cover
            && first
                .cover
                .as_ref()
                .is_none_or(|c| first.image(c).is_some())
            && self.images.len() >= first.images.len()
            && first.images.iter().zip(&self.images).all(same_photo)
    }
}

fn same_photo((a, b): (&Image, &Image)) -> bool {
    fn download(i: &Image) -> Option<&ContentHash> {
        i.renditions.download.as_ref().map(|r| &r.sha256)
    }
    a.id == b.id
        && a.renditions.thumb.sha256 == b.renditions.thumb.sha256
        && download(a) == download(b)
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use crate::ContentHash;

    const OTHER: &str = "abababababababababababababababababababababababababababababababab";

    #[test]
    fn newly_signed_urls_show_the_same_page() {
        let (a, mut b) = (sample(), sample());
        b.server_time += 3600;
        b.mirror = Some("https://store.example/g1/manifest.json?sig=2".into());
        b.origins = vec!["https://b.example".into()];
        for image in &mut b.images {
            image.renditions.thumb.url =
                format!("{}&X-Amz-Signature=ab", image.renditions.thumb.url).into();
            image.renditions.thumb.expires_at += 3600;
        }
        assert!(a.shows_same(&b));
    }

    #[test]
    fn a_new_title_cover_or_photo_shows_the_page_again() {
        let a = sample();
        let changes: [fn(&mut crate::Manifest); 5] = [
            |m| m.title.push('!'),
            |m| m.cover = Some(m.images[1].id.clone()),
            |m| m.images[0].renditions.thumb.sha256 = ContentHash::parse(OTHER).unwrap(),
            |m| m.images.swap(0, 1),
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

    #[test]
    fn the_whole_list_continues_its_first_screen() {
        let whole = sample();
        let mut first = sample();
        first.images.truncate(1);
        first.first_of = Some(2);
        assert!(whole.continues(&first));
        assert!(!first.continues(&first), "a first screen is not the whole");
        assert!(!whole.continues(&whole), "nor continues a whole list");

        let changes: [fn(&mut crate::Manifest); 4] = [
            |m| m.title.push('!'),
            |m| m.images[0].renditions.thumb.sha256 = ContentHash::parse(OTHER).unwrap(),
            |m| m.images.swap(0, 1),
            // A cover the first screen did not show.
            |m| m.cover = Some(m.images[1].id.clone()),
        ];
        for (n, change) in changes.iter().enumerate() {
            let mut other = whole.clone();
            change(&mut other);
            let mut first = other.clone();
            if n < 3 {
                first = sample();
            }
            first.images.truncate(1);
            first.first_of = Some(2);
            assert!(!other.continues(&first), "change {n} went unseen");
        }
    }
}
