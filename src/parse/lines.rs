//! Line-at-a-time reading for the line-oriented report formats (`go test -json`, Dart's JSON
//! reporter, TAP): one reused buffer, a cap on how much of a line is kept so a file without
//! newlines cannot grow memory, the UTF-8 BOM and `\r\n` handled once, and 1-based line numbers
//! for error positions.

use std::io::{self, BufRead};

use super::{ParseError, Position};

/// Longest line kept; the rest of a longer line is skipped and the line is marked truncated.
pub(crate) const MAX_LINE: usize = 4 * 1024 * 1024;

pub(crate) struct Lines<R> {
    reader: R,
    buf: Vec<u8>,
    number: u64,
    truncated: bool,
}

impl<R: BufRead> Lines<R> {
    pub(crate) fn new(reader: R) -> Self {
        Lines {
            reader,
            buf: Vec::with_capacity(4096),
            number: 0,
            truncated: false,
        }
    }

    /// The 1-based number of the line last returned.
    pub(crate) fn number(&self) -> u64 {
        self.number
    }

    /// The next line without its line ending, and what is known about it; `None` at the end.
    pub(crate) fn next_line(&mut self) -> Result<Option<(&[u8], LineInfo)>, ParseError> {
        self.buf.clear();
        self.truncated = false;
        let mut any = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(ParseError::at(
                        format!("cannot read the report: {e}"),
                        Position::LineCol {
                            line: self.number + 1,
                            column: 1,
                        },
                    ));
                }
            };
            if available.is_empty() {
                break;
            }
            any = true;
            let (chunk, used, done) = match available.iter().position(|&b| b == b'\n') {
                Some(i) => (&available[..i], i + 1, true),
                None => (available, available.len(), false),
            };
            let room = MAX_LINE.saturating_sub(self.buf.len());
            if chunk.len() > room {
                self.truncated = true;
            }
            self.buf
                .extend_from_slice(chunk.get(..chunk.len().min(room)).unwrap_or_default());
            self.reader.consume(used);
            if done {
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        self.number += 1;
        let mut line = self.buf.as_slice();
        if self.number == 1 {
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        }
        let info = LineInfo {
            number: self.number,
            truncated: self.truncated,
        };
        Ok(Some((line.strip_suffix(b"\r").unwrap_or(line), info)))
    }
}

/// Where a line sits and whether it was cut.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LineInfo {
    /// 1-based line number.
    pub(crate) number: u64,
    /// The line was longer than [`MAX_LINE`] and only its start was kept.
    pub(crate) truncated: bool,
}

impl LineInfo {
    /// A position on this line.
    pub(crate) fn at(self, column: u64) -> Position {
        Position::LineCol {
            line: self.number,
            column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lines_strips_bom_and_cr() {
        let mut lines = Lines::new(&b"\xEF\xBB\xBFone\r\ntwo\n\nlast"[..]);
        let mut got = Vec::new();
        while let Some((line, _)) = lines.next_line().unwrap() {
            got.push(String::from_utf8_lossy(line).into_owned());
        }
        assert_eq!(got, ["one", "two", "", "last"]);
        assert_eq!(lines.number(), 4);
    }

    #[test]
    fn long_lines_are_cut_not_kept() {
        let mut input = vec![b'x'; MAX_LINE + 10];
        input.extend_from_slice(b"\nnext\n");
        let mut lines = Lines::new(std::io::BufReader::with_capacity(1024, &input[..]));
        let (line, info) = lines.next_line().unwrap().unwrap();
        assert_eq!(line.len(), MAX_LINE);
        assert!(info.truncated);
        let (line, info) = lines.next_line().unwrap().unwrap();
        assert_eq!(line, b"next");
        assert!(!info.truncated);
        assert!(lines.next_line().unwrap().is_none());
    }
}
