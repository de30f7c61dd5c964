//! Rows of the five log functions. Row `i` starts at `day0 + i * interval`.

use std::ops::Range;

use chrono::{DateTime, Utc};

use super::users::{pool, USER_POOL};
use super::ApiVersion;
use crate::config::EmulatorConfig;
use crate::ids::{self, tag, Uuid};
use crate::json::{push_u64, push_u64_padded, Cents, Obj, Opts};
use crate::time::{self, Nanos, Ts, MS, SEC};

/// The log functions bound to `Collection(callRecord)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogKind {
    /// `getPstnCalls` (v1.0 and beta), `to` inclusive, 90-day cap.
    PstnCalls,
    /// `getDirectRoutingCalls` (v1.0 and beta), `to` exclusive, no cap.
    DirectRoutingCalls,
    /// `getPstnBlockedUsersLog` (beta), `to` inclusive (undocumented), 90-day cap.
    PstnBlockedUsersLog,
    /// `getPstnOnlineMeetingDialoutReport` (beta), `to` inclusive (undocumented), 90-day cap.
    PstnOnlineMeetingDialoutReport,
    /// `getSmsLog` (beta), `to` inclusive, 90-day cap.
    SmsLog,
}

impl LogKind {
    /// All kinds.
    pub const ALL: [LogKind; 5] = [
        LogKind::PstnCalls,
        LogKind::DirectRoutingCalls,
        LogKind::PstnBlockedUsersLog,
        LogKind::PstnOnlineMeetingDialoutReport,
        LogKind::SmsLog,
    ];

    /// The function name without namespace.
    pub fn function_name(self) -> &'static str {
        match self {
            LogKind::PstnCalls => "getPstnCalls",
            LogKind::DirectRoutingCalls => "getDirectRoutingCalls",
            LogKind::PstnBlockedUsersLog => "getPstnBlockedUsersLog",
            LogKind::PstnOnlineMeetingDialoutReport => "getPstnOnlineMeetingDialoutReport",
            LogKind::SmsLog => "getSmsLog",
        }
    }

    /// Look up a function name (without namespace).
    pub fn from_function_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.function_name() == name)
    }

    /// The row type name in `microsoft.graph.callRecords`.
    pub fn row_type(self) -> &'static str {
        match self {
            LogKind::PstnCalls => "pstnCallLogRow",
            LogKind::DirectRoutingCalls => "directRoutingLogRow",
            LogKind::PstnBlockedUsersLog => "pstnBlockedUsersLogRow",
            LogKind::PstnOnlineMeetingDialoutReport => "pstnOnlineMeetingDialoutReport",
            LogKind::SmsLog => "smsLogRow",
        }
    }

    /// Whether the function exists only in beta.
    pub fn beta_only(self) -> bool {
        !matches!(self, LogKind::PstnCalls | LogKind::DirectRoutingCalls)
    }

    /// Whether `toDateTime` is inclusive (facts sheet §2.6).
    ///
    /// Only `getDirectRoutingCalls` is documented as exclusive. For
    /// `getPstnBlockedUsersLog` and `getPstnOnlineMeetingDialoutReport` the bound is
    /// undocumented; treat it as inclusive like `getSmsLog`, matching the SDK.
    pub fn to_inclusive(self) -> bool {
        !matches!(self, LogKind::DirectRoutingCalls)
    }

    /// Maximum range in days, if the service enforces one.
    pub fn max_days(self) -> Option<i64> {
        match self {
            LogKind::DirectRoutingCalls => None,
            _ => Some(90),
        }
    }

    fn number(self) -> u64 {
        self as u64
    }
}

fn interval(config: &EmulatorConfig) -> Nanos {
    // 64-bit division: this runs once per row and 128-bit division is slow.
    let per_day = u64::from(config.log_rows_per_day.max(1));
    Nanos::from((86_400_000 / per_day).max(1)) * MS
}

/// Start time of row `i` (the same for every kind).
pub fn log_row_start(config: &EmulatorConfig, i: u64) -> DateTime<Utc> {
    time::from_nanos(row_start_nanos(config, i))
}

fn row_start_nanos(config: &EmulatorConfig, i: u64) -> Nanos {
    time::to_nanos(config.day0) + Nanos::from(i) * interval(config)
}

fn ceil_div(a: Nanos, b: Nanos) -> Nanos {
    -((-a).div_euclid(b))
}

/// Indices of the rows a `[from, to)` (or `[from, to]` for inclusive kinds) window returns.
pub fn log_row_range(
    config: &EmulatorConfig,
    kind: LogKind,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Range<u64> {
    range_nanos(config, kind, time::to_nanos(from), time::to_nanos(to))
}

pub(crate) fn range_nanos(
    config: &EmulatorConfig,
    kind: LogKind,
    from: Nanos,
    to: Nanos,
) -> Range<u64> {
    let day0 = time::to_nanos(config.day0);
    let iv = interval(config);
    let clamp = |n: Nanos| u64::try_from(n.max(0)).unwrap_or(u64::MAX);
    let first = clamp(ceil_div(from - day0, iv));
    let end = if kind.to_inclusive() {
        clamp((to - day0).div_euclid(iv) + 1)
    } else {
        clamp(ceil_div(to - day0, iv))
    };
    first..end.max(first)
}

/// Number of rows a window returns.
pub fn count_log_rows(
    config: &EmulatorConfig,
    kind: LogKind,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> u64 {
    let r = log_row_range(config, kind, from, to);
    r.end - r.start
}

/// The JSON of row `i` exactly as served (default `Prefer` options).
pub fn log_row_json(config: &EmulatorConfig, kind: LogKind, version: ApiVersion, i: u64) -> String {
    let mut out = Vec::new();
    Obj::write(&mut out, Opts::default(), |o| {
        write_log_row(config, kind, version, i, o)
    });
    String::from_utf8(out).unwrap_or_default()
}

/// The rows of a window, lazily, as JSON strings.
pub fn log_rows(
    config: &EmulatorConfig,
    kind: LogKind,
    version: ApiVersion,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> impl Iterator<Item = String> + '_ {
    log_row_range(config, kind, from, to).map(move |i| log_row_json(config, kind, version, i))
}

/// `getPstnCalls` rows of a window (v1.0 shape), as JSON strings.
pub fn pstn_rows(
    config: &EmulatorConfig,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> impl Iterator<Item = String> + '_ {
    log_rows(config, LogKind::PstnCalls, ApiVersion::V1, from, to)
}

/// `getDirectRoutingCalls` rows of a window (v1.0 shape), as JSON strings.
pub fn direct_routing_rows(
    config: &EmulatorConfig,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> impl Iterator<Item = String> + '_ {
    log_rows(
        config,
        LogKind::DirectRoutingCalls,
        ApiVersion::V1,
        from,
        to,
    )
}

const COUNTRIES: &[&str] = &["US", "GB", "DE", "FR", "IN", "BR", "JP", "AU"];
const CURRENCIES: &[&str] = &["USD", "GBP", "EUR", "EUR", "INR", "BRL", "JPY", "AUD"];
const LOCATIONS: &[&str] = &["USWE", "USEA", "EUNO", "EUWE", "APSE", "JPEA"];
const DESTINATIONS: &[&str] = &[
    "United States",
    "United Kingdom",
    "Germany",
    "France",
    "India",
    "Brazil",
    "Japan",
    "Australia",
];

/// A masked phone number member: `+1` and 8 digits of `h`, then `***`.
fn masked(o: &mut Obj<'_>, k: &str, h: u64) {
    o.text_with(k, |b| {
        b.extend_from_slice(b"+1");
        push_u64_padded(b, h % 100_000_000, 8);
        b.extend_from_slice(b"***");
    });
}

/// A timestamp member.
fn ts_member(o: &mut Obj<'_>, k: &str, t: Ts) {
    o.text_with(k, |b| t.write_to(b));
}

/// A UUID member.
fn uuid_member(o: &mut Obj<'_>, k: &str, id: Uuid) {
    o.text_with(k, |b| b.extend_from_slice(id.as_str().as_bytes()));
}

/// An unsigned number written as a JSON string.
fn num_text(o: &mut Obj<'_>, k: &str, v: u64) {
    o.text_with(k, |b| push_u64(b, v));
}

/// Timestamps mostly with 3 fractional digits, sometimes 7, 0 when whole.
fn ts(n: Nanos, i: u64) -> Ts {
    if time::split(n).1 == 0 {
        Ts(n, 0)
    } else if i % 4 == 3 {
        Ts(n, 7)
    } else {
        Ts(n, 3)
    }
}

/// Write the members of row `i` of `kind`.
pub fn write_log_row(
    config: &EmulatorConfig,
    kind: LogKind,
    version: ApiVersion,
    i: u64,
    o: &mut Obj<'_>,
) {
    let seed = config.seed;
    let h = ids::hash(seed, tag::ROW + kind.number(), i, 0);
    let users = pool(seed);
    let uj = users.user_json(h % USER_POOL);
    let start = row_start_nanos(config, i);
    let beta = version == ApiVersion::Beta;
    let country = (h >> 12) as usize % COUNTRIES.len();
    let au = |o: &mut Obj<'_>| {
        o.arr("administrativeUnitInfos", |a| {
            if h % 5 == 0 {
                a.obj(|o| uuid_member(o, "id", Uuid::new(seed, tag::MISC, h % 7, 9)));
            }
        })
    };
    match kind {
        LogKind::PstnCalls => {
            let duration = (h >> 20) % 3600;
            let domestic = (h >> 30) % 3 != 0;
            uuid_member(o, "id", Uuid::new(seed, tag::ROW + kind.number(), i, 0));
            o.text_with("callId", |b| {
                push_u64(b, (h >> 8) % 2_000_000_000);
                b.push(b'_');
                push_u64(b, (h >> 40) % 200_000_000);
                b.extend_from_slice(b"@61.221.3.176");
            });
            o.json_str("userId", &uj.id);
            o.json_str("userPrincipalName", &uj.upn);
            o.json_str("userDisplayName", &uj.display_name);
            ts_member(o, "startDateTime", ts(start, i));
            ts_member(o, "endDateTime", ts(start + Nanos::from(duration) * SEC, i));
            o.uint("duration", duration);
            o.cents("charge", Cents(((h >> 24) % 500) as i64));
            o.str(
                "callType",
                ids::pick(
                    &["user_in", "user_out", "conf_out", "ucap_in", "ucap_out"],
                    h >> 33,
                ),
            );
            o.str("currency", CURRENCIES[country]);
            masked(o, "calleeNumber", h >> 3);
            o.str("usageCountryCode", COUNTRIES[country]);
            o.str("tenantCountryCode", "US");
            o.cents("connectionCharge", Cents(((h >> 44) % 3) as i64 * 31));
            o.json_str("callerNumber", &uj.phone);
            if (h >> 50) % 4 == 0 {
                o.null("destinationContext");
            } else {
                o.str(
                    "destinationContext",
                    if domestic {
                        "Domestic"
                    } else {
                        "International"
                    },
                );
            }
            o.str("destinationName", ids::pick(DESTINATIONS, h >> 15));
            if (h >> 52) % 3 == 0 {
                num_text(o, "conferenceId", (h >> 10) % 1_000_000_000);
            } else {
                o.null("conferenceId");
            }
            o.str("licenseCapability", "MCOPSTNU");
            o.str("inventoryType", "Subscriber");
            o.str("operator", "Microsoft");
            o.str(
                "callDurationSource",
                if (h >> 55) % 5 == 0 {
                    "operator"
                } else {
                    "microsoft"
                },
            );
            if beta {
                o.str(
                    "otherPartyCountryCode",
                    COUNTRIES[(h >> 18) as usize % COUNTRIES.len()],
                );
                au(o);
                o.text_with("clientLocalIpV4Address", |b| {
                    b.extend_from_slice(b"10.0.");
                    push_u64(b, (h >> 5) % 256);
                    b.push(b'.');
                    push_u64(b, (h >> 13) % 256);
                });
                o.null("clientLocalIpV6Address");
                o.text_with("clientPublicIpV4Address", |b| {
                    b.extend_from_slice(b"203.0.113.");
                    push_u64(b, (h >> 21) % 256);
                });
                o.null("clientPublicIpV6Address");
            }
        }
        LogKind::DirectRoutingCalls => {
            let success = h % 7 != 0;
            let duration = if success { (h >> 20) % 3600 } else { 0 };
            let sentinel = "0001-01-01T00:00:00Z";
            uuid_member(o, "id", Uuid::new(seed, tag::ROW + kind.number(), i, 0));
            uuid_member(
                o,
                "correlationId",
                Uuid::new(seed, tag::ROW2, i, kind.number()),
            );
            o.json_str("userId", &uj.id);
            o.json_str("userPrincipalName", &uj.upn);
            o.json_str("userDisplayName", &uj.display_name);
            ts_member(o, "startDateTime", ts(start, i));
            ts_member(o, "inviteDateTime", ts(start - 3_156 * MS, i));
            if success {
                o.str("failureDateTime", sentinel);
                ts_member(o, "endDateTime", ts(start + Nanos::from(duration) * SEC, i));
            } else {
                ts_member(o, "failureDateTime", ts(start + 2 * SEC, i));
                o.str("endDateTime", sentinel);
            }
            o.uint("duration", duration);
            o.str(
                "callType",
                ids::pick(
                    &[
                        "ByotIn",
                        "ByotOut",
                        "ByotOutUserForwarding",
                        "ByotInUserForwarding",
                    ],
                    h >> 33,
                ),
            );
            o.raw("successfulCall", success);
            masked(o, "callerNumber", h >> 3);
            masked(o, "calleeNumber", h >> 9);
            o.str("mediaPathLocation", ids::pick(LOCATIONS, h >> 27));
            o.str("signalingLocation", ids::pick(LOCATIONS, h >> 29));
            let (code, sub, phrase) = if success {
                (0, 540_000, "BYE")
            } else {
                ids::pick(
                    &[
                        (487, 487, "Request Terminated"),
                        (486, 486, "Busy Here"),
                        (404, 560_404, "Not Found"),
                    ],
                    h >> 35,
                )
            };
            o.raw("finalSipCode", code);
            o.raw("callEndSubReason", sub);
            o.str("finalSipCodePhrase", phrase);
            o.str(
                "trunkFullyQualifiedDomainName",
                ids::pick(
                    &[
                        "tll-audiocodes01.adatum.biz",
                        "sbc1.contoso.com",
                        "sbc2.contoso.com",
                    ],
                    h >> 37,
                ),
            );
            o.raw("mediaBypassEnabled", (h >> 39) % 2 == 0);
            if beta {
                o.opt_str(
                    "transferorCorrelationId",
                    ((h >> 41) % 10 == 0)
                        .then(|| ids::uuid(seed, tag::ROW2, i, 99))
                        .as_deref(),
                );
                o.str("userCountryCode", "US");
                o.str("otherPartyCountryCode", COUNTRIES[country]);
                au(o);
            }
        }
        LogKind::PstnBlockedUsersLog => {
            ts_member(o, "blockDateTime", ts(start, i));
            o.str(
                "blockReason",
                ids::pick(
                    &["High Overall Usage", "Tenant Requested", "Fraud Suspected"],
                    h >> 7,
                ),
            );
            uuid_member(
                o,
                "remediationId",
                Uuid::new(seed, tag::ROW2, i, kind.number()),
            );
            // Graph's own example capitalises the member; mix spellings on purpose.
            o.str(
                "userBlockMode",
                ids::pick(&["Blocked", "Unblocked", "blocked", "unblocked"], h >> 11),
            );
            o.json_str("userDisplayName", &uj.display_name);
            o.json_str("userId", &uj.id);
            o.json_str("userPrincipalName", &uj.upn);
            o.json_str("userTelephoneNumber", &uj.phone);
        }
        LogKind::PstnOnlineMeetingDialoutReport => {
            let calls = 1 + (h >> 8) % 40;
            o.str("currency", CURRENCIES[country]);
            o.str(
                "destinationContext",
                if (h >> 30) % 3 == 0 {
                    "International"
                } else {
                    "Domestic"
                },
            );
            o.cents("totalCallCharge", Cents((calls * ((h >> 16) % 97)) as i64));
            o.uint("totalCalls", calls);
            o.uint("totalCallSeconds", calls * ((h >> 24) % 600));
            o.str("usageLocation", COUNTRIES[country]);
            o.json_str("userDisplayName", &uj.display_name);
            o.json_str("userId", &uj.id);
            o.json_str("userPrincipalName", &uj.upn);
        }
        LogKind::SmsLog => {
            uuid_member(o, "id", Uuid::new(seed, tag::ROW + kind.number(), i, 0));
            o.cents("callCharge", Cents(((h >> 24) % 20) as i64));
            o.str("currency", CURRENCIES[country]);
            o.str(
                "destinationContext",
                if (h >> 30) % 3 == 0 {
                    "International"
                } else {
                    "Domestic"
                },
            );
            o.str("destinationName", ids::pick(DESTINATIONS, h >> 15));
            masked(o, "destinationNumber", h >> 3);
            o.str("licenseCapability", "MCOSMS1");
            o.str(
                "otherPartyCountryCode",
                COUNTRIES[(h >> 18) as usize % COUNTRIES.len()],
            );
            ts_member(o, "sentDateTime", ts(start, i));
            num_text(o, "smsId", (h >> 8) % 10_000_000_000);
            o.str("smsType", if h % 2 == 0 { "sms_in" } else { "sms_out" });
            o.uint("smsUnits", 1 + (h >> 40) % 3);
            o.json_str("sourceNumber", &uj.phone);
            o.str("tenantCountryCode", "US");
            o.str("userCountryCode", COUNTRIES[country]);
            o.json_str("userDisplayName", &uj.display_name);
            o.json_str("userId", &uj.id);
            o.json_str("userPrincipalName", &uj.upn);
            au(o);
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

    #[test]
    fn windows_follow_inclusive_and_exclusive_rules() {
        let c = EmulatorConfig::default();
        // 2000 rows/day: a row starts exactly at midnight of day 2.
        assert_eq!(
            count_log_rows(&c, LogKind::DirectRoutingCalls, day(1), day(2)),
            2000
        );
        assert_eq!(count_log_rows(&c, LogKind::PstnCalls, day(1), day(2)), 2001);
        assert_eq!(count_log_rows(&c, LogKind::SmsLog, day(1), day(1)), 1);
        // Undocumented bounds: inclusive, like the SDK and getSmsLog.
        for kind in [
            LogKind::PstnBlockedUsersLog,
            LogKind::PstnOnlineMeetingDialoutReport,
        ] {
            assert_eq!(count_log_rows(&c, kind, day(1), day(1)), 1, "{kind:?}");
            assert_eq!(count_log_rows(&c, kind, day(1), day(2)), 2001, "{kind:?}");
        }
        assert_eq!(
            count_log_rows(&c, LogKind::DirectRoutingCalls, day(1), day(1)),
            0
        );
        let before = Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap();
        assert_eq!(
            count_log_rows(&c, LogKind::DirectRoutingCalls, before, day(1)),
            0
        );
        assert_eq!(
            log_row_range(&c, LogKind::PstnCalls, day(2), day(3)),
            2000..4001
        );
        let r = log_row_range(
            &c,
            LogKind::PstnCalls,
            day(1) + chrono::Duration::milliseconds(1),
            day(2),
        );
        assert_eq!(r.start, 1);
    }

    #[test]
    fn rows_are_json_and_start_inside_window() {
        let c = EmulatorConfig::default();
        for kind in LogKind::ALL {
            for v in [ApiVersion::V1, ApiVersion::Beta] {
                for i in [0u64, 1, 3, 7, 1999] {
                    let row: serde_json::Value =
                        serde_json::from_str(&log_row_json(&c, kind, v, i)).unwrap();
                    assert!(row.is_object());
                }
            }
        }
        let row: serde_json::Value =
            serde_json::from_str(&log_row_json(&c, LogKind::PstnCalls, ApiVersion::V1, 3)).unwrap();
        assert_eq!(row["startDateTime"], "2026-11-01T00:02:09.6000000Z");
    }
}
