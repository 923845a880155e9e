//! Configuration diagnostics: collected, never thrown one at a time, and rendered with the line
//! they point at.
//!
//! Loading a YAML file is two layers: the spanned tree becomes JSON with a span index, then each
//! section (each source, each waiver, each rule) is typed by serde on its own. A serde error in
//! one item does not hide the others, and its path inside the item is mapped back to a
//! `file:line:column` through the span index.

use std::fmt::{self, Write as _};

use serde::de::DeserializeOwned;

use crate::i18n::process_lang;
use crate::t;
use crate::yaml::{Span, SpanIndex, escape_pointer};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

/// Every problem found in one or more files, with their text for snippets.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
    sources: Vec<(String, String)>,
}

impl Diagnostics {
    pub fn add_source(&mut self, file: &str, text: &str) {
        if !self.sources.iter().any(|(f, _)| f == file) {
            self.sources.push((file.to_string(), text.to_string()));
        }
    }

    pub fn error(&mut self, file: &str, span: Span, message: impl Into<String>) {
        self.items.push(Diagnostic {
            file: file.to_string(),
            span,
            message: message.into(),
            help: None,
        });
    }

    pub fn error_help(
        &mut self,
        file: &str,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.items.push(Diagnostic {
            file: file.to_string(),
            span,
            message: message.into(),
            help: Some(help.into()),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn extend(&mut self, other: Diagnostics) {
        for (f, t) in other.sources {
            self.add_source(&f, &t);
        }
        self.items.extend(other.items);
    }

    /// Renders every diagnostic, sorted by file and position, with a snippet and caret.
    pub fn render(&self) -> String {
        let mut items = self.items.clone();
        items.sort_by(|a, b| (&a.file, a.span).cmp(&(&b.file, b.span)));
        items.dedup();
        let mut out = String::new();
        for d in &items {
            let _ = writeln!(out, "{} {}", t!(process_lang(), "diag-error"), d.message);
            let _ = writeln!(out, "  --> {}:{}:{}", d.file, d.span.line, d.span.column);
            if let Some(line) = self
                .sources
                .iter()
                .find(|(f, _)| f == &d.file)
                .and_then(|(_, text)| text.lines().nth(d.span.line.saturating_sub(1)))
            {
                let num = d.span.line.to_string();
                let pad = " ".repeat(num.len());
                let caret_at = d.span.column.saturating_sub(1);
                let width = line
                    .chars()
                    .skip(caret_at)
                    .take_while(|c| !c.is_whitespace() && *c != ':')
                    .count()
                    .max(1);
                let _ = writeln!(out, "{pad} |");
                let _ = writeln!(out, "{num} | {line}");
                let _ = writeln!(out, "{pad} | {}{}", " ".repeat(caret_at), "^".repeat(width));
            }
            if let Some(help) = &d.help {
                let _ = writeln!(out, "  = {} {help}", t!(process_lang(), "diag-help"));
            }
            out.push('\n');
        }
        let n = items.len();
        let _ = write!(out, "{}", t!(process_lang(), "diag-problems", n = n));
        out
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

/// A JSON view of one YAML file, with the means to type parts of it and report problems.
pub struct Doc<'a> {
    pub file: &'a str,
    pub spans: &'a SpanIndex,
}

impl Doc<'_> {
    /// Types `value` (found at `pointer`) as `T`; on failure records a diagnostic at the exact
    /// place inside it and returns `None`.
    pub fn typed<T: DeserializeOwned>(
        &self,
        value: &serde_json::Value,
        pointer: &str,
        diags: &mut Diagnostics,
    ) -> Option<T> {
        match serde_path_to_error::deserialize::<_, T>(value) {
            Ok(v) => Some(v),
            Err(err) => {
                let mut at = pointer.to_string();
                for seg in err.path().iter() {
                    use serde_path_to_error::Segment;
                    match seg {
                        Segment::Seq { index } => at.push_str(&format!("/{index}")),
                        Segment::Map { key } => at.push_str(&format!("/{}", escape_pointer(key))),
                        Segment::Enum { .. } | Segment::Unknown => {}
                    }
                }
                let message = err.inner().to_string();
                self.report_serde(&at, &message, diags);
                None
            }
        }
    }

    fn report_serde(&self, at: &str, message: &str, diags: &mut Diagnostics) {
        if let Some((unknown, expected)) = parse_unknown(message) {
            let leaf = format!("/{}", escape_pointer(&unknown));
            let at = at.strip_suffix(leaf.as_str()).unwrap_or(at);
            let pointer = format!("{at}{leaf}");
            let span = self.spans.key(&pointer);
            let id = if message.starts_with("unknown variant") {
                "diag-unknown-value"
            } else {
                "diag-unknown-key"
            };
            let msg = t!(
                process_lang(),
                id,
                name = unknown.as_str(),
                at = display_path(at)
            );
            match did_you_mean(&unknown, expected.iter().map(String::as_str)) {
                Some(s) => diags.error_help(self.file, span, msg, did_you_mean_text(&s)),
                None if !expected.is_empty() => diags.error_help(
                    self.file,
                    span,
                    msg,
                    t!(
                        process_lang(),
                        "diag-expected-one-of",
                        list = expected.join(", ")
                    ),
                ),
                None => diags.error(self.file, span, msg),
            }
            return;
        }
        let span = self.spans.value(at);
        diags.error(self.file, span, format!("{}: {message}", display_path(at)));
    }

    /// Records an unknown key under `pointer`, with a suggestion from `known`.
    pub fn unknown_key(&self, pointer: &str, key: &str, known: &[&str], diags: &mut Diagnostics) {
        let child = format!("{pointer}/{}", escape_pointer(key));
        let span = self.spans.key(&child);
        let msg = t!(
            process_lang(),
            "diag-unknown-key",
            name = key,
            at = display_path(pointer)
        );
        match did_you_mean(key, known.iter().copied()) {
            Some(s) => diags.error_help(self.file, span, msg, did_you_mean_text(&s)),
            None => diags.error_help(
                self.file,
                span,
                msg,
                t!(
                    process_lang(),
                    "diag-expected-one-of",
                    list = known.join(", ")
                ),
            ),
        }
    }

    pub fn error_at(&self, pointer: &str, message: impl Into<String>, diags: &mut Diagnostics) {
        diags.error(self.file, self.spans.value(pointer), message);
    }

    pub fn error_help_at(
        &self,
        pointer: &str,
        message: impl Into<String>,
        help: impl Into<String>,
        diags: &mut Diagnostics,
    ) {
        diags.error_help(self.file, self.spans.value(pointer), message, help);
    }
}

/// "did you mean `x`?", in the process's language.
pub fn did_you_mean_text(candidate: &str) -> String {
    t!(process_lang(), "diag-did-you-mean", candidate = candidate)
}

/// `/sources/junit/path` → `sources.junit.path`; the root is `the top level`.
pub fn display_path(pointer: &str) -> String {
    if pointer.is_empty() {
        return t!(process_lang(), "diag-top-level");
    }
    let mut out = String::new();
    for seg in pointer.trim_start_matches('/').split('/') {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        if seg.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&seg);
        }
    }
    out
}

/// serde's "unknown field `x`, expected one of `a`, `b`" (or "expected `a`") → (x, [a, b]).
fn parse_unknown(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))?;
    let end = rest.find('`')?;
    let unknown = rest[..end].to_string();
    let expected = rest[end..]
        .split('`')
        .skip(2)
        .step_by(2)
        .map(str::to_string)
        .collect();
    Some((unknown, expected))
}

/// The closest candidate, when it is close enough to be what the user meant.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(input, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_messages_are_understood() {
        let (k, exp) =
            parse_unknown("unknown field `stge`, expected one of `stage`, `project`").unwrap();
        assert_eq!(k, "stge");
        assert_eq!(exp, vec!["stage", "project"]);
        assert_eq!(
            did_you_mean("stge", ["stage", "project"]),
            Some("stage".into())
        );
        assert_eq!(did_you_mean("zzz", ["stage", "project"]), None);
    }

    #[test]
    fn paths_read_like_yaml() {
        assert_eq!(display_path("/sources/junit/path"), "sources.junit.path");
        assert_eq!(display_path("/waivers/0/reason"), "waivers[0].reason");
        assert_eq!(display_path(""), "the top level");
    }
}
