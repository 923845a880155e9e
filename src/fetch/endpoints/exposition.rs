//! Validation of the Prometheus text exposition format (0.0.4, and the OpenMetrics text
//! variant's `# UNIT` and `# EOF`), for the requirement that an application's `/metrics`
//! endpoint can actually be scraped.
//!
//! It checks what a scrape would choke on, as Prometheus' own parser does: metric and label
//! names, quoted label values and their escapes, float values (`NaN`, `+Inf`), integer
//! timestamps, `# TYPE` and `# HELP` at most once per family and `# TYPE` before the family's
//! first sample, and nothing after `# EOF`. It stops at the first error and names its line.
//! It does not check that histogram buckets are cumulative or that series are unique.

use std::collections::BTreeSet;

/// What a valid exposition holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Families declared by `# TYPE`.
    pub families: usize,
    pub samples: usize,
}

/// The first problem: 1-based line number and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

const TYPES: &[&str] = &[
    "counter",
    "gauge",
    "histogram",
    "summary",
    "untyped",
    "unknown",
    "info",
    "stateset",
    "gaugehistogram",
];

const SUFFIXES: &[&str] = &[
    "_bucket", "_sum", "_count", "_total", "_created", "_gsum", "_gcount", "_info",
];

pub fn validate(text: &str) -> Result<Summary, Invalid> {
    let mut summary = Summary::default();
    let mut typed = BTreeSet::new();
    let mut helped = BTreeSet::new();
    let mut sampled = BTreeSet::new();
    let mut eof = false;
    for (i, line) in text.split('\n').enumerate() {
        let n = i + 1;
        let err = |message: String| Invalid { line: n, message };
        if eof {
            if line.is_empty() {
                continue;
            }
            return Err(err("text after `# EOF`".into()));
        }
        let trimmed = line.trim_start_matches([' ', '\t']);
        if trimmed.is_empty() {
            continue;
        }
        if let Some(comment) = trimmed.strip_prefix('#') {
            let mut parts = comment
                .trim_start_matches([' ', '\t'])
                .splitn(3, [' ', '\t']);
            let keyword = parts.next().unwrap_or("");
            match keyword {
                "TYPE" | "HELP" | "UNIT" => {
                    let name = parts.next().unwrap_or("");
                    if !is_metric_name(name) {
                        return Err(err(format!(
                            "`# {keyword}` needs a valid metric name, found `{name}`"
                        )));
                    }
                    let rest = parts.next().unwrap_or("").trim();
                    if keyword == "TYPE" {
                        if !TYPES.contains(&rest) {
                            return Err(err(format!(
                                "unknown type `{rest}` for `{name}` (counter, gauge, histogram, summary, untyped)"
                            )));
                        }
                        if sampled.contains(name) {
                            return Err(err(format!(
                                "`# TYPE {name}` comes after samples of `{name}`"
                            )));
                        }
                        if !typed.insert(name.to_string()) {
                            return Err(err(format!("second `# TYPE` line for `{name}`")));
                        }
                        summary.families += 1;
                    } else if keyword == "HELP" && !helped.insert(name.to_string()) {
                        return Err(err(format!("second `# HELP` line for `{name}`")));
                    }
                }
                "EOF" if comment.trim() == "EOF" => eof = true,
                _ => {}
            }
            continue;
        }
        let name = sample(trimmed).map_err(err)?;
        let family = SUFFIXES
            .iter()
            .find_map(|s| name.strip_suffix(s).filter(|f| typed.contains(*f)))
            .unwrap_or(name);
        sampled.insert(family.to_string());
        summary.samples += 1;
    }
    Ok(summary)
}

fn is_metric_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn is_label_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Parses one sample line; its metric name.
fn sample(line: &str) -> Result<&str, String> {
    let name_end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(line.len());
    let name = &line[..name_end];
    if !is_metric_name(name) {
        return Err(format!(
            "expected a metric name at the start of a sample, found `{}`",
            line.chars().take(30).collect::<String>()
        ));
    }
    let mut rest = &line[name_end..];
    if let Some(after) = rest.strip_prefix('{') {
        rest = labels(after)?;
    }
    let mut fields = rest.split([' ', '\t']).filter(|f| !f.is_empty());
    let value = fields
        .next()
        .ok_or_else(|| format!("sample `{name}` has no value"))?;
    if !is_float(value) {
        return Err(format!("`{value}` is not a float value (sample `{name}`)"));
    }
    if let Some(ts) = fields.next()
        && ts.parse::<i64>().is_err()
        && !(ts.parse::<f64>().is_ok_and(f64::is_finite))
    {
        return Err(format!("`{ts}` is not a timestamp (sample `{name}`)"));
    }
    if let Some(extra) = fields.next() {
        return Err(format!("unexpected `{extra}` after the sample `{name}`"));
    }
    Ok(name)
}

/// Parses `a="x",b="y"}` and returns what follows the closing brace.
fn labels(mut s: &str) -> Result<&str, String> {
    let mut seen = BTreeSet::new();
    loop {
        s = s.trim_start_matches([' ', '\t']);
        if let Some(after) = s.strip_prefix('}') {
            return Ok(after);
        }
        let end = s
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(s.len());
        let name = &s[..end];
        if !is_label_name(name) {
            return Err(format!(
                "expected a label name, found `{}`",
                s.chars().take(20).collect::<String>()
            ));
        }
        if !seen.insert(name) {
            return Err(format!("label `{name}` appears twice"));
        }
        s = s[end..].trim_start_matches([' ', '\t']);
        s = s
            .strip_prefix('=')
            .ok_or_else(|| format!("expected `=` after label `{name}`"))?;
        s = s.trim_start_matches([' ', '\t']);
        s = s
            .strip_prefix('"')
            .ok_or_else(|| format!("the value of label `{name}` must be double-quoted"))?;
        let mut chars = s.char_indices();
        let close = loop {
            match chars.next() {
                None => return Err(format!("unterminated value of label `{name}`")),
                Some((_, '\\')) => match chars.next() {
                    Some((_, '\\' | '"' | 'n')) => {}
                    _ => return Err(format!("invalid escape in the value of label `{name}`")),
                },
                Some((i, '"')) => break i,
                Some(_) => {}
            }
        };
        s = s[close + 1..].trim_start_matches([' ', '\t']);
        if let Some(after) = s.strip_prefix(',') {
            s = after;
        } else if !s.starts_with('}') {
            return Err(format!("expected `,` or `}}` after label `{name}`"));
        }
    }
}

fn is_float(s: &str) -> bool {
    matches!(s, "NaN" | "Nan" | "+Inf" | "-Inf" | "Inf")
        || (s
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
            && s.parse::<f64>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Prometheus documentation (docs/instrumenting/exposition_formats.md);
    /// `promtool check metrics` parses it too (it only lints the missing HELP lines).
    const GOOD: &str = r#"# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"}    3 1395066363000

# Escaping in label values:
msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9

# Minimalistic line:
metric_without_timestamp_and_labels 12.47

# A weird metric from before the epoch:
something_weird{problem="division by zero"} +Inf -3982045

# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.05"} 24054
http_request_duration_seconds_bucket{le="+Inf"} 144320
http_request_duration_seconds_sum 53423
http_request_duration_seconds_count 144320

# TYPE rpc_duration_seconds summary
rpc_duration_seconds{quantile="0.5",} 4773
rpc_duration_seconds_sum 1.7560473e+07
rpc_duration_seconds_count 2693
"#;

    #[test]
    fn the_documented_example_is_valid() {
        assert_eq!(
            validate(GOOD),
            Ok(Summary {
                families: 3,
                samples: 12
            })
        );
        assert_eq!(validate(""), Ok(Summary::default()));
    }

    #[test]
    fn openmetrics_eof_and_unit() {
        let om = "# TYPE a_seconds gauge\n# UNIT a_seconds seconds\na_seconds 1\n# EOF\n";
        assert_eq!(validate(om).unwrap().samples, 1);
        let after = "a 1\n# EOF\nb 2\n";
        assert_eq!(validate(after).unwrap_err().line, 3);
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            ("a 1\nb{x=\"1\" 2\n", 2, "expected `,`"),
            ("9a 1\n", 1, "metric name"),
            ("a{x=1} 1\n", 1, "double-quoted"),
            ("a{x=\"\\q\"} 1\n", 1, "invalid escape"),
            ("a{x=\"1\",x=\"2\"} 1\n", 1, "twice"),
            ("a one\n", 1, "not a float"),
            ("a 1 soon\n", 1, "timestamp"),
            ("a 1 2 3\n", 1, "unexpected"),
            ("a\n", 1, "no value"),
            ("a{x=\"1\n", 1, "unterminated"),
            ("# TYPE a gauge\n# TYPE a gauge\n", 2, "second `# TYPE`"),
            ("# HELP a x\n# HELP a y\n", 2, "second `# HELP`"),
            ("a 1\n# TYPE a gauge\n", 2, "after samples"),
            ("# TYPE a flavour\n", 1, "unknown type"),
            ("{\"status\":\"UP\"}\n", 1, "metric name"),
            ("a 1\r\n", 1, "not a float"),
        ];
        for (text, line, what) in cases {
            match validate(text) {
                Err(e) if e.line == line && e.message.contains(what) => {}
                other => panic!("{text:?}: expected line {line} `{what}`, got {other:?}"),
            }
        }
    }
}
