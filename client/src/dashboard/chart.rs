//! The geometry of the dashboard's bar charts, pure: rows of values in, rectangles in SVG user
//! units out. Bars are horizontal, one group of bars (one per series) under each row's label,
//! all on one scale from zero to the chart's largest value, so bars compare across rows and
//! series. Negative values are drawn as nothing (a figure here is a sum or a count); a value
//! above zero is at least [`MIN_BAR`] long, so it never vanishes beside a large one.
//!
//! It knows nothing of money, language or markup: the component formats the values and draws
//! the rectangles.

/// The chart's width (SVG user units).
pub const CHART_WIDTH: f64 = 600.0;
/// Room kept right of the longest bar for its value's text.
pub const VALUE_ROOM: f64 = 150.0;
/// The height of a row's label line.
pub const LABEL_HEIGHT: f64 = 18.0;
/// The thickness of one bar.
pub const BAR_HEIGHT: f64 = 14.0;
/// The space between two bars of one row.
pub const BAR_GAP: f64 = 2.0;
/// The space after a row.
pub const ROW_GAP: f64 = 10.0;
/// The shortest bar drawn for a value above zero.
pub const MIN_BAR: f64 = 2.0;

/// One bar's rectangle and where its value's text goes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BarRect {
    /// Its top.
    pub y: f64,
    /// Its length (its left edge is at 0).
    pub width: f64,
    /// Its thickness.
    pub height: f64,
    /// The baseline of its value's text.
    pub text_y: f64,
    /// The left of its value's text.
    pub text_x: f64,
}

/// One row: its label's baseline and its bars, one per series.
#[derive(Clone, Debug, PartialEq)]
pub struct RowLayout {
    /// The baseline of the row's label.
    pub label_y: f64,
    /// The row's top (where its click target starts).
    pub top: f64,
    /// The row's height, label and bars (its click target's height).
    pub height: f64,
    /// The bars, in series order.
    pub bars: Vec<BarRect>,
}

/// A chart laid out.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Its total height.
    pub height: f64,
    /// Its rows, in order.
    pub rows: Vec<RowLayout>,
}

/// The length of a bar for `value` when the scale's largest value is `largest`.
pub fn bar_length(value: i64, largest: i64) -> f64 {
    if value <= 0 || largest <= 0 {
        return 0.0;
    }
    let room = CHART_WIDTH - VALUE_ROOM;
    (value as f64 / largest as f64 * room).clamp(MIN_BAR, room)
}

/// Lays out `rows`, each holding one value per series.
pub fn lay_out(rows: &[Vec<i64>]) -> Layout {
    let largest = rows.iter().flatten().copied().max().unwrap_or(0);
    let mut top = 0.0;
    let mut laid = Vec::with_capacity(rows.len());
    for values in rows {
        let row_top = top;
        let label_y = top + LABEL_HEIGHT - 5.0;
        top += LABEL_HEIGHT;
        let mut bars = Vec::with_capacity(values.len());
        for value in values {
            let width = bar_length(*value, largest);
            bars.push(BarRect {
                y: top,
                width,
                height: BAR_HEIGHT,
                text_y: top + BAR_HEIGHT - 3.0,
                text_x: width + 6.0,
            });
            top += BAR_HEIGHT + BAR_GAP;
        }
        laid.push(RowLayout {
            label_y,
            top: row_top,
            height: top - row_top,
            bars,
        });
        top += ROW_GAP;
    }
    Layout {
        height: top.max(LABEL_HEIGHT),
        rows: laid,
    }
}

/// The length of a progress bar of `ratio` basis points in a bar `width` long (capped at full).
pub fn progress_length(ratio: Option<u32>, width: f64) -> f64 {
    let ratio = f64::from(ratio.unwrap_or(0).min(10_000)) / 10_000.0;
    ratio * width
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_value_fills_the_room_left_of_its_text_and_the_others_scale_to_it() {
        // 600 wide, 150 kept for the text: 450 for the largest, 225 for half of it.
        let layout = lay_out(&[vec![200, 100], vec![50, 0]]);
        let widths: Vec<Vec<f64>> = layout
            .rows
            .iter()
            .map(|row| row.bars.iter().map(|bar| bar.width).collect())
            .collect();
        assert_eq!(widths, vec![vec![450.0, 225.0], vec![112.5, 0.0]]);
    }

    #[test]
    fn rows_stack_a_label_then_their_bars_then_a_gap() {
        // Row 1: label 0–18, bars at 18 and 34 (14 high, 2 apart), gap to 60.
        let layout = lay_out(&[vec![1, 1], vec![1, 1]]);
        let row = &layout.rows[1];
        assert_eq!(row.top, 60.0);
        assert_eq!(row.height, 50.0);
        assert_eq!(row.label_y, 73.0);
        assert_eq!(row.bars[0].y, 78.0);
        assert_eq!(row.bars[1].y, 94.0);
        assert_eq!(layout.height, 120.0);
    }

    #[test]
    fn a_tiny_value_still_shows_and_nothing_or_a_negative_shows_nothing() {
        assert_eq!(bar_length(1, 1_000_000), MIN_BAR);
        assert_eq!(bar_length(0, 10), 0.0);
        assert_eq!(bar_length(-5, 10), 0.0);
        assert_eq!(bar_length(3, 0), 0.0);
    }

    #[test]
    fn an_empty_chart_keeps_the_height_of_one_label() {
        let layout = lay_out(&[]);
        assert!(layout.rows.is_empty());
        assert_eq!(layout.height, LABEL_HEIGHT);
    }

    #[test]
    fn progress_is_capped_at_the_whole_bar() {
        assert_eq!(progress_length(Some(5_000), 200.0), 100.0);
        assert_eq!(progress_length(Some(25_000), 200.0), 200.0);
        assert_eq!(progress_length(None, 200.0), 0.0);
    }
}
