//! Text out of XML: attribute values (escapes resolved, undefined entities kept literal),
//! numbers, the first line of a failure message, and the first element name of a file head.

use std::borrow::Cow;

use quick_xml::XmlVersion;
use quick_xml::events::BytesStart;
use quick_xml::events::attributes::Attribute;

/// Longest message kept for a failed case, in characters.
pub(crate) const MAX_MESSAGE_CHARS: usize = 500;

/// Calls `f` with each attribute's local name; a malformed attribute is an error.
pub(crate) fn for_each_attribute(
    e: &BytesStart,
    mut f: impl FnMut(&str, &Attribute<'_>),
) -> Result<(), String> {
    for attr in e.attributes() {
        let attr = attr.map_err(|err| {
            format!(
                "malformed attribute in <{}>: {err}",
                e.local_name().as_ref()
            )
        })?;
        f(attr.key.local_name().as_ref(), &attr);
    }
    Ok(())
}

/// The attribute's value with XML escapes resolved; an undefined entity keeps the raw text.
pub(crate) fn attribute_value<'a>(attr: &Attribute<'a>) -> Cow<'a, str> {
    if !attr
        .value
        .bytes()
        .any(|b| matches!(b, b'&' | b'\t' | b'\r' | b'\n'))
    {
        return attr.value.clone();
    }
    attr.normalized_value(XmlVersion::Implicit1_0)
        .unwrap_or_else(|_| attr.value.clone())
}

pub(crate) fn number(attr: &Attribute<'_>) -> Option<u64> {
    attribute_value(attr).trim().parse().ok()
}

pub(crate) fn non_empty(value: Cow<'_, str>) -> Option<String> {
    let trimmed = value.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// A message attribute, trimmed and capped; `None` when blank.
pub(crate) fn capped_message(value: &str) -> Option<String> {
    let mut line = FirstLine {
        keep_newlines: true,
        ..FirstLine::default()
    };
    line.push_str(value);
    line.finish()
}

/// Collects the first non-blank line of a text, up to [`MAX_MESSAGE_CHARS`], and ignores the
/// rest (stack traces can be megabytes).
#[derive(Debug, Default)]
pub(crate) struct FirstLine {
    text: String,
    chars: usize,
    done: bool,
    keep_newlines: bool,
}

impl FirstLine {
    pub(crate) fn push_str(&mut self, s: &str) {
        for ch in s.chars() {
            if self.done {
                return;
            }
            self.push_char(ch);
        }
    }

    pub(crate) fn push_char(&mut self, ch: char) {
        if self.done || (self.chars == 0 && ch.is_whitespace()) {
            return;
        }
        if (ch == '\n' || ch == '\r') && !self.keep_newlines {
            self.done = true;
            return;
        }
        if self.chars == MAX_MESSAGE_CHARS {
            self.text.push('…');
            self.done = true;
            return;
        }
        self.text.push(ch);
        self.chars += 1;
    }

    pub(crate) fn finish(self) -> Option<String> {
        let text = self.text.trim_end();
        (!text.is_empty()).then(|| text.to_string())
    }
}

/// The name of the first element after the prolog (declaration, comments, processing
/// instructions, DOCTYPE), read without needing the whole start tag: the head may be cut anywhere.
pub(crate) fn first_element_name(text: &str) -> Option<&str> {
    let mut rest = text.trim_start_matches('\u{feff}');
    loop {
        rest = rest.trim_start_matches([' ', '\t', '\r', '\n']);
        if let Some(after) = rest.strip_prefix("<?") {
            rest = after.split_once("?>")?.1;
        } else if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.split_once("-->")?.1;
        } else if let Some(after) = rest.strip_prefix("<!DOCTYPE") {
            rest = skip_doctype(after)?;
        } else {
            let after = rest.strip_prefix('<')?;
            let end = after
                .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
                .unwrap_or(after.len());
            return after.get(..end).filter(|name| !name.is_empty());
        }
    }
}

/// Skips a DOCTYPE body, including an internal subset in brackets.
pub(crate) fn skip_doctype(text: &str) -> Option<&str> {
    let mut in_subset = false;
    for (i, c) in text.char_indices() {
        match c {
            '[' => in_subset = true,
            ']' => in_subset = false,
            '>' if !in_subset => return text.get(i + 1..),
            _ => {}
        }
    }
    None
}

pub(crate) fn decode_utf16_lossy(bytes: &[u8], big_endian: bool) -> String {
    let units = bytes.chunks_exact(2).map(|pair| match *pair {
        [a, b] if big_endian => u16::from_be_bytes([a, b]),
        [a, b] => u16::from_le_bytes([a, b]),
        _ => 0xFFFD,
    });
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}
