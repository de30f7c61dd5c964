//! Graph endpoints: list/get call records, sessions, participants, organizer, log functions.

use crate::config::EmulatorConfig;
use crate::data::logs::{range_nanos, write_log_row};
use crate::data::records::{self, write_organizer, write_participant, write_record, write_session};
use crate::data::{ApiVersion, LogKind};
use crate::json::{Obj, Opts};
use crate::query::{self, encode_value, split_call, Prefer, QueryOptions, RecordFilter};
use crate::reply::{bad_request, graph_error, segment_not_found, Reply, RequestIds};
use crate::time::{self, DAY};

/// Everything a handler needs about one Graph request.
pub struct GraphRequest<'a> {
    /// Emulator configuration.
    pub config: &'a EmulatorConfig,
    /// `http://127.0.0.1:PORT`
    pub base_url: &'a str,
    /// Raw (percent-encoded) request path.
    pub path: &'a str,
    /// Raw query string.
    pub query: Option<&'a str>,
    /// Parsed `Prefer` headers.
    pub prefer: Prefer,
    /// Ids for error bodies.
    pub ids: &'a RequestIds,
}

struct Ctx<'a> {
    req: &'a GraphRequest<'a>,
    version: ApiVersion,
    q: QueryOptions,
    opts: Opts,
}

impl Ctx<'_> {
    fn config(&self) -> &EmulatorConfig {
        self.req.config
    }

    fn ctx_root(&self) -> String {
        format!(
            "{}/{}/$metadata#",
            self.req.base_url,
            self.version.segment()
        )
    }

    fn bad(&self, msg: &str) -> Reply {
        bad_request(msg, self.req.ids)
    }

    /// Page size: the endpoint maximum, lowered by `Prefer: odata.maxpagesize` and `$top`.
    fn page_size(&self, max: usize) -> usize {
        let mut n = max.max(1);
        if let Some(p) = self.req.prefer.max_page_size {
            n = n.min(p.max(1));
        }
        if let Some(t) = self.q.top {
            n = n.min(t);
        }
        n
    }

    /// Next link: same path, the options that shape the result, and the new `$skip`.
    fn next_link(&self, path: &str, skip: usize) -> String {
        let mut parts = Vec::new();
        if let Some(f) = &self.q.filter {
            parts.push(format!("$filter={}", encode_value(f)));
        }
        if let Some(e) = &self.q.expand {
            parts.push(format!("$expand={}", encode_value(e)));
        }
        if let Some(s) = &self.q.select {
            parts.push(format!("$select={}", encode_value(&s.join(","))));
        }
        if let Some(t) = self.q.top {
            parts.push(format!("$top={t}"));
        }
        parts.push(format!("$skip={skip}"));
        format!("{}{}?{}", self.req.base_url, path, parts.join("&"))
    }

    fn finish(&self, body: Vec<u8>) -> Reply {
        let mut applied = Vec::new();
        if let Some(n) = self.req.prefer.max_page_size {
            applied.push(format!("odata.maxpagesize={n}"));
        }
        if self.req.prefer.unknown_enums {
            applied.push("include-unknown-enum-members".to_string());
        }
        if self.req.prefer.omit_nulls {
            applied.push("omit-values=nulls".to_string());
        }
        let r = Reply::json(body);
        if applied.is_empty() {
            r
        } else {
            r.header("preference-applied", applied.join(","))
        }
    }
}

/// Handle a GET under `/{version}/...`.
pub fn handle_graph(req: &GraphRequest<'_>) -> Reply {
    let raw_segments: Vec<&str> = req.path.trim_start_matches('/').split('/').collect();
    let mut segs = Vec::with_capacity(raw_segments.len());
    for s in &raw_segments {
        match query::decode_segment(s) {
            Ok(d) => segs.push(d),
            Err(e) => return bad_request(&e, req.ids),
        }
    }
    let Some(version) = segs.first().and_then(|v| ApiVersion::from_segment(v)) else {
        let v = segs.first().map(String::as_str).unwrap_or("");
        return bad_request(&format!("Invalid version: {v}"), req.ids);
    };
    match segs.get(1).map(String::as_str) {
        Some("communications") => {}
        Some(other) => return segment_not_found(other, req.ids),
        None => return segment_not_found("", req.ids),
    }
    match segs.get(2).map(String::as_str) {
        Some("callRecords") => {}
        Some(other) => return segment_not_found(other, req.ids),
        None => return segment_not_found("communications", req.ids),
    }
    let q = match QueryOptions::parse(req.query) {
        Ok(q) => q,
        Err(e) => return bad_request(&e, req.ids),
    };
    let ctx = Ctx {
        req,
        version,
        opts: Opts {
            omit_nulls: req.prefer.omit_nulls,
            unknown_enums: req.prefer.unknown_enums,
        },
        q,
    };
    let rest: Vec<&str> = segs[3..]
        .iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    match rest.as_slice() {
        [] => list_records(&ctx),
        [seg] => {
            if let Some((name, args)) = split_call(seg) {
                log_function(&ctx, name, args)
            } else {
                with_record(&ctx, seg, |i| get_record(&ctx, i))
            }
        }
        [id, "sessions"] => with_record(&ctx, id, |i| list_sessions(&ctx, i)),
        [id, "participants_v2"] => with_record(&ctx, id, |i| list_participants(&ctx, i)),
        [id, "organizer_v2"] => with_record(&ctx, id, |i| get_organizer(&ctx, i)),
        [_, other, ..] => segment_not_found(other, req.ids),
    }
}

fn with_record(ctx: &Ctx<'_>, id: &str, f: impl FnOnce(usize) -> Reply) -> Reply {
    match records::record_index(ctx.config(), id) {
        Some(i) => f(i),
        None => graph_error(
            404,
            "NotFound",
            &format!("The call record with id '{id}' was not found or is older than 30 days."),
            ctx.req.ids,
        ),
    }
}

fn reject(ctx: &Ctx<'_>, what: &str, present: bool) -> Option<Reply> {
    present.then(|| {
        ctx.bad(&format!(
            "Query option '{what}' is not supported for this resource."
        ))
    })
}

fn list_records(ctx: &Ctx<'_>) -> Reply {
    if let Some(r) = reject(ctx, "$expand", ctx.q.expand.is_some()) {
        return r;
    }
    let filter = match ctx.q.filter.as_deref().map(RecordFilter::parse).transpose() {
        Ok(f) => f.unwrap_or_default(),
        Err(e) => return ctx.bad(&e),
    };
    let config = ctx.config();
    let window = records::records_in_window(
        config,
        filter.lower.map(|(t, incl)| (time::from_nanos(t), incl)),
        filter.upper.map(|(t, incl)| (time::from_nanos(t), incl)),
    );
    let size = ctx.page_size(config.page_size_records);
    let matching = window.filter(|&i| {
        filter
            .participant
            .as_deref()
            .is_none_or(|p| records::record_has_participant(config, i, p))
    });
    let mut page: Vec<usize> = matching.skip(ctx.q.skip).take(size + 1).collect();
    let more = page.len() > size;
    page.truncate(size);
    let root = ctx.ctx_root();
    let select = ctx.q.select.as_deref();
    let mut body = Vec::with_capacity(2048 * page.len() + 256);
    Obj::write(&mut body, ctx.opts, |o| {
        o.str(
            "@odata.context",
            &format!("{root}communications/callRecords"),
        );
        // `$top=0` asks for an empty page; a link that does not advance would loop.
        if more && size > 0 {
            o.str(
                "@odata.nextLink",
                &ctx.next_link(ctx.req.path, ctx.q.skip + size),
            );
        }
        o.arr("value", |a| {
            for &i in &page {
                a.obj_selected(select, |o| write_record(config, &root, i, o));
            }
        });
    });
    ctx.finish(body)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expand {
    Sessions { segments: bool },
    Participants,
}

fn parse_expand(e: &str) -> Result<Vec<Expand>, String> {
    let mut out = Vec::new();
    for item in split_top(e) {
        let item: String = item.split_whitespace().collect();
        let x = match item.as_str() {
            "sessions" | "sessions()" => Expand::Sessions { segments: false },
            "sessions($expand=segments)" => Expand::Sessions { segments: true },
            "participants_v2" | "participants_v2()" => Expand::Participants,
            _ => {
                return Err(format!(
                    "Expand of '{item}' is not supported. Supported: sessions, sessions($expand=segments), participants_v2."
                ))
            }
        };
        out.push(x);
    }
    Ok(out)
}

/// Split a comma list at depth 0.
fn split_top(s: &str) -> Vec<&str> {
    let (mut depth, mut start, mut out) = (0i32, 0usize, Vec::new());
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

fn get_record(ctx: &Ctx<'_>, i: usize) -> Reply {
    if let Some(r) = reject(ctx, "$filter", ctx.q.filter.is_some())
        .or_else(|| reject(ctx, "$top", ctx.q.top.is_some()))
        .or_else(|| reject(ctx, "$skip", ctx.q.skip > 0))
    {
        return r;
    }
    let expands = match ctx.q.expand.as_deref().map(parse_expand).transpose() {
        Ok(e) => e.unwrap_or_default(),
        Err(e) => return ctx.bad(&e),
    };
    let config = ctx.config();
    let root = ctx.ctx_root();
    let id = records::record_id(config, i);
    let sessions = expands.iter().find_map(|e| match e {
        Expand::Sessions { segments } => Some(*segments),
        _ => None,
    });
    let participants = expands.contains(&Expand::Participants);
    let context = match (sessions, participants) {
        (Some(true), _) => {
            format!("{root}communications/callRecords(sessions(segments()))/$entity")
        }
        (Some(false), _) => format!("{root}communications/callRecords(sessions())/$entity"),
        (None, true) => format!("{root}communications/callRecords(participants_v2())/$entity"),
        (None, false) => format!("{root}communications/callRecords/$entity"),
    };
    // Expanded navigations stay in the output even when `$select` does not name them.
    let select = ctx.q.select.clone().map(|mut s| {
        if sessions.is_some() {
            s.push("sessions".to_string());
        }
        if participants {
            s.push("participants_v2".to_string());
        }
        s
    });
    let mut body = Vec::with_capacity(8192);
    Obj::write_selected(&mut body, ctx.opts, select.as_deref(), |o| {
        o.str("@odata.context", &context);
        write_record(config, &root, i, o);
        o.str(
            "participants_v2@odata.context",
            &format!("{root}communications/callRecords('{id}')/participants_v2"),
        );
        if let Some(segments) = sessions {
            let n = records::session_count(config, i);
            let size = config.page_size_sessions.max(1);
            o.str(
                "sessions@odata.context",
                &format!("{root}communications/callRecords('{id}')/sessions"),
            );
            if n > size {
                let expand = if segments { "$expand=segments&" } else { "" };
                o.str(
                    "sessions@odata.nextLink",
                    &format!(
                        "{}/{}/communications/callRecords/{id}/sessions?{expand}$skip={size}",
                        ctx.req.base_url,
                        ctx.version.segment()
                    ),
                );
            }
            o.arr("sessions", |a| {
                for j in 0..n.min(size) {
                    a.obj(|o| write_session(config, i, j, segments, o));
                }
            });
        }
        if participants {
            let n = records::participant_count(config, i);
            let size = config.page_size_participants.max(1);
            if n > size {
                o.str(
                    "participants_v2@odata.nextLink",
                    &format!(
                        "{}/{}/communications/callRecords/{id}/participants_v2?$skip={size}",
                        ctx.req.base_url,
                        ctx.version.segment()
                    ),
                );
            }
            o.arr("participants_v2", |a| {
                for j in 0..n.min(size) {
                    a.obj(|o| write_participant(config, i, j, o));
                }
            });
        }
    });
    ctx.finish(body)
}

fn list_sessions(ctx: &Ctx<'_>, i: usize) -> Reply {
    if let Some(r) = reject(ctx, "$filter", ctx.q.filter.is_some()) {
        return r;
    }
    let segments = match ctx
        .q
        .expand
        .as_deref()
        .map(|e| e.split_whitespace().collect::<String>())
    {
        None => false,
        Some(e) if e == "segments" => true,
        Some(e) => {
            return ctx.bad(&format!(
                "Expand of '{e}' is not supported on sessions. Supported: segments."
            ))
        }
    };
    let config = ctx.config();
    let id = records::record_id(config, i);
    let n = records::session_count(config, i);
    let size = ctx.page_size(config.page_size_sessions);
    let start = ctx.q.skip.min(n);
    let end = (start + size).min(n);
    let root = ctx.ctx_root();
    let select = ctx.q.select.as_deref();
    let mut body = Vec::with_capacity(4096 * (end - start) + 256);
    Obj::write(&mut body, ctx.opts, |o| {
        o.str(
            "@odata.context",
            &format!("{root}communications/callRecords('{id}')/sessions"),
        );
        if end < n && size > 0 {
            o.str("@odata.nextLink", &ctx.next_link(ctx.req.path, end));
        }
        o.arr("value", |a| {
            for j in start..end {
                a.obj_selected(select, |o| write_session(config, i, j, segments, o));
            }
        });
    });
    ctx.finish(body)
}

fn list_participants(ctx: &Ctx<'_>, i: usize) -> Reply {
    if let Some(r) = reject(ctx, "$filter", ctx.q.filter.is_some())
        .or_else(|| reject(ctx, "$expand", ctx.q.expand.is_some()))
    {
        return r;
    }
    let config = ctx.config();
    let id = records::record_id(config, i);
    let n = records::participant_count(config, i);
    let size = ctx.page_size(config.page_size_participants);
    let start = ctx.q.skip.min(n);
    let end = (start + size).min(n);
    let root = ctx.ctx_root();
    let select = ctx.q.select.as_deref();
    let mut body = Vec::with_capacity(1024 * (end - start) + 256);
    Obj::write(&mut body, ctx.opts, |o| {
        o.str(
            "@odata.context",
            &format!("{root}communications/callRecords('{id}')/participants_v2"),
        );
        if end < n && size > 0 {
            o.str("@odata.nextLink", &ctx.next_link(ctx.req.path, end));
        }
        o.arr("value", |a| {
            for j in start..end {
                a.obj_selected(select, |o| write_participant(config, i, j, o));
            }
        });
    });
    ctx.finish(body)
}

fn get_organizer(ctx: &Ctx<'_>, i: usize) -> Reply {
    let config = ctx.config();
    let id = records::record_id(config, i);
    let root = ctx.ctx_root();
    let mut body = Vec::with_capacity(1024);
    Obj::write(&mut body, ctx.opts, |o| {
        o.str(
            "@odata.context",
            &format!("{root}communications/callRecords('{id}')/organizer_v2/$entity"),
        );
        write_organizer(config, i, o);
    });
    ctx.finish(body)
}

fn log_function(ctx: &Ctx<'_>, name: &str, args: &str) -> Reply {
    let kind = match LogKind::from_function_name(name) {
        Some(k) if !(k.beta_only() && ctx.version == ApiVersion::V1) => k,
        _ => return segment_not_found(name, ctx.req.ids),
    };
    if let Some(r) = reject(ctx, "$filter", ctx.q.filter.is_some())
        .or_else(|| reject(ctx, "$expand", ctx.q.expand.is_some()))
        .or_else(|| reject(ctx, "$select", ctx.q.select.is_some()))
    {
        return r;
    }
    let call = match query::parse_log_args(name, args) {
        Ok(c) => c,
        Err(e) => return ctx.bad(&e),
    };
    if call.from > call.to {
        return ctx.bad(&format!(
            "fromDateTime ({}) must not be later than toDateTime ({}).",
            time::format(call.from, 0),
            time::format(call.to, 0)
        ));
    }
    if let Some(days) = kind.max_days() {
        if call.to - call.from > i128::from(days) * DAY {
            return ctx.bad(&format!(
                "The requested time range exceeds the maximum of {days} days for {name}."
            ));
        }
    }
    let config = ctx.config();
    let range = range_nanos(config, kind, call.from, call.to);
    let total = range.end - range.start;
    let size = ctx.page_size(config.log_page_size) as u64;
    let skip = ctx.q.skip as u64;
    let first = range.start.saturating_add(skip.min(total));
    let end = first.saturating_add(size).min(range.end);
    let rows = end - first;
    let row_bytes = match kind {
        LogKind::PstnCalls | LogKind::DirectRoutingCalls => 900,
        _ => 450,
    };
    let mut body = Vec::with_capacity(row_bytes * rows as usize + 512);
    let root = ctx.ctx_root();
    let version = ctx.version;
    Obj::write(&mut body, ctx.opts, |o| {
        o.str(
            "@odata.context",
            &format!(
                "{root}Collection(microsoft.graph.callRecords.{})",
                kind.row_type()
            ),
        );
        o.raw("@odata.count", rows);
        o.arr("value", |a| {
            for i in first..end {
                a.obj(|o| write_log_row(config, kind, version, i, o));
            }
        });
        if end < range.end && size > 0 {
            o.str(
                "@odata.nextLink",
                &ctx.next_link(ctx.req.path, (end - range.start) as usize),
            );
        }
    });
    let mut reply = ctx.finish(body);
    reply.rows = rows;
    reply
}
