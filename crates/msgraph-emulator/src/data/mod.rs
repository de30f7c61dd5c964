//! Deterministic data: every value is a pure function of the configuration and an index.
//!
//! Nothing is materialised: a page of rows or sessions is generated on demand
//! from its indices, so paging through 200,000 rows uses flat memory. The
//! functions here are public so tests can compute what a response must hold.

pub mod logs;
pub mod records;
pub mod users;

pub use logs::{
    count_log_rows, direct_routing_rows, log_row_json, log_row_range, log_row_start, log_rows,
    pstn_rows, LogKind,
};
pub use records::{
    participant_count, record_has_participant, record_id, record_index, record_participant_id,
    record_start, records_in_window, session_count,
};

/// API version of a request; beta adds properties and functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiVersion {
    /// `/v1.0`
    V1,
    /// `/beta`
    Beta,
}

impl ApiVersion {
    /// The path segment (`v1.0` or `beta`).
    pub fn segment(self) -> &'static str {
        match self {
            ApiVersion::V1 => "v1.0",
            ApiVersion::Beta => "beta",
        }
    }

    /// Parse a path segment.
    pub fn from_segment(s: &str) -> Option<Self> {
        match s {
            "v1.0" => Some(ApiVersion::V1),
            "beta" => Some(ApiVersion::Beta),
            _ => None,
        }
    }
}

/// Format a duration in milliseconds as an ISO 8601 duration (`PT0.016S`, `PT2M3.5S`).
pub fn iso_duration_ms(ms: u64) -> String {
    let minutes = ms / 60_000;
    let rest = ms % 60_000;
    let secs = rest / 1000;
    let frac = rest % 1000;
    let mut s = String::from("PT");
    if minutes > 0 {
        s.push_str(&format!("{minutes}M"));
    }
    if frac == 0 {
        if secs > 0 || minutes == 0 {
            s.push_str(&format!("{secs}S"));
        }
    } else {
        let f = format!("{frac:03}");
        s.push_str(&format!("{secs}.{}S", f.trim_end_matches('0')));
    }
    s
}

/// An `Edm.Single` written from hundredths, trimmed like Graph (`0.27`, `23`, `0`).
pub struct Single(pub i64);

impl std::fmt::Display for Single {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        match a % 100 {
            0 => write!(f, "{sign}{}", a / 100),
            r if r % 10 == 0 => write!(f, "{sign}{}.{}", a / 100, r / 10),
            r => write!(f, "{sign}{}.{r:02}", a / 100),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_singles() {
        assert_eq!(iso_duration_ms(16), "PT0.016S");
        assert_eq!(iso_duration_ms(474), "PT0.474S");
        assert_eq!(iso_duration_ms(1500), "PT1.5S");
        assert_eq!(iso_duration_ms(0), "PT0S");
        assert_eq!(iso_duration_ms(123_000), "PT2M3S");
        assert_eq!(Single(27).to_string(), "0.27");
        assert_eq!(Single(2300).to_string(), "23");
        assert_eq!(Single(10).to_string(), "0.1");
        assert_eq!(Single(0).to_string(), "0");
    }
}
