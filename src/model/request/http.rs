//! What the `http-json` and `http-health` checks ask of an `http` source, and the small JSON
//! path language `http-json` reads values with.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::Sampling;

/// What the `http-json` and `http-health` checks ask of an `http` source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "api")]
pub enum Request {
    #[serde(rename = "http/json")]
    Json(JsonQuery),
    #[serde(rename = "http/health")]
    Health(HealthQuery),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonQuery {
    pub path: String,
    pub json_path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampling: Option<Sampling>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthQuery {
    pub path: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub content_types: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contains: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampling: Option<Sampling>,
}

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// Parses `$.a.b[0]["c.d"]`; the error says where it stopped.
pub fn parse_path(path: &str) -> Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    let trimmed = path.trim();
    let mut rest = trimmed.strip_prefix('$').unwrap_or(trimmed);
    let bad = |at: &str, what: &str| format!("JSON path `{path}`: {what} at `{at}`");
    let mut first = !trimmed.starts_with('$');
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            if let Some(quoted) = after.strip_prefix('"').or_else(|| after.strip_prefix('\'')) {
                let quote = after.as_bytes()[0] as char;
                let end = quoted
                    .find(quote)
                    .ok_or_else(|| bad(rest, "unterminated quoted key"))?;
                steps.push(Step::Key(quoted[..end].to_string()));
                rest = quoted[end + 1..]
                    .strip_prefix(']')
                    .ok_or_else(|| bad(rest, "expected `]`"))?;
            } else {
                let end = after.find(']').ok_or_else(|| bad(rest, "expected `]`"))?;
                let index = after[..end]
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| bad(rest, "expected an index"))?;
                steps.push(Step::Index(index));
                rest = &after[end + 1..];
            }
        } else {
            let after = match rest.strip_prefix('.') {
                Some(a) => a,
                None if first => rest,
                None => return Err(bad(rest, "expected `.` or `[`")),
            };
            let end = after.find(['.', '[']).unwrap_or(after.len());
            let key = &after[..end];
            if key.is_empty() {
                return Err(bad(rest, "empty key"));
            }
            if key.contains([']', '"', '\'', ' ']) {
                return Err(bad(rest, "quote keys with special characters as [\"...\"]"));
            }
            steps.push(Step::Key(key.to_string()));
            rest = &after[end..];
        }
        first = false;
    }
    Ok(steps)
}

/// Follows `steps`; on failure, the path that resolved and what was there instead.
pub fn lookup<'a>(root: &'a Json, steps: &[Step]) -> Result<&'a Json, String> {
    let mut node = root;
    let mut walked = String::from("$");
    for step in steps {
        let next = match (step, node) {
            (Step::Key(k), Json::Object(map)) => map.get(k),
            (Step::Index(i), Json::Array(items)) => items.get(*i),
            _ => None,
        };
        let Some(next) = next else {
            let there = match node {
                Json::Object(map) => {
                    let keys: Vec<&str> = map.keys().take(10).map(String::as_str).collect();
                    format!("an object with keys {}", keys.join(", "))
                }
                Json::Array(items) => format!("an array of {}", items.len()),
                other => format!("`{other}`"),
            };
            let step = match step {
                Step::Key(k) => format!(".{k}"),
                Step::Index(i) => format!("[{i}]"),
            };
            return Err(format!("no `{step}` under `{walked}`, which is {there}"));
        };
        match step {
            Step::Key(k) => walked.push_str(&format!(".{k}")),
            Step::Index(i) => walked.push_str(&format!("[{i}]")),
        }
        node = next;
    }
    Ok(node)
}
