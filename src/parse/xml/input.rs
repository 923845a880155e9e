//! Byte-level plumbing under the XML reader: encoding detection and a streaming UTF-16 → UTF-8
//! transcoder (line:column comes from the coverage parsers' windowed `LineTracker`).
//!
//! quick-xml (without its `encoding` feature) reads UTF-8 only and strips a UTF-8 BOM itself.
//! .NET and PowerShell tools still write UTF-16 reports, so those are transcoded here rather than
//! rejected.

use std::io::{self, BufRead, Read};

/// The text encoding a document starts with, judged from its first four bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Utf8,
    Utf16 { big_endian: bool },
    Utf32,
}

impl Encoding {
    pub(crate) fn detect(head: &[u8]) -> Encoding {
        match head {
            [0x00, 0x00, 0xFE, 0xFF, ..] | [0xFF, 0xFE, 0x00, 0x00, ..] => Encoding::Utf32,
            [0xFF, 0xFE, ..] | [b'<', 0x00, ..] => Encoding::Utf16 { big_endian: false },
            [0xFE, 0xFF, ..] | [0x00, b'<', ..] => Encoding::Utf16 { big_endian: true },
            _ => Encoding::Utf8,
        }
    }
}

/// Reads up to `n` bytes from the start of `reader` (fewer only at end of input).
pub(crate) fn read_head<R: Read>(reader: &mut R, n: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(n);
    reader.take(n as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// Decodes UTF-16 (either byte order) into UTF-8, chunk by chunk. A leading BOM comes out as
/// the UTF-8 BOM, which the XML reader strips.
pub(crate) struct Utf16ToUtf8<R> {
    inner: R,
    big_endian: bool,
    odd_byte: Option<u8>,
    high_surrogate: Option<u16>,
    out: Vec<u8>,
    pos: usize,
    decoded_units: u64,
}

impl<R: Read> Utf16ToUtf8<R> {
    pub(crate) fn new(inner: R, big_endian: bool) -> Self {
        Utf16ToUtf8 {
            inner,
            big_endian,
            odd_byte: None,
            high_surrogate: None,
            out: Vec::with_capacity(16 * 1024),
            pos: 0,
            decoded_units: 0,
        }
    }

    fn invalid(&self, what: &str) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "invalid UTF-16 input: {what} at code unit {}",
                self.decoded_units
            ),
        )
    }

    fn push_unit(&mut self, unit: u16) -> io::Result<()> {
        let code = match (self.high_surrogate.take(), unit) {
            (None, 0xD800..=0xDBFF) => {
                self.high_surrogate = Some(unit);
                return Ok(());
            }
            (Some(high), 0xDC00..=0xDFFF) => {
                0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(unit) - 0xDC00)
            }
            (Some(_), _) | (None, 0xDC00..=0xDFFF) => {
                return Err(self.invalid("unpaired surrogate"));
            }
            (None, _) => u32::from(unit),
        };
        let ch = char::from_u32(code).ok_or_else(|| self.invalid("invalid code point"))?;
        let mut utf8 = [0u8; 4];
        self.out
            .extend_from_slice(ch.encode_utf8(&mut utf8).as_bytes());
        self.decoded_units += 1;
        Ok(())
    }

    /// Decodes the next chunk into `out`; returns false at end of input.
    fn refill(&mut self) -> io::Result<bool> {
        self.out.clear();
        self.pos = 0;
        let mut chunk = [0u8; 8 * 1024];
        loop {
            let n = match self.inner.read(&mut chunk) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                if self.odd_byte.is_some() || self.high_surrogate.is_some() {
                    return Err(self.invalid("input ends in the middle of a character"));
                }
                return Ok(false);
            }
            let mut bytes = chunk.get(..n).unwrap_or_default();
            if let Some(first) = self.odd_byte.take()
                && let Some((&second, rest)) = bytes.split_first()
            {
                self.push_unit(self.unit([first, second]))?;
                bytes = rest;
            }
            let mut pairs = bytes.chunks_exact(2);
            for pair in &mut pairs {
                if let [a, b] = *pair {
                    self.push_unit(self.unit([a, b]))?;
                }
            }
            self.odd_byte = pairs.remainder().first().copied();
            if !self.out.is_empty() {
                return Ok(true);
            }
        }
    }

    fn unit(&self, bytes: [u8; 2]) -> u16 {
        if self.big_endian {
            u16::from_be_bytes(bytes)
        } else {
            u16::from_le_bytes(bytes)
        }
    }
}

impl<R: Read> Read for Utf16ToUtf8<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Utf16ToUtf8<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos >= self.out.len() && !self.refill()? {
            return Ok(&[]);
        }
        Ok(self.out.get(self.pos..).unwrap_or_default())
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.out.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| {
                if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    }

    #[test]
    fn detects_encodings() {
        assert_eq!(Encoding::detect(b"<?xml"), Encoding::Utf8);
        assert_eq!(Encoding::detect(&[0xEF, 0xBB, 0xBF, b'<']), Encoding::Utf8);
        assert_eq!(
            Encoding::detect(&[0xFF, 0xFE, b'<', 0]),
            Encoding::Utf16 { big_endian: false }
        );
        assert_eq!(
            Encoding::detect(&[0xFE, 0xFF, 0, b'<']),
            Encoding::Utf16 { big_endian: true }
        );
        assert_eq!(
            Encoding::detect(&[b'<', 0, b'?', 0]),
            Encoding::Utf16 { big_endian: false }
        );
        assert_eq!(Encoding::detect(&[0xFF, 0xFE, 0, 0]), Encoding::Utf32);
        assert_eq!(Encoding::detect(b""), Encoding::Utf8);
    }

    #[test]
    fn transcodes_both_byte_orders_with_surrogates() {
        let text = "<a name=\"€ 𝄞 ü\"/>";
        for big_endian in [false, true] {
            let mut out = String::new();
            Utf16ToUtf8::new(&utf16(text, big_endian)[..], big_endian)
                .read_to_string(&mut out)
                .unwrap();
            assert_eq!(out, text);
        }
    }

    #[test]
    fn transcoding_rejects_unpaired_surrogates_and_odd_lengths() {
        let lone = [0x00, 0xD8, b'a', 0x00];
        let mut out = String::new();
        let err = Utf16ToUtf8::new(&lone[..], false)
            .read_to_string(&mut out)
            .unwrap_err();
        assert!(err.to_string().contains("unpaired surrogate"), "{err}");

        let odd = [b'a', 0x00, b'b'];
        let err = Utf16ToUtf8::new(&odd[..], false)
            .read_to_string(&mut out)
            .unwrap_err();
        assert!(err.to_string().contains("middle of a character"), "{err}");
    }
}
