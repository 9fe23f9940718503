//! Which rows of a long list are on screen: the list renders only those (and a margin), so
//! 10,000 accounts keep about a hundred rows in the page.

use std::ops::Range;

/// Rows rendered above and below the visible ones, so fast scrolling shows no gap.
pub const OVERSCAN_ROWS: usize = 20;

/// The rows of a list of `total` rows, each `row_height` pixels tall, to render when the
/// viewport shows the list from `visible_top` to `visible_top + viewport_height` (in pixels
/// from the list's own top; negative when the list starts below the viewport's top).
pub fn visible_rows(
    total: usize,
    row_height: f64,
    visible_top: f64,
    viewport_height: f64,
) -> Range<usize> {
    if total == 0 || row_height <= 0.0 || !visible_top.is_finite() || !viewport_height.is_finite() {
        return 0..total.min(OVERSCAN_ROWS);
    }
    let first = (visible_top.max(0.0) / row_height).floor() as usize;
    let last = ((visible_top + viewport_height).max(0.0) / row_height).ceil() as usize;
    let start = first.saturating_sub(OVERSCAN_ROWS).min(total);
    let end = last.saturating_add(OVERSCAN_ROWS).min(total).max(start);
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_top_of_a_long_list_renders_the_first_screen_and_a_margin() {
        let rows = visible_rows(10_000, 64.0, -200.0, 800.0);
        assert_eq!(rows, 0..30);
    }

    #[test]
    fn scrolling_far_down_renders_only_the_rows_around_the_viewport() {
        let rows = visible_rows(10_000, 64.0, 64.0 * 5_000.0, 900.0);
        assert_eq!(rows.start, 4_980);
        assert!(rows.end - rows.start <= 100, "{rows:?}");
    }

    #[test]
    fn the_end_of_the_list_and_odd_inputs_stay_in_bounds() {
        assert_eq!(visible_rows(50, 64.0, 1e9, 900.0), 50..50);
        assert_eq!(visible_rows(0, 64.0, 0.0, 900.0), 0..0);
        assert_eq!(visible_rows(500, 0.0, 0.0, 900.0), 0..20);
        assert_eq!(visible_rows(500, 64.0, f64::NAN, 900.0), 0..20);
    }
}
