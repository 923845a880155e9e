//! Secrets committed in plain text in deployment files (CPN-K8S-13): a `Secret` with data, a
//! container `env` entry whose name says credential (`DB_PASSWORD`, `API_TOKEN`) with a literal
//! `value:`, and the same in Helm values files (`postgresPassword: demo`).
//!
//! A reference is not a secret: `valueFrom.secretKeyRef`, `$(OTHER_VAR)`, `${VAR}`, a Helm
//! expression, a Vault reference (`vault:secret/data/app#password`, `ref+vault://...`), a SOPS
//! encrypted value (`ENC[AES256_GCM,...]`) and an empty value are all fine. Keys that name a
//! secret rather than hold one (`existingSecret`, `secretName`, `passwordKey`) are not
//! credentials. The value itself is never copied into a message.

use super::check::Out;
use super::workload::{Container, Workload, entries, field, items, text};
use super::{Object, RuleId};
use crate::yaml::{Node, NodeKind};

/// Normalised key endings that name a credential.
const CREDENTIAL_ENDINGS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "apikey",
    "secretkey",
    "privatekey",
    "clientsecret",
    "credentials",
];

/// Normalised key endings that name where a secret is, not the secret.
const REFERENCE_ENDINGS: &[&str] = &[
    "secretname",
    "secretref",
    "secretkeyref",
    "passwordkey",
    "tokenkey",
    "file",
    "path",
    "enabled",
];

/// Whether a key or variable name says it holds a credential.
pub(super) fn credential_name(key: &str) -> bool {
    let k: String = key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    if k.starts_with("existing") || REFERENCE_ENDINGS.iter().any(|e| k.ends_with(e)) {
        return false;
    }
    CREDENTIAL_ENDINGS.iter().any(|e| k.ends_with(e))
}

/// Whether `value` is a literal (a secret written down) rather than a reference or empty.
pub(super) fn literal(value: &str) -> bool {
    let v = value.trim();
    !(v.is_empty()
        || v.starts_with('$')
        || v.starts_with("{{")
        || v.starts_with('<')
        || v.starts_with("vault:")
        || v.starts_with("ref+")
        || v.starts_with("ENC[")
        || v.eq_ignore_ascii_case("changeit-in-vault"))
}

/// Literal credentials in a container's `env`.
pub(super) fn env_secrets(out: &mut Out<'_>, w: &Workload<'_>, c: &Container<'_>) {
    for e in items(c.get("env")) {
        let Some(name) = field(e, "name").and_then(text) else {
            continue;
        };
        let Some(value) = field(e, "value") else {
            continue;
        };
        let literal_value = match &value.kind {
            NodeKind::Str(s) => literal(s),
            NodeKind::Int(_) | NodeKind::Float(_) => true,
            _ => false,
        };
        if credential_name(&name) && literal_value {
            out.push(
                RuleId::PlainSecret,
                RuleId::PlainSecret.severity(),
                w.object,
                value.span.line,
                Some(c.name.as_str()),
                format!(
                    "env `{name}` holds a literal value in the manifest; read it from a Secret fed by Vault (valueFrom.secretKeyRef, VaultStaticSecret)"
                ),
            );
        }
    }
}

/// Literal credentials in a Helm values file, at any depth.
pub(super) fn values_secrets(out: &mut Out<'_>, path: &str, root: &Node) {
    let file = Object {
        kind: "HelmValues".into(),
        name: path.rsplit(['/', '\\']).next().unwrap_or(path).to_string(),
        namespace: None,
        node: root.clone(),
        path: path.to_string(),
        line: root.span.line,
        source: None,
    };
    let mut stack: Vec<(String, &Node)> = vec![(String::new(), root)];
    while let Some((at, node)) = stack.pop() {
        for (k, v) in entries(Some(node)) {
            let Some(key) = text(k) else { continue };
            let here = if at.is_empty() {
                key.clone()
            } else {
                format!("{at}.{key}")
            };
            match &v.kind {
                NodeKind::Map(_) => stack.push((here, v)),
                NodeKind::Seq(list) => {
                    for (i, item) in list.iter().enumerate() {
                        stack.push((format!("{here}[{i}]"), item));
                    }
                }
                NodeKind::Str(s) if credential_name(&key) && literal(s) => {
                    push_value(out, &file, k, &here);
                }
                NodeKind::Int(_) | NodeKind::Float(_) if credential_name(&key) => {
                    push_value(out, &file, k, &here);
                }
                _ => {}
            }
        }
        if let NodeKind::Seq(list) = &node.kind {
            for (i, item) in list.iter().enumerate() {
                stack.push((format!("{at}[{i}]"), item));
            }
        }
    }
}

fn push_value(out: &mut Out<'_>, file: &Object, key: &Node, at: &str) {
    out.push(
        RuleId::PlainSecret,
        RuleId::PlainSecret.severity(),
        file,
        key.span.line,
        None,
        format!(
            "values `{at}` holds a literal credential committed in Git; keep it in Vault and reference it (existingSecret, a VaultStaticSecret), or encrypt the file with SOPS"
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_values() {
        for k in [
            "DB_PASSWORD",
            "postgresPassword",
            "API_KEY",
            "apiKey",
            "client-secret",
            "GITHUB_TOKEN",
            "s3.secretKey",
            "password",
        ] {
            assert!(credential_name(k), "{k}");
        }
        for k in [
            "existingSecret",
            "secretName",
            "adminPasswordKey",
            "passwordFile",
            "tokenEnabled",
            "username",
            "SPRING_DATASOURCE_URL",
        ] {
            assert!(!credential_name(k), "{k}");
        }
        for v in ["passworddemo", "changeme", "1234"] {
            assert!(literal(v), "{v}");
        }
        for v in [
            "",
            " ",
            "$(DB_PASS)",
            "${DB_PASS}",
            "{{ .Values.pw }}",
            "vault:secret/data/app#pw",
            "ref+vault://secret/app#pw",
            "ENC[AES256_GCM,data:abc]",
            "<set me>",
        ] {
            assert!(!literal(v), "{v:?}");
        }
    }
}
