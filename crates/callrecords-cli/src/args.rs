//! Command-line arguments (clap derive). Parsing only; checks that need
//! several arguments together live in [`crate::plan`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::dates::{parse_instant_arg, parse_span, InstantArg};

/// Export Microsoft Graph call records and PSTN / Direct Routing / SMS logs.
///
/// Try it with nothing installed or configured:
///
///   callrecords export pstn --emulator --from 2026-11-01 --to 2026-11-02 --output pstn.csv --format csv
#[derive(Debug, Parser)]
#[command(name = "callrecords", version, about, long_about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Export one kind of log or record for a date range to a file or stdout.
    Export(Box<ExportArgs>),
    /// Run the embedded emulator as a local server until stopped (or its lifetime ends);
    /// prints its base URL on the first line of stdout.
    #[command(hide = true)]
    Emulate(EmulateArgs),
}

/// What to export. Logs come from the call-records log functions; `call-records`
/// and `sessions` from `GET /communications/callRecords`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ValueEnum)]
pub enum Kind {
    /// PSTN calls (`getPstnCalls`; at most 90 days per request, longer ranges are split).
    Pstn,
    /// Direct Routing calls (`getDirectRoutingCalls`).
    DirectRouting,
    /// Call records (`/communications/callRecords`, kept 30 days), optionally with
    /// sessions and participants (`--include`).
    CallRecords,
    /// One row per session of every call record in the range (with its segments).
    Sessions,
    /// PSTN blocked-users log (beta `getPstnBlockedUsersLog`).
    BlockedUsers,
    /// PSTN online-meeting dial-out report (beta `getPstnOnlineMeetingDialoutReport`).
    DialoutReport,
    /// SMS log (beta `getSmsLog`).
    Sms,
}

impl Kind {
    /// The name used on the command line.
    pub fn cli_name(self) -> &'static str {
        match self {
            Kind::Pstn => "pstn",
            Kind::DirectRouting => "direct-routing",
            Kind::CallRecords => "call-records",
            Kind::Sessions => "sessions",
            Kind::BlockedUsers => "blocked-users",
            Kind::DialoutReport => "dialout-report",
            Kind::Sms => "sms",
        }
    }

    /// Whether the operation exists only in the beta API.
    pub fn beta_only(self) -> bool {
        matches!(self, Kind::BlockedUsers | Kind::DialoutReport | Kind::Sms)
    }
}

/// Output file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Format {
    /// One JSON object per line.
    #[default]
    Ndjson,
    /// RFC 4180 CSV with a stable header of every flattened column.
    Csv,
    /// One JSON array (streamed).
    Json,
}

impl Format {
    /// Name as on the command line.
    pub fn cli_name(self) -> &'static str {
        match self {
            Format::Ndjson => "ndjson",
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }
}

/// National cloud.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum CloudArg {
    /// graph.microsoft.com (also Microsoft 365 GCC).
    #[default]
    Global,
    /// US Government L4 (GCC High), graph.microsoft.us.
    Usgov,
    /// US Government L5 (DoD), dod-graph.microsoft.us.
    Dod,
    /// China (21Vianet): call records are not available there.
    China,
}

/// What a call-records export adds to every record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Include {
    /// `sessions` with their `segments` (`$expand=sessions($expand=segments)`).
    Sessions,
    /// `participants_v2` (`$expand=participants_v2`).
    Participants,
}

/// Arguments of `callrecords export`.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// What to export.
    #[arg(value_enum)]
    pub kind: Kind,

    /// Start of the range (inclusive), UTC unless an offset is given:
    /// 2026-11-01, 2026-11-01T08:00, 2026-11-01T08:00:00+01:00, now, today, now-7d.
    #[arg(long, value_parser = parse_instant_arg, allow_hyphen_values = true)]
    pub from: InstantArg,

    /// End of the range (exclusive for every kind: the CLI maps it to each
    /// operation's own rule), same forms as --from.
    #[arg(long, value_parser = parse_instant_arg, allow_hyphen_values = true)]
    pub to: InstantArg,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Ndjson)]
    pub format: Format,

    /// Output file, or `-` for stdout.
    #[arg(long, short, default_value = "-")]
    pub output: String,

    /// National cloud of the tenant.
    #[arg(long, value_enum, default_value_t = CloudArg::Global)]
    pub cloud: CloudArg,

    /// Use the Graph beta API for the logs (more columns for pstn and
    /// direct-routing; implied for blocked-users, dialout-report and sms, which
    /// exist only in beta; call records are read from v1.0, where they are the same).
    #[arg(long)]
    pub beta: bool,

    /// Serve the data from the embedded emulator instead of Microsoft Graph
    /// (deterministic sample data from 2026-11-01; no credentials needed).
    #[arg(long)]
    pub emulator: bool,

    /// Continue an interrupted export from `<output>.checkpoint.json`.
    #[arg(long)]
    pub resume: bool,

    /// Length of one request window, e.g. 1d, 12h, 90d. Default: the
    /// operation's maximum (90 days for the PSTN / SMS logs, 30 days otherwise).
    #[arg(long, value_parser = parse_span)]
    pub window: Option<chrono::Duration>,

    /// Send the whole range as one request per operation instead of splitting it
    /// into windows (fails when the range is longer than the operation allows).
    #[arg(long, conflicts_with = "window")]
    pub no_split: bool,

    /// With call-records: add sessions (with segments) and/or participants to
    /// every record (comma separated).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub include: Vec<Include>,

    /// How often one request is retried after throttling (429) or a transient
    /// failure (503, 504, network) before the export stops (resumable).
    #[arg(long, default_value_t = 7)]
    pub retries: u32,

    /// Preferred page size (`Prefer: odata.maxpagesize`).
    #[arg(long)]
    pub page_size: Option<u32>,

    /// Most requests in flight at once (1: one request at a time). The
    /// output is the same bytes whatever the value: rows are written in
    /// request order. Log exports run at most 4 windows at once.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub concurrency: u32,

    /// Scale factor for Graph's documented rate limits the client keeps to
    /// (1: the documented limits, e.g. 1,500 requests / 20 s for call
    /// records and 200 / 60 s for the log functions; 0.5: half of them). Graph
    /// answering 429 pauses the throttled scope whatever this says.
    #[arg(long, default_value_t = 1.0, value_parser = parse_rate)]
    pub rate: f64,

    /// Replace an existing output file that no interrupted export of this
    /// command left (it is replaced only when the export completes; until
    /// then the rows go to `<output>.partial`).
    #[arg(long)]
    pub force: bool,

    /// Most request windows one export may be split into. A range that needs
    /// more is refused unless this is raised: hundreds of requests are usually
    /// a mistyped range or --window.
    #[arg(long, default_value_t = DEFAULT_MAX_WINDOWS)]
    pub max_windows: u32,

    /// Largest response (one page) accepted from Graph, in bytes. A page is
    /// held in memory about twice while it is decoded, so this bounds memory;
    /// lower --page-size if Graph sends larger pages.
    #[arg(long, default_value_t = msgraph_runtime::DEFAULT_MAX_RESPONSE_BYTES)]
    pub max_response_bytes: usize,

    /// Rows per day of every log in the emulator (with --emulator).
    #[arg(long, default_value_t = 2000, hide = true)]
    pub emulator_rows_per_day: u32,

    /// Make the embedded emulator behave like Graph: per-request latency and
    /// the documented rate limits, answered with 429 and Retry-After (with --emulator).
    #[arg(long)]
    pub emulator_realistic: bool,

    /// Number of call records in the emulator (with --emulator).
    #[arg(long, hide = true)]
    pub emulator_call_records: Option<usize>,

    /// Answer every n-th emulator request with 429 (with --emulator).
    #[arg(long, hide = true)]
    pub emulator_throttle_every: Option<u32>,

    /// Delay every emulator response by this many milliseconds (with --emulator).
    #[arg(long, hide = true)]
    pub emulator_delay_ms: Option<u64>,

    /// Answer every n-th emulator request with 503 (with --emulator).
    #[arg(long, hide = true)]
    pub emulator_unavailable_every: Option<u32>,

    /// Close the connection of every n-th emulator request without an answer (with --emulator).
    #[arg(long, hide = true)]
    pub emulator_reset_every: Option<u32>,

    /// Cut the body of every n-th emulator answer short (with --emulator).
    #[arg(long, hide = true)]
    pub emulator_truncate_every: Option<u32>,

    /// Testing aid: wait this long between writing the checkpoint's temporary
    /// file and renaming it into place (so a test can kill the process then).
    #[arg(long, hide = true)]
    pub checkpoint_pause_ms: Option<u64>,

    /// Testing aid: stop (as if killed) after this many pages were written and checkpointed.
    #[arg(long, hide = true)]
    pub stop_after_pages: Option<u64>,

    /// Graph service root instead of the cloud's (e.g. a local emulator); http only for loopback.
    #[arg(long, hide = true)]
    pub graph_url: Option<url::Url>,
}

/// Arguments of the hidden `callrecords emulate`.
#[derive(Debug, Clone, Args)]
pub struct EmulateArgs {
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Rows per day of every log.
    #[arg(long, default_value_t = 2000)]
    pub rows_per_day: u32,
    /// Answer every n-th request with 429.
    #[arg(long)]
    pub throttle_every: Option<u32>,
    /// Stop after this many seconds.
    #[arg(long, default_value_t = 600)]
    pub lifetime_secs: u64,
}

/// Default of `--max-windows`: a few hundred requests (8 years of 90-day
/// windows is 33; a 30-day call-records export in 1-hour windows is 720).
pub const DEFAULT_MAX_WINDOWS: u32 = 400;

/// Where the checkpoint of an export to `output` lives.
pub fn checkpoint_path(output: &str) -> PathBuf {
    PathBuf::from(format!("{output}.checkpoint.json"))
}

/// Where the rows of an export to `output` are written until it completes
/// (then this file is renamed to `output`).
pub fn partial_path(output: &str) -> PathBuf {
    PathBuf::from(format!("{output}.partial"))
}

/// The lock file of an export to `output`: held while a run writes it.
pub fn lock_path(output: &str) -> PathBuf {
    PathBuf::from(format!("{output}.lock"))
}
/// `--rate`: a positive, finite scale factor of at most 10.
fn parse_rate(text: &str) -> Result<f64, String> {
    let r: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number (e.g. 1, 0.5)"))?;
    if r.is_finite() && r > 0.0 && r <= 10.0 {
        Ok(r)
    } else {
        Err(format!(
            "{text:?} is outside (0, 10]: a scale factor of the documented limits"
        ))
    }
}
