//! Rules on whole objects: labels, namespaces, services, ConfigMaps holding credentials,
//! persistent volume claims.

use super::check::{CREDENTIAL_WORDS, Out, TI, key_line};
use super::quantity::{self, format_bytes};
use super::workload::{entries, field, int, path, text};
use super::{CRONJOB_MAX_NAME_LENGTH, Object, RuleId};
use crate::yaml::Node;

pub(super) fn object_rules(out: &mut Out<'_>, o: &Object) {
    let spec = field(&o.node, "spec");
    match o.kind.as_str() {
        "Service" if out.on(RuleId::NodePort) => {
            if let Some(t) = spec.and_then(|s| field(s, "type"))
                && text(t).as_deref() == Some("NodePort")
            {
                out.push(
                    RuleId::NodePort,
                    RuleId::NodePort.severity(),
                    o,
                    t.span.line,
                    None,
                    "Service of type NodePort exposes a port on every node; use a ClusterIP Service behind the platform's ingress".into(),
                );
            }
        }
        "ConfigMap" if out.on(RuleId::ConfigMapCredentials) => configmap_credentials(out, o),
        "PersistentVolumeClaim" if out.on(RuleId::PvcSize) => {
            if let Some(spec) = spec {
                pvc_size(out, o, spec, "PersistentVolumeClaim");
            }
        }
        "Secret" if out.on(RuleId::PlainSecret) => {
            for key in ["data", "stringData"] {
                let n = entries(field(&o.node, key)).len();
                if n > 0 {
                    out.push(
                        RuleId::PlainSecret,
                        RuleId::PlainSecret.severity(),
                        o,
                        key_line(&o.node, key).unwrap_or(o.line),
                        None,
                        format!(
                            "Secret with {n} key{} in `{key}` is committed in plain text; keep secrets in Vault (VaultStaticSecret) or encrypted with SOPS (SopsSecret)",
                            if n == 1 { "" } else { "s" }
                        ),
                    );
                }
            }
        }
        "CronJob" if out.on(RuleId::HistoryAndNames) => {
            for key in ["successfulJobsHistoryLimit", "failedJobsHistoryLimit"] {
                if let Some(n) = spec.and_then(|s| field(s, key))
                    && let Some(v) = int(Some(n))
                    && v > 5
                {
                    out.push(
                        RuleId::HistoryAndNames,
                        RuleId::HistoryAndNames.severity(),
                        o,
                        n.span.line,
                        None,
                        format!("{key} is {v}; keep at most 5 finished Jobs"),
                    );
                }
            }
        }
        _ => {}
    }
    if out.on(RuleId::HistoryAndNames) {
        let max = if o.kind == "CronJob" {
            out.options.max_name_length.min(CRONJOB_MAX_NAME_LENGTH)
        } else {
            out.options.max_name_length
        };
        let len = o.name.chars().count();
        if len > max {
            let line = field(&o.node, "metadata")
                .and_then(|m| key_line(m, "name"))
                .unwrap_or(o.line);
            out.push(
                RuleId::HistoryAndNames,
                RuleId::HistoryAndNames.severity(),
                o,
                line,
                None,
                format!("name is {len} characters long; keep names short (at most {max})"),
            );
        }
    }
}

/// ConfigMap keys naming a credential, and values with a `password = something` line. The
/// value itself is never copied into the message.
pub(super) fn configmap_credentials(out: &mut Out<'_>, o: &Object) {
    for section in ["data", "binaryData"] {
        for (k, v) in entries(field(&o.node, section)) {
            let Some(key) = text(k) else { continue };
            let normalized = key.to_lowercase().replace(['-', '.'], "_");
            let why = if let Some(w) = CREDENTIAL_WORDS.iter().find(|w| normalized.contains(*w)) {
                Some(format!("key `{key}` names a credential ({w})"))
            } else if section == "data" {
                text(v).and_then(|value| {
                    value.lines().enumerate().find_map(|(i, line)| {
                        credential_assignment(line)
                            .map(|name| format!("line {} of key `{key}` sets `{name}`", i + 1))
                    })
                })
            } else {
                None
            };
            if let Some(why) = why {
                out.push(
                    RuleId::ConfigMapCredentials,
                    RuleId::ConfigMapCredentials.severity(),
                    o,
                    k.span.line,
                    None,
                    format!("{why}; credentials belong in Vault, not in a ConfigMap"),
                );
            }
        }
    }
}

/// The setting name when `line` assigns a literal value to a credential-like setting
/// (`db.password=hunter2`, `PASSWD: x`); references (`${DB_PASSWORD}`, `{{ .pw }}`) and empty
/// values are not credentials.
pub(super) fn credential_assignment(line: &str) -> Option<String> {
    let lower = line.to_ascii_lowercase();
    let normalized = lower.replace(['-', '.'], "_");
    let (pos, word) = CREDENTIAL_WORDS
        .iter()
        .find_map(|w| normalized.find(w).map(|p| (p, *w)))?;
    let ident = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
    let start = lower[..pos]
        .char_indices()
        .rev()
        .find(|(_, c)| !ident(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let after = &lower[pos + word.len()..];
    let name_end = pos + word.len() + after.find(|c: char| !ident(c)).unwrap_or(after.len());
    let rest = lower[name_end..].trim_start_matches(['"', '\'', ' ', '\t']);
    let value = rest.strip_prefix(['=', ':'])?.trim();
    let value = value.trim_matches(['"', '\'', ',', ';']);
    if value.is_empty()
        || value.starts_with('$')
        || value.starts_with("{{")
        || value.starts_with('<')
    {
        return None;
    }
    Some(line[start..name_end].trim().to_string())
}

pub(super) fn pvc_size(out: &mut Out<'_>, o: &Object, spec: &Node, what: &str) {
    let Some(storage) = path(spec, &["resources", "requests", "storage"]) else {
        return;
    };
    let msg = match quantity::of_node(storage) {
        Some(bytes) if bytes >= TI => format!(
            "{what} requests {} of storage; keep each claim under 1Ti",
            format_bytes(bytes)
        ),
        Some(_) => return,
        None => format!(
            "{what} storage request `{}` is not a valid quantity",
            text(storage).unwrap_or_default()
        ),
    };
    out.push(
        RuleId::PvcSize,
        RuleId::PvcSize.severity(),
        o,
        storage.span.line,
        None,
        msg,
    );
}
