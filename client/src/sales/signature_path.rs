//! The strokes a signature pad records, turned into the path a quote keeps
//! (`shared::sales::Signature`): points scaled from the pad's size on screen into the
//! signature's fixed box, so a signature drawn on a phone prints like one drawn on a tablet.
//! Points too close to the previous one are dropped, and recording stops at a bound, so the
//! path stays under what a quote accepts.

use shared::sales::{MAX_SIGNATURE_PATH_BYTES, SIGNATURE_HEIGHT, SIGNATURE_WIDTH};

/// The most points kept: each takes at most 11 bytes of path (`L 1000 400 `).
pub const MAX_POINTS: usize = MAX_SIGNATURE_PATH_BYTES / 11 - 1;

/// Strokes being drawn.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Strokes {
    strokes: Vec<Vec<(u32, u32)>>,
    points: usize,
}

impl Strokes {
    /// Starts a stroke at (`x`, `y`) on a pad `width` × `height` pixels.
    pub fn begin(&mut self, x: f64, y: f64, width: f64, height: f64) {
        if self.points >= MAX_POINTS {
            return;
        }
        self.strokes.push(vec![scaled(x, y, width, height)]);
        self.points += 1;
    }

    /// Extends the current stroke to (`x`, `y`); returns whether a point was kept.
    pub fn extend(&mut self, x: f64, y: f64, width: f64, height: f64) -> bool {
        if self.points >= MAX_POINTS {
            return false;
        }
        let point = scaled(x, y, width, height);
        let Some(stroke) = self.strokes.last_mut() else {
            return false;
        };
        if stroke
            .last()
            .is_some_and(|last| last.0.abs_diff(point.0) + last.1.abs_diff(point.1) < 2)
        {
            return false;
        }
        stroke.push(point);
        self.points += 1;
        true
    }

    /// Forgets every stroke.
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// Whether something was drawn (a stroke of two points at least).
    pub fn drawn(&self) -> bool {
        self.strokes.iter().any(|stroke| stroke.len() >= 2)
    }

    /// The strokes as a signature path (`M x y L x y …`).
    pub fn path(&self) -> String {
        let mut path = String::new();
        for stroke in &self.strokes {
            for (index, (x, y)) in stroke.iter().enumerate() {
                if !path.is_empty() {
                    path.push(' ');
                }
                path.push_str(if index == 0 { "M " } else { "L " });
                path.push_str(&format!("{x} {y}"));
            }
        }
        path
    }
}

/// A point of a pad `width` × `height` in the signature's box, clamped inside it.
fn scaled(x: f64, y: f64, width: f64, height: f64) -> (u32, u32) {
    let scale = |value: f64, size: f64, limit: u32| -> u32 {
        if size.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) || !value.is_finite() {
            return 0;
        }
        let scaled = (value / size * f64::from(limit)).round();
        if scaled <= 0.0 {
            0
        } else if scaled >= f64::from(limit) {
            limit
        } else {
            // In 0..limit, so the conversion is exact.
            scaled as u32
        }
    };
    (
        scale(x, width, SIGNATURE_WIDTH),
        scale(y, height, SIGNATURE_HEIGHT),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::sales::Signature;

    #[test]
    fn strokes_drawn_on_a_small_pad_are_scaled_into_the_signature_box() {
        let mut strokes = Strokes::default();
        strokes.begin(0.0, 0.0, 500.0, 200.0);
        strokes.extend(250.0, 100.0, 500.0, 200.0);
        strokes.extend(900.0, -5.0, 500.0, 200.0);
        assert_eq!(strokes.path(), "M 0 0 L 500 200 L 1000 0");
        assert!(strokes.drawn());
    }

    #[test]
    fn a_single_tap_is_not_a_signature_and_clearing_forgets_everything() {
        let mut strokes = Strokes::default();
        strokes.begin(10.0, 10.0, 100.0, 100.0);
        assert!(!strokes.drawn());
        strokes.extend(10.1, 10.1, 100.0, 100.0);
        assert!(
            !strokes.drawn(),
            "a point next to the previous one is dropped"
        );
        strokes.clear();
        assert_eq!(strokes.path(), "");
    }

    #[test]
    fn however_long_the_scribble_its_path_is_one_a_quote_accepts(
    ) -> Result<(), shared::sales::SignatureError> {
        let mut strokes = Strokes::default();
        strokes.begin(0.0, 0.0, 1000.0, 400.0);
        for step in 0..20_000_u32 {
            let x = f64::from(step % 1000);
            let y = f64::from((step * 7) % 400);
            strokes.extend(x, y, 1000.0, 400.0);
        }
        assert!(strokes.path().len() <= MAX_SIGNATURE_PATH_BYTES);
        Signature::new("Marie", 0, &strokes.path())?;
        Ok(())
    }
}
