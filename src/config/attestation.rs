//! `attestation:` in gonogo.yaml: which images a verdict speaks for when it is written as an
//! in-toto statement (`--report intoto=PATH`).
//!
//! A subject is an image by digest, `NAME@sha256:HEX`, never by tag: a tag moves, and an
//! attestation bound to a tag would vouch for whatever is pushed under it next. The digest is
//! checked here, where it is written, so a typo fails the load with its `file:line` instead of
//! producing a statement no cluster will ever match.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `attestation:` as written in gonogo.yaml.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttestationSpec {
    /// Images the in-toto statement is about, `NAME@sha256:HEX` (64 lowercase hex digits);
    /// `--subject` on the command line replaces them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<String>,
}

/// One image the statement is about: its name and its sha256 digest (64 lowercase hex digits).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Subject {
    pub name: String,
    pub sha256: String,
}

impl Subject {
    /// Reads `NAME@sha256:HEX`; the error says what is wrong and what is expected.
    pub fn parse(text: &str) -> Result<Subject, String> {
        let expected = "expected NAME@sha256:HEX, an image by digest (64 lowercase hex digits)";
        let text = text.trim();
        let Some((name, digest)) = text.rsplit_once('@') else {
            return Err(format!("`{text}` has no digest: {expected}"));
        };
        if name.is_empty() {
            return Err(format!("`{text}` has no image name: {expected}"));
        }
        let Some(hex) = digest.strip_prefix("sha256:") else {
            return Err(format!(
                "`{text}`: the digest must be sha256 (`@sha256:…`): {expected}"
            ));
        };
        if hex.len() != 64 || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(format!(
                "`{text}`: `{hex}` is not 64 lowercase hex digits: {expected}"
            ));
        }
        Ok(Subject {
            name: name.to_string(),
            sha256: hex.to_string(),
        })
    }
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@sha256:{}", self.name, self.sha256)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_are_images_by_sha256_digest() {
        let hex = "a".repeat(64);
        let s = Subject::parse(&format!("registry.example/team/app@sha256:{hex}")).unwrap();
        assert_eq!(s.name, "registry.example/team/app");
        assert_eq!(s.sha256, hex);
        assert_eq!(
            s.to_string(),
            format!("registry.example/team/app@sha256:{hex}")
        );
        let port = Subject::parse(&format!("localhost:5000/app@sha256:{hex}")).unwrap();
        assert_eq!(port.name, "localhost:5000/app");
        for bad in [
            "registry.example/app:1.0".to_string(),
            format!("@sha256:{hex}"),
            format!("app@sha512:{hex}"),
            format!("app@sha256:{}", "a".repeat(63)),
            format!("app@sha256:{}", "A".repeat(64)),
            format!("app@sha256:{}g", "a".repeat(63)),
        ] {
            assert!(Subject::parse(&bad).is_err(), "{bad}");
        }
    }
}
