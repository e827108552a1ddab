//! Points in time as seconds since the Unix epoch, with RFC 3339 in and out.

use core::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Seconds since 1970-01-01T00:00:00Z (negative before). Every entry point takes one
/// explicitly so results are reproducible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Timestamp(pub i64);

/// Seconds in a day.
pub const DAY: i64 = 86_400;

impl Timestamp {
    /// The current system time.
    pub fn now() -> Timestamp {
        Timestamp(OffsetDateTime::now_utc().unix_timestamp())
    }

    /// Parses RFC 3339 (`2026-01-31T12:00:00Z`, offsets allowed).
    pub fn parse_rfc3339(s: &str) -> Result<Timestamp, String> {
        OffsetDateTime::parse(s.trim(), &Rfc3339)
            .map(|t| Timestamp(t.unix_timestamp()))
            .map_err(|e| format!("`{s}` is not an RFC 3339 time such as 2026-01-31T12:00:00Z: {e}"))
    }

    /// RFC 3339 in UTC, e.g. `2026-01-31T12:00:00Z`.
    pub fn to_rfc3339(self) -> String {
        OffsetDateTime::from_unix_timestamp(self.0)
            .ok()
            .and_then(|t| t.format(&Rfc3339).ok())
            .unwrap_or_else(|| format!("@{}", self.0))
    }

    /// The date part only, e.g. `2026-01-31`, for messages.
    pub fn date(self) -> String {
        let s = self.to_rfc3339();
        s.split('T').next().unwrap_or(&s).to_owned()
    }

    /// Seconds since the epoch, clamped at zero, for APIs that take unsigned time.
    pub fn unix_seconds_u64(self) -> u64 {
        u64::try_from(self.0).unwrap_or(0)
    }

    pub(crate) fn from_x509(t: x509_cert::time::Time) -> Timestamp {
        Timestamp(i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

/// Whole days in a span of seconds, rounded down.
pub fn whole_days(seconds: i64) -> i64 {
    seconds.div_euclid(DAY)
}

/// The validation times over which a result is the same as at the time it was computed:
/// every check that compares the validation time with something narrows it. The
/// validator reuses a cached analysis only for times inside its window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    /// First time (inclusive).
    pub(crate) lo: i64,
    /// Last time (inclusive).
    pub(crate) hi: i64,
}

impl Window {
    /// Every time.
    pub(crate) const ALWAYS: Window = Window {
        lo: i64::MIN,
        hi: i64::MAX,
    };

    /// No time at all: a result that must not be kept or reused (the input held private
    /// key material, which the caches must never retain). Narrowing keeps it empty.
    pub(crate) const NEVER: Window = Window {
        lo: i64::MAX,
        hi: i64::MIN,
    };

    pub(crate) fn contains(&self, at: Timestamp) -> bool {
        self.lo <= at.0 && at.0 <= self.hi
    }

    /// Records that a result depended on whether `at >= boundary`.
    pub(crate) fn split_at(&mut self, at: Timestamp, boundary: i64) {
        if at.0 >= boundary {
            self.lo = self.lo.max(boundary);
        } else {
            self.hi = self.hi.min(boundary - 1);
        }
    }

    /// Keeps only the times both windows hold for (a result built from two parts holds
    /// where both do).
    pub(crate) fn narrow_to(&mut self, other: Window) {
        self.lo = self.lo.max(other.lo);
        self.hi = self.hi.min(other.hi);
    }

    /// Records that a result depended on the exact time.
    pub(crate) fn pin(&mut self, at: Timestamp) {
        self.lo = self.lo.max(at.0);
        self.hi = self.hi.min(at.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trip_and_offsets() {
        let t = Timestamp::parse_rfc3339("2026-01-31T12:00:00Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-01-31T12:00:00Z");
        let with_offset = Timestamp::parse_rfc3339("2026-01-31T14:00:00+02:00").unwrap();
        assert_eq!(with_offset, t);
        assert!(Timestamp::parse_rfc3339("yesterday").is_err());
        assert_eq!(t.date(), "2026-01-31");
    }

    #[test]
    fn windows_narrow_to_where_the_outcome_holds() {
        let mut w = Window::ALWAYS;
        w.split_at(Timestamp(100), 50);
        w.split_at(Timestamp(100), 200);
        assert_eq!((w.lo, w.hi), (50, 199));
        assert!(w.contains(Timestamp(50)) && w.contains(Timestamp(199)));
        assert!(!w.contains(Timestamp(49)) && !w.contains(Timestamp(200)));

        let mut other = Window::ALWAYS;
        other.split_at(Timestamp(100), 120);
        let mut both = w;
        both.narrow_to(other);
        assert_eq!((both.lo, both.hi), (50, 119));

        let at = Timestamp(150);
        w.pin(at);
        assert_eq!((w.lo, w.hi), (150, 150));
    }
}
