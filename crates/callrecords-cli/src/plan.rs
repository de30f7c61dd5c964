//! From arguments to a checked export plan: the operation, its documented
//! limits, and the request windows that cover `[from, to)` exactly once.

use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};

use crate::args::{CloudArg, ExportArgs, Format, Include, Kind};
use crate::columns::columns;
use crate::dates::show_span;
use crate::error::CliError;

/// Graph timestamps have 100 ns resolution: the last instant before `t` a row
/// can carry is `t - 100 ns`.
pub const TICK: Duration = Duration::nanoseconds(100);

/// How the service reads `toDateTime`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndBound {
    /// Rows at exactly `toDateTime` are returned.
    Inclusive,
    /// Rows at exactly `toDateTime` are not returned.
    Exclusive,
}

/// The documented rules of the operation behind a kind, as its Graph reference page
/// documents them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// Name for messages (`getPstnCalls`, `list callRecords`).
    pub name: &'static str,
    /// Longest `to - from` of one request, when documented.
    pub max_request: Option<Duration>,
    /// Longest range worth asking for at all (call records are kept 30 days).
    pub max_total: Option<Duration>,
    /// `toDateTime` semantics.
    pub end: EndBound,
    /// Default window when the range is split and no `--window` is given.
    pub default_window: Duration,
}

impl Operation {
    /// The operation of `kind`.
    pub fn of(kind: Kind) -> Operation {
        let log = |name, max: Option<i64>, end| Operation {
            name,
            max_request: max.map(Duration::days),
            max_total: None,
            end,
            default_window: Duration::days(max.unwrap_or(30)),
        };
        match kind {
            Kind::Pstn => log("getPstnCalls", Some(90), EndBound::Inclusive),
            // No documented maximum: windows of 30 days keep each request modest.
            Kind::DirectRouting => log("getDirectRoutingCalls", None, EndBound::Exclusive),
            // `toDateTime` semantics not documented: treated as inclusive, as the SDK
            // does, so windows never overlap (a row can only be lost if it starts in
            // the last 100 ns of a window and the service reads the end as exclusive).
            Kind::BlockedUsers => log("getPstnBlockedUsersLog", Some(90), EndBound::Inclusive),
            Kind::DialoutReport => log(
                "getPstnOnlineMeetingDialoutReport",
                Some(90),
                EndBound::Inclusive,
            ),
            Kind::Sms => log("getSmsLog", Some(90), EndBound::Inclusive),
            Kind::CallRecords | Kind::Sessions => Operation {
                name: "list callRecords",
                max_request: None,
                max_total: Some(Duration::days(30)),
                end: EndBound::Exclusive,
                default_window: Duration::days(1),
            },
        }
    }
}

/// One request window as sent to the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// `fromDateTime` (inclusive).
    pub from: DateTime<Utc>,
    /// `toDateTime`, inclusive or exclusive per [`Operation::end`].
    pub to: DateTime<Utc>,
}

/// A checked export.
#[derive(Debug, Clone)]
pub struct Plan {
    /// What to export.
    pub kind: Kind,
    /// The operation and its rules.
    pub operation: Operation,
    /// Whether the beta API is used.
    pub beta: bool,
    /// Output format.
    pub format: Format,
    /// Output file; `None` = stdout.
    pub output: Option<PathBuf>,
    /// Range start (inclusive).
    pub from: DateTime<Utc>,
    /// Range end (exclusive).
    pub to: DateTime<Utc>,
    /// Windows covering `[from, to)` once each, in order.
    pub windows: Vec<Window>,
    /// Window length used.
    pub window: Duration,
    /// Expansions of call records.
    pub include_sessions: bool,
    /// `participants_v2` of call records.
    pub include_participants: bool,
    /// `Prefer: odata.maxpagesize`.
    pub page_size: Option<u32>,
    /// CSV columns.
    pub columns: Vec<String>,
}

impl Plan {
    /// Check the arguments and compute the windows.
    pub fn new(args: &ExportArgs) -> Result<Plan, CliError> {
        let kind = args.kind;
        let op = Operation::of(kind);
        let (from, to) = (args.from.at, args.to.at);
        if from >= to {
            return Err(CliError::validation(format!(
                "--from {} is not before --to {}",
                lit(from),
                lit(to)
            ))
            .hint("--to is the exclusive end of the range, e.g. --from 2026-11-01 --to 2026-11-02 for one day"));
        }
        check_bounds(from, to, Utc::now())?;
        if args.cloud == CloudArg::China && !args.emulator {
            return Err(CliError::validation(
                "call records and the PSTN / Direct Routing / SMS logs are not available in the China (21Vianet) cloud",
            )
            .hint("use --cloud global, usgov or dod"));
        }
        let range = to - from;
        if let Some(max) = op.max_total {
            if range > max {
                return Err(CliError::validation(format!(
                    "the range is {} long, but call records are kept for {} only ({})",
                    show_span(range),
                    show_span(max),
                    op.name
                ))
                .hint("export at most 30 days, e.g. --from now-30d --to now"));
            }
        }
        let window = if args.no_split {
            if let Some(max) = op.max_request {
                if range > max {
                    return Err(CliError::validation(format!(
                        "the range is {} long, but {} accepts at most {} per request",
                        show_span(range),
                        op.name,
                        show_span(max)
                    ))
                    .hint("drop --no-split to export the range in windows, or shorten it"));
                }
            }
            range
        } else {
            let w = args.window.unwrap_or(op.default_window);
            if let Some(max) = op.max_request {
                if w > max {
                    return Err(CliError::validation(format!(
                        "--window {} is longer than {} accepts per request ({})",
                        show_span(w),
                        op.name,
                        show_span(max)
                    ))
                    .hint(format!("use --window {} or less", show_span(max))));
                }
            }
            w
        };
        let count = window_count(range, window);
        if count > MAX_WINDOWS {
            return Err(CliError::validation(format!(
                "--window {} splits the {} range into {count} requests, more than {MAX_WINDOWS}",
                show_span(window),
                show_span(range)
            ))
            .hint("use a longer --window, or a shorter range"));
        }
        if count > u128::from(args.max_windows) {
            return Err(CliError::validation(format!(
                "--window {} splits the {} range into {count} requests, more than --max-windows {}: \
                 a range that long is usually a mistyped date or --window, and every request can write rows",
                show_span(window),
                show_span(range),
                args.max_windows
            ))
            .hint(format!(
                "check --from/--to and --window; if the range is meant, pass --max-windows {count}"
            )));
        }
        if !args.include.is_empty() && kind != Kind::CallRecords {
            return Err(CliError::validation(format!(
                "--include only applies to call-records, not to {}",
                kind.cli_name()
            ))
            .hint("use the sessions kind for one row per session"));
        }
        let output = match args.output.as_str() {
            "-" => None,
            "" => {
                return Err(CliError::validation("--output is empty")
                    .hint("give a file name, or - for stdout"))
            }
            p => Some(PathBuf::from(p)),
        };
        if args.resume && output.is_none() {
            return Err(
                CliError::validation("--resume needs an output file, not stdout")
                    .hint("pass --output FILE (the checkpoint is FILE.checkpoint.json)"),
            );
        }
        if args.page_size == Some(0) {
            return Err(CliError::validation("--page-size must be at least 1").hint(
                "leave --page-size out for the service's default, or give a number such as 1000",
            ));
        }
        // Call records and sessions have the same shape in beta: v1.0 always.
        let beta =
            (args.beta && !matches!(kind, Kind::CallRecords | Kind::Sessions)) || kind.beta_only();
        Ok(Plan {
            kind,
            operation: op,
            beta,
            format: args.format,
            output,
            from,
            to,
            windows: windows(from, to, window, op.end),
            window,
            include_sessions: args.include.contains(&Include::Sessions),
            include_participants: args.include.contains(&Include::Participants),
            page_size: args.page_size,
            columns: columns(kind, beta),
        })
    }

    /// What must match for `--resume` to continue this export.
    pub fn fingerprint(&self) -> String {
        format!(
            "{}|beta={}|{}|{}..{}|window={}s|sessions={}|participants={}|page={:?}",
            self.kind.cli_name(),
            self.beta,
            self.format.cli_name(),
            lit(self.from),
            lit(self.to),
            self.window.num_seconds(),
            self.include_sessions,
            self.include_participants,
            self.page_size
        )
    }
}

/// No call-records data is older than Microsoft Teams (generally available
/// in March 2017): a range starting before this is a mistyped date.
pub fn earliest_data() -> DateTime<Utc> {
    DateTime::from_timestamp(1_483_228_800, 0).unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
    // 2017-01-01
}

/// How far past now `--to` may be: a day, so "up to tomorrow" exports all of
/// today (and a clock a little ahead does not matter).
pub const FUTURE_SLACK: Duration = Duration::days(1);

/// Refuse a range no data can be in: starting before [`earliest_data`] or
/// ending more than [`FUTURE_SLACK`] after `now`. Graph documents no
/// retention for the logs, so this is the only bound on how much one
/// export writes.
pub fn check_bounds(
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), CliError> {
    let earliest = earliest_data();
    if from < earliest {
        return Err(CliError::validation(format!(
            "--from {} is before any call data can exist (Microsoft Teams call records start in 2017)",
            lit(from)
        ))
        .hint(format!(
            "start the range on or after {}, e.g. --from now-90d",
            earliest.date_naive()
        )));
    }
    if to > now + FUTURE_SLACK {
        return Err(CliError::validation(format!(
            "--to {} is in the future (now is {}): no calls can be there yet",
            lit(to),
            lit(now)
        ))
        .hint("end the range at now, or at tomorrow's date for all of today"));
    }
    Ok(())
}

/// Most windows one export may be split into: more is a mistake (`--window 1s`
/// over months) and would only exhaust memory building the list.
pub const MAX_WINDOWS: u128 = 100_000;

/// How many windows of `len` cover `range` (both positive).
fn window_count(range: Duration, len: Duration) -> u128 {
    let nanos = |d: Duration| {
        u128::try_from(i128::from(d.num_seconds()) * 1_000_000_000 + i128::from(d.subsec_nanos()))
            .unwrap_or(0)
    };
    let (r, w) = (nanos(range), nanos(len).max(1));
    r.div_ceil(w)
}

/// Split `[from, to)` into windows of at most `len`. With an inclusive end
/// each window ends one tick before the next begins (and the last one tick
/// before `to`), so every instant is in exactly one window.
pub fn windows(
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    len: Duration,
    end: EndBound,
) -> Vec<Window> {
    let mut out = Vec::new();
    let mut start = from;
    while start < to {
        let next = start.checked_add_signed(len).map_or(to, |n| n.min(to));
        let window_to = match end {
            EndBound::Exclusive => next,
            EndBound::Inclusive => next - TICK,
        };
        out.push(Window {
            from: start,
            to: window_to,
        });
        start = next;
    }
    out
}

/// The OData literal of an instant (`2026-11-01T00:00:00Z`, up to 7 fraction digits).
pub fn lit(t: DateTime<Utc>) -> String {
    msgraph_odata::DateTimeOffset::from(t).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, 0, 0, 0).unwrap()
    }

    #[test]
    fn inclusive_windows_stop_one_tick_early() {
        let w = windows(day(1), day(4), Duration::days(2), EndBound::Inclusive);
        assert_eq!(w.len(), 2);
        assert_eq!(lit(w[0].to), "2026-11-02T23:59:59.9999999Z");
        assert_eq!(w[1].from, day(3));
        assert_eq!(lit(w[1].to), "2026-11-03T23:59:59.9999999Z");
    }

    #[test]
    fn operation_rules_agree_with_the_sdk() {
        use msgraph_callrecords::support::{EndBound as SdkEnd, RangeRules};
        let sdk: [(Kind, RangeRules); 5] = [
            (
                Kind::Pstn,
                msgraph_callrecords::v1::GetPstnCallsRequest::RULES,
            ),
            (
                Kind::DirectRouting,
                msgraph_callrecords::v1::GetDirectRoutingCallsRequest::RULES,
            ),
            (
                Kind::Sms,
                msgraph_callrecords::beta::GetSmsLogRequest::RULES,
            ),
            (
                Kind::BlockedUsers,
                msgraph_callrecords::beta::GetPstnBlockedUsersLogRequest::RULES,
            ),
            (
                Kind::DialoutReport,
                msgraph_callrecords::beta::GetPstnOnlineMeetingDialoutReportRequest::RULES,
            ),
        ];
        for (kind, rules) in sdk {
            let op = Operation::of(kind);
            assert_eq!(op.name, rules.operation, "{kind:?}");
            assert_eq!(op.max_request, rules.max_range(), "{kind:?}");
            let end = match rules.end {
                SdkEnd::Inclusive => EndBound::Inclusive,
                SdkEnd::Exclusive => EndBound::Exclusive,
            };
            assert_eq!(op.end, end, "{kind:?}");
        }
    }

    #[test]
    fn too_many_windows_is_a_validation_error() {
        use crate::{Cli, Command};
        use clap::Parser;
        let parse = |window: &str| {
            let argv = [
                "callrecords",
                "export",
                "pstn",
                "--emulator",
                "--from",
                "2026-01-01",
                "--to",
                "2026-03-01",
                "--window",
                window,
                "--max-windows",
                "2000",
            ];
            match Cli::try_parse_from(argv) {
                Ok(Cli {
                    command: Command::Export(a),
                }) => *a,
                other => panic!("{other:?}"),
            }
        };
        let e = Plan::new(&parse("1s")).unwrap_err();
        assert_eq!(e.category, crate::error::Category::Validation);
        assert!(e.message.contains("5097600 requests"), "{}", e.message);
        assert!(e.hint.as_deref().unwrap_or("").contains("--window"));
        // 59 days of 1 h windows: 1416, fine.
        assert_eq!(Plan::new(&parse("1h")).unwrap().windows.len(), 1416);
        assert_eq!(window_count(Duration::days(2), Duration::days(1)), 2);
        assert_eq!(window_count(Duration::days(2) + TICK, Duration::days(1)), 3);
    }

    #[test]
    fn exclusive_windows_share_boundaries() {
        let w = windows(day(1), day(4), Duration::days(2), EndBound::Exclusive);
        assert_eq!(
            w,
            vec![
                Window {
                    from: day(1),
                    to: day(3)
                },
                Window {
                    from: day(3),
                    to: day(4)
                }
            ]
        );
    }
}
