//! Geographic coordinates (WGS 84 degrees), for addresses and visit check-ins.

use std::fmt;

/// A latitude in degrees, finite and within −90..=90.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Latitude(f64);

/// A longitude in degrees, finite and within −180..=180.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Longitude(f64);

/// Why a number is not a coordinate.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum GeoError {
    /// Latitude outside −90..=90 or not a number.
    #[error("a latitude is between -90 and 90 degrees, not {0}")]
    LatitudeOutOfRange(f64),
    /// Longitude outside −180..=180 or not a number.
    #[error("a longitude is between -180 and 180 degrees, not {0}")]
    LongitudeOutOfRange(f64),
    /// A stored or typed coordinate is not a number.
    #[error("a coordinate is a decimal number")]
    NotANumber,
}

impl Latitude {
    /// Validates `degrees`.
    pub fn new(degrees: f64) -> Result<Self, GeoError> {
        if degrees.is_finite() && (-90.0..=90.0).contains(&degrees) {
            Ok(Self(degrees))
        } else {
            Err(GeoError::LatitudeOutOfRange(degrees))
        }
    }

    /// The degrees.
    pub fn degrees(self) -> f64 {
        self.0
    }
}

impl Longitude {
    /// Validates `degrees`.
    pub fn new(degrees: f64) -> Result<Self, GeoError> {
        if degrees.is_finite() && (-180.0..=180.0).contains(&degrees) {
            Ok(Self(degrees))
        } else {
            Err(GeoError::LongitudeOutOfRange(degrees))
        }
    }

    /// The degrees.
    pub fn degrees(self) -> f64 {
        self.0
    }
}

/// A point on Earth.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    autosurgeon::Reconcile,
    autosurgeon::Hydrate,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct GeoPoint {
    /// North–south position.
    pub latitude: Latitude,
    /// East–west position.
    pub longitude: Longitude,
}

impl GeoPoint {
    /// Validates both coordinates, e.g. `GeoPoint::new(45.764, 4.8357)` for Lyon.
    pub fn new(latitude: f64, longitude: f64) -> Result<Self, GeoError> {
        Ok(Self {
            latitude: Latitude::new(latitude)?,
            longitude: Longitude::new(longitude)?,
        })
    }

    /// Parses `"45.764, 4.8357"` (a decimal point, as maps apps copy it).
    pub fn parse(input: &str) -> Result<Self, GeoError> {
        let (latitude, longitude) = input.split_once(',').ok_or(GeoError::NotANumber)?;
        let number = |text: &str| text.trim().parse::<f64>().map_err(|_| GeoError::NotANumber);
        Self::new(number(latitude)?, number(longitude)?)
    }

    /// Great-circle distance to `other` in metres (haversine), for check-in verification.
    pub fn distance_metres(&self, other: &GeoPoint) -> f64 {
        const EARTH_RADIUS_METRES: f64 = 6_371_008.8;
        let (lat1, lat2) = (self.latitude.0.to_radians(), other.latitude.0.to_radians());
        let delta_lat = lat2 - lat1;
        let delta_lon = (other.longitude.0 - self.longitude.0).to_radians();
        let a = (delta_lat / 2.0).sin().powi(2)
            + lat1.cos() * lat2.cos() * (delta_lon / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_METRES * a.sqrt().asin()
    }
}

impl fmt::Display for GeoPoint {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}, {}", self.latitude.0, self.longitude.0)
    }
}

/// Stores a coordinate in documents, and serialises it, as its number of degrees, validating it
/// again when it is read back.
macro_rules! stored_as_number {
    ($type:ident) => {
        impl autosurgeon::Reconcile for $type {
            type Key<'a> = autosurgeon::reconcile::NoKey;

            fn reconcile<R: autosurgeon::Reconciler>(
                &self,
                mut reconciler: R,
            ) -> Result<(), R::Error> {
                reconciler.f64(self.0)
            }
        }

        impl autosurgeon::Hydrate for $type {
            fn hydrate_f64(degrees: f64) -> Result<Self, autosurgeon::HydrateError> {
                Self::new(degrees).map_err(|error| {
                    autosurgeon::HydrateError::unexpected("a coordinate", error.to_string())
                })
            }
        }

        impl serde::Serialize for $type {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_f64(self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let degrees = <f64 as serde::Deserialize>::deserialize(deserializer)?;
                Self::new(degrees).map_err(|_| {
                    <D::Error as serde::de::Error>::invalid_value(
                        serde::de::Unexpected::Float(degrees),
                        &"a coordinate in range",
                    )
                })
            }
        }
    };
}
stored_as_number!(Latitude);
stored_as_number!(Longitude);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_coordinates_are_accepted() -> Result<(), GeoError> {
        let lyon = GeoPoint::parse("45.764, 4.8357")?;
        let paris = GeoPoint::new(48.8566, 2.3522)?;
        let distance = lyon.distance_metres(&paris);
        assert!((391_000.0..393_000.0).contains(&distance), "{distance}");
        GeoPoint::new(-21.1151, 55.5364)?; // La Réunion
        Ok(())
    }

    #[test]
    fn out_of_range_or_non_numeric_coordinates_are_refused() {
        assert_eq!(Latitude::new(90.5), Err(GeoError::LatitudeOutOfRange(90.5)));
        assert_eq!(
            Longitude::new(-181.0),
            Err(GeoError::LongitudeOutOfRange(-181.0))
        );
        assert!(Latitude::new(f64::NAN).is_err());
        assert_eq!(
            GeoPoint::parse("45,764 4,8357").err(),
            Some(GeoError::NotANumber)
        );
        assert_eq!(
            GeoPoint::parse("nord, sud").err(),
            Some(GeoError::NotANumber)
        );
    }
}
