//! Byte sizes in the policy: `5242880`, `"5MB"` (10^6) or `"5MiB"` (2^20).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A number of bytes, written with or without a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Size(pub u64);

const UNITS: [(&str, u64); 11] = [
    ("b", 1),
    ("kb", 1_000),
    ("mb", 1_000_000),
    ("gb", 1_000_000_000),
    ("tb", 1_000_000_000_000),
    ("kib", 1 << 10),
    ("mib", 1 << 20),
    ("gib", 1 << 30),
    ("tib", 1 << 40),
    ("k", 1 << 10),
    ("m", 1 << 20),
];

impl FromStr for Size {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        let split = trimmed.find(|c: char| !c.is_ascii_digit()).unwrap_or(trimmed.len());
        let (digits, unit) = trimmed.split_at(split);
        let unit = unit.trim().to_ascii_lowercase();
        let bad = || {
            format!(
                "invalid size `{s}`: write a whole number of bytes, or one with a unit such as \"5MB\" (10^6) or \"5MiB\" (2^20); units: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB"
            )
        };
        if digits.is_empty() {
            return Err(bad());
        }
        let multiplier = if unit.is_empty() {
            1
        } else {
            UNITS
                .iter()
                .find(|(u, _)| *u == unit)
                .map(|(_, m)| *m)
                .ok_or_else(bad)?
        };
        let number: u64 = digits.parse().map_err(|_| format!("size `{s}` is too large"))?;
        number
            .checked_mul(multiplier)
            .map(Size)
            .ok_or_else(|| format!("size `{s}` is too large (at most {} bytes)", u64::MAX))
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: [(&str, u64); 4] = [("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
        for (unit, m) in SHOWN {
            if self.0 >= m && self.0.is_multiple_of(m) {
                return write!(f, "{}{unit}", self.0 / m);
            }
        }
        for (unit, m) in [("GB", 1_000_000_000u64), ("MB", 1_000_000), ("KB", 1_000)] {
            if self.0 >= m && self.0.is_multiple_of(m) {
                return write!(f, "{}{unit}", self.0 / m);
            }
        }
        write!(f, "{}B", self.0)
    }
}

impl Serialize for Size {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Size {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Size;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a size: a whole number of bytes or a string like \"5MB\" or \"5MiB\"")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Size, E> {
                u64::try_from(v)
                    .map(Size)
                    .map_err(|_| E::custom(format!("invalid size {v}: a size cannot be negative")))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Size, E> {
                Ok(Size(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Size, E> {
                v.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units() {
        assert_eq!("5MB".parse(), Ok(Size(5_000_000)));
        assert_eq!("5MiB".parse(), Ok(Size(5 << 20)));
        assert_eq!("5 mib".parse(), Ok(Size(5 << 20)));
        assert_eq!("100".parse(), Ok(Size(100)));
        assert_eq!("1GiB".parse(), Ok(Size(1 << 30)));
        assert_eq!("7B".parse(), Ok(Size(7)));
    }

    #[test]
    fn rejects_nonsense_and_overflow() {
        for bad in [
            "",
            "MB",
            "5XB",
            "-5MB",
            "5.5MB",
            "99999999999999999999",
            "17179869184TiB",
        ] {
            assert!(bad.parse::<Size>().is_err(), "{bad}");
        }
    }

    #[test]
    fn displays_round_trip() {
        for s in [
            Size(5 << 20),
            Size(100 << 20),
            Size(1 << 30),
            Size(5_000_000),
            Size(123),
        ] {
            assert_eq!(s.to_string().parse::<Size>(), Ok(s));
        }
        assert_eq!(Size(5 << 20).to_string(), "5MiB");
    }
}
