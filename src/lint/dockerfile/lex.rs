//! Physical lines to logical instructions: directives, comments, continuations, heredocs.

use crate::parse::{ParseError, Position};

/// One instruction with its continuation lines joined.
#[derive(Debug, Clone, PartialEq)]
pub struct Instruction {
    /// Upper-cased (`FROM`, `USER`).
    pub keyword: String,
    pub args: String,
    /// The first physical line, 1-based.
    pub line: usize,
}

const DIRECTIVES: &[&str] = &["syntax", "escape", "check"];

/// `# name=value` at the top of the file, for the directives the builder knows.
fn directive(line: &str) -> Option<(String, &str)> {
    let body = line.trim().strip_prefix('#')?;
    let (name, value) = body.split_once('=')?;
    let name = name.trim().to_ascii_lowercase();
    DIRECTIVES
        .contains(&name.as_str())
        .then(|| (name, value.trim()))
}

fn is_comment_or_blank(line: &str) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with('#')
}

/// Every instruction of a Dockerfile, heredoc bodies skipped.
pub fn instructions(text: &str) -> Result<Vec<Instruction>, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut escape = '\\';
    let mut i = 0;
    while let Some((name, value)) = lines.get(i).and_then(|l| directive(l)) {
        if name == "escape" {
            escape = match value {
                "\\" => '\\',
                "`" => '`',
                other => {
                    return Err(ParseError::at(
                        format!("invalid escape directive `{other}` (only \\ or `)"),
                        Position::LineCol {
                            line: i as u64 + 1,
                            column: 1,
                        },
                    ));
                }
            };
        }
        i += 1;
    }
    let mut out = Vec::new();
    while i < lines.len() {
        if is_comment_or_blank(lines[i]) {
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut logical = String::new();
        loop {
            let trimmed = lines[i].trim_end();
            i += 1;
            match trimmed.strip_suffix(escape) {
                Some(body) => {
                    logical.push_str(body);
                    while i < lines.len() && is_comment_or_blank(lines[i]) {
                        i += 1;
                    }
                    if i >= lines.len() {
                        break;
                    }
                }
                None => {
                    logical.push_str(trimmed);
                    break;
                }
            }
        }
        let logical = logical.trim();
        let (keyword, args) = match logical.find(char::is_whitespace) {
            Some(p) => (&logical[..p], logical[p..].trim()),
            None => (logical, ""),
        };
        let keyword = keyword.to_ascii_uppercase();
        if matches!(keyword.as_str(), "RUN" | "COPY" | "ADD") && !args.starts_with('[') {
            for (word, strip_tabs) in heredoc_markers(args) {
                loop {
                    let Some(body) = lines.get(i) else {
                        return Err(ParseError::at(
                            format!("heredoc <<{word} is not terminated"),
                            Position::LineCol {
                                line: start as u64,
                                column: 1,
                            },
                        ));
                    };
                    i += 1;
                    let body = if strip_tabs {
                        body.trim_start_matches('\t')
                    } else {
                        body
                    };
                    if body == word {
                        break;
                    }
                }
            }
        }
        out.push(Instruction {
            keyword,
            args: args.to_string(),
            line: start,
        });
    }
    Ok(out)
}

/// The heredoc delimiters of an instruction (`<<EOF`, `<<-EOT`, `<<"END"`), in order, with
/// whether leading tabs are stripped; `<<<` here-strings and shifts (`1<<2`) are not heredocs.
fn heredoc_markers(args: &str) -> Vec<(String, bool)> {
    let b = args.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(p) = args[i..].find("<<") {
        let mut j = i + p + 2;
        if b.get(j) == Some(&b'<') {
            while b.get(j) == Some(&b'<') {
                j += 1;
            }
            i = j;
            continue;
        }
        let strip = b.get(j) == Some(&b'-');
        if strip {
            j += 1;
        }
        let quote = match b.get(j) {
            Some(&q @ (b'"' | b'\'')) => {
                j += 1;
                Some(q)
            }
            _ => None,
        };
        let start = j;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
            j += 1;
        }
        let word = &args[start..j];
        let closed = match quote {
            Some(q) => b.get(j) == Some(&q),
            None => true,
        };
        if !word.is_empty() && !word.as_bytes()[0].is_ascii_digit() && closed {
            if quote.is_some() {
                j += 1;
            }
            out.push((word.to_string(), strip));
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heredoc_markers_are_found_and_shifts_are_not() {
        assert_eq!(
            heredoc_markers(r#"<<EOF <<-"EOT" cat <<'X'"#),
            [
                ("EOF".to_string(), false),
                ("EOT".to_string(), true),
                ("X".to_string(), false)
            ]
        );
        assert!(heredoc_markers("echo $((1<<2)) <<<\"here\"").is_empty());
        assert!(heredoc_markers("<<\"EOF").is_empty());
    }
}
