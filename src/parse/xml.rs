//! Shared XML reading for the test-report formats that are XML but not JUnit (NUnit, TRX,
//! xUnit.net): one streaming loop that handles encodings, positions, nesting depth, entity
//! references and what may stand outside the root, and hands each format's [`Handler`] only
//! elements and text.
//!
//! The same rules as the JUnit reader, which keeps its own tuned loop: UTF-8 with or without BOM,
//! UTF-16 transcoded (`dotnet test` and PowerShell still write it), DOCTYPE skipped unread, only
//! the five XML entities and character references resolved (a custom or external entity stays
//! literal text, never expanded or fetched), and every error names line:column. Positions cost
//! nothing until an error: the coverage parsers' windowed [`LineTracker`] rescans the bytes it
//! still holds when asked.

pub(crate) mod input;
pub(crate) mod text;

use std::io::{BufRead, Cursor, Read};

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};

use super::coverage_xml::LineTracker;
use super::{ParseError, Position};
use input::{Encoding, Utf16ToUtf8};

/// Deepest element nesting accepted; real reports stay under twenty levels.
pub(crate) const MAX_DEPTH: usize = 256;

/// What a format does with the elements of its document.
pub(crate) trait Handler {
    /// An element opens; `depth` is 0 for the root. The handler checks the root's name.
    fn open(&mut self, e: &BytesStart, depth: usize) -> Result<(), String>;
    /// The element opened last at `depth` closes (right after `open` for `<empty/>` elements).
    fn close(&mut self, depth: usize) -> Result<(), String>;
    /// Text or CDATA inside the root, references resolved, possibly in several pieces.
    fn text(&mut self, text: &str);
    /// The root closed and nothing but whitespace, comments and PIs followed.
    fn finish(&mut self) -> Result<(), String>;
}

/// True when `head` starts (after the prolog) with an element whose local name is in `roots`.
pub(crate) fn sniff_root(head: &[u8], roots: &[&str]) -> bool {
    let text = match Encoding::detect(head) {
        Encoding::Utf8 => String::from_utf8_lossy(head),
        Encoding::Utf16 { big_endian } => {
            std::borrow::Cow::Owned(text::decode_utf16_lossy(head, big_endian))
        }
        Encoding::Utf32 => return false,
    };
    text::first_element_name(&text).is_some_and(|name| {
        let local = name.rsplit(':').next().unwrap_or(name);
        roots.contains(&local)
    })
}

/// Reads a whole document into `handler`. `root` names the expected root for messages.
pub(crate) fn read<R: BufRead, H: Handler>(
    mut reader: R,
    handler: &mut H,
    root: &str,
) -> Result<(), ParseError> {
    let head = input::read_head(&mut reader, 4)
        .map_err(|e| ParseError::at(format!("cannot read the report: {e}"), Position::Offset(0)))?;
    let encoding = Encoding::detect(&head);
    let stream = Cursor::new(head).chain(reader);
    match encoding {
        Encoding::Utf8 => read_document(stream, handler, root),
        Encoding::Utf16 { big_endian } => {
            read_document(Utf16ToUtf8::new(stream, big_endian), handler, root)
        }
        Encoding::Utf32 => Err(ParseError::at(
            "UTF-32 is not supported: convert the report to UTF-8",
            Position::Offset(0),
        )),
    }
}

#[derive(PartialEq)]
enum Root {
    NotYet,
    Open,
    Closed,
}

fn read_document<B: BufRead, H: Handler>(
    input: B,
    handler: &mut H,
    root_name: &str,
) -> Result<(), ParseError> {
    let mut xml = Reader::from_reader(LineTracker::new(input));
    let mut buf = Vec::new();
    let mut depth = 0usize;
    let mut root = Root::NotYet;
    loop {
        let start = xml.buffer_position();
        let event = match xml.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(e) => {
                let at = xml.get_ref().position(xml.error_position());
                return Err(ParseError::at(describe_xml_error(&e), at));
            }
        };
        let step = match event {
            Event::Start(e) | Event::Empty(e) if root == Root::Closed => Err(format!(
                "unexpected <{}> after the root element",
                e.local_name().as_ref()
            )),
            Event::Start(_) | Event::Empty(_) if depth >= MAX_DEPTH => {
                Err(format!("elements nest deeper than {MAX_DEPTH} levels"))
            }
            Event::Start(e) => {
                root = Root::Open;
                let r = handler.open(&e, depth);
                depth += 1;
                r
            }
            Event::Empty(e) => {
                root = if depth == 0 { Root::Closed } else { Root::Open };
                handler.open(&e, depth).and_then(|()| handler.close(depth))
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    root = Root::Closed;
                }
                handler.close(depth)
            }
            Event::Text(t) => outside_root(&root, &t, root_name).map(|()| handler.text(&t)),
            Event::CData(t) => outside_root(&root, &t, root_name).map(|()| handler.text(&t)),
            Event::GeneralRef(r) => {
                outside_root(&root, "&", root_name).map(|()| handler.text(&resolve(&r)))
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => Ok(()),
            Event::Eof => break,
        };
        step.map_err(|message| ParseError::at(message, xml.get_ref().position(start)))?;
        buf.clear();
    }
    let end = xml.get_ref().position(xml.buffer_position());
    match root {
        Root::NotYet => Err(ParseError::at(
            format!("expected {root_name} root, found end of input"),
            end,
        )),
        Root::Open => Err(ParseError::at(
            "unexpected end of input: the report is truncated",
            end,
        )),
        Root::Closed => handler.finish().map_err(|m| ParseError::at(m, end)),
    }
}

fn outside_root(root: &Root, text: &str, root_name: &str) -> Result<(), String> {
    let blank = text
        .bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'));
    match root {
        Root::Open => Ok(()),
        _ if blank => Ok(()),
        Root::NotYet => Err(format!("expected {root_name} root, found text")),
        Root::Closed => Err("unexpected text after the root element".into()),
    }
}

fn resolve(reference: &BytesRef) -> String {
    let name: &str = reference;
    match reference.resolve_char_ref() {
        Ok(Some(ch)) => ch.to_string(),
        Ok(None) => match resolve_predefined_entity(name) {
            Some(resolved) => resolved.to_string(),
            None => format!("&{name};"),
        },
        Err(_) => format!("&{name};"),
    }
}

fn describe_xml_error(e: &quick_xml::Error) -> String {
    match e {
        quick_xml::Error::Io(e) => format!("cannot read the report: {e}"),
        quick_xml::Error::Encoding(e) => {
            format!(
                "not UTF-8 text ({e}); the report must be UTF-8, or UTF-16 with a byte order mark"
            )
        }
        other => format!("malformed XML: {other}"),
    }
}

/// The file and line of the first frame of a .NET stack trace that names one
/// (`   at A.B() in /src/Tests.cs:line 42`), read piecewise and bounded.
#[derive(Debug, Default)]
pub(crate) struct DotnetFrame {
    line: String,
    found: Option<(String, u64)>,
    scanned: usize,
}

/// Bytes of a stack trace looked at for a frame with a file; the rest is ignored.
const MAX_STACK_SCAN: usize = 16 * 1024;

impl DotnetFrame {
    pub(crate) fn push_str(&mut self, text: &str) {
        for ch in text.chars() {
            if self.found.is_some() || self.scanned >= MAX_STACK_SCAN {
                return;
            }
            self.scanned += ch.len_utf8();
            if ch == '\n' {
                self.found = parse_frame(&self.line);
                self.line.clear();
            } else {
                self.line.push(ch);
            }
        }
    }

    pub(crate) fn finish(mut self) -> Option<(String, u64)> {
        if self.found.is_none() {
            self.found = parse_frame(&self.line);
        }
        self.found
    }
}

fn parse_frame(line: &str) -> Option<(String, u64)> {
    let (before, number) = line.rsplit_once(":line ")?;
    let number: u64 = number.trim().parse().ok()?;
    let (_, path) = before.rsplit_once(" in ")?;
    let path = path.trim();
    (!path.is_empty()).then(|| (path.to_string(), number))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotnet_frames() {
        let mut f = DotnetFrame::default();
        f.push_str("   at X.Y() in C:\\src\\A.cs:li");
        f.push_str("ne 42\n   at Z() in /b.cs:line 7");
        assert_eq!(f.finish(), Some(("C:\\src\\A.cs".into(), 42)));
        let mut f = DotnetFrame::default();
        f.push_str("at X.Y()\nat Z() in /b.cs:line 7");
        assert_eq!(f.finish(), Some(("/b.cs".into(), 7)));
        let mut f = DotnetFrame::default();
        f.push_str("no frame here");
        assert_eq!(f.finish(), None);
    }

    #[test]
    fn sniff_root_reads_through_the_prolog() {
        assert!(sniff_root(
            b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- x --><test-run id=\"2\"",
            &["test-run"]
        ));
        assert!(!sniff_root(b"<testsuites>", &["test-run"]));
        assert!(!sniff_root(b"", &["test-run"]));
    }
}
