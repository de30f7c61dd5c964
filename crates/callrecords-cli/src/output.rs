//! Streaming writers for NDJSON, CSV and JSON output, counting the bytes they
//! have handed to the file so a checkpoint can record a safe truncation point.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

use crate::args::Format;
use crate::error::CliError;

/// Counts bytes written through it.
struct Counting<W> {
    inner: W,
    count: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

type Sink = Counting<BufWriter<Box<dyn Write + Send>>>;

enum Encoder {
    Ndjson(Sink),
    Json(Sink),
    Csv(Box<csv::Writer<Sink>>),
}

/// A column path: segments, with `@odata.type` kept as one segment.
fn split_path(column: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut parts = column.split('.').peekable();
    while let Some(p) = parts.next() {
        if p.starts_with('@') {
            match parts.next() {
                Some(rest) => out.push(format!("{p}.{rest}")),
                None => out.push(p.to_string()),
            }
        } else {
            out.push(p.to_string());
        }
    }
    out
}

/// The last CSV column: members of a row that no column above holds (an
/// open type's undeclared members such as `user.tenantId`, a member the
/// service added after the CSDL import), as a JSON object keyed by dotted
/// path; empty when none. OData instance annotations other than
/// `@odata.type` are left out. NDJSON and JSON output keep everything in place.
pub const OTHER_MEMBERS: &str = "otherMembers";

/// The column paths as a tree: one walk over a row puts each member in its
/// column and finds what the row has beyond them.
#[derive(Default)]
struct PathTree {
    /// Sorted by name (looked up by binary search: a few per member).
    children: Vec<(String, PathTree)>,
    /// The columns that end here (they take the whole value, nested or not).
    columns: Vec<usize>,
}

/// The value of a column a row does not have.
static NULL: Json<'static> = Json::Null;

/// A row's JSON as a tree that keeps each number's own text.
///
/// `serde_json::Value` holds numbers as `f64`, which rounds an `Edm.Decimal`
/// (`12.8300` becomes `12.83`, `0.1234567890123456789` becomes
/// `0.12345678901234568`); here a number stays the raw text Graph sent.
/// Objects are sorted by member name, like `serde_json::Map`.
enum Json<'a> {
    Null,
    Bool(bool),
    Number(&'a RawValue),
    String(String),
    Array(Vec<Json<'a>>),
    Object(BTreeMap<String, Json<'a>>),
}

impl<'a> Json<'a> {
    /// Reads one JSON value (the text must hold nothing else).
    fn parse(text: &'a [u8]) -> serde_json::Result<Self> {
        Self::from_raw(serde_json::from_slice(text)?)
    }

    /// Each level is read as raw values, so numbers are never converted.
    fn from_raw(raw: &'a RawValue) -> serde_json::Result<Self> {
        let text = raw.get();
        Ok(match text.as_bytes().first() {
            Some(b'{') => Json::Object(
                serde_json::from_str::<BTreeMap<String, &RawValue>>(text)?
                    .into_iter()
                    .map(|(k, v)| Ok((k, Self::from_raw(v)?)))
                    .collect::<serde_json::Result<_>>()?,
            ),
            Some(b'[') => Json::Array(
                serde_json::from_str::<Vec<&RawValue>>(text)?
                    .into_iter()
                    .map(Self::from_raw)
                    .collect::<serde_json::Result<_>>()?,
            ),
            Some(b'"') => Json::String(serde_json::from_str(text)?),
            Some(b't') => Json::Bool(true),
            Some(b'f') => Json::Bool(false),
            Some(b'n') => Json::Null,
            // serde_json validated the raw value: anything else is a number.
            _ => Json::Number(raw),
        })
    }

    fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }
}

impl Serialize for Json<'_> {
    /// Compact JSON through serde_json, numbers written as their own text.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => s.serialize_unit(),
            Json::Bool(b) => s.serialize_bool(*b),
            Json::Number(raw) => raw.serialize(s),
            Json::String(text) => s.serialize_str(text),
            Json::Array(items) => s.collect_seq(items),
            Json::Object(members) => s.collect_map(members),
        }
    }
}

impl PathTree {
    fn new(paths: &[Vec<String>]) -> Self {
        let mut root = PathTree::default();
        for (column, path) in paths.iter().enumerate() {
            let mut node = &mut root;
            for seg in path {
                let at = match node.children.binary_search_by(|(k, _)| k.as_str().cmp(seg)) {
                    Ok(at) => at,
                    Err(at) => {
                        node.children.insert(at, (seg.clone(), PathTree::default()));
                        at
                    }
                };
                node = &mut node.children[at].1;
            }
            node.columns.push(column);
        }
        root
    }

    fn child(&self, key: &str) -> Option<&PathTree> {
        let at = self
            .children
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()?;
        Some(&self.children[at].1)
    }

    /// Puts each member of `value` a column holds into `cells` (by column
    /// index) and, given `leftovers`, collects the non-null members no
    /// column holds (keyed by dotted path from `prefix`).
    fn fill<'v, 'a>(
        &self,
        value: &'v Json<'a>,
        cells: &mut [&'v Json<'a>],
        prefix: &mut String,
        mut leftovers: Option<&mut BTreeMap<String, &'v Json<'a>>>,
    ) {
        let Json::Object(members) = value else {
            return;
        };
        for (key, v) in members {
            let node = self.child(key);
            if let Some(node) = node.filter(|n| !n.columns.is_empty()) {
                for &c in &node.columns {
                    cells[c] = v;
                }
                // Columns under a column (both named) get their part too.
                node.fill(v, cells, prefix, None);
                continue;
            }
            // Instance annotations (`@odata.context`, `x@odata.nextLink`)
            // describe the response, not the row; `@odata.type` is data.
            let kept = !v.is_null() && (!key.contains('@') || key == "@odata.type");
            let Some(out) = leftovers.as_deref_mut().filter(|_| kept) else {
                if let Some(node) = node {
                    node.fill(v, cells, prefix, None);
                }
                continue;
            };
            let len = prefix.len();
            if !prefix.is_empty() {
                prefix.push('.');
            }
            prefix.push_str(key);
            match node {
                Some(node) if matches!(v, Json::Object(_)) => {
                    node.fill(v, cells, prefix, Some(out))
                }
                // A scalar or list where the columns expect an object, or a
                // member no column names: kept here rather than dropped.
                _ => {
                    out.insert(prefix.clone(), v);
                }
            }
            prefix.truncate(len);
        }
    }
}

/// A row handed to [`RowWriter::write_raw`]'s check.
#[derive(Clone, Copy)]
pub enum Row<'a> {
    /// As Graph sent it.
    Text(&'a str),
}

/// Writes rows of one export.
pub struct RowWriter {
    encoder: Encoder,
    /// The output file (none for stdout), to make written rows durable.
    file: Option<File>,
    /// Number of columns before [`OTHER_MEMBERS`] (CSV only).
    columns: usize,
    /// The column paths as a tree (CSV only).
    tree: PathTree,
    /// Rows written so far (including those of a resumed run).
    rows: u64,
    /// Reusable JSON buffer (CSV only).
    scratch: Vec<u8>,
}

impl RowWriter {
    /// Start a new output: create/truncate `path` (or use stdout for `None`) and
    /// write the preamble (CSV header, JSON `[`).
    pub fn create(
        path: Option<&Path>,
        format: Format,
        columns: &[String],
    ) -> Result<Self, CliError> {
        let (target, file): (Box<dyn Write + Send>, Option<File>) = match path {
            Some(p) => {
                let cannot = |e: io::Error| {
                    CliError::other(format!(
                        "cannot create the output file {}: {e}",
                        p.display()
                    ))
                    .hint("check that the directory exists and is writable, or choose another --output")
                };
                let f = File::create(p).map_err(cannot)?;
                let sync = f.try_clone().map_err(cannot)?;
                (Box::new(f), Some(sync))
            }
            None => (Box::new(io::stdout()), None),
        };
        let mut w = Self::with_target(target, file, 0, 0, format, columns);
        w.preamble(columns)?;
        Ok(w)
    }

    /// Reopen `path` after an interrupted run: truncate it to `bytes` (the
    /// length recorded with the last complete page) and continue after `rows` rows.
    pub fn resume(
        path: &Path,
        format: Format,
        columns: &[String],
        bytes: u64,
        rows: u64,
    ) -> Result<Self, CliError> {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(|e| {
                CliError::validation(format!(
                    "cannot reopen the output file {} to resume: {e}",
                    path.display()
                ))
                .hint("start the export again without --resume")
            })?;
        let len = file.metadata()?.len();
        if len < bytes {
            return Err(CliError::validation(format!(
                "the output file {} is shorter ({len} bytes) than the checkpoint says ({bytes} bytes); it was changed since",
                path.display()
            ))
            .hint(START_OVER));
        }
        let found = count_rows(&mut file, format, columns, bytes).map_err(|why| {
            CliError::validation(format!(
                "the first {bytes} bytes of {} that the checkpoint says are complete are not complete {} rows: {why}",
                path.display(),
                format.cli_name()
            ))
            .hint(START_OVER)
        })?;
        if found != rows {
            return Err(CliError::validation(format!(
                "the checkpoint says {rows} rows were written, but the first {bytes} bytes of {} hold {found}",
                path.display()
            ))
            .hint(START_OVER));
        }
        file.set_len(bytes)?;
        file.seek(SeekFrom::End(0))?;
        let sync = file.try_clone()?;
        Ok(Self::with_target(
            Box::new(file),
            Some(sync),
            bytes,
            rows,
            format,
            columns,
        ))
    }

    fn with_target(
        target: Box<dyn Write + Send>,
        file: Option<File>,
        bytes: u64,
        rows: u64,
        format: Format,
        columns: &[String],
    ) -> Self {
        let sink = Counting {
            inner: BufWriter::with_capacity(256 * 1024, target),
            count: bytes,
        };
        let encoder = match format {
            Format::Ndjson => Encoder::Ndjson(sink),
            Format::Json => Encoder::Json(sink),
            Format::Csv => Encoder::Csv(Box::new(
                csv::WriterBuilder::new()
                    .has_headers(false)
                    .from_writer(sink),
            )),
        };
        let paths: Vec<Vec<String>> = columns.iter().map(|c| split_path(c)).collect();
        RowWriter {
            encoder,
            file,
            tree: PathTree::new(&paths),
            columns: paths.len(),
            rows,
            scratch: Vec::with_capacity(4096),
        }
    }

    fn preamble(&mut self, columns: &[String]) -> Result<(), CliError> {
        match &mut self.encoder {
            Encoder::Ndjson(_) => {}
            Encoder::Json(s) => s.write_all(b"[")?,
            Encoder::Csv(w) => w
                .write_record(columns.iter().map(String::as_str).chain([OTHER_MEMBERS]))
                .map_err(csv_err)?,
        }
        Ok(())
    }

    /// Write one row given as JSON text (as Graph sent it): NDJSON and JSON
    /// copy it, CSV reads it once.
    ///
    /// `check` sees the row's text first; a row it rejects is not written.
    pub fn write_raw(
        &mut self,
        row: &RawValue,
        check: impl FnOnce(Row<'_>) -> Result<(), CliError>,
    ) -> Result<(), CliError> {
        let text = row.get();
        match &mut self.encoder {
            Encoder::Ndjson(s) => {
                // A raw value is one line unless the service pretty-printed it.
                if text.contains('\n') {
                    let value = Json::parse(text.as_bytes()).map_err(json_err)?;
                    check(Row::Text(text))?;
                    serde_json::to_writer(&mut *s, &value).map_err(json_err)?;
                } else {
                    check(Row::Text(text))?;
                    s.write_all(text.as_bytes())?;
                }
                s.write_all(b"\n")?;
            }
            Encoder::Json(s) => {
                check(Row::Text(text))?;
                s.write_all(if self.rows == 0 { b"\n" } else { b",\n" })?;
                s.write_all(text.as_bytes())?;
            }
            Encoder::Csv(w) => {
                let value = Json::parse(text.as_bytes()).map_err(json_err)?;
                check(Row::Text(text))?;
                csv_row(w, &self.tree, self.columns, &value)?;
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Write one row.
    pub fn write<T: Serialize>(&mut self, row: &T) -> Result<(), CliError> {
        match &mut self.encoder {
            Encoder::Ndjson(s) => {
                serde_json::to_writer(&mut *s, row).map_err(json_err)?;
                s.write_all(b"\n")?;
            }
            Encoder::Json(s) => {
                s.write_all(if self.rows == 0 { b"\n" } else { b",\n" })?;
                serde_json::to_writer(&mut *s, row).map_err(json_err)?;
            }
            Encoder::Csv(w) => {
                // Through text, not `to_value`: f32 members (Edm.Single) keep
                // their short form (0.02, not 0.019999999552965164).
                self.scratch.clear();
                serde_json::to_writer(&mut self.scratch, row).map_err(json_err)?;
                let value = Json::parse(&self.scratch).map_err(json_err)?;
                csv_row(w, &self.tree, self.columns, &value)?;
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Flush everything to the file; returns the output length in bytes, the
    /// point up to which the file is complete.
    pub fn flush(&mut self) -> Result<u64, CliError> {
        match &mut self.encoder {
            Encoder::Ndjson(s) | Encoder::Json(s) => {
                s.flush()?;
                Ok(s.count)
            }
            Encoder::Csv(w) => {
                // Flushes csv's buffer and then the writers below it.
                w.flush()?;
                Ok(w.get_ref().count)
            }
        }
    }

    /// [`RowWriter::flush`], then make what was written durable (fsync), so
    /// a checkpoint written afterwards never points past data a power loss
    /// could take back. Returns the output length.
    pub fn sync(&mut self) -> Result<u64, CliError> {
        let bytes = self.flush()?;
        if let Some(f) = &self.file {
            crate::durable::sync(f, "output")?;
        }
        Ok(bytes)
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Write the epilogue (JSON `]`), flush and sync; returns the final byte length.
    pub fn finish(mut self) -> Result<u64, CliError> {
        if let Encoder::Json(s) = &mut self.encoder {
            s.write_all(if self.rows == 0 { b"]\n" } else { b"\n]\n" })?;
        }
        self.sync()
    }
}

/// What to do when a resumed output does not match its checkpoint.
const START_OVER: &str = "the output or its checkpoint was changed since the export stopped: delete both \
                          (<output>.partial and <output>.checkpoint.json) and run the export again without --resume";

/// The CSV header line of `columns` (and [`OTHER_MEMBERS`]).
fn csv_header(columns: &[String]) -> Result<Vec<u8>, CliError> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(columns.iter().map(String::as_str).chain([OTHER_MEMBERS]))
        .map_err(csv_err)?;
    w.into_inner()
        .map_err(|e| CliError::other(format!("cannot write the CSV header: {e}")))
}

/// The number of complete rows in the first `bytes` bytes of an output file,
/// or why they are not a sequence of complete rows of `format` (with the
/// CSV header of `columns`, the JSON `[`).
pub fn count_rows(
    file: &mut File,
    format: Format,
    columns: &[String],
    bytes: u64,
) -> Result<u64, String> {
    file.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
    let mut prefix = io::BufReader::with_capacity(256 * 1024, &mut *file).take(bytes);
    let rows = match format {
        Format::Ndjson => {
            let (lines, last) = scan_lines(&mut prefix, false)?;
            if bytes > 0 && last != Some(b'\n') {
                return Err("it ends inside a row".into());
            }
            lines
        }
        Format::Csv => {
            let header = csv_header(columns).map_err(|e| e.message)?;
            let mut head = vec![0u8; header.len()];
            prefix
                .read_exact(&mut head)
                .map_err(|_| "it does not hold the CSV header".to_string())?;
            if head != header {
                return Err("its CSV header is not the header of this export".into());
            }
            let (records, last) = scan_lines(&mut prefix, true)?;
            if bytes > header.len() as u64 && last != Some(b'\n') {
                return Err("it ends inside a row".into());
            }
            records
        }
        Format::Json => {
            let mut open = [0u8; 1];
            prefix
                .read_exact(&mut open)
                .map_err(|_| "it does not begin with [".to_string())?;
            if open != *b"[" {
                return Err("it does not begin with [".into());
            }
            count_json_elements(prefix)?
        }
    };
    Ok(rows)
}

/// Count the line ends of `r` (for CSV, only those outside quoted fields)
/// and return the last byte; an open quote at the end is an error.
fn scan_lines(r: &mut impl io::BufRead, csv: bool) -> Result<(u64, Option<u8>), String> {
    let (mut lines, mut last, mut quoted) = (0u64, None, false);
    loop {
        let buf = r.fill_buf().map_err(|e| e.to_string())?;
        if buf.is_empty() {
            break;
        }
        for &b in buf {
            if csv && b == b'"' {
                // A doubled quote inside a field toggles twice: no change.
                quoted = !quoted;
            } else if b == b'\n' && !quoted {
                lines += 1;
            }
        }
        last = buf.last().copied();
        let n = buf.len();
        r.consume(n);
    }
    if quoted {
        return Err("it ends inside a quoted CSV field".into());
    }
    Ok((lines, last))
}

/// The number of elements of a JSON array whose `[` was read, given the
/// rest up to the end of a complete element (the `]` is not there yet).
fn count_json_elements(rest: impl io::Read) -> Result<u64, String> {
    struct Count;
    impl<'de> serde::de::Visitor<'de> for Count {
        type Value = u64;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON array")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<u64, A::Error> {
            let mut n = 0;
            while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                n += 1;
            }
            Ok(n)
        }
    }
    let text = io::Cursor::new(b"[".to_vec())
        .chain(rest)
        .chain(io::Cursor::new(b"\n]".to_vec()));
    let mut de = serde_json::Deserializer::from_reader(text);
    let n = serde::Deserializer::deserialize_seq(&mut de, Count)
        .map_err(|e| format!("it is not complete JSON rows ({e})"))?;
    de.end().map_err(|e| e.to_string())?;
    Ok(n)
}

/// One CSV record of `columns` cells, then [`OTHER_MEMBERS`]: one walk over
/// the row puts each member in its column and the rest in `otherMembers`.
fn csv_row(
    w: &mut csv::Writer<Sink>,
    tree: &PathTree,
    columns: usize,
    value: &Json<'_>,
) -> Result<(), CliError> {
    let mut values: Vec<&Json<'_>> = vec![&NULL; columns];
    let mut other = BTreeMap::new();
    tree.fill(value, &mut values, &mut String::new(), Some(&mut other));
    for v in values {
        w.write_field(cell(v)?.as_bytes()).map_err(csv_err)?;
    }
    if other.is_empty() {
        w.write_field("").map_err(csv_err)?;
    } else {
        let text = serde_json::to_string(&other).map_err(json_err)?;
        w.write_field(text).map_err(csv_err)?;
    }
    // An empty record ends the one the fields above began.
    w.write_record(None::<&[u8]>).map_err(csv_err)
}

/// The value at `path`, or `Null` when any step is missing (the reference
/// [`PathTree::fill`] is tested against).
#[cfg(test)]
fn lookup<'v, 'a>(value: &'v Json<'a>, path: &[String]) -> &'v Json<'a> {
    let mut cur = value;
    for seg in path {
        match cur {
            Json::Object(members) if members.contains_key(seg) => cur = &members[seg],
            _ => return &NULL,
        }
    }
    cur
}

/// A CSV cell: empty for null, text as is, collections and objects as JSON.
fn cell<'v>(v: &'v Json<'_>) -> Result<Cow<'v, str>, CliError> {
    Ok(match v {
        Json::Null => Cow::Borrowed(""),
        Json::String(s) => Cow::Borrowed(s),
        Json::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        Json::Number(n) => Cow::Borrowed(n.get()),
        other => Cow::Owned(serde_json::to_string(other).map_err(json_err)?),
    })
}

fn json_err(e: serde_json::Error) -> CliError {
    if let Some(kind) = e.io_error_kind() {
        CliError::from(std::io::Error::new(kind, e))
    } else {
        CliError::other(format!("cannot encode a row as JSON: {e}")).hint(
            "please report it with the message above; the checkpoint allows --resume after a fix",
        )
    }
}

fn csv_err(e: csv::Error) -> CliError {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => CliError::from(io),
        other => CliError::other(format!("cannot write CSV: {other:?}")).hint(
            "please report it with the message above; the checkpoint allows --resume after a fix",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn cols(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    /// One walk puts in each column exactly what looking its path up in
    /// the row gives, for rows of many shapes (nulls, lists, scalars where
    /// objects are expected, annotation keys, columns under columns).
    #[test]
    fn one_walk_fills_every_column_like_a_lookup() {
        let columns = cols(&[
            "a",
            "a.b",
            "a.b.c",
            "a.@odata.type",
            "b.c",
            "c",
            "d.e.f",
            "e@odata.x.y",
            "z",
        ]);
        let paths: Vec<Vec<String>> = columns.iter().map(|c| split_path(c)).collect();
        let tree = PathTree::new(&paths);
        let leaves = [
            json!(null),
            json!(1),
            json!("s"),
            json!([1, {"b": 2}]),
            json!({}),
            json!({"b": {"c": 3, "x": null}, "@odata.type": "#t"}),
            json!({"c": true, "e": {"f": "deep"}}),
            json!({"y": 4}),
        ];
        let keys = ["a", "b", "c", "d", "e@odata.x", "q", "@odata.type"];
        let mut seed: u64 = 7;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        for _ in 0..500 {
            let mut row = serde_json::Map::new();
            for key in keys {
                if next() % 3 != 0 {
                    let mut v = leaves[next() % leaves.len()].clone();
                    if next() % 4 == 0 {
                        v = json!({"e": v, "b": leaves[next() % leaves.len()].clone()});
                    }
                    row.insert(key.to_string(), v);
                }
            }
            let text = Value::Object(row).to_string();
            let row = Json::parse(text.as_bytes()).unwrap();
            let mut cells = vec![&NULL; paths.len()];
            let mut other = BTreeMap::new();
            tree.fill(&row, &mut cells, &mut String::new(), Some(&mut other));
            for (i, path) in paths.iter().enumerate() {
                // The very node a lookup finds (or the shared NULL).
                let want = lookup(&row, path);
                assert!(std::ptr::eq(cells[i], want), "{} in {text}", columns[i]);
            }
            for key in other.keys() {
                assert!(!columns.contains(key), "{key} has a column: {text}");
            }
        }
    }

    #[test]
    fn paths_keep_odata_type_together() {
        assert_eq!(
            split_path("caller.@odata.type"),
            vec!["caller", "@odata.type"]
        );
        assert_eq!(
            split_path("caller.userAgent.platform"),
            vec!["caller", "userAgent", "platform"]
        );
        assert_eq!(split_path("id"), vec!["id"]);
    }

    #[test]
    fn csv_flattens_nested_values_and_keeps_nulls_as_empty_cells() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let columns = cols(&["id", "a.b", "a.@odata.type", "list", "n", "missing.deep"]);
        let mut w = RowWriter::create(Some(&path), Format::Csv, &columns).unwrap();
        w.write(
            &json!({"id": "x,1", "a": {"b": 2, "@odata.type": "#t"}, "list": [1, 2], "n": null}),
        )
        .unwrap();
        w.write(&json!({"id": "y"})).unwrap();
        let len = w.finish().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(len, text.len() as u64);
        assert_eq!(
            text,
            "id,a.b,a.@odata.type,list,n,missing.deep,otherMembers\n\"x,1\",2,#t,\"[1,2]\",,,\ny,,,,,,\n"
        );
    }

    /// Members no column names land in the last column instead of being
    /// dropped: undeclared ones at any depth, and a value whose shape does
    /// not match the columns. Nulls and covered members do not.
    #[test]
    fn csv_keeps_members_without_a_column_in_other_members() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let columns = cols(&["id", "caller.user.id", "caller.@odata.type", "tags"]);
        let mut w = RowWriter::create(Some(&path), Format::Csv, &columns).unwrap();
        w.write(&json!({
            "id": "1",
            "caller": {"@odata.type": "#x", "user": {"id": "u", "tenantId": "t"},
                       "guest": {"id": "g"}, "phone": null},
            "tags": {"nested": true},
            "newMember": 5,
            "other": null,
            "@odata.context": "http://127.0.0.1:1/v1.0/$metadata#x",
            "caller@odata.navigationLink": "x"
        }))
        .unwrap();
        w.write(&json!({"id": "2", "caller": "not an object"}))
            .unwrap();
        w.write(&json!({"id": "3"})).unwrap();
        w.finish().unwrap();
        let mut rows = csv::Reader::from_path(&path).unwrap();
        let headers = rows.headers().unwrap().clone();
        assert_eq!(headers.iter().next_back(), Some(OTHER_MEMBERS));
        let other: Vec<String> = rows
            .records()
            .map(|r| r.unwrap().get(4).unwrap().to_string())
            .collect();
        let first: Value = serde_json::from_str(&other[0]).unwrap();
        assert_eq!(
            first,
            json!({"caller.user.tenantId": "t", "caller.guest": {"id": "g"}, "newMember": 5})
        );
        let second: Value = serde_json::from_str(&other[1]).unwrap();
        assert_eq!(second, json!({"caller": "not an object"}));
        assert_eq!(other[2], "");
    }

    /// Graph's row text, as `write_raw` gets it.
    fn raw(text: &str) -> Box<RawValue> {
        RawValue::from_string(text.to_string()).unwrap()
    }

    /// `Edm.Decimal` values keep their own text in CSV cells, in nested
    /// values written as JSON and in `otherMembers` (a `serde_json::Value`
    /// would round them through f64: `12.83`, `0.12345678901234568`).
    #[test]
    fn csv_keeps_the_text_of_every_number() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let columns = cols(&["id", "charge", "rate", "legs", "count"]);
        let mut w = RowWriter::create(Some(&path), Format::Csv, &columns).unwrap();
        let row = raw(
            r#"{"id": "1", "charge": 12.8300, "rate": 0.1234567890123456789,
            "legs": [1.50, {"fee": 0.0750}], "count": 7,
            "extra": {"price": 0.1234567890123456789, "tax": 1.10}}"#,
        );
        w.write_raw(&row, |_| Ok(())).unwrap();
        // A typed row (`write`) goes through JSON text too: a decimal it
        // serializes as raw text stays as it is.
        w.write(&raw(r#"{"id": "2", "charge": 0.0750}"#)).unwrap();
        w.finish().unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "id,charge,rate,legs,count,otherMembers\n\
             1,12.8300,0.1234567890123456789,\"[1.50,{\"\"fee\"\":0.0750}]\",7,\
             \"{\"\"extra\"\":{\"\"price\"\":0.1234567890123456789,\"\"tax\"\":1.10}}\"\n\
             2,0.0750,,,,\n"
        );
    }

    /// A pretty-printed row is written to NDJSON on one line, its numbers
    /// as sent; the check sees the text Graph sent.
    #[test]
    fn ndjson_one_lines_a_pretty_row_keeping_its_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.ndjson");
        let mut w = RowWriter::create(Some(&path), Format::Ndjson, &[]).unwrap();
        let text = "{\n  \"charge\": 12.8300,\n  \"b\": [0.1234567890123456789, \"x\\n\"]\n}";
        let mut seen = None;
        w.write_raw(&raw(text), |row| {
            seen = Some(matches!(row, Row::Text(t) if t == text));
            Ok(())
        })
        .unwrap();
        w.finish().unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "{\"b\":[0.1234567890123456789,\"x\\n\"],\"charge\":12.8300}\n"
        );
        assert_eq!(seen, Some(true));
    }

    #[test]
    fn json_array_and_ndjson_shapes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.json");
        let mut w = RowWriter::create(Some(&p), Format::Json, &[]).unwrap();
        w.write(&json!({"a": 1})).unwrap();
        w.write(&json!({"a": 2})).unwrap();
        w.finish().unwrap();
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        assert_eq!(v, json!([{"a": 1}, {"a": 2}]));

        let p = dir.path().join("empty.json");
        RowWriter::create(Some(&p), Format::Json, &[])
            .unwrap()
            .finish()
            .unwrap();
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        assert_eq!(v, json!([]));

        let p = dir.path().join("a.ndjson");
        let mut w = RowWriter::create(Some(&p), Format::Ndjson, &[]).unwrap();
        w.write(&json!({"a": 1})).unwrap();
        w.finish().unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "{\"a\":1}\n");
    }

    #[test]
    fn resume_truncates_to_the_checkpointed_length() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.json");
        let mut w = RowWriter::create(Some(&p), Format::Json, &[]).unwrap();
        w.write(&json!(1)).unwrap();
        let safe = w.flush().unwrap();
        w.write(&json!(2)).unwrap();
        w.flush().unwrap();
        drop(w);
        let mut w = RowWriter::resume(&p, Format::Json, &[], safe, 1).unwrap();
        w.write(&json!(3)).unwrap();
        w.finish().unwrap();
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        assert_eq!(v, json!([1, 3]));
        assert!(RowWriter::resume(&p, Format::Json, &[], 10_000, 1).is_err());
    }
}
