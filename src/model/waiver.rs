//! Waivers: a named, reasoned, expiring exception to one rule (or to some items of it).
//!
//! A waiver without `match` covers the rule's whole outcome; with `match` (a glob over test ids,
//! CVE ids, fingerprints, paths) it removes matching items before the rule measures. This is the
//! configured form; what became of it in one evaluation is `eval::WaiverStatus`.

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Days before expiry from which a waiver is reported as expiring soon.
pub const EXPIRY_WARNING_DAYS: i32 = 14;

/// A waiver as written in `gonogo.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// The rule id it applies to.
    pub rule: String,
    /// Glob over item keys (test id, CVE id, fingerprint, path); absent: the whole rule.
    #[serde(rename = "match", default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Why the exception is acceptable; required.
    pub reason: String,
    /// Last day the waiver applies (`YYYY-MM-DD`); required.
    #[schemars(with = "String")]
    pub expires: Date,
    /// Tracking reference (ticket, action plan item).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// Where it was declared (`gonogo.yaml:42`), filled in by the loader.
    #[serde(skip_deserializing, default)]
    #[schemars(skip)]
    pub origin: String,
}

impl Waiver {
    pub fn is_expired(&self, today: Date) -> bool {
        today > self.expires
    }

    pub fn days_left(&self, today: Date) -> i32 {
        (self.expires - today).get_days()
    }

    /// Whether `key` is covered by the `match` glob (`*` any run, `?` one character).
    pub fn matches(&self, key: &str) -> bool {
        self.pattern.as_deref().is_some_and(|p| glob_match(p, key))
    }
}

pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_ids() {
        assert!(glob_match("CVE-2024-*", "CVE-2024-1234"));
        assert!(!glob_match("CVE-2024-*", "CVE-2023-1234"));
        assert!(glob_match("com.acme.*Test.test?", "com.acme.FooTest.test1"));
        assert!(glob_match("exact", "exact"));
        assert!(!glob_match("exact", "exactly"));
    }

    #[test]
    fn expiry_is_inclusive_of_the_last_day() {
        let w = Waiver {
            rule: "R".into(),
            pattern: None,
            reason: "r".into(),
            expires: jiff::civil::date(2026, 12, 1),
            ticket: None,
            origin: String::new(),
        };
        assert!(!w.is_expired(jiff::civil::date(2026, 12, 1)));
        assert!(w.is_expired(jiff::civil::date(2026, 12, 2)));
        assert_eq!(w.days_left(jiff::civil::date(2026, 11, 29)), 2);
    }
}
