//! Call records, their sessions, segments and participants.

use chrono::{DateTime, Utc};

use super::users::{pool, User, USER_POOL};
use super::{iso_duration_ms, Single};
use crate::config::EmulatorConfig;
use crate::ids::{self, tag};
use crate::json::{Arr, Obj};
use crate::time::{self, Nanos, MS, SEC};

const MASK48: u64 = 0xffff_ffff_ffff;

/// Id of record `i`. The low 48 bits carry the index (xor a seed mask) so a
/// lookup needs no table.
pub fn record_id(config: &EmulatorConfig, i: usize) -> String {
    let h = ids::hash(config.seed, tag::RECORD, 0, 0);
    let mask = ids::mix(config.seed ^ 0xC0FF_EE00) & MASK48;
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        ids::hash(config.seed, tag::RECORD, i as u64, 1) >> 32,
        (h >> 16) & 0xffff,
        ids::hash(config.seed, tag::RECORD, i as u64, 2) & 0xfff,
        0x8000 | ((h >> 48) & 0x3fff),
        (i as u64 ^ mask) & MASK48
    )
}

/// Index of the record with this id, if it exists.
pub fn record_index(config: &EmulatorConfig, id: &str) -> Option<usize> {
    let last = id.rsplit('-').next()?;
    if last.len() != 12 {
        return None;
    }
    let mask = ids::mix(config.seed ^ 0xC0FF_EE00) & MASK48;
    let i = usize::try_from((u64::from_str_radix(last, 16).ok()? ^ mask) & MASK48).ok()?;
    (i < config.call_records && record_id(config, i) == id.to_ascii_lowercase()).then_some(i)
}

fn is_large(config: &EmulatorConfig, i: usize) -> bool {
    matches!(config.large_record_every, Some(n) if n > 0 && i % n == n - 1)
}

fn in_range(r: &std::ops::RangeInclusive<usize>, h: u64) -> usize {
    let (lo, hi) = (*r.start(), (*r.end()).max(*r.start()));
    lo + (h % (hi - lo + 1) as u64) as usize
}

/// Number of sessions of record `i`.
pub fn session_count(config: &EmulatorConfig, i: usize) -> usize {
    if is_large(config, i) {
        config.large_record_sessions
    } else {
        in_range(
            &config.sessions_per_record,
            ids::hash(config.seed, tag::RECORD, i as u64, 3),
        )
    }
}

/// Number of participants of record `i` (at least 1, at most the user pool).
pub fn participant_count(config: &EmulatorConfig, i: usize) -> usize {
    let n = if is_large(config, i) {
        config.large_record_participants
    } else {
        in_range(
            &config.participants_per_record,
            ids::hash(config.seed, tag::RECORD, i as u64, 4),
        )
    };
    n.clamp(1, USER_POOL as usize)
}

fn participant_user_index(config: &EmulatorConfig, i: usize, j: usize) -> u64 {
    (ids::hash(config.seed, tag::RECORD, i as u64, 5) + j as u64) % USER_POOL
}

/// Id of participant `j` of record `i` (participant 0 is the organizer).
pub fn record_participant_id(config: &EmulatorConfig, i: usize, j: usize) -> String {
    pool(config.seed)
        .user(participant_user_index(config, i, j))
        .id
        .clone()
}

/// Whether record `i` has a participant with this id.
pub fn record_has_participant(config: &EmulatorConfig, i: usize, participant_id: &str) -> bool {
    let n = participant_count(config, i) as u64;
    let base = ids::hash(config.seed, tag::RECORD, i as u64, 5) % USER_POOL;
    let users = pool(config.seed);
    // Users are few; check the (at most USER_POOL) candidates by id.
    (0..USER_POOL).any(|u| {
        let offset = (u + USER_POOL - base) % USER_POOL;
        offset < n && users.user(u).id.eq_ignore_ascii_case(participant_id)
    })
}

/// Start time of record `i`.
pub fn record_start(config: &EmulatorConfig, i: usize) -> DateTime<Utc> {
    time::from_nanos(start_nanos(config, i))
}

fn start_nanos(config: &EmulatorConfig, i: usize) -> Nanos {
    time::to_nanos(config.day0) + i as Nanos * config.record_spacing.as_nanos() as Nanos
}

fn duration_nanos(config: &EmulatorConfig, i: usize) -> Nanos {
    let h = ids::hash(config.seed, tag::RECORD, i as u64, 6);
    let secs = if is_large(config, i) {
        5400
    } else {
        30 + h % 3570
    };
    secs as Nanos * SEC + (h >> 20) as Nanos % 1000 * MS
}

/// Indices of records whose start lies within `[lo, hi]` bounds (each optional,
/// each inclusive or exclusive), in start order.
pub fn records_in_window(
    config: &EmulatorConfig,
    lower: Option<(DateTime<Utc>, bool)>,
    upper: Option<(DateTime<Utc>, bool)>,
) -> std::ops::Range<usize> {
    let start_ok = |i: usize| {
        let t = start_nanos(config, i);
        let lo = lower.is_none_or(|(b, incl)| {
            let b = time::to_nanos(b);
            if incl {
                t >= b
            } else {
                t > b
            }
        });
        let hi = upper.is_none_or(|(b, incl)| {
            let b = time::to_nanos(b);
            if incl {
                t <= b
            } else {
                t < b
            }
        });
        (lo, hi)
    };
    // Starts are increasing: binary search both ends.
    let n = config.call_records;
    let first = partition(n, |i| !start_ok(i).0);
    let end = partition(n, |i| start_ok(i).1);
    first..end.max(first)
}

/// First index in `0..n` where `pred` turns false (pred must be monotone true-then-false).
fn partition(n: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

fn ts(n: Nanos, h: u64) -> String {
    match h % 4 {
        0 => time::format(n, 0),
        1 | 2 => time::format(n, 3),
        _ => time::format(n, 7),
    }
}

const TYPES: &[&str] = &["groupCall", "peerToPeer", "unknown"];

/// Writes the body of callRecord `i` (without `@odata.context` and expansions).
pub fn write_record(config: &EmulatorConfig, ctx_root: &str, i: usize, o: &mut Obj<'_>) {
    let users = pool(config.seed);
    let seed = config.seed;
    let h = ids::hash(seed, tag::RECORD, i as u64, 7);
    let id = record_id(config, i);
    let start = start_nanos(config, i);
    let end = start + duration_nanos(config, i);
    let kind = if is_large(config, i) {
        "groupCall"
    } else {
        ids::pick(TYPES, h)
    };
    o.str("id", &id);
    o.raw("version", 1 + (h >> 8) % 3);
    o.str("type", kind);
    o.arr("modalities", |a| modalities(a, h >> 12));
    o.str(
        "lastModifiedDateTime",
        &ts(end + ((h >> 16) % 3600) as Nanos * SEC + 1234567, h >> 3),
    );
    o.str("startDateTime", &ts(start, h >> 5));
    o.str("endDateTime", &ts(end, h >> 5));
    if kind == "groupCall" {
        o.str(
            "joinWebUrl",
            &format!(
                "https://teams.microsoft.com/l/meetup-join/19%3ameeting_{:016x}%40thread.v2/0?context=%7b%22Tid%22%3a%22{}%22%7d",
                h,
                users.tenant
            ),
        );
    } else {
        o.null("joinWebUrl");
    }
    let organizer = users.user(participant_user_index(config, i, 0));
    o.obj("organizer", |o| identity_set(seed, organizer, o));
    o.arr("participants", |a| {
        for j in 0..participant_count(config, i).min(10) {
            let u = users.user(participant_user_index(config, i, j));
            a.obj(|o| identity_set(seed, u, o));
        }
    });
    o.str(
        "organizer_v2@odata.context",
        &format!("{ctx_root}communications/callRecords('{id}')/organizer_v2/$entity"),
    );
    o.obj("organizer_v2", |o| write_organizer(config, i, o));
}

fn modalities(a: &mut Arr<'_>, h: u64) {
    a.str("audio");
    if h % 3 != 0 {
        a.str("video");
    }
    if h % 5 == 0 {
        a.str("screenSharing");
    }
}

/// Deprecated `graph.identitySet` (user or phone).
fn identity_set(seed: u64, u: &User, o: &mut Obj<'_>) {
    let users = pool(seed);
    if u.is_phone {
        o.obj("phone", |o| {
            o.str("id", &u.id);
            o.null("displayName");
        });
    } else {
        o.obj("user", |o| {
            o.str("id", &u.id);
            o.str("displayName", &u.display_name);
            o.str("tenantId", &users.tenant);
        });
    }
}

/// `graph.communicationsIdentitySet` as on participants and organizers.
fn comms_identity_set(seed: u64, u: &User, typed: bool, o: &mut Obj<'_>) {
    let users = pool(seed);
    if u.is_phone {
        o.null("user");
    } else {
        o.obj("user", |o| {
            if typed {
                o.str("@odata.type", "#microsoft.graph.userIdentity");
            }
            o.str("id", &u.id);
            o.str("displayName", &u.display_name);
            o.str("tenantId", &users.tenant);
            o.str("userPrincipalName", &u.upn);
        });
    }
    o.null("acsUser");
    o.null("spoolUser");
    if u.is_phone {
        o.obj("phone", |o| {
            o.str("id", &u.id);
            o.null("displayName");
            o.null("tenantId");
        });
    } else {
        o.null("phone");
    }
    o.null("guest");
    o.null("encrypted");
    o.null("onPremises");
    o.null("acsApplicationInstance");
    o.null("spoolApplicationInstance");
    o.null("applicationInstance");
    o.null("application");
    o.null("device");
}

/// Writes the organizer_v2 entity of record `i`.
pub fn write_organizer(config: &EmulatorConfig, i: usize, o: &mut Obj<'_>) {
    let users = pool(config.seed);
    let u = users.user(participant_user_index(config, i, 0));
    o.str("id", &u.id);
    o.obj("identity", |o| comms_identity_set(config.seed, u, false, o));
    o.arr("administrativeUnitInfos", |_| {});
}

/// Writes participant `j` of record `i`.
pub fn write_participant(config: &EmulatorConfig, i: usize, j: usize, o: &mut Obj<'_>) {
    let users = pool(config.seed);
    let u = users.user(participant_user_index(config, i, j));
    o.str("id", &u.id);
    o.obj("identity", |o| comms_identity_set(config.seed, u, true, o));
    o.arr("administrativeUnitInfos", |a| {
        if j % 5 == 1 {
            a.obj(|o| o.str("id", &ids::uuid(config.seed, tag::MISC, 7, (j % 3) as u64)));
        }
    });
}

fn session_bounds(config: &EmulatorConfig, i: usize, j: usize) -> (Nanos, Nanos) {
    let start = start_nanos(config, i);
    let total = duration_nanos(config, i);
    let n = session_count(config, i).max(1) as Nanos;
    let slot = total / n;
    let s = start + slot * j as Nanos;
    (s, s + slot.max(MS))
}

/// Writes session `j` of record `i`, with its segments when `segments` is set.
pub fn write_session(config: &EmulatorConfig, i: usize, j: usize, segments: bool, o: &mut Obj<'_>) {
    let seed = config.seed;
    let h = ids::hash(seed, tag::SESSION, i as u64, j as u64);
    let (start, end) = session_bounds(config, i, j);
    let users = pool(seed);
    let caller = users.user(participant_user_index(
        config,
        i,
        j % participant_count(config, i),
    ));
    let callee = users.user(participant_user_index(
        config,
        i,
        (j + 1) % participant_count(config, i),
    ));
    o.str("id", &ids::uuid(seed, tag::SESSION, i as u64, j as u64));
    o.arr("modalities", |a| modalities(a, h));
    o.str("startDateTime", &ts(start, h >> 2));
    o.str("endDateTime", &ts(end, h >> 2));
    o.raw("isTest", false);
    o.obj("caller", |o| endpoint(seed, caller, h, false, o));
    o.obj("callee", |o| endpoint(seed, callee, h >> 9, h % 7 == 3, o));
    failure_info(h >> 13, o);
    if segments {
        let n = 1 + (h >> 17) as usize % 2;
        o.arr("segments", |a| {
            for k in 0..n {
                a.obj(|o| write_segment(config, i, j, k, n, caller, callee, o));
            }
        });
    }
}

fn failure_info(h: u64, o: &mut Obj<'_>) {
    if h % 11 == 0 {
        o.obj("failureInfo", |o| {
            o.str("stage", "midcall");
            o.str("reason", "Unexpected network disconnect");
        });
    } else {
        o.null("failureInfo");
    }
}

#[allow(clippy::too_many_arguments)]
fn write_segment(
    config: &EmulatorConfig,
    i: usize,
    j: usize,
    k: usize,
    n: usize,
    caller: &User,
    callee: &User,
    o: &mut Obj<'_>,
) {
    let seed = config.seed;
    let h = ids::hash(seed, tag::SEGMENT, (i as u64) << 20 | j as u64, k as u64);
    let (s, e) = session_bounds(config, i, j);
    let slot = (e - s) / n as Nanos;
    let start = s + slot * k as Nanos;
    let end = start + slot;
    o.str(
        "id",
        &ids::uuid(seed, tag::SEGMENT, (i as u64) << 20 | j as u64, k as u64),
    );
    o.str("startDateTime", &ts(start, h));
    o.str("endDateTime", &ts(end, h));
    o.obj("caller", |o| endpoint(seed, caller, h, false, o));
    o.obj("callee", |o| endpoint(seed, callee, h >> 9, false, o));
    failure_info(h >> 13, o);
    o.arr("media", |a| {
        a.obj(|o| {
            o.str("label", "main-audio");
            o.obj("callerNetwork", |o| network(h, o));
            o.obj("calleeNetwork", |o| network(h >> 7, o));
            o.obj("callerDevice", |o| device(h, o));
            o.obj("calleeDevice", |o| device(h >> 5, o));
            o.arr("streams", |a| {
                for (d, dir) in ["callerToCallee", "calleeToCaller"].into_iter().enumerate() {
                    a.obj(|o| stream(seed, h >> (3 * d), dir, start, end, o));
                }
            });
        })
    });
}

const PLATFORMS: &[&str] = &[
    "windows",
    "macOS",
    "iOS",
    "android",
    "web",
    "ipPhone",
    "roomSystem",
];
const ROLES: &[&str] = &[
    "skypeForBusinessAudioVideoMcu",
    "mediationServer",
    "conferencingAttendant",
    "customBot",
];

fn endpoint(seed: u64, u: &User, h: u64, service: bool, o: &mut Obj<'_>) {
    let users = pool(seed);
    if service {
        o.str(
            "@odata.type",
            "#microsoft.graph.callRecords.serviceEndpoint",
        );
        o.obj("userAgent", |o| {
            o.str(
                "@odata.type",
                "#microsoft.graph.callRecords.serviceUserAgent",
            );
            o.str("headerValue", "UCCAPI/16.0.13328.20130 OC/16.0.13426.20234");
            o.str("applicationVersion", "16.0.13426.20234");
            o.str("role", ids::pick(ROLES, h));
        });
        return;
    }
    let unknown_enums = o.opts().unknown_enums;
    o.str(
        "@odata.type",
        "#microsoft.graph.callRecords.participantEndpoint",
    );
    o.null("name");
    o.raw("cpuCoresCount", 2 + (h >> 3) % 15);
    o.str(
        "cpuName",
        ids::pick(
            &[
                "Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz",
                "Apple M2",
                "Qualcomm Snapdragon 8cx",
            ],
            h >> 6,
        ),
    );
    o.raw("cpuProcessorSpeedInMhz", 1800 + (h >> 9) % 1400);
    o.null("identity");
    if u.is_phone {
        o.null("associatedIdentity");
    } else {
        o.obj("associatedIdentity", |o| {
            o.str("id", &u.id);
            o.str("displayName", &u.display_name);
            o.str("tenantId", &users.tenant);
            o.str("userPrincipalName", &u.upn);
        });
    }
    if h % 6 == 0 {
        o.obj("feedback", |o| {
            o.str(
                "rating",
                ids::pick(&["poor", "good", "excellent", "bad"], h >> 12),
            );
            o.null("text");
            o.obj("tokens", |o| {
                o.raw("NoSound", false);
                o.raw("Echo", (h >> 14) % 2 == 0);
                o.raw("Noisy", false);
                o.raw("LowVolume", (h >> 15) % 2 == 0);
            });
        });
    } else {
        o.null("feedback");
    }
    o.obj("userAgent", |o| {
        o.str(
            "@odata.type",
            "#microsoft.graph.callRecords.clientUserAgent",
        );
        o.str(
            "headerValue",
            "RTCC/7.0.0.0 UCWA/7.0.0.0 AndroidLync/6.25.0.27 (SM-G930U Android 8.0.0)",
        );
        o.str("applicationVersion", "1415/1.0.0.2020061102");
        o.str("platform", ids::pick(PLATFORMS, h >> 18));
        // Evolvable enum: the post-sentinel member only with Prefer: include-unknown-enum-members.
        let acs = h % 9 == 4;
        let family = match (acs, unknown_enums) {
            (true, true) => "azureCommunicationServices",
            (true, false) => "unknownFutureValue",
            _ => "teams",
        };
        o.str("productFamily", family);
        o.null("azureADAppId");
        if acs {
            o.str("communicationServiceId", &ids::uuid(seed, tag::MISC, 3, 3));
        } else {
            o.null("communicationServiceId");
        }
    });
}

fn network(h: u64, o: &mut Obj<'_>) {
    let wifi = h % 3 == 0;
    o.str("connectionType", if wifi { "wifi" } else { "wired" });
    o.str(
        "ipAddress",
        &format!("10.0.{}.{}", (h >> 3) % 256, (h >> 11) % 256),
    );
    o.str("subnet", &format!("10.0.{}.0", (h >> 3) % 256));
    o.raw(
        "linkSpeed",
        if wifi {
            4_294_967_295u64
        } else {
            1_000_000_000
        },
    );
    o.raw("port", 50000 + (h >> 19) % 10000);
    o.str(
        "reflexiveIPAddress",
        &format!("203.0.113.{}", (h >> 23) % 256),
    );
    o.str("relayIPAddress", "52.114.188.102");
    o.raw("relayPort", 3478);
    o.str(
        "macAddress",
        &format!("00-00-5E-00-53-{:02X}", (h >> 29) % 256),
    );
    o.null("dnsSuffix");
    o.str(
        "networkTransportProtocol",
        if (h >> 31) % 4 == 0 { "tcp" } else { "udp" },
    );
    o.raw("bandwidthLowEventRatio", Single(((h >> 33) % 10) as i64));
    o.raw("delayEventRatio", Single(0));
    o.raw("receivedQualityEventRatio", Single(((h >> 35) % 40) as i64));
    o.raw("sentQualityEventRatio", Single(((h >> 37) % 40) as i64));
    o.null("basicServiceSetIdentifier");
    o.str("wifiBand", if wifi { "frequency50GHz" } else { "unknown" });
    o.str(
        "wifiRadioType",
        if wifi { "wifi80211ac" } else { "unknown" },
    );
    o.opt_raw("wifiBatteryCharge", wifi.then_some(80));
    o.opt_raw("wifiChannel", wifi.then_some(36));
    o.opt_raw("wifiSignalStrength", wifi.then_some(-55));
    o.null("wifiMicrosoftDriver");
    o.null("wifiMicrosoftDriverVersion");
    o.null("wifiVendorDriver");
    o.null("wifiVendorDriverVersion");
    o.arr("traceRouteHops", |a| {
        for hop in 1..=(h >> 41) % 3 {
            a.obj(|o| {
                o.raw("hopCount", hop);
                o.str("ipAddress", &format!("192.0.2.{hop}"));
                o.str("roundTripTime", &iso_duration_ms(hop * 4 + (h >> 43) % 9));
            });
        }
    });
}

fn device(h: u64, o: &mut Obj<'_>) {
    o.str("captureDeviceName", "Microphone (Surface Pro)");
    o.str("captureDeviceDriver", "Microsoft: 10.0.19041.1");
    o.str("renderDeviceName", "Speakers (Surface Pro)");
    o.str("renderDeviceDriver", "Microsoft: 10.0.19041.1");
    o.raw("receivedSignalLevel", -(((h >> 3) % 30) as i64));
    o.raw("receivedNoiseLevel", -50 - ((h >> 5) % 30) as i64);
    o.raw("sentSignalLevel", -(((h >> 7) % 30) as i64));
    o.raw("sentNoiseLevel", -60 - ((h >> 9) % 30) as i64);
    o.raw(
        "initialSignalLevelRootMeanSquare",
        Single(((h >> 11) % 50000) as i64),
    );
    o.raw("micGlitchRate", Single(((h >> 13) % 30) as i64 * 100));
    o.raw("speakerGlitchRate", Single(((h >> 15) % 4000) as i64 * 100));
    o.raw("captureNotFunctioningEventRatio", Single(0));
    o.raw("cpuInsufficentEventRatio", Single(((h >> 17) % 5) as i64));
    o.raw("deviceClippingEventRatio", Single(0));
    o.raw("deviceGlitchEventRatio", Single(((h >> 19) % 3) as i64));
    o.raw("howlingEventCount", (h >> 21) % 2);
    o.raw("lowSpeechLevelEventRatio", Single(0));
    o.raw("lowSpeechToNoiseEventRatio", Single(0));
    o.raw("renderMuteEventRatio", Single(0));
    o.raw("renderNotFunctioningEventRatio", Single(0));
    o.raw("renderZeroVolumeEventRatio", Single(0));
}

fn stream(seed: u64, h: u64, dir: &str, start: Nanos, end: Nanos, o: &mut Obj<'_>) {
    o.str(
        "streamId",
        &format!("{}", ids::hash(seed, tag::MISC, h, 1) % 1_000_000_000),
    );
    o.str("startDateTime", &ts(start, h));
    o.str("endDateTime", &ts(end, h));
    o.str("streamDirection", dir);
    o.str(
        "audioCodec",
        ids::pick(&["opus", "satin", "silkWide", "g722"], h >> 3),
    );
    o.null("videoCodec");
    o.null("averageAudioDegradation");
    o.str("averageJitter", &iso_duration_ms(10 + (h >> 5) % 20));
    o.str("maxJitter", &iso_duration_ms(30 + (h >> 7) % 40));
    o.raw("averagePacketLossRate", Single(((h >> 9) % 5) as i64));
    o.raw("maxPacketLossRate", Single(((h >> 11) % 30) as i64));
    o.null("averageRatioOfConcealedSamples");
    o.null("maxRatioOfConcealedSamples");
    o.str(
        "averageRoundTripTime",
        &iso_duration_ms(40 + (h >> 13) % 60),
    );
    o.str("maxRoundTripTime", &iso_duration_ms(100 + (h >> 15) % 400));
    o.null("averageAudioNetworkJitter");
    o.null("maxAudioNetworkJitter");
    o.raw(
        "averageBandwidthEstimate",
        15_644_878 + (h >> 17) % 1_000_000,
    );
    o.raw("packetUtilization", 700 + (h >> 19) % 20000);
    o.raw("postForwardErrorCorrectionPacketLossRate", Single(0));
    o.null("averageVideoFrameLossPercentage");
    o.null("averageReceivedFrameRate");
    o.null("lowFrameRateRatio");
    o.null("averageVideoPacketLossRate");
    o.null("averageVideoFrameRate");
    o.null("lowVideoProcessingCapabilityRatio");
    o.null("averageFreezeDuration");
    o.null("rmsFreezeDuration");
    o.raw("wasMediaBypassed", false);
    o.raw("isAudioForwardErrorCorrectionUsed", (h >> 21) % 2 == 0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        let c = EmulatorConfig::default();
        for i in [0, 1, 49, 149] {
            let id = record_id(&c, i);
            assert_eq!(id.len(), 36);
            assert_eq!(record_index(&c, &id), Some(i));
        }
        assert_eq!(record_index(&c, &record_id(&c, 150)), None);
        assert_eq!(record_index(&c, "nope"), None);
        assert_eq!(
            record_index(&c, "00000000-0000-4000-8000-000000000000"),
            None
        );
    }

    #[test]
    fn large_records_exceed_page_sizes() {
        let c = EmulatorConfig::default();
        assert_eq!(session_count(&c, 49), 150);
        assert_eq!(participant_count(&c, 49), 300);
        assert!(session_count(&c, 0) <= 4);
        let p = record_participant_id(&c, 49, 200);
        assert!(record_has_participant(&c, 49, &p));
    }

    #[test]
    fn windows() {
        let c = EmulatorConfig::default();
        let t = |i| record_start(&c, i);
        assert_eq!(records_in_window(&c, None, None), 0..150);
        assert_eq!(
            records_in_window(&c, Some((t(10), true)), Some((t(20), false))),
            10..20
        );
        assert_eq!(
            records_in_window(&c, Some((t(10), false)), Some((t(20), true))),
            11..21
        );
        assert_eq!(
            records_in_window(&c, Some((t(20), true)), Some((t(10), true))),
            20..20
        );
    }
}
