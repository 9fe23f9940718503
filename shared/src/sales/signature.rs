//! A customer's handwritten signature on a quote ("Bon pour accord"): who signed, when, and the
//! strokes drawn on the tablet, kept as a compact path.
//!
//! The strokes are a path of absolute points in a 1000 × 400 box (`M x y L x y L x y M …`),
//! what the signature pad records from pointer events; it is checked here (grammar, bounds and
//! size) so a document never holds a path the print page could not draw.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

/// The width of the box the strokes are drawn in.
pub const SIGNATURE_WIDTH: u32 = 1000;
/// The height of the box the strokes are drawn in.
pub const SIGNATURE_HEIGHT: u32 = 400;
/// The longest path kept, in bytes (a long signature is a few kilobytes).
pub const MAX_SIGNATURE_PATH_BYTES: usize = 32 * 1024;
/// The longest signer's name, in characters.
pub const MAX_SIGNER_CHARS: usize = 120;

/// A signature as stored in a quote.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Signature {
    /// The name the signer typed under the signature.
    pub signer: String,
    /// When they signed (Unix seconds).
    pub signed_at: i64,
    /// The strokes (see the module's documentation).
    pub path: String,
}

/// Why a signature is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// Nobody's name is written under it.
    #[error("a signature needs the signer's name")]
    MissingSigner,
    /// The name is longer than [`MAX_SIGNER_CHARS`].
    #[error("the signer's name is too long")]
    SignerTooLong,
    /// Nothing was drawn.
    #[error("nothing was drawn")]
    Empty,
    /// The path is longer than [`MAX_SIGNATURE_PATH_BYTES`].
    #[error("the signature is too long")]
    TooLong,
    /// The path is not a list of `M`/`L` points inside the box.
    #[error("the signature's strokes are not readable")]
    Unreadable,
}

impl Signature {
    /// A signature by `signer` at `signed_at` (Unix seconds) with the strokes `path`, checked.
    pub fn new(signer: &str, signed_at: i64, path: &str) -> Result<Self, SignatureError> {
        let signature = Self {
            signer: signer.trim().to_owned(),
            signed_at,
            path: path.trim().to_owned(),
        };
        signature.check()?;
        Ok(signature)
    }

    /// Checks the signer's name and the strokes.
    pub fn check(&self) -> Result<(), SignatureError> {
        if self.signer.trim().is_empty() {
            return Err(SignatureError::MissingSigner);
        }
        if self.signer.chars().count() > MAX_SIGNER_CHARS {
            return Err(SignatureError::SignerTooLong);
        }
        if self.path.len() > MAX_SIGNATURE_PATH_BYTES {
            return Err(SignatureError::TooLong);
        }
        let strokes = strokes(&self.path)?;
        if strokes.iter().all(|stroke| stroke.len() < 2) {
            return Err(SignatureError::Empty);
        }
        Ok(())
    }

    /// The strokes as lists of points, for drawing.
    pub fn strokes(&self) -> Result<Vec<Vec<(u32, u32)>>, SignatureError> {
        strokes(&self.path)
    }
}

/// Reads `M x y L x y …` into strokes, each point inside the box.
fn strokes(path: &str) -> Result<Vec<Vec<(u32, u32)>>, SignatureError> {
    let mut strokes: Vec<Vec<(u32, u32)>> = Vec::new();
    let mut words = path.split_ascii_whitespace();
    while let Some(command) = words.next() {
        let mut coordinate = |limit: u32| -> Result<u32, SignatureError> {
            words
                .next()
                .and_then(|word| word.parse::<u32>().ok())
                .filter(|value| *value <= limit)
                .ok_or(SignatureError::Unreadable)
        };
        let point = match command {
            "M" | "L" => (coordinate(SIGNATURE_WIDTH)?, coordinate(SIGNATURE_HEIGHT)?),
            _ => return Err(SignatureError::Unreadable),
        };
        match (command, strokes.last_mut()) {
            ("L", Some(stroke)) => stroke.push(point),
            ("M", _) => strokes.push(vec![point]),
            _ => return Err(SignatureError::Unreadable),
        }
    }
    Ok(strokes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drawn_signature_with_a_name_is_kept_and_read_back_as_strokes() -> Result<(), SignatureError>
    {
        let signature = Signature::new(
            " Marie Dupont ",
            1_780_000_000,
            "M 10 20 L 30 40 L 50 60 M 5 5 L 6 6",
        )?;
        assert_eq!(signature.signer, "Marie Dupont");
        assert_eq!(
            signature.strokes()?,
            vec![vec![(10, 20), (30, 40), (50, 60)], vec![(5, 5), (6, 6)]]
        );
        Ok(())
    }

    #[test]
    fn a_signature_without_name_strokes_or_inside_the_box_is_refused() {
        assert_eq!(
            Signature::new("", 0, "M 1 1 L 2 2"),
            Err(SignatureError::MissingSigner)
        );
        assert_eq!(Signature::new("A", 0, ""), Err(SignatureError::Empty));
        assert_eq!(Signature::new("A", 0, "M 1 1"), Err(SignatureError::Empty));
        assert_eq!(
            Signature::new("A", 0, "M 1 1 L 1001 2"),
            Err(SignatureError::Unreadable)
        );
        assert_eq!(
            Signature::new("A", 0, "L 1 1 L 2 2"),
            Err(SignatureError::Unreadable)
        );
        assert_eq!(
            Signature::new("A", 0, "M 1 1 L 2 <script>"),
            Err(SignatureError::Unreadable)
        );
        let long = "M 1 1".to_owned() + &" L 999 399".repeat(4000);
        assert_eq!(Signature::new("A", 0, &long), Err(SignatureError::TooLong));
        assert_eq!(
            Signature::new(&"x".repeat(121), 0, "M 1 1 L 2 2"),
            Err(SignatureError::SignerTooLong)
        );
    }
}
