//! Links side by side on the studio page: which photos the couple and the
//! parents both chose, and which only one of them did. A photo is chosen by
//! a link that selected or favourited it.

use super::report::LinkReport;

/// What one link did with one photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    None,
    Favourite,
    Selected,
    SelectedFavourite,
}

impl Mark {
    pub fn chosen(self) -> bool {
        self != Mark::None
    }
}

/// One photo some compared link chose, and each link's mark, in the order
/// the links were given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComparedPhoto {
    pub file_name: String,
    pub marks: Vec<Mark>,
}

impl ComparedPhoto {
    /// How many of the compared links chose it.
    pub fn chosen_by(&self) -> usize {
        self.marks.iter().filter(|m| m.chosen()).count()
    }
}

/// The photos any of `links` chose: those every link chose first, then
/// those fewer chose, each group in gallery order (`gallery_order`: file
/// names as the gallery lists them; a name missing from it goes last).
pub fn compare(links: &[&LinkReport], gallery_order: &[&str]) -> Vec<ComparedPhoto> {
    let mark = |l: &LinkReport, file: &str| {
        let has = |list: &[String]| list.iter().any(|f| f == file);
        match (has(&l.selected), has(&l.favourites)) {
            (true, true) => Mark::SelectedFavourite,
            (true, false) => Mark::Selected,
            (false, true) => Mark::Favourite,
            (false, false) => Mark::None,
        }
    };
    let mut files: Vec<&str> = Vec::new();
    for l in links {
        for file in l.selected.iter().chain(&l.favourites) {
            if !files.contains(&file.as_str()) {
                files.push(file);
            }
        }
    }
    let mut photos: Vec<ComparedPhoto> = files
        .into_iter()
        .map(|file| ComparedPhoto {
            file_name: file.to_owned(),
            marks: links.iter().map(|l| mark(l, file)).collect(),
        })
        .collect();
    let place = |file: &str| {
        gallery_order
            .iter()
            .position(|f| *f == file)
            .unwrap_or(usize::MAX)
    };
    photos.sort_by_key(|p| (std::cmp::Reverse(p.chosen_by()), place(&p.file_name)));
    photos
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(label: &str, selected: &[&str], favourites: &[&str]) -> LinkReport {
        let names = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
        LinkReport {
            selected: names(selected),
            favourites: names(favourites),
            approved: vec!["approved-only.jpg".into()],
            comments: vec![("commented-only.jpg".into(), "nice".into())],
            ..LinkReport::live(&label.to_lowercase(), label)
        }
    }

    #[test]
    fn photos_both_chose_come_first_then_each_ones_in_gallery_order() {
        let order = ["a.jpg", "b.jpg", "c.jpg", "d.jpg", "e.jpg"];
        let couple = link("Couple", &["d.jpg", "b.jpg"], &["a.jpg", "b.jpg"]);
        let parents = link("Parents", &["a.jpg", "e.jpg"], &[]);
        let compared = compare(&[&couple, &parents], &order);
        let rows: Vec<(&str, Vec<Mark>)> = compared
            .iter()
            .map(|p| (p.file_name.as_str(), p.marks.clone()))
            .collect();
        use Mark::*;
        assert_eq!(
            rows,
            [
                ("a.jpg", vec![Favourite, Selected]),
                ("b.jpg", vec![SelectedFavourite, None]),
                ("d.jpg", vec![Selected, None]),
                ("e.jpg", vec![None, Selected]),
            ]
        );
        assert_eq!(compared[0].chosen_by(), 2);
        assert_eq!(compared[3].chosen_by(), 1);
    }

    #[test]
    fn three_links_rank_by_how_many_chose_and_unknown_names_go_last() {
        let order = ["a.jpg", "b.jpg"];
        let x = link("X", &["gone.jpg", "b.jpg"], &[]);
        let y = link("Y", &["b.jpg", "a.jpg"], &[]);
        let z = link("Z", &["b.jpg"], &["a.jpg"]);
        let names: Vec<(String, usize)> = compare(&[&x, &y, &z], &order)
            .into_iter()
            .map(|p| (p.file_name.clone(), p.chosen_by()))
            .collect();
        assert_eq!(
            names,
            [
                ("b.jpg".to_string(), 3),
                ("a.jpg".to_string(), 2),
                ("gone.jpg".to_string(), 1)
            ]
        );
    }

    #[test]
    fn links_that_chose_nothing_compare_to_nothing() {
        let empty = link("Empty", &[], &[]);
        assert!(compare(&[&empty, &empty], &[]).is_empty());
        assert!(compare(&[], &[]).is_empty());
    }
}
