//! Shared plumbing for the JSON scan parsers (SARIF, Trivy, Grype, gitleaks, ...).
//!
//! Scan reports can be hundreds of megabytes, so every parser drives `serde_json` with its own
//! `DeserializeSeed`s and pushes findings one by one into a [`FindingSet`] instead of building a
//! DOM or a `Vec` of the big arrays. This module holds what they all need: opening the reader
//! (UTF-8 BOM skipped, UTF-16/32 refused with a clear message), running a seed over the whole
//! document (trailing garbage rejected), mapping `serde_json` errors to [`ParseError`] with
//! line:column, streamed-array helpers (`Each` reads `null` as an empty list, as Go tools emit
//! nil slices; `List` refuses it where null would hide a failure), and the small value helpers
//! (clipped messages, scores given as numbers or strings).

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, SeqAccess, Visitor};

use super::{ParseError, Position};
use crate::evidence::{Category, Finding, Location, Severity};

/// Longest message kept on a finding; scanners put whole advisories in their messages.
pub(crate) const MAX_MESSAGE_CHARS: usize = 1_000;

/// Reads `reader` as one JSON document through `seed`. `format` names the expected format in
/// the errors about the input as a whole (empty, UTF-16, trailing data).
pub(crate) fn run<R, V, S>(reader: R, format: &str, seed: S) -> Result<V, ParseError>
where
    R: Read,
    S: for<'de> DeserializeSeed<'de, Value = V>,
{
    run_buffered(open(reader, format)?, format, seed)
}

/// [`run`] on a reader already passed through [`open`] (a caller that peeked at it first).
pub(crate) fn run_buffered<R, V, S>(
    reader: BufReader<R>,
    format: &str,
    seed: S,
) -> Result<V, ParseError>
where
    R: Read,
    S: for<'de> DeserializeSeed<'de, Value = V>,
{
    let mut de = serde_json::Deserializer::from_reader(reader);
    let value = seed.deserialize(&mut de).map_err(json_error)?;
    de.end().map_err(|e| {
        let mut err = json_error(e);
        err.message = format!(
            "unexpected data after the {format} document: {}",
            err.message
        );
        err
    })?;
    Ok(value)
}

/// Buffers `reader`, skips a UTF-8 byte order mark and refuses empty or UTF-16/32 input.
pub(crate) fn open<R: Read>(reader: R, format: &str) -> Result<BufReader<R>, ParseError> {
    let mut reader = BufReader::with_capacity(64 * 1024, reader);
    let head = reader
        .fill_buf()
        .map_err(|e| ParseError::new(format!("read error: {e}")))?;
    if head.is_empty() {
        return Err(ParseError::new(format!(
            "empty input: expected a {format} JSON document"
        )));
    }
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        reader.consume(3);
    } else if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Err(ParseError::at(
            format!("the {format} report is UTF-16 encoded; re-encode it as UTF-8"),
            Position::Offset(0),
        ));
    } else if head.len() >= 2 && (head[0] == 0 || head[1] == 0) {
        return Err(ParseError::at(
            format!(
                "the {format} report contains NUL bytes (UTF-16/32 or binary data): expected UTF-8 JSON"
            ),
            Position::Offset(0),
        ));
    }
    Ok(reader)
}

/// `serde_json` errors carry a line and column in their text; keep them as a [`Position`].
pub(crate) fn json_error(e: serde_json::Error) -> ParseError {
    let (line, column) = (e.line() as u64, e.column() as u64);
    let text = e.to_string();
    let suffix = format!(" at line {line} column {column}");
    let mut message = text.strip_suffix(&suffix).unwrap_or(&text).to_string();
    if e.is_eof() {
        message = format!("truncated JSON: {message}");
    } else if e.is_io() {
        message = format!("read error: {message}");
    }
    if line == 0 {
        ParseError::new(message)
    } else {
        ParseError::at(message, Position::LineCol { line, column })
    }
}

/// Something fed with the elements of a JSON array, one at a time.
pub(crate) trait Elements<'de> {
    /// What one element is, for error messages: "a list of {what}".
    fn what(&self) -> &'static str;
    /// Reads the next element (through `next_element` or `next_element_seed`); false at the end.
    fn next<A: SeqAccess<'de>>(&mut self, seq: &mut A) -> Result<bool, A::Error>;
}

/// Streams a JSON array (or `null`, read as empty) into an [`Elements`].
pub(crate) struct Each<E>(pub E);

impl<'de, E: Elements<'de>> DeserializeSeed<'de> for Each<E> {
    type Value = E;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<E, D::Error> {
        d.deserialize_option(EachVisitor(self.0))
    }
}

/// Streams a JSON array into an [`Elements`]; `null` is an error (where null would hide a failure).
pub(crate) struct List<E>(pub E);

impl<'de, E: Elements<'de>> DeserializeSeed<'de> for List<E> {
    type Value = E;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<E, D::Error> {
        d.deserialize_seq(EachVisitor(self.0))
    }
}

struct EachVisitor<E>(E);

impl<'de, E: Elements<'de>> Visitor<'de> for EachVisitor<E> {
    type Value = E;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a list of {}", self.0.what())
    }

    fn visit_none<Er: de::Error>(self) -> Result<E, Er> {
        Ok(self.0)
    }

    fn visit_unit<Er: de::Error>(self) -> Result<E, Er> {
        Ok(self.0)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<E, D::Error> {
        d.deserialize_seq(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<E, A::Error> {
        while self.0.next(&mut seq)? {}
        Ok(self.0)
    }
}

/// [`Elements`] that deserializes each element as `T` and hands it to a closure.
pub(crate) struct ForEach<T, F> {
    what: &'static str,
    f: F,
    _t: PhantomData<fn() -> T>,
}

impl<T, F> ForEach<T, F> {
    pub(crate) fn new(what: &'static str, f: F) -> Self {
        ForEach {
            what,
            f,
            _t: PhantomData,
        }
    }
}

impl<'de, T, F> Elements<'de> for ForEach<T, F>
where
    T: de::Deserialize<'de>,
    F: FnMut(T),
{
    fn what(&self) -> &'static str {
        self.what
    }

    fn next<A: SeqAccess<'de>>(&mut self, seq: &mut A) -> Result<bool, A::Error> {
        match seq.next_element::<T>()? {
            Some(item) => {
                (self.f)(item);
                Ok(true)
            }
            None => Ok(false),
        }
    }
}

/// Counts the elements of an array without keeping them.
pub(crate) struct Count(pub u64);

impl<'de> Elements<'de> for Count {
    fn what(&self) -> &'static str {
        "values"
    }

    fn next<A: SeqAccess<'de>>(&mut self, seq: &mut A) -> Result<bool, A::Error> {
        let more = seq.next_element::<de::IgnoredAny>()?.is_some();
        self.0 += u64::from(more);
        Ok(more)
    }
}

/// A number that some producers write as a JSON number and others as a string (`"7.5"`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NumOrText {
    Num(f64),
    Text(String),
}

impl NumOrText {
    /// The numeric value, when there is one (`"7.5"` parses, `"HIGH"` does not).
    pub(crate) fn number(&self) -> Option<f64> {
        match self {
            NumOrText::Num(n) => Some(*n).filter(|n| n.is_finite()),
            NumOrText::Text(t) => t.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
        }
    }
}

impl<'de> de::Deserialize<'de> for NumOrText {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = NumOrText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a string")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<NumOrText, E> {
                Ok(NumOrText::Num(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<NumOrText, E> {
                Ok(NumOrText::Num(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<NumOrText, E> {
                Ok(NumOrText::Num(v as f64))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<NumOrText, E> {
                Ok(NumOrText::Text(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<NumOrText, E> {
                Ok(NumOrText::Text(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// At most `max` characters of `s`, with an ellipsis when cut.
pub(crate) fn clip(s: &str, max: usize) -> String {
    let s = s.trim();
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((cut, _)) => format!("{}…", &s[..cut]),
    }
}

/// A finding with only the always-present fields set.
pub(crate) fn finding(
    id: impl Into<String>,
    severity: Severity,
    category: Category,
    message: &str,
    tool: impl Into<String>,
) -> Finding {
    Finding {
        id: id.into(),
        severity,
        category,
        message: clip(message, MAX_MESSAGE_CHARS),
        location: None,
        package: None,
        installed_version: None,
        fixed_version: None,
        fixable: false,
        fingerprint: None,
        tool: tool.into(),
    }
}

/// A location from a path and an optional 1-based line (0 and negative lines mean "none").
pub(crate) fn location(path: &str, line: Option<i64>) -> Option<Location> {
    (!path.is_empty()).then(|| Location {
        path: path.to_string(),
        line: line.filter(|l| *l > 0).map(|l| l as u64),
    })
}

/// `Some(s)` when `s` is present and not blank.
pub(crate) fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

/// The first ~4 KiB of a file, as text without a BOM and leading whitespace, for sniffers.
pub(crate) fn sniff_text(head: &[u8]) -> &str {
    let head = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head);
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or(""),
    };
    text.trim_start()
}

/// Deserializes a value of type `T` from a whole string, for unit tests and small inputs.
#[cfg(test)]
pub(crate) fn parse_str_as<T: de::DeserializeOwned>(s: &str) -> Result<T, ParseError> {
    let mut de = serde_json::Deserializer::from_str(s);
    let v = T::deserialize(&mut de).map_err(json_error)?;
    de.end().map_err(json_error)?;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_cuts_on_char_boundaries() {
        assert_eq!(clip("héllo", 2), "hé…");
        assert_eq!(clip("  short ", 10), "short");
    }

    #[test]
    fn num_or_text_reads_both() {
        let v: Vec<NumOrText> = parse_str_as(r#"[7.5, "9.1", "HIGH", 3]"#).unwrap();
        let nums: Vec<Option<f64>> = v.iter().map(NumOrText::number).collect();
        assert_eq!(nums, vec![Some(7.5), Some(9.1), None, Some(3.0)]);
    }

    #[test]
    fn errors_keep_line_and_column() {
        let err = parse_str_as::<Vec<u32>>("[1,\n \"x\"]").unwrap_err();
        assert_eq!(err.position, Some(Position::LineCol { line: 2, column: 4 }));
        assert!(
            err.message.starts_with("invalid type: string \"x\""),
            "{}",
            err.message
        );
        assert!(!err.message.contains("at line"), "{}", err.message);
    }

    #[test]
    fn open_refuses_utf16_and_empty() {
        assert!(open(&b""[..], "X").unwrap_err().message.contains("empty"));
        assert!(
            open(&[0xFF, 0xFE, b'[', 0][..], "X")
                .unwrap_err()
                .message
                .contains("UTF-16")
        );
        let mut r = open(&b"\xEF\xBB\xBF[]"[..], "X").unwrap();
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!(s, "[]");
    }

    #[test]
    fn sniff_text_skips_bom_and_space() {
        assert_eq!(sniff_text(b"\xEF\xBB\xBF \n{\"a\""), "{\"a\"");
        assert_eq!(sniff_text(b"[\"ok\xFF"), "[\"ok");
    }
}
