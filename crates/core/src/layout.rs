//! The grid's geometry: a justified layout (rows of photos at their own aspect
//! ratio, each row scaled to fill the width) computed from the manifest's
//! sizes, and the questions a virtualised grid asks of it: which rows are near
//! the screen, where a photo is, and how to keep the photo at the top of the
//! screen in place when the width changes (rotation, resize).
//!
//! Positions are whole CSS pixels, so tiles never blur or leave hairline gaps.

use std::ops::Range;

/// Aspect ratios outside this range (panoramas, slivers) are shown cropped.
const MIN_ASPECT: f64 = 0.5;
const MAX_ASPECT: f64 = 3.0;

/// How rows are built.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Width of the grid in CSS px.
    pub width: f64,
    /// The height rows aim for; full rows end up at most this tall.
    pub row_height: f64,
    /// Space between photos and between rows.
    pub gap: f64,
}

/// The tile's two buttons (Favourite, Select): 32 px each with 4 px around
/// and between them. A tile at least [`BUTTONS_SIDE_BY_SIDE`] wide shows them
/// side by side; a narrower one stacks them, which needs rows at least
/// [`BUTTONS_STACKED`] tall (and, at [`MIN_ASPECT`], 40 px of width).
pub const BUTTONS_SIDE_BY_SIDE: f64 = 76.0;
pub const BUTTONS_STACKED: f64 = 76.0;

impl Params {
    /// Rows of about a third of a phone's width, taller on wide screens.
    pub fn for_width(width: f64) -> Params {
        let (row_height, gap) = if width < 600.0 {
            (120.0, 3.0)
        } else {
            (200.0, 6.0)
        };
        Params {
            width: width.max(1.0),
            row_height,
            gap,
        }
    }

    /// The shortest a full row may be: two thirds of the target (80 px on a
    /// phone, so a narrow tile's stacked buttons fit).
    pub fn min_row_height(&self) -> f64 {
        self.row_height * 2.0 / 3.0
    }
}

/// One photo's box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// A row: its vertical extent and which items it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub y: f64,
    pub height: f64,
    pub items: Range<usize>,
}

/// The layout of a list of photos (in the order given).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    pub items: Vec<Placed>,
    pub rows: Vec<Row>,
    /// Total height in CSS px.
    pub height: f64,
}

/// A photo and how far the screen's top is below that photo's row top: what
/// must stay put when the layout changes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Anchor {
    pub item: usize,
    pub offset: f64,
}

/// The aspect ratio a photo of `width`×`height` gets in the grid.
pub fn aspect(width: u32, height: u32) -> f64 {
    if width == 0 || height == 0 {
        return 1.0;
    }
    (f64::from(width) / f64::from(height)).clamp(MIN_ASPECT, MAX_ASPECT)
}

/// Lays out photos of the given aspect ratios in justified rows: photos are
/// added to a row until, scaled to fill the width, the row would be no taller
/// than `row_height`. The row then ends with that photo or just before it,
/// whichever row is nearer `row_height`, and never shorter than
/// [`Params::min_row_height`] (a wide photo arriving late would otherwise
/// squash its row and the narrow tiles in it; a panorama alone in its row
/// on a narrow screen is cropped to that height). The last, incomplete row
/// keeps `row_height` and is not stretched.
pub fn justified(aspects: &[f64], p: Params) -> Layout {
    let mut layout = Layout {
        items: Vec::with_capacity(aspects.len()),
        rows: Vec::new(),
        height: 0.0,
    };
    let fill = |count: usize, sum: f64| (p.width - p.gap * (count as f64 - 1.0)) / sum;
    let mut y = 0.0;
    let mut start = 0;
    let mut sum = 0.0;
    let mut close = |layout: &mut Layout, items: Range<usize>, height: f64| {
        // A photo alone in a row too short for it (a panorama on a narrow
        // screen) is shown cropped to the shortest row.
        let height = if items.len() == 1 {
            height.max(p.min_row_height())
        } else {
            height
        };
        let height = height.round().max(1.0);
        place_row(
            layout,
            &aspects[items.clone()],
            items.start,
            y,
            height,
            p,
            true,
        );
        y += height + p.gap;
    };
    for (i, &a) in aspects.iter().enumerate() {
        sum += a;
        let with = fill(i + 1 - start, sum);
        if with > p.row_height {
            continue;
        }
        if i > start {
            // Without this photo the row is taller than the target.
            let without = fill(i - start, sum - a);
            if with < p.min_row_height() || without / p.row_height < p.row_height / with {
                close(&mut layout, start..i, without);
                start = i;
                sum = a;
                let alone = fill(1, a);
                if alone > p.row_height {
                    continue;
                }
                close(&mut layout, i..i + 1, alone);
                start = i + 1;
                sum = 0.0;
                continue;
            }
        }
        close(&mut layout, start..i + 1, with);
        start = i + 1;
        sum = 0.0;
    }
    if start < aspects.len() {
        let height = p.row_height.round();
        place_row(&mut layout, &aspects[start..], start, y, height, p, false);
        y += height + p.gap;
    }
    layout.height = (y - p.gap).max(0.0);
    layout
}

fn place_row(
    layout: &mut Layout,
    aspects: &[f64],
    first: usize,
    y: f64,
    height: f64,
    p: Params,
    fill: bool,
) {
    let n = aspects.len() as f64;
    // Widths before rounding; a full row's last photo ends exactly at the edge.
    let scale = if fill {
        (p.width - p.gap * (n - 1.0)) / aspects.iter().sum::<f64>()
    } else {
        height
    };
    let mut x: f64 = 0.0;
    for (k, a) in aspects.iter().enumerate() {
        let left = x.round();
        x += a * scale;
        let mut right = x.round();
        if fill && k + 1 == aspects.len() {
            right = p.width.round();
        }
        right = right.min(p.width.round()).max(left + 1.0);
        layout.items.push(Placed {
            x: left,
            y,
            width: right - left,
            height,
        });
        x += p.gap;
    }
    layout.rows.push(Row {
        y,
        height,
        items: first..first + aspects.len(),
    });
}

impl Layout {
    /// The rows that overlap `top..bottom` (CSS px from the grid's top).
    pub fn rows_between(&self, top: f64, bottom: f64) -> Range<usize> {
        let first = self.rows.partition_point(|r| r.y + r.height < top);
        let end = self.rows.partition_point(|r| r.y < bottom);
        first..end.max(first)
    }

    /// The items of the rows that overlap `top..bottom`.
    pub fn items_between(&self, top: f64, bottom: f64) -> Range<usize> {
        let rows = self.rows_between(top, bottom);
        if rows.is_empty() {
            return 0..0;
        }
        self.rows[rows.start].items.start..self.rows[rows.end - 1].items.end
    }

    /// The row holding `item`.
    pub fn row_of(&self, item: usize) -> Option<&Row> {
        let i = self.rows.partition_point(|r| r.items.end <= item);
        self.rows.get(i).filter(|r| r.items.contains(&item))
    }

    /// What is at `top` (the screen's top, from the grid's top).
    pub fn anchor_at(&self, top: f64) -> Option<Anchor> {
        let rows = self.rows_between(top, top);
        let row = self.rows.get(rows.start)?;
        Some(Anchor {
            item: row.items.start,
            offset: top - row.y,
        })
    }

    /// Where the screen's top must be for `anchor` to look as it did: same
    /// photo at the top, same distance into its row (at most the row's height).
    pub fn top_for(&self, anchor: Anchor) -> f64 {
        match self.row_of(anchor.item) {
            Some(row) => row.y + anchor.offset.clamp(0.0, row.height),
            None => 0.0,
        }
    }

    /// A screen top (for a viewport `viewport` tall) that shows `item`'s row:
    /// `current` if it already does, else one that centres the row.
    pub fn reveal(&self, item: usize, current: f64, viewport: f64) -> f64 {
        let Some(row) = self.row_of(item) else {
            return current;
        };
        if row.y >= current && row.y + row.height <= current + viewport {
            return current;
        }
        (row.y + row.height / 2.0 - viewport / 2.0).max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn phone() -> Params {
        Params {
            width: 360.0,
            row_height: 120.0,
            gap: 3.0,
        }
    }

    #[test]
    fn full_rows_fill_the_width_and_stay_under_the_target_height() {
        let aspects = [1.5, 1.5, 0.67, 1.0, 1.5, 1.5, 1.5, 0.67, 1.5];
        let l = justified(&aspects, phone());
        for row in &l.rows[..l.rows.len() - 1] {
            assert!(row.height <= 120.0, "{row:?}");
            let last = &l.items[row.items.end - 1];
            assert_eq!(last.x + last.width, 360.0);
            assert_eq!(l.items[row.items.start].x, 0.0);
            for w in row.items.clone().collect::<Vec<_>>().windows(2) {
                let (a, b) = (&l.items[w[0]], &l.items[w[1]]);
                assert_eq!(b.x - (a.x + a.width), 3.0, "one gap between photos");
            }
        }
        assert_eq!(l.items.len(), aspects.len());
    }

    #[test]
    fn the_last_row_is_not_stretched() {
        let l = justified(&[1.5, 1.5, 1.0], phone());
        let last = l.rows.last().unwrap();
        assert_eq!(last.height, 120.0);
        assert_eq!(last.items, 2..3);
        assert_eq!(l.items[2].width, 120.0);
        assert_eq!(l.height, last.y + last.height);
    }

    #[test]
    fn panoramas_and_slivers_are_clamped_and_empty_sizes_are_square() {
        assert_eq!(aspect(10_000, 100), 3.0);
        assert_eq!(aspect(100, 10_000), 0.5);
        assert_eq!(aspect(0, 10), 1.0);
        assert_eq!(justified(&[], phone()), Layout::default());
    }

    #[test]
    fn rows_near_the_screen_are_found_by_position() {
        let aspects = vec![1.5; 10_000];
        let l = justified(&aspects, phone());
        // 1.5 → two per row at (360 - 3) / 3 = 119 px.
        assert_eq!(l.rows[0].height, 119.0);
        assert_eq!(l.rows.len(), 5_000);
        let rows = l.rows_between(122.0 * 100.0, 122.0 * 100.0 + 800.0);
        assert_eq!(rows.start, 100);
        assert!(rows.len() <= 8, "{rows:?}");
        let items = l.items_between(l.height - 10.0, l.height + 500.0);
        assert_eq!(items, 9_998..10_000);
        assert_eq!(l.items_between(-500.0, -1.0), 0..0);
    }

    #[test]
    fn the_photo_at_the_top_stays_there_when_the_width_changes() {
        let aspects: Vec<f64> = (0..1000).map(|i| [1.5, 0.67, 1.0][i % 3]).collect();
        let narrow = justified(&aspects, phone());
        let top = narrow.rows[200].y + 30.0;
        let anchor = narrow.anchor_at(top).unwrap();
        assert_eq!(anchor.item, narrow.rows[200].items.start);
        assert_eq!(anchor.offset, 30.0);

        let wide = justified(&aspects, Params::for_width(1024.0));
        let new_top = wide.top_for(anchor);
        let row = wide.row_of(anchor.item).unwrap();
        assert!(row.y <= new_top && new_top <= row.y + row.height);
        assert_eq!(wide.anchor_at(new_top).unwrap().item, row.items.start);
    }

    #[test]
    fn revealing_a_photo_scrolls_only_when_it_is_off_screen() {
        let l = justified(&vec![1.5; 100], phone());
        assert_eq!(l.reveal(0, 0.0, 800.0), 0.0);
        let row = l.row_of(99).unwrap().clone();
        let top = l.reveal(99, 0.0, 800.0);
        assert!(top <= row.y && row.y + row.height <= top + 800.0);
        assert_eq!(l.reveal(99, top, 800.0), top);
    }

    #[test]
    fn a_wide_photo_arriving_late_starts_the_next_row_rather_than_squash_this_one() {
        // Two portraits fill less than a 320 px row; a panorama after them
        // would make the row 317 / 4.33 = 73 px tall, its portraits 49 px wide.
        let p = Params::for_width(320.0);
        let l = justified(&[0.67, 0.67, 3.0, 1.0], p);
        assert_eq!(l.rows[0].items, 0..2);
        assert!(l.rows[0].height > p.row_height, "{:?}", l.rows[0]);
        assert_eq!(l.rows[1].items, 2..3);
        assert_eq!(l.rows[2].items, 3..4);
    }

    proptest! {
        /// On a phone held either way, every tile's Favourite and Select fit
        /// in it: side by side on a tile wide enough, else stacked, in a row
        /// tall enough for that, and never on a tile narrower than a button
        /// and its margins (38 px).
        #[test]
        fn the_tile_buttons_always_fit_on_a_phone(
            aspects in prop::collection::vec(MIN_ASPECT..=MAX_ASPECT, 1..120),
            width in 320.0f64..=430.0,
        ) {
            let p = Params::for_width(width);
            let l = justified(&aspects, p);
            for row in &l.rows {
                prop_assert!(row.height >= p.min_row_height().round(), "{:?}", row);
                for i in row.items.clone() {
                    let tile = l.items[i];
                    prop_assert!(tile.width >= 38.0, "{:?}", tile);
                    prop_assert!(
                        tile.width >= BUTTONS_SIDE_BY_SIDE || tile.height >= BUTTONS_STACKED,
                        "{:?}", tile
                    );
                }
            }
        }

        #[test]
        fn full_rows_are_never_shorter_than_two_thirds_of_the_target(
            aspects in prop::collection::vec(MIN_ASPECT..=MAX_ASPECT, 1..200),
            width in 200.0f64..2000.0,
        ) {
            let p = Params::for_width(width);
            let l = justified(&aspects, p);
            for row in &l.rows {
                prop_assert!(row.height >= p.min_row_height().round(), "{:?}", row);
            }
        }

        #[test]
        fn every_photo_is_placed_once_inside_the_grid_without_overlap(
            aspects in prop::collection::vec(0.2f64..5.0, 0..200),
            width in 200.0f64..2000.0,
        ) {
            let clamped: Vec<f64> = aspects.iter().map(|a| a.clamp(MIN_ASPECT, MAX_ASPECT)).collect();
            let l = justified(&clamped, Params::for_width(width));
            prop_assert_eq!(l.items.len(), clamped.len());
            let covered: usize = l.rows.iter().map(|r| r.items.len()).sum();
            prop_assert_eq!(covered, clamped.len());
            for (r, row) in l.rows.iter().enumerate() {
                for i in row.items.clone() {
                    let p = l.items[i];
                    prop_assert!(p.x >= 0.0 && p.x + p.width <= width.round());
                    prop_assert!(p.width >= 1.0);
                    prop_assert_eq!(p.y, row.y);
                    prop_assert_eq!(l.row_of(i).map(|x| x.y), Some(row.y));
                    if i > row.items.start {
                        let q = l.items[i - 1];
                        prop_assert!(q.x + q.width <= p.x);
                    }
                }
                if r > 0 {
                    let above = &l.rows[r - 1];
                    prop_assert!(above.y + above.height <= row.y);
                }
            }
        }
    }
}
