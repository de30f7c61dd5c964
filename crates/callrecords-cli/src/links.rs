//! Which next links an export may follow and save in a checkpoint: on the
//! Graph host, under the API version root, for the resource and range of the
//! window being read, and (while paging) not seen before in that window.
//!
//! The runtime's pager makes the host and loop checks too, but it yields the
//! page that carried a refused link (with that link as its next link); the
//! export checks the link itself before it writes the page, so a checkpoint
//! only ever holds a link the export would follow. A checkpoint's link is
//! checked the same way before `--resume` uses it.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use percent_encoding::percent_decode_str;
use url::Url;

use crate::plan::TICK;

/// Why a link is refused (for a person).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not a URL, or a relative one that does not start with `/`.
    Malformed(String),
    /// Another scheme, host or port than the Graph service root (or user info).
    ForeignHost(String),
    /// Another API version, resource or function than the request.
    OtherResource {
        /// What the link asks for.
        link: String,
        /// What the request asked for.
        request: String,
    },
    /// The same function over another range (or call records with another filter).
    OtherRange(String),
    /// A link already requested in this window: following it would repeat pages.
    Loop,
}

impl Refusal {
    /// A sentence for an error message.
    pub fn describe(&self) -> String {
        match self {
            Refusal::Malformed(e) => format!("it is not a usable URL ({e})"),
            Refusal::ForeignHost(host) => {
                format!("it points to another host ({host}) than the Graph service")
            }
            Refusal::OtherResource { link, request } => {
                format!("it asks for {link}, not for {request} like the request")
            }
            Refusal::OtherRange(what) => format!("it asks for another range ({what})"),
            Refusal::Loop => {
                "it was already requested in this window (a paging loop: following it would repeat rows)"
                    .to_string()
            }
        }
    }
}

/// The checks for the links of one window.
pub struct WindowLinks {
    root: Url,
    request: Url,
    seen: HashSet<String>,
}

impl WindowLinks {
    /// Links of the window requested by `request_path` (relative to `root`,
    /// the versioned service root).
    pub fn new(root: &Url, request_path: &str) -> Result<Self, Refusal> {
        let request = absolute(root, request_path)?;
        Ok(WindowLinks {
            root: root.clone(),
            request,
            seen: HashSet::new(),
        })
    }

    /// Check `link` (absolute, or relative to the root) against the window;
    /// nothing is remembered.
    pub fn check(&self, link: &str) -> Result<Url, Refusal> {
        let url = absolute(&self.root, link)?;
        if url.origin() != self.root.origin()
            || !url.username().is_empty()
            || url.password().is_some()
        {
            return Err(Refusal::ForeignHost(
                url.host_str().unwrap_or("no host").to_string(),
            ));
        }
        let (want, got) = (resource(&self.request), resource(&url));
        if want != got {
            return Err(Refusal::OtherResource {
                link: got,
                request: want,
            });
        }
        same_range(&self.request, &url)?;
        Ok(url)
    }

    /// Remember that `link` is requested (the window's start, or a resumed link).
    pub fn requested(&mut self, link: &str) -> Result<(), Refusal> {
        let url = self.check(link)?;
        self.seen.insert(url.as_str().to_string());
        Ok(())
    }

    /// Check a next link about to be followed (and saved): as [`Self::check`],
    /// and not requested before in this window. Remembers it.
    pub fn follow(&mut self, link: &str) -> Result<(), Refusal> {
        let url = self.check(link)?;
        if !self.seen.insert(url.as_str().to_string()) {
            return Err(Refusal::Loop);
        }
        Ok(())
    }
}

/// `link` as an absolute URL: relative links (`/communications/…`) are
/// under `root`.
fn absolute(root: &Url, link: &str) -> Result<Url, Refusal> {
    let text = if link.starts_with('/') && !link.starts_with("//") {
        format!("{}{link}", root.as_str().trim_end_matches('/'))
    } else {
        link.to_string()
    };
    Url::parse(&text).map_err(|e| Refusal::Malformed(e.to_string()))
}

/// The resource a URL asks for, comparable across the forms Graph writes:
/// the path with a function's namespace and parameters dropped
/// (`…/microsoft.graph.callRecords.getPstnCalls(fromDateTime=…)` and
/// `…/getPstnCalls(from=…)` are both `…/getPstnCalls()`).
fn resource(url: &Url) -> String {
    let path = percent_decode_str(url.path()).decode_utf8_lossy();
    let mut segments: Vec<String> = path.split('/').map(str::to_string).collect();
    if let Some(last) = segments.last_mut() {
        if let Some((name, _)) = last.split_once('(') {
            let short = name.rsplit('.').next().unwrap_or(name);
            *last = format!("{short}()");
        }
    }
    segments.join("/")
}

/// The parameters of a function segment (`name=value`, decoded).
fn function_params(url: &Url) -> Vec<(String, String)> {
    let path = percent_decode_str(url.path())
        .decode_utf8_lossy()
        .into_owned();
    let Some(last) = path.rsplit('/').next() else {
        return Vec::new();
    };
    let Some(inner) = last
        .split_once('(')
        .and_then(|(_, rest)| rest.strip_suffix(')'))
    else {
        return Vec::new();
    };
    inner
        .split(',')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| {
            (
                k.trim().to_string(),
                v.trim().trim_matches('\'').to_string(),
            )
        })
        .collect()
}

/// The `from` / `to` of a function URL, by either of the names Graph uses.
fn range_param(params: &[(String, String)], short: &str, long: &str) -> Option<String> {
    params
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(short) || k.eq_ignore_ascii_case(long))
        .map(|(_, v)| v.clone())
}

/// A range literal: an instant, or a date (Graph's documented links use dates).
enum Literal {
    Instant(DateTime<Utc>),
    Date(NaiveDate),
}

fn literal(text: &str) -> Option<Literal> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(Literal::Instant(t.with_timezone(&Utc)));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .map(Literal::Date)
}

/// Whether a link's literal names the request's instant: the same instant,
/// or (a date) the day it falls on; an inclusive end one tick before midnight
/// may be written as the next day.
fn agrees(link: &str, request: &str, end: bool) -> bool {
    let (Some(link), Some(Literal::Instant(req))) = (literal(link), literal(request)) else {
        // The request's own literal is always an instant; unreadable in the
        // link is a mismatch.
        return false;
    };
    match link {
        Literal::Instant(t) => t == req,
        Literal::Date(d) => d == req.date_naive() || (end && d == (req + TICK).date_naive()),
    }
}

/// The link asks for the request's range: the function's `from` / `to`, or
/// the `$filter` of a collection, when the link carries them.
fn same_range(request: &Url, link: &Url) -> Result<(), Refusal> {
    let (want, got) = (function_params(request), function_params(link));
    for (short, long, end) in [("from", "fromDateTime", false), ("to", "toDateTime", true)] {
        if let Some(req) = range_param(&want, short, long) {
            match range_param(&got, short, long) {
                Some(l) if agrees(&l, &req, end) => {}
                Some(l) => return Err(Refusal::OtherRange(format!("{long} {l}, not {req}"))),
                None => {
                    return Err(Refusal::OtherRange(format!("no {long} in the link")));
                }
            }
        }
    }
    let filter = |u: &Url| {
        u.query_pairs()
            .find(|(k, _)| k == "$filter")
            .map(|(_, v)| v.into_owned())
    };
    if let (Some(req), Some(l)) = (filter(request), filter(link)) {
        // The instants are what bound the range; compared as instants, so
        // a service that writes them another way (`.0000000Z`) still agrees.
        if filter_instants(&req) != filter_instants(&l) {
            return Err(Refusal::OtherRange(format!("$filter {l}, not {req}")));
        }
    }
    Ok(())
}

/// The instants a `$filter` compares with, in order.
fn filter_instants(filter: &str) -> Vec<DateTime<Utc>> {
    filter
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '\''))
        .filter_map(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const REQ: &str = "/communications/callRecords/microsoft.graph.callRecords.getPstnCalls(fromDateTime=2026-11-01T00:00:00Z,toDateTime=2026-11-01T23:59:59.9999999Z)";

    fn window() -> WindowLinks {
        let root = Url::parse("http://127.0.0.1:9/v1.0").unwrap();
        WindowLinks::new(&root, REQ).unwrap()
    }

    #[test]
    fn the_forms_graph_writes_are_accepted() {
        let w = window();
        w.check(&format!("{REQ}?$skip=1000")).unwrap();
        w.check(&format!("http://127.0.0.1:9/v1.0{REQ}?$skip=1000"))
            .unwrap();
        // The documented form: no namespace, short names, dates.
        w.check(
            "/communications/callRecords/getPstnCalls(from=2026-11-01,to=2026-11-02)?$skip=1000",
        )
        .unwrap();
    }

    #[test]
    fn other_hosts_resources_and_ranges_are_refused() {
        let w = window();
        let cases = [
            (format!("https://evil.example/v1.0{REQ}"), "host"),
            (format!("http://127.0.0.1:10/v1.0{REQ}"), "host"),
            (format!("http://127.0.0.1:9/beta{REQ}"), "resource"),
            (
                "/communications/callRecords/microsoft.graph.callRecords.getSmsLog(fromDateTime=2026-11-01T00:00:00Z,toDateTime=2026-11-01T23:59:59.9999999Z)".to_string(),
                "resource",
            ),
            (
                "/communications/callRecords/microsoft.graph.callRecords.getPstnCalls(fromDateTime=2026-10-01T00:00:00Z,toDateTime=2026-11-01T23:59:59.9999999Z)".to_string(),
                "range",
            ),
            ("/communications/callRecords/getPstnCalls(from=2026-11-03,to=2026-11-04)".to_string(), "range"),
            ("not a url".to_string(), "malformed"),
        ];
        for (link, why) in cases {
            let e = w.check(&link).expect_err(&link);
            let ok = matches!(
                (&e, why),
                (Refusal::ForeignHost(_), "host")
                    | (Refusal::OtherResource { .. }, "resource")
                    | (Refusal::OtherRange(_), "range")
                    | (Refusal::Malformed(_), "malformed")
            );
            assert!(ok, "{link}: {e:?}");
        }
    }

    #[test]
    fn a_link_requested_before_is_a_loop() {
        let mut w = window();
        w.requested(REQ).unwrap();
        w.follow(&format!("{REQ}?$skip=1000")).unwrap();
        assert_eq!(w.follow(REQ), Err(Refusal::Loop));
        assert_eq!(w.follow(&format!("{REQ}?$skip=1000")), Err(Refusal::Loop));
        w.follow(&format!("{REQ}?$skip=2000")).unwrap();
    }

    #[test]
    fn call_record_links_keep_the_filter() {
        let root = Url::parse("http://127.0.0.1:9/v1.0").unwrap();
        let req = "/communications/callRecords?$filter=startDateTime%20ge%202026-11-01T00:00:00Z";
        let w = WindowLinks::new(&root, req).unwrap();
        w.check(&format!("{req}&$skip=60")).unwrap();
        w.check("/communications/callRecords?$filter=startDateTime+ge+2026-11-01T00:00:00.0000000Z&$skiptoken=x")
            .unwrap();
        w.check("/communications/callRecords?$skiptoken=abc")
            .unwrap();
        let e = w
            .check("/communications/callRecords?$filter=startDateTime%20ge%202026-10-01T00:00:00Z&$skip=60")
            .unwrap_err();
        assert!(matches!(e, Refusal::OtherRange(_)), "{e:?}");
        let e = w
            .check("/communications/callRecords/abc/sessions")
            .unwrap_err();
        assert!(matches!(e, Refusal::OtherResource { .. }), "{e:?}");
    }
}
