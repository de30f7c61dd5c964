//! Exact wire encodings: OData literals, function-call segments, percent-encoding.
//!
//! Graph function parameters go inline into the path (`getPstnCalls(fromDateTime=..,toDateTime=..)`)
//! and `$filter` values into the query string; both must match what the service parses
//! (facts §2.6: unquoted ISO-8601 UTC literals, `+` sent as `%2B`, `:` may stay).

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

/// The OData `Edm.DateTimeOffset` literal of a UTC instant: ISO 8601 with `Z`, no quotes.
///
/// Whole seconds print without a fraction (`2026-11-01T00:00:00Z`); otherwise 7 fractional
/// digits (Graph's 100 ns resolution, `23:59:59.9999999Z`), or 9 when the instant has finer
/// precision, so the literal never rounds the caller's value.
pub fn datetime_literal(dt: &DateTime<Utc>) -> String {
    let nanos = dt.nanosecond() % 1_000_000_000;
    if nanos == 0 {
        dt.to_rfc3339_opts(SecondsFormat::Secs, true)
    } else if nanos % 100 == 0 {
        let base = dt.format("%Y-%m-%dT%H:%M:%S");
        format!("{base}.{:07}Z", nanos / 100)
    } else {
        dt.to_rfc3339_opts(SecondsFormat::Nanos, true)
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
            "2026-11-01T10:00:00.123456789Z"
        );
        // An offset input is normalised to UTC, so no `+` ever reaches the URL.
        assert_eq!(
            datetime_literal(&utc("2026-11-01T02:00:00+02:00")),
            "2026-11-01T00:00:00Z"
        );
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
