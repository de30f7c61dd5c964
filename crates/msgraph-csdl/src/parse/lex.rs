//! A small XML tokenizer for CSDL documents.
//!
//! It yields start tags (with their attributes already sliced), end tags,
//! text and CDATA; comments, processing instructions and `<!DOCTYPE>` are
//! skipped. A generic event reader followed by a separate attribute scan
//! reads every tag twice; here each byte of markup is looked at once, which
//! is most of the difference between "read the events" and "build the model".
//!
//! Checked: every tag, comment, CDATA section and processing instruction is
//! closed; attributes are `key="value"` or `key='value'`; end tags match
//! their start tags. Values are raw slices of the input (escapes are decoded
//! by the caller).

/// One attribute of the last start tag.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attr<'a> {
    /// Local name (after any `prefix:`).
    pub key: &'a str,
    /// Raw value between the quotes (escapes not decoded).
    pub value: &'a str,
}

/// What [`Lexer::next_token`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Token<'a> {
    /// `<name ...>` or, with `empty`, `<name .../>`; attributes are in [`Lexer::attrs`].
    Start {
        /// Local name (after any `prefix:`).
        local: &'a str,
        /// Self-closing tag.
        empty: bool,
    },
    /// `</name>` matching the innermost open start tag.
    End,
    /// Character data, raw (entity references not decoded).
    Text(&'a str),
    /// The content of a CDATA section.
    CData(&'a str),
    /// End of input.
    Eof,
}

/// A well-formedness error at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LexError {
    /// Byte offset the error refers to.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

/// The tokenizer state.
pub(crate) struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    /// Byte offset of the first byte of the last token.
    pub start: usize,
    /// Attributes of the last start tag (reused between tags).
    pub attrs: Vec<Attr<'a>>,
    /// Qualified names of the open elements, for end-tag checks.
    open: Vec<&'a str>,
    /// Newlines before `pos` (counted while scanning, so that positions
    /// cost nothing extra).
    line: usize,
    /// Offset just after the last newline before `pos`.
    line_start: usize,
    /// `line` at `start`.
    pub start_line: usize,
    /// `line_start` at `start`.
    pub start_line_start: usize,
}

#[inline(always)]
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Bytes that end a tag or attribute name.
#[inline(always)]
fn ends_name(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\n' | b'\r' | b'>' | b'/' | b'=' | b'"' | b'\'' | b'<'
    )
}

const ONES: u64 = 0x0101_0101_0101_0101;
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

#[inline(always)]
fn word(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(b);
    u64::from_le_bytes(w)
}

/// Number of `\n` bytes in `b`, 8 at a time: each word marks its
/// newline bytes with a 1 in that byte, and the marks are summed lane-wise
/// (at most 31 words per batch, so no lane overflows) before one
/// horizontal add per batch.
pub(crate) fn count_newlines(b: &[u8]) -> usize {
    let mut n = 0;
    for batch in b.chunks(8 * 31) {
        let mut lanes = 0u64;
        let mut words = batch.chunks_exact(8);
        for c in &mut words {
            let v = word(c) ^ (ONES * u64::from(b'\n'));
            // High bit set exactly in the bytes of `v` that are zero.
            let zero = !(((v & LOW7) + LOW7) | v | LOW7);
            lanes += zero >> 7;
        }
        n += (lanes.wrapping_mul(ONES) >> 56) as usize;
        n += words.remainder().iter().filter(|&&x| x == b'\n').count();
    }
    n
}

/// Number of UTF-8 characters in `b` (bytes that are not `10xxxxxx`).
pub(crate) fn count_chars(b: &[u8]) -> usize {
    let continuation = b.iter().filter(|&&x| x & 0xC0 == 0x80).count();
    b.len() - continuation
}

/// High bit set in each byte of `v` equal to `needle`, nothing else
/// (exact: no borrow between bytes).
#[inline(always)]
fn eq_bytes(v: u64, needle: u8) -> u64 {
    let x = v ^ (ONES * u64::from(needle));
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// The first `stop` byte at or after `from` (or `b.len()`), calling
/// `newline` with the offset of every `\n` before it, and whether an `&`
/// comes before it (looked for only when `AMP`). Short runs (names,
/// indentation) go 8 bytes at a time; past [`SHORT`] bytes memchr's vector
/// search takes over.
fn scan_to<const AMP: bool>(
    b: &[u8],
    from: usize,
    stop: u8,
    mut newline: impl FnMut(usize),
) -> (usize, bool) {
    let short = b.len().min(from + SHORT);
    let mut amp = false;
    let mut i = from;
    while i + 8 <= short {
        let v = word(&b[i..i + 8]);
        let hit = eq_bytes(v, stop);
        // Bytes before the stop byte (all of them when there is none).
        let before = if hit != 0 {
            (hit & hit.wrapping_neg()) - 1
        } else {
            u64::MAX
        };
        let mut nl = eq_bytes(v, b'\n') & before;
        if AMP {
            amp |= eq_bytes(v, b'&') & before != 0;
        }
        while nl != 0 {
            newline(i + (nl.trailing_zeros() / 8) as usize);
            nl &= nl - 1;
        }
        if hit != 0 {
            return (i + (hit.trailing_zeros() / 8) as usize, amp);
        }
        i += 8;
    }
    if short < b.len() {
        let end = memchr::memchr(stop, &b[i..]).map_or(b.len(), |n| i + n);
        for at in memchr::memchr_iter(b'\n', &b[i..end]) {
            newline(i + at);
        }
        if AMP {
            amp |= memchr::memchr(b'&', &b[i..end]).is_some();
        }
        return (end, amp);
    }
    while i < b.len() {
        match b[i] {
            c if c == stop => return (i, amp),
            b'\n' => newline(i),
            b'&' => amp |= AMP,
            _ => {}
        }
        i += 1;
    }
    (b.len(), amp)
}

/// Runs longer than this are searched with memchr.
const SHORT: usize = 32;

impl<'a> Lexer<'a> {
    /// A tokenizer over the whole document.
    pub fn new(text: &'a str) -> Self {
        Lexer {
            text,
            pos: 0,
            start: 0,
            attrs: Vec::with_capacity(16),
            open: Vec::with_capacity(32),
            line: 0,
            line_start: 0,
            start_line: 0,
            start_line_start: 0,
        }
    }

    /// The text between two byte offsets found at ASCII bytes.
    #[inline(always)]
    fn slice(&self, from: usize, to: usize) -> &'a str {
        self.text.get(from..to).unwrap_or("")
    }

    /// Counts the newlines of `text[from..to]` (regions not scanned byte by byte).
    fn lines_in(&mut self, from: usize, to: usize) {
        let seg = self.text.as_bytes().get(from..to).unwrap_or(&[]);
        if let Some(last) = memchr::memrchr(b'\n', seg) {
            self.line += count_newlines(&seg[..=last]);
            self.line_start = from + last + 1;
        }
    }

    /// A newline at `at`, seen by a byte loop.
    fn newline(&mut self, at: usize) {
        self.line += 1;
        self.line_start = at + 1;
    }

    /// The end of the text run starting at `from` (the next `<`), counting
    /// its newlines; every `&` in it must start a `&...;` reference.
    fn text_end(&mut self, from: usize) -> Result<usize, LexError> {
        let (mut line, mut line_start) = (self.line, self.line_start);
        let (end, amp) = scan_to::<true>(self.text.as_bytes(), from, b'<', |at| {
            line += 1;
            line_start = at + 1;
        });
        (self.line, self.line_start) = (line, line_start);
        if amp {
            let run = &self.text.as_bytes()[from..end];
            for at in memchr::memchr_iter(b'&', run) {
                if memchr::memchr(b';', &run[at..]).is_none() {
                    return Err(self.error(from + at, "\"&\" without a closing \";\""));
                }
            }
        }
        Ok(end)
    }

    fn error(&self, offset: usize, message: impl Into<String>) -> LexError {
        LexError {
            offset,
            message: message.into(),
        }
    }

    /// The next token.
    pub fn next_token(&mut self) -> Result<Token<'a>, LexError> {
        let b = self.text.as_bytes();
        // A loop, not recursion: any number of comments in a row is fine.
        loop {
            let p = self.pos;
            self.start = p;
            self.start_line = self.line;
            self.start_line_start = self.line_start;
            let Some(&first) = b.get(p) else {
                return Ok(Token::Eof);
            };
            if first != b'<' {
                let end = self.text_end(p)?;
                self.pos = end;
                return Ok(Token::Text(self.slice(p, end)));
            }
            match b.get(p + 1) {
                Some(b'/') => return self.end_tag(),
                Some(b'!') => {
                    if let Some(t) = self.bang()? {
                        return Ok(t);
                    }
                }
                Some(b'?') => {
                    let end = self.find_str(p + 2, "?>", "processing instruction")?;
                    self.lines_in(p, end);
                    self.pos = end + 2;
                }
                _ => return self.start_tag(),
            }
        }
    }

    /// Offset of `needle` at or after `from`; an error naming `what` when absent.
    fn find_str(&self, from: usize, needle: &str, what: &str) -> Result<usize, LexError> {
        let b = self.text.as_bytes();
        memchr::memmem::find(b.get(from..).unwrap_or(&[]), needle.as_bytes())
            .map(|n| from + n)
            .ok_or_else(|| self.error(self.start, format!("{what} is not closed")))
    }

    /// `<!-- -->`, `<![CDATA[ ]]>` or `<!DOCTYPE ...>`; `None` for the skipped ones.
    fn bang(&mut self) -> Result<Option<Token<'a>>, LexError> {
        let p = self.start;
        let rest = self.text.get(p..).unwrap_or("");
        if rest.starts_with("<!--") {
            let end = self.find_str(p + 4, "-->", "comment")?;
            self.lines_in(p, end);
            self.pos = end + 3;
            return Ok(None);
        }
        if rest.starts_with("<![CDATA[") {
            let end = self.find_str(p + 9, "]]>", "CDATA section")?;
            self.lines_in(p, end);
            self.pos = end + 3;
            return Ok(Some(Token::CData(self.slice(p + 9, end))));
        }
        if rest.starts_with("<!DOCTYPE") {
            // Skip to the `>` that closes it, past any internal subset and quoted strings.
            let b = self.text.as_bytes();
            let mut depth = 0usize;
            let mut quote = None;
            let mut i = p + 9;
            while i < b.len() {
                let c = b[i];
                match quote {
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None => match c {
                        b'"' | b'\'' => quote = Some(c),
                        b'[' => depth += 1,
                        b']' => depth = depth.saturating_sub(1),
                        b'>' if depth == 0 => {
                            self.lines_in(p, i);
                            self.pos = i + 1;
                            return Ok(None);
                        }
                        _ => {}
                    },
                }
                i += 1;
            }
            return Err(self.error(p, "<!DOCTYPE is not closed"));
        }
        Err(self.error(p, "unknown markup after \"<!\""))
    }

    /// `</name>`, checked against the innermost open start tag.
    fn end_tag(&mut self) -> Result<Token<'a>, LexError> {
        let b = self.text.as_bytes();
        let start = self.start;
        let mut p = start + 2;
        while p < b.len() && !ends_name(b[p]) {
            p += 1;
        }
        let name = self.slice(start + 2, p);
        while p < b.len() && is_ws(b[p]) {
            if b[p] == b'\n' {
                self.newline(p);
            }
            p += 1;
        }
        match b.get(p) {
            Some(b'>') => {}
            Some(_) => return Err(self.error(p, format!("unexpected character in </{name}>"))),
            None => return Err(self.error(start, format!("end tag </{name}> is not closed"))),
        }
        self.pos = p + 1;
        match self.open.pop() {
            Some(open) if open == name => Ok(Token::End),
            Some(open) => Err(self.error(start, format!("expected </{open}>, found </{name}>"))),
            None => Err(self.error(start, format!("end tag </{name}> without a start tag"))),
        }
    }

    /// `<name key="value" ...>` or `<name .../>`.
    fn start_tag(&mut self) -> Result<Token<'a>, LexError> {
        let b = self.text.as_bytes();
        let start = self.start;
        let name_start = start + 1;
        let mut p = name_start;
        let mut local_start = p;
        while p < b.len() && !ends_name(b[p]) {
            if b[p] == b':' {
                local_start = p + 1;
            }
            p += 1;
        }
        if p == name_start {
            return Err(self.error(start, "\"<\" is not followed by a tag name"));
        }
        let name = self.slice(name_start, p);
        let local = self.slice(local_start, p);
        self.attrs.clear();
        let unclosed = |lx: &Self| lx.error(start, format!("tag <{name}> is not closed"));
        loop {
            while p < b.len() && is_ws(b[p]) {
                if b[p] == b'\n' {
                    self.newline(p);
                }
                p += 1;
            }
            match b.get(p) {
                None => return Err(unclosed(self)),
                Some(b'>') => {
                    self.pos = p + 1;
                    self.open.push(name);
                    return Ok(Token::Start {
                        local,
                        empty: false,
                    });
                }
                Some(b'/') => {
                    return match b.get(p + 1) {
                        Some(b'>') => {
                            self.pos = p + 2;
                            Ok(Token::Start { local, empty: true })
                        }
                        None => Err(unclosed(self)),
                        Some(_) => {
                            Err(self.error(p, format!("\"/\" not followed by \">\" in <{name}>")))
                        }
                    };
                }
                Some(_) => {}
            }
            let key_start = p;
            let mut key_local = p;
            while p < b.len() && !ends_name(b[p]) {
                if b[p] == b':' {
                    key_local = p + 1;
                }
                p += 1;
            }
            if p == key_start {
                return Err(self.error(p, format!("unexpected character in <{name}>")));
            }
            let key = self.slice(key_start, p);
            while p < b.len() && is_ws(b[p]) {
                if b[p] == b'\n' {
                    self.newline(p);
                }
                p += 1;
            }
            match b.get(p) {
                Some(b'=') => p += 1,
                None => return Err(unclosed(self)),
                Some(_) => {
                    return Err(self.error(p, format!("attribute {key} of <{name}> has no value")))
                }
            }
            while p < b.len() && is_ws(b[p]) {
                if b[p] == b'\n' {
                    self.newline(p);
                }
                p += 1;
            }
            let quote = match b.get(p) {
                Some(q @ (b'"' | b'\'')) => *q,
                None => return Err(unclosed(self)),
                Some(_) => {
                    return Err(self.error(
                        p,
                        format!("value of attribute {key} of <{name}> is not quoted"),
                    ))
                }
            };
            let value_start = p + 1;
            let (mut line, mut line_start) = (self.line, self.line_start);
            let (end, _) = scan_to::<false>(b, value_start, quote, |at| {
                line += 1;
                line_start = at + 1;
            });
            (self.line, self.line_start) = (line, line_start);
            if end >= b.len() {
                return Err(unclosed(self));
            }
            self.attrs.push(Attr {
                key: self.slice(key_local, key_start + key.len()),
                value: self.slice(value_start, end),
            });
            p = end + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Result<Vec<String>, LexError> {
        let mut lx = Lexer::new(text);
        let mut out = Vec::new();
        loop {
            let t = lx.next_token()?;
            out.push(match t {
                Token::Start { local, empty } => {
                    let attrs: Vec<String> = lx
                        .attrs
                        .iter()
                        .map(|a| format!("{}={}", a.key, a.value))
                        .collect();
                    format!(
                        "<{local}{}{}>",
                        if empty { "/" } else { "" },
                        attrs.join(",")
                    )
                }
                Token::End => "</>".to_string(),
                Token::Text(t) => format!("T{t}"),
                Token::CData(t) => format!("C{t}"),
                Token::Eof => break,
            });
        }
        Ok(out)
    }

    #[test]
    fn tags_attributes_text_and_skipped_markup() {
        let got = tokens(
            "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b>'>]><e:a x:k=\"v\" k2 = 'a&amp;b'>t<!-- c --><![CDATA[<d>]]><b/></e:a>",
        )
        .expect("well-formed");
        assert_eq!(got, ["<ak=v,k2=a&amp;b>", "Tt", "C<d>", "<b/>", "</>"]);
    }

    #[test]
    fn malformed_markup_is_reported_with_offsets() {
        let err = |t: &str| tokens(t).expect_err("must fail");
        assert_eq!(err("<a></b>").message, "expected </a>, found </b>");
        assert_eq!(err("<a></b>").offset, 3);
        assert_eq!(err("</b>").message, "end tag </b> without a start tag");
        assert_eq!(err("<a k=\"v").message, "tag <a> is not closed");
        assert_eq!(err("<a k>").message, "attribute k of <a> has no value");
        assert_eq!(
            err("<a k=v>").message,
            "value of attribute k of <a> is not quoted"
        );
        assert_eq!(err("<a <b>").offset, 3);
        assert_eq!(err("< a>").message, "\"<\" is not followed by a tag name");
        assert_eq!(err("<a/ >").message, "\"/\" not followed by \">\" in <a>");
        assert_eq!(err("<!-- x").message, "comment is not closed");
        assert_eq!(err("<![CDATA[ x").message, "CDATA section is not closed");
        assert_eq!(err("<? x").message, "processing instruction is not closed");
        assert_eq!(err("<!x>").message, "unknown markup after \"<!\"");
        assert_eq!(
            err("<a> &amp; & </a>").message,
            "\"&\" without a closing \";\""
        );
        assert_eq!(err("<a> &amp; & </a>").offset, 10);
        assert!(tokens("<a> &amp; &x; </a>").is_ok());
    }

    #[test]
    fn lines_are_counted_in_every_kind_of_region() {
        let long = "x".repeat(40);
        let text = format!(
            "<a\n k='1\n2'>\n  <!-- \n -->{long}\n{long}<![CDATA[\n]]><?p\n?><b\n/>\n   <c k=\"{long}\n{long}\"/></a>"
        );
        let mut lx = Lexer::new(&text);
        let (mut seen, mut expected) = (Vec::new(), Vec::new());
        loop {
            let t = lx.next_token().expect("well-formed");
            if t == Token::Eof {
                break;
            }
            seen.push((lx.start_line + 1, lx.start - lx.start_line_start + 1));
            let before = &text[..lx.start];
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            expected.push((before.matches('\n').count() + 1, lx.start - line_start + 1));
        }
        assert_eq!(seen.len(), 8);
        assert_eq!(seen, expected);
        assert_eq!(seen[7], (11, 44));
    }
}
