//! What the `alerts` check asks of an `alertmanager` source, with its label matchers in
//! Alertmanager's quoted form.

use serde::{Deserialize, Serialize};

use super::Sampling;

/// What the `alerts` check asks of an `alertmanager` source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "api")]
pub enum Request {
    #[serde(rename = "alertmanager/alerts")]
    Alerts(AlertsQuery),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertsQuery {
    /// Normalised matchers (`name="value"`).
    #[serde(default)]
    pub matchers: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampling: Option<Sampling>,
}

/// `severity=critical`, `namespace=~"shop.*"` → Alertmanager's quoted form, or why not.
pub fn normalize_matcher(raw: &str) -> Result<String, String> {
    let s = raw.trim();
    let name_len = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_'))
        .map_or(s.len(), |(i, _)| i);
    let (name, rest) = s.split_at(name_len);
    let valid_name = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !valid_name {
        return Err(format!(
            "matcher `{raw}`: expected a label name first, as in `severity=\"critical\"`"
        ));
    }
    let rest = rest.trim_start();
    let (op, value) = ["=~", "!~", "!=", "="]
        .iter()
        .find_map(|op| rest.strip_prefix(op).map(|v| (*op, v.trim())))
        .ok_or_else(|| format!("matcher `{raw}`: expected one of =, !=, =~, !~ after `{name}`"))?;
    let value = if value.len() >= 2 && value.starts_with('"') && value.ends_with('"') {
        unescape(&value[1..value.len() - 1])
            .ok_or_else(|| format!("matcher `{raw}`: bad escape in the quoted value"))?
    } else if value.contains('"') {
        return Err(format!("matcher `{raw}`: unbalanced quotes in the value"));
    } else {
        value.to_string()
    };
    let escaped = value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n");
    Ok(format!("{name}{op}\"{escaped}\""))
}

fn unescape(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next()? {
                'n' => out.push('\n'),
                other => out.push(other),
            }
        } else if c == '"' {
            return None;
        } else {
            out.push(c);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matchers_are_normalised() {
        assert_eq!(
            normalize_matcher("severity=critical").unwrap(),
            r#"severity="critical""#
        );
        assert_eq!(
            normalize_matcher(r#" namespace =~ "shop.*" "#).unwrap(),
            r#"namespace=~"shop.*""#
        );
        assert_eq!(normalize_matcher("env!=prod").unwrap(), r#"env!="prod""#);
        assert_eq!(normalize_matcher("a!~x|y").unwrap(), r#"a!~"x|y""#);
        assert_eq!(normalize_matcher(r#"a="q\"x""#).unwrap(), r#"a="q\"x""#);
        assert_eq!(normalize_matcher("a=").unwrap(), r#"a="""#);
        assert!(normalize_matcher("=x").is_err());
        assert!(normalize_matcher("9a=x").is_err());
        assert!(
            normalize_matcher("severity")
                .unwrap_err()
                .contains("expected one of")
        );
        assert!(normalize_matcher(r#"a="x"#).is_err());
    }
}
