//! Exact wire encodings: OData literals, function-call segments, percent-encoding.
//!
//! Graph function parameters go inline into the path (`getPstnCalls(fromDateTime=..,toDateTime=..)`)
//! and `$filter` values into the query string; both must match what the service parses
//! (as the functions' Graph reference pages show them: unquoted ISO-8601 UTC literals, `+` sent as `%2B`, `:` may stay).

use chrono::{DateTime, SecondsFormat, Timelike, Utc};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Characters escaped in a path segment: everything except RFC 3986 unreserved
/// characters and `:`/`@` (legal `pchar`s that Graph's own URLs keep readable).
/// Sub-delimiters such as `+`, `(`, `)`, `,`, `=`, `'` are escaped because they carry
/// meaning in OData key and function-call syntax.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b':')
    .remove(b'@');

/// Characters escaped in a query-option value: everything except unreserved characters and the
/// OData punctuation that is unambiguous inside a value (`$ ' ( ) , : / * @`). `+`, `&`, `=`,
/// `;`, `#`, `%` and space are escaped, so form decoders read the value back unchanged.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'$')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b',')
    .remove(b':')
    .remove(b'/')
    .remove(b'*')
    .remove(b'@');

/// Percent-encodes one path segment (a key such as a call record id, or a parameter value).
pub fn path_segment(raw: &str) -> String {
    utf8_percent_encode(raw, PATH_SEGMENT).to_string()
}

/// Percent-encodes one query-option value (`startDateTime ge 2026-..` -> `startDateTime%20ge%202026-..`).
pub fn query_value(raw: &str) -> String {
    utf8_percent_encode(raw, QUERY_VALUE).to_string()
}

/// `dt` rounded down to Graph's 100 ns tick (timestamps carry at most 7 fractional digits).
pub fn tick_floor(dt: DateTime<Utc>) -> DateTime<Utc> {
    let n = dt.nanosecond();
    dt.with_nanosecond(n - n % 100).unwrap_or(dt)
}

/// `dt` rounded up to Graph's 100 ns tick; at the very end of chrono's range, where no later
/// tick exists, rounded down instead.
///
/// Rounding up is exact for an inclusive start (`>= from`) and an exclusive end (`< to`): the
/// ticks at or after an off-grid `from` are those at or after its ceiling.
pub fn tick_ceil(dt: DateTime<Utc>) -> DateTime<Utc> {
    let floor = tick_floor(dt);
    if floor == dt {
        return dt;
    }
    floor
        .checked_add_signed(chrono::Duration::nanoseconds(100))
        .unwrap_or(floor)
}

/// The OData `Edm.DateTimeOffset` literal of a UTC instant: ISO 8601 with `Z`, no quotes.
///
/// Whole seconds print without a fraction (`2026-11-01T00:00:00Z`); otherwise 7 fractional
/// digits (Graph's 100 ns resolution, `23:59:59.9999999Z`). Graph and the emulator reject more
/// digits, so an instant finer than 100 ns (`Utc::now()`) is rounded *up* to the tick
/// ([`tick_ceil`]): no row is lost whether the literal is a start or an end of a range, and
/// only an inclusive end can widen, by less than one tick. Callers that need the other
/// direction (`le`/`gt` filters) round down with [`tick_floor`] first.
pub fn datetime_literal(dt: &DateTime<Utc>) -> String {
    let dt = tick_ceil(*dt);
    let nanos = dt.nanosecond() % 1_000_000_000;
    if nanos == 0 {
        dt.to_rfc3339_opts(SecondsFormat::Secs, true)
    } else {
        let base = dt.format("%Y-%m-%dT%H:%M:%S");
        format!("{base}.{:07}Z", nanos / 100)
    }
}

/// An OData string literal: single-quoted, embedded `'` doubled (`O'Brien` -> `'O''Brien'`).
pub fn string_literal(raw: &str) -> String {
    format!("'{}'", raw.replace('\'', "''"))
}

/// A bound-function call segment: the namespace-qualified name and its parameters
/// (`microsoft.graph.callRecords.getPstnCalls(fromDateTime=..,toDateTime=..)`).
///
/// `params` are `(name, literal)` pairs; every literal is percent-encoded as a path segment.
pub fn function_segment(qualified_name: &str, params: &[(&str, String)]) -> String {
    let args: Vec<String> = params
        .iter()
        .map(|(name, literal)| format!("{name}={}", path_segment(literal)))
        .collect();
    format!("{qualified_name}({})", args.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_else(|e| panic!("bad test instant {s}: {e}"))
    }

    #[test]
    fn datetime_literals() {
        assert_eq!(
            datetime_literal(&Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()),
            "2026-11-01T00:00:00Z"
        );
        assert_eq!(
            datetime_literal(&utc("2026-11-01T23:59:59.9999999Z")),
            "2026-11-01T23:59:59.9999999Z"
        );
        assert_eq!(
            datetime_literal(&utc("2026-11-01T10:00:00.5Z")),
            "2026-11-01T10:00:00.5000000Z"
        );
        assert_eq!(
            datetime_literal(&utc("2026-11-01T10:00:00.123456789Z")),
            "2026-11-01T10:00:00.1234568Z"
        );
        // A tick boundary is written as is, a sub-tick remainder rounds up, even across a second.
        assert_eq!(
            datetime_literal(&utc("2026-11-01T10:00:00.123456700Z")),
            "2026-11-01T10:00:00.1234567Z"
        );
        assert_eq!(
            datetime_literal(&utc("2026-11-01T10:00:00.999999901Z")),
            "2026-11-01T10:00:01Z"
        );
        // `Utc::now()` often has nanosecond precision: never more than 7 digits.
        let now = datetime_literal(&Utc::now());
        let frac = now
            .split('.')
            .nth(1)
            .map_or(0, |f| f.trim_end_matches('Z').len());
        assert!(frac == 0 || frac == 7, "{now}");
        // An offset input is normalised to UTC, so no `+` ever reaches the URL.
        assert_eq!(
            datetime_literal(&utc("2026-11-01T02:00:00+02:00")),
            "2026-11-01T00:00:00Z"
        );
    }

    #[test]
    fn tick_rounding() {
        let off = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()
            + chrono::Duration::nanoseconds(123_456_789);
        assert_eq!(tick_floor(off).nanosecond(), 123_456_700);
        assert_eq!(tick_ceil(off).nanosecond(), 123_456_800);
        let on = tick_floor(off);
        assert_eq!(tick_ceil(on), on);
        assert_eq!(tick_floor(on), on);
        assert_eq!(tick_ceil(DateTime::<Utc>::MAX_UTC).nanosecond() % 100, 0);
    }

    #[test]
    fn segments_and_values() {
        assert_eq!(path_segment("+5564981205182"), "%2B5564981205182");
        assert_eq!(path_segment("a/b c'd"), "a%2Fb%20c%27d");
        assert_eq!(path_segment("2026-11-01T00:00:00Z"), "2026-11-01T00:00:00Z");
        assert_eq!(
            path_segment("2026-11-01T00:00:00+01:00"),
            "2026-11-01T00:00:00%2B01:00"
        );
        assert_eq!(
            query_value("startDateTime ge 2026-11-01T00:00:00Z"),
            "startDateTime%20ge%202026-11-01T00:00:00Z"
        );
        assert_eq!(query_value("a+b&c=d#e%"), "a%2Bb%26c%3Dd%23e%25");
        assert_eq!(
            query_value("participants_v2/any(p:p/id eq 'x')"),
            "participants_v2/any(p:p/id%20eq%20'x')"
        );
    }

    #[test]
    fn string_literals_double_quotes() {
        assert_eq!(string_literal("O'Brien"), "'O''Brien'");
        assert_eq!(string_literal(""), "''");
    }

    #[test]
    fn function_segments() {
        let seg = function_segment(
            "microsoft.graph.callRecords.getPstnCalls",
            &[
                ("fromDateTime", "2026-11-01T00:00:00Z".into()),
                ("toDateTime", "2026-11-02T00:00:00Z".into()),
            ],
        );
        assert_eq!(
            seg,
            "microsoft.graph.callRecords.getPstnCalls(fromDateTime=2026-11-01T00:00:00Z,toDateTime=2026-11-02T00:00:00Z)"
        );
    }
}
