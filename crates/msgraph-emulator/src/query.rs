//! Parsing of OData query options, `Prefer` headers, `$filter` and function segments.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};

use crate::time::{self, Nanos};

/// Characters escaped when a query value is put back into a next link.
const QUERY_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// Percent-encode a query value for a next link.
pub fn encode_value(v: &str) -> String {
    utf8_percent_encode(v, QUERY_VALUE).to_string()
}

/// Decode a query component (`+` is a space, as in forms).
fn decode_query(s: &str) -> Result<String, String> {
    let s = s.replace('+', " ");
    percent_decode_str(&s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| {
            format!("The query string part '{s}' is not valid UTF-8 after percent-decoding.")
        })
}

/// Decode a path segment. A literal `+` stays `+` at the HTTP layer but OData
/// services read it as a space, so it is mapped to a space here.
pub fn decode_segment(s: &str) -> Result<String, String> {
    let s = s.replace('+', " ");
    percent_decode_str(&s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| format!("The path segment '{s}' is not valid UTF-8 after percent-decoding."))
}

/// The system query options of one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryOptions {
    /// `$filter`
    pub filter: Option<String>,
    /// `$select`, split on commas.
    pub select: Option<Vec<String>>,
    /// `$expand`
    pub expand: Option<String>,
    /// `$top`
    pub top: Option<usize>,
    /// `$skip` (also read from `$skiptoken`).
    pub skip: usize,
    /// `$count`
    pub count: Option<bool>,
}

impl QueryOptions {
    /// Parse a raw (still percent-encoded) query string.
    pub fn parse(raw: Option<&str>) -> Result<Self, String> {
        let mut q = QueryOptions::default();
        let Some(raw) = raw else { return Ok(q) };
        for part in raw.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            let key = decode_query(k)?;
            let value = decode_query(v)?;
            let dup = || format!("Query option '{key}' was specified more than once.");
            match key.as_str() {
                "$filter" => set_once(&mut q.filter, value, dup)?,
                "$select" => {
                    let list = value
                        .split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect();
                    set_once(&mut q.select, list, dup)?;
                }
                "$expand" => set_once(&mut q.expand, value, dup)?,
                "$top" => {
                    let n = value
                        .parse::<usize>()
                        .map_err(|_| format!("Invalid value '{value}' for $top query option found. The $top query option requires a non-negative integer value."))?;
                    set_once(&mut q.top, n, dup)?;
                }
                "$skip" | "$skiptoken" => {
                    q.skip = value
                        .parse::<usize>()
                        .map_err(|_| format!("Invalid value '{value}' for {key} query option found. It requires a non-negative integer value."))?;
                }
                "$count" => {
                    q.count = Some(match value.as_str() {
                        "true" => true,
                        "false" => false,
                        _ => return Err(format!("'{value}' is not a valid count option.")),
                    });
                }
                k if k.starts_with('$') => {
                    return Err(format!("Query option '{k}' is not supported."));
                }
                // Non-system parameters are ignored, as Graph does.
                _ => {}
            }
        }
        Ok(q)
    }
}

fn set_once<T>(slot: &mut Option<T>, v: T, dup: impl Fn() -> String) -> Result<(), String> {
    match slot.replace(v) {
        Some(_) => Err(dup()),
        None => Ok(()),
    }
}

/// What the `Prefer` request headers ask for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Prefer {
    /// `odata.maxpagesize=N`
    pub max_page_size: Option<usize>,
    /// `include-unknown-enum-members`
    pub unknown_enums: bool,
    /// `omit-values=nulls`
    pub omit_nulls: bool,
}

impl Prefer {
    /// Parse every `Prefer` header value; unknown preferences are ignored (RFC 7240).
    pub fn parse<'a>(values: impl IntoIterator<Item = &'a str>) -> Self {
        let mut p = Prefer::default();
        for v in values {
            for token in v.split(',').map(str::trim) {
                let lower = token.to_ascii_lowercase();
                if let Some(n) = lower.strip_prefix("odata.maxpagesize=") {
                    p.max_page_size = n.trim_matches('"').parse().ok();
                } else if lower == "include-unknown-enum-members" {
                    p.unknown_enums = true;
                } else if lower == "omit-values=nulls" {
                    p.omit_nulls = true;
                }
            }
        }
        p
    }
}

/// One comparison on `startDateTime`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    /// `lt`
    Lt,
    /// `le`
    Le,
    /// `gt`
    Gt,
    /// `ge`
    Ge,
}

/// The `$filter` forms List callRecords supports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordFilter {
    /// Lower bound on startDateTime (value, inclusive).
    pub lower: Option<(Nanos, bool)>,
    /// Upper bound on startDateTime (value, inclusive).
    pub upper: Option<(Nanos, bool)>,
    /// `participants_v2/any(p:p/id eq '...')`
    pub participant: Option<String>,
}

fn unsupported(clause: &str) -> String {
    format!(
        "Invalid filter clause: '{clause}'. Only startDateTime (lt, le, gt, ge) and participants_v2/any(p:p/id eq '<id>') are supported, combined with 'and'."
    )
}

impl RecordFilter {
    /// Parse a `$filter` value.
    pub fn parse(filter: &str) -> Result<Self, String> {
        let mut f = RecordFilter::default();
        for clause in split_and(filter) {
            let clause = clause.trim();
            if clause.is_empty() {
                return Err(unsupported(filter));
            }
            if let Some(id) = parse_any(clause) {
                if f.participant.replace(id).is_some() {
                    return Err(unsupported(clause));
                }
                continue;
            }
            let words: Vec<&str> = clause.split_whitespace().collect();
            let [prop, op, lit] = words.as_slice() else {
                return Err(unsupported(clause));
            };
            if !prop.eq_ignore_ascii_case("startDateTime") {
                return Err(unsupported(clause));
            }
            let cmp = match op.to_ascii_lowercase().as_str() {
                "lt" => Cmp::Lt,
                "le" => Cmp::Le,
                "gt" => Cmp::Gt,
                "ge" => Cmp::Ge,
                _ => return Err(unsupported(clause)),
            };
            let t = time::parse_literal(lit)
                .map_err(|e| format!("Invalid filter clause '{clause}': {e}"))?;
            let slot = match cmp {
                Cmp::Gt | Cmp::Ge => &mut f.lower,
                Cmp::Lt | Cmp::Le => &mut f.upper,
            };
            let incl = matches!(cmp, Cmp::Ge | Cmp::Le);
            // Two bounds on the same side: keep the tighter one.
            *slot = Some(match (*slot, cmp) {
                (None, _) => (t, incl),
                (Some(old), Cmp::Gt | Cmp::Ge) => tighter(old, (t, incl), true),
                (Some(old), _) => tighter(old, (t, incl), false),
            });
        }
        Ok(f)
    }
}

fn tighter(a: (Nanos, bool), b: (Nanos, bool), lower: bool) -> (Nanos, bool) {
    match a.0.cmp(&b.0) {
        std::cmp::Ordering::Equal => (a.0, a.1 && b.1),
        std::cmp::Ordering::Less => {
            if lower {
                b
            } else {
                a
            }
        }
        std::cmp::Ordering::Greater => {
            if lower {
                a
            } else {
                b
            }
        }
    }
}

/// Split on the `and` keyword outside parentheses and quotes.
fn split_and(s: &str) -> Vec<&str> {
    let bytes = s.as_bytes();
    let (mut depth, mut quote, mut start, mut out) = (0i32, false, 0usize, Vec::new());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => quote = !quote,
            b'(' if !quote => depth += 1,
            b')' if !quote => depth -= 1,
            b' ' if !quote && depth == 0 => {
                let rest = &s[i..];
                if rest.len() >= 5 && rest[..5].eq_ignore_ascii_case(" and ") {
                    out.push(&s[start..i]);
                    i += 5;
                    start = i;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&s[start..]);
    out
}

/// `participants_v2/any(p:p/id eq 'X')` with any lambda variable name.
fn parse_any(clause: &str) -> Option<String> {
    let compact: String = clause.split_whitespace().collect::<Vec<_>>().join(" ");
    let rest = compact.strip_prefix("participants_v2/any(")?;
    let body = rest.strip_suffix(')')?;
    let (var, pred) = body.split_once(':')?;
    let var = var.trim();
    if var.is_empty() || !var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let pred = pred.trim();
    let after = pred.strip_prefix(var)?.strip_prefix("/id eq ")?;
    let lit = after.trim().strip_prefix('\'')?.strip_suffix('\'')?;
    if lit.contains('\'') && !lit.contains("''") {
        return None;
    }
    Some(lit.replace("''", "'"))
}

/// A parsed function call segment `name(fromDateTime=..,toDateTime=..)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionCall {
    /// Function name without the `microsoft.graph.callRecords.` prefix.
    pub name: String,
    /// `fromDateTime`
    pub from: Nanos,
    /// `toDateTime`
    pub to: Nanos,
}

/// Namespace prefix Kiota-generated clients use.
pub const NAMESPACE: &str = "microsoft.graph.callRecords.";

/// Split a decoded segment into a function name and its raw argument list, if it is a call.
pub fn split_call(segment: &str) -> Option<(&str, &str)> {
    let open = segment.find('(')?;
    let args = segment[open + 1..].strip_suffix(')')?;
    let name = &segment[..open];
    Some((name.strip_prefix(NAMESPACE).unwrap_or(name), args))
}

/// Parse the `fromDateTime` / `toDateTime` arguments of a log function.
pub fn parse_log_args(name: &str, args: &str) -> Result<FunctionCall, String> {
    let (mut from, mut to) = (None, None);
    for arg in args.split(',').filter(|a| !a.trim().is_empty()) {
        let Some((k, v)) = arg.split_once('=') else {
            return Err(format!(
                "The argument '{arg}' of function '{name}' is not of the form name=value."
            ));
        };
        let slot = match k.trim() {
            k if k.eq_ignore_ascii_case("fromDateTime") => &mut from,
            k if k.eq_ignore_ascii_case("toDateTime") => &mut to,
            other => {
                return Err(format!("The parameter '{other}' is not in scope for function '{name}'; expected fromDateTime and toDateTime."))
            }
        };
        let t = time::parse_literal(v.trim()).map_err(|e| {
            format!(
                "Invalid value for parameter '{}' of function '{name}': {e}",
                k.trim()
            )
        })?;
        if slot.replace(t).is_some() {
            return Err(format!(
                "The parameter '{}' of function '{name}' is specified more than once.",
                k.trim()
            ));
        }
    }
    let from = from
        .ok_or_else(|| format!("The parameter 'fromDateTime' of function '{name}' is missing."))?;
    let to =
        to.ok_or_else(|| format!("The parameter 'toDateTime' of function '{name}' is missing."))?;
    Ok(FunctionCall {
        name: name.to_string(),
        from,
        to,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_options() {
        let q = QueryOptions::parse(Some(
            "%24filter=startDateTime+ge+2026-11-01&$top=5&$skip=10&x=1",
        ))
        .unwrap();
        assert_eq!(q.filter.as_deref(), Some("startDateTime ge 2026-11-01"));
        assert_eq!(q.top, Some(5));
        assert_eq!(q.skip, 10);
        assert!(QueryOptions::parse(Some("$skip=-1")).is_err());
        assert!(QueryOptions::parse(Some("$orderby=id")).is_err());
        assert!(QueryOptions::parse(Some("$top=1&$top=2")).is_err());
    }

    #[test]
    fn prefer() {
        let p = Prefer::parse([
            "odata.maxpagesize=10, include-unknown-enum-members",
            "omit-values=nulls",
        ]);
        assert_eq!(p.max_page_size, Some(10));
        assert!(p.unknown_enums && p.omit_nulls);
    }

    #[test]
    fn filters() {
        let f = RecordFilter::parse(
            "startDateTime ge 2026-11-01T00:00:00Z and startDateTime lt 2026-11-02",
        )
        .unwrap();
        assert!(f.lower.unwrap().1);
        assert!(!f.upper.unwrap().1);
        let f = RecordFilter::parse("participants_v2/any(p:p/id eq 'abc')").unwrap();
        assert_eq!(f.participant.as_deref(), Some("abc"));
        let f = RecordFilter::parse(
            "participants_v2/any(x: x/id eq 'a''b') and startDateTime gt 2026-11-01",
        )
        .unwrap();
        assert_eq!(f.participant.as_deref(), Some("a'b"));
        for bad in [
            "endDateTime ge 2026-11-01",
            "startDateTime eq 2026-11-01",
            "startDateTime ge x",
            "",
            "startDateTime ge 2026-11-01 or startDateTime lt 2026-11-02",
        ] {
            assert!(RecordFilter::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn calls() {
        let (n, a) = split_call("microsoft.graph.callRecords.getPstnCalls(fromDateTime=2026-11-01,toDateTime=2026-11-02)").unwrap();
        assert_eq!(n, "getPstnCalls");
        let c = parse_log_args(n, a).unwrap();
        assert_eq!(c.to - c.from, time::DAY);
        assert!(parse_log_args(n, "fromDateTime=2026-11-01").is_err());
        assert!(parse_log_args(n, "fromDateTime=2026-11-01,toDateTime=bad").is_err());
        assert!(parse_log_args(n, "fromDateTime=2026-11-01,toDateTime=2026-11-02,x=1").is_err());
        assert!(split_call("abc").is_none());
    }
}
