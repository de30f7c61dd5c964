//! Reading one large document with two threads: where to cut it, the
//! second thread's part (the tail), and how the first (the head) checks the
//! cut and joins the tail's part. See [`super::parse_with`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;
use std::sync::Arc;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::{last_schema, Fail, Frame, Parser};
use crate::error::ErrorKind;
use crate::model::*;

/// The depth of `edmx:DataServices` (in `edmx:Edmx`): the tail stops at
/// the end tag that would close it.
pub(super) const DATA_SERVICES_DEPTH: usize = 2;

/// The depth of a schema (in `edmx:DataServices`).
pub(super) const SCHEMA_DEPTH: usize = 3;

/// Where the second thread starts reading, and what it assumes open there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Cut {
    /// Offset of the whitespace before the first tag the tail reads, just
    /// after a `>`. Whitespace after a `>`: no text event ends there, so a
    /// reader that stops there has just read markup (a tag, comment, ...)
    /// and is not inside any.
    pub(super) at: usize,
    /// Whether that tag is a schema's child (`<EntityType`, ...), so that a
    /// schema is open there; else it is a `<Schema` tag.
    in_schema: bool,
}

impl Cut {
    /// The elements the tail assumes open at the cut.
    fn seed(self) -> &'static [Frame] {
        const IN_SCHEMA: [Frame; SCHEMA_DEPTH] = [Frame::Edmx, Frame::DataServices, Frame::Schema];
        if self.in_schema {
            &IN_SCHEMA
        } else {
            &IN_SCHEMA[..DATA_SERVICES_DEPTH]
        }
    }
}

/// The tags a cut may come before: a schema, or one of a schema's children.
const CUT_TAGS: [&[u8]; 10] = [
    b"Schema",
    b"EntityType",
    b"ComplexType",
    b"EnumType",
    b"TypeDefinition",
    b"Term",
    b"Function",
    b"Action",
    b"EntityContainer",
    b"Annotations",
];

/// The head's share of a document's tags (`<`): less than half, as the
/// head also checks the whole text (UTF-8) before and builds the name
/// tables after, and the types and properties at the start of Graph's
/// schema cost more per tag than the annotations at its end (a share of
/// 1/2 gave the head ~54% of the reading, by instruction counts).
const HEAD_SHARE: (usize, usize) = (9, 20);

/// Where a second thread may start: before the first tag of [`CUT_TAGS`]
/// at or after the point with [`HEAD_SHARE`] of the tags (`<`) before it
/// (tags, not bytes, are what reading costs), within the middle half of
/// the document. The guess is checked when the head gets there.
pub(super) fn split_point(text: &str) -> Option<Cut> {
    let b = text.as_bytes();
    // Tags per block, estimated from each block's first eighth (the
    // density of tags changes slowly; counting them all costs ~5% of a
    // scan), to find the middle one without a second pass.
    const BLOCK: usize = 1 << 16;
    let counts: Vec<usize> = b
        .chunks(BLOCK)
        .map(|block| count_tags(&block[..block.len().min(BLOCK / 8)]))
        .collect();
    let share = counts.iter().sum::<usize>() * HEAD_SHARE.0 / HEAD_SHARE.1;
    let mut seen = 0;
    let block = counts.iter().position(|&n| {
        seen += n;
        seen >= share
    })?;
    let from = (block * BLOCK).max(b.len() / 4);
    let to = b.len() - b.len() / 4;
    memchr::memchr_iter(b'<', b.get(from..to)?).find_map(|i| cut_before(b, from + i))
}

/// The cut before the `<` at `lt`, if it starts a tag of [`CUT_TAGS`] and
/// follows whitespace after a `>` (see [`Cut::at`]).
fn cut_before(b: &[u8], lt: usize) -> Option<Cut> {
    let name = CUT_TAGS.iter().find(|name| {
        b[lt + 1..].starts_with(name)
            && b.get(lt + 1 + name.len())
                .is_some_and(|c| c.is_ascii_whitespace() || *c == b'>')
    })?;
    let ws = b[..lt].iter().rev().take_while(|c| c.is_ascii_whitespace());
    let cut = lt - ws.count();
    (cut < lt && cut > 0 && b[cut - 1] == b'>').then_some(Cut {
        at: cut,
        in_schema: *name != b"Schema",
    })
}

/// The number of `<` in `bytes`, summed in bytes over runs of 255 (so
/// that the compiler turns it into vector compares: a tenth of the
/// instructions of counting one by one).
fn count_tags(bytes: &[u8]) -> usize {
    bytes
        .chunks(255)
        .map(|run| usize::from(run.iter().map(|&c| u8::from(c == b'<')).sum::<u8>()))
        .sum()
}

/// What a [`Parser`] reads: the whole document, or one side of a cut.
pub(super) enum Role<'a> {
    /// Everything, alone.
    Whole,
    /// From the start; at the `cut` it takes what the tail read (when the
    /// cut turns out to be where the tail assumed it was).
    Head {
        cut: Cut,
        tail: Receiver<TailEnd<'a>>,
        cancel: Arc<AtomicBool>,
    },
    /// From the cut to the end tag that closes `edmx:DataServices` (which
    /// it leaves to the head); stops early when `cancel` is set.
    Tail { cancel: Arc<AtomicBool> },
}

/// How often (in bytes read) the tail looks whether it was cancelled.
const TAIL_CHECK_EVERY: usize = 1 << 18;

/// What the tail did.
pub(super) enum TailEnd<'a> {
    /// It read its part (or up to an error in it).
    Read(TailPart<'a>),
    /// It was cancelled (the head does not want its part), or reached the
    /// end of the document with more than its seed open (cannot happen:
    /// it stops at the end of the document when only the seed is open).
    GaveUp,
}

/// The tail's part of the document.
pub(super) struct TailPart<'a> {
    /// Where the tail stood before the end tag that closes
    /// `edmx:DataServices` (or at the end of the document), where the head
    /// goes on; or the error that stands if the head's part is good and
    /// nothing below clashes with it.
    end: Result<usize, Fail>,
    /// The schemas read, the first one only the rest of the schema open at
    /// the cut when the cut is [`Cut::in_schema`].
    schemas: Vec<Schema<'a>>,
    /// The schemas' namespaces and aliases, for the head to check.
    claims: Vec<Claim>,
    /// Where the tail stood before the end tag that closed the schema open
    /// at the cut (the head reads that tag itself: its reader checks the
    /// name).
    closed_at: Option<usize>,
    /// A second container in the schema open at the cut: the tail's error,
    /// which the head words (it knows the schema's namespace).
    second_container: Option<Span>,
}

/// A schema's or include's namespace and alias, as claimed where written.
#[derive(Debug, Clone)]
pub(super) struct Claim {
    pub(super) namespace: String,
    pub(super) alias: Option<String>,
    pub(super) offset: usize,
}

/// Why the reading loop stopped.
pub(super) enum Stop {
    /// The end of the document.
    Eof,
    /// The tail stood here before the end tag that closes
    /// `edmx:DataServices` (or at the end of the document).
    At(usize),
    /// The tail was cancelled.
    Cancelled,
}

/// Reads `text` with two threads, the second one from `cut`.
pub(super) fn parse_in_two<'a>(
    source: &str,
    text: &'a str,
    cut: Cut,
) -> Result<Document<'a>, Fail> {
    let cancel = Arc::new(AtomicBool::new(false));
    let (send, receive) = std::sync::mpsc::sync_channel(1);
    std::thread::scope(|scope| {
        // However the head ends (a result, or a panic), the tail's work is
        // no longer wanted.
        let _cancel_on_exit = CancelOnDrop(cancel.clone());
        let tail = Parser::new(
            source,
            text,
            Role::Tail {
                cancel: cancel.clone(),
            },
        );
        let spawned = std::thread::Builder::new()
            .name("csdl-tail".into())
            .spawn_scoped(scope, move || {
                // The receiver may be gone (the head failed first): fine.
                let _ = send.send(tail.run_tail(cut));
            });
        let Ok(tail) = spawned else {
            return Parser::new(source, text, Role::Whole).run();
        };
        let role = Role::Head {
            cut,
            tail: receive,
            cancel: cancel.clone(),
        };
        let result = Parser::new(source, text, role).run();
        cancel.store(true, Ordering::Relaxed);
        // A panic in the tail is dropped: its part was not taken (it sent
        // none), so the head read that part itself, or ended before it.
        let _ = tail.join();
        result
    })
}

/// Sets the flag when dropped.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

impl<'a> Parser<'a, '_> {
    /// Reads from the cut as if its [`Cut::seed`] elements were open
    /// there, up to the end tag that would close `edmx:DataServices`.
    fn run_tail(mut self, cut: Cut) -> TailEnd<'a> {
        self.base = cut.at;
        self.watch = cut.at + TAIL_CHECK_EVERY;
        let seed = cut.seed();
        self.seed = seed.len();
        let mut doc = Document::default();
        if cut.in_schema {
            doc.schemas.push(Schema::default());
        }
        let mut stack: Vec<(Frame, usize)> = seed.iter().map(|&f| (f, cut.at)).collect();
        let end = match self.read(&mut doc, &mut stack, &mut true) {
            Ok(Stop::At(at)) => Ok(at),
            Ok(Stop::Eof | Stop::Cancelled) => return TailEnd::GaveUp,
            Err(error) => Err(error),
        };
        TailEnd::Read(TailPart {
            end,
            schemas: doc.schemas,
            claims: self.names,
            closed_at: self.closed_at,
            second_container: self.second_container,
        })
    }

    /// At the watched offset: the head meets the cut (and takes what the
    /// tail read when the cut is where the tail assumed it was); the tail
    /// looks whether it was cancelled. `Some` stops the reading loop.
    pub(super) fn on_watch(
        &mut self,
        at: usize,
        skip_depth: usize,
        stack: &mut Vec<(Frame, usize)>,
        doc: &mut Document<'a>,
        reader: &mut Reader<&'a [u8]>,
    ) -> Result<Option<Stop>, Fail> {
        // The role is taken out to be matched by value; the tail's is put
        // back, the head's is spent (it reads on as `Whole`, so the claims
        // below are checked, not deferred).
        match std::mem::replace(&mut self.role, Role::Whole) {
            Role::Whole => self.watch = usize::MAX,
            Role::Tail { cancel } => {
                if cancel.load(Ordering::Relaxed) {
                    return Ok(Some(Stop::Cancelled));
                }
                self.watch = at + TAIL_CHECK_EVERY;
                self.role = Role::Tail { cancel };
            }
            Role::Head { cut, tail, cancel } => {
                self.watch = usize::MAX;
                let seed = cut.seed();
                let fits = at == cut.at
                    && skip_depth == 0
                    && self.values.is_empty()
                    && stack.iter().map(|&(f, _)| f).eq(seed.iter().copied());
                if !fits {
                    cancel.store(true, Ordering::Relaxed);
                    return Ok(None);
                }
                // Else the head reads the tail's part itself (a tail that
                // panicked sent nothing; its panic is dropped on join).
                let Ok(TailEnd::Read(part)) = tail.recv() else {
                    return Ok(None);
                };
                // In document order: the rest of the open schema, its end
                // tag, the schemas after it (their aliases), the tail's error.
                let mut schemas = part.schemas.into_iter();
                if cut.in_schema {
                    if let Some(rest) = schemas.next() {
                        self.join_schema(last_schema(doc), rest)?;
                    }
                }
                if let Some(span) = part.second_container {
                    return Err(self.second_container(last_schema(doc), span));
                }
                let mut at = at;
                if let Some(close) = part.closed_at {
                    self.jump(reader, at, close);
                    match reader.read_event() {
                        Ok(Event::End(_)) => {
                            stack.pop();
                        }
                        // The tail read an end tag from the same state (after
                        // markup, see `Cut::at`); anything else is a bug here.
                        Ok(other) => {
                            debug_assert!(false, "an end tag at {close}, not {other:?}");
                            return Err(self.err(
                                close,
                                ErrorKind::Xml,
                                "internal error: the two threads read this end tag differently",
                            ));
                        }
                        Err(e) => {
                            let pos = self.base + reader.error_position() as usize;
                            return Err(self.xml_error(e, pos));
                        }
                    }
                    at = self.base + reader.buffer_position() as usize;
                }
                self.claim_all(part.claims)?;
                let end = part.end?;
                doc.schemas.extend(schemas);
                self.jump(reader, at, end);
                #[cfg(test)]
                JOINS.set(JOINS.get() + 1);
            }
        }
        Ok(None)
    }

    /// Moves the reader from `at` (where it is) on to `to` (after what the
    /// tail read); positions shift with it.
    fn jump(&mut self, reader: &mut Reader<&'a [u8]>, at: usize, to: usize) {
        *reader.get_mut() = &self.text.as_bytes()[to..];
        self.base = self.base + to - at;
    }

    /// Appends the rest of a schema (read by the tail) to the schema.
    fn join_schema(&self, schema: &mut Schema<'a>, rest: Schema<'a>) -> Result<(), Fail> {
        // Every field named: a new one must be joined here too.
        let Schema {
            namespace: _,
            alias: _,
            entity_types,
            complex_types,
            enum_types,
            type_definitions,
            functions,
            actions,
            terms,
            entity_container,
            annotation_groups,
            span: _,
        } = rest;
        if let Some(c) = entity_container {
            if schema.entity_container.is_some() {
                return Err(self.second_container(schema, c.span));
            }
            schema.entity_container = Some(c);
        }
        schema.entity_types.extend(entity_types);
        schema.complex_types.extend(complex_types);
        schema.enum_types.extend(enum_types);
        schema.type_definitions.extend(type_definitions);
        schema.functions.extend(functions);
        schema.actions.extend(actions);
        schema.terms.extend(terms);
        schema.annotation_groups.extend(annotation_groups);
        Ok(())
    }

    /// The tail's claims, checked against the head's in document order.
    fn claim_all(&mut self, claims: Vec<Claim>) -> Result<(), Fail> {
        for c in claims {
            self.claim_names(&c.namespace, c.alias.as_deref(), c.offset)?;
        }
        Ok(())
    }
}

#[cfg(test)]
thread_local! {
    /// How often a head on this thread took a tail's part (tests see
    /// whether a cut was used, not only that the result is right).
    static JOINS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
mod tests {
    use super::super::parse_split;
    use super::*;
    use crate::error::{Error, ErrorKind};

    const HEAD: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\n  <edmx:DataServices>\n";
    const TAIL: &str = "  </edmx:DataServices>\n</edmx:Edmx>\n";

    /// A document of the schemas `(namespace, alias, body)`, laid out as
    /// Graph's is (one element per line, indented).
    fn document(schemas: &[(&str, &str, String)]) -> String {
        let mut text = HEAD.to_string();
        for (ns, alias, body) in schemas {
            text += &format!(
                "    <Schema Namespace=\"{ns}\" Alias=\"{alias}\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\">\n{body}    </Schema>\n"
            );
        }
        text + TAIL
    }

    /// `n` complex types named `{prefix}0..`, each with a few properties.
    fn types(prefix: &str, n: usize) -> String {
        (0..n)
            .map(|i| {
                format!(
                    "      <ComplexType Name=\"{prefix}{i}\">\n        <Property Name=\"p\" Type=\"Edm.String\" Nullable=\"false\" />\n        <Property Name=\"q\" Type=\"Collection(self.{prefix}{i})\" />\n      </ComplexType>\n"
                )
            })
            .collect()
    }

    /// One complex type with `n` properties (no tag a cut may come before).
    fn big_type(name: &str, n: usize) -> String {
        let props: String = (0..n)
            .map(|i| format!("        <Property Name=\"p{i}\" Type=\"Edm.Int32\" />\n"))
            .collect();
        format!("      <ComplexType Name=\"{name}\">\n{props}      </ComplexType>\n")
    }

    fn container(name: &str) -> String {
        format!("      <EntityContainer Name=\"{name}\" />\n")
    }

    /// Parses `text` on one thread and with a cut (whatever its size);
    /// asserts both give the same document, or the same error. Returns the
    /// one-thread result and whether the head took the tail's part.
    fn both_ways(text: &str) -> (Result<Document<'_>, Error>, bool) {
        let one = parse_split(text.as_bytes(), "t.xml", usize::MAX);
        JOINS.set(0);
        let two = parse_split(text.as_bytes(), "t.xml", 0);
        let joined = JOINS.get() == 1;
        match (&one, &two) {
            (Ok(a), Ok(b)) => assert_eq!(format!("{a:#?}"), format!("{b:#?}")),
            (Err(a), Err(b)) => assert_eq!(a, b),
            _ => panic!("one thread: {one:?}\ntwo threads: {two:?}"),
        }
        (one, joined)
    }

    fn cut_of(text: &str) -> Cut {
        split_point(text).expect("a cut is found")
    }

    #[test]
    fn a_cut_before_a_schema_is_taken() {
        let text = document(&[
            ("a", "x", big_type("t", 120)),
            ("b", "y", big_type("u", 100)),
        ]);
        let cut = cut_of(&text);
        assert!(!cut.in_schema);
        assert!(text[cut.at..]
            .trim_start()
            .starts_with("<Schema Namespace=\"b\""));
        let (doc, joined) = both_ways(&text);
        assert!(joined);
        let doc = doc.expect("parses");
        let names: Vec<&str> = doc.schemas.iter().map(|s| &*s.namespace).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(doc.schemas[1].complex_types[0].properties.len(), 100);
    }

    #[test]
    fn a_cut_between_a_schemas_types_is_taken_and_the_schema_joined() {
        let body = types("t", 60) + &container("c") + "      <Annotations Target=\"self.t1\" />\n";
        let text = document(&[("a", "self", body), ("b", "y", types("u", 3))]);
        let cut = cut_of(&text);
        assert!(cut.in_schema);
        let (doc, joined) = both_ways(&text);
        assert!(joined);
        let doc = doc.expect("parses");
        let a = &doc.schemas[0];
        let names: Vec<String> = a.complex_types.iter().map(|t| t.name.to_string()).collect();
        let expected: Vec<String> = (0..60).map(|i| format!("t{i}")).collect();
        assert_eq!(names, expected);
        assert_eq!(a.entity_container.as_ref().map(|c| &*c.name), Some("c"));
        assert_eq!(a.annotation_groups.len(), 1);
        assert_eq!(doc.schemas[1].complex_types.len(), 3);
    }

    #[test]
    fn a_second_container_across_the_cut_is_refused_as_on_one_thread() {
        let body = container("c1") + &types("t", 60) + &container("c2");
        let text = document(&[("a", "x", body)]);
        assert!(cut_of(&text).in_schema);
        let (doc, _) = both_ways(&text);
        let e = doc.expect_err("two containers");
        assert_eq!(e.kind, ErrorKind::Structure);
        assert!(
            e.message
                .contains("schema a declares a second EntityContainer"),
            "{e}"
        );
    }

    #[test]
    fn an_alias_clash_across_the_cut_is_refused_as_on_one_thread() {
        let text = document(&[
            ("a", "x", big_type("t", 120)),
            ("b", "x", big_type("u", 100)),
        ]);
        let (doc, _) = both_ways(&text);
        let e = doc.expect_err("alias clash");
        assert_eq!(e.kind, ErrorKind::Duplicate);
        assert!(
            e.message.contains("duplicate alias x for namespace b"),
            "{e}"
        );
        // The clash comes before a later error in the tail's part.
        let mut text = text;
        let late = text.rfind("<Property Name=\"p99\"").unwrap() + 9;
        text.insert_str(late, " Nullable=\"no\"");
        let (doc, _) = both_ways(&text);
        assert_eq!(doc.expect_err("clash first").kind, ErrorKind::Duplicate);
    }

    #[test]
    fn errors_are_the_first_in_the_document_on_either_side_of_the_cut() {
        let text = document(&[("a", "x", types("t", 60))]);
        let last = text.rfind("Nullable=\"false\"").unwrap();
        let first = text.find("Nullable=\"false\"").unwrap();
        assert!(first < cut_of(&text).at && cut_of(&text).at < last);
        let mut bad_tail = text.clone();
        bad_tail.replace_range(last..last + 16, "Nullable=\"nope\"");
        let (doc, _) = both_ways(&bad_tail);
        let e = doc.expect_err("bad boolean");
        assert_eq!(e.kind, ErrorKind::InvalidValue);
        assert!(e.message.contains("nope"), "{e}");
        let mut bad_both = bad_tail.clone();
        bad_both.replace_range(first..first + 16, "Nullable=\"oops\"");
        let (doc, _) = both_ways(&bad_both);
        assert!(doc.expect_err("bad boolean").message.contains("oops"));
    }

    #[test]
    fn a_cut_guessed_inside_a_comment_or_skipped_element_is_not_taken() {
        let fake = "      <!-- x> <EntityType Name=\"fake\" /> -->\n";
        let body = big_type("t", 140) + fake + &big_type("u", 100);
        let text = document(&[("a", "x", body)]);
        assert!(text[cut_of(&text).at..]
            .trim_start()
            .starts_with("<EntityType Name=\"fake\""));
        let (doc, joined) = both_ways(&text);
        assert!(!joined);
        assert_eq!(doc.expect("parses").schemas[0].entity_types.len(), 0);

        let skipped = "      <Unknown>\n        <EntityType Name=\"fake\" />\n      </Unknown>\n";
        let body = big_type("t", 140) + skipped + &big_type("u", 100);
        let text = document(&[("a", "x", body)]);
        let (doc, joined) = both_ways(&text);
        assert!(!joined);
        assert_eq!(doc.expect("parses").schemas[0].complex_types.len(), 2);
    }

    #[test]
    fn a_bad_end_tag_of_the_schema_open_at_the_cut_is_the_heads_error() {
        let text = document(&[("a", "x", types("t", 60)), ("b", "y", types("u", 2))]);
        assert!(cut_of(&text).in_schema);
        let first_end = text.find("    </Schema>").unwrap();
        let mut bad = text.clone();
        bad.replace_range(first_end..first_end + 13, "    </Schemo>");
        let (doc, _) = both_ways(&bad);
        let e = doc.expect_err("mismatched end tag");
        assert!(
            e.message.contains("expected </Schema>, found </Schemo>"),
            "{e}"
        );
    }

    #[test]
    fn malformed_xml_in_the_tails_part_is_placed_as_on_one_thread() {
        let text = document(&[("a", "x", types("t", 60))]);
        let last = text.rfind("</ComplexType>").unwrap();
        for broken in ["</ComplexTyp>", "</ComplexType", "<ComplexType>"] {
            let mut bad = text.clone();
            bad.replace_range(last..last + 14, broken);
            assert!(cut_of(&bad).at < last);
            let (doc, joined) = both_ways(&bad);
            assert!(!joined, "the tail's error ends the parse");
            let e = doc.expect_err("malformed");
            assert_eq!(e.kind, ErrorKind::Xml, "{e}");
        }
    }

    #[test]
    fn truncated_documents_fail_as_on_one_thread() {
        let text = document(&[("a", "x", types("t", 60)), ("b", "y", types("u", 2))]);
        let cut = cut_of(&text).at;
        // Inside a type after the cut; right after a schema's end; before
        // the end tag of edmx:DataServices.
        let after_schema = text.find("    </Schema>\n").unwrap() + 14;
        let before_end = text.find(TAIL).unwrap();
        for end in [cut + 200, after_schema, before_end] {
            let (doc, _) = both_ways(&text[..end]);
            let e = doc.expect_err("truncated");
            assert!(e.message.contains("not closed"), "{e}");
        }
    }

    /// The real Graph v1.0 document: cut inside its `microsoft.graph`
    /// schema, read by two threads into the same model (skipped when
    /// `../shared` is absent).
    #[test]
    fn the_real_document_reads_the_same_on_two_threads() {
        let dir = std::env::var("CARGO_MANIFEST_DIR")
            .unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string());
        let path = std::path::Path::new(&dir)
            .join("../../../shared/upstream-metadata/graph-v1.0-metadata.xml");
        let Ok(bytes) = std::fs::read(&path) else {
            eprintln!("skipping: {} not found", path.display());
            return;
        };
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let text = std::str::from_utf8(bytes).expect("UTF-8");
        assert!(cut_of(text).in_schema);
        let (doc, joined) = both_ways(text);
        assert!(joined);
        assert_eq!(doc.expect("parses").schemas.len(), 11);
    }

    #[test]
    fn text_ending_in_gt_right_before_a_cut_tag_makes_no_cut_there() {
        // `x>` then the tag: a text event ends at the `<`, inside markup.
        let body = big_type("t", 140) + "      x>" + big_type("u", 100).trim_start();
        let text = document(&[("a", "x", body), ("b", "y", types("v", 2))]);
        let lt = text.find("<ComplexType Name=\"u\"").unwrap();
        assert_eq!(cut_before(text.as_bytes(), lt), None);
        both_ways(&text).0.expect("parses");

        let mut text = document(&[
            ("a", "x", big_type("t", 120)),
            ("b", "y", big_type("u", 100)),
        ]);
        let at = text.find("    <Schema Namespace=\"b\"").unwrap();
        text.replace_range(at..at + 4, "x>");
        both_ways(&text).0.expect("parses");
    }

    #[test]
    fn a_second_container_in_the_tails_part_names_the_schema() {
        let body = types("t", 60) + &container("c1") + &container("c2");
        let text = document(&[("a", "x", body)]);
        assert!(cut_of(&text).at < text.find("<EntityContainer").unwrap());
        let e = both_ways(&text).0.expect_err("two containers");
        assert!(
            e.message
                .contains("schema a declares a second EntityContainer"),
            "{e}"
        );
    }

    /// Every offset the cut's byte test accepts (not only the one the
    /// guess picks).
    fn all_cuts(text: &str) -> Vec<Cut> {
        let b = text.as_bytes();
        memchr::memchr_iter(b'<', b)
            .filter_map(|lt| cut_before(b, lt))
            .collect()
    }

    /// The document (or error) of one thread, as text.
    fn shown(result: Result<Document<'_>, Error>) -> String {
        match result {
            Ok(doc) => format!("{doc:#?}"),
            Err(e) => format!("{e:?}"),
        }
    }

    /// Cuts `text` at every offset [`all_cuts`] finds; returns those where
    /// two threads read differently from one (or panic), and how many cuts
    /// the head took.
    fn diverging_cuts(text: &str) -> (Vec<String>, usize) {
        let one = shown(parse_split(text.as_bytes(), "t.xml", usize::MAX));
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        JOINS.set(0);
        let bad = all_cuts(text)
            .into_iter()
            .filter_map(|cut| {
                let two = std::panic::catch_unwind(|| {
                    shown(parse_in_two("t.xml", text, cut).map_err(|e| *e))
                });
                match two {
                    Ok(two) if two == one => None,
                    Ok(two) => Some(format!("{cut:?}: one thread {one:.300}, two {two:.300}")),
                    Err(_) => Some(format!("{cut:?}: panic")),
                }
            })
            .collect();
        (bad, JOINS.get())
    }

    /// Small documents with odd pieces put anywhere (text, `>`, comments,
    /// PIs, CDATA, references, BOMs, stray and missing tags, prefixed and
    /// empty schemas, containers, clashing aliases), each cut at every
    /// place the byte test accepts: two threads read each as one does.
    #[test]
    fn every_cut_of_odd_documents_reads_as_one_thread() {
        let first = document(&[
            ("a", "x", types("t", 3) + &container("c") + "      <EnumType Name=\"e\"><Member Name=\"m\"/></EnumType>\n      <Annotations Target=\"x.t1\"><Annotation Term=\"x.T\"><String>s</String></Annotation></Annotations>\n"),
            ("b", "y", types("u", 2) + "      <Term Name=\"T\" Type=\"Edm.String\"/>\n"),
        ]);
        let second = HEAD.to_string() + "    <Schema Namespace=\"a\" Alias=\"x\">\n      <Term Name=\"T\" Type=\"Edm.String\"/>\n      <EntityType Name=\"e\"><Key><PropertyRef Name=\"k\"/></Key><Property Name=\"k\" Type=\"Edm.String\"><Annotation Term=\"x.T\"><Collection><String>a</String><Record><PropertyValue Property=\"p\" String=\"v\"/></Record></Collection></Annotation></Property></EntityType>\n    </Schema>\n    <Schema Namespace=\"b\">\n      <Action Name=\"f\"><Parameter Name=\"p\" Type=\"x.e\"/></Action>\n    </Schema>\n    <Schema Namespace=\"c\" Alias=\"z\"/>\n  </edmx:DataServices>\n</edmx:Edmx>\n";
        let pieces = [
            "x>",
            "junk",
            "<!-- c -->",
            "<!-- > <EntityType Name=\"q\"> -->",
            "<?pi x?>",
            "<![CDATA[z>]]>",
            "&amp;",
            "&#65;",
            "&bad;",
            "&",
            "<",
            ">",
            " ",
            "\n",
            "\u{c}",
            "\u{feff}",
            "<Schema Namespace=\"z\" Alias=\"x\"/>",
            "<Schema Namespace=\"z\"/>",
            "</Schema>",
            "<Schema Namespace=\"x\">",
            "<edm:Schema Namespace=\"w\"></edm:Schema>",
            "<EntityContainer Name=\"d\"/>",
            "<Foo>",
            "</Foo>",
            "<Foo/>",
            "<String>",
            "</edmx:DataServices>",
            "</edmx:Edmx>",
            "<Annotations Target=\"a.t0\">",
            "</Annotations>",
            "<EntityType Name=\"t0\">",
            "</ComplexType>",
            "<ComplexType Name=\"t0\"/>",
            "<Annotation Term=\"q\"/>",
        ];
        // A fixed pseudo-random sequence (the same cases on every run).
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize % n
        };
        let (mut failures, mut joins) = (Vec::new(), 0);
        for case in 0..600 {
            let mut text = if case % 2 == 0 {
                first.clone()
            } else {
                second.clone()
            };
            if case >= 2 {
                if case % 5 == 0 {
                    text.insert_str(0, &"\u{feff}".repeat(1 + next(3)));
                }
                for _ in 0..1 + next(3) {
                    let mut at = next(text.len() + 1);
                    while !text.is_char_boundary(at) {
                        at -= 1;
                    }
                    text.insert_str(at, pieces[next(pieces.len())]);
                }
            }
            let (bad, joined) = diverging_cuts(&text);
            joins += joined;
            failures.extend(bad.into_iter().map(|b| format!("{b}\n  in {text:?}")));
        }
        assert!(
            failures.is_empty(),
            "{}\n{}",
            failures.len(),
            failures.join("\n")
        );
        // Cuts are taken (all 17 of the two documents as written, about one
        // per broken one): the comparison is not only of heads reading alone.
        assert!(joins > 400, "{joins} cuts taken");
    }

    #[test]
    fn more_byte_order_marks_keep_positions() {
        let body = "<edmx:Edmx Version=\"4.0\"><edmx:DataServices></edmx:Edmx>";
        let error = |marks: usize| {
            let text = "\u{feff}".repeat(marks) + body;
            parse_split(text.as_bytes(), "t.xml", usize::MAX).expect_err("mismatched end tag")
        };
        let one = error(1);
        for marks in 2..5 {
            let more = error(marks);
            assert_eq!(one.message, more.message);
            // The marks after the first are characters of the line.
            assert_eq!(
                (one.line, one.column + marks as u32 - 1),
                (more.line, more.column)
            );
        }
    }

    /// With marks quick-xml would drop uncounted, the head's position once
    /// fell 3 bytes short: text ending in `>` and 3 spaces before a tag met
    /// the cut from inside markup.
    #[test]
    fn byte_order_marks_do_not_fake_the_cut() {
        let body = big_type("t", 140) + "      x>   " + big_type("u", 100).trim_start();
        let text = "\u{feff}".repeat(3) + &document(&[("a", "x", body), ("b", "y", types("v", 2))]);
        both_ways(&text).0.expect("parses");
        let mut text = "\u{feff}".repeat(3)
            + &document(&[("a", "x", types("t", 3)), ("b", "y", types("v", 2))]);
        let at = text.find("    <Schema Namespace=\"b\"").unwrap();
        text.replace_range(at..at + 4, " x>   ");
        let (bad, _) = diverging_cuts(&text);
        assert!(bad.is_empty(), "{}", bad.join("\n"));
    }

    #[test]
    fn tags_are_counted_as_one_by_one() {
        let text = document(&[("a", "x", types("t", 200))]);
        for len in [0, 1, 254, 255, 256, 511, text.len()] {
            let part = &text.as_bytes()[..len];
            assert_eq!(
                count_tags(part),
                part.iter().filter(|&&c| c == b'<').count()
            );
        }
    }
}
