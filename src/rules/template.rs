//! `${var}` templating of rule files: platform specifics (a namespace, a registry list, an SLO)
//! are variables a project sets in gonogo.yaml, substituted when the pack is compiled.
//!
//! A string that is exactly `${name}` takes the variable's type (a number, a list); inside a
//! longer string the value is spliced as text (lists joined by `|`, for PromQL regexes); `$${` is
//! a literal `${`. Variables may use variables. An unknown name is reported where it is used,
//! with a suggestion.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::diag::{Diagnostics, Doc, display_path};

/// Expands `${name}` in every string. A string that is exactly `${name}` takes the variable's
/// type (a number, a list); `$${` is a literal `${`. Returns false when a variable is unknown.
pub(super) fn template(
    value: &mut Json,
    vars: &BTreeMap<String, Json>,
    pointer: &str,
    doc: &Doc<'_>,
    diags: &mut Diagnostics,
) -> bool {
    match value {
        Json::String(s) => {
            if let Some(name) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}'))
                && !name.contains('}')
                && !name.contains("${")
            {
                return match vars.get(name) {
                    Some(v) => {
                        *value = v.clone();
                        true
                    }
                    None => {
                        unknown_var(name, vars, pointer, doc, diags);
                        false
                    }
                };
            }
            match expand(s, vars) {
                Ok(out) => {
                    *s = out;
                    true
                }
                Err(name) => {
                    unknown_var(&name, vars, pointer, doc, diags);
                    false
                }
            }
        }
        Json::Array(items) => {
            let mut ok = true;
            for (i, item) in items.iter_mut().enumerate() {
                ok &= template(item, vars, &format!("{pointer}/{i}"), doc, diags);
            }
            ok
        }
        Json::Object(map) => {
            let mut ok = true;
            for (k, v) in map.iter_mut() {
                ok &= template(
                    v,
                    vars,
                    &format!("{pointer}/{}", crate::yaml::escape_pointer(k)),
                    doc,
                    diags,
                );
            }
            ok
        }
        _ => true,
    }
}

/// Lets variables use other variables (`registries: ["${harbor_host}/", ...]`), so a project that
/// sets `harbor_host` changes every list built on it. A few passes settle any chain; cycles,
/// unknown names and unset (`null`) variables are left as written and reported where a rule
/// uses them.
pub(super) fn resolve_nested(vars: &mut BTreeMap<String, Json>) {
    fn walk(v: &mut Json, vars: &BTreeMap<String, Json>) -> bool {
        match v {
            Json::String(s) if s.contains("${") => match expand(s, vars) {
                Ok(out) if out != *s => {
                    *s = out;
                    true
                }
                _ => false,
            },
            Json::Array(items) => items.iter_mut().fold(false, |acc, i| walk(i, vars) | acc),
            Json::Object(map) => map.values_mut().fold(false, |acc, i| walk(i, vars) | acc),
            _ => false,
        }
    }
    for _ in 0..8 {
        let snapshot = vars.clone();
        let changed = vars
            .values_mut()
            .fold(false, |acc, v| walk(v, &snapshot) | acc);
        if !changed {
            break;
        }
    }
}

/// Expands `${name}` occurrences inside a string; `Err(name)` for an unknown variable.
pub fn expand(s: &str, vars: &BTreeMap<String, Json>) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(lit) = after.strip_prefix("${") {
            out.push_str("${");
            rest = lit;
        } else if let Some(body) = after.strip_prefix('{') {
            let Some(end) = body.find('}') else {
                out.push('$');
                rest = after;
                continue;
            };
            let name = &body[..end];
            match vars.get(name) {
                Some(Json::String(v)) => out.push_str(v),
                Some(Json::Array(items)) => {
                    let parts: Vec<String> = items
                        .iter()
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                        .collect();
                    out.push_str(&parts.join("|"));
                }
                Some(Json::Null) | None => return Err(name.to_string()),
                Some(other) => out.push_str(&other.to_string()),
            }
            rest = &body[end + 1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}

fn unknown_var(
    name: &str,
    vars: &BTreeMap<String, Json>,
    pointer: &str,
    doc: &Doc<'_>,
    diags: &mut Diagnostics,
) {
    let msg = format!(
        "unknown variable `${{{name}}}` in {}",
        display_path(pointer)
    );
    let help = match crate::diag::did_you_mean(name, vars.keys().map(String::as_str)) {
        Some(s) => format!(
            "did you mean `${{{s}}}`? Variables come from the pack's `vars:` and gonogo.yaml's `vars:`"
        ),
        None => format!("define it under `vars:` in gonogo.yaml (`{name}: ...`)"),
    };
    doc.error_help_at(pointer, msg, help, diags);
}
