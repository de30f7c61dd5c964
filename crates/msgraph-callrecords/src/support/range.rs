//! Date ranges of the log functions: validation against the documented limits and splitting a
//! long range into windows the API accepts, without gaps or overlaps.

use chrono::{DateTime, Duration, Utc};

use super::encode::{datetime_literal, tick_ceil, tick_floor};
use msgraph_runtime::ArgumentError;

/// Whether a log function's `toDateTime` is included in the range (the Graph reference pages of
/// the functions: inclusive for getPstnCalls and getSmsLog, exclusive for getDirectRoutingCalls).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndBound {
    /// Rows at exactly `toDateTime` are returned.
    Inclusive,
    /// Rows at exactly `toDateTime` are not returned.
    Exclusive,
}

/// The documented date-range rules of one log function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RangeRules {
    /// Operation name used in error messages (`getPstnCalls`).
    pub operation: &'static str,
    /// Longest accepted range in days (`to - from`), `None` when not documented.
    pub max_days: Option<i64>,
    /// Whether `toDateTime` is inclusive.
    pub end: EndBound,
}

/// Graph timestamps have 100 ns resolution (7 fractional digits), so the last instant before
/// `t` that a row can carry is `t - 100 ns`.
pub const TICK: Duration = Duration::nanoseconds(100);

impl RangeRules {
    /// The longest accepted range, if documented.
    pub fn max_range(&self) -> Option<Duration> {
        self.max_days.map(Duration::days)
    }

    /// Checks `from < to` and `to - from <= max`; the error names the operation and values.
    ///
    /// Both bounds are first rounded up to the 100 ns tick, as [`datetime_literal`] sends them,
    /// so the check applies to the range actually requested.
    pub fn check(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<(), ArgumentError> {
        let (from, to) = (tick_ceil(from), tick_ceil(to));
        if from >= to {
            return Err(ArgumentError::new(
                self.operation,
                format!(
                    "fromDateTime {} is not before toDateTime {} (the range is empty or reversed)",
                    datetime_literal(&from),
                    datetime_literal(&to)
                ),
            ));
        }
        if let Some(max) = self.max_range() {
            if to - from > max {
                return Err(ArgumentError::new(
                    self.operation,
                    format!(
                        "the range fromDateTime {} .. toDateTime {} is longer than the documented maximum of {} days; use the windowed variant",
                        datetime_literal(&from),
                        datetime_literal(&to),
                        max.num_days()
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// A `[from, to]` (or `[from, to)`) range of instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    /// Start, always inclusive.
    pub from: DateTime<Utc>,
    /// End, inclusive or exclusive depending on the function.
    pub to: DateTime<Utc>,
}

impl DateRange {
    /// The range `from..to`.
    pub fn new(from: DateTime<Utc>, to: DateTime<Utc>) -> Self {
        Self { from, to }
    }

    /// Splits the range into consecutive windows of at most `window` each, in order.
    ///
    /// With [`EndBound::Exclusive`] windows share their boundary (`[a, b)`, `[b, c)`); with
    /// [`EndBound::Inclusive`] a window ends one tick (100 ns) before the next one starts
    /// (`[a, b - 100ns]`, `[b, c - 100ns]`), and the last one ends at `to`. Every instant of the
    /// range is in exactly one window, so paging each window yields every row once.
    ///
    /// Bounds finer than 100 ns are first rounded up to the tick (as [`datetime_literal`] sends
    /// them: exact for the start and an exclusive end, at most one tick wider for an inclusive
    /// end) and `window` is rounded down to a whole number of ticks, so every window bound lies
    /// on Graph's 100 ns grid and no tick falls between or into two windows.
    ///
    /// Errors: an empty or reversed range, or a `window` shorter than one second.
    pub fn windows(
        &self,
        operation: &str,
        window: Duration,
        end: EndBound,
    ) -> Result<Vec<DateRange>, ArgumentError> {
        let (from, to) = (tick_ceil(self.from), tick_ceil(self.to));
        if from >= to {
            return Err(ArgumentError::new(
                operation,
                format!(
                    "fromDateTime {} is not before toDateTime {}",
                    datetime_literal(&from),
                    datetime_literal(&to)
                ),
            ));
        }
        if window < Duration::seconds(1) {
            return Err(ArgumentError::new(
                operation,
                format!("window {window} is shorter than one second"),
            ));
        }
        // Whole ticks only, so `start + window` stays on the grid (1 s is a whole number).
        let window = window - Duration::nanoseconds(window.subsec_nanos().rem_euclid(100).into());
        let mut out = Vec::new();
        let mut start = from;
        loop {
            let next = start.checked_add_signed(window).map_or(to, tick_floor);
            if next >= to {
                out.push(DateRange::new(start, to));
                return Ok(out);
            }
            let window_end = match end {
                EndBound::Exclusive => next,
                EndBound::Inclusive => next - TICK,
            };
            out.push(DateRange::new(start, window_end));
            start = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, 0, 0, 0).unwrap()
    }

    const PSTN: RangeRules = RangeRules {
        operation: "getPstnCalls",
        max_days: Some(90),
        end: EndBound::Inclusive,
    };

    #[test]
    fn check_rejects_reversed_empty_and_long() {
        let e = PSTN.check(day(2), day(1)).expect_err("reversed");
        assert_eq!(
            e.to_string(),
            "getPstnCalls: fromDateTime 2026-11-02T00:00:00Z is not before toDateTime 2026-11-01T00:00:00Z (the range is empty or reversed)"
        );
        assert!(PSTN.check(day(1), day(1)).is_err());
        assert!(PSTN.check(day(1), day(1) + Duration::days(90)).is_ok());
        let e = PSTN
            .check(day(1), day(1) + Duration::days(90) + TICK)
            .expect_err("too long");
        assert!(e.to_string().contains("maximum of 90 days"), "{e}");
        let unlimited = RangeRules {
            operation: "getDirectRoutingCalls",
            max_days: None,
            end: EndBound::Exclusive,
        };
        assert!(unlimited
            .check(day(1), day(1) + Duration::days(400))
            .is_ok());
    }

    #[test]
    fn inclusive_windows_end_one_tick_early() {
        let w = DateRange::new(day(1), day(4))
            .windows("x", Duration::days(1), EndBound::Inclusive)
            .expect("valid");
        assert_eq!(w.len(), 3);
        assert_eq!(w[0], DateRange::new(day(1), day(2) - TICK));
        assert_eq!(w[1], DateRange::new(day(2), day(3) - TICK));
        assert_eq!(w[2], DateRange::new(day(3), day(4)));
        assert_eq!(datetime_literal(&w[0].to), "2026-11-01T23:59:59.9999999Z");
    }

    #[test]
    fn exclusive_windows_share_boundaries() {
        let w = DateRange::new(day(1), day(3) + Duration::hours(12))
            .windows("x", Duration::days(1), EndBound::Exclusive)
            .expect("valid");
        assert_eq!(
            w,
            vec![
                DateRange::new(day(1), day(2)),
                DateRange::new(day(2), day(3)),
                DateRange::new(day(3), day(3) + Duration::hours(12)),
            ]
        );
    }

    fn on_grid(t: DateTime<Utc>) -> bool {
        t.timestamp_subsec_nanos() % 100 == 0
    }

    #[test]
    fn off_grid_bounds_give_gap_free_tick_windows() {
        let from = day(1) + Duration::nanoseconds(123_456_789);
        let to = day(1) + Duration::seconds(5) + Duration::nanoseconds(987_654_321);
        let window = Duration::seconds(1) + Duration::nanoseconds(55);
        for end in [EndBound::Inclusive, EndBound::Exclusive] {
            let w = DateRange::new(from, to)
                .windows("x", window, end)
                .expect("valid");
            assert_eq!(w.len(), 6, "{end:?}");
            // Starts at the first tick at or after `from`, ends at `to` rounded up.
            assert_eq!(w[0].from, day(1) + Duration::nanoseconds(123_456_800));
            assert_eq!(
                w[5].to,
                day(1) + Duration::seconds(5) + Duration::nanoseconds(987_654_400)
            );
            for (i, r) in w.iter().enumerate() {
                assert!(
                    on_grid(r.from) && on_grid(r.to),
                    "{end:?} window {i}: {r:?}"
                );
                for t in [&r.from, &r.to] {
                    let lit = datetime_literal(t);
                    let digits = lit.split('.').nth(1).map_or(0, |f| f.len() - 1);
                    assert!(digits <= 7, "{lit}");
                }
            }
            // Consecutive windows leave no tick uncovered and cover none twice.
            for pair in w.windows(2) {
                let expected_next = match end {
                    EndBound::Inclusive => pair[0].to + TICK,
                    EndBound::Exclusive => pair[0].to,
                };
                assert_eq!(pair[1].from, expected_next, "{end:?}: {pair:?}");
                assert!(pair[0].from < pair[0].to);
            }
        }
        // Bounds within one tick of each other are one empty tick range: an error.
        let near = DateRange::new(
            day(1) + Duration::nanoseconds(10),
            day(1) + Duration::nanoseconds(60),
        );
        assert!(near
            .windows("x", Duration::days(1), EndBound::Exclusive)
            .is_err());
        assert!(PSTN
            .check(
                day(1) + Duration::nanoseconds(10),
                day(1) + Duration::nanoseconds(60)
            )
            .is_err());
    }

    #[test]
    fn short_range_is_one_window_and_bad_input_is_an_error() {
        let w = DateRange::new(day(1), day(2))
            .windows("x", Duration::days(90), EndBound::Inclusive)
            .expect("valid");
        assert_eq!(w, vec![DateRange::new(day(1), day(2))]);
        assert!(DateRange::new(day(2), day(1))
            .windows("x", Duration::days(1), EndBound::Inclusive)
            .is_err());
        assert!(DateRange::new(day(1), day(2))
            .windows("x", Duration::milliseconds(10), EndBound::Inclusive)
            .is_err());
    }
}
