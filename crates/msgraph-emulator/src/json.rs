//! A minimal streaming JSON writer into a byte buffer.
//!
//! Rows are written straight into the response buffer (no `serde_json::Value`
//! per row) so the log functions can serve hundreds of thousands of rows per
//! second. Member order is the order of the calls, so output is byte-stable.

use std::fmt::Display;
use std::io::Write;

/// Output options that apply to a whole response.
#[derive(Debug, Clone, Copy, Default)]
pub struct Opts {
    /// `Prefer: omit-values=nulls`: drop members whose value is null.
    pub omit_nulls: bool,
    /// `Prefer: include-unknown-enum-members`: send members after `unknownFutureValue`.
    pub unknown_enums: bool,
}

/// Write a JSON string literal.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    let plain = s
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\');
    if plain {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else if serde_json::to_writer(&mut *out, s).is_err() {
        // Writing a &str into a Vec cannot fail; keep the output valid regardless.
        out.extend_from_slice(b"\"\"");
    }
}

/// Writer for the members of one JSON object (the braces are written by the caller).
pub struct Obj<'a> {
    out: &'a mut Vec<u8>,
    opts: Opts,
    first: bool,
    select: Option<&'a [String]>,
}

impl<'a> Obj<'a> {
    /// Write a whole object `{...}` into `out`.
    pub fn write(out: &mut Vec<u8>, opts: Opts, f: impl FnOnce(&mut Obj<'_>)) {
        Self::write_selected(out, opts, None, f);
    }

    /// Like [`Obj::write`], keeping only the members named in `select`
    /// (plus `id` and annotations) when it is `Some`.
    pub fn write_selected(
        out: &mut Vec<u8>,
        opts: Opts,
        select: Option<&[String]>,
        f: impl FnOnce(&mut Obj<'_>),
    ) {
        out.push(b'{');
        let mut o = Obj {
            out,
            opts,
            first: true,
            select,
        };
        f(&mut o);
        o.out.push(b'}');
    }

    /// The response-wide options.
    pub fn opts(&self) -> Opts {
        self.opts
    }

    fn key(&mut self, k: &str) -> bool {
        if let Some(sel) = self.select {
            let annotation = k.starts_with('@');
            let nav = k.split_once('@').map(|(n, _)| n).unwrap_or(k);
            if !annotation && k != "id" && !sel.iter().any(|s| s == nav) {
                return false;
            }
        }
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        self.out.push(b'"');
        self.out.extend_from_slice(k.as_bytes());
        self.out.extend_from_slice(b"\":");
        true
    }

    /// A string member.
    pub fn str(&mut self, k: &str, v: &str) {
        if self.key(k) {
            write_str(self.out, v);
        }
    }

    /// A string member written from `Display` without an intermediate `String`
    /// (escaped if the text needs it).
    pub fn display(&mut self, k: &str, v: impl Display) {
        self.text_with(k, |out| {
            let _ = write!(out, "{v}");
        });
    }

    /// A string member whose text `f` appends to the buffer (escaped afterwards if
    /// the text needs it). Cheaper than [`Obj::display`]: no formatting machinery.
    pub fn text_with(&mut self, k: &str, f: impl FnOnce(&mut Vec<u8>)) {
        if self.key(k) {
            let start = self.out.len();
            self.out.push(b'"');
            f(self.out);
            let plain = self.out[start + 1..]
                .iter()
                .all(|&b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\');
            if plain {
                self.out.push(b'"');
            } else {
                let text = String::from_utf8_lossy(&self.out[start + 1..]).into_owned();
                self.out.truncate(start);
                write_str(self.out, &text);
            }
        }
    }

    /// A string member from an already escaped JSON string literal (quotes included,
    /// as made by [`write_str`]); lets callers escape repeated values once.
    pub fn json_str(&mut self, k: &str, literal: &str) {
        if self.key(k) {
            self.out.extend_from_slice(literal.as_bytes());
        }
    }

    /// An unsigned integer member.
    pub fn uint(&mut self, k: &str, v: u64) {
        if self.key(k) {
            push_u64(self.out, v);
        }
    }

    /// A fixed-point decimal member (see [`Cents`]).
    pub fn cents(&mut self, k: &str, v: Cents) {
        if self.key(k) {
            v.write_to(self.out);
        }
    }

    /// A string member or null.
    pub fn opt_str(&mut self, k: &str, v: Option<&str>) {
        match v {
            Some(v) => self.str(k, v),
            None => self.null(k),
        }
    }

    /// A null member (omitted under `omit-values=nulls`).
    pub fn null(&mut self, k: &str) {
        if !self.opts.omit_nulls && self.key(k) {
            self.out.extend_from_slice(b"null");
        }
    }

    /// A number or boolean member, written with `Display`.
    pub fn raw(&mut self, k: &str, v: impl Display) {
        if self.key(k) {
            let _ = write!(self.out, "{v}");
        }
    }

    /// A number/boolean member or null.
    pub fn opt_raw<T: Display>(&mut self, k: &str, v: Option<T>) {
        match v {
            Some(v) => self.raw(k, v),
            None => self.null(k),
        }
    }

    /// A nested object member.
    pub fn obj(&mut self, k: &str, f: impl FnOnce(&mut Obj<'_>)) {
        if self.key(k) {
            Obj::write(self.out, self.opts, f);
        }
    }

    /// A nested array member.
    pub fn arr(&mut self, k: &str, f: impl FnOnce(&mut Arr<'_>)) {
        if self.key(k) {
            Arr::write(self.out, self.opts, f);
        }
    }
}

/// Writer for the elements of one JSON array.
pub struct Arr<'a> {
    out: &'a mut Vec<u8>,
    opts: Opts,
    first: bool,
}

impl Arr<'_> {
    /// Write a whole array `[...]` into `out`.
    pub fn write(out: &mut Vec<u8>, opts: Opts, f: impl FnOnce(&mut Arr<'_>)) {
        out.push(b'[');
        let mut a = Arr {
            out,
            opts,
            first: true,
        };
        f(&mut a);
        a.out.push(b']');
    }

    fn sep(&mut self) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
    }

    /// A string element.
    pub fn str(&mut self, v: &str) {
        self.sep();
        write_str(self.out, v);
    }

    /// A number or boolean element.
    pub fn raw(&mut self, v: impl Display) {
        self.sep();
        let _ = write!(self.out, "{v}");
    }

    /// An object element.
    pub fn obj(&mut self, f: impl FnOnce(&mut Obj<'_>)) {
        self.sep();
        Obj::write(self.out, self.opts, f);
    }

    /// An object element restricted by `$select`.
    pub fn obj_selected(&mut self, select: Option<&[String]>, f: impl FnOnce(&mut Obj<'_>)) {
        self.sep();
        Obj::write_selected(self.out, self.opts, select, f);
    }
}

/// Append the decimal digits of `v` (what `Display` writes, without its machinery).
pub fn push_u64(out: &mut Vec<u8>, v: u64) {
    push_u64_padded(out, v, 1);
}

/// Append `v` zero-padded to at least `width` digits (like `{:0width$}`).
pub fn push_u64_padded(out: &mut Vec<u8>, mut v: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let start = i.min(buf.len().saturating_sub(width));
    out.extend_from_slice(&buf[start..]);
}

/// A fixed-point decimal written from an integer count of hundredths (`62` -> `0.62`).
pub struct Cents(pub i64);

impl Cents {
    /// Append the same text as `Display`.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        if self.0 < 0 {
            out.push(b'-');
        }
        let a = self.0.unsigned_abs();
        push_u64(out, a / 100);
        out.push(b'.');
        push_u64_padded(out, a % 100, 2);
    }
}

impl Display for Cents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", a / 100, a % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_valid_json_with_options() {
        let mut out = Vec::new();
        Obj::write(&mut out, Opts::default(), |o| {
            o.str("a", "x\"y");
            o.null("b");
            o.raw("c", Cents(62));
            o.arr("d", |a| {
                a.str("s");
                a.obj(|o| o.raw("n", 1));
            });
        });
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["a"], "x\"y");
        assert!(v["b"].is_null());
        assert_eq!(v["c"].to_string(), "0.62");
        assert_eq!(v["d"][1]["n"], 1);

        let mut out = Vec::new();
        let sel = vec!["c".to_string()];
        let opts = Opts {
            omit_nulls: true,
            ..Opts::default()
        };
        Obj::write_selected(&mut out, opts, Some(&sel), |o| {
            o.str("id", "i");
            o.str("a", "x");
            o.null("c");
            o.raw("c", 5);
        });
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"id":"i","c":5}"#);
        assert_eq!(Cents(-5).to_string(), "-0.05");

        let mut out = Vec::new();
        Obj::write(&mut out, Opts::default(), |o| {
            o.display("a", format_args!("{}-{}", 1, 2));
            o.display("b", "q\"é");
        });
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"a":"1-2","b":"q\"é"}"#);
    }

    #[test]
    fn fast_writers_match_display() {
        for v in [0u64, 7, 10, 99, 100, 12_345, u64::MAX] {
            let mut out = Vec::new();
            push_u64(&mut out, v);
            assert_eq!(out, v.to_string().into_bytes());
            out.clear();
            push_u64_padded(&mut out, v, 8);
            assert_eq!(out, format!("{v:08}").into_bytes());
        }
        for c in [0i64, 5, -5, 62, 100, -12_345, i64::MIN, i64::MAX] {
            let mut out = Vec::new();
            Cents(c).write_to(&mut out);
            assert_eq!(out, Cents(c).to_string().into_bytes());
        }
        let mut out = Vec::new();
        Obj::write(&mut out, Opts::default(), |o| {
            o.uint("n", 42);
            o.cents("c", Cents(-7));
            o.json_str("s", r#""a\"b""#);
            o.text_with("t", |b| b.extend_from_slice("x\"é".as_bytes()));
        });
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"n":42,"c":-0.07,"s":"a\"b","t":"x\"é"}"#
        );
    }
}
