//! Every secret gonogo holds is known here, so that none can leave in anything it writes.
//!
//! Credentials come from the environment (`auth` of a source, the publish tokens) and are
//! registered the moment they are read. Everything gonogo writes — stdout, stderr, log lines,
//! report files, the bodies it posts to GitHub and GitLab — goes through [`scrub`] on its way
//! out, so a server that echoes a token back in an error message, or a note quoting an answer,
//! cannot make gonogo print it. Values shorter than [`MIN_LEN`] are not registered: scrubbing
//! every `1` or `dev` would mangle reports, and a secret that short protects nothing.

use std::borrow::Cow;
use std::sync::{LazyLock, RwLock};

/// The shortest value treated as a secret.
pub const MIN_LEN: usize = 6;

static KNOWN: LazyLock<RwLock<Vec<String>>> = LazyLock::new(|| RwLock::new(Vec::new()));

/// Remembers `value` as a secret for the rest of the process.
pub fn register(value: &str) {
    let value = value.trim();
    if value.chars().count() < MIN_LEN {
        return;
    }
    let mut known = KNOWN.write().unwrap_or_else(|e| e.into_inner());
    if !known.iter().any(|k| k == value) {
        known.push(value.to_string());
        known.sort_by_key(|k| std::cmp::Reverse(k.len()));
    }
}

/// `text` with every registered secret replaced by `***`.
pub fn scrub(text: &str) -> Cow<'_, str> {
    let known = KNOWN.read().unwrap_or_else(|e| e.into_inner());
    if known.is_empty() || !known.iter().any(|k| text.contains(k.as_str())) {
        return Cow::Borrowed(text);
    }
    let mut out = text.to_string();
    for k in known.iter() {
        if out.contains(k.as_str()) {
            out = out.replace(k.as_str(), "***");
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_values_never_come_out() {
        register("SEKRITtoken-123");
        register("abc");
        let text = "401: {\"x-api-key\": \"SEKRITtoken-123\"} for abc";
        assert_eq!(scrub(text), "401: {\"x-api-key\": \"***\"} for abc");
        assert!(matches!(scrub("nothing here"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_longer_secret_is_scrubbed_before_its_prefix() {
        register("prefixABCDEF");
        register("prefixABCDEF-and-more");
        assert_eq!(scrub("x prefixABCDEF-and-more y"), "x *** y");
    }
}
