//! The JSON Schema of rule files (`gonogo schema rules`), derived from the types the loader
//! deserialises into, so that a key the loader knows is a key the schema knows.
//!
//! The loader expands `${var}` templates in rules and overrides *before* typing them (see
//! `template.rs`), so in a file a `${var}` may stand where the type wants a list, a number or an
//! enum value. The derived schema describes the expanded form; this module widens every value
//! position under `rules:` and `overrides:` to also accept a template string. The file's header
//! (`pack`, `stages`, `vars`, `required_vars`) is typed as written and stays strict.

use std::collections::BTreeSet;

use serde_json::{Map, Value as Json, json};

use super::RuleFileSchema;

/// The name of the shared definition of a `${var}` string.
const TEMPLATE_DEF: &str = "Template";

/// What the loader takes for a whole-value template: `${` then a name then `}`.
pub const TEMPLATE_PATTERN: &str = r"^\$\{[^}]+\}$";

/// The schema of a rule file, as `gonogo schema rules` prints it (draft 2020-12).
pub fn rule_file_schema() -> Json {
    let mut schema = schemars::schema_for!(RuleFileSchema).to_value();
    accept_templates(&mut schema);
    schema
}

fn accept_templates(schema: &mut Json) {
    let Some(defs) = schema.get_mut("$defs").and_then(Json::as_object_mut) else {
        return;
    };
    let templated = reachable(defs, &["Rule", "Override"]);
    for name in &templated {
        if let Some(def) = defs.get_mut(name) {
            widen_inside(def);
        }
    }
    defs.insert(
        TEMPLATE_DEF.into(),
        json!({
            "description": "A `${var}` template: the variable's value (from the pack's `vars:` or \
                            gonogo.yaml's `vars:`) stands here once the pack is loaded.",
            "type": "string",
            "pattern": TEMPLATE_PATTERN,
        }),
    );
}

/// The definitions the named ones use, directly or not, themselves included.
fn reachable(defs: &Map<String, Json>, roots: &[&str]) -> BTreeSet<String> {
    fn refs(v: &Json, out: &mut Vec<String>) {
        match v {
            Json::Object(m) => {
                if let Some(Json::String(r)) = m.get("$ref")
                    && let Some(name) = r.strip_prefix("#/$defs/")
                {
                    out.push(name.to_string());
                }
                m.values().for_each(|v| refs(v, out));
            }
            Json::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = roots.iter().map(|r| r.to_string()).collect();
    while let Some(name) = todo.pop() {
        if defs.contains_key(&name) && seen.insert(name.clone()) {
            refs(&defs[&name], &mut todo);
        }
    }
    seen
}

/// Widens every value position inside `schema` (its properties, map values, list items), not
/// `schema` itself: a definition is widened where it is used.
fn widen_inside(schema: &mut Json) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(Json::Array(members)) = obj.get_mut(key) {
            members.iter_mut().for_each(widen_inside);
        }
    }
    if let Some(Json::Object(props)) = obj.get_mut("properties") {
        props.values_mut().for_each(widen_value);
    }
    for key in ["additionalProperties", "items"] {
        if let Some(v @ Json::Object(_)) = obj.get_mut(key) {
            widen_value(v);
        }
    }
    if let Some(Json::Array(items)) = obj.get_mut("prefixItems") {
        items.iter_mut().for_each(widen_value);
    }
}

/// A value position: what it accepts, or a template.
fn widen_value(schema: &mut Json) {
    widen_inside(schema);
    if takes_any_string(schema) || schema.get("const").is_some() {
        return;
    }
    let original = std::mem::take(schema);
    *schema = json!({
        "anyOf": [original, {"$ref": format!("#/$defs/{TEMPLATE_DEF}")}]
    });
}

/// A schema every string satisfies (so a template already fits).
fn takes_any_string(schema: &Json) -> bool {
    let Some(obj) = schema.as_object() else {
        return schema == &Json::Bool(true);
    };
    let string_type = match obj.get("type") {
        Some(Json::String(t)) => t == "string",
        Some(Json::Array(ts)) => ts.iter().any(|t| t == "string"),
        _ => false,
    };
    string_type
        && [
            "enum",
            "const",
            "pattern",
            "format",
            "minLength",
            "maxLength",
        ]
        .iter()
        .all(|k| !obj.contains_key(*k))
        && ["anyOf", "oneOf", "allOf", "not", "$ref"]
            .iter()
            .all(|k| !obj.contains_key(*k))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def<'a>(schema: &'a Json, name: &str) -> &'a Json {
        &schema["$defs"][name]
    }

    #[test]
    fn templated_positions_accept_a_var_and_the_header_does_not() {
        let s = rule_file_schema();
        let template = json!({"$ref": "#/$defs/Template"});
        let since = &def(&s, "Rule")["properties"]["since"];
        assert!(
            since["anyOf"].as_array().unwrap().contains(&template),
            "{since}"
        );
        let title = &def(&s, "Rule")["properties"]["title"];
        assert_eq!(
            title["type"], "string",
            "a plain string takes a template as is"
        );
        assert!(
            !s["properties"]["stages"].to_string().contains("Template"),
            "the header is typed as written"
        );
        assert!(!def(&s, "Stage").to_string().contains("Template"));
    }

    #[test]
    fn the_check_kind_stays_exact() {
        let s = rule_file_schema();
        for variant in def(&s, "Check")["oneOf"].as_array().unwrap() {
            assert!(
                variant["properties"]["kind"]["const"].is_string(),
                "{variant}"
            );
            assert_eq!(variant["additionalProperties"], false, "{variant}");
        }
    }
}
