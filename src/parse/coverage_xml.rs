//! Plumbing shared by the XML coverage parsers (Cobertura, JaCoCo, Clover, OpenCover).
//!
//! - [`XmlInput`] streams events with quick-xml and never resolves anything: a DOCTYPE (external
//!   or with an internal subset) is skipped, custom entities are never expanded (a reference in an
//!   attribute stays literal, see [`text_attr`]), nesting is capped at [`MAX_DEPTH`], UTF-16/32
//!   input is refused with a clear message, and a truncated document is an error.
//! - Errors carry `line:column` (1-based, column in bytes). quick-xml only knows byte offsets, so
//!   the input goes through [`LineTracker`], which counts newlines of the bytes it hands out and
//!   keeps the current and previous 64 KiB chunks to place an offset inside them; an offset older
//!   than that (an event over 64 KiB long) is reported as a byte offset.
//! - [`sniff_root`] reads just enough of a file head to name its root element and first child,
//!   which is how the XML coverage formats tell each other apart.

use std::borrow::Cow;
use std::io::{self, BufRead, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::{ParseError, Position};

/// Deepest element nesting accepted; real coverage reports stay under 10.
pub(crate) const MAX_DEPTH: usize = 256;

const CHUNK: usize = 64 * 1024;

/// A `BufRead` over another reader that can turn a byte offset into a line and column.
pub(crate) struct LineTracker<R> {
    inner: R,
    cur: Vec<u8>,
    pos: usize,
    cur_start: u64,
    prev: Vec<u8>,
    newlines_before_prev: u64,
    last_newline_before_prev: Option<u64>,
}

impl<R: Read> LineTracker<R> {
    pub(crate) fn new(inner: R) -> Self {
        LineTracker {
            inner,
            cur: Vec::with_capacity(CHUNK),
            pos: 0,
            cur_start: 0,
            prev: Vec::new(),
            newlines_before_prev: 0,
            last_newline_before_prev: None,
        }
    }

    /// Line and column (1-based) of the byte at `offset`, if it is still in the window.
    pub(crate) fn line_col(&self, offset: u64) -> Option<(u64, u64)> {
        let prev_start = self.cur_start - self.prev.len() as u64;
        let end = self.cur_start + self.cur.len() as u64;
        if offset < prev_start || offset > end {
            return None;
        }
        let mut line = self.newlines_before_prev + 1;
        let mut last_newline = self.last_newline_before_prev;
        let upto = offset - prev_start;
        let windows = [
            (prev_start, &self.prev[..]),
            (self.cur_start, &self.cur[..]),
        ];
        for (start, bytes) in windows {
            let take = upto
                .saturating_sub(start - prev_start)
                .min(bytes.len() as u64) as usize;
            for (i, b) in bytes.iter().take(take).enumerate() {
                if *b == b'\n' {
                    line += 1;
                    last_newline = Some(start + i as u64);
                }
            }
        }
        let column = match last_newline {
            Some(nl) => offset - nl,
            None => offset + 1,
        };
        Some((line, column))
    }

    pub(crate) fn position(&self, offset: u64) -> Position {
        match self.line_col(offset) {
            Some((line, column)) => Position::LineCol { line, column },
            None => Position::Offset(offset),
        }
    }
}

impl<R: Read> Read for LineTracker<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for LineTracker<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos >= self.cur.len() {
            let newlines = count_newlines(&self.prev);
            if newlines > 0 {
                let prev_start = self.cur_start - self.prev.len() as u64;
                if let Some(i) = self.prev.iter().rposition(|&b| b == b'\n') {
                    self.last_newline_before_prev = Some(prev_start + i as u64);
                }
                self.newlines_before_prev += newlines;
            }
            std::mem::swap(&mut self.prev, &mut self.cur);
            self.cur_start += self.prev.len() as u64;
            self.cur.clear();
            self.cur.resize(CHUNK, 0);
            let n = loop {
                match self.inner.read(&mut self.cur) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        self.cur.clear();
                        return Err(e);
                    }
                }
            };
            self.cur.truncate(n);
            self.pos = 0;
        }
        Ok(&self.cur[self.pos..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.cur.len());
    }
}

/// Counts `\n` bytes eight at a time (exact: a byte's high bit is set only when it was `\n`).
fn count_newlines(bytes: &[u8]) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const NEWLINES: u64 = 0x0a0a_0a0a_0a0a_0a0a;
    let mut chunks = bytes.chunks_exact(8);
    let mut n = 0u64;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let t = u64::from_le_bytes(word) ^ NEWLINES;
        let zero_bytes = !(((t & LOW7).wrapping_add(LOW7)) | t | LOW7);
        n += u64::from(zero_bytes.count_ones());
    }
    n + chunks.remainder().iter().filter(|&&b| b == b'\n').count() as u64
}

/// A streaming XML event source with coverage-report safety rules applied.
pub(crate) struct XmlInput<R: BufRead> {
    reader: Reader<LineTracker<R>>,
    event_start: u64,
    depth: usize,
    format: &'static str,
}

impl<R: BufRead> XmlInput<R> {
    /// `format` names the expected format in error messages ("Cobertura", "JaCoCo", ...).
    pub(crate) fn new(mut inner: R, format: &'static str) -> Result<Self, ParseError> {
        let head = inner.fill_buf().map_err(|e| io_error(format, &e))?;
        if let Some(encoding) = unsupported_bom(head) {
            return Err(ParseError::at(
                format!("{format} report is {encoding} encoded; re-encode it as UTF-8"),
                Position::Offset(0),
            ));
        }
        let mut reader = Reader::from_reader(LineTracker::new(inner));
        reader.config_mut().check_end_names = true;
        Ok(XmlInput {
            reader,
            event_start: 0,
            depth: 0,
            format,
        })
    }

    /// The next event; `Start`/`End` keep [`depth`](Self::depth) up to date. A document that ends
    /// inside an element is an error, so `Eof` only comes after a complete root element (or
    /// before any element at all).
    pub(crate) fn next<'b>(&mut self, buf: &'b mut Vec<u8>) -> Result<Event<'b>, ParseError> {
        buf.clear();
        self.event_start = self.reader.buffer_position();
        let event = match self.reader.read_event_into(buf) {
            Ok(event) => event,
            Err(e) => {
                let at = self.reader.error_position();
                return Err(self.error_at(format!("malformed XML: {e}"), at));
            }
        };
        match &event {
            Event::Start(_) => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(self.error(format!(
                        "elements nested deeper than {MAX_DEPTH} levels; not a {} report",
                        self.format
                    )));
                }
            }
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            Event::Eof if self.depth > 0 => {
                let at = self.reader.buffer_position();
                return Err(self.error_at(
                    format!(
                        "truncated {} report: input ends inside an open element",
                        self.format
                    ),
                    at,
                ));
            }
            _ => {}
        }
        Ok(event)
    }

    /// An error placed at the start of the last event.
    pub(crate) fn error(&self, message: impl Into<String>) -> ParseError {
        self.error_at(message, self.event_start)
    }

    fn error_at(&self, message: impl Into<String>, offset: u64) -> ParseError {
        ParseError::at(message, self.reader.get_ref().position(offset))
    }

    /// Checks the root element's name, with an error that says what was expected.
    pub(crate) fn expect_root(&self, found: &str, expected: &str) -> Result<(), ParseError> {
        if found == expected {
            Ok(())
        } else {
            Err(self.error(format!(
                "expected a {} report with root element <{expected}>, found <{found}>",
                self.format
            )))
        }
    }

    /// The error for a document without any element.
    pub(crate) fn no_root(&self, expected: &str) -> ParseError {
        self.error(format!(
            "no root element: expected a {} report with root element <{expected}>",
            self.format
        ))
    }

    /// Reads the attributes of `element`, calling `f(key, raw_value)` for each. Values are raw
    /// (entity references not resolved): numbers need no unescaping; use [`text_attr`] for text.
    pub(crate) fn attributes<'e>(
        &self,
        element: &'e BytesStart<'_>,
        mut f: impl FnMut(&str, &Cow<'e, str>) -> Result<(), String>,
    ) -> Result<(), ParseError> {
        let mut attributes = element.attributes();
        attributes.with_checks(false);
        for attribute in attributes {
            let attribute =
                attribute.map_err(|e| self.error(format!("malformed attribute: {e}")))?;
            f(attribute.key.as_ref(), &attribute.value).map_err(|m| self.error(m))?;
        }
        Ok(())
    }
}

fn io_error(format: &str, e: &io::Error) -> ParseError {
    ParseError::new(format!("could not read the {format} report: {e}"))
}

/// The element's name as text.
pub(crate) fn name<'a>(element: &'a BytesStart<'_>) -> &'a str {
    element.name().0
}

/// An attribute value meant as text: the five predefined entities and character references are
/// resolved; anything else (a custom entity, a stray `&`) is kept literally, never expanded.
pub(crate) fn text_attr(raw: &str) -> String {
    quick_xml::escape::unescape(raw)
        .map(Cow::into_owned)
        .unwrap_or_else(|_| raw.to_string())
}

fn unsupported_bom(head: &[u8]) -> Option<&'static str> {
    match head {
        [0x00, 0x00, 0xFE, 0xFF, ..] | [0xFF, 0xFE, 0x00, 0x00, ..] => Some("UTF-32"),
        [0xFE, 0xFF, ..] | [0xFF, 0xFE, ..] => Some("UTF-16"),
        [0x00, b'<', ..] | [b'<', 0x00, ..] => Some("UTF-16 (no BOM)"),
        _ => None,
    }
}

/// The root element of an XML head: its name, its raw attribute text, and the name of its first
/// child element when the head reaches that far. Skips a UTF-8 BOM, the XML declaration,
/// comments, processing instructions and a DOCTYPE.
pub(crate) struct RootSniff<'a> {
    pub name: &'a str,
    pub attributes: &'a str,
    pub first_child: Option<&'a str>,
    /// The DOCTYPE text, if any (for formats that name their DTD).
    pub doctype: &'a str,
}

pub(crate) fn sniff_root(head: &[u8]) -> Option<RootSniff<'_>> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        Err(e) => std::str::from_utf8(head.get(..e.valid_up_to())?).ok()?,
    };
    let mut rest = text;
    let mut doctype = "";
    let (name, attributes, after) = loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("<?") {
            rest = &r[r.find("?>")? + 2..];
        } else if let Some(r) = rest.strip_prefix("<!--") {
            rest = &r[r.find("-->")? + 3..];
        } else if let Some(r) = rest.strip_prefix("<!DOCTYPE") {
            let end = doctype_end(r)?;
            doctype = &r[..end];
            rest = &r[end + 1..];
        } else if let Some(r) = rest.strip_prefix('<') {
            let (name, attributes, after) = split_tag(r)?;
            break (name, attributes, after);
        } else {
            return None;
        };
    };
    let first_child = first_element(after);
    Some(RootSniff {
        name,
        attributes,
        first_child,
        doctype,
    })
}

fn doctype_end(s: &str) -> Option<usize> {
    let mut in_subset = false;
    for (i, c) in s.char_indices() {
        match c {
            '[' => in_subset = true,
            ']' => in_subset = false,
            '>' if !in_subset => return Some(i),
            _ => {}
        }
    }
    None
}

fn split_tag(s: &str) -> Option<(&str, &str, Option<&str>)> {
    let name_end = s
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(s.len());
    let name = &s[..name_end];
    if name.is_empty() {
        return None;
    }
    let tail = &s[name_end..];
    match tail.find('>') {
        Some(end) => {
            let attributes = &tail[..end];
            let after = (!attributes.ends_with('/')).then(|| &tail[end + 1..]);
            Some((name, attributes, after))
        }
        None => Some((name, tail, None)),
    }
}

fn first_element(after: Option<&str>) -> Option<&str> {
    let mut rest = after?;
    loop {
        let i = rest.find('<')?;
        rest = &rest[i..];
        if let Some(r) = rest.strip_prefix("<!--") {
            rest = &r[r.find("-->")? + 3..];
        } else if rest.starts_with("<?") || rest.starts_with("<!") {
            rest = &rest[rest.find('>')? + 1..];
        } else if rest.starts_with("</") {
            return None;
        } else {
            let (name, _, _) = split_tag(&rest[1..])?;
            return Some(name);
        }
    }
}

/// Whether the raw attribute text of a sniffed tag declares `name` (as `name=`).
pub(crate) fn has_attribute(attributes: &str, name: &str) -> bool {
    attributes.match_indices(name).any(|(i, _)| {
        let before_ok = attributes[..i]
            .chars()
            .next_back()
            .is_none_or(char::is_whitespace);
        let after = attributes[i + name.len()..].trim_start();
        before_ok && after.starts_with('=')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events_until_eof(xml: &[u8]) -> Result<usize, ParseError> {
        let mut input = XmlInput::new(xml, "test")?;
        let mut buf = Vec::new();
        let mut n = 0;
        loop {
            if let Event::Eof = input.next(&mut buf)? {
                return Ok(n);
            }
            n += 1;
        }
    }

    #[test]
    fn newline_count_is_exact() {
        let bytes: Vec<u8> = (0..1000u32)
            .map(|i| [b'\n', 0x8a, 0x0b, 0x09, 0xff, b'a'][(i * 7 % 6) as usize])
            .collect();
        for len in [0, 1, 7, 8, 9, 63, 64, 999, 1000] {
            let slow = bytes[..len].iter().filter(|&&b| b == b'\n').count() as u64;
            assert_eq!(count_newlines(&bytes[..len]), slow, "{len}");
        }
    }

    #[test]
    fn tracker_gives_line_and_column_of_an_offset() {
        let text = b"ab\ncd\n\nefg";
        let mut t = LineTracker::new(&text[..]);
        let mut sink = Vec::new();
        t.read_to_end(&mut sink).unwrap();
        assert_eq!(t.line_col(0), Some((1, 1)));
        assert_eq!(t.line_col(4), Some((2, 2)));
        assert_eq!(t.line_col(6), Some((3, 1)));
        assert_eq!(t.line_col(9), Some((4, 3)));
    }

    #[test]
    fn tracker_counts_lines_across_chunks() {
        let mut text = Vec::new();
        for _ in 0..30_000 {
            text.extend_from_slice(b"0123456789\n");
        }
        text.extend_from_slice(b"xyz");
        let mut t = LineTracker::new(&text[..]);
        let mut sink = Vec::new();
        t.read_to_end(&mut sink).unwrap();
        assert_eq!(t.line_col(text.len() as u64 - 1), Some((30_001, 3)));
        assert_eq!(t.line_col(0), None, "far behind the window");
    }

    #[test]
    fn mismatched_end_tag_has_line_and_column() {
        let err = events_until_eof(b"<a>\n  <b></c>\n</a>").unwrap_err();
        assert_eq!(
            err.position,
            Some(Position::LineCol { line: 2, column: 6 }),
            "{err}"
        );
    }

    #[test]
    fn truncated_document_is_an_error() {
        let err = events_until_eof(b"<a><b>").unwrap_err();
        assert!(err.message.contains("truncated"), "{err}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let xml = "<a>".repeat(MAX_DEPTH + 1);
        let err = events_until_eof(xml.as_bytes()).unwrap_err();
        assert!(err.message.contains("nested deeper"), "{err}");
    }

    #[test]
    fn utf16_is_refused_clearly() {
        let err = events_until_eof(b"\xFF\xFE<\x00a\x00/\x00>\x00")
            .err()
            .unwrap();
        assert!(err.message.contains("UTF-16"), "{err}");
    }

    #[test]
    fn custom_entities_stay_literal() {
        assert_eq!(text_attr("a&amp;b"), "a&b");
        assert_eq!(text_attr("&lol9;"), "&lol9;");
        assert_eq!(text_attr("&#x41;"), "A");
    }

    #[test]
    fn sniff_skips_prolog_and_finds_first_child() {
        let head = b"\xEF\xBB\xBF<?xml version='1.0'?>\n<!-- c -->\n<!DOCTYPE x [<!ENTITY a 'b'>]>\n<root a=\"1\">\n  <!-- c --><child/>";
        let s = sniff_root(head).unwrap();
        assert_eq!(s.name, "root");
        assert_eq!(s.first_child, Some("child"));
        assert!(s.doctype.contains("ENTITY"));
        assert!(has_attribute(s.attributes, "a"));
        assert!(!has_attribute(" ba=\"1\"", "a"));
        assert!(sniff_root(b"not xml").is_none());
        assert!(sniff_root(b"").is_none());
    }
}
